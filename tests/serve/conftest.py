from __future__ import annotations

from pathlib import Path

import pytest
from support.serving import make_served_project


@pytest.fixture
def served_project(tmp_path: Path) -> Path:
    return make_served_project(tmp_path)
