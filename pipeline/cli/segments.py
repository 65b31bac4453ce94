"""`newsloc xliff export|import` and `newsloc status`: the segment files as translators and editors see them.

Each command makes one library call; files are read and written here, at the edge,
catalogs under their lock and atomically.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from pipeline.cli.support import LOCALE_HELP, project_options, reports_errors

# The library is imported inside each command: `newsloc --help` must not load lxml or the engines.


@click.group("xliff")
def xliff() -> None:
    """Exchange a locale's segments with CAT tools as XLIFF 1.2 (locales/<lang>/<article>.xlf)."""


@xliff.command("export")
@click.argument("articles", nargs=-1, type=click.Path(path_type=str))
@click.option("--lang", default="all", show_default=True, help=LOCALE_HELP)
@click.option(
    "--copy-source",
    is_flag=True,
    help="Put the English into untranslated units' targets (OmegaT 3.6 translates the target's text).",
)
@project_options
@reports_errors
def export_command(articles: tuple[str, ...], lang: str, copy_source: bool, config) -> None:
    """Write locales/<lang>/<article>.xlf from each article's catalog (run `newsloc build` first)."""
    from pipeline import exchange
    from pipeline.project import relative

    report = exchange.export_catalogs(
        config, articles, config.pick_locales(lang), all_locales=lang == "all", copy_source=copy_source
    )
    for exported in report.written:
        click.echo(f"wrote {relative(config, exported.path)} ({exported.units} units)")
    for po_path in report.skipped:
        click.echo(f"skipped {relative(config, po_path)}: not built yet")


@xliff.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@project_options
@reports_errors
def import_command(files: tuple[Path, ...], config) -> None:
    """Merge translators' edits from XLIFF FILES back into the catalogs they were exported from."""
    from pipeline import exchange
    from pipeline.project import relative

    for result in exchange.import_files(config, files):
        click.echo(
            f"{relative(config, result.catalog_path)}: {result.reviewed} reviewed, {result.drafted} drafts, "
            f"{result.noted} comments updated, from {result.units} units"
        )


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
