"""Locale typography: each rule per locale, never inside protected spans, idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.engines.base import FROZEN_TAG
from pipeline.model import ConfigError, Locale
from pipeline.typography import NBSP, NNBSP, protected_spans_in, typeset

ARTICLE = Path(__file__).resolve().parents[1] / "articles" / "mexico-rejects-us-intervention.txt"

LOCALES = ["es", "fr", "pt-BR"]


def passes(tag: str, text: str, expected: str, **options) -> None:
    """The rule fires: ``text`` is typeset to exactly ``expected``."""
    assert typeset(text, Locale(tag), **options) == expected


def fails(tag: str, text: str, **options) -> None:
    """No rule may fire: ``text`` comes back unchanged."""
    assert typeset(text, Locale(tag), **options) == text


# (locale, input, expected)
RULES = [
    # quotes: straight, curly (as Apertium keeps them) or guillemets in; the locale's marks out
    ("es", 'Su "abrazos, no balazos" estrategia', "Su «abrazos, no balazos» estrategia"),
    ("es", "Su “abrazos, no balazos” estrategia", "Su «abrazos, no balazos» estrategia"),
    ("es", "Su « abrazos, no balazos » estrategia", "Su «abrazos, no balazos» estrategia"),
    ("es", "«dijo “no” y ‘sí’»", "«dijo “no” y “sí”»"),
    ("es", "“dijo “no, ‘nunca’” hoy”", "«dijo “no, ‘nunca’” hoy»"),
    ("es", '"Dijo "no" hoy"', "«Dijo “no” hoy»"),
    ("fr", "Sa “stratégie” claire", f"Sa «{NNBSP}stratégie{NNBSP}» claire"),
    ("fr", 'Sa "stratégie" claire', f"Sa «{NNBSP}stratégie{NNBSP}» claire"),
    ("fr", f"Sa «{NBSP}stratégie{NBSP}» claire", f"Sa «{NNBSP}stratégie{NNBSP}» claire"),
    ("fr", "« il a dit “non” »", f"«{NNBSP}il a dit “non”{NNBSP}»"),
    ("pt-BR", "Sua «estratégia» clara", "Sua “estratégia” clara"),
    ("pt-BR", 'Sua "estratégia" clara', "Sua “estratégia” clara"),
    ("pt-BR", "“ele disse “não” hoje”", "“ele disse ‘não’ hoje”"),
    ("pt-BR", "“ele disse ‘não’ hoje”", "“ele disse ‘não’ hoje”"),
    ("pt-BR", "ele disse ‘não’ hoje", "ele disse “não” hoje"),  # the outer level is always “ ”
    # French spacing: narrow no-break space before ; ! ?, no-break space before :
    ("fr", "Pourquoi? Parce que; enfin!", f"Pourquoi{NNBSP}? Parce que{NNBSP}; enfin{NNBSP}!"),
    ("fr", "Vraiment ?!", f"Vraiment{NNBSP}?!"),
    ("fr", "Il a dit : non", f"Il a dit{NBSP}: non"),
    ("fr", "Note: voir", f"Note{NBSP}: voir"),
    ("fr", '"Vraiment?"', f"«{NNBSP}Vraiment{NNBSP}?{NNBSP}»"),
    ("fr", "Le <g1/>: voir", f"Le <g1/>{NBSP}: voir"),
    # apostrophes
    ("fr", "l'État et aujourd'hui", "l’État et aujourd’hui"),
    ("es", "Mexico‘s", "Mexico’s"),
    ("pt-BR", "copo d'água", "copo d’água"),
    # dashes
    ("es", "la región - dijo - sigue", "la región – dijo – sigue"),
    ("pt-BR", "a região - disse - segue", "a região – disse – segue"),
    ("fr", "la région - dit-il - reste", f"la région{NBSP}– dit-il{NBSP}– reste"),
    ("es", "la región -- dijo -- sigue", "la región — dijo — sigue"),
    ("es", "región--dijo", "región—dijo"),
    # doubled spaces
    ("es", "dos  espacios   aquí", "dos espacios aquí"),
    ("fr", "deux  espaces", "deux espaces"),
]


@pytest.mark.parametrize(("tag", "text", "expected"), RULES)
def test_rule(tag: str, text: str, expected: str) -> None:
    passes(tag, text, expected)


# (locale, text that must come back unchanged)
UNTOUCHED = [
    ("fr", "à 10:30 précises"),  # a time
    ("fr", "un rapport de 3:1"),  # a ratio
    ("fr", "voir https://example.org/a?b=1;c=2 pour tout"),  # a URL's : ? ;
    ("fr", "écrire à presse@example.org"),
    ("es", "ver https://example.org/it's-a-page"),  # a URL's apostrophe
    ("es", "los años 2020-2025"),  # an unspaced hyphen is a range or a compound
    ("es", "Su <1>texto</1> y <2/> aquí"),
    ("fr", "l’État — déjà typographié"),
    ("pt-BR", "“já ‘certo’”"),
    ("de", 'Er sagte "nein"'),  # no quote conventions set for German
]


@pytest.mark.parametrize(("tag", "text"), UNTOUCHED)
def test_untouched(tag: str, text: str) -> None:
    fails(tag, text)


def test_glossary_span_with_straight_quotes_stays_untouched() -> None:
    text = 'Su "hugs, not bullets" y la "estrategia"'
    glossary = (3, 22)  # "hugs, not bullets" with its straight quotes
    assert text[slice(*glossary)] == '"hugs, not bullets"'
    passes("es", text, 'Su "hugs, not bullets" y la «estrategia»', protected=[glossary])
    passes("fr", text, f'Su "hugs, not bullets" y la «{NNBSP}estrategia{NNBSP}»', protected=[glossary])


def test_quotes_pair_around_protected_spans_and_codes() -> None:
    passes("es", "el “<g1/>” de <1>“Washington”</1>", "el «<g1/>» de <1>«Washington»</1>")
    passes("es", "“<1>Washington</1>” dijo", "«<1>Washington</1>» dijo")


def test_code_span_content_is_protected_when_asked() -> None:
    text = "usa <1>a -- b 'x'</1> y a -- b"
    code = (text.index("<1>"), text.index("</1>") + 4)
    passes("es", text, "usa <1>a -- b 'x'</1> y a — b", protected=[code])


def test_tags_themselves_are_never_changed() -> None:
    text = 'a <12/> b <g3/> c <f4/> "d"'
    assert typeset(text, Locale("fr")).startswith("a <12/> b <g3/> c <f4/> ")


def test_spanish_quotes_are_configurable() -> None:
    passes("es", "su “estrategia” de “ir ‘ya’”", "su “estrategia” de “ir ‘ya’”", es_quotes="“”")
    passes("es", "su «estrategia»", "su “estrategia”", es_quotes="“”")
    with pytest.raises(ConfigError):
        typeset("x", Locale("es"), es_quotes="''")


def test_protected_spans_in_finds_tags_and_urls() -> None:
    text = "see <1>this</1> at https://example.org/x, or <g2/>."
    spans = [text[start:end] for start, end in protected_spans_in(text)]
    assert spans == ["<1>", "</1>", "https://example.org/x", "<g2/>"]


@pytest.mark.parametrize("tag", LOCALES)
def test_real_article_lines_are_idempotent(tag: str) -> None:
    for line in ARTICLE.read_text(encoding="utf-8").splitlines():
        once = typeset(line, Locale(tag))
        assert typeset(once, Locale(tag)) == once, line


PIECES = st.sampled_from(
    [
        "word",
        "l'État",
        " ",
        "  ",
        '"',
        "“",
        "”",
        "«",
        "»",
        "‘",
        "’",
        "'",
        "!",
        "?",
        ":",
        ";",
        " - ",
        "--",
        "10:30",
        "https://x.org/a?b",
        "<1>",
        "</1>",
        "<2/>",
        "<g3/>",
        ",",
        ".",
        "(",
        ")",
        NBSP,
        NNBSP,
        "¿",
        "¡",
    ]
)

# Inputs that once typeset differently the second time; kept as fixed cases so no run passes by luck.
NOT_IDEMPOTENT_ONCE = [
    ("es", "…a?b¡» word!"),
    ("es", "https://x.org/a?b» word!"),
    ("es", "See https://x.org/a?b¡» word!"),
    ("es", '\u00a0,"'),
    ("es", 'word,","'),
    ("es", "Dijo “América.”"),
]


@pytest.mark.parametrize(("tag", "text"), NOT_IDEMPOTENT_ONCE)
def test_known_hard_cases_are_idempotent(tag: str, text: str) -> None:
    once = typeset(text, Locale(tag))
    assert typeset(once, Locale(tag)) == once


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dijo “América.”", "Dijo «América»."),
        ("Dijo “sí, claro,” y se fue.", "Dijo «sí, claro», y se fue."),
        ("Él dijo: “¿Vienes?”", "Él dijo: «¿Vienes?»"),
        ("“Vamos...”", "«Vamos...»"),
    ],
)
def test_spanish_full_stop_goes_after_the_closing_quote(text: str, expected: str) -> None:
    assert typeset(text, Locale("es")) == expected


def test_a_url_is_never_taken_as_the_first_word_of_a_question() -> None:
    assert typeset("https://x.org/a?b» word!", Locale("es")) == "¡https://x.org/a?b» word!"


@settings(max_examples=1500, deadline=None, database=None)
@given(pieces=st.lists(PIECES, max_size=14), tag=st.sampled_from(LOCALES))
@example(pieces=["…a", "?", "b", "¡", "»", " ", "word", "!"], tag="es")
@example(pieces=["https://x.org/a?b", "»", " ", "word", "!"], tag="es")
def test_typeset_is_idempotent(pieces: list[str], tag: str) -> None:
    once = typeset("".join(pieces), Locale(tag))
    assert typeset(once, Locale(tag)) == once


@settings(max_examples=200, deadline=None, database=None)
@given(pieces=st.lists(PIECES, max_size=14), tag=st.sampled_from(LOCALES))
def test_tags_survive_in_order(pieces: list[str], tag: str) -> None:
    text = "".join(pieces)
    out = typeset(text, Locale(tag))
    assert FROZEN_TAG.findall(out) == FROZEN_TAG.findall(text)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Qué es la base histórica?", "¿Qué es la base histórica?"),
        ("Comparte tus pensamientos abajo!", "¡Comparte tus pensamientos abajo!"),
        ("Qué es <1>esto</1>?", "¿Qué es <1>esto</1>?"),
        ("¿Ya?", "¿Ya?"),
        ("Cómo? Así.", "Cómo? Así."),  # two sentences: left for a reviewer
        ("Dijo: qué?", "Dijo: qué?"),
    ],
)
def test_spanish_inverted_marks(text, expected):
    assert typeset(text, Locale("es")) == expected


def test_inverted_marks_only_in_spanish():
    assert typeset("Quoi?", Locale("pt-BR")) == "Quoi?"
