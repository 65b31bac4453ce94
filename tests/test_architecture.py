"""The house's shape, checked over the package's imports (module level and inside functions)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"
TEXT_MODULES = ("pipeline.lint", "pipeline.spelling", "pipeline.glossary", "pipeline.typography", "pipeline.checks")
# The one cycle we keep: a glossary is read from TBX, and TBX reading builds glossary entries.
ALLOWED_CYCLES = [{"pipeline.glossary", "pipeline.tbx"}]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """Every pipeline module ``path`` imports, anywhere in the file."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # "from pipeline.engines import argos_packages" imports the submodule, not the package's own code
            submodules = [f"{node.module}.{alias.name}" for alias in node.names]
            names = [s for s in submodules if s in modules] or [node.module]
        else:
            continue
        found.update(name for name in names if name in modules)
    return found


def import_graph() -> dict[str, set[str]]:
    paths = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    modules = set(paths)
    return {name: imports_of(path, modules) - {name} for name, path in paths.items()}


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for imported in graph.get(todo.pop(), ()):
            if imported not in seen:
                seen.add(imported)
                todo.append(imported)
    return seen


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected groups of more than one module."""
    groups: list[set[str]] = []
    for name in graph:
        if any(name in group for group in groups):
            continue
        group = {other for other in reachable(graph, name) if name in reachable(graph, other)}
        if len(group) > 1:
            groups.append(group)
    return groups


GRAPH = import_graph()


def test_the_graph_sees_the_package():
    assert {"pipeline.build", "pipeline.cli", "pipeline.checks", "pipeline.engines.apertium"} <= set(GRAPH)
    assert "pipeline.build" in GRAPH["pipeline.cli"]


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if not m.startswith("pipeline.cli")))
def test_nothing_above_the_cli_imports_the_orchestrator(module):
    assert "pipeline.build" not in GRAPH[module] or module == "pipeline.build"


@pytest.mark.parametrize("module", TEXT_MODULES)
def test_text_modules_do_not_know_the_engines(module):
    engines = sorted(m for m in reachable(GRAPH, module) if m.startswith("pipeline.engines"))
    assert engines == []


def test_one_documented_cycle_at_most():
    assert [group for group in cycles(GRAPH) if group not in ALLOWED_CYCLES] == []
