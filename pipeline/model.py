"""The small data model every stage passes around, and the one error family.

Inline markup is carried *inside* segment text as numbered codes, the notation
translators see in PO files: ``<1>paired text</1>`` for a paired code (a link,
emphasis) and ``<2/>`` for a standalone one (a line break, an image). What each
number stands for (tag and attributes) travels beside the text as ``InlineCode``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

# ---------------------------------------------------------------- errors


CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")


class NewslocError(Exception):
    """A problem the user can fix: bad input, missing tool, broken file.

    The CLI prints ``str(error)`` as one line and exits with ``exit_code``.
    """

    exit_code = 2

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line

    def __reduce__(self):  # keeps path and line when a worker process hands the error back
        return (type(self), (self.message, self.path, self.line))

    def __str__(self) -> str:
        where = ""
        if self.path:
            # A file name may hold a newline or an escape sequence: shown escaped, the error stays one line.
            path = CONTROL_CHARACTER.sub(lambda match: f"\\x{ord(match[0]):02x}", self.path)
            where = f"{path}:{self.line}: " if self.line else f"{path}: "
        return f"{where}{self.message}"


class InputError(NewslocError):
    """An article, catalog, glossary or other input file cannot be used."""


class ConfigError(NewslocError):
    """Project configuration or command-line choice that cannot work."""


class EngineError(NewslocError):
    """A translation engine is missing, or failed."""


class ChecksFailed(NewslocError):
    """Review checks found errors (exit code 1, not a usage problem)."""

    exit_code = 1


# ---------------------------------------------------------------- limits

# Sizes no real news article reaches; past them a parser or a check works for minutes (issue 18: a
# 1 MB line), so such input is refused before that work, in one line naming the limit.
MAX_SEGMENT_CHARS = 10_000  # one segment of the English: a sentence, heading or cell (news: under 1,000)
MAX_TRANSLATION_CHARS = 4 * MAX_SEGMENT_CHARS  # one text of a PO entry, XLIFF unit or TMX variant
MAX_TERM_CHARS = 500  # one glossary term (the longest organisation names: under 100)


def too_long(what: str, length: int, limit: int, remedy: str = "split it") -> str:
    """The refusal of a text over its limit: "segment of 1,048,576 characters is over the limit of 10,000; split it"."""
    return f"{what} of {length:,} characters is over the limit of {limit:,}; {remedy}"


# ---------------------------------------------------------------- document


class BlockKind(str, Enum):
    LEAD = "lead"
    HEADING = "heading"
    TITLE = "title"
    TOC_TITLE = "toc-title"
    TOC_ENTRY = "toc-entry"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list-item"
    TABLE_CELL = "table-cell"
    CALLOUT = "callout"
    FAQ_ITEM = "faq-item"
    BLOCKQUOTE = "blockquote"
    CODE = "code"  # never translated


@dataclass(frozen=True)
class InlineCode:
    """One inline markup element, numbered as it appears in the segment text."""

    id: int
    tag: str  # "a", "em", "strong", "code", "br", "span", ...
    attrs: tuple[tuple[str, str], ...] = ()
    paired: bool = True  # <1>…</1> when True, <1/> when False
    translate: bool = True  # False: the content is kept verbatim (code, translate="no")


@dataclass(frozen=True)
class Block:
    """One block of the article, in source order.

    ``label`` is a leading phrase rendered apart from the body: a list item's
    "National Sovereignty:", a callout's "Pro Tip:", an FAQ item's question.
    ``group`` ties blocks that render together (one list, one table, one TOC).
    """

    kind: BlockKind
    text: str
    line: int
    label: str = ""
    level: int = 0  # heading level; list nesting
    group: int = 0
    row: int = 0  # table cells
    col: int = 0
    header: bool = False  # table header cell
    ordered: bool = False  # list numbering
    number: str = ""  # TOC entry / ordered item number as written
    codes: tuple[InlineCode, ...] = ()
    label_codes: tuple[InlineCode, ...] = ()


@dataclass(frozen=True)
class Document:
    slug: str
    path: str
    blocks: tuple[Block, ...]
    source_lang: str = "en"
    title: str = ""

    def of_kind(self, kind: BlockKind) -> list[Block]:
        return [b for b in self.blocks if b.kind == kind]


# ---------------------------------------------------------------- segments


class Role(str, Enum):
    """Which part of a block a segment comes from."""

    BODY = "body"
    LABEL = "label"


@dataclass(frozen=True)
class Segment:
    """One translatable unit (a sentence, a heading, a label).

    ``key`` is the PO msgctxt: the block kind (and role), plus ``#n`` for the
    n-th repeat of the same text in the same kind of place. It does not depend
    on position, so reordering paragraphs keeps every key.
    """

    key: str
    text: str  # source as written, with inline codes
    block: int  # index into Document.blocks
    role: Role
    index: int  # position of this sentence within the block part
    line: int  # 1-based line in the source file
    codes: tuple[InlineCode, ...] = ()
    engine_text: str = ""  # source pre-edited for the engine (pipeline.pre_edit); "" = same as text
    pre_edits: tuple[str, ...] = ()  # the kinds of pre-edit that made engine_text ("house-style", …)

    @property
    def text_for_engine(self) -> str:
        return self.engine_text or self.text


# ---------------------------------------------------------------- flags


class Severity(str, Enum):
    ERROR = "error"  # blocks publishing
    WARNING = "warning"  # needs a look
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 2, "warning": 1, "info": 0}[self.value]


@dataclass(frozen=True)
class Flag:
    """A review flag: what is wrong with a segment, how bad, and where."""

    code: str
    severity: Severity
    message: str
    span: tuple[int, int] | None = None  # character offsets in the text it refers to
    line: int | None = None  # source line (source flags)
    source: bool = False  # True: a problem in the English, carried to every locale
    word: str = ""  # the word or term the flag is about ("backyard", "Lula da Silva"), when there is one


# ---------------------------------------------------------------- translation


class EntryState(str, Enum):
    """Where a segment's translation stands (see catalog.py for how it is told)."""

    UNTRANSLATED = "untranslated"
    MACHINE = "machine"  # unreviewed machine draft
    DRAFT = "draft"  # a person's unreviewed text (or a reviewed one whose English changed)
    REVIEWED = "reviewed"


class ProvenanceKind(str, Enum):
    """Who or what wrote a translation's text."""

    MACHINE = "machine"  # an engine's unreviewed output
    TRANSLATOR = "translator"  # a person's text (or one whose machine record was lost)
    MEMORY = "tm"  # a reviewed translation reused from the project's translation memory (model, version:
    # the article and entry it was reviewed in; source: both, for people)


@dataclass(frozen=True)
class Provenance:
    """Where a translation came from, as a value: compare it, never split a string.

    A machine draft names its engine, model and model version; a person's text is
    ``Provenance.translator()``. Other kinds (a translation-memory match) add a
    ``ProvenanceKind`` member and use ``source`` for where the text came from.
    """

    engine: str = ""  # "apertium", "argos", "pseudo"; "" unless the kind is MACHINE
    model: str = ""  # "eng-spa", "translate-en_es"
    version: str = ""  # of the model (Debian package version, Argos package version)
    kind: ProvenanceKind = ProvenanceKind.MACHINE
    source: str = ""  # where a non-machine text came from, when known
    # Kinds of pre-edit made to the engine's input (pipeline.pre_edit): about the input, not who made the
    # draft, so two drafts of one engine and model compare equal whatever their pre-edits.
    pre_edits: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def translator(cls) -> Provenance:
        return cls(kind=ProvenanceKind.TRANSLATOR)

    @classmethod
    def memory(cls, document: str, entry: str) -> Provenance:
        """A translation-memory draft: reviewed in ``document`` (article slug or tm/ file), entry ``entry``."""
        return cls(model=document, version=entry, kind=ProvenanceKind.MEMORY, source=f"{document} {entry}".strip())

    @property
    def is_machine(self) -> bool:
        return self.kind == ProvenanceKind.MACHINE

    def describe(self) -> str:
        """For people: "apertium eng-spa 0.8.1-2", "translator"."""
        if not self.is_machine:
            return " ".join(part for part in (self.kind.value, self.source) if part)
        return " ".join(part for part in (self.engine, self.model, self.version) if part)


@dataclass(frozen=True)
class Hypothesis:
    text: str
    provenance: Provenance
    score: float | None = None  # engine's own score (log-prob per token for argos)
    alternatives: tuple[tuple[str, float], ...] = ()  # N-best (text, score), best first
    flags: tuple[Flag, ...] = ()  # signals from the engine itself (unknown words, loops)


@dataclass(frozen=True)
class Locale:
    """A target locale: BCP 47 tag and its babel identifier."""

    tag: str  # "pt-BR"

    @property
    def babel(self) -> str:
        return self.tag.replace("-", "_")

    @property
    def language(self) -> str:
        return self.tag.split("-")[0]

    @property
    def folder(self) -> str:
        """Folder name under locales/ and dist/: the BCP 47 tag as written."""
        return self.tag

    def __str__(self) -> str:
        return self.tag


@dataclass(frozen=True)
class Suggestion:
    """A fuzzy match from the project's translation memory, shown to the translator beside a segment."""

    score: int  # similarity of the English, percent (75–99)
    source: str  # the remembered English (coded text)
    target: str  # its reviewed translation
    origin: str  # "<article slug> <msgctxt>" or "tm/<file>.tmx"
    notes: tuple[str, ...] = ()  # what differs from the new source: "numbers differ: 2024 → 2025"


@dataclass(frozen=True)
class SegmentView:
    """A segment as one locale sees it: what to show, how far it is, what to look at."""

    segment: Segment
    target: str
    state: EntryState
    provenance: Provenance | None = None  # None: untranslated
    flags: tuple[Flag, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()  # translation-memory matches, best first

    @property
    def shown(self) -> str:
        """Text for the publish view: the translation, else the English source."""
        return self.target or self.segment.text


@dataclass(frozen=True)
class LocalizedArticle:
    document: Document
    locale: Locale
    views: tuple[SegmentView, ...]
