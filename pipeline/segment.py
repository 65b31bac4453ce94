"""Split a Document into translatable segments (sentences, headings, labels).

A rule-based splitter tuned for news copy: it knows abbreviations (U.S., Sen.,
Dr.), keeps decimals and "?"/"!" inside quotes together, splits a sentence glued
to the next one ("borders.These"), and never splits inside an inline code.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass

from pipeline.inline import TokenKind, codes_used, parse_codes
from pipeline.model import (
    MAX_SEGMENT_CHARS,
    Block,
    BlockKind,
    Document,
    InlineCode,
    InputError,
    Role,
    Segment,
    too_long,
)

# Abbreviations that never end a sentence (titles before a name, "e.g.").
TITLE_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "sen",
    "rep",
    "gov",
    "gen",
    "col",
    "lt",
    "sgt",
    "capt",
    "st",
    "jr",
    "sr",
    "rev",
    "hon",
    "pres",
    "sec",
    "amb",
    "adm",
    "maj",
    "cmdr",
    "supt",
    "fr",
    "messrs",
    "e.g",
    "i.e",
    "vs",
    "etc.,",
    "cf",
    "no",
    "nos",
    "vol",
    "pp",
    "fig",
    "approx",
    "est",
    "inc",
    "corp",
    "ltd",
    "co",
    "dept",
    "univ",
    "assn",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "mt",
    "ft",
    "ave",
    "blvd",
}
# Dotted abbreviations (U.S., U.K., U.N.) end a sentence only before a typical sentence opener.
SENTENCE_OPENERS = {
    "the",
    "this",
    "that",
    "these",
    "those",
    "it",
    "its",
    "he",
    "she",
    "they",
    "we",
    "i",
    "in",
    "on",
    "but",
    "and",
    "however",
    "meanwhile",
    "a",
    "an",
    "there",
    "his",
    "her",
    "their",
    "our",
    "as",
    "while",
    "after",
    "before",
    "when",
    "if",
    "for",
    "at",
    "according",
    "some",
    "many",
    "several",
}

# A candidate boundary: terminal punctuation, optional closing quotes/brackets, then space or a glued capital.
BOUNDARY = re.compile(r"([.!?…]+)([”’\"')\]»]*)(\s+|(?=[A-Z¿¡“\"«(\[][a-z]))")
WORD_BEFORE = re.compile(r"([\w.’'-]+)$")
NEXT_WORD = re.compile(r"[¿¡“\"«(\[]*([\w’']+)")
# How far back the word before a full stop is read: "U.S", "Sen", "borders" — never 200 characters,
# and a bounded look keeps a 1 MB line linear (the whole text before each stop was searched).
WORD_WINDOW = 200


@dataclass(frozen=True)
class _Text:
    """What every boundary of one text asks, computed once: linear in the text, not per boundary."""

    text: str
    content_end: int  # where the trailing whitespace starts
    code_ends: tuple[int, ...]  # end offset of each inline code marker, in order
    depths: tuple[int, ...]  # paired codes open after each of those markers

    @classmethod
    def of(cls, text: str) -> _Text:
        ends, depths, depth = [], [], 0
        for token in parse_codes(text):
            if token.kind in (TokenKind.OPEN, TokenKind.CLOSE):
                depth += 1 if token.kind == TokenKind.OPEN else -1
                ends.append(token.end)
                depths.append(depth)
        return cls(text, len(text.rstrip()), tuple(ends), tuple(depths))

    def open_codes_at(self, position: int) -> int:
        """How many paired codes are open at ``position`` (escaped look-alikes do not count)."""
        index = bisect.bisect_right(self.code_ends, position) - 1
        return self.depths[index] if index >= 0 else 0

    def word_before(self, position: int) -> str:
        word = WORD_BEFORE.search(self.text, max(0, position - WORD_WINDOW), position)
        return word.group(1) if word else ""


def _is_boundary(context: _Text, match: re.Match[str]) -> bool:
    text = context.text
    punct, _closers, space = match.group(1), match.group(2), match.group(3)
    end = match.end()
    if end >= context.content_end:
        return False  # only spaces after it
    next_word = NEXT_WORD.match(text, end)
    next_token = next_word.group(1) if next_word else ""
    starts_upper = bool(next_token) and (next_token[0].isupper() or next_token[0].isdigit())
    starts_quote = text[end : end + 1] in '¿¡“"«(['
    token = context.word_before(match.start())
    bare = token.lower().strip(".")
    if not (starts_upper or starts_quote):
        # "?" inside a quote followed by lower case ("why?" she asked) goes on; a plain
        # full stop after a real word, then a space, starts a (badly cased) sentence.
        lower_start = punct == "." and space and not _closers and next_token.isalpha()
        if not (lower_start and bare.isalpha() and len(bare) >= 3 and bare not in TITLE_ABBREVIATIONS):
            return False
    if punct == ".":
        if re.fullmatch(r"\d+", bare) and text[end : end + 1].isdigit():
            return False  # decimal
        if bare in TITLE_ABBREVIATIONS or (len(bare) == 1 and bare.isalpha()):
            return False  # "Sen. Smith", "J. Smith"
        # U.S. / U.S.-Mexico: a sentence end only before a clear opener, never glued
        if (re.fullmatch(r"(?:[a-z]\.)+[a-z]", bare) or "." in token.rstrip(".")) and (
            not space or next_token.lower() not in SENTENCE_OPENERS
        ):
            return False
        if not space and (len(bare) < 2 or not bare.isalpha()):
            return False  # glued split only after a real word: "borders.These"
    return context.open_codes_at(match.start()) == 0


def split_sentences(text: str) -> list[str]:
    sentences: list[str] = []
    start = 0
    context = _Text.of(text)
    for match in BOUNDARY.finditer(text):
        if _is_boundary(context, match):
            end = match.start(3) if match.group(3) else match.end()
            sentence = text[start:end].strip()
            if sentence:
                sentences.append(sentence)
            start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


UNSPLIT_KINDS = {BlockKind.HEADING, BlockKind.TOC_TITLE, BlockKind.TOC_ENTRY, BlockKind.TABLE_CELL, BlockKind.CODE}


def block_parts(block: Block) -> list[tuple[Role, str, tuple[InlineCode, ...]]]:
    parts: list[tuple[Role, str, tuple[InlineCode, ...]]] = []
    if block.label:
        parts.append((Role.LABEL, block.label, block.label_codes))
    parts.append((Role.BODY, block.text, block.codes))
    return parts


def context_name(block: Block, role: Role) -> str:
    return block.kind.value if role == Role.BODY else f"{block.kind.value}-label"


def segment_document(document: Document) -> list[Segment]:
    """Every translatable piece of the document, in order, with stable keys.

    A piece over ``MAX_SEGMENT_CHARS`` is refused (InputError with its line): no sentence is that
    long, and every later stage would work on it for minutes.
    """
    segments: list[Segment] = []
    seen: Counter[tuple[str, str]] = Counter()
    for block_index, block in enumerate(document.blocks):
        if block.kind == BlockKind.CODE:
            continue
        for role, text, codes in block_parts(block):
            if not text.strip():
                continue
            pieces = [text.strip()] if block.kind in UNSPLIT_KINDS or role == Role.LABEL else split_sentences(text)
            for index, piece in enumerate(pieces):
                if len(piece) > MAX_SEGMENT_CHARS:
                    raise InputError(too_long("segment", len(piece), MAX_SEGMENT_CHARS), document.path, block.line)
                context = context_name(block, role)
                seen[(context, piece)] += 1
                repeat = seen[(context, piece)]
                key = context if repeat == 1 else f"{context}#{repeat}"
                segments.append(
                    Segment(
                        key=key,
                        text=piece,
                        block=block_index,
                        role=role,
                        index=index,
                        line=block.line,
                        codes=codes_used(piece, codes),
                    )
                )
    return segments
