"""End to end through the library: article → catalogs → HTML, offline."""

from collections import Counter
from pathlib import Path

import lxml.html
import pytest
from babel.messages.pofile import read_po

from pipeline.build import BuildOptions, build
from pipeline.config import load_config
from pipeline.engines.apertium import ApertiumEngine
from pipeline.model import Locale

SAMPLE_SLUG = "mexico-rejects-us-intervention"

LOCALES = (Locale("es"), Locale("fr"), Locale("pt-BR"))


def po_entries(path: Path) -> list:
    with path.open("rb") as handle:
        return [message for message in read_po(handle) if message.id]


def run(project: Path, engine: str, locales=LOCALES, **options):
    config = load_config(project)
    return list(build(config, [], BuildOptions(locales=locales, engine=engine, **options)).results)


def test_pseudo_build_writes_every_segment_everywhere(project):
    results = run(project, "pseudo")
    pot = po_entries(project / "locales" / f"{SAMPLE_SLUG}.pot")
    assert len(results) == 3
    for locale in LOCALES:
        po = po_entries(project / "locales" / locale.tag / "LC_MESSAGES" / f"{SAMPLE_SLUG}.po")
        assert [(m.id, m.context) for m in po] == [(m.id, m.context) for m in pot]
        assert all(m.string and m.fuzzy for m in po)
        assert all(any(c.startswith("mt: pseudo") for c in m.auto_comments) for m in po)
        page = lxml.html.parse(str(project / "dist" / locale.tag / f"{SAMPLE_SLUG}.review.html")).getroot()
        assert page.get("lang") == locale.tag
        assert len(page.cssselect("main span.seg")) == len(pot)


def test_pseudo_build_page_structure(project):
    run(project, "pseudo", locales=(Locale("es"),))
    page = lxml.html.parse(str(project / "dist" / "es" / f"{SAMPLE_SLUG}.html")).getroot()
    article = page.cssselect("main article")[0]
    assert len(article.xpath(".//h2[not(ancestor::nav)]")) == 15
    assert len(article.cssselect("nav.toc ol > li")) == 16
    assert len(article.xpath(".//ul/li")) == 8
    assert len(article.cssselect("dl.faq dt")) == 5
    assert len(article.cssselect("table tr")) == 3 and len(article.cssselect("table thead th")) == 2
    assert len(article.cssselect("aside.callout")) == 2
    assert not page.cssselect(".seg, .flag")
    assert "[" in article.cssselect("p.lead")[0].text_content()  # pseudo text, not English


def test_second_run_translates_nothing_and_keeps_files(project):
    run(project, "pseudo", locales=(Locale("es"),))
    po = project / "locales" / "es" / "LC_MESSAGES" / f"{SAMPLE_SLUG}.po"
    before = po.read_text(encoding="utf-8")
    [result] = run(project, "pseudo", locales=(Locale("es"),))
    assert result.translated == 0
    assert po.read_text(encoding="utf-8") == before


@pytest.mark.skipif(not ApertiumEngine().available("en", Locale("es")), reason="apertium missing")
def test_one_engine_per_locale_serves_every_article(project, monkeypatch):
    import pipeline.build

    (project / "articles" / "second.txt").write_text("Second story\n\nA short paragraph.\n", encoding="utf-8")
    chosen = []
    real_choose = pipeline.build.choose_engine
    monkeypatch.setattr(
        pipeline.build,
        "choose_engine",
        lambda name, source, locale, **options: (
            chosen.append(locale.tag) or real_choose(name, source, locale, **options)
        ),
    )
    results = run(project, "pseudo", locales=(Locale("es"), Locale("fr")))
    assert len(results) == 4 and sorted(chosen) == ["es", "fr"]


def test_apertium_build_is_spanish_and_complete(project):
    [result] = run(project, "apertium", locales=(Locale("es"),))
    assert result.engine == "apertium"
    page = lxml.html.parse(str(project / "dist" / "es" / f"{SAMPLE_SLUG}.html")).getroot()
    text = page.cssselect("main")[0].text_content()
    assert "Estados Unidos" in text and "México" in text
    states = Counter(view.state.value for view in result.article.views)
    assert states == {"machine": len(result.article.views)}


@pytest.mark.skipif(
    not all(ApertiumEngine().available("en", locale) for locale in LOCALES), reason="apertium pairs missing"
)
def test_apertium_build_keeps_the_glossary_in_every_locale(project):
    import json

    from tests_helpers import invoke

    run(project, "apertium")
    report = invoke(project, "glossary", "report", "--json")
    totals = json.loads(report.stdout)["totals"]
    for locale in LOCALES:
        assert totals[locale.tag]["checked"] > 100 and totals[locale.tag]["adherence"] >= 99.0
    spanish = (project / "dist" / "es" / f"{SAMPLE_SLUG}.html").read_text(encoding="utf-8")
    assert "patio trasero" in spanish and "abrazos, no balazos" in spanish
    assert "arrière-cour" in (project / "dist" / "fr" / f"{SAMPLE_SLUG}.html").read_text(encoding="utf-8")
    assert "quintal" in (project / "dist" / "pt-BR" / f"{SAMPLE_SLUG}.html").read_text(encoding="utf-8")


def test_editing_a_glossary_entry_retranslates_exactly_the_drafts_with_the_term(project):
    run(project, "pseudo", locales=(Locale("es"),))
    po = project / "locales" / "es" / "LC_MESSAGES" / f"{SAMPLE_SLUG}.po"
    before = {(m.id, m.context): m.string for m in po_entries(po)}
    tbx = project / "glossary" / "newsloc.tbx"
    tbx.write_text(
        tbx.read_text(encoding="utf-8").replace("<term>patio trasero</term>", "<term>traspatio</term>"),
        encoding="utf-8",
    )
    [result] = run(project, "pseudo", locales=(Locale("es"),))
    after = {(m.id, m.context): m.string for m in po_entries(po)}
    with_term = {key for key in before if "backyard" in key[0].lower()}
    assert result.translated == len(with_term) == 3
    assert {key for key in before if before[key] != after[key]} == with_term
    assert all("traspatio" in after[key].lower() for key in with_term)


def test_a_silenced_flag_stays_silenced_across_runs(project):
    run(project, "pseudo", locales=(Locale("es"),))
    po = project / "locales" / "es" / "LC_MESSAGES" / f"{SAMPLE_SLUG}.po"
    text = po.read_text(encoding="utf-8")
    marker = 'msgctxt "table-cell"\nmsgid "brazil"'
    assert "flag: name-casing" in text.split(marker)[0].rsplit("\n\n", 1)[-1]
    po.write_text(text.replace(marker, "# newsloc: ignore name-casing\n" + marker), encoding="utf-8")
    for _ in range(2):
        run(project, "pseudo", locales=(Locale("es"),))
        entry = po.read_text(encoding="utf-8").split(marker)[0].rsplit("\n\n", 1)[-1]
        assert "# newsloc: ignore name-casing" in entry and "flag: name-casing" not in entry


@pytest.mark.skipif(not ApertiumEngine().available("en", Locale("fr")), reason="apertium missing")
def test_configured_apertium_chain_makes_the_drafts(tmp_path):
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "short.txt").write_text("A short story\n\nThey lost thier way home.\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.newsloc]\nlocales = ["fr"]\napertium-chains = {fr = ["eng-spa", "es-fr"]}\n', encoding="utf-8"
    )
    run(tmp_path, "apertium", locales=(Locale("fr"),))
    po = po_entries(tmp_path / "locales" / "fr" / "LC_MESSAGES" / "short.po")
    assert all(any(c.startswith("mt: apertium eng-spa+es-fr ") for c in m.auto_comments) for m in po)
    body = next(m for m in po if "thier" in m.id)
    assert "thier" in body.string and not any(mark in body.string for mark in "*#@")
    assert any(c.startswith("flag: unknown-word") and "thier" in c for c in body.auto_comments)


def test_pre_edits_reach_the_engine_not_the_catalog_and_are_recorded(tmp_path):
    from pipeline.engines.pseudo import pseudo_localize

    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "garbled.txt").write_text(
        "Garbled story\n\nSuch actions frequently enough fail.\n\nThe talks ended on time.\n", encoding="utf-8"
    )
    (tmp_path / "pyproject.toml").write_text('[tool.newsloc]\nlocales = ["es"]\n', encoding="utf-8")
    run(tmp_path, "pseudo", locales=(Locale("es"),))
    po_path = tmp_path / "locales" / "es" / "LC_MESSAGES" / "garbled.po"
    garbled, plain = (m for m in po_entries(po_path) if m.id != "Garbled story")
    assert garbled.id == "Such actions frequently enough fail."  # the English as written
    assert garbled.string == pseudo_localize("Such actions often fail.")  # what the engine read
    assert any(c.startswith("mt: pseudo") and c.endswith("| pre=house-style") for c in garbled.auto_comments)
    assert not any("pre=" in c for c in plain.auto_comments)

    # A translator's text is never re-made, whatever the pre-edits.
    text = po_path.read_text(encoding="utf-8")
    text = text.replace(f'msgstr "{garbled.string}"', 'msgstr "Tales acciones suelen fracasar."', 1)
    po_path.write_text(text, encoding="utf-8")
    run(tmp_path, "pseudo", locales=(Locale("es"),), retranslate=True)
    [kept] = [m for m in po_entries(po_path) if m.id == garbled.id]
    assert kept.string == "Tales acciones suelen fracasar."
