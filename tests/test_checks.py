"""Target checks: each named check passes good pairs and fails bad ones; silencing; the legend."""

from __future__ import annotations

import pytest

from pipeline import flags
from pipeline.checks import (
    CHECKS,
    apply_silences,
    check_translation,
    describe_checks,
    silence_comment,
    silenced_codes,
)
from pipeline.engines.apertium import MARKS
from pipeline.model import Flag, Locale, Severity

NNBSP, NBSP = "\u202f", "\u00a0"


def codes_for(code: str, tag: str, source: str, target: str, **options) -> list[Flag]:
    spell = code in ("target-spelling", "leftover")
    flags = check_translation(source, target, Locale(tag), spell=spell, marks=MARKS, **options)
    return [flag for flag in flags if flag.code == code]


def passes(code: str, tag: str, source: str, target: str, **options) -> None:
    """The pair gets no flag of ``code``."""
    assert codes_for(code, tag, source, target, **options) == []


def fails(code: str, tag: str, source: str, target: str, **options) -> list[Flag]:
    """The pair gets at least one flag of ``code``."""
    found = codes_for(code, tag, source, target, **options)
    assert found, f"{code} did not fire"
    return found


PASSES = [
    ("untranslated", "es", "Hello.", "Hola."),
    ("unchanged", "es", "AMLO", "AMLO"),
    ("unchanged", "es", "Le Journal de Québec", "Le Journal de Québec"),
    ("unchanged", "fr", "2025", "2025"),
    ("unchanged", "es", "Dijon, France", "Dijon, France"),
    ("unchanged", "fr", "Intervention", "Intervention"),
    ("numbers", "es", "It cost 1,234.5 pesos in 2025.", "Costó 1.234,5 pesos en 2025."),
    ("numbers", "fr", "It cost 1,234.5 pesos.", f"Cela a coûté 1{NNBSP}234,5 pesos."),
    ("numbers", "fr", "It cost 1,234.5 pesos.", f"Cela a coûté 1{NBSP}234,5 pesos."),
    ("numbers", "fr", "It cost 1,234.5 pesos.", "Cela a coûté 1 234,5 pesos."),
    ("numbers", "pt-BR", "Published November 4th, 2025.", "Publicado em 4 de novembro de 2025."),
    ("numbers", "es", "In the 19th century.", "En el siglo XIX."),
    ("numbers", "fr", "In the 19th century.", "Au XIXe siècle."),
    ("numbers", "es", "12,500 jobs", "12 500 empleos"),
    ("numbers", "es", "Read <1>part 2</1>.", "Lea <1>la parte 2</1>."),
    ("urls", "es", "See https://www.state.gov/report.", "Vea https://www.state.gov/report."),
    ("urls", "fr", "Write to press@example.org.", "Écrivez à press@example.org."),
    ("unbalanced", "es", "His “hugs, not bullets” strategy (2019).", "Su estrategia «abrazos, no balazos» (2019)."),
    ("unbalanced", "fr", "He said “we will", "Il a dit «\u00a0nous allons"),
    ("end-punctuation", "es", "Share your thoughts below!", "¡Comparta su opinión abajo!"),
    ("end-punctuation", "es", "Historical Context", "Contexto histórico"),
    ("end-punctuation", "fr", "The end.", "[Ţĥé éñđ. ~~]"),
    ("end-punctuation", "fr", "It is “the backyard.”", f"C’est «{NNBSP}l’arrière-cour.{NNBSP}»"),
    ("end-punctuation", "es", "Read <1>this</1>.", "Lea <1>esto</1>."),
    ("end-punctuation", "es", "Regional Response to U.S. influence", "Respuesta regional a la influencia de EE. UU."),
    ("end-punctuation", "pt-BR", "It was ruled out by the U.S.", "Foi descartada pelos EUA."),
    ("end-punctuation", "pt-BR", "Ruled out by the U.S.", "Descartada pelos EUA"),
    ("inverted-marks", "es", "What is it? Is it new?", "¿Qué es? ¿Es nuevo?"),
    ("inverted-marks", "es", "Stop! Now.", "¡Alto! Ahora."),
    ("inverted-marks", "pt-BR", "What is it?", "O que é?"),
    ("whitespace", "es", "Hello there.", "Hola a todos."),
    ("doubled-word", "fr", "We met.", "Nous nous sommes rencontrés."),
    ("doubled-word", "es", "The the mistake.", "El el error."),
    ("repetition", "es", "Hugs, not bullets.", "Abrazos, no balazos."),
    ("length", "es", "Yes.", "Sí, efectivamente, así es."),
    ("length", "es", "Table of Contents", "Índice"),
    ("length", "fr", "The delegations will meet again in June.", "Les délégations se retrouveront en juin."),
    ("length", "pt-BR", "Others warned about the Amazon.", "Outros alertaram sobre a Amazônia."),
    ("length", "es", "The report sparked immediate controversy.", "El informe provocó una polémica inmediata."),
    ("unknown-word", "es", "The #MeToo movement.", "El movimiento #MeToo."),
    ("unknown-word", "es", "Write to a@b.org.", "Escriba a a@b.org."),
    ("generation-error", "es", "Use #hashtag now.", "Use #hashtag ahora."),
    ("transfer-error", "es", "Write to a@b.org or @newsloc.", "Escriba a a@b.org o @newsloc."),
    ("target-spelling", "es", "President López Obrador spoke.", "El presidente López Obrador habló."),
    ("target-spelling", "fr", "The intervention.", "L’intervention d’aujourd’hui."),
    ("target-spelling", "es", "AMLO’s <1>plan</1> in 2025.", "El <1>plan</1> de AMLO en 2025."),
    ("target-spelling", "es", "Fentanyl-related deaths.", "Muertes fentanyl-relacionadas."),
    ("target-spelling", "fr", "AMLO’s answer.", "La réponse d’AMLO."),
    (
        "target-spelling",
        "fr",
        "The stance of Andrés Manuel López Obrador.",
        "La position d’Andrés Manuel López Obrador.",
    ),
    ("target-spelling", "fr", "A report of El Universal.", "Un reportage d’El Universal."),
    ("target-spelling", "es", "Washington’s plan.", "El plan de Washington."),
    ("target-spelling", "pt-BR", "Washington’s plan.", "O plano de Washington."),
    ("target-spelling", "es", "A binational approach.", "Un enfoque binacional."),
    ("target-spelling", "es", "When he was asked.", "Al preguntársele."),
    ("target-spelling", "es", "Without militarizing it.", "Sin militarizarla."),
    ("target-spelling", "es", "Mexican auto parts.", "Autopartes mexicanas."),
    ("target-spelling", "es", "The Amazon.", "La Amazonía."),
    ("target-spelling", "fr", "The Inter-American treaty.", "Le traité interaméricain."),
    ("target-spelling", "pt-BR", "The pre-pandemic level.", "O nível pré-pandemia."),
    (
        "target-spelling",
        "es",
        "The fentanyl crisis.",
        "La crisis del fentanilo.",
        {"accepted_words": frozenset({"fentanilo"})},
    ),
    (
        "target-spelling",
        "pt-BR",
        "The fentanyl crisis.",
        "A crise do fentanil.",
        {"accepted_words": frozenset({"fentanil"})},
    ),
    ("leftover", "es", "The policy changed.", "La política cambió."),
    ("leftover", "fr", "The United States said.", "Les États-Unis ont dit."),
    ("leftover", "pt-BR", "President Lula spoke.", "O presidente Lula falou."),
    ("leftover", "es", "The U.S. said.", "EE. UU. dijo."),
    ("leftover", "es", "Washington’s plan.", "El plan de Washington."),
    (
        "leftover",
        "fr",
        "The finances.",
        "Les finances.",
        {"engine_flags": (Flag("unknown-word", Severity.WARNING, "", word="finances"),)},
    ),
    ("numbers", "es", "A $1.5 billion fund.", "Un fondo de 1500 millones de dólares."),
    ("numbers", "es", "A $1.5 billion fund.", "Un fondo de 1.500 millones de dólares."),
    ("numbers", "fr", "A $1.5 billion fund.", "Un fonds de 1,5 milliard de dollars."),
    ("numbers", "pt-BR", "A $1.5 billion fund.", "Um fundo de US$ 1,5 bilhão."),
    ("numbers", "es", "About 50,000 troops.", "Unos 50 mil soldados."),
    ("added-sentence", "es", "The U.S. said no. Mexico agreed.", "EE. UU. dijo que no. México estuvo de acuerdo."),
    ("added-sentence", "fr", "Mr. López spoke.", "M. López a parlé."),
    ("added-sentence", "pt-BR", "He said: “Go.”", "Ele disse: “Vá.”"),
    (
        "added-sentence",
        "es",
        "Dr. Smith spoke in the U.S. Army base.",
        "El Dr. Smith habló en la base del Ejército de EE. UU. en Texas.",
    ),
    ("quote-punctuation", "es", "They called it “America.”", "La llamaron «América»."),
    ("quote-punctuation", "es", "He asked: “Why?”", "Preguntó: «¿Por qué?»"),
    ("quote-punctuation", "fr", "They called it “America.”", f"Ils l’ont appelée «{NNBSP}Amérique.{NNBSP}»"),
    ("quote-punctuation", "pt-BR", "They called it “America.”", "Eles a chamaram de “América.”"),
    (
        "french-spacing",
        "fr",
        "Why? Because: “no”; fine!",
        f"Pourquoi{NNBSP}? Parce que{NBSP}: «{NBSP}non{NBSP}»{NNBSP}; bien{NNBSP}!",
    ),
    ("french-spacing", "fr", "At 10:30, see https://example.org.", "À 10:30, voir https://example.org."),
    ("french-spacing", "fr", "Really?!", f"Vraiment{NNBSP}?!"),
    ("french-spacing", "fr", "Note: yes.", f"Note{NBSP}: oui."),
    ("french-spacing", "fr", "Note: yes.", f"Note{NNBSP}: oui."),
    ("french-spacing", "es", "Why?", "¿Por qué?"),
]

FAILS = [
    ("untranslated", "es", "Hello.", ""),
    ("untranslated", "es", "Hello.", "   "),
    ("unchanged", "es", "Pro Tip", "Pro Tip"),
    ("unchanged", "fr", "The report sparked controversy.", "The report sparked controversy."),
    ("unchanged", "es", "Intervention", "Intervention"),
    ("numbers", "es", "It cost 1,234.5 pesos.", "Costó 1.235,5 pesos."),
    ("numbers", "es", "Published in 2025.", "Publicado en 2024."),
    ("numbers", "es", "Published November 4th, 2025.", "Publicado el 5 de noviembre de 2025."),
    ("numbers", "es", "Two reports.", "2 informes."),
    ("urls", "es", "See https://www.state.gov/report.", "Vea https://www.state.gob/report."),
    ("urls", "es", "Write to press@example.org.", "Escriba a prensa@example.org."),
    ("unbalanced", "es", "His “hugs, not bullets” strategy.", "Su estrategia «abrazos, no balazos."),
    ("unbalanced", "es", "A plan (new).", "Un plan (nuevo."),
    ("unbalanced", "es", "A [new] plan.", "Un [nuevo plan."),
    ("unbalanced", "es", 'He said "no".', 'Dijo "no.'),
    ("end-punctuation", "es", "It was rejected.", "Fue rechazado"),
    ("end-punctuation", "es", "Is it rejected?", "¿Es rechazado."),
    ("end-punctuation", "fr", "Historical Context", "Contexte historique."),
    ("end-punctuation", "es", "Is it the U.S.?", "¿Es EE. UU."),
    ("inverted-marks", "es", "What is it?", "Qué es?"),
    ("inverted-marks", "es", "Stop!", "¡Alto"),
    ("inverted-marks", "pt-BR", "What is it?", "¿O que é?"),
    ("whitespace", "es", "Hello there.", " Hola a todos."),
    ("whitespace", "es", "Hello there.", "Hola a todos. "),
    ("whitespace", "es", "Hello there.", "Hola  a todos."),
    ("doubled-word", "es", "The report was published.", "El el informe fue publicado."),
    ("doubled-word", "pt-BR", "The report was published.", "O relatório foi foi publicado."),
    ("repetition", "es", "The people said no.", "La gente dijo no no no no."),
    ("repetition", "es", "The people said no.", "La gente dijo que sí que sí que sí."),
    ("length", "es", "The report sparked immediate controversy and prompted a strong reaction.", "El informe."),
    ("length", "es", "The report sparked controversy.", "El informe provocó polémica " * 5),
    # Half the sentence lost (the final mark kept): below any ratio careful translations reach.
    (
        "length",
        "fr",
        "The delegations will meet again in Brasília in June to review progress.",
        "Les délégations se réuniront.",
    ),
    (
        "length",
        "pt-BR",
        "Others warned that more beef trade would put pressure on the Amazon.",
        "Outros alertaram que mais comércio.",
    ),
    (
        "unknown-word",
        "es",
        "The cartel's finances.",
        "Las finanzas del cartel.",
        {"raw_output": "Las *finances del cartel."},
    ),
    ("unknown-word", "es", "The finances.", "Las *finances.", {}),
    ("generation-error", "es", "They were sent.", "Fueron enviados.", {"raw_output": "#Fueron enviados."}),
    ("transfer-error", "fr", "They were sent.", "Ils ont @envoyé.", {}),
    ("unknown-word", "es", "The #MeToo movement.", "El movimiento #MeToo.", {"raw_output": "El movimiento #*MeToo."}),
    ("target-spelling", "es", "The president spoke.", "El presidnete habló."),
    ("target-spelling", "pt-BR", "The intervention.", "A intervençao."),
    ("target-spelling", "es", "Bipartisan support.", "Apoyo bipartidisto."),
    ("target-spelling", "fr", "The intervention.", "L’intervension."),
    ("target-spelling", "fr", "AMLO’s answer.", "La réponnse d’AMLO."),
    ("leftover", "es", "The policy changed.", "La policy cambió."),
    ("leftover", "fr", "The policy changed.", "La policy a changé."),
    ("leftover", "pt-BR", "The policy changed.", "A policy mudou."),
    ("leftover", "es", "A fentanyl-related death.", "Una muerte fentanyl-relacionada."),
    ("leftover", "fr", "The U.S. said.", "Les EE.UU. ont dit."),
    ("leftover", "pt-BR", "The U.S. said.", "Os EE. UU. disseram."),
    ("leftover", "fr", "Latin American leaders.", "Les dirigeants latinoamericanos."),
    ("numbers", "es", "A $1.5 billion fund.", "Un fondo de 1,5 millones de dólares."),
    ("numbers", "fr", "A $1.5 billion fund.", "Un fonds de 1,5 million de dollars."),
    ("numbers", "pt-BR", "A $1.5 billion fund.", "Um fundo de US$ 1,4 bilhão."),
    ("added-sentence", "es", "The report was published.", "El informe se publicó. Nadie lo leyó."),
    ("added-sentence", "fr", "The report was published.", "Le rapport a été publié. Personne ne l’a lu."),
    ("added-sentence", "pt-BR", "The report was published.", "O relatório foi publicado. Ninguém o leu."),
    ("added-sentence", "es", "The U.S. said no.", "EE. UU. dijo que no. Es grave."),
    ("quote-punctuation", "es", "They called it “America.”", "La llamaron «América.»"),
    ("quote-punctuation", "es", "“Yes,” he said.", "«Sí,» dijo."),
    ("french-spacing", "fr", "Why?", "Pourquoi?"),
    ("french-spacing", "fr", "Why?", "Pourquoi ?"),
    ("french-spacing", "fr", "Why?", f"Pourquoi{NBSP}?"),
    ("french-spacing", "fr", "Note: yes.", "Note : oui."),
    ("french-spacing", "fr", "Note: yes.", "Note: oui."),
    ("french-spacing", "fr", "He said “no”.", "Il a dit «non»."),
    ("french-spacing", "fr", "He said “no”.", "Il a dit « non »."),
]


@pytest.mark.parametrize("row", PASSES, ids=[f"{row[0]}-{index}" for index, row in enumerate(PASSES)])
def test_check_passes(row: tuple) -> None:
    code, tag, source, target, *options = row
    passes(code, tag, source, target, **(options[0] if options else {}))


@pytest.mark.parametrize("row", FAILS, ids=[f"{row[0]}-{index}" for index, row in enumerate(FAILS)])
def test_check_fails(row: tuple) -> None:
    code, tag, source, target, *options = row
    fails(code, tag, source, target, **(options[0] if options else {}))


def test_every_check_has_passes_and_fails() -> None:
    codes = {check.info.code for check in CHECKS}
    assert {row[0] for row in PASSES} == codes
    assert {row[0] for row in FAILS} == codes


def test_severities_and_spans() -> None:
    (flag,) = fails("untranslated", "es", "Hello.", "")
    assert flag.severity == Severity.ERROR and not flag.source
    (flag,) = fails("repetition", "es", "The people said no.", "La gente dijo no no no no.")
    assert flag.severity == Severity.ERROR and flag.span == (14, 25)
    (flag,) = fails("numbers", "es", "Published in 2025.", "Publicado en 2025 y 2024.")
    assert flag.span == (20, 24) and "2024" in flag.message
    (flag,) = fails("french-spacing", "fr", "Why?", "Pourquoi?")
    assert flag.span == (7, 9) and "U+202F" in flag.message
    flags = fails("target-spelling", "es", "Zorblatt spoke.", "Zorblat y el presidnete hablaron.")
    assert [(f.severity, f.span) for f in flags] == [(Severity.INFO, (0, 7)), (Severity.WARNING, (13, 23))]


def test_empty_target_is_only_untranslated() -> None:
    flags = check_translation("It cost 1,234 pesos <1>today</1>.", "", Locale("es"), spell=False)
    assert [flag.code for flag in flags] == ["untranslated"]


def test_engine_flags_come_first_and_their_codes_are_not_checked_again() -> None:
    engine_flag = Flag("unknown-word", Severity.WARNING, "Apertium does not know “finances”; check this word", (14, 23))
    flags = check_translation(
        "The cartel's finances.",
        "Las finanzas finances.",
        Locale("es"),
        engine_flags=[engine_flag],
        raw_output="Las finanzas *finances.",
        spell=False,
    )
    assert flags == [engine_flag]
    alone = check_translation(
        "The cartel's finances.",
        "Las finanzas finances.",
        Locale("es"),
        raw_output="Las finanzas *finances.",
        marks=MARKS,
        spell=False,
    )
    assert [(flag.code, flag.span) for flag in alone] == [("unknown-word", (13, 21))]
    # The marks are the engines' data: without them, "*" is just a character.
    assert check_translation("The finances.", "Las *finances.", Locale("es"), spell=False) == []


def test_skip_and_spell_options() -> None:
    source, target = "The president spoke", "El presidnete habló."
    everything = {flag.code for flag in check_translation(source, target, Locale("es"))}
    assert {"target-spelling", "end-punctuation"} <= everything
    assert "target-spelling" not in {flag.code for flag in check_translation(source, target, Locale("es"), spell=False)}
    skipped = check_translation(source, target, Locale("es"), skip={"end-punctuation"})
    assert "end-punctuation" not in {flag.code for flag in skipped}


def test_a_clean_translation_gets_no_flags() -> None:
    source = "The report, published November 4th, 2025, detailed <1>alleged proposals</1> from US Republicans."
    target = "El informe, publicado el 4 de noviembre de 2025, detallaba <1>supuestas propuestas</1> de republicanos de EE. UU."
    assert check_translation(source, target, Locale("es")) == []


def test_legend_lists_source_and_target_checks() -> None:
    legend = describe_checks()
    codes = [info.code for info in legend]
    assert len(codes) == len(set(codes))
    assert set(codes) == set(flags.codes(flags.Side.SOURCE)) | {check.code for check in CHECKS}
    assert all(info.description and isinstance(info.severity, Severity) for info in legend)
    assert {info.code for info in describe_checks(include_source=False)} == {c.code for c in CHECKS}


SILENCES = [
    (["newsloc: ignore spelling"], {"spelling"}),
    (["newsloc: ignore spelling numbers, length"], {"spelling", "numbers", "length"}),
    (["Checked with the desk.\nnewsloc: ignore unchanged"], {"unchanged"}),
    (["  NEWSLOC:ignore Numbers"], {"numbers"}),
    (["please ignore spelling", "newsloc: ignore"], set()),
    (["newsloc: ignore spelling — the numbers are a town's name"], {"spelling"}),
    (["newsloc: ignore numbers -- checked with the length of the desk"], {"numbers"}),
    ([silence_comment("target-spelling", "Sheinbaum is a name — keep")], {"target-spelling"}),
    ([], set()),
]


@pytest.mark.parametrize(("comments", "codes"), SILENCES)
def test_silenced_codes(comments: list[str], codes: set[str]) -> None:
    assert silenced_codes(comments) == codes


def test_apply_silences_drops_only_named_codes() -> None:
    flags = check_translation("Published in 2025.", "Publicado en 2024", Locale("es"), spell=False)
    assert {flag.code for flag in flags} == {"numbers", "end-punctuation"}
    kept = apply_silences(flags, silenced_codes(["newsloc: ignore numbers"]))
    assert [flag.code for flag in kept] == ["end-punctuation"]


def test_silencing_an_engine_mark_silences_the_leftover_it_is():
    found = check_translation("The sentiment.", "El sentiment.", Locale("es"))
    assert [flag.code for flag in found] == ["leftover"]
    assert apply_silences(found, {"unknown-word"}) == []
