"""Source lint: each check on small texts, then exactly what it reports on the sample and a clean control."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline import flags
from pipeline.lint import (
    engine_fixes,
    fix_article,
    flags_for_segment,
    house_style,
    lint_text,
    toc_mismatches,
)
from pipeline.model import Block, BlockKind, Document, Flag, Severity

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "articles" / "mexico-rejects-us-intervention.txt"
CONTROL = Path(__file__).resolve().parent / "data" / "clean-control.txt"


def flagged(flags: list[Flag], text: str, code: str) -> list[tuple[int, str]]:
    """(line, flagged text) for every flag of ``code``."""
    lines = text.splitlines()
    return [(f.line, lines[f.line - 1][f.span[0] : f.span[1]]) for f in flags if f.code == code]


def passes(code: str, text: str) -> None:
    """The text gets no flag of ``code``."""
    assert [f for f in lint_text(text, "t.txt") if f.code == code] == []


def fails(code: str, text: str, expected: str) -> None:
    """The text gets a flag of ``code`` on exactly ``expected``."""
    found = [text.splitlines()[f.line - 1][f.span[0] : f.span[1]] for f in lint_text(text, "t.txt") if f.code == code]
    assert expected in found, found


FAILS = [
    ("missing-space", "They crossed the borders.These claims grew.", ".T"),
    ("missing-space", "The response was resolute,emphasizing sovereignty.", ",e"),
    ("missing-space", "Sources like the U.S.Department of State agree.", ".D"),
    ("missing-space", "A report by the Council on Foreign Relations,the think tank.", ",t"),
    ("missing-space", "Reducing poverty,improving education.", ",i"),
    ("missing-space", "Concerns about U.S.intervention remain.", ".i"),
    ("missing-space", "He said:Then it ended.", ":T"),
    ("lowercase-start", "this stance reflects a broader context.", "this"),
    ("lowercase-start", "It ended quickly. this stance reflects a broader context.", "this"),
    ("lowercase-start", "president López Obrador addressed the allegations.", "president"),
    ("lowercase-start", "* Root Cause Focus: the President reiterated his focus on poverty.", "the"),
    ("lowercase-start", "- 7. what are the potential implications?", "what"),
    ("doubled-word", "They discussed the the report at length.", "the the"),
    ("doubled-word", "It was is Is it?", "is Is"),
    (
        "placeholder",
        "Figures include Senator [Insert relevant Senator’s name] today.",
        "[Insert relevant Senator’s name]",
    ),
    ("placeholder", "Written by {{author}} for the desk.", "{{author}}"),
    ("placeholder", "Quote from the minister TODO before noon.", "TODO"),
    ("quote-character", "Mexico‘s President has firmly dismissed it.", "‘"),
    ("quote-character", "Mexico´s President has firmly dismissed it.", "´"),
    ("name-casing", "Relations between the United states and Canada are calm.", "United states"),
    ("name-casing", "Concerns stem from a long history in latin America today.", "latin America"),
    ("name-casing", "He opposed any american invasion.", "american"),
    ("name-casing", "Brazil’s President lula da Silva has spoken.", "lula da Silva"),
    ("name-casing", "The report came from the Council on foreign Relations yesterday.", "Council on foreign Relations"),
    (
        "link-residue",
        "The legacy continues to shape policy in the region today. council on Foreign relations",
        "council on Foreign relations",
    ),
    (
        "link-residue",
        "Follow official sources like the State Department’s website. U.S.Department of State",
        "U.S.Department of State",
    ),
    ("house-style", "Interventions frequently enough destabilized governments.", "frequently enough"),
    ("house-style", "He reiterated his management's focus on poverty.", "management's focus"),
    ("house-style", "* Ancient Precedents: The President referenced history.", "Ancient Precedents"),
    ("spelling", "Nations fear interference in thier internal affairs.", "thier"),
]

PASSES = [
    ("missing-space", "Costs rose 1.5 percent, to 1,234 pesos."),
    ("missing-space", "The U.S. influence grows; U.S.-Mexico ties are tense."),
    ("missing-space", "Read www.state.gov or write to press@example.com now."),
    ("missing-space", "Tools such as e.g. drones, i.e. aircraft, are used."),
    ("missing-space", "He paused... and then went on."),
    ("lowercase-start", "The U.S. influence grows. It ended."),
    ("lowercase-start", "iPhone sales rose in Mexico."),
    ("lowercase-start", "Costs rose (e.g. fuel) in May. Prices rose too."),
    ("lowercase-start", "Regional Response to U.S. influence"),
    ("doubled-word", "He had had enough of the theme."),
    ("placeholder", "He said [sic] the cost was high, see note [1]."),
    ("quote-character", "The ‘backyard’ label and Mexico’s stance."),
    ("name-casing", "Particularly in states heavily affected by the United States’ policy."),
    ("name-casing", "The United States and Latin American nations met."),
    ("link-residue", "Regional Response to U.S. influence"),
    ("link-residue", "He said it was fine. Then he left."),
    ("link-residue", "Mexico’s Security Strategy: A Deeper Look"),
    ("house-style", "Such actions often exacerbate problems."),
    ("spelling", "AMLO’s response on November 4th surprised López Obrador’s critics."),
]


@pytest.mark.parametrize(("code", "text", "expected"), FAILS)
def test_check_flags(code: str, text: str, expected: str) -> None:
    fails(code, text, expected)


@pytest.mark.parametrize(("code", "text"), PASSES)
def test_check_passes(code: str, text: str) -> None:
    passes(code, text)


def test_every_lint_code_is_exercised_and_described() -> None:
    codes = set(flags.codes(flags.Side.SOURCE))
    assert {code for code, _, _ in FAILS} | {"toc-mismatch"} == codes


def test_name_capitalized_elsewhere_in_the_article_is_a_name() -> None:
    text = (
        "Talks with Brazil went well, and officials said Brazil agreed to the plan.\n"
        "| Country | Stance |\n| brazil | Opposes it. |\n"
        "A brazil nut is not a country, says nobody.\n"
    )
    assert flagged(lint_text(text, "t.txt"), text, "name-casing") == [(3, "brazil"), (4, "brazil")]


def test_capitalized_unknown_word_is_info_lowercase_is_warning() -> None:
    flags = [f for f in lint_text("Zorblatt met the thier minister.", "t.txt") if f.code == "spelling"]
    assert [(f.severity, f.span) for f in flags] == [(Severity.INFO, (0, 8)), (Severity.WARNING, (17, 22))]
    assert "their" in flags[1].message


def test_flags_carry_line_span_and_source() -> None:
    flags = lint_text("Fine line here.\n\nthis starts badly.", "t.txt")
    assert [(f.code, f.line, f.span, f.source) for f in flags] == [("lowercase-start", 3, (0, 4), True)]


# ---------------------------------------------------------------- the sample article

SAMPLE_EXPECTED = {
    "spelling": [(1, "thier")],
    "placeholder": [(58, "[Insert relevant Senator’s name]"), (58, "[Insert relevant Representative’s name]")],
    "missing-space": [
        (23, ",t"),
        (34, ".D"),
        (38, ".i"),
        (48, ",e"),
        (50, ".T"),
        (58, ".T"),
        (60, ".W"),
        (63, ",i"),
        (63, ",a"),
        (66, ",s"),
        (66, ",a"),
    ],
    "lowercase-start": [
        (10, "what"),
        (45, "what"),
        (48, "this"),
        (52, "president"),
        (56, "the"),
        (63, "investing"),
        (67, "addressing"),
    ],
    "quote-character": [(1, "‘")],
    "link-residue": [(23, "council on Foreign relations"), (34, "U.S.Department of State")],
    "name-casing": [
        (20, "lula da Silva"),
        (20, "latin America"),
        (23, "Council on foreign Relations"),
        (23, "council on Foreign relations"),
        (32, "brazil"),
        (32, "american"),
        (33, "latin America"),
        (36, "United states"),
        (42, "Latin american"),
        (42, "Latin american"),
        (48, "andrés Manuel López Obrador"),
    ],
    "house-style": [
        (20, "frequently enough"),
        (23, "frequently enough"),
        (25, "option development models"),
        (28, "frequently enough"),
        (54, "Ancient Precedents"),
        (54, "frequently enough"),
        (56, "management’s focus"),
        (56, "complete approach"),
        (58, "elaborate by"),
        (60, "open dialog"),
    ],
}


@pytest.fixture(scope="module")
def sample() -> tuple[str, list[Flag]]:
    text = SAMPLE.read_text(encoding="utf-8")
    return text, lint_text(text, str(SAMPLE))


@pytest.mark.parametrize("code", sorted(SAMPLE_EXPECTED))
def test_sample_article_reports_exactly(sample: tuple[str, list[Flag]], code: str) -> None:
    text, flags = sample
    assert flagged(flags, text, code) == SAMPLE_EXPECTED[code]


def test_sample_article_reports_nothing_else(sample: tuple[str, list[Flag]]) -> None:
    _, flags = sample
    assert {f.code for f in flags} == set(SAMPLE_EXPECTED)
    assert len(flags) == sum(len(found) for found in SAMPLE_EXPECTED.values())
    assert {f.severity for f in flags if f.code == "placeholder"} == {Severity.ERROR}


def test_clean_control_reports_only_names_missing_from_the_dictionary() -> None:
    text = CONTROL.read_text(encoding="utf-8")
    flags = lint_text(text, str(CONTROL))
    assert [(f.code, f.severity) for f in flags] == [("spelling", Severity.INFO)]
    assert flagged(flags, text, "spelling") == [(9, "Culiacán")]


# ---------------------------------------------------------------- table of contents

HEADING_LINES = [2, 22, 24, 27, 35, 37, 45, 46, 47, 49, 51, 57, 59, 61, 68]


def sample_document() -> Document:
    """The sample as the reader sees it: TOC entries 4–19 and its heading lines."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    blocks = [Block(BlockKind.TOC_TITLE, lines[2], 3)]
    for number in range(4, 20):
        entry = re.match(r"- (\d+)\. (.+)", lines[number - 1])
        blocks.append(Block(BlockKind.TOC_ENTRY, entry.group(2), number, number=entry.group(1)))
    blocks += [Block(BlockKind.HEADING, lines[number - 1], number, level=2) for number in HEADING_LINES]
    return Document("mexico-rejects-us-intervention", str(SAMPLE), tuple(sorted(blocks, key=lambda b: b.line)))


def test_sample_toc_lacks_the_fentanyl_heading() -> None:
    flags = toc_mismatches(sample_document())
    assert [(f.code, f.line, f.source) for f in flags] == [("toc-mismatch", 18, True)]
    assert "Fentanyl Crisis: A Shared Challenge" in flags[0].message


def test_toc_match_ignores_case_spacing_quotes_and_codes() -> None:
    doc = Document(
        "s",
        "s.txt",
        (
            Block(BlockKind.TOC_ENTRY, "mexico’s  <1>Security</1> strategy", 1),
            Block(BlockKind.TOC_ENTRY, "Missing One", 2),
            Block(BlockKind.HEADING, "Mexico's Security Strategy", 5),
        ),
    )
    assert [f.line for f in toc_mismatches(doc)] == [2]


# ---------------------------------------------------------------- fixes

FIXES = [
    ("They crossed the borders.These claims grew.", "They crossed the borders. These claims grew."),
    ("the U.S.Department of State", "the U.S. Department of State"),
    ("concerns about U.S.intervention", "concerns about U.S. intervention"),
    ("Relations,the legacy", "Relations, the legacy"),
    ("in 2023,the report", "in 2023, the report"),
    ("Mexico‘s President", "Mexico’s President"),
    ("Mexico´s President", "Mexico’s President"),
    ("<1>Relations</1>,the", "<1>Relations</1>,the"),  # not between two words
]
NOT_FIXED = [
    "Costs rose 1.5 percent, to 1,234 pesos.",
    "Read www.state.gov, e-mail press@example.com, see example.com/a,b.",
    "The U.S. policy and U.S.-Mexico ties.",
    "Built with Node.js and the ‘backyard’ label.",
    "Done. Then more.",
]


@pytest.mark.parametrize(("text", "expected"), FIXES)
def test_engine_fixes(text: str, expected: str) -> None:
    fixed, flags = engine_fixes(text)
    assert fixed == expected
    assert all(f.severity == Severity.INFO and f.code in {"missing-space", "quote-character"} for f in flags)
    assert len(flags) == (0 if fixed == text else 1)


@pytest.mark.parametrize("text", NOT_FIXED)
def test_engine_fixes_leave_ambiguous_text_alone(text: str) -> None:
    assert engine_fixes(text) == (text, [])


def test_engine_fix_flags_point_at_the_input() -> None:
    text = "Reducing poverty,improving education,and jobs."
    _, flags = engine_fixes(text)
    assert [text[f.span[0] : f.span[1]] for f in flags] == [",", ","]
    assert "poverty,improving" in flags[0].message and "poverty, improving" in flags[0].message


def test_fix_article_repairs_the_sample_and_nothing_else() -> None:
    original = SAMPLE.read_text(encoding="utf-8")
    fixed = fix_article(original)
    assert fix_article(fixed) == fixed
    assert len(fixed.splitlines()) == len(original.splitlines())
    assert fixed.splitlines()[-1] == original.splitlines()[-1] and not fixed.endswith("\n")  # no newline added
    assert "borders. These" not in original and "cartels. These" in fixed and "Mexico’s President" in fixed
    remaining = lint_text(fixed, "fixed.txt")
    assert not [f for f in remaining if f.code in {"missing-space", "quote-character"}]
    before = [
        (f.code, f.line) for f in lint_text(original, "o.txt") if f.code not in {"missing-space", "quote-character"}
    ]
    assert [(f.code, f.line) for f in remaining] == before
    assert SAMPLE.read_text(encoding="utf-8") == original


def test_house_style_list_is_seeded() -> None:
    rules = {rule.phrase: rule.replacement for rule in house_style()}
    assert rules["frequently enough"] == "often"
    assert rules["option development models"] == "alternative development models"
    assert rules["management's focus"] == "administration's focus"


def test_flags_for_segment_rebases_spans() -> None:
    line_text = "It ended quickly. this stance reflects a shift."
    flags = lint_text(line_text, "t.txt") + [Flag("toc-mismatch", Severity.WARNING, "m", None, 1, True)]
    second = "this stance reflects a shift."
    assert [(f.code, f.span) for f in flags_for_segment(flags, line_text, second, 1)] == [
        ("lowercase-start", (0, 4)),
        ("toc-mismatch", None),
    ]
    assert [f.code for f in flags_for_segment(flags, line_text, "It ended quickly.", 1)] == ["toc-mismatch"]
    coded = "<1>this</1> stance reflects a shift."
    assert [f.span for f in flags_for_segment(flags, line_text, coded, 1)] == [(3, 7), None]
    assert flags_for_segment(flags, line_text, second, 2) == []
