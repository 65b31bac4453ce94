"""Real Apertium calls (Debian's pairs are installed by .ci/run and make setup)."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

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
    assert rules and all(rule.mode and rule.find and (rule.replace or rule.regex) for rule in rules)


@needs_apertium
def test_a_shared_pivot_step_runs_once_per_run_and_repeated_texts_once():
    fresh = ApertiumEngine()
    texts = ["The president spoke.", "Mexico rejects the plan.", "The president spoke."]
    spanish = fresh.translate(texts, "en", Locale("es"))
    brazilian = fresh.translate(texts, "en", Locale("pt-BR"))
    assert fresh.runs == [("eng-spa", 2), ("es-pt_BR", 2)]  # English→Spanish once, for both locales
    assert spanish[0].text == spanish[2].text and brazilian[0].text == brazilian[2].text
    assert brazilian == ApertiumEngine().translate(texts, "en", Locale("pt-BR"))  # as with a chain of its own


# The rules of pipeline/data/apertium_post_edits.tsv: each fires where it should, and never reads a
# placeholder (a glossary term's proxy name or token, a kept span's or a number's tag) as its next word.
SHIPPED_RULES = [
    # (mode, Apertium output, post-edited)
    ("es-pt_BR", "A intervenção de EUA em México", "A intervenção dos EUA no México"),
    ("es-pt_BR", "De Brasil a México, por Colômbia", "Do Brasil ao México, pela Colômbia"),
    ("es-pt_BR", "vendem a EUA e para México", "vendem aos EUA e para o México"),
    ("es-pt_BR", "de América Latina em Venezuela e em EUA", "da América Latina na Venezuela e nos EUA"),
    ("es-pt_BR", "por México e por EUA, para EUA", "pelo México e pelos EUA, para os EUA"),
    ("es-pt_BR", "A Colômbia assinou", "A Colômbia assinou"),  # "a" before a feminine name: its article
    ("es-pt_BR", "a influência de Johnson", "a influência de Johnson"),  # a proxy placeholder
    ("es-pt_BR", "Abriram palestras", "Abriram negociações"),
    ("cat-fra", "la possibilité d'USA intervention", "la possibilité des États-Unis intervention"),
    ("cat-fra", "Ils vivent dans USA, les USA", "Ils vivent aux États-Unis, les États-Unis"),
    ("cat-fra", "le président de Mexique à Brésil", "le président du Mexique au Brésil"),
    ("cat-fra", "réunis dans Bogotà", "réunis à Bogotá"),
    ("cat-fra", "dans Le Monde, dans Johnson, dans Zq1x", "dans Le Monde, dans Johnson, dans Zq1x"),
    ("cat-fra", "arrêté dans 2016", "arrêté en 2016"),
    ("cat-fra", "des causeries", "des négociations"),
    ("eng-spa", "Los Estados Unidos y de los Estados Unidos", "Estados Unidos y de Estados Unidos"),
    ("eng-spa", "la intervención de EE.UU.", "la intervención de Estados Unidos"),
    ("eng-spa", "abrieron charlas encima martes", "abrieron negociaciones el martes"),
    ("eng-spa", "su póliza exterior y sus pólizas", "su política exterior y sus políticas"),
    ("es-pt_BR", "a póliza de segurança e as pólizas", "a política de segurança e as políticas"),
    ("eng-spa", "encima <f1/>, encima la mesa", "encima <f1/>, encima la mesa"),  # a date placeholder, another word
    ("es-fr", "de México", "de México"),  # another chain: no rule of es-pt_BR
]


@pytest.mark.parametrize(("mode", "text", "expected"), SHIPPED_RULES)
def test_shipped_post_edit_rules(mode, text, expected):
    assert post_edit(text, mode) == expected


NEW_WORD_RULES = {
    ("eng-spa", "charlas"),
    ("cat-fra", "causeries"),
    ("es-pt_BR", "palestras"),
    ("eng-spa", "EE.UU."),
    ("cat-fra", "Bogotà"),
    ("eng-spa", "póliza"),
    ("eng-spa", "pólizas"),
    ("es-pt_BR", "póliza"),
    ("es-pt_BR", "pólizas"),
}


def test_every_shipped_rule_group_is_tested():
    tested = {(mode, text) for mode, text, expected in SHIPPED_RULES if post_edit(text, mode) != text}
    for rule in apertium.post_edits():
        if rule.regex or (rule.mode, rule.find) in NEW_WORD_RULES:
            assert any(mode == rule.mode and rule.pattern.search(text) for mode, text in tested), rule


def test_a_regex_rule_keeps_the_capital_of_a_sentence_start():
    rule = PostEdit("x", r"re:\b[Dd]e(?= México)", "do", "article")
    assert post_edit("De México. de México", "x", [rule]) == "Do México. do México"


def fake_chains(monkeypatch, slow_mode):
    monkeypatch.setattr(apertium, "installed_pairs", lambda: frozenset({"eng-spa", "es-pt_BR", "eng-cat"}))
    monkeypatch.setattr(ApertiumEngine, "run_mode", staticmethod(slow_mode))
    return ApertiumEngine({"es": ["eng-spa"], "pt-BR": ["eng-spa", "es-pt_BR"], "ca": ["eng-cat"]})


def test_locales_translated_side_by_side_share_the_pivot_step(monkeypatch):
    """Threads for es and pt-BR at once: English→Spanish still runs once per text, and every draft
    is what one locale after another gives."""
    ran: list[tuple[str, tuple[str, ...]]] = []
    both_started = threading.Barrier(2, timeout=10)

    def slow_mode(mode, texts):
        ran.append((mode, tuple(texts)))
        if mode in ("eng-spa", "eng-cat"):
            both_started.wait()  # eng-spa and eng-cat run at the same time, or this times out
        return [f"{mode}({text})" for text in texts]

    engine = fake_chains(monkeypatch, slow_mode)
    texts = ["One.", "Two.", "One."]
    with ThreadPoolExecutor(3) as pool:
        spanish, brazilian, catalan = pool.map(
            lambda tag: engine.translate(texts, "en", Locale(tag)), ["es", "pt-BR", "ca"]
        )
    assert sorted(mode for mode, _ in ran) == ["eng-cat", "eng-spa", "es-pt_BR"]
    assert [(mode, sorted(texts)) for mode, texts in ran if mode == "eng-spa"] == [("eng-spa", ["One.", "Two."])]
    assert [h.text for h in brazilian] == [
        "es-pt_BR(eng-spa(One.))",
        "es-pt_BR(eng-spa(Two.))",
        "es-pt_BR(eng-spa(One.))",
    ]
    assert [h.text for h in spanish] == ["eng-spa(One.)", "eng-spa(Two.)", "eng-spa(One.)"]
    assert [h.text for h in catalan] == ["eng-cat(One.)", "eng-cat(Two.)", "eng-cat(One.)"]


def test_a_step_that_fails_fails_the_threads_waiting_for_it_too(monkeypatch):
    """pt-BR waits for the English→Spanish run es started; that run fails: pt-BR fails with the same
    error at once, without running the step a second time (a 10-minute timeout is not paid twice)."""
    calls = []
    someone_waits = threading.Event()

    class WatchedEvent(threading.Event):
        def wait(self, timeout=None):
            someone_waits.set()
            return super().wait(timeout)

    class WatchedRunning(apertium._Running):
        def __init__(self):
            super().__init__()
            self.done = WatchedEvent()

    def failing(mode, texts):
        calls.append(mode)
        assert someone_waits.wait(timeout=10), "pt-BR never waited for the running step"
        raise apertium.EngineError("Apertium eng-spa failed: killed")

    monkeypatch.setattr(apertium, "_Running", WatchedRunning)
    engine = fake_chains(monkeypatch, failing)
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(engine.translate, ["One."], "en", Locale("es"))
        while not engine._running:  # es has started eng-spa
            time.sleep(0.01)
        second = pool.submit(engine.translate, ["One."], "en", Locale("pt-BR"))
        for future in (first, second):
            with pytest.raises(apertium.EngineError, match="^Apertium eng-spa failed: killed$"):
                future.result()
    assert calls == ["eng-spa"]


def test_release_forgets_the_steps_kept_for_the_runs_batches(monkeypatch):
    engine = fake_chains(monkeypatch, lambda mode, texts: [f"{mode}({text})" for text in texts])
    engine.translate(["One."], "en", Locale("es"))
    engine.translate(["One."], "en", Locale("es"))
    assert engine.runs == [("eng-spa", 1)]
    engine.release()
    assert [h.text for h in engine.translate(["One."], "en", Locale("es"))] == ["eng-spa(One.)"]
    assert engine.runs == [("eng-spa", 1), ("eng-spa", 1)]
