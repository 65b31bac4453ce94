"""The newsloc command line: thin click commands, each one library call.

Library errors (NewslocError) become one line on stderr with exit code 2
(1 when checks failed); heavy engines are imported only when a command runs.
"""

from __future__ import annotations

import contextlib
import sys
from collections import Counter
from pathlib import Path

import click

from pipeline import __version__
from pipeline.cli.support import LOCALE_HELP, project_options, reports_errors


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsloc")
def main() -> None:
    """newsloc — offline localization of news articles: segment, translate with a glossary, review, publish."""


@contextlib.contextmanager
def progress_bar(label: str, total: int):
    with click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True) as bar:
        done = 0

        def update(finished: int) -> None:
            nonlocal done
            bar.update(max(finished - done, 0))
            done = max(done, finished)

        yield update


@main.command()
@click.argument("articles", nargs=-1, type=click.Path(path_type=str))
@click.option("--lang", "lang", default="all", show_default=True, help=LOCALE_HELP)
@click.option(
    "--engine",
    type=click.Choice(["auto", "apertium", "argos", "pseudo"]),
    default=None,
    help="Translation engine (default: [tool.newsloc] engine, else auto).",
)
@click.option("--retranslate", is_flag=True, help="Re-translate machine drafts too (never a translator's work).")
@click.option("--strict", is_flag=True, help="Refuse to write the publish view while error flags remain.")
@click.option(
    "--device",
    type=click.Choice(["auto", "cpu", "cuda"]),
    default="auto",
    show_default=True,
    help="Where the argos engine runs.",
)
@click.option(
    "--threads", type=click.IntRange(min=0), default=0, help="CPU threads for the argos engine (0: all cores)."
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=0),
    default=0,
    help="Worker processes for reading, checking and rendering (0: one per CPU). The output is the same for any N.",
)
@click.option("--no-memory", is_flag=True, help="Do not reuse reviewed work from the translation memory.")
@project_options
@reports_errors
def build(
    articles: tuple[str, ...],
    lang: str,
    engine: str | None,
    retranslate: bool,
    strict: bool,
    device: str,
    threads: int,
    jobs: int,
    no_memory: bool,
    config,
) -> None:
    """Translate ARTICLES (paths; default: every article in the project's articles/) and write catalogs and HTML.

    Check results are kept in .newsloc-cache/ (safe to delete): a rebuild re-checks only what changed,
    and a rebuild whose every input is as the last build left it (when nothing would change) prints its summary.
    """
    from pipeline import ledger

    locales = config.pick_locales(lang)
    settings = {
        "locales": [locale.tag for locale in locales],
        "engine": engine or config.engine,
        "retranslate": retranslate,
        "strict": strict,
        "device": device,
        "threads": threads,
        "jobs": jobs,
        "memory": not no_memory,
    }
    # The fast path: nothing this build reads differs from what the last, settled build left.
    before = ledger.inputs(config, articles, settings)
    if (recorded := ledger.recall(config, ledger.digest(before))) is not None:
        for line in recorded["notes"]:
            click.echo(line, err=True)
        for line in recorded["lines"]:
            click.echo(line)
        click.echo(
            f"checks: none run: every input is as the last build left it, and a build on them would change nothing "
            f"(.newsloc-cache/{ledger.LEDGER_FILE})"
        )
        click.echo(recorded["dist"])
        return

    from pipeline import spelling
    from pipeline.build import BuildOptions
    from pipeline.build import build as run_build
    from pipeline.fileio import write_journal

    notes = [f"newsloc: {note}"] if (note := spelling.backend_note()) else []
    for line in notes:
        click.echo(line, err=True)
    options = BuildOptions(
        locales=locales,
        engine=engine or config.engine,
        retranslate=retranslate,
        strict=strict,
        argos=argos_options(config, device, threads),
        jobs=jobs,
        memory=not no_memory,
    )
    with write_journal() as written:
        report = run_build(config, articles, options, progress_factory=progress_bar)
    for line in build_lines(report, options, config):
        click.echo(line)
    click.echo(
        f"checks: {report.checks['computed']} result(s) computed, {report.checks['reused']} reused from "
        f".newsloc-cache/; {report.jobs} job(s), {report.workers} worker process(es) started"
    )
    click.echo(dist_line(report, config))
    # A settled build (a rerun would do nothing) is recorded as the state it leaves, and what that
    # rerun would print, unless someone else changed an input meanwhile.
    if report.settled and ledger.changed_only_by(before, after := ledger.inputs(config, articles, settings), written):
        rerun = report.rerun()
        summary = {"notes": notes, "lines": build_lines(rerun, options, config), "dist": dist_line(rerun, config)}
        ledger.remember(config, ledger.digest(after), summary)


def build_lines(report, options, config) -> list[str]:
    """The build's summary: one line per article and locale, then what left dist/ and the memory."""
    lines = [summary_line(result) for result in report.results]
    for slug in report.unpublished:
        lines.append(
            f"unpublished {slug}: its article is gone from {config.articles}/, so its pages left {config.dist}/"
        )
    if report.removed:
        dist = config.resolve(config.dist)
        lines.append(
            f"removed {len(report.removed)} file(s) from {config.dist}/: "
            + ", ".join(str(path.relative_to(dist)) for path in report.removed)
        )
    if options.memory:
        lines.append(memory_line(report))
    return lines


def dist_line(report, config) -> str:
    """What the build did to dist/: the files it wrote, or that there was nothing to write."""
    dist = config.resolve(config.dist)
    if not report.written:
        if not report.unchanged:
            return f"{config.dist}/ not written"
        return f"{config.dist}/ unchanged: its {len(report.unchanged)} file(s) already said the same"
    kept = f"; {len(report.unchanged)} unchanged" if report.unchanged else ""
    return f"wrote {len(report.written)} file(s) in {config.dist}/{kept}: " + ", ".join(
        str(path.relative_to(dist)) for path in report.written
    )


def summary_line(result) -> str:
    article = result.article
    states = {state: 0 for state in ("reviewed", "draft", "machine", "untranslated")}
    flags = {"error": 0, "warning": 0, "info": 0}
    for view in article.views:
        states[view.state.value] += 1
        for flag in view.flags:
            flags[flag.severity.value] += 1
    replaced = ""
    if result.redrafted:
        made_by = ", ".join(
            f"{count} by {provenance.describe()}" for provenance, count in Counter(result.redrafted).most_common()
        )
        now = result.provenance.describe() if result.provenance else result.engine
        replaced = (
            f" ({len(result.redrafted)} replacing machine drafts made by another engine or model: {made_by}; now {now})"
        )
    return (
        f"{article.document.slug} [{article.locale.tag}] {len(article.views)} segments, "
        f"{result.translated} translated now ({result.engine}){replaced}, {result.from_memory} from memory; "
        f"reviewed {states['reviewed']}, "
        f"machine {states['machine']}, draft {states['draft']}, untranslated {states['untranslated']}; "
        f"flags: {flags['error']} error, {flags['warning']} warning, {flags['info']} info"
    )


def memory_line(report) -> str:
    filled = sum(result.from_memory for result in report.results)
    suggested = sum(1 for result in report.results for view in result.article.views if view.suggestions)
    conflicts = sum(
        1
        for result in report.results
        for view in result.article.views
        for flag in view.flags
        if flag.code == "tm-conflict"
    )
    return (
        f"memory: {report.memory_units} unit(s); {filled} segment(s) filled from memory "
        f"({filled} engine input(s) saved), {suggested} with fuzzy suggestions, {conflicts} conflict(s)"
    )


@main.command()
@click.argument("articles", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--fix", is_flag=True, help="Apply the unambiguous fixes (apostrophes, missing spaces) to the file.")
@click.option("--json", "as_json", is_flag=True, help="Print the flags as JSON.")
@reports_errors
def lint(articles: tuple[Path, ...], fix: bool, as_json: bool) -> None:
    """Check the English copy of ARTICLES (inside the current folder); exit 1 when an error (e.g. a placeholder) is found."""
    from pipeline.fileio import require_in_project
    from pipeline.report import FlagRow, fix_article_file, lint_article

    for path in articles:  # every path first: a refusal reads and writes nothing
        require_in_project(path, Path.cwd().resolve(), "article")
    rows = []
    for path in articles:
        if fix:
            changed = fix_article_file(path)
            click.echo(f"{path}: fixed {changed} line(s)", err=True)
        rows += [
            FlagRow(str(path), "en", "", flag.line or 0, flag.code, flag.severity.value, flag.message, word=flag.word)
            for flag in lint_article(path, str(path))
        ]
    echo_flag_rows(rows, as_json, "problem(s)")


@main.command()
@click.argument("articles", nargs=-1, type=click.Path(path_type=str))
@click.option("--lang", "lang", default="all", show_default=True, help=LOCALE_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per flag.")
@project_options
@reports_errors
def check(articles: tuple[str, ...], lang: str, as_json: bool, config) -> None:
    """List every review flag (source and translation); exit 1 while an error flag remains."""
    from pipeline.report import check_rows

    rows = check_rows(config, articles, config.pick_locales(lang))
    echo_flag_rows(rows, as_json, "flag(s)")


def echo_flag_rows(rows, as_json: bool, noun: str) -> None:
    """Print flag rows (one line each, or JSON); exit 1 when any is an error."""
    import json

    from pipeline.report import has_errors

    if as_json:
        click.echo(json.dumps([row.as_dict() for row in rows], ensure_ascii=False, indent=2))
    else:
        for row in rows:
            click.echo(row.format())
        click.echo(f"{len(rows)} {noun}", err=True)
    if has_errors(rows):
        sys.exit(1)


def argos_options(config, device: str, threads: int) -> dict:
    options: dict = {"device": device, "threads": threads, "low_confidence": config.low_confidence}
    if config.argos_packages_dir is not None:
        options["packages_dir"] = config.resolve(config.argos_packages_dir)
    return options


def register_groups() -> None:
    """Command groups that live in their own modules (each as thin as the commands here)."""
    from pipeline.cli.glossary import glossary
    from pipeline.cli.memory import tm
    from pipeline.cli.models import models
    from pipeline.cli.segments import status, xliff
    from pipeline.cli.serve import serve

    main.add_command(models)
    main.add_command(glossary)
    main.add_command(xliff)
    main.add_command(status)
    main.add_command(serve)
    main.add_command(tm)


register_groups()
