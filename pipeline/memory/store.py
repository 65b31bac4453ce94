"""The memory's edges: which files feed it, the cache on disk, and `newsloc tm` as library calls.

Files feeding the memory: every catalog ``locales/<lang>/LC_MESSAGES/<slug>.po`` of a
configured locale (reviewed entries only) and every ``*.tmx`` under ``tm/``. The
index lives in ``.newsloc/memory.sqlite3`` and is refreshed from the files whose size
or modification time changed; delete it whenever you like.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog

from pipeline.config import Config
from pipeline.fileio import require_in_project, require_inside, write_atomic
from pipeline.memory.index import Counts, MemoryIndex
from pipeline.memory.units import Origin, Unit, locale_key, units_from_catalog
from pipeline.model import InputError, Locale

CACHE = Path(".newsloc") / "memory.sqlite3"


def cache_path(config: Config) -> Path:
    return config.root / CACHE


def _inside(config: Config, path: Path) -> bool:
    try:
        path.resolve().relative_to(config.root)
    except ValueError:
        return False
    return True


def source_files(config: Config) -> dict[str, Path]:
    """Relative name → path of every file the memory is built from, inside the project only."""
    from pipeline.project import relative

    found: dict[str, Path] = {}
    locales_dir = config.resolve(config.locales_dir)
    for locale in config.locales:
        found.update(
            (relative(config, p), p) for p in sorted((locales_dir / locale.folder / "LC_MESSAGES").glob("*.po"))
        )
    tm_dir = config.resolve(config.tm_dir)
    if tm_dir.is_dir():
        found.update((relative(config, p), p) for p in sorted(tm_dir.rglob("*.tmx")))
    outside = [name for name, path in found.items() if not _inside(config, path)]
    if outside:
        raise InputError("lies outside the project (a symbolic link?); the memory reads only project files", outside[0])
    return found


def _stamp(path: Path) -> str:
    status = path.stat()
    return f"{status.st_size}:{status.st_mtime_ns}"


def project_tag(config: Config, tag: str) -> str:
    """A TMX language as the project writes it: 'ES-es' → 'es' when the project has es but not es-ES."""
    key = locale_key(tag)
    for locale in config.locales:
        if locale_key(locale.tag) == key:
            return locale.tag
    for locale in config.locales:
        if locale_key(locale.tag) == key.split("-")[0]:
            return locale.tag
    return tag


def load_units(config: Config, name: str, path: Path, preloaded: Mapping[Path, Catalog] | None = None) -> list[Unit]:
    """The units one file contributes (a catalog's reviewed entries, a TMX file's units)."""
    if path.suffix == ".tmx":
        from pipeline.memory.tmx import read_tmx

        return [Unit(u.source, u.target, project_tag(config, u.locale), u.origin) for u in read_tmx(path, name).units]
    from pipeline.project import read_catalog

    catalog = (preloaded or {}).get(path) or read_catalog(path)
    locale = project_tag(config, path.parent.parent.name)
    return units_from_catalog(catalog, locale, path.stem) if catalog is not None else []


def refresh(index: MemoryIndex, config: Config, preloaded: Mapping[Path, Catalog] | None = None) -> int:
    """Re-read the files that changed since the index last saw them; the number read."""
    files = source_files(config)
    known = index.stamps()
    stamps = {name: _stamp(path) for name, path in files.items()}
    changed = [name for name, stamp in stamps.items() if known.get(name) != stamp]
    # Everything is parsed before the index changes: a broken file leaves the cache as it was.
    loaded = [(name, stamps[name], load_units(config, name, files[name], preloaded)) for name in changed]
    index.replace_files(loaded, removed=[name for name in known if name not in files])
    return len(changed)


def open_memory(config: Config, preloaded: Mapping[Path, Catalog] | None = None) -> MemoryIndex:
    """The project's memory index, brought up to date with the catalogs and tm/ files.

    ``preloaded``: catalogs the caller has already parsed (path → catalog), not read again.
    """
    index = MemoryIndex(cache_path(config))
    try:
        refresh(index, config, preloaded)
    except BaseException:
        index.close()
        raise
    return index


# ---------------------------------------------------------------- `newsloc tm` commands


@dataclass(frozen=True)
class Exported:
    path: Path
    units: int


@dataclass(frozen=True)
class Imported:
    source: Path
    written: Path | None  # the tm/ file that now holds the new units; None when nothing was new
    new: int
    known: int  # units the memory already had (from a catalog or another TMX)
    skipped: int  # <tu> without English and a target (another language pair)


@dataclass(frozen=True)
class Stats:
    cache: Path
    counts: Counts
    sources: int  # files feeding the memory


def export_tmx(config: Config, target: Path, locales: Sequence[Locale]) -> Exported:
    """Write the memory (for these locales) as TMX 1.4b: one <tu> per distinct translation."""
    from pipeline.memory.tmx import render_tmx

    require_in_project(target, config.root, "TMX file")
    wanted = {locale_key(locale.tag) for locale in locales}
    index = open_memory(config)
    try:
        units = [unit for unit in index.units() if locale_key(unit.locale) in wanted]
    finally:
        index.close()
    write_atomic(target, render_tmx(units))
    return Exported(target, len(units))


def import_tmx(config: Config, file: Path) -> Imported:
    """Add a TMX file's new units to the project as tm/<name>.tmx; units already known change nothing."""
    from pipeline.memory.tmx import read_tmx, render_tmx

    require_in_project(file, config.root, "TMX file")
    if not file.is_file():
        raise InputError("no such TMX file", file)
    parsed = read_tmx(file, str(file))  # validated in full before anything is written
    destination = config.resolve(config.tm_dir) / f"{file.stem}.tmx"
    require_inside(destination, config.resolve(config.tm_dir), "TMX file")
    from pipeline.project import relative

    incoming = [
        Unit(
            u.source,
            u.target,
            project_tag(config, u.locale),
            Origin(relative(config, destination), u.origin.entry) if u.origin.document == str(file) else u.origin,
        )
        for u in parsed.units
    ]
    index = open_memory(config)
    try:
        known = index.known(incoming)
        new = list(
            {
                (locale_key(u.locale), u.source, u.target): u
                for u in incoming
                if (locale_key(u.locale), u.source, u.target) not in known
            }.values()
        )
        if not new:
            return Imported(file, None, 0, len(incoming), parsed.skipped)
        existing = list(read_tmx(destination, str(destination)).units) if destination.exists() else []
        write_atomic(destination, render_tmx([*existing, *new]))
        refresh(index, config)
    finally:
        index.close()
    return Imported(file, destination, len(new), len(incoming) - len(new), parsed.skipped)


def memory_stats(config: Config) -> Stats:
    index = open_memory(config)
    try:
        return Stats(cache_path(config), index.counts(), len(source_files(config)))
    finally:
        index.close()
