"""Every review flag code the pipeline can raise, in one table.

Each ``FlagCode`` says how bad the problem usually is, what it means, which side
of the pair it is about (the English source, the target text, or what an engine
reported on its own), and which modules raise it. The review legend, the XLIFF
notes, the check tables and the tests read this table; a code missing here cannot
be raised (``make`` refuses it). One code per problem: a decoding loop is
``repetition`` whether Argos notices it while decoding or the target check sees it.

This is a leaf module (it imports only ``pipeline.model``), so engines, text
modules and publishers may all import it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from pipeline.model import Flag, Severity


class Side(str, Enum):
    SOURCE = "source"  # a problem in the English, carried to every locale
    TARGET = "target"  # a problem in one translation
    ENGINE = "engine"  # a signal only the engine run knows (kept while its draft is unchanged)


@dataclass(frozen=True)
class FlagCode:
    code: str
    severity: Severity  # the usual severity; a flag may be milder (a capitalized unknown word is info)
    description: str
    sides: tuple[Side, ...]
    raised_by: tuple[str, ...]  # modules that raise it
    mark: str = ""  # how the engine writes it in its output ("*" before a word Apertium does not know)
    # Codes whose silencing also silences this one: the same problem seen by an engine ("unknown-word").
    silenced_with: tuple[str, ...] = ()

    @property
    def side(self) -> Side:
        return self.sides[0]


S, T, E = Side.SOURCE, Side.TARGET, Side.ENGINE
ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
LINT, CHECKS = "pipeline.lint", "pipeline.checks"
APERTIUM, ARGOS = "pipeline.engines.apertium", "pipeline.engines.argos"

FLAG_CODES: tuple[FlagCode, ...] = (
    # ------------------------------------------------------------ the English source
    FlagCode("placeholder", ERROR, "an unresolved placeholder such as “[Insert name]” left in the text", (S,), (LINT,)),
    FlagCode(
        "spelling",
        WARNING,
        "a word neither the en_US dictionary nor the project word list knows (info when capitalized: likely a name)",
        (S,),
        (LINT,),
    ),
    FlagCode(
        "missing-space",
        WARNING,
        "no space after a full stop, comma or other punctuation (“borders.These”)",
        (S,),
        (LINT,),
    ),
    FlagCode(
        "lowercase-start", WARNING, "a sentence, heading, cell or list text that starts in lower case", (S,), (LINT,)
    ),
    FlagCode(
        "name-casing",
        WARNING,
        "a name in lower case where the word list or the article capitalizes it (“latin America”)",
        (S,),
        (LINT,),
    ),
    FlagCode("doubled-word", WARNING, "the same word twice in a row (“the the”)", (S, T), (LINT, CHECKS)),
    FlagCode(
        "quote-character", WARNING, "an opening quote or accent used as an apostrophe (“Mexico‘s”)", (S,), (LINT,)
    ),
    FlagCode(
        "link-residue",
        WARNING,
        "a bare name after a paragraph's last sentence: a link that lost its URL",
        (S,),
        (LINT,),
    ),
    FlagCode("house-style", WARNING, "a phrase the house style replaces (often a garbled paraphrase)", (S,), (LINT,)),
    FlagCode("toc-mismatch", WARNING, "a table-of-contents entry that matches no heading", (S,), (LINT,)),
    # ------------------------------------------------------------ one translation
    FlagCode("untranslated", ERROR, "the segment has no translation", (T,), (CHECKS,)),
    FlagCode(
        "unchanged",
        WARNING,
        "the target is the source unchanged (segments of only names or numbers excepted)",
        (T,),
        (CHECKS,),
    ),
    FlagCode(
        "numbers",
        WARNING,
        "a number of the source missing from the target, or one added (locale separators, scale words, "
        "ordinals and Roman centuries understood)",
        (T,),
        (CHECKS,),
    ),
    FlagCode("urls", ERROR, "a URL or e-mail address of the source missing or changed in the target", (T,), (CHECKS,)),
    FlagCode(
        "unbalanced", WARNING, "brackets or quotation marks that do not pair up as in the source", (T,), (CHECKS,)
    ),
    FlagCode(
        "end-punctuation",
        WARNING,
        "the target ends with different final punctuation than the source",
        (T,),
        (CHECKS,),
    ),
    FlagCode("inverted-marks", WARNING, "Spanish ¿…? and ¡…! not paired (or used outside Spanish)", (T,), (CHECKS,)),
    FlagCode(
        "quote-punctuation",
        WARNING,
        "a full stop or comma inside closing « » quotes in Spanish (the RAE puts it after: «América».)",
        (T,),
        (CHECKS,),
    ),
    FlagCode("whitespace", INFO, "leading or trailing whitespace, or doubled spaces", (T,), (CHECKS,)),
    FlagCode(
        "repetition",
        ERROR,
        "the same words repeated 3+ times in a row, or output far past the source's length: an engine loop",
        (T, E),
        (CHECKS, ARGOS),
    ),
    FlagCode(
        "length",
        WARNING,
        "target length far from the source's (too short: something dropped; too long: a loop or addition)",
        (T,),
        (CHECKS,),
    ),
    FlagCode(
        "added-sentence",
        WARNING,
        "the target has more sentences than the source: an added (possibly invented) clause",
        (T,),
        (CHECKS,),
    ),
    FlagCode(
        "target-spelling",
        WARNING,
        "a word the target hunspell dictionary lacks (glossary terms and names accepted; info when capitalized)",
        (T,),
        (CHECKS,),
    ),
    FlagCode(
        "leftover",
        WARNING,
        "a word of the English source, or of the pivot language (Spanish “EE.UU.” in French), left in the target",
        (T,),
        (CHECKS,),
        silenced_with=("unknown-word",),
    ),
    FlagCode(
        "french-spacing",
        WARNING,
        "French spacing: narrow no-break space before ; ! ?, a no-break space (U+00A0 or U+202F) before : "
        "and inside « »",
        (T,),
        (CHECKS,),
    ),
    FlagCode(
        "glossary",
        WARNING,
        "a glossary term is missing or altered: use the term the glossary names",
        (T,),
        ("pipeline.glossary",),
    ),
    FlagCode(
        "inline-code",
        ERROR,
        "an inline code (<1>…</1>, <2/>) is missing, extra, broken or moved: links and emphasis depend on it",
        (T,),
        ("pipeline.inline",),
    ),
    FlagCode(
        "do-not-translate",
        ERROR,
        'text that must stay as written (code, translate="no") was changed',
        (T,),
        ("pipeline.inline",),
    ),
    # ------------------------------------------------------------ what an engine reported
    FlagCode(
        "unknown-word",
        WARNING,
        "a word Apertium did not know and left in English (marked *)",
        (E,),
        (APERTIUM, CHECKS),
        mark="*",
    ),
    FlagCode(
        "generation-error",
        WARNING,
        "a word Apertium translated but could not inflect (marked #)",
        (E,),
        (APERTIUM, CHECKS),
        mark="#",
    ),
    FlagCode(
        "transfer-error", WARNING, "a word Apertium could not transfer (marked @)", (E,), (APERTIUM, CHECKS), mark="@"
    ),
    FlagCode(
        "lost-placeholder",
        WARNING,
        "the engine dropped a protected term, number or code; it was put back at the end of the sentence: "
        "move it where it belongs",
        (E,),
        ("pipeline.translate",),
    ),
    FlagCode("low-confidence", WARNING, "the neural model was unsure of this translation", (E,), (ARGOS,)),
    FlagCode("input-truncated", WARNING, "the sentence was too long for the model and was cut", (E,), (ARGOS,)),
    FlagCode("empty-output", WARNING, "the model returned nothing; the English was kept", (E,), (ARGOS,)),
    FlagCode(
        "tm-conflict",
        WARNING,
        "reviewed translations of this sentence in the memory disagree; none was used: pick one",
        (E,),
        ("pipeline.memory.leverage",),
    ),
)

REGISTRY: dict[str, FlagCode] = {info.code: info for info in FLAG_CODES}
assert len(REGISTRY) == len(FLAG_CODES), "a flag code is registered twice"


class UnknownFlagCode(KeyError):
    """A module tried to raise a code the registry does not list."""


def info(code: str) -> FlagCode:
    try:
        return REGISTRY[code]
    except KeyError:
        raise UnknownFlagCode(f"flag code {code!r} is not in pipeline/flags.py") from None


def make(
    code: str,
    message: str,
    *,
    span: tuple[int, int] | None = None,
    word: str = "",
    severity: Severity | None = None,
    line: int | None = None,
    source: bool = False,
) -> Flag:
    """A flag of a registered code, with the registry's severity unless one is given."""
    return Flag(code, severity or info(code).severity, message, span, line, source, word)


def codes(side: Side | None = None) -> tuple[str, ...]:
    """Every registered code (of one side), in table order."""
    return tuple(entry.code for entry in FLAG_CODES if side is None or side in entry.sides)


def engine_codes() -> frozenset[str]:
    """Signals only an engine run knows; kept from the run that made a machine draft while it is unchanged."""
    return frozenset(codes(Side.ENGINE))


def descriptions() -> dict[str, str]:
    """What every code means, for the review legend and the XLIFF notes."""
    return {entry.code: entry.description for entry in FLAG_CODES}


def by_mark() -> dict[str, FlagCode]:
    """Engine mark symbol → its code ("*" → unknown-word)."""
    return {entry.mark: entry for entry in FLAG_CODES if entry.mark}
