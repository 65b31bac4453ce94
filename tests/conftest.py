"""Shared fixtures: a throwaway newsloc project in tmp_path holding the sample article."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

# Hypothesis keeps a cache folder; tests never write into the repo.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", tempfile.mkdtemp(prefix="newsloc-hypothesis-"))

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "articles" / "mexico-rejects-us-intervention.txt"
SAMPLE_SLUG = "mexico-rejects-us-intervention"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder with the sample article, the glossary and the repo's configuration."""
    (tmp_path / "articles").mkdir()
    shutil.copy(SAMPLE, tmp_path / "articles" / SAMPLE.name)
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    if (REPO / "glossary").is_dir():
        shutil.copytree(REPO / "glossary", tmp_path / "glossary")
    return tmp_path


@pytest.fixture
def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")
