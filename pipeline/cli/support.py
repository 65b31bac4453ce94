"""What every click command shares: the project option, and turning library errors into one line."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from pipeline.config import load_config
from pipeline.model import NewslocError


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Run a command body; a NewslocError becomes one line on stderr and its exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except NewslocError as error:
            for line in str(error).splitlines() or [""]:
                click.echo(f"newsloc: {line}", err=True)
            sys.exit(error.exit_code)
        except OSError as error:  # the disk filled up, a folder is read-only, a path is a file
            where = f"{error.filename}: " if error.filename else ""
            reason = error.strerror or str(error)
            click.echo(f"newsloc: {where}{reason}; nothing after this file was written, fix it and run again", err=True)
            sys.exit(2)

    return wrapper


LOCALE_HELP = "Target locale (es, fr, pt-BR…) or 'all' for every configured locale."


def project_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--project: the folder whose pyproject.toml [tool.newsloc] configures the run; passed on as ``config``."""

    @click.option(
        "--project",
        "project_root",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Project folder (default: the current folder).",
    )
    @functools.wraps(command)
    @reports_errors  # a bad [tool.newsloc] is one line too, not a traceback
    def wrapper(*args: Any, project_root: Path | None = None, **kwargs: Any) -> Any:
        return command(*args, config=load_config(project_root), **kwargs)

    return wrapper
