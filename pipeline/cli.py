"""The newsloc command line: thin click commands, each one library call.

Library errors (NewslocError) become one line on stderr with exit code 2
(1 when checks failed); heavy engines are imported only when a command runs.
"""

from __future__ import annotations

import contextlib
import sys
import functools
from pathlib import Path
from typing import Any, Callable

import click

from pipeline import __version__
from pipeline.cli_support import reports_errors

LOCALE_HELP = "Target locale (es, fr, pt-BR…) or 'all' for every configured locale."


def project_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--project: the folder whose pyproject.toml [tool.newsloc] configures the run."""

    @click.option("--project", "project_root", type=click.Path(file_okay=False, path_type=Path), default=None,
                  help="Project folder (default: the current folder).")
    @functools.wraps(command)
    def wrapper(*args: Any, project_root: Path | None = None, **kwargs: Any) -> Any:
        from pipeline.config import load_config

        return command(*args, config=load_config(project_root), **kwargs)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsloc")
def main() -> None:
    """newsloc — offline localization of news articles: segment, translate with a glossary, review, publish."""


@contextlib.contextmanager
def progress_bar(label: str, total: int):
    with click.progressbar(length=total, label=label, file=sys.stderr,
                           show_pos=True) as bar:
        done = 0

        def update(finished: int) -> None:
            nonlocal done
            bar.update(max(finished - done, 0))
            done = max(done, finished)

        yield update


@main.command()
@click.argument("articles", nargs=-1, type=click.Path(path_type=str))
@click.option("--lang", "lang", default="all", show_default=True, help=LOCALE_HELP)
@click.option("--engine", type=click.Choice(["auto", "apertium", "argos", "pseudo"]), default=None,
              help="Translation engine (default: [tool.newsloc] engine, else auto).")
@click.option("--retranslate", is_flag=True, help="Re-translate machine drafts too (never a translator's work).")
@click.option("--strict", is_flag=True, help="Refuse to write the publish view while error flags remain.")
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto", show_default=True,
              help="Where the argos engine runs.")
@click.option("--threads", type=int, default=0, help="CPU threads for the argos engine (0: all cores).")
@project_options
@reports_errors
def build(articles: tuple[str, ...], lang: str, engine: str | None, retranslate: bool, strict: bool, device: str,
          threads: int, config) -> None:
    """Translate ARTICLES (default: every article in articles/) and write catalogs and HTML."""
    from pipeline.build import BuildOptions, build as run_build

    options = BuildOptions(
        locales=config.pick_locales(lang),
        engine=engine or config.engine,
        retranslate=retranslate,
        strict=strict,
        argos=argos_options(config, device, threads),
    )
    results = run_build(config, articles, options, progress_factory=progress_bar)
    for result in results:
        article = result.article
        counts = {state: 0 for state in ("reviewed", "draft", "machine", "untranslated")}
        flags = {"error": 0, "warning": 0, "info": 0}
        for view in article.views:
            counts[view.state.value] += 1
            for flag in view.flags:
                flags[flag.severity.value] += 1
        click.echo(
            f"{article.document.slug} [{article.locale.tag}] {len(article.views)} segments, "
            f"{result.translated} translated now ({result.engine}); reviewed {counts['reviewed']}, "
            f"machine {counts['machine']}, draft {counts['draft']}, untranslated {counts['untranslated']}; "
            f"flags: {flags['error']} error, {flags['warning']} warning, {flags['info']} info"
        )
        for path in result.written:
            click.echo(f"  wrote {path.relative_to(config.root) if path.is_relative_to(config.root) else path}")


def argos_options(config, device: str, threads: int) -> dict:
    options: dict = {"device": device, "threads": threads, "low_confidence": config.low_confidence}
    if config.argos_packages_dir is not None:
        options["packages_dir"] = config.resolve(config.argos_packages_dir)
    return options


def register_groups() -> None:
    """Command groups that live in their own modules (each as thin as the commands here)."""
    from pipeline.cli_glossary import glossary
    from pipeline.cli_models import models

    main.add_command(models)
    main.add_command(glossary)


register_groups()
