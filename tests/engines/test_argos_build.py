"""The argos engine through the whole build, as a user runs it: install a package, build, report."""

import json
import shutil

import lxml.html
import pytest
from babel.messages.pofile import read_po
from conftest import REPO
from support.argos_tiny import argos_dir, tiny_argosmodel  # noqa: F401 (fixtures)
from tests_helpers import invoke

from pipeline import catalog as catalogs
from pipeline import po
from pipeline.model import EntryState, Provenance

SLUG = "mexico-rejects-us-intervention"


def test_install_then_build_with_argos_gives_every_segment(project, argos_dir, tiny_argosmodel):
    installed = invoke(project, "models", "install", str(tiny_argosmodel))
    assert installed.exit_code == 0, installed.output
    built = invoke(project, "build", "--engine", "argos", "--lang", "es")
    assert built.exit_code == 0, built.output
    with open(project / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po", "rb") as handle:
        entries = [m for m in read_po(handle) if m.id]
    assert entries and all(m.string and m.fuzzy for m in entries)
    assert all(any(c.startswith("mt: argos translate-en_es 1.0") for c in m.auto_comments) for m in entries)
    page = lxml.html.parse(str(project / "dist" / "es" / f"{SLUG}.review.html")).getroot()
    assert len(page.cssselect("main span.seg")) == len(entries)
    assert page.cssselect("main span.seg.state-machine")


def test_argos_build_is_deterministic(project, argos_dir, tiny_argosmodel):
    invoke(project, "models", "install", str(tiny_argosmodel))
    invoke(project, "build", "--engine", "argos", "--lang", "es")
    po = project / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po"
    first = po.read_text(encoding="utf-8")
    invoke(project, "build", "--engine", "argos", "--lang", "es", "--retranslate")
    assert po.read_text(encoding="utf-8") == first


def test_glossary_terms_survive_a_random_model(project, argos_dir, tiny_argosmodel):
    invoke(project, "models", "install", str(tiny_argosmodel))
    invoke(project, "build", "--engine", "argos", "--lang", "es")
    report = invoke(project, "glossary", "report", "--lang", "es", "--json")
    assert report.exit_code == 0, report.output
    totals = json.loads(report.stdout)["totals"]["es"]
    assert totals["checked"] > 100 and totals["adherence"] >= 99.0
    assert "abrazos, no balazos" in (project / "dist" / "es" / f"{SLUG}.html").read_text(encoding="utf-8")


def committed_catalogs(project):
    """The project as a fresh clone has it: the repository's catalogs, Apertium drafts in them."""
    shutil.copytree(REPO / "locales", project / "locales", ignore=shutil.ignore_patterns(".*"))
    path = project / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po"
    catalog = po.parse(path.read_text(encoding="utf-8"), path)
    reviewed = next(m for m in catalog if m.id)
    reviewed.flags.discard("fuzzy")  # a translator approved this one
    path.write_text(po.render(catalog), encoding="utf-8")
    return path, (reviewed.id, reviewed.context, reviewed.string)


@pytest.mark.parametrize("engine", ["argos", "auto"])
def test_a_newly_installed_model_redrafts_every_apertium_draft_but_no_reviewed_text(
    project, argos_dir, tiny_argosmodel, engine
):
    path, (msgid, context, reviewed_text) = committed_catalogs(project)
    before = po.parse(path.read_text(encoding="utf-8"), path)
    machine = [m for m in before if m.id and catalogs.entry_state(m) == EntryState.MACHINE]
    assert len(machine) == 127 and all(catalogs.machine_record(m).provenance.engine == "apertium" for m in machine)
    assert invoke(project, "models", "install", str(tiny_argosmodel)).exit_code == 0
    built = invoke(project, "build", "--engine", engine, "--lang", "es")
    assert built.exit_code == 0, built.output
    assert (
        "127 translated now (argos) (127 replacing machine drafts made by another engine or model: 127 by apertium"
        in (built.output)
    )
    after = po.parse(path.read_text(encoding="utf-8"), path)
    drafts = [m for m in after if m.id and catalogs.entry_state(m) == EntryState.MACHINE]
    assert len(drafts) == 127
    assert {catalogs.machine_record(m).provenance for m in drafts} == {Provenance("argos", "translate-en_es", "1.0")}
    kept = after.get(msgid, context=context)
    assert kept.string == reviewed_text and not kept.fuzzy
    again = invoke(project, "build", "--engine", engine, "--lang", "es")
    assert "0 translated now (argos)," in again.output and "replacing" not in again.output  # same model
