"""`newsloc glossary …`: adherence report, CSV import and export. Each command makes one library call."""

from __future__ import annotations

import json
from pathlib import Path

import click

from pipeline.cli.support import reports_errors


def _config(project: Path):
    """The project's [tool.newsloc], read only when an option left a setting to it."""
    from pipeline.config import load_config

    return load_config(project)


def _glossary_of(project: Path, given: Path | None = None) -> Path:
    """The TBX to use: given on the command line, else the project's; either is refused unless it
    really lies inside the project (a committed symlink or a typed path must not read /etc)."""
    from pipeline.fileio import require_in_project, require_inside

    config = _config(project)
    if given is not None:
        return require_in_project(given, config.root, "glossary")
    return require_inside(config.resolve(config.glossary), config.root, "glossary")


def _in_project(project: Path, path: Path, what: str) -> Path:
    """A file named on the command line, if it lies inside the project (the only place newsloc reads or writes)."""
    from pipeline.fileio import require_in_project

    return require_in_project(path, _config(project).root, what)


_project = click.option("--project", type=click.Path(file_okay=False, path_type=Path), default=".",
                        show_default=True, help="Folder holding pyproject.toml ([tool.newsloc]).")  # fmt: skip
_glossary = click.option("--glossary", "glossary_path", type=click.Path(dir_okay=False, path_type=Path),
                         help="TBX file (default: [tool.newsloc] glossary).")  # fmt: skip


@click.group("glossary")
def glossary() -> None:
    """Key terms: how well translations keep them; CSV import and export of the TBX."""


@glossary.command("report")
@click.option("--lang", "langs", multiple=True, help="Locale to report (repeatable; default: all).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--locales-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Catalog folder (default: [tool.newsloc] locales_dir).")  # fmt: skip
@_glossary
@_project
@click.argument("articles", nargs=-1)
@reports_errors
def report(langs, as_json, locales_dir, glossary_path, project, articles) -> None:
    """Per term: source occurrences and correct renderings per locale, from the built catalogs.

    ARTICLES are slugs or article paths (default: every catalog template).
    """
    from pipeline.glossary_report import glossary_report  # lazy: keeps --help instant

    config = _config(project)
    locales = tuple(config.locale(tag).tag for tag in langs) or tuple(locale.tag for locale in config.locales)
    if locales_dir is not None:
        _in_project(project, locales_dir, "--locales-dir")
    result = glossary_report(_glossary_of(project, glossary_path),
                             locales_dir or config.resolve(config.locales_dir),
                             locales, [Path(a).stem for a in articles])  # fmt: skip
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return
    width = max([len(t.term) for t in result.terms] + [5])
    click.echo(f"{'term':{width}}  {'found':>5}" + "".join(f"  {loc:>14}" for loc in locales))
    for term in result.terms:
        cells = "".join(f"  {_tally(t):>14}" for _, t in term.locales)
        click.echo(f"{term.term:{width}}  {term.occurrences:>5}{cells}")
    click.echo(f"{'total':{width}}  {'':>5}" + "".join(f"  {_tally(t):>14}" for _, t in result.totals))


def _tally(tally) -> str:
    return "—" if tally.adherence is None else f"{tally.correct}/{tally.checked} {tally.adherence:.0f}%"


@glossary.command("import")
@click.argument("csv_file", metavar="FILE.csv", type=click.Path(dir_okay=False, path_type=Path))
@_glossary
@_project
@reports_errors
def import_command(csv_file, glossary_path, project) -> None:
    """Merge FILE.csv (en, es, fr, pt-BR, variants, dnt, note) into the TBX."""
    from pipeline.tbx_merge import import_csv

    target = _glossary_of(project, glossary_path)
    added, updated = import_csv(target, _in_project(project, csv_file, "CSV file"))
    click.echo(f"{target}: {added} added, {updated} updated")


@glossary.command("export")
@click.argument("csv_file", metavar="FILE.csv", type=click.Path(dir_okay=False, path_type=Path))
@_glossary
@_project
@reports_errors
def export_command(csv_file, glossary_path, project) -> None:
    """Write the TBX as FILE.csv for editing in a spreadsheet."""
    from pipeline.tbx import export_csv

    count = export_csv(_glossary_of(project, glossary_path), _in_project(project, csv_file, "CSV file"))
    click.echo(f"{csv_file}: {count} entries")
