"""The command line: exit codes, one-line errors, nothing written on bad input."""

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from tests_helpers import invoke

from pipeline.cli import main

SLUG = "mexico-rejects-us-intervention"


def written_files(project: Path) -> set[Path]:
    return {p for folder in ("locales", "dist") for p in (project / folder).rglob("*") if p.is_file()}


def test_help_is_instant_and_lists_commands():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "build" in result.output


def test_build_pseudo_reports_counts(project):
    result = invoke(project, "build", "--engine", "pseudo", "--lang", "es")
    assert result.exit_code == 0, result.output
    assert f"{SLUG} [es]" in result.output and "segments" in result.output
    assert (project / "dist" / "es" / f"{SLUG}.html").exists()


@pytest.mark.parametrize(
    "name,content,expected",
    [
        ("missing.txt", None, "no such article file"),
        ("empty.txt", b"  \n\n", "article is empty"),
        ("binary.txt", b"\x00\x01\x02PNG", "binary file"),
        ("latin1.txt", "Señor López said so.\n".encode("latin-1"), "not valid UTF-8"),
        ("notes.docx", b"PK\x03\x04", "unsupported article type"),
    ],
)
def test_bad_article_is_one_line_exit_2_nothing_written(project, name, content, expected):
    path = project / "articles" / name
    if content is not None:
        path.write_bytes(content)
    result = invoke(project, "build", "--engine", "pseudo", "--lang", "es", f"articles/{name}")
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0] and name in lines[0]
    assert written_files(project) == set()


def test_unknown_locale_is_one_line(project):
    result = invoke(project, "build", "--engine", "pseudo", "--lang", "de")
    assert result.exit_code == 2
    assert "unknown locale 'de'" in result.output and len(result.output.strip().splitlines()) == 1
    assert written_files(project) == set()


@pytest.mark.parametrize("command", [["build", "--engine", "pseudo"], ["check"], ["status"], ["xliff", "export"]])
def test_bad_project_setting_is_one_line_exit_2(project, command):
    pyproject = project / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8").replace("[tool.newsloc]", "[tool.newsloc]\nbogus = 1"), encoding="utf-8"
    )
    result = invoke(project, *command)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "pyproject.toml: unknown setting 'bogus'" in lines[0]
    assert written_files(project) == set()


def test_broken_po_stops_before_any_write(project):
    assert invoke(project, "build", "--engine", "pseudo", "--lang", "es").exit_code == 0
    po = project / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po"
    broken = po.read_text(encoding="utf-8").replace('msgstr "', 'msgstr "unterminated\n', 1)
    po.write_text(broken, encoding="utf-8")
    page = project / "dist" / "es" / f"{SLUG}.html"
    page_before = page.read_bytes()
    result = invoke(project, "build", "--engine", "pseudo", "--lang", "es")
    assert result.exit_code == 2
    assert f"{SLUG}.po:" in result.output and "PO syntax error" in result.output
    assert po.read_text(encoding="utf-8") == broken and page.read_bytes() == page_before


def test_missing_engine_names_both_ways(project, monkeypatch):
    from pipeline.engines import apertium

    monkeypatch.setattr(apertium, "installed_pairs", lambda: frozenset())
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(project / "no-models"))
    result = invoke(project, "build", "--lang", "fr")
    assert result.exit_code == 2
    assert "newsloc models install" in result.output and "apertium" in result.output
    assert written_files(project) == set()


@pytest.mark.parametrize("engine", ["auto", "apertium"])
def test_configured_chain_with_a_mode_not_installed_names_the_setting(project, engine):
    pyproject = project / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8").replace(
            "[tool.newsloc]\n", '[tool.newsloc]\napertium-chains = {fr = ["eng-spa", "nope-mode"]}\n', 1
        ),
        encoding="utf-8",
    )
    result = invoke(project, "build", "--lang", "fr", "--engine", engine)
    assert result.exit_code == 2
    assert "apertium-chains: fr names Apertium modes that are not installed: nope-mode" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert written_files(project) == set()


def test_a_folder_named_as_an_article_is_one_line(project):
    result = invoke(project, "build", "articles", "--lang", "es")
    assert result.exit_code == 2
    assert "articles: is a folder; name the article files in it" in result.output
    assert written_files(project) == set()


def test_help_imports_no_engine_or_heavy_library():
    import subprocess
    import sys

    code = (
        "import sys; from click.testing import CliRunner; from pipeline.cli import main; "
        "CliRunner().invoke(main, ['--help']); "
        "print(sorted(m for m in ('ctranslate2', 'argostranslate', 'spylls', 'sentencepiece', 'lxml', 'starlette', 'uvicorn') "
        "if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def _commands(group: click.Group, path: tuple[str, ...] = ()):
    """Every runnable command as (path, command, options of the groups under `newsloc` it belongs to)."""
    group_options = [o for p in group.params if isinstance(p, click.Option) for o in p.opts if o.startswith("--")]
    group_options = group_options if path else []  # `newsloc --version` belongs to no command
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            for sub_path, sub, options in _commands(command, (*path, name)):
                yield sub_path, sub, group_options + options
        else:
            yield (*path, name), command, group_options


def test_every_command_and_option_is_in_the_readme_command_reference():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    reference = readme.split("## Command reference", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in reference.splitlines():
        match = re.match(r"\| `newsloc ([a-z ]+?)(?: [A-Z\[].*?)?` \|", line)
        if match:
            rows[match.group(1)] = line
    missing = []
    for path, command, inherited in _commands(main):
        name = " ".join(path)
        if name not in rows:
            missing.append(name)
            continue
        options = [o for p in command.params if isinstance(p, click.Option) for o in p.opts if o.startswith("--")]
        missing += [f"{name} {option}" for option in options + inherited if f"`{option}" not in rows[name]]
    assert missing == []
    assert set(rows) == {" ".join(path) for path, _, _ in _commands(main)}  # no row for a command that is gone
