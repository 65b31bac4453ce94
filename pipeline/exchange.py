"""XLIFF exchange with CAT tools, one library call per direction; files are touched here, atomically."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import Config
from pipeline.fileio import locked, write_atomic
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
from pipeline.xliff import export_xliff, import_units, parse_xliff


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
    config: Config, article_names: Sequence[str], locales: Sequence[Locale], all_locales: bool
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
            xliff = export_xliff(catalog, locale, relative(config, po_path))
            pending.append((xliff_path(config, slug, locale), xliff, sum(1 for m in catalog if m.id)))
    if missing and (not all_locales or len(missing) == len(paths) * len(locales)):
        tag = locales[0].tag if not all_locales else "LANG"
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        raise InputError(f"no catalog yet{more}; run `newsloc build --lang {tag}` first", missing[0])
    for target, xliff, _ in pending:  # validated and generated everything first: nothing half-written
        write_atomic(target, xliff)
    return ExportReport(tuple(Exported(target, units) for target, _, units in pending), tuple(missing))


def import_files(config: Config, files: Sequence[Path]) -> list[Imported]:
    """Merge translators' edits from XLIFF files back into the catalogs they were exported from."""
    results = []
    for file in files:
        if not file.is_file():
            raise InputError("no such XLIFF file", file)
        document = parse_xliff(file.read_bytes(), file)
        locale = config.locale(document.target_language)
        po_path = catalog_path(config, slug_for(Path(document.original)), locale)
        if not po_path.exists():
            raise InputError(f"its catalog {relative(config, po_path)} does not exist; nothing was imported", file)
        with locked(po_path):  # no build may merge between our read and our write
            on_disk = read_catalog_text(po_path)
            assert on_disk is not None
            result = import_units(load_catalog(po_path, on_disk), document, file)
            if result.changed:
                write_catalog(po_path, result.catalog, on_disk)
        results.append(Imported(po_path, len(document.units), result.reviewed, result.drafted, result.noted))
    return results
