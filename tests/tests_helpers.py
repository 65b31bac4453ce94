"""Small helpers shared by CLI tests."""

import os
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main


def invoke(project: Path, *args: str):
    """Run `newsloc ARGS` with `project` as the current folder."""
    previous = Path.cwd()
    os.chdir(project)
    try:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(previous)
