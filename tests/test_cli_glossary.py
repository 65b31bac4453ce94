"""`newsloc glossary report|import|export` through click, on a project in tmp_path."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from test_tbx import MINIMAL, small_catalogs

from pipeline.cli.glossary import glossary


def make_project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.newsloc]\nlocales = ["es", "fr"]\nlocales_dir = "locales"\nglossary = "glossary/g.tbx"\n',
        encoding="utf-8",
    )
    (tmp_path / "glossary").mkdir()
    (tmp_path / "glossary" / "g.tbx").write_text(MINIMAL, encoding="utf-8")
    small_catalogs(tmp_path)
    return tmp_path


def run(*args):
    return CliRunner().invoke(glossary, [str(a) for a in args])


def test_report_prints_terms_and_totals_per_configured_locale(tmp_path):
    result = run("report", "--project", make_project(tmp_path))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["term", "found", "es", "fr"]
    assert lines[1].split() == ["backyard", "1", "1/1", "100%", "—"]  # no fr term in this glossary
    assert lines[-1].split() == ["total", "1/1", "100%", "—"]


def test_report_json_for_one_language_and_article(tmp_path):
    result = run("report", "--project", make_project(tmp_path), "--lang", "es", "--json", "articles/a.txt")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["terms"][0]["term"] == "backyard"
    assert data["totals"] == {"es": {"checked": 1, "correct": 1, "adherence": 100.0}}


def test_report_with_explicit_paths_and_missing_catalogs_fails_in_one_line(tmp_path):
    root = make_project(tmp_path)
    result = run(
        "report", "--project", root, "--glossary", root / "glossary" / "g.tbx", "--locales-dir", root / "nowhere"
    )
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "no catalog templates" in result.output


def test_paths_named_outside_the_project_are_refused_unread(tmp_path):
    (tmp_path / "project").mkdir()
    root = make_project(tmp_path / "project")
    (tmp_path / "elsewhere.tbx").write_text(MINIMAL, encoding="utf-8")
    for args in (
        ("report", "--glossary", tmp_path / "elsewhere.tbx"),
        ("report", "--locales-dir", tmp_path),
        ("export", tmp_path / "out.csv"),
        ("import", "--glossary", tmp_path / "elsewhere.tbx", root / "in.csv"),
    ):
        result = run(*args[:1], "--project", root, *args[1:])
        assert result.exit_code == 2 and result.output.count("\n") == 1, result.output
        assert "lies outside the project" in result.output
    assert not (tmp_path / "out.csv").exists()
    assert (tmp_path / "elsewhere.tbx").read_text(encoding="utf-8") == MINIMAL


def test_export_then_import_round_trip(tmp_path):
    root = make_project(tmp_path)
    exported = run("export", "--project", root, tmp_path / "g.csv")
    assert exported.exit_code == 0 and "1 entries" in exported.output
    assert (tmp_path / "g.csv").read_text(encoding="utf-8").splitlines()[1].startswith("backyard,[m] patio trasero,")
    imported = run("import", "--project", root, "--glossary", tmp_path / "copy.tbx", tmp_path / "g.csv")
    assert imported.exit_code == 0 and "1 added, 0 updated" in imported.output
    assert (tmp_path / "copy.tbx").read_text(encoding="utf-8").count("<termEntry") == 1


def test_malformed_csv_is_one_line_with_file_and_row_and_exit_2(tmp_path):
    root = make_project(tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text("en,dnt\nbackyard,perhaps\n", encoding="utf-8")
    result = run("import", "--project", root, bad)
    assert result.exit_code == 2
    assert f"{bad}:2: dnt must be yes or no" in result.output
    assert (root / "glossary" / "g.tbx").read_text(encoding="utf-8") == MINIMAL


def test_malformed_tbx_on_export_names_the_line(tmp_path):
    root = make_project(tmp_path)
    (root / "glossary" / "g.tbx").write_text(MINIMAL.replace("</martif>", "</martf>"), encoding="utf-8")
    result = run("export", "--project", root, tmp_path / "out.csv")
    assert result.exit_code == 2 and "g.tbx:13: malformed TBX" in result.output
    assert not (tmp_path / "out.csv").exists()
