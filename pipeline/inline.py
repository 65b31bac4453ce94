"""Inline codes: reading them, checking a translation keeps them, turning them back into markup.

Block and segment text carries inline markup as numbered codes (see ``pipeline.model``):
``<1>paired</1>`` and ``<2/>`` standalone. Only these three shapes, with digits only,
are codes. Everything else in the text (``<``, ``>``, ``&``, ``<script>``) is literal text.

Escaping rule, so a literal ``<1>`` in an article is never read as a code: a code-looking
sequence in literal text — ``<N>``, ``</N>``, ``<N/>`` and the placeholder shapes
``<gN/>``/``<fN/>`` other stages insert (``</?[a-z]?\\d+/?>``) — gets one backslash in front:
``\\<1>``. Backslashes right before such a sequence are doubled first, so the rule inverts
exactly: an odd run of backslashes before a code-looking sequence means "literal", and
half of the run (rounded down) is literal backslashes. Backslashes anywhere else are
ordinary text and left alone, so translators almost never see an escape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from lxml import etree

from pipeline import flags as registry
from pipeline.model import Flag, InlineCode, Severity

# The placeholder grammar every stage shares. Markup an engine must hand back in place:
# inline codes (<1>, </1>, <2/>) and placeholders other stages insert (<g3/> glossary term,
# <f4/> date or number, <k5/> kept text). Engines that cannot carry tags (argos) translate
# the text between them instead.
FROZEN_TAG = re.compile(r"</?\d+>|<[a-z]?\d+/>")
# What the escape rule protects: the frozen shapes and their near misses (a wider net, so a
# literal "<a1>" can never turn into a placeholder), with the run of backslashes in front.
_CODE_LIKE = re.compile(r"(\\*)(</?[a-z]?\d+/?>)")
_OPEN = re.compile(r"<(\d+)>")
_CLOSE = re.compile(r"</(\d+)>")
_EMPTY = re.compile(r"<(\d+)/>")
_SPACES = re.compile(r"\s+")


def escape_text(text: str) -> str:
    """Literal text → text safe to put between codes (code-looking sequences get a backslash)."""
    return _CODE_LIKE.sub(lambda m: "\\" * (2 * len(m[1]) + 1) + m[2], text)


def unescape_text(text: str) -> str:
    """Inverse of ``escape_text`` (code-looking sequences are kept, their escapes removed)."""
    return _CODE_LIKE.sub(lambda m: "\\" * (len(m[1]) // 2) + m[2], text)


# ---------------------------------------------------------------- parsing


class TokenKind(str, Enum):
    TEXT = "text"
    OPEN = "open"  # <1>
    CLOSE = "close"  # </1>
    EMPTY = "empty"  # <1/>


@dataclass(frozen=True)
class CodeToken:
    """A piece of coded text: literal (unescaped) text, or one code marker."""

    kind: TokenKind
    text: str  # literal text for TEXT; the marker as written for codes
    id: int = 0
    start: int = 0  # offset in the coded text
    end: int = 0


def parse_codes(text: str) -> list[CodeToken]:
    """Split coded text into text and code tokens, in order; text tokens are unescaped."""
    tokens: list[CodeToken] = []
    literal: list[str] = []
    literal_start = 0
    position = 0
    for match in _CODE_LIKE.finditer(text):
        slashes, marker = match[1], match[2]
        literal += [text[position : match.start()], "\\" * (len(slashes) // 2)]
        kind = _code_kind(marker)
        if len(slashes) % 2 == 1 or kind is None:
            literal.append(marker)
        else:
            if "".join(literal):
                tokens.append(CodeToken(TokenKind.TEXT, "".join(literal), start=literal_start, end=match.start(2)))
            tokens.append(CodeToken(kind, marker, int(re.sub(r"\D", "", marker)), match.start(2), match.end()))
            literal, literal_start = [], match.end()
        position = match.end()
    literal.append(text[position:])
    if "".join(literal):
        tokens.append(CodeToken(TokenKind.TEXT, "".join(literal), start=literal_start, end=len(text)))
    return tokens


def _code_kind(marker: str) -> TokenKind | None:
    if _OPEN.fullmatch(marker):
        return TokenKind.OPEN
    if _CLOSE.fullmatch(marker):
        return TokenKind.CLOSE
    if _EMPTY.fullmatch(marker):
        return TokenKind.EMPTY
    return None  # a placeholder such as <g3/>: not an inline code


def code_ids(text: str) -> list[int]:
    """Ids of the codes in the text, each once, in order of first appearance."""
    seen: dict[int, None] = {}
    for token in parse_codes(text):
        if token.kind != TokenKind.TEXT:
            seen.setdefault(token.id, None)
    return list(seen)


def codes_used(text: str, codes: tuple[InlineCode, ...]) -> tuple[InlineCode, ...]:
    """The subset of ``codes`` that the text refers to (a sentence's share of its block's codes)."""
    used = set(code_ids(text))
    return tuple(code for code in codes if code.id in used)


def is_balanced(text: str) -> bool:
    """True when every paired code opened in the text is closed in it, properly nested."""
    return not _balance_problems(parse_codes(text))


def plain_text(text: str) -> str:
    """The text a reader sees: codes removed, escapes undone."""
    return "".join(t.text for t in parse_codes(text) if t.kind == TokenKind.TEXT)


# ---------------------------------------------------------------- checking


def _events(tokens: list[CodeToken]) -> list[tuple[TokenKind, int]]:
    return [(t.kind, t.id) for t in tokens if t.kind != TokenKind.TEXT]


def _balance_problems(tokens: list[CodeToken]) -> list[tuple[CodeToken, str]]:
    problems: list[tuple[CodeToken, str]] = []
    stack: list[CodeToken] = []
    for token in tokens:
        if token.kind == TokenKind.OPEN:
            stack.append(token)
        elif token.kind == TokenKind.CLOSE:
            open_ids = [t.id for t in stack]
            if token.id not in open_ids:
                problems.append((token, f"{token.text} closes a code that is not open"))
            elif open_ids[-1] != token.id:
                problems.append((token, f"{token.text} closes across <{open_ids[-1]}> (codes overlap)"))
                stack.pop(len(open_ids) - 1 - open_ids[::-1].index(token.id))
            else:
                stack.pop()
    problems.extend((token, f"{token.text} is never closed") for token in stack)
    return problems


def _shapes(tokens: list[CodeToken]) -> dict[int, bool]:
    """Code id → paired? as the text uses it."""
    return {t.id: t.kind != TokenKind.EMPTY for t in tokens if t.kind != TokenKind.TEXT}


def code_problems(source: str, target: str) -> list[Flag]:
    """Every way the target's inline codes differ from the source's, as ``inline-code`` flags.

    Missing, extra, duplicated, wrongly shaped or unbalanced codes are errors (the markup
    cannot be rebuilt faithfully); codes in a different order or nesting are a warning
    (often right — word order changes — but worth a look).
    """
    source_tokens, target_tokens = parse_codes(source), parse_codes(target)
    source_shapes, target_shapes = _shapes(source_tokens), _shapes(target_tokens)
    flags: list[Flag] = []

    def error(message: str, token: CodeToken | None = None) -> None:
        span = (token.start, token.end) if token else None
        flags.append(registry.make("inline-code", message, span=span, word=token.text if token else ""))

    for code_id, paired in source_shapes.items():
        if code_id not in target_shapes:
            error(f"code {_display(code_id, paired)} is missing from the translation")
    seen: dict[tuple[TokenKind, int], int] = {}
    misshapen: set[int] = set()
    for token in target_tokens:
        if token.kind == TokenKind.TEXT:
            continue
        if token.id not in source_shapes:
            error(f"code {token.text} is not in the source", token)
            continue
        if source_shapes[token.id] != (token.kind != TokenKind.EMPTY):
            if token.id not in misshapen:
                error(f"code {token.text} should be {_display(token.id, source_shapes[token.id])}", token)
            misshapen.add(token.id)
            continue
        key = (token.kind, token.id)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] == 2:
            error(f"code {token.text} appears more than once", token)
    for token, message in _balance_problems(target_tokens):
        error(message, token)
    if not flags and _events(source_tokens) != _events(target_tokens):
        message = "inline codes are in a different order or nesting than in the source"
        flags.append(registry.make("inline-code", message, severity=Severity.WARNING))
    return flags


def _display(code_id: int, paired: bool) -> str:
    return f"<{code_id}>…</{code_id}>" if paired else f"<{code_id}/>"


def inner_texts(text: str) -> dict[int, str]:
    """Paired code id → the coded text between its opening and closing marker."""
    inner: dict[int, str] = {}
    starts: dict[int, int] = {}
    for token in parse_codes(text):
        if token.kind == TokenKind.OPEN:
            starts.setdefault(token.id, token.end)
        elif token.kind == TokenKind.CLOSE and token.id in starts and token.id not in inner:
            inner[token.id] = text[starts[token.id] : token.start]
    return inner


def verbatim_problems(source: str, target: str, codes: tuple[InlineCode, ...]) -> list[Flag]:
    """``do-not-translate`` errors for codes marked translate=False whose content changed."""
    source_inner, target_inner = inner_texts(source), inner_texts(target)
    flags = []
    for code in codes:
        if code.translate or not code.paired or code.id not in source_inner or code.id not in target_inner:
            continue  # missing codes are code_problems' business
        if target_inner[code.id] != source_inner[code.id]:
            kept = plain_text(source_inner[code.id])
            message = f"text inside <{code.id}> ({code.tag}) must stay as in the source: {kept!r}"
            flags.append(registry.make("do-not-translate", message, word=kept))
    return flags


# ---------------------------------------------------------------- building (readers)


class CodedTextBuilder:
    """Collects one block's text and inline codes as a reader walks its markup.

    Codes are numbered from 1 in order of appearance. Whitespace runs collapse to one
    space (except in verbatim text: code spans); paired codes left empty are dropped.
    Text is escaped only when the result is joined, so pieces that meet (``<1`` + ``>``)
    can never form a code.
    """

    def __init__(self) -> None:
        self._parts: list[tuple[bool, str]] = []  # (is a code marker, marker or raw text)
        self._codes: list[InlineCode] = []
        self._open: list[int] = []
        self._opened_at: dict[int, int] = {}  # code id → index of its opening marker in _parts
        self._has_content = False  # any visible text or image yet (a lone <br> or empty code is not)
        self._at_space = True  # last visible character was a space, a line break or the start

    def add_text(self, text: str, verbatim: bool = False) -> None:
        if not verbatim:
            text = _SPACES.sub(" ", text)
            if text.startswith(" ") and self._at_space:
                text = text[1:]  # "word " + " word": one space, as a browser shows it
        if text:
            self._at_space = text[-1].isspace()
            self._parts.append((False, text))
            self._has_content = self._has_content or bool(text.strip())

    def open(self, tag: str, attrs: tuple[tuple[str, str], ...] = (), translate: bool = True) -> int:
        code = InlineCode(len(self._codes) + 1, tag, attrs, paired=True, translate=translate)
        self._codes.append(code)
        self._open.append(code.id)
        self._opened_at[code.id] = len(self._parts)
        self._parts.append((True, f"<{code.id}>"))
        return code.id

    def close(self, code_id: int) -> None:
        """Close ``code_id`` (and any code opened inside it and left open)."""
        if code_id not in self._open:
            return
        while self._open:
            innermost = self._open.pop()
            self._close_one(innermost)
            if innermost == code_id:
                return

    def _close_one(self, code_id: int) -> None:
        # Known, not searched for: a reversed copy of the parts per code was quadratic on a long paragraph.
        # (Only a code closed after everything opened inside it is ever dropped, so no position moves.)
        position = self._opened_at.pop(code_id)
        content = self._parts[position + 1 :]
        if code_id == len(self._codes) and all(not is_code and not value.strip() for is_code, value in content):
            # Nothing inside (an empty link, stray <em></em>): drop the code, keep any space.
            del self._parts[position]
            self._codes.pop()
        else:
            self._parts.append((True, f"</{code_id}>"))

    def empty(self, tag: str, attrs: tuple[tuple[str, str], ...] = ()) -> int:
        code = InlineCode(len(self._codes) + 1, tag, attrs, paired=False)
        if tag != "br":  # an image shows: the space after it is kept
            self._has_content, self._at_space = True, False
        self._codes.append(code)
        self._parts.append((True, f"<{code.id}/>"))
        return code.id

    def line_break(self, attrs: tuple[tuple[str, str], ...] = ()) -> int:
        """A <br> code, without the spaces around it a browser would not show."""
        if self._parts and not self._parts[-1][0]:
            self._parts[-1] = (False, self._parts[-1][1].rstrip())
        code_id = self.empty("br", attrs)
        self._at_space = True
        return code_id

    def is_empty(self) -> bool:
        """True while the block has nothing to show (only spaces, line breaks or empty codes)."""
        return not self._has_content

    def result(self) -> tuple[str, tuple[InlineCode, ...]]:
        """The coded text (trimmed, every code closed) and its codes."""
        while self._open:
            self.close(self._open[-1])
        pieces: list[str] = []
        literal: list[str] = []
        for is_code, value in self._parts:
            if is_code:
                pieces += [escape_text("".join(literal)), value]
                literal = []
            else:
                literal.append(value)
        pieces.append(escape_text("".join(literal)))
        text = "".join(pieces)
        text = re.sub(r"^((?:<\d+>)*)\s+", r"\1", text)
        text = re.sub(r"\s+((?:</\d+>)*)$", r"\1", text)
        return text.strip(), tuple(self._codes)


# ---------------------------------------------------------------- rendering


# Inline elements a translation may carry. Anything else renders as its text only.
ALLOWED_TAGS = frozenset(
    [
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "br",
        "cite",
        "code",
        "del",
        "dfn",
        "em",
        "i",
        "img",
        "ins",
        "kbd",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "u",
        "var",
        "wbr",
    ]
)
VOID_TAGS = frozenset({"br", "img", "wbr"})
ALLOWED_ATTRS = frozenset(
    [
        "href",
        "title",
        "lang",
        "dir",
        "translate",
        "class",
        "src",
        "alt",
        "hreflang",
        "rel",
        "datetime",
        "cite",
        "width",
        "height",
    ]
)
URL_ATTRS = frozenset({"href", "src", "cite"})
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
# Characters XML cannot hold (lxml refuses them): removed from published text and attributes.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")


LOADED_ATTRS = frozenset({"src"})  # what a browser fetches by itself, unlike a link a reader follows


def is_remote(url: str) -> bool:
    """True for an absolute or protocol-relative URL (``https://…``, ``//host/…``): not a file of the site."""
    squeezed = _INVISIBLE.sub("", url).lower().replace("\\", "/")
    return squeezed.startswith("//") or _SCHEME.match(squeezed) is not None


def safe_url(url: str) -> str | None:
    """The URL if it is relative or uses an allowed scheme (http, https, mailto, tel), else None.

    Browsers ignore whitespace and control characters inside a scheme
    (``java\\tscript:``), so they are removed before the scheme is read.
    """
    squeezed = _INVISIBLE.sub("", url).lower()
    scheme = _SCHEME.match(squeezed)
    if scheme is None:
        return url if ":" not in squeezed.split("/", 1)[0] else None
    return url if scheme[1] in SAFE_SCHEMES else None


def safe_attrs(code: InlineCode) -> dict[str, str]:
    """The code's attributes that may be published: allow-listed names, safe URLs only."""
    attrs: dict[str, str] = {}
    for name, value in code.attrs:
        name = name.lower()
        if name not in ALLOWED_ATTRS:
            continue
        if name in URL_ATTRS and safe_url(value) is None:
            continue
        if name in LOADED_ATTRS and is_remote(value):
            continue  # pages load nothing from elsewhere: a remote image is a tracker and a dependency
        attrs[name] = _NOT_XML.sub("", value)
    return attrs


def append_coded_text(parent: etree._Element, text: str, codes: tuple[InlineCode, ...]) -> None:
    """Append coded text to ``parent``, turning codes back into their original elements.

    Tags and attributes come from ``codes`` only (an href is never taken from the
    translation). Literal tag text in the translation stays visible text. Codes with an
    unknown id, a tag outside the allow-list, or a shape that does not match are
    dropped as markers while their text is kept; unclosed codes close at the end.
    """
    by_id = {code.id: code for code in codes}
    stack: list[tuple[etree._Element, int]] = [(parent, 0)]  # (element receiving text, code id)
    # Text is gathered and set once per place: appending piece by piece (the pieces between dropped
    # markers) copied the text so far each time, quadratic on a long segment.
    pending: list[str] = []
    pending_at = parent

    def flush() -> None:
        if pending:
            _append_text(pending_at, "".join(pending))
            pending.clear()

    for token in parse_codes(text):
        current = stack[-1][0]
        open_ids = [code_id for _, code_id in stack]
        code = by_id.get(token.id)
        if token.kind == TokenKind.TEXT:
            if current is not pending_at:
                flush()
                pending_at = current
            pending.append(token.text)
        elif token.kind == TokenKind.CLOSE:
            if token.id in open_ids:
                del stack[open_ids.index(token.id) :]
        elif code is None or token.id in open_ids:
            continue  # unknown or repeated marker: dropped, its text is kept
        elif code.tag in VOID_TAGS:
            flush()  # the text before the new element goes before it
            _make_element(current, code)
        elif token.kind == TokenKind.OPEN and code.paired:
            flush()
            element = _make_element(current, code) if code.tag in ALLOWED_TAGS else None
            stack.append((current if element is None else element, token.id))
    flush()


def _make_element(parent: etree._Element, code: InlineCode) -> etree._Element | None:
    attrs = safe_attrs(code)
    if code.tag == "img" and "src" not in attrs:
        return None  # an image without a usable source shows nothing
    return etree.SubElement(parent, code.tag, attrs)


def _append_text(element: etree._Element, text: str) -> None:
    text = _NOT_XML.sub("", text)
    last = last_child(element)
    if last is not None:
        last.tail = (last.tail or "") + text
    else:
        element.text = (element.text or "") + text


def last_child(element: etree._Element) -> etree._Element | None:
    """The element's last child, found from the end: len(element) counts every child (quadratic in a loop)."""
    try:
        return element[-1]
    except IndexError:
        return None
