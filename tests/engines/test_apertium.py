"""Real Apertium calls (Debian's pairs are installed by .ci/run and make setup)."""

import pytest

from pipeline.engines import apertium
from pipeline.engines.apertium import MARKS, ApertiumEngine, PostEdit, from_html, post_edit, to_html
from pipeline.marks import strip_marks_as_flags
from pipeline.model import Locale


def strip_marks(text, source=""):
    return strip_marks_as_flags(text, MARKS, source)


engine = ApertiumEngine()
needs_apertium = pytest.mark.skipif(not engine.available("en", Locale("es")), reason="apertium eng-spa missing")


@needs_apertium
@pytest.mark.parametrize(
    "tag,expected,chain",
    [("es", "informe", "eng-spa"), ("fr", "rapport", "eng-cat+cat-fra"), ("pt-BR", "relatório", "eng-spa+es-pt_BR")],
)
def test_one_batch_translates_every_segment_in_order(tag, expected, chain):
    texts = ["He read the long report yesterday.", "Second sentence here.", "The report was long."]
    hypotheses = engine.translate(texts, "en", Locale(tag))
    assert len(hypotheses) == 3
    assert expected in hypotheses[0].text and expected in hypotheses[2].text
    assert hypotheses[0].provenance.engine == "apertium"
    assert hypotheses[0].provenance.model == chain


@needs_apertium
def test_a_configured_chain_replaces_the_default():
    spanish_pivot = ApertiumEngine({"fr": ["eng-spa", "es-fr"]})
    [hypothesis] = spanish_pivot.translate(["He read the long report yesterday."], "en", Locale("fr"))
    assert hypothesis.provenance.model == "eng-spa+es-fr" and "rapport" in hypothesis.text


@needs_apertium
@pytest.mark.parametrize("chain", [("eng-spa", "es-fr"), ("eng-cat", "cat-fra"), ("eng-spa", "es-pt_BR")])
def test_a_word_both_steps_mark_leaves_no_mark(chain):
    """Real chains: the unknown "thier" is marked by the first step and again by the second."""
    target = Locale("pt-BR" if chain[-1] == "es-pt_BR" else "fr")
    [hypothesis] = ApertiumEngine({target.tag: chain}).translate(["They lost thier way home."], "en", target)
    assert not any(mark in hypothesis.text for mark in "*#@"), hypothesis.text
    assert [(f.code, hypothesis.text[slice(*f.span)]) for f in hypothesis.flags if f.span] == [
        ("unknown-word", "thier")
    ]
    assert len(hypothesis.flags) == 1


def test_marks_are_stripped_after_every_step(monkeypatch):
    """Each step marks the words it could not handle; the next step sees them unmarked."""
    seen = []

    def fake_mode(mode, texts):
        seen.append((mode, list(texts)))
        if mode == "eng-spa":
            return [text.replace("thier", "*thier").replace("went", "#fue") for text in texts]
        return [text.replace("thier", "*thier").replace("fue", "@alla") for text in texts]

    monkeypatch.setattr(apertium, "installed_pairs", lambda: frozenset({"eng-spa", "es-fr"}))
    monkeypatch.setattr(ApertiumEngine, "run_mode", staticmethod(fake_mode))
    [hypothesis] = ApertiumEngine({"fr": ["eng-spa", "es-fr"]}).translate(["thier home went"], "en", Locale("fr"))
    assert seen[1] == ("es-fr", ["thier home fue"])  # no mark reaches the second step
    assert hypothesis.text == "thier home alla"
    assert [(f.code, f.span) for f in hypothesis.flags] == [
        ("unknown-word", (0, 5)),
        ("generation-error", None),  # "fue" was translated further by es-fr: no span in the draft
        ("transfer-error", (11, 15)),
    ]


def test_a_doubly_marked_word_loses_both_marks():
    text, flags = strip_marks("En équilibrant **Destabilization et #*Soutien")
    assert text == "En équilibrant Destabilization et Soutien"
    assert [(f.code, text[slice(*f.span)]) for f in flags] == [
        ("unknown-word", "Destabilization"),
        ("generation-error", "Soutien"),
        ("unknown-word", "Soutien"),
    ]


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
    wrapped = to_html(7, "Tom & Jerry <1>x</1> a < b")
    assert wrapped == '<p data-s="7">Tom &amp; Jerry <x-1>x</x-1> a &lt; b</p>'
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
    assert "apt-get install apertium apertium-eng-cat apertium-fra-cat" in str(error.value)
    with pytest.raises(EngineError) as error:
        ApertiumEngine({"fr": ["eng-spa", "es-fr"]}).translate(["Hello."], "en", Locale("fr"))
    assert "apt-get install apertium apertium-eng-spa apertium-fr-es" in str(error.value)


RULES = (PostEdit("es-fr", "EE.UU.", "États-Unis", "pivot abbreviation"),)


@pytest.mark.parametrize(
    ("mode", "text", "expected"),
    [
        ("es-fr", "Les EE.UU. ont dit", "Les États-Unis ont dit"),  # fires
        ("es-fr", "EE.UU. a dit", "États-Unis a dit"),
        ("es-fr", "Les <g1/> et <k2/> EE.UU.", "Les <g1/> et <k2/> États-Unis"),  # placeholders untouched
        ("eng-spa", "Los EE.UU. dijeron", "Los EE.UU. dijeron"),  # another mode: Spanish keeps it
        ("es-fr", "XEE.UU. ou EE.UUX", "XEE.UU. ou EE.UUX"),  # whole words only
    ],
)
def test_post_edit_rules(mode, text, expected):
    assert post_edit(text, mode, RULES) == expected


def test_post_edit_rules_file_is_read():
    rules = apertium.post_edits()
    assert rules and all(rule.mode and rule.find and rule.replace for rule in rules)


@needs_apertium
def test_a_shared_pivot_step_runs_once_per_run_and_repeated_texts_once():
    fresh = ApertiumEngine()
    texts = ["The president spoke.", "Mexico rejects the plan.", "The president spoke."]
    spanish = fresh.translate(texts, "en", Locale("es"))
    brazilian = fresh.translate(texts, "en", Locale("pt-BR"))
    assert fresh.runs == [("eng-spa", 2), ("es-pt_BR", 2)]  # English→Spanish once, for both locales
    assert spanish[0].text == spanish[2].text and brazilian[0].text == brazilian[2].text
    assert brazilian == ApertiumEngine().translate(texts, "en", Locale("pt-BR"))  # as with a chain of its own
