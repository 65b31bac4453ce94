"""`newsloc xliff export|import` and `newsloc status`: the segment files as translators and editors see them.

Each command makes one library call; files are read and written here, at the edge,
catalogs under their lock and atomically.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from pipeline.cli_support import LOCALE_HELP, project_options, reports_errors
from pipeline.model import InputError


@click.group("xliff")
def xliff() -> None:
    """Exchange a locale's segments with CAT tools as XLIFF 1.2 (locales/<lang>/<article>.xlf)."""


@xliff.command("export")
@click.argument("articles", nargs=-1, type=click.Path(path_type=str))
@click.option("--lang", default="all", show_default=True, help=LOCALE_HELP)
@project_options
@reports_errors
def export_command(articles: tuple[str, ...], lang: str, config) -> None:
    """Write locales/<lang>/<article>.xlf from each article's catalog (run `newsloc build` first)."""
    from pipeline.build import catalog_path, find_articles, read_catalog, relative
    from pipeline.fileio import write_atomic
    from pipeline.read import slug_for
    from pipeline.xliff import export_xliff

    missing: list[Path] = []
    paths = find_articles(config, articles)
    for path in paths:
        slug = slug_for(path)
        for locale in config.pick_locales(lang):
            po_path = catalog_path(config, slug, locale)
            catalog = read_catalog(po_path)  # writes are atomic: a reader sees a whole file
            if catalog is None:
                missing.append(po_path)
                continue
            target = config.resolve(config.locales_dir) / locale.folder / f"{slug}.xlf"
            write_atomic(target, export_xliff(catalog, locale, relative(config, po_path)))
            click.echo(f"wrote {relative(config, target)} ({sum(1 for m in catalog if m.id)} units)")
    if missing and (lang != "all" or len(missing) == len(paths) * len(config.locales)):
        tag = lang if lang != "all" else "LANG"
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        raise InputError(f"no catalog yet{more}; run `newsloc build --lang {tag}` first", missing[0])
    for po_path in missing:
        click.echo(f"skipped {relative(config, po_path)}: not built yet")


@xliff.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@project_options
@reports_errors
def import_command(files: tuple[Path, ...], config) -> None:
    """Merge translators' edits from XLIFF FILES back into the catalogs they were exported from."""
    from pipeline import catalog as catalogs
    from pipeline.build import catalog_path, read_catalog_text, relative, write_catalog
    from pipeline.fileio import locked
    from pipeline.read import slug_for
    from pipeline.xliff import import_units, parse_xliff

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
            result = import_units(catalogs.parse_catalog(on_disk, po_path), document, file)
            if result.changed:
                write_catalog(po_path, result.catalog, on_disk)
        click.echo(f"{relative(config, po_path)}: {result.reviewed} reviewed, {result.drafted} drafts, "
                   f"{result.noted} comments updated, from {len(document.units)} units")


@click.command("status")
@click.argument("articles", nargs=-1, type=click.Path(path_type=str))
@click.option("--lang", default="all", show_default=True, help=LOCALE_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one object per article and locale).")
@project_options
@reports_errors
def status(articles: tuple[str, ...], lang: str, as_json: bool, config) -> None:
    """How far each article is per locale: segments by state, words, open flags, % reviewed."""
    from pipeline.status import format_table, status_rows

    rows = status_rows(config, articles, config.pick_locales(lang))
    if as_json:
        click.echo(json.dumps([row.as_dict() for row in rows], ensure_ascii=False, indent=2))
    else:
        click.echo(format_table(rows))
