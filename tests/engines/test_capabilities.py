"""Engines own their specifics; the text modules get them as plain data and never import an engine."""

import ast
import re
from pathlib import Path

import pytest

from pipeline.engines import known_marks, make_engine
from pipeline.engines.apertium import MARKS
from pipeline.glossary import PlaceholderStyle

PACKAGE = Path(__file__).resolve().parents[2] / "pipeline"
TEXT_MODULES = ("lint", "spelling", "glossary", "typography", "checks", "marks")


@pytest.mark.parametrize("name", ["apertium", "argos", "pseudo"])
def test_every_engine_declares_its_capabilities(name):
    engine = make_engine(name)
    assert isinstance(engine.placeholders, PlaceholderStyle)
    assert isinstance(engine.offers_alternatives, bool)
    assert isinstance(engine.runs_apart, bool)
    assert all(kind.symbol and kind.code and kind.meaning for kind in engine.marks)


def test_capabilities_by_engine():
    apertium, argos, pseudo = (make_engine(name) for name in ("apertium", "argos", "pseudo"))
    assert apertium.placeholders.kind == "proxy" and apertium.placeholders.proxies
    assert argos.offers_alternatives and not apertium.offers_alternatives and not pseudo.offers_alternatives
    assert apertium.runs_apart and not argos.runs_apart and not pseudo.runs_apart  # processes vs in-process
    assert [kind.symbol for kind in apertium.marks] == ["*", "#", "@"] and not argos.marks
    assert known_marks() == MARKS


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("module", TEXT_MODULES)
def test_text_modules_do_not_import_engines(module):
    imported = imported_modules(PACKAGE / f"{module}.py")
    assert not [name for name in imported if name == "pipeline.engines" or name.startswith("pipeline.engines.")]


def test_nothing_branches_on_an_engine_name():
    for path in PACKAGE.rglob("*.py"):
        if "engines" in path.parts or "cli" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\bengine(?:_name|\.name)\b\s*(?:==|!=|in\b)", text), path


def test_engine_marks_are_registered_flag_codes_with_the_same_symbol():
    from pipeline import flags

    for kind in known_marks():
        assert flags.info(kind.code).mark == kind.symbol
