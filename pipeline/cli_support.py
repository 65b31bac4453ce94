"""What every click command shares: turning library errors into one line."""

from __future__ import annotations

import functools
import sys
from typing import Any, Callable

import click

from pipeline.model import NewslocError


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Run a command body; a NewslocError becomes one line on stderr and its exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except NewslocError as error:
            click.echo(f"newsloc: {error}", err=True)
            sys.exit(error.exit_code)

    return wrapper
