"""Dates and numbers: found in English source, rendered per locale with babel."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.formats import Formattable, find_formattables, localize_formattables, render
from pipeline.model import Locale

ARTICLE = Path(__file__).resolve().parents[1] / "articles" / "mexico-rejects-us-intervention.txt"
NNBSP, NBSP = "\u202f", "\u00a0"


def passes(text: str, kind: str, value: date | Decimal) -> None:
    """``text`` holds exactly one formattable, the whole of it, of this kind and value."""
    found = find_formattables(f"on {text} they")
    assert [(f.source, f.kind, f.value) for f in found] == [(text, kind, value)]


def fails(text: str) -> None:
    """Nothing in ``text`` is a date or a number worth localizing."""
    assert find_formattables(text) == []


FOUND = [
    ("November 4th, 2025", "date", date(2025, 11, 4)),
    ("November 4, 2025", "date", date(2025, 11, 4)),
    ("Nov. 4, 2025", "date", date(2025, 11, 4)),
    ("Sept. 21, 2024", "date", date(2024, 9, 21)),
    ("4 November 2025", "date", date(2025, 11, 4)),
    ("4th of November, 2025", "date", date(2025, 11, 4)),
    ("2025-11-04", "date", date(2025, 11, 4)),
    ("November 2025", "month", date(2025, 11, 1)),
    ("February 29", "day", date(2000, 2, 29)),
    ("1,234.5", "number", Decimal("1234.5")),
    ("12,000", "number", Decimal("12000")),
    ("12000", "number", Decimal("12000")),
    ("3.5", "number", Decimal("3.5")),
    ("3.50", "number", Decimal("3.50")),
    ("1,000,000", "number", Decimal("1000000")),
    ("45%", "percent", Decimal("45")),
    ("4.5 %", "percent", Decimal("4.5")),
    ("$1.5 billion", "money", Decimal("1.5")),
    ("$300", "money", Decimal("300")),
    ("$1,200.50", "money", Decimal("1200.50")),
    ("$2.5 million", "money", Decimal("2.5")),
]


@pytest.mark.parametrize(("text", "kind", "value"), FOUND)
def test_found(text: str, kind: str, value: date | Decimal) -> None:
    passes(text, kind, value)


NOT_FOUND = [
    "in the 19th century",  # 4th without a month is not a date
    "a 2023 report by 150 people",  # plain integers below 10000
    "at 10:30 in the morning",
    "version 1.2.3 of v2.5",
    "COVID-19 and A4 and B52s",  # inside words
    "the code <12/> and <f3/> and <1>",  # inside tags
    "see https://example.org/2025-11-04/report-1,234.5",  # inside a URL
    "November 31, 2025",  # no such day
    "may 4, 2025",  # lower-case "may" is a verb
    "1,23 and 12,3456",  # not a thousands grouping
    "the code $x and US$ 300",  # no amount after the sign; another currency's sign
]


@pytest.mark.parametrize("text", NOT_FOUND)
def test_not_found(text: str) -> None:
    fails(text)


def test_protected_spans_are_skipped() -> None:
    text = "In 12,000 cases and 12,000 more"
    assert [f.start for f in find_formattables(text, protected=[(3, 9)])] == [20]


def test_formattable_is_frozen_and_offsets_point_at_source() -> None:
    text = "Costs rose 4.5% to 1,234.5 by Nov. 4, 2025."
    found = find_formattables(text)
    assert [text[f.start : f.end] for f in found] == [f.source for f in found] == ["4.5%", "1,234.5", "Nov. 4, 2025"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        found[0].start = 0  # type: ignore[misc]


# (locale, source, rendering)
RENDERED = [
    ("es", "November 4th, 2025", "4 de noviembre de 2025"),
    ("fr", "November 4th, 2025", "4 novembre 2025"),
    ("pt-BR", "November 4th, 2025", "4 de novembro de 2025"),
    ("es", "November 2025", "noviembre de 2025"),
    ("fr", "November 2025", "novembre 2025"),
    ("pt-BR", "November 2025", "novembro de 2025"),
    ("es", "March 3", "3 de marzo"),
    ("fr", "March 3", "3 mars"),
    ("es", "1,234.5", "1.234,5"),
    ("fr", "1,234.5", f"1{NNBSP}234,5"),
    ("pt-BR", "1,234.5", "1.234,5"),
    ("es", "3.50", "3,50"),
    ("fr", "12000", f"12{NNBSP}000"),
    ("es", "45%", f"45{NBSP}%"),
    ("fr", "4.5%", f"4,5{NBSP}%"),
    ("pt-BR", "45%", "45%"),
    # dollar amounts as each language's news writes them (a French "billion" is a thousand times more)
    ("es", "$1.5 billion", "1.500 millones de dólares"),
    ("es", "$13.6 billion", "13.600 millones de dólares"),
    ("es", "$2.5 million", "2,5 millones de dólares"),
    ("es", "$1 million", "1 millón de dólares"),
    ("es", "$300", "300 dólares"),
    ("es", "$1", "1 dólar"),
    ("fr", "$1.5 billion", "1,5 milliard de dollars"),
    ("fr", "$13.6 billion", "13,6 milliards de dollars"),
    ("fr", "$2 trillion", "2 billions de dollars"),
    ("fr", "$300", "300 dollars"),
    ("pt-BR", "$1.5 billion", "US$ 1,5 bilhão"),
    ("pt-BR", "$13.6 billion", "US$ 13,6 bilhões"),
    ("pt-BR", "$300", "US$ 300"),
    ("de", "$1.5 billion", f"1,5{NBSP}Mrd.{NBSP}$"),
]


@pytest.mark.parametrize(("tag", "source", "expected"), RENDERED)
def test_render(tag: str, source: str, expected: str) -> None:
    (found,) = find_formattables(source)
    assert render(found, Locale(tag)) == expected


SAMPLE = "The report, published November 4th, 2025, detailed alleged proposals"


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("es", "The report, published 4 de noviembre de 2025, detailed alleged proposals"),
        ("fr", "The report, published 4 novembre 2025, detailed alleged proposals"),
        ("pt-BR", "The report, published 4 de novembro de 2025, detailed alleged proposals"),
    ],
)
def test_sample_sentence_is_localized(tag: str, expected: str) -> None:
    assert localize_formattables(SAMPLE, Locale(tag)) == expected


def test_sample_article_has_exactly_one_date_and_no_numbers() -> None:
    text = ARTICLE.read_text(encoding="utf-8")
    found = find_formattables(text)
    assert [(f.kind, f.source, text.count("\n", 0, f.start) + 1) for f in found] == [("date", "November 4th, 2025", 50)]
    assert found[0] == Formattable(found[0].start, found[0].end, "date", date(2025, 11, 4), "November 4th, 2025")
