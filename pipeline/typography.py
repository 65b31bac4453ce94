"""Locale typography for a finished translation: quotes, French spacing, apostrophes, dashes.

Protected spans (inline codes, placeholders, glossary terms, URLs) are swapped for
one private-use character each while the rules run, so no rule reaches inside them,
yet quotes around them still pair up. Every rule is written so that typesetting
twice gives the same text as typesetting once.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from pipeline.inline import FROZEN_TAG
from pipeline.model import ConfigError, Locale

NNBSP = "\u202f"  # narrow no-break space: French, before ; ! ? and inside « »
NBSP = "\u00a0"  # no-break space: French, before :

# A URL or an e-mail address; trailing sentence punctuation is not part of it.
URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"“”«»‘’¿¡]+(?<![.,;:!?(\[)\]'])"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
)

_WORD = r"[\w\ue000-\uf8ff]"  # a letter, digit, or a masked protected span
_LETTER = r"[^\W_]"  # a letter or digit
_SPACES = " \u00a0\u202f"
_OPEN_CONTEXT = set(_SPACES) | set("([{—–/¿¡“„«‘")  # a straight quote after these opens
_OPENING_TAGS = re.compile(rf"(?:{FROZEN_TAG.pattern})*<\d+>")  # span ending in "<1>"


def protected_spans_in(text: str) -> list[tuple[int, int]]:
    """Spans no typography rule may touch: inline codes and placeholders (FROZEN_TAG), URLs, e-mails."""
    found = [m.span() for m in FROZEN_TAG.finditer(text)] + [m.span() for m in URL.finditer(text)]
    return _merged(found)


def typeset(
    text: str,
    locale: Locale,
    *,
    protected: Sequence[tuple[int, int]] = (),
    es_quotes: str = "«»",
) -> str:
    """Apply the locale's typography to ``text``, leaving protected spans exactly as they are."""
    levels = _quote_levels(locale.language, es_quotes)
    masked, hidden = _mask(text, _merged([*protected, *protected_spans_in(text)]))
    opening_tags = {key for key, original in hidden.items() if _OPENING_TAGS.fullmatch(original)}
    french = locale.language == "fr"

    masked = _collapse_spaces(masked)
    masked = re.sub(rf"(?<={_WORD})'(?={_WORD})", "’", masked)  # l'État, l'<g1/>
    masked = re.sub(rf"(?<={_LETTER})‘(?={_LETTER})", "’", masked)  # the typo Mexico‘s
    if levels:
        masked = _quotes(masked, levels, french, opening_tags)
    if locale.language == "es":
        masked = _inverted_marks(masked, opening_tags)
        masked = _stop_after_quotes(masked)
    masked = _dashes(masked, french)  # after quotes: they may remove the spaces around "--"
    if french:
        masked = _french_spacing(masked)
    masked = _collapse_spaces(masked)
    return "".join(hidden.get(char, char) for char in masked)


_SPANISH_CLOSE = re.compile(r"([?!])[\s”’»\"')\]\ue000-\uf8ff]*$")
_LEADING = re.compile(r"[\s“‘«\"'(\[]*")
# A full stop or comma just inside a closing quote: the RAE writes it after («América».).
_STOP_INSIDE_QUOTE = re.compile(r"(?<=[^\s.…\u00a0\u202f])([.,])([»”]+)(?![»”.,;:!?…])")


def _stop_after_quotes(text: str) -> str:
    return _STOP_INSIDE_QUOTE.sub(r"\2\1", text)


def _inverted_marks(text: str, opening_tags: Collection[str] = frozenset()) -> str:
    """Spanish opens a question or exclamation with ¿ / ¡; MT from English never does.

    Only a segment that is one question (or exclamation) from its first word gets the
    opening mark, so a question closing a longer sentence is left for a reviewer.
    """
    end = _SPANISH_CLOSE.search(text)
    if not end or "¿" in text or "¡" in text:
        return text
    body = text[: end.start()]
    if re.search(r"(?<![A-ZÁÉÍÓÚÑ.])[.!?;:](\s|$)", body) or not re.search(_LETTER, body):
        return text
    opening = "¿" if end.group(1) == "?" else "¡"
    lead = 0
    while True:  # past spaces, opening quotes and opening tags; never past a URL or a placeholder
        lead = _LEADING.match(text, lead).end()  # type: ignore[union-attr]  # matches the empty string
        if lead < len(text) and text[lead] in opening_tags:
            lead += 1
            continue
        break
    return text[:lead] + opening + text[lead:]


def _quote_levels(language: str, es_quotes: str) -> list[str]:
    """Quote pairs by nesting depth; empty for languages whose conventions we do not set."""
    if es_quotes not in ("«»", "“”"):
        raise ConfigError(f"Spanish quotes must be «» or “”, not {es_quotes!r}")
    if language == "es":
        return ["«»", "“”", "‘’"] if es_quotes == "«»" else ["“”", "‘’"]
    return {"fr": ["«»", "“”", "‘’"], "pt": ["“”", "‘’"]}.get(language, [])


def _merged(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(span for span in spans if span[0] < span[1]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _mask(text: str, spans: list[tuple[int, int]]) -> tuple[str, dict[str, str]]:
    """Replace each span with a private-use character the text does not already contain."""
    free = (chr(code) for code in range(0xE000, 0xF900) if chr(code) not in text)
    pieces: list[str] = []
    hidden: dict[str, str] = {}
    cursor = 0
    for start, end in spans:
        key = next(free)
        hidden[key] = text[start:end]
        pieces += [text[cursor:start], key]
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces), hidden


def _collapse_spaces(text: str) -> str:
    return re.sub(r" {2,}", " ", text)


def _dashes(text: str, french: bool) -> str:
    """' - ' → en dash, '--' → em dash; French keeps the dash off the start of a line."""
    before = NBSP if french else " "
    text = re.sub(r"(?<=\S) (--?)(?= \S)", lambda m: before + ("—" if m[1] == "--" else "–"), text)
    return re.sub(r"(?<=[^\s-])--(?=[^\s-])", "—", text)


def _quotes(text: str, levels: list[str], french: bool, opening_tags: set[str]) -> str:
    """Pair every quote mark by context and nesting, then write the locale's marks for each depth."""
    out: list[str] = []
    stack: list[set[str]] = []  # per open quote: "double"/"single" as written in and as written out
    skip_spaces = False
    for i, char in enumerate(text):
        prev = text[i - 1] if i else None
        nxt = text[i + 1] if i + 1 < len(text) else None
        role = _quote_role(char, prev, nxt, stack, opening_tags)
        if role is None:
            if skip_spaces and char in _SPACES:
                continue
            skip_spaces = False
            out.append("’" if char == "'" else char)
            continue
        kind, opening = role
        if opening:
            marks = levels[min(len(stack), len(levels) - 1)]
            stack.append({kind, "single" if marks[0] == "‘" else "double"})
            if _is_letter(prev):  # word“quote → word «quote
                out.append(" ")
            out.append(marks[0] + (NNBSP if french and marks[0] == "«" else ""))
            skip_spaces = True
        else:
            depth = len(stack) - 1 if stack else 0
            if stack:
                stack.pop()
            marks = levels[min(depth, len(levels) - 1)]
            while out and out[-1] in _SPACES:
                out.pop()
            out.append((NNBSP if french and marks[1] == "»" else "") + marks[1])
            if _is_letter(nxt):  # quote”word → quote» word
                out.append(" ")
            skip_spaces = False
    return "".join(out)


def _quote_role(
    char: str, prev: str | None, nxt: str | None, stack: list[set[str]], opening_tags: set[str]
) -> tuple[str, bool] | None:
    """("double"|"single", opens?) for a quote mark; None for any other character or an apostrophe."""
    if _is_letter(prev) and _is_letter(nxt):
        return None  # between two letters it is an apostrophe or a typo, never a quote
    if char in "“„«":
        return ("double", True)
    if char in "”»":
        return ("double", False)
    if char == "‘":
        return ("single", True)
    if char == "’":  # an apostrophe unless it closes a single quote
        return ("single", False) if stack and "single" in stack[-1] else None
    if char not in "\"'":
        return None
    # A straight quote opens after a space, bracket, dash or opening tag, before a non-space.
    opens_like = (prev is None or prev in _OPEN_CONTEXT or prev in opening_tags) and (
        nxt is not None and nxt not in _SPACES
    )
    kind = "double" if char == '"' else "single"
    if opens_like:
        return (kind, True)
    if stack and kind in stack[-1]:
        return (kind, False)
    if char == "'":
        return None  # a stray apostrophe (students')
    return ("double", prev is None or prev in _SPACES)


def _is_letter(char: str | None) -> bool:
    return char is not None and re.match(_LETTER, char) is not None


def _french_spacing(text: str) -> str:
    """Narrow no-break space before ; ! ?, no-break space before : — not in 10:30 or a:b."""
    text = re.sub(r"(?<=[^\s;:!?])[ \u00a0\u202f]*(?=[;!?]+(?![\w/]))", NNBSP, text)
    return re.sub(r"(?<=[^\s;:!?])[ \u00a0\u202f]*(?=:(?![\w/]))", NBSP, text)
