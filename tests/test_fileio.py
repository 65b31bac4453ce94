"""Files are written whole and with the mode the user's umask gives (a web server must read dist/)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from tests_helpers import invoke

from pipeline.fileio import process_umask, write_atomic


@pytest.fixture
def umask():
    previous = os.umask(0o022)
    yield lambda mask: os.umask(mask)
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_write_atomic_follows_the_process_umask(tmp_path, umask):
    for mask, expected in ((0o022, 0o644), (0o027, 0o640), (0o002, 0o664)):
        umask(mask)
        assert process_umask() == mask
        target = tmp_path / f"file-{mask:o}.txt"
        write_atomic(target, "text")
        write_atomic(target, "text again")  # replacing keeps following it
        assert mode(target) == expected


def test_every_catalog_and_every_dist_file_is_world_readable_under_umask_022(project, umask):
    result = invoke(project, "build", "--engine", "pseudo", "--lang", "es")
    assert result.exit_code == 0, result.output
    exported = invoke(project, "xliff", "export", "--lang", "es")
    assert exported.exit_code == 0, exported.output
    written = [p for p in [*(project / "dist").rglob("*"), *(project / "locales").rglob("*")] if p.is_file()]
    written = [p for p in written if not p.name.endswith(".lock")]  # lock files are opened, not written
    assert {p.suffix for p in written} >= {".html", ".json", ".xml", ".po", ".pot", ".xlf"}
    assert {str(p.relative_to(project)): oct(mode(p)) for p in written if mode(p) != 0o644} == {}
