"""Real Apertium calls (Debian's pairs are installed by .ci/run and make setup)."""

import pytest

from pipeline.engines.apertium import ApertiumEngine, from_html, strip_marks, to_html
from pipeline.model import Locale

engine = ApertiumEngine()
needs_apertium = pytest.mark.skipif(not engine.available("en", Locale("es")), reason="apertium eng-spa missing")


@needs_apertium
@pytest.mark.parametrize("tag,expected", [("es", "informe"), ("fr", "rapport"), ("pt-BR", "relatório")])
def test_one_batch_translates_every_segment_in_order(tag, expected):
    texts = ["He read the long report yesterday.", "Second sentence here.", "The report was long."]
    hypotheses = engine.translate(texts, "en", Locale(tag))
    assert len(hypotheses) == 3
    assert expected in hypotheses[0].text and expected in hypotheses[2].text
    assert hypotheses[0].provenance.engine == "apertium"
    assert hypotheses[0].provenance.model.startswith("eng-spa")


@needs_apertium
def test_inline_codes_and_placeholders_come_back_in_place():
    [hypothesis] = engine.translate(["He read <1>the long report</1> on <g2/> yesterday <3/>."], "en", Locale("es"))
    assert "<1>" in hypothesis.text and "</1>" in hypothesis.text
    assert "<g2/>" in hypothesis.text and "<3/>" in hypothesis.text
    assert hypothesis.text.index("<1>") < hypothesis.text.index("</1>")


@needs_apertium
def test_unknown_words_are_flagged_and_unmarked():
    [hypothesis] = engine.translate(["America’s backyard."], "en", Locale("es"))
    assert "*" not in hypothesis.text
    assert [flag.code for flag in hypothesis.flags] == ["unknown-word"]
    assert "backyard" in hypothesis.flags[0].message


@needs_apertium
def test_curly_apostrophe_is_understood():
    [hypothesis] = engine.translate(["Mexico’s President spoke."], "en", Locale("es"))
    assert "’s" not in hypothesis.text and "México" in hypothesis.text


def test_html_escaping_round_trip():
    wrapped = to_html("Tom & Jerry <1>x</1> a < b")
    assert wrapped == "Tom &amp; Jerry <x-1>x</x-1> a &lt; b"
    assert from_html("Tom &amp; Jerry <x-1>x</x-1> a &lt; b") == "Tom & Jerry <1>x</1> a < b"


def test_marks_are_stripped():
    text, flags = strip_marks("El *backyard y #vinieron @x")
    assert text == "El backyard y vinieron x"
    assert [f.code for f in flags] == ["unknown-word", "generation-error", "transfer-error"]
    assert [text[slice(*f.span)] for f in flags] == ["backyard", "vinieron", "x"]


def test_a_hashtag_or_handle_of_the_source_is_not_a_mark():
    source = "The #MeToo movement, @newsloc and item #1."
    text, flags = strip_marks("El movimiento #*MeToo, @newsloc y el elemento #1.", source)
    assert text == "El movimiento #MeToo, @newsloc y el elemento #1."
    assert [(f.code, text[slice(*f.span)]) for f in flags] == [("unknown-word", "MeToo")]


@needs_apertium
def test_hashtags_keep_their_mark_through_the_engine():
    [hypothesis] = engine.translate(["The #MeToo movement and @newsloc wrote."], "en", Locale("es"))
    assert "#MeToo" in hypothesis.text and "@newsloc" in hypothesis.text
    assert {flag.code for flag in hypothesis.flags} <= {"unknown-word"}


def test_missing_pair_names_the_package(monkeypatch):
    from pipeline.engines import apertium
    from pipeline.model import EngineError

    monkeypatch.setattr(apertium, "installed_pairs", lambda: frozenset())
    with pytest.raises(EngineError) as error:
        ApertiumEngine().translate(["Hello."], "en", Locale("fr"))
    assert "apt-get install apertium apertium-eng-spa apertium-fr-es" in str(error.value)


@needs_apertium
def test_a_shared_pivot_step_runs_once_per_run_and_repeated_texts_once():
    fresh = ApertiumEngine()
    texts = ["The president spoke.", "Mexico rejects the plan.", "The president spoke."]
    spanish = fresh.translate(texts, "en", Locale("es"))
    french = fresh.translate(texts, "en", Locale("fr"))
    assert fresh.runs == [("eng-spa", 2), ("es-fr", 2)]  # English→Spanish once, for both locales
    assert spanish[0].text == spanish[2].text and french[0].text == french[2].text
    assert french == ApertiumEngine().translate(texts, "en", Locale("fr"))  # same output as a chain of its own
