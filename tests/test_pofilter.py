"""Translate Toolkit's pofilter reads the PO files newsloc writes."""

import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.build import BuildOptions, build
from pipeline.config import load_config
from pipeline.model import Locale

SLUG = "mexico-rejects-us-intervention"


@pytest.mark.parametrize("tag", ["es", "fr", "pt-BR"])
def test_pofilter_reads_every_catalog(project, tag, tmp_path):
    build(load_config(project), [], BuildOptions(locales=(Locale(tag),), engine="pseudo"))
    po = project / "locales" / tag / "LC_MESSAGES" / f"{SLUG}.po"
    out = tmp_path / "out.po"
    pofilter = Path(sys.executable).with_name("pofilter")
    result = subprocess.run([str(pofilter), "--progress=none", str(po), str(out)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Error" not in result.stderr and "Traceback" not in result.stderr
    assert out.exists()
