"""Matching, protect/restore per engine style, verification, fingerprints, adherence."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.engines.apertium import PROXY_PLACEHOLDERS, chain_for
from pipeline.glossary import (
    TAG_PLACEHOLDERS,
    Entry,
    Glossary,
    Rendering,
    TermForm,
    agree_article,
    choose_alternative,
    find_terms,
    fingerprint,
    protect,
    required_terms,
    restore,
    unmet_matches,
    verify,
)
from pipeline.glossary_report import measure_adherence
from pipeline.model import Locale, Severity
from pipeline.tbx import read_tbx

REPO_GLOSSARY = Path(__file__).resolve().parent.parent / "glossary" / "newsloc.tbx"


def entry(id, english, dnt=False, **renderings):
    forms = tuple(TermForm(f.removeprefix("pl:"), f.startswith("pl:")) for f in english.split("|"))
    return Entry(id, forms, tuple((tag.replace("_", "-"), r) for tag, r in renderings.items()), dnt)


GLOSSARY = Glossary((
    entry("backyard", "backyard|back yard|pl:backyards",
          es=Rendering("patio trasero", "patios traseros", "masculine"),
          fr=Rendering("arrière-cour", "arrière-cours", "feminine"),
          pt=Rendering("quintal", "quintais", "masculine")),
    entry("hugs", "hugs, not bullets|hugs not bullets",
          es=Rendering("abrazos, no balazos"), fr=Rendering("des câlins, pas des balles"),
          pt=Rendering("abraços, não balas")),
    entry("drug-cartel", "drug cartel|pl:drug cartels",
          es=Rendering("cártel de la droga", "cárteles de la droga", "masculine", ("cártel del narcotráfico",)),
          pt=Rendering("cartel de droga", "cartéis de droga", "masculine"),
          pt_BR=Rendering("cartel de drogas", "cartéis de drogas", "masculine")),
    entry("cartel", "cartel|pl:cartels", es=Rendering("cártel", "cárteles", "masculine")),
    entry("guard", "National Guard", es=Rendering("Guardia Nacional", gender="feminine"),
          pt=Rendering("Guarda Nacional", gender="feminine")),
    entry("state-dept", "U.S. Department of State", es=Rendering("Departamento de Estado de Estados Unidos")),
    entry("amlo-full", "Andrés Manuel López Obrador", dnt=True),
    entry("amlo", "López Obrador|Lopez Obrador", dnt=True),
    entry("lula", "Lula da Silva", dnt=True),
))  # fmt: skip


def found(text):
    return [(m.entry.id, m.text) for m in find_terms(GLOSSARY, text)]


# ---------------------------------------------------------------- matching

MATCHING = [
    ("plain", "the backyard of", [("backyard", "backyard")]),
    ("curly quotes", "America’s “backyard.”", [("backyard", "backyard")]),
    ("straight quotes", 'America\'s "backyard"', [("backyard", "backyard")]),
    ("case-insensitive", "THE BACKYARD", [("backyard", "BACKYARD")]),
    ("variant", "a back  yard", [("backyard", "back  yard")]),
    ("plural", "their backyards", [("backyard", "backyards")]),
    ("punctuation inside", "His “hugs, not bullets” strategy", [("hugs", "hugs, not bullets")]),
    ("variant without comma", "hugs not bullets", [("hugs", "hugs not bullets")]),
    ("longest wins", "drug cartels and cartels", [("drug-cartel", "drug cartels"), ("cartel", "cartels")]),
    ("longest name wins", "Andrés Manuel López Obrador said", [("amlo-full", "Andrés Manuel López Obrador")]),
    ("possessive", "López Obrador’s plan", [("amlo", "López Obrador")]),
    ("unaccented variant", "Lopez Obrador", [("amlo", "Lopez Obrador")]),
    ("never inside a word", "backyardigans and cartelsx", []),
    ("never across a tag", "<1>drug</1> cartels", [("cartel", "cartels")]),
    ("inside paired code text", "<1>backyard</1>", [("backyard", "backyard")]),
    ("tag not matched", "<g1/> cartel", [("cartel", "cartel")]),
    ("space after abbreviation optional", "U.S.Department of State", [("state-dept", "U.S.Department of State")]),
]


@pytest.mark.parametrize(("name", "text", "expected"), MATCHING, ids=[c[0] for c in MATCHING])
def test_matching(name, text, expected):
    assert found(text) == expected


def test_match_offsets_point_at_the_source():
    text = "In <1>Mexico</1>, drug cartels."
    (match,) = find_terms(GLOSSARY, text)
    assert text[match.start : match.end] == "drug cartels"


# ---------------------------------------------------------------- protect / restore


STYLES = {"argos": TAG_PLACEHOLDERS, "pseudo": TAG_PLACEHOLDERS, "apertium": PROXY_PLACEHOLDERS}


def round_trip(text, output_template, locale="es", engine="argos"):
    """protect → a fake engine answering ``output_template`` filled with the placeholders → restore."""
    protected = protect(text, find_terms(GLOSSARY, text), locale, STYLES[engine])
    return restore(protected, output_template.format(*[s.placeholder for s in protected.slots]))


RESTORE = [
    # (case, source, locale, engine, fake engine output with {0} {1} for placeholders, expected)
    ("tag", "The backyard is here.", "es", "argos", "El {0} está aquí.", "El patio trasero está aquí."),
    ("pseudo keeps tags", "The backyard.", "es", "pseudo", "[Ŧĥé {0}.]", "[Ŧĥé patio trasero.]"),
    (
        "sentence-initial source, not initial in target",
        "Backyards matter.",
        "es",
        "argos",
        "Los {0} importan.",
        "Los patios traseros importan.",
    ),
    ("initial in target", "Backyard politics.", "es", "argos", "{0}: política.", "Patio trasero: política."),
    ("initial after quote", "He said: “backyard”.", "es", "argos", "Dijo. “{0}”.", "Dijo. “Patio trasero”."),
    (
        "abbreviation is no sentence end",
        "the US backyard",
        "es",
        "argos",
        "el {0} de EE.UU. {0}",
        "el patio trasero de EE.UU. patio trasero",
    ),
    (
        "capitalized mid-sentence carries over",
        "The Backyard Doctrine",
        "es",
        "argos",
        "La doctrina del {0}",
        "La doctrina del Patio trasero",
    ),
    ("upper carries over", "THE BACKYARD", "es", "argos", "EL {0}", "EL PATIO TRASERO"),
    (
        "dnt verbatim, even lowercase at start",
        "lula da Silva spoke.",
        "es",
        "argos",
        "{0} habló.",
        "lula da Silva habló.",
    ),
    (
        "slogan",
        "His “hugs, not bullets” strategy.",
        "fr",
        "argos",
        "Sa stratégie « {0} ».",
        "Sa stratégie « des câlins, pas des balles ».",
    ),
    (
        "apertium proxy, article agrees (es plural)",
        "the drug cartels",
        "es",
        "apertium",
        "el {0}",
        "los cárteles de la droga",
    ),
    (
        "apertium proxy, contraction agrees (pt feminine)",
        "of the National Guard",
        "pt-BR",
        "apertium",
        "do {0}",
        "da Guarda Nacional",
    ),
    ("apertium proxy, regional override", "drug cartels", "pt-BR", "apertium", "os {0}", "os cartéis de drogas"),
    ("apertium proxy, French elision", "The backyard", "fr", "apertium", "Le {0}", "L'arrière-cour"),
    ("apertium proxy with unknown mark", "the backyard", "es", "apertium", "el *{0}", "el patio trasero"),
    ("engine spaced the tag", "the backyard", "es", "argos", "el <g1 />", "el patio trasero"),
]


@pytest.mark.parametrize(("case", "source", "locale", "engine", "output", "expected"), RESTORE,
                         ids=[c[0] for c in RESTORE])  # fmt: skip
def test_restore(case, source, locale, engine, output, expected):
    assert round_trip(source, output, locale, engine) == expected


def test_protect_keeps_inline_codes_and_numbers_placeholders_past_existing_ones():
    text = "<1>backyard</1> and <2/> <g1/> cartels"
    protected = protect(text, find_terms(GLOSSARY, text), "es", STYLES["argos"])
    assert protected.text == "<1><g2/></1> and <2/> <g1/> <g3/>"


def test_apertium_proxies_skip_names_already_in_the_text():
    text = "Johnson said the backyard"
    protected = protect(text, find_terms(GLOSSARY, text), "es", STYLES["apertium"])
    assert protected.text == "Johnson said the Thompson"


def test_terms_without_a_rendering_for_the_locale_are_left_to_the_engine():
    text = "cartels and backyards"
    protected = protect(text, find_terms(GLOSSARY, text), "fr", STYLES["argos"])
    assert protected.text == "cartels and <g1/>"


def test_lost_placeholder_leaves_output_alone_and_verify_flags_it():
    text = "the backyard"
    protected = protect(text, find_terms(GLOSSARY, text), "es", STYLES["argos"])
    assert restore(protected, "el patio") == "el patio"
    assert [f.code for f in verify(text, "el patio", "es", GLOSSARY)] == ["glossary"]


ARTICLES = [
    ("es", "Del ", "cárteles", "masculine", True, "De los "),
    ("es", "al ", "Guardia Nacional", "feminine", False, "a la "),
    ("fr", "dans le “", "arrière-cour", "feminine", False, "dans l'“"),
    ("fr", "de ", "AMLO", "", False, "d'"),
    ("pt", "pelo ", "Guarda", "feminine", False, "pela "),
    ("pt", "a ", "quintal", "masculine", False, "a "),  # "a" may be a preposition: left alone
    ("es", "el ", "x", "", False, "el "),  # gender unknown: left alone
]


@pytest.mark.parametrize(("language", "before", "term", "gender", "plural", "expected"), ARTICLES)
def test_agree_article(language, before, term, gender, plural, expected):
    assert agree_article(before, term, gender, plural, language) == expected


# ---------------------------------------------------------------- real apertium

CHAINS = {tag: chain_for(Locale(tag)) for tag in ("es", "fr", "pt-BR")}  # the default chains
EXPECTED = {
    "es": ("abrazos, no balazos", "patio trasero"),
    "fr": ("des câlins, pas des balles", "arrière-cour"),
    "pt-BR": ("abraços, não balas", "quintal"),
}


def apertium(text, locale):
    for pair in CHAINS[locale]:
        text = subprocess.run(["apertium", "-u", pair], input=text, capture_output=True, text=True,
                              check=True).stdout  # fmt: skip
    return text.strip()


@pytest.mark.skipif(shutil.which("apertium") is None, reason="apertium is not installed")
@pytest.mark.parametrize("locale", CHAINS)
def test_apertium_keeps_mission_terms_only_with_the_glossary(locale):
    glossary = read_tbx(REPO_GLOSSARY)
    source = "His “hugs, not bullets” strategy. It is America’s “backyard.”"
    raw = apertium(source, locale)
    protected = protect(source, find_terms(glossary, source), locale, STYLES["apertium"])
    output = restore(protected, apertium(protected.text, locale))
    slogan, backyard = EXPECTED[locale]
    assert slogan not in raw and backyard not in raw
    assert slogan in output and backyard in output
    assert verify(source, output, locale, glossary) == []


# ---------------------------------------------------------------- verification


def passes(source, target, locale="es"):
    assert verify(source, target, locale, GLOSSARY) == []


def fails(source, target, expected_message, locale="es"):
    flags = verify(source, target, locale, GLOSSARY)
    assert [(f.code, f.severity) for f in flags] == [("glossary", Severity.WARNING)]
    assert expected_message in flags[0].message


def test_verify():
    passes("the backyard", "el patio trasero")
    passes("the backyard", "los patios traseros")  # another form of the same term
    passes("The backyard", "El Patio Trasero")  # casing is free
    passes("drug cartels", "el cártel del narcotráfico")  # an admitted alternative
    passes("the backyard", "")  # untranslated is another check's business
    passes("the backyard", "el patio trasero", locale="de")  # no rendering, nothing required
    passes("López Obrador’s plan", "el plan de López Obrador")
    fails("the backyard", "el jardín", "expected “patio trasero” for “backyard”")
    fails("drug cartels", "los cárteles", "“cárteles de la droga”")
    fails("López Obrador said", "Lopez Obrador dijo", "do-not-translate “López Obrador”")
    fails("hugs, not bullets", "abrazos, no balas", "“abrazos, no balazos”")


# Do-not-translate names count as the glossary writes them, and contract as the target language does.
DNT_PASSES = [
    (tag, source, target)
    for tag, target in (
        ("es", "Lula da Silva también lo rechazó."),
        ("fr", "Lula da Silva l’a aussi rejeté."),
        ("pt-BR", "Lula da Silva também rejeitou."),
    )
    for source in ("lula da Silva also rejected it.", "Lula da Silva also rejected it.")
] + [
    ("es", "andrés Manuel López Obrador spoke.", "Andrés Manuel López Obrador habló."),
    ("fr", "andrés Manuel López Obrador spoke.", "Andrés Manuel López Obrador a parlé."),
    ("pt-BR", "andrés Manuel López Obrador spoke.", "Andrés Manuel López Obrador falou."),
    ("fr", "The report of Le Journal de Québec.", "Le reportage du Journal de Québec."),
    ("fr", "He spoke to Le Journal de Québec.", "Il a parlé au Journal de Québec."),
    ("fr", "Le Journal de Québec said.", "Le Journal de Québec a dit."),
    ("es", "The report of Le Journal de Québec.", "El reportaje de Le Journal de Québec."),
    ("pt-BR", "The report of Le Journal de Québec.", "A reportagem do Le Journal de Québec."),
    ("fr", "AMLO’s answer.", "La réponse d’AMLO."),
]
DNT_FAILS = [
    ("es", "lula da Silva also rejected it.", "Lula Da Silva también lo rechazó.", "“Lula da Silva”"),
    ("fr", "lula da Silva also rejected it.", "Lula de Silva l’a aussi rejeté.", "“Lula da Silva”"),
    ("pt-BR", "Lula da Silva also rejected it.", "Lula Silva também rejeitou.", "“Lula da Silva”"),
    ("fr", "The report of Le Journal de Québec.", "Le reportage du Journal de Montréal.", "“Le Journal de Québec”"),
    ("es", "The report of Le Journal de Québec.", "El reportaje del Diario de Quebec.", "“Le Journal de Québec”"),
]


@pytest.fixture(scope="module")
def project_glossary():
    return read_tbx(REPO_GLOSSARY)


@pytest.mark.parametrize(("tag", "source", "target"), DNT_PASSES)
def test_do_not_translate_names_pass_as_the_glossary_writes_them(project_glossary, tag, source, target):
    assert verify(source, target, tag, project_glossary) == []


@pytest.mark.parametrize(("tag", "source", "target", "message"), DNT_FAILS)
def test_do_not_translate_names_fail_when_altered(project_glossary, tag, source, target, message):
    [flag] = verify(source, target, tag, project_glossary)
    assert flag.code == "glossary" and message in flag.message and flag.word


@pytest.mark.parametrize(
    ("tag", "words"),
    [
        ("es", {"fentanilo", "cárteles", "balazos"}),
        ("fr", {"arrière-cour", "câlins"}),
        ("pt-BR", {"fentanil", "quintais"}),
    ],
)
def test_the_glossary_words_of_a_locale_are_known(project_glossary, tag, words):
    from pipeline.glossary import target_words

    assert words <= target_words(project_glossary, tag)


def test_choose_alternative_takes_the_best_scoring_text_with_every_term():
    source = "the backyard and hugs, not bullets"
    required = required_terms(GLOSSARY, source, "es")
    alternatives = [("el jardín y abrazos, no balazos", -0.1), ("el patio trasero y abrazos, no balazos", -0.5),
                    ("el patio trasero, abrazos, no balazos", -0.3)]  # fmt: skip
    assert choose_alternative(alternatives, required) == "el patio trasero, abrazos, no balazos"
    assert choose_alternative(alternatives[:1], required) is None
    assert choose_alternative(alternatives, ["jardín"]) == "el jardín y abrazos, no balazos"


def test_unmet_matches_are_what_to_protect_on_a_retry():
    source = "the backyard and drug cartels"
    assert [m.text for m in unmet_matches(GLOSSARY, source, "el patio trasero y cárteles", "es")] == ["drug cartels"]


# ---------------------------------------------------------------- fingerprints


def edited(glossary, entry_id, tag, rendering):
    entries = tuple(
        dataclasses.replace(e, renderings=tuple((t, rendering if t == tag else r) for t, r in e.renderings))
        if e.id == entry_id else e
        for e in glossary.entries
    )  # fmt: skip
    return Glossary(entries)


def test_fingerprint_changes_only_for_texts_with_the_edited_entry():
    changed = edited(GLOSSARY, "backyard", "es", Rendering("traspatio", "traspatios", "masculine"))
    with_term, without = "The backyard.", "The drug cartels."
    assert fingerprint(GLOSSARY, with_term, "es") != fingerprint(changed, with_term, "es")
    assert fingerprint(GLOSSARY, without, "es") == fingerprint(changed, without, "es")
    assert fingerprint(GLOSSARY, with_term, "fr") == fingerprint(changed, with_term, "fr")  # es edit only
    assert fingerprint(GLOSSARY, "No terms here.", "es") == ""
    assert len(fingerprint(GLOSSARY, with_term, "es")) == 12


# ---------------------------------------------------------------- adherence


def test_measure_adherence_counts_per_term_and_locale():
    units = [
        ("the backyard", {"es": "el patio trasero", "fr": "le jardin"}),
        ("backyards and cartels", {"es": "los jardines y cárteles", "fr": ""}),
    ]
    report = measure_adherence(GLOSSARY, units, ["es", "fr"])
    by_term = {t.entry_id: t for t in report.terms}
    assert by_term["backyard"].occurrences == 2
    assert dict(by_term["backyard"].locales)["es"].correct == 1
    assert dict(by_term["backyard"].locales)["es"].checked == 2
    assert dict(by_term["backyard"].locales)["fr"].checked == 1  # the empty fr translation is not counted
    totals = dict(report.totals)
    assert (totals["es"].correct, totals["es"].checked) == (2, 3)
    assert report.as_dict()["totals"]["fr"]["adherence"] == 0.0
