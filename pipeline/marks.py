"""Engine marks: a symbol an engine writes before a word it could not handle ("*thier").

Which symbols an engine writes, and the flag code of each, is the engine's
business (``Engine.marks``); this module only finds and strips marks given as
plain data, so text modules (checks) and the renderer use them without knowing
any engine.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline import flags
from pipeline.model import Flag


@dataclass(frozen=True)
class MarkKind:
    """One kind of mark an engine writes."""

    symbol: str  # "*"
    code: str  # flag code: "unknown-word"
    meaning: str  # start of the flag message: "Apertium does not know"


@dataclass(frozen=True)
class Mark:
    kind: MarkKind
    word: str
    offset: int  # of the mark character in the text (of the word, once stripped)

    @property
    def symbol(self) -> str:
        return self.kind.symbol


def _pattern(kinds: Sequence[MarkKind]) -> re.Pattern[str]:
    symbols = re.escape("".join(kind.symbol for kind in kinds))
    # A run of mark characters and the word after it; an engine writes its mark right before the word,
    # after any "#" or "@" the source had ("#*MeToo": the hashtag #MeToo, unknown to the engine).
    return re.compile(rf"(?<![\w.{symbols}])([{symbols}]+)([^\W\d_](?:[\w’'-]*[^\W_])?)")


def find_marks(text: str, kinds: Sequence[MarkKind], source: str = "") -> list[Mark]:
    """The marks in ``text``, except mark-like prefixes the ``source`` already has ("#MeToo")."""
    if not kinds:
        return []
    by_symbol = {kind.symbol: kind for kind in kinds}
    in_source = _marklike(source)  # one pass over the source, not one search per mark: linear
    marks = []
    for match in _pattern(kinds).finditer(text):
        run, word = match.groups()
        # The source's own "#MeToo" or "@newsloc" is a hashtag or handle; the engine's marks follow it.
        kept = next((n for n in range(len(run), 0, -1) if run[:n] + word in in_source), 0)
        for index in range(kept, len(run)):
            marks.append(Mark(by_symbol[run[index]], word, match.start(1) + index))
    return marks


MARK_RUN = re.compile(r"[^\w\s.]+")  # any run a mark-like token could start with ("#", "@", "*#")
WORD_TAIL = re.compile(r"[\w’'-]*")
WORD_OR_DOT = re.compile(r"[\w.]")


def _marklike(source: str) -> set[str]:
    """Every token a mark could be in ``source``: symbols then a word, not after a word character or a
    dot, ending where no word character follows (what searching ``(?<![\\w.])TOKEN(?!\\w)`` finds)."""
    found: set[str] = set()
    for run in MARK_RUN.finditer(source):
        tail = WORD_TAIL.match(source, run.end())
        word = tail.group() if tail else ""
        cuts = [len(word)] + [i for i, char in enumerate(word) if char in "’'-"]
        for start in range(run.start(), run.end()):
            if start == run.start() and start > 0 and WORD_OR_DOT.match(source[start - 1]):
                continue
            found.update(source[start : run.end()] + word[:cut] for cut in cuts if cut)
    return found


def strip_marks(text: str, kinds: Sequence[MarkKind], source: str = "") -> tuple[str, tuple[Mark, ...]]:
    """The text without any mark, and each marked word once per kind (offset: the word in the result).

    A word marked twice ("**thier": once by each step of a chain) loses both marks.
    """
    found = find_marks(text, kinds, source)
    removed = {mark.offset for mark in found}
    if not removed:
        return text, ()
    kept = "".join(char for index, char in enumerate(text) if index not in removed)
    ordered = sorted(removed)
    words: list[Mark] = []
    seen: set[tuple[MarkKind, int]] = set()
    for mark in found:
        word_at = mark.offset + 1
        while word_at in removed:
            word_at += 1
        start = word_at - bisect.bisect_left(ordered, word_at)  # marks removed before it: linear overall
        if (mark.kind, start) not in seen:
            seen.add((mark.kind, start))
            words.append(Mark(mark.kind, mark.word, start))
    return kept, tuple(words)


def strip_marks_as_flags(text: str, kinds: Sequence[MarkKind], source: str = "") -> tuple[str, tuple[Flag, ...]]:
    """``strip_marks``, each marked word as a flag whose span is the word in the returned text."""
    kept, marks = strip_marks(text, kinds, source)
    return kept, tuple(flag_for(mark.kind, mark.word, (mark.offset, mark.offset + len(mark.word))) for mark in marks)


def flag_for(kind: MarkKind, word: str, span: tuple[int, int] | None) -> Flag:
    return flags.make(kind.code, f"{kind.meaning} “{word}”; check this word", span=span, word=word)


WORD_RUN = re.compile(r"\w+")
WORD_JOINER = re.compile(r"[’'-]+")


def first_spans(text: str, longest: int) -> dict[str, tuple[int, int]]:
    """Where each word-like string of up to ``longest`` characters first stands alone in ``text``
    (what searching ``(?<!\\w)WORD(?!\\w)`` finds): one pass, not one search per marked word."""
    runs = [(run.start(), run.end()) for run in WORD_RUN.finditer(text)]
    found: dict[str, tuple[int, int]] = {}
    for first, (start, _) in enumerate(runs):
        for last in range(first, len(runs)):
            end = runs[last][1]
            if end - start > longest:
                break
            if last > first and not WORD_JOINER.fullmatch(text[runs[last - 1][1] : runs[last][0]]):
                break
            found.setdefault(text[start:end], (start, end))
    return found
