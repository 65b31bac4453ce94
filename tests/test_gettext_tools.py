"""The translators' real tools on our catalogs: GNU msgmerge and msgcat, polib, babel, Translate Toolkit.

Whatever rewrites the PO file (dropping our ``#.`` comments, rewrapping, reordering),
every machine draft stays a machine draft and every person's text stays a person's.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from tests_helpers import invoke

from pipeline import catalog as catalogs
from pipeline import po, records
from pipeline.model import EntryState

SLUG = "mexico-rejects-us-intervention"
pytestmark = pytest.mark.skipif(shutil.which("msgmerge") is None, reason="GNU gettext is not installed")
NOTICE = "Esta página contiene traducción automática que aún no ha sido revisada."


def po_path(project: Path) -> Path:
    return project / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po"


def build(project: Path, *extra: str) -> str:
    result = invoke(project, "build", "--engine", "pseudo", "--lang", "es", *extra)
    assert result.exit_code == 0, result.output
    return result.output


def counts(output: str) -> tuple[int, int, int, int]:
    match = re.search(r"reviewed (\d+), machine (\d+), draft (\d+), untranslated (\d+)", output)
    assert match, output
    reviewed, machine, draft, untranslated = map(int, match.groups())
    return reviewed, machine, draft, untranslated


def edit(project: Path, change) -> None:
    """Change the catalog as a translator's tool would, written as msgcat writes."""
    path = po_path(project)
    catalog = po.parse(path.read_text(encoding="utf-8"), path)
    change([m for m in catalog if m.id])
    path.write_text(po.render(catalog), encoding="utf-8")


def translator_work(entries) -> None:
    entries[0].flags.discard("fuzzy")  # reviewed as it stands
    entries[1].string = "Texto de una traductora."  # her draft, still fuzzy


@pytest.fixture
def worked(project):
    """A built project where a translator reviewed one entry and drafted another."""
    build(project)
    edit(project, translator_work)
    output = build(project)
    total = sum(counts(output))
    assert counts(output) == (1, total - 2, 1, 0)
    return project


def msgmerge(project: Path) -> None:
    subprocess.run(
        ["msgmerge", "-q", "--previous", "-U", "--backup=none", str(po_path(project)), f"locales/{SLUG}.pot"],
        cwd=project,
        check=True,
    )


def msgcat(project: Path) -> None:
    path = po_path(project)
    subprocess.run(["msgcat", "-o", str(path), str(path)], check=True)


def polib_save(project: Path) -> None:
    import polib

    catalog = polib.pofile(str(po_path(project)))
    catalog.save()


def babel_save(project: Path) -> None:
    from babel.messages.pofile import read_po, write_po

    with open(po_path(project), "rb") as handle:
        catalog = read_po(handle)
    with open(po_path(project), "wb") as handle:
        write_po(handle, catalog)


def toolkit_save(project: Path) -> None:
    from translate.storage import factory

    store = factory.getobject(str(po_path(project)))
    store.save()


def reorder(project: Path) -> None:
    path = po_path(project)
    catalog = po.parse(path.read_text(encoding="utf-8"), path)
    reordered = po.PoCatalog(fuzzy=False)
    reordered.header = catalog.header
    for message in reversed([m for m in catalog if m.id]):
        reordered[message.id] = message
    path.write_text(po.render(reordered), encoding="utf-8")


@pytest.mark.parametrize("tool", [msgmerge, msgcat, polib_save, babel_save, toolkit_save, reorder])
def test_after_any_tool_machine_drafts_stay_machine_and_human_text_stays_human(worked, tool):
    before = counts(build(worked))
    tool(worked)
    after = build(worked)
    assert counts(after) == before
    assert "0 translated now" in after  # nobody's text was sent to the engine again
    page = (worked / "dist" / "es" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert NOTICE in page
    manifest = json.loads((worked / "dist" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["articles"][SLUG]["locales"]["es"]["engines"] == ["pseudo"]


def test_msgmerge_drops_our_comments_and_the_build_brings_them_back_as_msgcat_writes(worked):
    written = po_path(worked).read_text(encoding="utf-8")
    msgmerge(worked)
    assert "#. mt:" not in po_path(worked).read_text(encoding="utf-8")
    build(worked)
    rebuilt = po_path(worked).read_bytes()
    assert rebuilt.decode("utf-8").count("#. mt:") == written.count("#. mt:")
    gnu = subprocess.run(["msgcat", str(po_path(worked))], capture_output=True, check=True).stdout
    assert gnu == rebuilt
    build(worked)
    assert po_path(worked).read_bytes() == rebuilt  # a build after a build changes nothing


def test_a_poedit_style_save_then_a_build_is_no_diff(worked):
    path = po_path(worked)
    catalog = po.parse(path.read_text(encoding="utf-8"), path)
    assert catalog.header is not None
    catalog.header = (
        catalog.header.with_field("Last-Translator", "Ana Pérez <ana@example.org>")
        .with_field("PO-Revision-Date", "2026-12-01 10:00+0100")
        .with_field("X-Generator", "Poedit 3.4.2")
    )
    saved = po.render(catalog)
    path.write_text(saved, encoding="utf-8")
    build(worked)
    assert path.read_text(encoding="utf-8") == saved


def test_a_lost_record_makes_drafts_a_persons_never_reviewed_never_retranslated(worked):
    records.records_path(po_path(worked)).unlink()
    msgmerge(worked)  # and the mt: comments are gone too
    output = build(worked)
    reviewed, machine, draft, untranslated = counts(output)
    assert (reviewed, machine, untranslated) == (1, 0, 0) and draft > 100
    assert "0 translated now" in output


def test_a_record_that_contradicts_the_text_is_not_believed(worked):
    path = po_path(worked)
    records_file = records.records_path(path)
    text = records_file.read_text(encoding="utf-8")
    catalog = po.parse(path.read_text(encoding="utf-8"), path)
    target = next(m for m in catalog if m.id and catalogs.entry_state(m) == EntryState.MACHINE)
    target_hash = catalogs.text_hash(target.string)
    records_file.write_text(text.replace(f'"text": "{target_hash}"', '"text": "0000000000"', 1), encoding="utf-8")
    msgmerge(worked)
    reviewed, _, draft, _ = counts(build(worked))
    assert (reviewed, draft) == (1, 2)


def test_a_broken_records_file_is_one_line_and_nothing_is_written(worked):
    records_file = records.records_path(po_path(worked))
    records_file.write_text("{not json", encoding="utf-8")
    before = po_path(worked).read_bytes()
    result = invoke(worked, "build", "--engine", "pseudo", "--lang", "es")
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "machine.json:1: machine records are not valid JSON" in result.output
    assert po_path(worked).read_bytes() == before


def test_prose_with_a_percent_sign_passes_msgfmt_check_with_a_natural_translation(project):
    for old in (project / "articles").iterdir():
        old.unlink()
    (project / "articles" / "poll.txt").write_text(
        "Poll Finds Support\n\nAbout 20% of voters backed the plan in 2024.\n", encoding="utf-8"
    )
    invoke(project, "build", "--engine", "pseudo", "--lang", "es")
    template = (project / "locales" / "poll.pot").read_text(encoding="utf-8")
    assert "20% of" in template and "-format" not in template
    path = project / "locales" / "es" / "LC_MESSAGES" / "poll.po"
    catalog = po.parse(path.read_text(encoding="utf-8"), path)
    message = next(m for m in catalog if m.id and "20%" in m.id)
    message.string = "Alrededor del 20 % de los votantes apoyó el plan en 2024."
    message.flags.discard("fuzzy")
    path.write_text(po.render(catalog), encoding="utf-8")
    build_output = invoke(project, "build", "--engine", "pseudo", "--lang", "es").output
    assert "reviewed 1" in build_output
    assert "-format" not in path.read_text(encoding="utf-8")
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
