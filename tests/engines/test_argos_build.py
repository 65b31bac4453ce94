"""The argos engine through the whole build, as a user runs it: install a package, build, report."""

import json

import lxml.html
from babel.messages.pofile import read_po
from support.argos_tiny import argos_dir, tiny_argosmodel  # noqa: F401 (fixtures)
from tests_helpers import invoke

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
