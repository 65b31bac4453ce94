"""XLIFF exchange with CAT tools, one library call per direction; files are touched here, atomically."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline import po
from pipeline.config import Config
from pipeline.fileio import (
    MAX_CATALOG_BYTES,
    FileChanged,
    lies_inside,
    locked,
    read_limited,
    require_in_project,
    write_atomic,
)
from pipeline.model import InputError, Locale
from pipeline.project import (
    catalog_path,
    find_articles,
    load_catalog,
    read_catalog,
    read_catalog_text,
    relative,
    write_catalog,
    xliff_path,
)
from pipeline.readers import slug_for
from pipeline.xliff import ImportResult, XliffFile, export_xliff, import_units, parse_xliff

MAX_XLIFF_BYTES = MAX_CATALOG_BYTES


@dataclass(frozen=True)
class Exported:
    path: Path
    units: int


@dataclass(frozen=True)
class ExportReport:
    written: tuple[Exported, ...]
    skipped: tuple[Path, ...]  # catalogs not built yet


@dataclass(frozen=True)
class Imported:
    catalog_path: Path
    units: int
    reviewed: int
    drafted: int
    noted: int


def export_catalogs(
    config: Config,
    article_names: Sequence[str],
    locales: Sequence[Locale],
    all_locales: bool,
    copy_source: bool = False,
) -> ExportReport:
    """Write locales/<lang>/<article>.xlf from each built catalog; nothing built at all is an error."""
    missing: list[Path] = []
    pending: list[tuple[Path, bytes, int]] = []
    paths = find_articles(config, article_names)
    for path in paths:
        slug = slug_for(path)
        for locale in locales:
            po_path = catalog_path(config, slug, locale)
            catalog = read_catalog(po_path)  # writes are atomic: a reader sees a whole file
            if catalog is None:
                missing.append(po_path)
                continue
            xliff = export_xliff(catalog, locale, relative(config, po_path), copy_source)
            pending.append((xliff_path(config, slug, locale), xliff, sum(1 for m in catalog if m.id)))
    if missing and (not all_locales or len(missing) == len(paths) * len(locales)):
        tag = locales[0].tag if not all_locales else "LANG"
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        raise InputError(f"no catalog yet{more}; run `newsloc build --lang {tag}` first", missing[0])
    for target, xliff, _ in pending:  # validated and generated everything first: nothing half-written
        write_atomic(target, xliff)
    return ExportReport(tuple(Exported(target, units) for target, _, units in pending), tuple(missing))


def import_files(config: Config, files: Sequence[Path]) -> list[Imported]:
    """Merge translators' edits from XLIFF files back into the catalogs they were exported from.

    Every file is read and checked (place, XML, language, catalog) before the first is imported.
    """
    checked = [_checked_file(config, file) for file in files]
    results = []
    for file, document, po_path in checked:
        with locked(po_path):  # no build may merge between our read and our write
            result = import_into(po_path, document, file)
        results.append(Imported(po_path, len(document.units), result.reviewed, result.drafted, result.noted))
    return results


def _checked_file(config: Config, file: Path) -> tuple[Path, XliffFile, Path]:
    """An XLIFF file parsed, with the catalog it goes into; refused unless both lie in the project and agree."""
    require_in_project(file, config.root, "XLIFF file")
    if not file.is_file():
        raise InputError("no such XLIFF file", file)
    document = parse_xliff(read_limited(file, MAX_XLIFF_BYTES, "XLIFF file"), file)
    locale = config.locale(document.target_language)
    check_language(document.original, document.target_language, locale, file)
    original = Path(document.original)
    if original.is_absolute() or not lies_inside(config.root / original, config.resolve(config.locales_dir)):
        raise InputError(
            f"its original {document.original!r} is not a catalog inside {config.locales_dir}/; "
            "export it again with `newsloc xliff export`; nothing was imported",
            file,
        )
    po_path = catalog_path(config, slug_for(original), locale)
    if not po_path.exists():
        raise InputError(f"its catalog {relative(config, po_path)} does not exist; nothing was imported", file)
    header = po.header_of(read_catalog_text(po_path))
    language = header.field("Language") if header is not None else None
    if language and language.replace("_", "-").split("-")[0].lower() != locale.tag.split("-")[0].lower():
        raise InputError(
            f"target-language “{document.target_language}” disagrees with its catalog {relative(config, po_path)}, "
            f"whose Language is {language}; fix one of the two; nothing was imported",
            file,
        )
    return file, document, po_path


def import_into(po_path: Path, document: XliffFile, file: Path, attempts: int = 3) -> ImportResult:
    """Import into the catalog as it is on disk; a save by another tool meanwhile is read and imported into."""
    for attempt in range(attempts):
        on_disk = read_catalog_text(po_path)
        if on_disk is None:
            raise InputError("its catalog disappeared while importing; nothing was imported", file)
        result = import_units(load_catalog(po_path, on_disk), document, file)
        try:
            if result.changed:
                write_catalog(po_path, result.catalog, on_disk)
            return result
        except FileChanged:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def check_language(original: str, target_language: str, locale: Locale, file: Path) -> None:
    """An XLIFF's target-language must be the locale of the catalog it names: no Spanish in French."""
    parts = Path(original).parts
    if "LC_MESSAGES" not in parts[1:]:
        return  # not a path newsloc wrote: the target-language alone says where it goes
    folder = parts[parts.index("LC_MESSAGES") - 1]
    if folder != locale.folder:
        raise InputError(
            f"target-language “{target_language}” disagrees with the catalog it was exported from ({original}); "
            f"fix the target-language or export again; nothing was imported",
            file,
        )
