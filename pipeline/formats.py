"""Dates and numbers in English source text, found and rendered for a locale with babel.

Before MT each found span becomes a placeholder (``<f1/>``); after MT the placeholder
becomes ``render(f, locale)``, so no engine can garble "November 4th, 2025" or "1,234.5".
Plain integers below 10000 (years, counts) are left alone: they read the same everywhere.
A dollar amount ("$1.5 billion") is one span, written as the locale's news writes money
("1500 millones de dólares", "1,5 milliard de dollars", "US$ 1,5 bilhão"): left to an engine,
the "$" stays in front and "billion" becomes a French *billion* (a thousand times more).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from babel import Locale as BabelLocale
from babel.dates import format_date, format_skeleton
from babel.numbers import format_compact_currency, format_currency, format_decimal, format_percent

from pipeline.model import Locale
from pipeline.typography import protected_spans_in

# date: a full date; month: "November 2025"; day: "November 4" (no year);
# number: "1,234.5", "12000", "3.5"; percent: "45%"; money: "$1.5 billion", "$300".
Kind = Literal["date", "month", "day", "number", "percent", "money"]


@dataclass(frozen=True)
class Formattable:
    """A date or number found in source text, with its offsets and parsed value.

    ``value`` is a ``date`` (the 1st for "month", year 2000 for "day") or a ``Decimal``
    as written (45 for "45%"; trailing zeros kept, so "3.50" renders two decimals).
    """

    start: int
    end: int
    kind: Kind
    value: date | Decimal
    source: str
    scale: str = ""  # money: "million", "billion", "trillion" or ""


_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_MONTH = (
    r"(?P<month>Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|Jun(?:e|\.)?"
    r"|Jul(?:y|\.)?|Aug(?:ust|\.)?|Sep(?:t(?:ember|\.)?|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
)
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"


def _bounded(pattern: str) -> re.Pattern[str]:
    """Not inside a word, a longer number, a time or a path."""
    return re.compile(rf"(?<![\w.,/:-])(?:{pattern})(?![\w/-]|[.,:]\d)")


# Most specific first: a full date wins over the month-and-year inside it.
_DATE_PATTERNS: list[tuple[Kind, re.Pattern[str]]] = [
    ("date", _bounded(rf"{_MONTH}\s+{_DAY},?\s+{_YEAR}")),
    ("date", _bounded(rf"{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}")),
    ("date", _bounded(r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})")),
    ("month", _bounded(rf"{_MONTH},?\s+{_YEAR}")),
    ("day", _bounded(rf"{_MONTH}\s+{_DAY}")),
    ("day", _bounded(rf"{_DAY}\s+(?:of\s+)?{_MONTH}")),
]
_MONEY = _bounded(
    r"\$(?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?P<fraction>\.\d+)?(?:\s(?P<scale>million|billion|trillion)\b)?"
)
_NUMBER = _bounded(r"(?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?P<fraction>\.\d+)?(?P<percent>\s?%)?")


def find_formattables(text: str, *, protected: Sequence[tuple[int, int]] = ()) -> list[Formattable]:
    """Dates and numbers worth localizing, in text order; never inside tags, URLs or ``protected``."""
    taken = [*protected, *protected_spans_in(text)]
    found: list[Formattable] = []
    for candidate in [*_dates(text), *_money(text), *_numbers(text)]:
        if not any(candidate.start < end and start < candidate.end for start, end in taken):
            found.append(candidate)
            taken.append((candidate.start, candidate.end))
    return sorted(found, key=lambda f: f.start)


def render(f: Formattable, locale: Locale) -> str:
    """The locale's way to write the date or number (babel, CLDR data)."""
    if isinstance(f.value, date):
        if f.kind == "date":
            return format_date(f.value, format="long", locale=locale.babel)
        return format_skeleton("yMMMM" if f.kind == "month" else "MMMMd", f.value, locale=locale.babel)
    if f.kind == "money":
        return _money_text(f.value, f.scale, locale)
    formats = BabelLocale.parse(locale.babel)
    pattern = copy.copy(formats.percent_formats[None] if f.kind == "percent" else formats.decimal_formats[None])
    decimals = max(0, -int(f.value.as_tuple().exponent))
    pattern.frac_prec = (decimals, decimals)  # as many decimals as the source wrote
    if f.kind == "percent":
        return format_percent(f.value / 100, format=pattern, locale=locale.babel)
    return format_decimal(f.value, format=pattern, locale=locale.babel)


# How each language's news writes a dollar amount: scale words (singular, plural) and the pattern.
_SCALE_FACTORS = {"": 1, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_MONEY_WORDS: dict[str, dict[str, tuple[str, str]]] = {
    "es": {"million": ("millón", "millones"), "billion": ("millones", "millones"), "trillion": ("billón", "billones")},
    "fr": {
        "million": ("million", "millions"),
        "billion": ("milliard", "milliards"),
        "trillion": ("billion", "billions"),
    },
    "pt": {"million": ("milhão", "milhões"), "billion": ("bilhão", "bilhões"), "trillion": ("trilhão", "trilhões")},
}


def _money_text(amount: Decimal, scale: str, locale: Locale) -> str:
    language = locale.language
    if language not in _MONEY_WORDS or (language == "pt" and locale.tag != "pt-BR"):  # pt-PT: mil milhões
        if not scale:
            return format_currency(amount, "USD", locale=locale.babel)
        total = amount * _SCALE_FACTORS[scale]
        return format_compact_currency(total, "USD", locale=locale.babel, fraction_digits=_decimals(amount))
    if language == "es" and scale == "billion":
        amount = amount * 1000  # Spanish news counts thousands of millions: "1500 millones"
        amount = amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount.normalize()
    pattern = copy.copy(BabelLocale.parse(locale.babel).decimal_formats[None])
    pattern.frac_prec = (_decimals(amount), _decimals(amount))
    number = format_decimal(amount, format=pattern, locale=locale.babel)
    words = _MONEY_WORDS[language].get(scale)
    word = (words[0] if amount < 2 else words[1]) if words else ""
    if language == "pt":
        return f"US$ {number} {word}".rstrip()
    currency = {"es": ("dólar", "dólares"), "fr": ("dollar", "dollars")}[language][0 if amount == 1 and not word else 1]
    return f"{number} {word} de {currency}" if word else f"{number} {currency}"


def _decimals(value: Decimal) -> int:
    return max(0, -int(value.as_tuple().exponent))


def localize_formattables(text: str, locale: Locale, *, protected: Sequence[tuple[int, int]] = ()) -> str:
    """``text`` with every date and number rewritten for ``locale``."""
    for f in reversed(find_formattables(text, protected=protected)):
        text = text[: f.start] + render(f, locale) + text[f.end :]
    return text


def _dates(text: str) -> list[Formattable]:
    found = []
    for kind, pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            month = match["month"]
            number = int(month) if month.isdigit() else _MONTHS.index(month[:3].lower()) + 1
            parts = match.groupdict()
            year = int(parts.get("year") or 2000)  # 2000 is a leap year: "February 29" stays valid
            day = int(parts.get("day") or 1)
            try:
                value = date(year, number, day)
            except ValueError:
                continue  # "November 31st" is not a date
            found.append(Formattable(match.start(), match.end(), kind, value, match[0]))
    return found


def _money(text: str) -> list[Formattable]:
    found = []
    for match in _MONEY.finditer(text):
        value = Decimal(match["digits"].replace(",", "") + (match["fraction"] or ""))
        found.append(Formattable(match.start(), match.end(), "money", value, match[0], match["scale"] or ""))
    return found


def _numbers(text: str) -> list[Formattable]:
    found = []
    for match in _NUMBER.finditer(text):
        value = Decimal(match["digits"].replace(",", "") + (match["fraction"] or ""))
        plain = "," not in match["digits"] and not match["fraction"] and not match["percent"]
        if plain and value < 10000:
            continue
        kind: Kind = "percent" if match["percent"] else "number"
        found.append(Formattable(match.start(), match.end(), kind, value, match[0]))
    return found
