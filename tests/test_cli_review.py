"""`newsloc lint`, `newsloc check` and `build --strict` from the command line."""

import json
import shutil
from pathlib import Path

from tests_helpers import invoke

SLUG = "mexico-rejects-us-intervention"


def test_lint_reports_the_sample_defects_and_exits_1(project):
    result = invoke(project, "lint", f"articles/{SLUG}.txt")
    assert result.exit_code == 1
    out = result.stdout
    for expected in (
        "“thier”",
        "[Insert relevant Senator’s name]",
        "[Insert relevant Representative’s name]",
        "Fentanyl Crisis: A Shared Challenge",
        "cartels.These",
        "Mexico‘s",
        "link-residue",
        "frequently enough",
        "lowercase-start",
    ):
        assert expected in out, expected


def test_lint_json_has_lines(project):
    result = invoke(project, "lint", "--json", f"articles/{SLUG}.txt")
    rows = json.loads(result.stdout)
    placeholders = [row for row in rows if row["code"] == "placeholder"]
    assert [row["line"] for row in placeholders] == [58, 58]
    assert all(row["severity"] == "error" for row in placeholders)


def test_lint_fix_changes_only_unambiguous_things(project):
    article = project / "articles" / f"{SLUG}.txt"
    before = article.read_text(encoding="utf-8")
    result = invoke(project, "lint", "--fix", f"articles/{SLUG}.txt")
    after = article.read_text(encoding="utf-8")
    assert "Mexico’s President has firmly" in after and "cartels. These" in after
    assert "thier" in after and "[Insert relevant Senator’s name]" in after  # not guessed
    assert len(after.splitlines()) == len(before.splitlines())
    assert result.exit_code == 1  # the placeholders remain


def test_lint_of_clean_article_reports_no_errors(tmp_path):
    clean = Path(__file__).parent / "data" / "clean-control.txt"
    shutil.copy(clean, tmp_path / "clean-control.txt")
    result = invoke(tmp_path, "lint", "clean-control.txt")
    assert result.exit_code == 0
    assert all(" info spelling:" in line for line in result.stdout.splitlines())


def test_check_needs_a_build_first(project):
    result = invoke(project, "check", "--lang", "es")
    assert result.exit_code == 2 and "run newsloc build --lang es first" in result.output


def test_check_lists_flags_and_exits_1_on_errors(project):
    assert invoke(project, "build", "--engine", "pseudo", "--lang", "es").exit_code == 0
    result = invoke(project, "check", "--lang", "es", "--json")
    assert result.exit_code == 1
    rows = json.loads(result.stdout)
    assert {"article", "locale", "msgctxt", "msgid", "target", "line", "code", "severity", "message"} <= set(rows[0])
    assert any(row["code"] == "placeholder" and row["locale"] == "en" for row in rows)


def test_check_json_names_each_entry_and_carries_its_target(project):
    from babel.messages.pofile import read_po

    assert invoke(project, "build", "--engine", "pseudo", "--lang", "es").exit_code == 0
    rows = json.loads(invoke(project, "check", "--lang", "es", "--json").stdout)
    with (project / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po").open("rb") as handle:
        entries = {(m.context or "", m.id): m.string for m in read_po(handle) if m.id}
    target_rows = [row for row in rows if row["locale"] == "es"]
    assert target_rows
    for row in target_rows:
        assert entries[(row["msgctxt"], row["msgid"])] == row["target"]  # exactly one entry, its text
    # Several entries share msgctxt "lead" on line 1; msgid tells their rows apart.
    assert len({msgid for context, msgid in entries if context == "lead"}) > 1
    assert len({row["msgid"] for row in rows if row["msgctxt"] == "lead"}) > 1


def test_strict_build_refuses_the_publish_view(project):
    result = invoke(project, "build", "--engine", "pseudo", "--lang", "es", "--strict")
    assert result.exit_code == 1
    assert "publish view not written" in result.output and "placeholder" in result.output
    assert not (project / "dist" / "es" / f"{SLUG}.html").exists()
    assert (project / "dist" / "es" / f"{SLUG}.review.html").exists()
    assert (project / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po").exists()


def test_strict_build_publishes_once_errors_are_fixed(project):
    article = project / "articles" / f"{SLUG}.txt"
    text = article.read_text(encoding="utf-8")
    text = text.replace(
        "Senator [Insert relevant Senator’s name] and Representative [Insert relevant Representative’s name]",
        "several senators and representatives",
    )
    article.write_text(text, encoding="utf-8")
    result = invoke(project, "build", "--engine", "pseudo", "--lang", "es", "--strict")
    assert result.exit_code == 0, result.output
    assert (project / "dist" / "es" / f"{SLUG}.html").exists()
