"""Pre-editing: the unambiguous lint fixes applied to what the engine reads.

Apertium translates the English as written, so a garble the house style already
knows ("frequently enough" for "often"), a name in lower case ("lula da Silva")
or a sentence starting in lower case comes out of it garbled too. Pre-editing
rewrites the engine's *input* only — the English in the catalog stays as the
author wrote it — and records which kinds of edit were made in the draft's
provenance. Every kind is kept only while it measures better (bench/bench_quality.py).

Edits never touch protected spans (a verbatim code's content, a tag); inside a
glossary term only a change of case is made ("lula da Silva" → "Lula da Silva"),
which the term still matches (the glossary then writes the target with its own capitals). The caller passes the spans, so this module knows
no glossary and no engine.

A heading in Title Case ("Bogotá Summit Seeks a Security Pact") is read by Apertium as a run of
names: it keeps their capitals and their English order ("Bogotá La cumbre Busca un Pacto de
Seguridad"). The title-case pre-edit gives the engine the heading in sentence case, lowering only
words that are common words to the English dictionary, not names to it or to the project, and that
the article itself never writes with a capital inside a sentence ("Monroe Doctrine" stays).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipeline import flags as registry
from pipeline import lint, spelling
from pipeline.inline import FROZEN_TAG
from pipeline.model import Flag, Severity

# The kinds of pre-edit, each named by the lint code that finds what it fixes ("title-case": found here).
PRE_EDITS: tuple[str, ...] = (
    "quote-character",
    "missing-space",
    "house-style",
    "name-casing",
    "lowercase-start",
    "title-case",
)
ENGLISH = "en_US"
# A word of a heading: letters, with inner apostrophes and hyphens ("Two-Day", "Region’s").
HEADING_WORD = re.compile(r"[^\W\d_](?:[\w’'-]*[^\W_])?")
POSSESSIVE = re.compile(r"[’']s$")
# Before a word that starts a sentence: nothing, an end of sentence, a colon, an opening quote or bracket.
SENTENCE_OPENING = re.compile(r"(?:^|[.!?:;]\s+|[.!?:]\s*[”\"»)]\s+)[" + re.escape(lint.OPENERS) + r"\s]*$")


@dataclass(frozen=True)
class PreEdited:
    text: str  # what the engine reads
    kinds: tuple[str, ...]  # the kinds of edit made, in PRE_EDITS order ("" text: none)
    flags: tuple[Flag, ...]  # one info flag per mechanical fix (quote characters, missing spaces)


def _house_style_fix(flag: Flag, found: str) -> str | None:
    for rule in lint.house_style():
        if rule.pattern.fullmatch(found):
            replacement = rule.replacement
            return replacement[:1].upper() + replacement[1:] if found[:1].isupper() else replacement
    return None


def _from_flag(flag: Flag, text: str) -> lint.Fix | None:
    """The fix a lint flag on ``text`` stands for, when its span really holds what it is about."""
    if flag.span is None or flag.code not in PRE_EDITS:
        return None
    start, end = flag.span
    found = text[start:end]
    if not found or end > len(text):
        return None
    if flag.code == "house-style" and found.casefold() == flag.word.casefold():
        replacement = _house_style_fix(flag, found)
    elif flag.code == "name-casing" and found.casefold() == flag.word.casefold():
        replacement = flag.word  # the name as written elsewhere
    elif flag.code == "lowercase-start" and found == flag.word and found[:1].islower() and _first_word(text, start):
        replacement = found[:1].upper() + found[1:]  # the segment's first word: after a colon it may be prose
    else:
        return None
    return lint.Fix(start, end, replacement, flag.code) if replacement and replacement != found else None


def _first_word(text: str, start: int) -> bool:
    """Nothing but tags, quotes and brackets before ``start`` (read from the start: no copy of the text before it)."""
    position = 0
    while position < start:
        tag = FROZEN_TAG.match(text, position)
        if tag and tag.end() <= start:
            position = tag.end()
        elif text[position] in lint.OPENERS + " ":
            position += 1
        else:
            return False
    return True


class _Spans:
    """Spans, sorted, with the furthest end so far: whether a fix overlaps any is a bisection, not a scan."""

    def __init__(self, spans: Sequence[tuple[int, int]] = ()) -> None:
        self.starts: list[int] = []
        self.reach: list[int] = []  # the largest end among the spans up to each one
        for start, end in sorted(spans):
            self.add(start, end)

    def add(self, start: int, end: int) -> None:
        """Add a span that starts at or after every span already there."""
        self.starts.append(start)
        self.reach.append(max(end, self.reach[-1]) if self.reach else end)

    def overlaps(self, fix: lint.Fix) -> bool:
        before_end = bisect.bisect_left(self.starts, fix.end)  # the spans starting before the fix ends
        return before_end > 0 and self.reach[before_end - 1] > fix.start


def title_case(text: str) -> bool:
    """Every word of four letters or more after the first has a capital, and there is one at least."""
    text = FROZEN_TAG.sub(" ", text)
    long_words = [word.group() for word in HEADING_WORD.finditer(text)][1:]
    long_words = [word for word in long_words if len(word) >= 4]
    return len(long_words) >= 1 and all(word[:1].isupper() for word in long_words)


def capitalized_inside_sentences(texts: Iterable[str]) -> frozenset[str]:
    """Words an article writes with a capital where a sentence does not start ("the Monroe Doctrine"),
    headings in Title Case left out: the names of this article, whatever the dictionary says."""
    found = set()
    for text in texts:
        if title_case(text):
            continue
        text = FROZEN_TAG.sub(" ", text)
        for word in HEADING_WORD.finditer(text):
            if word.group()[:1].isupper() and not _opens_sentence(text, word.start()):
                found.add(POSSESSIVE.sub("", word.group()))
    return frozenset(found)


OPENING_WINDOW = 200  # characters before a word that say whether a sentence opens there
_OPENING_ONLY = frozenset(lint.OPENERS + '.!?:;”"»)')


def _opens_sentence(text: str, start: int) -> bool:
    """``SENTENCE_OPENING`` ends at ``start``: searched in the characters just before it, not in the whole
    text before each capital (quadratic on a long segment); the whole text only when those are all
    punctuation and spaces, which a match could reach beyond."""
    begin = max(0, start - OPENING_WINDOW)
    if SENTENCE_OPENING.search(text, begin, start):
        return True
    window = text[begin:start]
    if begin and all(char in _OPENING_ONLY or char.isspace() for char in window):
        return bool(SENTENCE_OPENING.search(text[:start]))
    return False


def _common_word(word: str, names: frozenset[str]) -> bool:
    """A capitalized word the engine should read in lower case: the dictionary knows it so, as no name."""
    base = POSSESSIVE.sub("", word)
    if (not base[1:].islower() and len(base) > 1) or base in ("I", *names):
        return False  # "NATO", "McCain", "I", a name of the article
    if base in spelling.proper_stems(ENGLISH) or base in spelling.project_single_names():
        return False
    if any(base in name.split() for name in spelling.project_names()):
        return False
    return spelling.is_correct(base.lower(), ENGLISH)


def title_case_words(texts: Iterable[str]) -> frozenset[str]:
    """The words of an article's Title-Case headings the engine should read in lower case (the
    dictionary is asked here, once per article: the build caches the answer with the lint)."""
    texts = list(texts)
    names = capitalized_inside_sentences(texts)
    found: set[str] = set()
    for text in texts:
        if title_case(text):
            found.update(word for word in _heading_words(text)[1:] if word[:1].isupper() and _common_word(word, names))
    return frozenset(found)


def _heading_words(text: str) -> list[str]:
    return [word.group() for word in HEADING_WORD.finditer(FROZEN_TAG.sub(" ", text))]


def title_case_fixes(text: str, lowered: frozenset[str]) -> list[lint.Fix]:
    """A Title-Case heading in sentence case: each word after the first that is in ``lowered``."""
    if not title_case(text):
        return []
    tags = [tag.span() for tag in FROZEN_TAG.finditer(text)]
    words = [word for word in HEADING_WORD.finditer(text) if not any(s <= word.start() < e for s, e in tags)]
    return [
        lint.Fix(word.start(), word.start() + 1, word.group()[0].lower(), "title-case")
        for word in words[1:]
        if word.group() in lowered
    ]


def pre_edit(
    text: str,
    source_flags: Sequence[Flag] = (),
    protected: Sequence[tuple[int, int]] = (),
    kinds: Sequence[str] | None = None,
    terms: Sequence[tuple[int, int]] = (),
    lowered: frozenset[str] = frozenset(),
) -> PreEdited:
    """``text`` with the fixes of the enabled ``kinds`` (default: ``PRE_EDITS``) applied.

    ``source_flags`` are the segment's lint flags (spans in ``text``): house-style, name-casing and
    lowercase-start come from them, with the article's context; quote characters and missing spaces
    are found here, and so is title case (``lowered``: the article's ``title_case_words``). Nothing inside ``protected`` spans or a tag changes, and nothing but case inside
    glossary ``terms``; overlapping fixes keep the first.
    """
    enabled = PRE_EDITS if kinds is None else tuple(kinds)
    keep = _Spans([*protected, *(tag.span() for tag in FROZEN_TAG.finditer(text))])
    term_spans = _Spans(terms)
    candidates = [fix for fix in lint.mechanical_fixes(text) if fix.code in enabled]
    candidates += [fix for fix in map(lambda flag: _from_flag(flag, text), source_flags) if fix and fix.code in enabled]
    if "title-case" in enabled:
        candidates += title_case_fixes(text, lowered)
    chosen: list[lint.Fix] = []
    taken = _Spans()
    for fix in sorted(candidates, key=lambda fix: (fix.start, PRE_EDITS.index(fix.code))):
        if keep.overlaps(fix) or taken.overlaps(fix):
            continue
        if term_spans.overlaps(fix) and fix.replacement.casefold() != text[fix.start : fix.end].casefold():
            continue  # the term would no longer match the glossary
        chosen.append(fix)
        taken.add(fix.start, fix.end)
    pieces, flags, position = [], [], 0
    for fix in chosen:
        if fix.code in ("quote-character", "missing-space"):
            token = lint.token_at(text, fix.start)
            fixed_token = token.replace(text[fix.start : fix.end], fix.replacement, 1)
            message = f"fixed for the engine: “{token}” → “{fixed_token}”"
            flags.append(
                registry.make(
                    fix.code, message, span=(fix.start, fix.end), word=token, severity=Severity.INFO, source=True
                )
            )
        pieces += [text[position : fix.start], fix.replacement]
        position = fix.end
    pieces.append(text[position:])
    made = {fix.code for fix in chosen}
    return PreEdited("".join(pieces), tuple(kind for kind in PRE_EDITS if kind in made), tuple(flags))
