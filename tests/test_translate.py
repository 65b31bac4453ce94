"""The translate stage: placeholders around the engine, typography, glossary, N-best choice."""

import re
from pathlib import Path

from pipeline import glossary
from pipeline.engines.pseudo import PseudoEngine
from pipeline.glossary import TAG_PLACEHOLDERS
from pipeline.model import Hypothesis, InlineCode, Locale, Provenance
from pipeline.translate import Translator, protect_verbatim

ES = Locale("es")
GLOSSARY = glossary.load(Path(__file__).parent.parent / "glossary" / "newsloc.tbx")


def test_verbatim_code_content_never_reaches_the_engine():
    codes = (InlineCode(1, "code", translate=False), InlineCode(2, "em"))
    text, restore = protect_verbatim("Run <1>make test</1> <2>now</2>.", codes)
    assert text == "Run <k1/> <2>now</2>."
    assert restore("Ejecuta <k1/> <2>ya</2>.") == "Ejecuta <1>make test</1> <2>ya</2>."
    assert restore("Ejecuta ya.") == "Ejecuta ya. <1>make test</1>"  # lost by the engine: kept anyway


def test_dates_are_rendered_for_the_locale():
    [draft] = Translator(PseudoEngine(), ES).translate(["The report, published November 4th, 2025, was long."])
    assert "4 de noviembre de 2025" in draft.text


def test_glossary_terms_and_names_come_out_as_written_in_the_glossary():
    translator = Translator(PseudoEngine(), ES, glossary=GLOSSARY)
    [draft] = translator.translate(["His “hugs, not bullets” strategy was praised by AMLO."])
    assert "abrazos, no balazos" in draft.text and "AMLO" in draft.text
    assert draft.terms == translator.fingerprint("His “hugs, not bullets” strategy was praised by AMLO.")


class NBestEngine:
    """An engine offering N-best lists whose best hypothesis lacks the term but an alternative has it.

    Its name is no engine's: what counts is the capability it declares."""

    name = "n-best"
    marks = ()
    placeholders = TAG_PLACEHOLDERS
    offers_alternatives = True

    def __init__(self):
        self.calls = []

    def available(self, source, target):
        return True

    def translate(self, texts, source, target, progress=None):
        self.calls.append(list(texts))
        provenance = Provenance("argos", "translate-en_es", "1.0")
        return [
            Hypothesis("el jardín trasero", provenance, -0.5, (("el jardín trasero", -0.5), ("el patio trasero", -0.9)))
            for _ in texts
        ]


def test_an_engine_with_alternatives_gets_the_best_one_with_the_term_before_protecting():
    engine = NBestEngine()
    [draft] = Translator(engine, ES, glossary=GLOSSARY).translate(["the backyard"])
    assert draft.text == "el patio trasero"
    assert len(engine.calls) == 1 and "<g" not in engine.calls[0][0]


class DroppingEngine:
    """An engine that loses every placeholder it is given (<f1/>, <k1/>)."""

    name = "pseudo"

    def available(self, source, target):
        return True

    def translate(self, texts, source, target, progress=None):
        provenance = Provenance("pseudo", "", "")
        return [Hypothesis(re.sub(r"<[fk]\d+/>", "", text).replace("  ", " "), provenance) for text in texts]


def test_a_placeholder_the_engine_lost_is_put_back_and_flagged():
    [draft] = Translator(DroppingEngine(), ES).translate(["The report was published November 4th, 2025."])
    assert draft.text.endswith(" 4 de noviembre de 2025")  # nothing is dropped
    [flag] = [f for f in draft.flags if f.code == "lost-placeholder"]
    assert flag.word == "4 de noviembre de 2025" and flag.severity.value == "warning"


def test_a_kept_placeholder_raises_no_flag():
    [draft] = Translator(PseudoEngine(), ES).translate(["The report was published November 4th, 2025."])
    assert not [f for f in draft.flags if f.code == "lost-placeholder"]
