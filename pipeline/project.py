"""Where a project's files are, and how its catalogs are read and written.

Everything that needs a catalog path, the article list or a catalog's text comes
here, so no module has to import the build orchestrator to find a file.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from babel.messages.catalog import Catalog

from pipeline import __version__, po, records
from pipeline.config import Config
from pipeline.fileio import MAX_CATALOG_BYTES, FileChanged, decode_utf8, now, read_limited, require_inside, write_atomic
from pipeline.glossary import Glossary
from pipeline.glossary import load as load_glossary_file
from pipeline.model import InputError, Locale
from pipeline.readers import SUFFIXES, slug_for


def relative(config: Config, path: Path) -> str:
    """A path as the user knows it: relative to the project root when it lies inside."""
    try:
        return str(path.resolve().relative_to(config.root))
    except ValueError:
        return str(path)


def find_articles(config: Config, names: Sequence[str]) -> list[Path]:
    """The articles named, or every article in the project; two with one slug stop the run here.

    An article must really lie inside the project (named) or its articles folder (found):
    a symlink to /etc/passwd committed as an "article" is refused before it is read.
    """
    if names:
        found = [Path(name) if Path(name).is_absolute() else Path.cwd() / name for name in names]
        for path in found:
            require_inside(path, config.root, "article")
    else:
        found = project_articles(config)
        if not found:
            raise InputError(
                "no articles found; put .txt, .md or .html files there or name one", config.resolve(config.articles)
            )
    check_unique_slugs(config, found)
    return found


def project_articles(config: Config) -> list[Path]:
    """Every article file in the articles folder (checked to lie there), sorted."""
    folder = config.resolve(config.articles)
    if not folder.is_dir():
        return []
    found = sorted(p for p in folder.glob("*") if p.suffix.lower() in SUFFIXES and (p.is_file() or p.is_symlink()))
    return [require_inside(path, folder, "article") for path in found]


def check_unique_slugs(config: Config, paths: Sequence[Path]) -> None:
    """Two articles with one slug would write the same catalogs and pages: refuse before any write."""
    by_slug: dict[str, list[Path]] = defaultdict(list)
    for path in paths:
        if path.suffix.lower() in SUFFIXES:
            by_slug[slug_for(path)].append(path)
    for slug, same in by_slug.items():
        if len({p.resolve() for p in same}) > 1:
            others = ", ".join(relative(config, p) for p in same[1:])
            raise InputError(
                f"has the same slug '{slug}' as {others}: both would write the same catalogs and "
                "pages; rename or remove one",
                same[0],
            )


def in_locales(config: Config, path: Path, what: str) -> Path:
    """A path under locales/, refused when a symlink on the way leads out of it."""
    return require_inside(path, config.resolve(config.locales_dir), what)


def template_path(config: Config, slug: str) -> Path:
    return in_locales(config, config.resolve(config.locales_dir) / f"{slug}.pot", "template")


def catalog_path(config: Config, slug: str, locale: Locale) -> Path:
    path = config.resolve(config.locales_dir) / locale.folder / "LC_MESSAGES" / f"{slug}.po"
    return in_locales(config, path, "catalog")


def xliff_path(config: Config, slug: str, locale: Locale) -> Path:
    return in_locales(config, config.resolve(config.locales_dir) / locale.folder / f"{slug}.xlf", "XLIFF file")


def read_catalog_text(path: Path) -> str | None:
    """A catalog or template file's text, None when there is none yet."""
    if not path.exists():
        return None
    data = read_limited(path, MAX_CATALOG_BYTES, "catalog")
    return decode_utf8(
        data, path, "catalog is not valid UTF-8 (byte {byte}); re-save it as UTF-8 or restore it from git"
    )


def load_catalog(path: Path, text: str) -> Catalog:
    """A catalog file's text parsed, with the machine records kept beside it put back in."""
    catalog = po.parse(text, path)
    records_file = records_beside(path)
    if records_file.is_file():
        records.restore(catalog, records.parse(read_records_text(records_file), records_file))
    return catalog


def read_records_text(path: Path) -> str:
    """A machine-records file's text (size checked before reading), or one InputError with its line."""
    data = read_limited(path, MAX_CATALOG_BYTES, "machine records file")
    return decode_utf8(
        data,
        path,
        "machine records are not valid UTF-8; delete the file (its machine drafts then count as a person's "
        "text) or restore it from git",
    )


def records_beside(path: Path) -> Path:
    """The machine records of the catalog at ``path``, refused when a symlink leads them out of its folder."""
    return require_inside(records.records_path(path), path.parent, "machine records file")


def read_catalog(path: Path) -> Catalog | None:
    text = read_catalog_text(path)
    return None if text is None else load_catalog(path, text)


def load_glossary(config: Config) -> Glossary | None:
    path = config.resolve(config.glossary)
    if not path.exists():
        return None
    return load_glossary_file(require_inside(path, config.root, "glossary"))


def gettext_date(moment: datetime) -> str:
    """A header date as gettext and Poedit write it: 2026-11-28 06:57+0000."""
    return moment.strftime("%Y-%m-%d %H:%M%z")


def new_header(catalog: Catalog) -> po.Header:
    return po.header_from_catalog(catalog).with_field("X-Generator", f"newsloc {__version__}")


def updated_text(catalog: Catalog, on_disk: str | None, date_field: str) -> str | None:
    """The catalog's new text, or None when the file already says the same; the header stays as the file has it.

    ``on_disk`` is the file's text as read (None if absent). Only when an entry changed
    does ``date_field`` (PO-Revision-Date, POT-Creation-Date) get today's date, so a
    file a translator's tool saved, or msgcat rewrote, is left byte for byte alone.
    Pure but for the clock: the build's worker processes render, its writer writes.
    """
    header = po.header_of(on_disk) or new_header(catalog)
    if on_disk is not None and po.render(catalog, header) == on_disk:
        return None
    return po.render(catalog, header.with_field(date_field, gettext_date(now())))


def catalog_content(catalog: Catalog) -> tuple:
    """Everything of a catalog's entries that its rendering shows (with the file's header: a cache key
    for ``updated_text``)."""

    def entry(message) -> tuple:
        return (
            message.id,
            message.string,
            message.context,
            po.previous_context(message),
            message.previous_id,
            tuple(sorted(message.flags)),
            tuple(message.auto_comments),
            tuple(message.user_comments),
            tuple(message.locations),
        )

    return (
        tuple(entry(message) for message in catalog if message.id),
        tuple(entry(message) for message in catalog.obsolete.values()),
    )


def write_if_changed(path: Path, catalog: Catalog, on_disk: str | None, date_field: str) -> bool:
    """Write the catalog unless the file already says the same (see ``updated_text``)."""
    text = updated_text(catalog, on_disk, date_field)
    if text is None:
        return False
    write_atomic(path, text, unchanged_since=on_disk)  # else FileChanged: a save made meanwhile is kept
    return True


def updated_records(path: Path, catalog: Catalog) -> tuple[Path, str] | None:
    """The machine-records file beside the catalog at ``path`` and its new text; None when unchanged."""
    records_file = records_beside(path)
    drafts = records.extract(catalog)
    old_records = read_records_text(records_file) if records_file.is_file() else None
    text = records.render(drafts, path.name)
    if text == old_records or (not drafts and old_records is None):
        return None
    return records_file, text


def write_catalog(path: Path, catalog: Catalog, on_disk: str | None) -> bool:
    """Write a locale's catalog if any entry changed, with a new revision date, and its machine records.

    The records go first: a crash between the two writes leaves the old catalog, whose
    own ``mt:`` comments still describe its drafts.
    """
    update = updated_records(path, catalog)
    if update is None:
        return write_if_changed(path, catalog, on_disk, "PO-Revision-Date")
    records_file = update[0]
    old_records = records_file.read_bytes() if records_file.is_file() else None
    write_atomic(*update)
    try:
        return write_if_changed(path, catalog, on_disk, "PO-Revision-Date")
    except FileChanged:  # the catalog kept another tool's save: its drafts keep their old records
        if old_records is None:
            records_file.unlink(missing_ok=True)
        else:
            write_atomic(records_file, old_records)
        raise


def write_template(path: Path, template: Catalog, on_disk: str | None) -> bool:
    """Write an article's POT if any entry changed, with a new creation date."""
    return write_if_changed(path, template, on_disk, "POT-Creation-Date")
