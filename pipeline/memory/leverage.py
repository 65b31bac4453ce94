"""The build hook, as pure functions over data: what the memory offers each segment of a locale.

Before a build translates anything, ``lookup`` asks the index once per distinct segment
text and returns plain data (``LocaleMatches``). From then on nothing here touches the
database or a file: ``reuse`` says which pending entries an exact, unanimous match fills
(no engine input for those), ``conflict_flag`` names disagreeing reviewed translations,
``suggestions`` turns fuzzy matches into what the translator sees, saying where a
suggestion's numbers, codes or glossary terms do not fit the new English.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from pipeline import flags
from pipeline.inline import TokenKind, parse_codes, plain_text
from pipeline.memory.index import Match, MemoryIndex
from pipeline.memory.units import Unit
from pipeline.model import Flag, Locale, Provenance, Suggestion

CONFLICT_CODE = "tm-conflict"
SUGGESTION_LIMIT = 3
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True)
class LocaleMatches:
    """What the memory holds for one locale's segment texts, looked up before the build."""

    locale: str
    exact: Mapping[str, tuple[Unit, ...]] = field(default_factory=dict)
    fuzzy: Mapping[str, tuple[Match, ...]] = field(default_factory=dict)
    units: int = 0  # size of the memory for this locale, for the summary


def lookup(index: MemoryIndex, texts: Iterable[str], locale: Locale) -> LocaleMatches:
    """Exact and fuzzy matches of every distinct text (the only step that reads the index)."""
    exact: dict[str, tuple[Unit, ...]] = {}
    fuzzy: dict[str, tuple[Match, ...]] = {}
    for text in dict.fromkeys(texts):
        if found := index.exact(text, locale.tag):
            exact[text] = tuple(found)
        if similar := index.fuzzy(text, locale.tag, limit=SUGGESTION_LIMIT):
            fuzzy[text] = tuple(similar)
    return LocaleMatches(locale.tag, exact, fuzzy, index.size(locale.tag))


def translations(units: Sequence[Unit]) -> dict[str, list[Unit]]:
    """The distinct reviewed translations among exact matches, each with the units that give it."""
    grouped: dict[str, list[Unit]] = {}
    for unit in sorted(units, key=lambda u: u.origin):
        grouped.setdefault(unit.target, []).append(unit)
    return grouped


def reuse(matches: LocaleMatches, source: str) -> Unit | None:
    """The unit an exact match fills the entry with: only when every reviewed translation agrees."""
    grouped = translations(matches.exact.get(source, ()))
    if len(grouped) != 1:
        return None
    return next(iter(grouped.values()))[0]


def provenance(unit: Unit) -> Provenance:
    """How a memory draft records where it came from: kind ``tm``, source article, the reviewer's entry."""
    return Provenance.memory(unit.origin.document.replace(" ", "_"), unit.origin.entry.replace(" ", "_"))


def conflict_flag(matches: LocaleMatches, source: str) -> Flag | None:
    """A note when reviewed translations of this very English disagree (none is used silently)."""
    grouped = translations(matches.exact.get(source, ()))
    if len(grouped) < 2:
        return None
    listed = "; ".join(
        f"“{target}” ({', '.join(u.origin.describe() for u in units)})" for target, units in grouped.items()
    )
    return flags.make(CONFLICT_CODE, f"reviewed translations disagree, none was used: {listed}")


def _numbers(text: str) -> list[str]:
    return sorted(NUMBER.findall(plain_text(text)))


def _codes(text: str) -> list[str]:
    return sorted(token.text for token in parse_codes(text) if token.kind != TokenKind.TEXT)


def differences(new_source: str, unit: Unit, locale: Locale, glossary=None) -> tuple[str, ...]:
    """What a translator must change when taking this suggestion for the new English."""
    notes = []
    old_numbers, new_numbers = _numbers(unit.source), _numbers(new_source)
    if old_numbers != new_numbers:
        notes.append(f"numbers differ: {' '.join(old_numbers) or 'none'} → {' '.join(new_numbers) or 'none'}")
    old_codes, new_codes = _codes(unit.source), _codes(new_source)
    if old_codes != new_codes:
        notes.append(f"codes differ: {''.join(old_codes) or 'none'} → {''.join(new_codes) or 'none'}")
    if glossary is not None:
        from pipeline import glossary as glossaries

        notes += [f"glossary: {flag.message}" for flag in glossaries.verify(new_source, unit.target, locale, glossary)]
    return tuple(notes)


def suggestions(
    matches: LocaleMatches, source: str, current: str, locale: Locale, glossary=None
) -> tuple[Suggestion, ...]:
    """Fuzzy matches worth showing: best first, none that only repeats the entry's own text."""
    return tuple(
        Suggestion(
            match.score,
            match.unit.source,
            match.unit.target,
            match.unit.origin.describe(),
            differences(source, match.unit, locale, glossary),
        )
        for match in matches.fuzzy.get(source, ())
        if match.unit.target != current
    )
