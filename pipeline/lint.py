"""Source lint: problems in the English article, found line by line.

Every flag carries its 1-based source line and a span of character offsets
within that line, and is marked ``source=True`` so it travels to every locale.
Names are judged against the project word list and against the article itself:
a word the article capitalizes mid-sentence ("Brazil") is a name wherever it
appears, so "brazil" in a table cell is flagged.

``engine_fixes`` and ``fix_article`` repair only what cannot be wrong (an
opening quote used as an apostrophe, a missing space after a full stop or
comma between words); everything else is left to a person.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from importlib import resources

from pipeline import flags as registry
from pipeline import spelling
from pipeline.inline import FROZEN_TAG
from pipeline.model import BlockKind, Document, Flag, Severity

ENGLISH = "en_US"


# Line shapes of the plain-text article format.
MARKER = re.compile(r"^\s*(?:#{1,6}\s+|>\s*|[-*•]\s+(?:\d+[.)]\s+)?|\d+[.)]\s+)")
LIST_MARKER = re.compile(r"^\s*[-*•]\s+(?!\d+[.)]\s)")
TOC_MARKER = re.compile(r"^\s*[-*]\s+\d+[.)]\s+")
TABLE_ROW = re.compile(r"^\s*\|")
LABEL = re.compile(r"([^\s:][^:]{0,60}?):\s+(?=\S)")

SENTENCE_END = re.compile(r"[.!?…]+[\"”’')\]]*\s+(?=\S)")
OPENERS = '"“‘«(¿¡['
ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "sen",
        "rep",
        "gov",
        "gen",
        "col",
        "lt",
        "sgt",
        "jr",
        "sr",
        "vs",
        "etc",
        "no",
        "approx",
        "inc",
        "corp",
        "co",
        "ltd",
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
        "pres",
        "prof",
        "dept",
    ]
)
SPACE = re.compile(r"\s")
LETTER_DOT = re.compile(r"[^\W\d_]\.")
LETTER_CHAIN = re.compile(r"(?:[^\W\d_]\.)*[^\W\d_]")  # "U.S", "e.g": the dot that follows is an abbreviation
URL_LIKE = re.compile(r"://|^www\.|@|\.(?:com|org|net|gov|edu|int|info|io|mx|br|fr|es|ca|uk|html?|pdf)\b", re.I)
MISSING_SPACE = re.compile(r"([.,;:!?])([\"”’)]?)(?=[^\W\d_])")
PLACEHOLDER = re.compile(
    r"\[\s*(?:insert|add|enter|name of|link|source|citation|tbd|tbc|tk|todo|placeholder|xx+)\b[^\[\]]*\]"
    r"|\{\{[^{}]*\}\}|\b(?:TODO|TBD|FIXME|XXX)\b|\blorem ipsum\b",
    re.I,
)
DOUBLED_WORD = re.compile(r"\b([^\W\d_]+)\s+(\1)\b", re.I)
DOUBLES_THAT_ARE_GRAMMAR = frozenset({"had", "that"})
APOSTROPHE_AS_QUOTE = re.compile(r"(?<=[^\W_])‘")
ACCENT_AS_APOSTROPHE = re.compile(r"(?<=[^\W\d_])[´`](?=[^\W\d_])")


# ---------------------------------------------------------------- data files


@dataclass(frozen=True)
class HouseStyleRule:
    phrase: str
    replacement: str
    note: str

    @functools.cached_property
    def pattern(self) -> re.Pattern[str]:
        words = [re.escape(word).replace("'", "['’]") for word in self.phrase.split()]
        return re.compile(r"\b" + r"\s+".join(words) + r"\b", re.I)


@functools.cache
def house_style() -> tuple[HouseStyleRule, ...]:
    """The house-style list, ``pipeline/data/house_style.tsv``: phrase, replacement, note."""
    text = resources.files("pipeline").joinpath("data", "house_style.tsv").read_text(encoding="utf-8")
    rules = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            phrase, replacement, note = ([*line.split("\t"), "", ""])[:3]
            rules.append(HouseStyleRule(phrase.strip(), replacement.strip(), note.strip()))
    return tuple(rules)


# ---------------------------------------------------------------- line shapes


@dataclass(frozen=True)
class Line:
    number: int
    text: str
    starts: tuple[int, ...]  # offsets where a sentence, cell or item text begins
    sentence_starts: tuple[int, ...]  # the starts that follow a sentence end within the line
    table: bool
    toc: bool
    prose: bool  # running text (sentences), where a capitalized word mid-sentence is a name


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the '.' at ``dot`` ends an abbreviation ("U.S.", "Dr.", "e.g.") rather than a sentence."""
    token = token_before(text, dot).lstrip(OPENERS)
    return token.lower() in ABBREVIATIONS or bool(LETTER_CHAIN.fullmatch(token))


def _sentence_starts(text: str, begin: int) -> Iterator[int]:
    for match in SENTENCE_END.finditer(text, begin):
        dot = match.start()
        if text[dot] == "." and _is_abbreviation(text, dot):
            continue
        yield match.end()


def _label_end(text: str, begin: int, list_item: bool) -> int | None:
    """Where the text after a "Label: " lead starts, if the line has one."""
    match = LABEL.match(text, begin)
    if not match or not match.group(1)[:1].isupper():
        return None
    label_words = match.group(1).split()
    if len(label_words) > (6 if list_item else 4) or len(text[match.end() :].split()) < 3:
        return None
    return match.end()


def parse_line(number: int, text: str) -> Line:
    if TABLE_ROW.match(text):
        starts = []
        for cell in re.finditer(r"[^|]+", text):
            if cell.group().strip() and not re.fullmatch(r"[\s:-]+", cell.group()):
                starts.append(cell.start() + len(cell.group()) - len(cell.group().lstrip()))
        return Line(number, text, tuple(starts), (), table=True, toc=False, prose=False)
    marker = MARKER.match(text)
    body = marker.end() if marker else len(text) - len(text.lstrip())
    starts = [body]
    label_end = _label_end(text, body, bool(LIST_MARKER.match(text)))
    if label_end is not None:
        starts.append(label_end)
    sentence_starts = list(_sentence_starts(text, body))
    starts.extend(sentence_starts)
    prose = len(text[body:].split()) >= 8 and (bool(sentence_starts) or text.rstrip()[-1:] in ".!?")
    toc = bool(TOC_MARKER.match(text))
    return Line(number, text, tuple(sorted(set(starts))), tuple(sentence_starts), table=False, toc=toc, prose=prose)


def _word_at(text: str, offset: int) -> spelling.Word | None:
    while offset < len(text) and text[offset] in OPENERS:
        offset += 1
    match = spelling.WORD.match(text, offset)
    return spelling.Word(match.group(), match.start(), match.end()) if match else None


def token_at(text: str, offset: int) -> str:
    """The whitespace-delimited token around ``offset`` ("U.S.Department", "www.state.gov")."""
    start, end = _token_bounds(text, offset)
    return text[start:end]


def token_before(text: str, offset: int) -> str:
    """The whitespace-delimited token that ends at ``offset`` ("U.S" before its final ".")."""
    return text[_token_bounds(text, offset)[0] : offset]


def _token_bounds(text: str, offset: int) -> tuple[int, int]:
    spaces = _space_offsets(text)
    index = bisect.bisect_left(spaces, offset)
    start = spaces[index - 1] + 1 if index > 0 else 0
    end = spaces[index] if index < len(spaces) else len(text)
    return start, end


@functools.lru_cache(maxsize=8)
def _space_offsets(text: str) -> tuple[int, ...]:
    """Where ``text`` has whitespace, found once per text: a token is then a bisection away,
    where splitting the text before each offset was quadratic on a 1 MB line."""
    return tuple(match.start() for match in SPACE.finditer(text))


def _base(word: str) -> str:
    return spelling.POSSESSIVE.sub("", word)


def _lowercase_word(word: str) -> bool:
    """Starts in lower case and has no capital inside ("brazil", not "iPhone")."""
    return word[:1].islower() and not any(char.isupper() for char in word[1:])


# ---------------------------------------------------------------- names


@dataclass(frozen=True)
class Names:
    """Lower-case form → written form, for every single-word name this article uses."""

    written: dict[str, str]

    def correct_form(self, word: str) -> str | None:
        base = _base(word)
        if base in self.written:
            return self.written[base] + word[len(base) :]
        capitalized = word[:1].upper() + word[1:]
        # A word the dictionary knows only capitalized ("american", "latin").
        if not spelling.is_correct(word, ENGLISH) and spelling.is_correct(capitalized, ENGLISH):
            return capitalized
        return None


def collect_names(lines: Sequence[Line]) -> Names:
    """Names from the word list, plus words the article's prose capitalizes mid-sentence.

    A mid-sentence capital makes a word a name when the dictionary knows it only
    as a name ("Brazil") or not at all ("Obrador"), and the article capitalizes it
    more often than not; title-case headings and labels are not prose and do not
    count, nor does a common word inside a run of capitals ("States" of "United States").
    """
    capitalized: Counter[str] = Counter()
    lowercase: Counter[str] = Counter()
    for line in lines:
        if not line.prose:
            continue
        found = list(spelling.words(line.text))
        starts = set(line.starts)  # a set: a line of 10,000 sentences is not scanned once per word
        for index, word in enumerate(found):
            if word.start in starts or not spelling.needs_checking(word.text):
                continue
            base = _base(word.text)
            if _lowercase_word(base):
                lowercase[base] += 1
            elif base[:1].isupper() and not any(char.isupper() for char in base[1:]):
                neighbours = found[max(index - 1, 0) : index] + found[index + 1 : index + 2]
                in_run = any(other.text[:1].isupper() for other in neighbours)
                # "States" of "United States" is no name alone; an unknown word ("Obrador") always is.
                if not in_run or not spelling.is_correct(base.lower(), ENGLISH):
                    capitalized[base] += 1
    proper = spelling.proper_stems(ENGLISH)
    written = {word.lower(): word for word in spelling.project_single_names()}
    for name, count in capitalized.items():
        lower = name.lower()
        known_lowercase = spelling.is_correct(lower, ENGLISH)
        # A word also common in lower case ("brazil" wood) needs two standalone capitals to count.
        if count > lowercase[lower] and (not known_lowercase or (name in proper and count >= 2)):
            written.setdefault(lower, name)
    return Names(written)


# ---------------------------------------------------------------- checks per line


def _flag(
    code: str, message: str, line: Line, start: int, end: int, *, word: str = "", severity: Severity | None = None
) -> Flag:
    return registry.make(code, message, span=(start, end), word=word, severity=severity, line=line.number, source=True)


class Covered:
    """The characters of a line that flags already cover. Testing a span costs its length, not the
    number of flags so far, so a 1 MB line with thousands of flags stays linear."""

    def __init__(self, length: int, spans: Iterable[tuple[int, int] | None] = ()) -> None:
        self.marks = bytearray(length)
        for span in spans:
            self.add(span)

    def add(self, span: tuple[int, int] | None) -> None:
        if span is not None:
            start, end = max(span[0], 0), min(span[1], len(self.marks))
            if start < end:
                self.marks[start:end] = b"\x01" * (end - start)

    def overlaps(self, span: tuple[int, int]) -> bool:
        return any(self.marks[max(span[0], 0) : span[1]])


def _placeholders(line: Line) -> list[Flag]:
    return [
        _flag("placeholder", f"unresolved placeholder “{m.group()}”", line, m.start(), m.end(), word=m.group())
        for m in PLACEHOLDER.finditer(line.text)
    ]


def _missing_spaces(line: Line) -> list[Flag]:
    flags = []
    text = line.text
    for match in MISSING_SPACE.finditer(text):
        mark = match.start(1)
        if mark == 0 or text[mark - 1].isspace() or text[mark - 1] == ".":  # ellipsis, ". . ."
            continue
        if URL_LIKE.search(token_at(text, mark)):
            continue
        if match.group(1) == "." and LETTER_DOT.match(text, match.end()):  # inside "U.S."
            continue
        token = token_at(text, mark)
        flags.append(
            _flag(
                "missing-space",
                f"no space after “{match.group(1)}” in “{token}”",
                line,
                mark,
                match.end() + 1,
                word=token,
            )
        )
    return flags


def _lowercase_starts(line: Line, names: Names, taken: Iterable[tuple[int, int] | None]) -> list[Flag]:
    flags = []
    covered = Covered(len(line.text), taken)
    for start in line.starts:
        word = _word_at(line.text, start)
        if word is None or not _lowercase_word(word.text) or URL_LIKE.search(token_at(line.text, word.start)):
            continue
        if names.correct_form(word.text) or covered.overlaps((word.start, word.end)):
            continue  # a lower-case name is reported as name-casing; link residue already covers it
        flags.append(
            _flag("lowercase-start", f"starts in lower case: “{word.text}”", line, word.start, word.end, word=word.text)
        )
    return flags


def _name_casing(line: Line, names: Names) -> list[Flag]:
    flags = []
    covered = Covered(len(line.text))
    for name in sorted(spelling.project_names(), key=len, reverse=True):
        pattern = r"\b" + r"\s+".join(re.escape(part) for part in name.split()) + r"\b"
        for match in re.finditer(pattern, line.text, re.I):
            found = match.group().split()
            lowered = any(want[:1].isupper() and got[:1].islower() for want, got in zip(name.split(), found))
            if lowered and not covered.overlaps(match.span()):
                message = f"“{match.group()}”: the name is written “{name}”"
                flags.append(_flag("name-casing", message, line, *match.span(), word=name))
                covered.add(match.span())
    for word in spelling.words(line.text):
        if not spelling.needs_checking(word.text) or not _lowercase_word(word.text):
            continue
        if covered.overlaps((word.start, word.end)):
            continue
        correct = names.correct_form(word.text)
        if correct:
            message = f"“{word.text}”: the name is written “{correct}”"
            flags.append(_flag("name-casing", message, line, word.start, word.end, word=correct))
            covered.add((word.start, word.end))
    return flags


def _spelling(line: Line, casing: list[Flag]) -> list[Flag]:
    flags = []
    covered = Covered(len(line.text), (f.span for f in casing))
    for miss in spelling.misspellings(line.text, ENGLISH):
        if covered.overlaps((miss.start, miss.end)):
            continue
        if miss.word[:1].isupper():
            message = (
                f"“{miss.word}” is in neither the dictionary nor the project word list (a name? add it to words.txt)"
            )
            flags.append(_flag("spelling", message, line, miss.start, miss.end, word=miss.word, severity=Severity.INFO))
        else:
            hints = spelling.suggestions(miss.word, ENGLISH)
            message = f"“{miss.word}” is misspelled" + (f" (did you mean {', '.join(hints)}?)" if hints else "")
            flags.append(_flag("spelling", message, line, miss.start, miss.end, word=miss.word))
    return flags


def _doubled_words(line: Line) -> list[Flag]:
    return [
        _flag("doubled-word", f"word repeated: “{m.group()}”", line, m.start(), m.end(), word=m.group(1))
        for m in DOUBLED_WORD.finditer(line.text)
        if m.group(1).lower() not in DOUBLES_THAT_ARE_GRAMMAR
    ]


def _quote_characters(line: Line) -> list[Flag]:
    flags = []
    for pattern in (APOSTROPHE_AS_QUOTE, ACCENT_AS_APOSTROPHE):
        for match in pattern.finditer(line.text):
            token = token_at(line.text, match.start())
            message = f"“{match.group()}” used as an apostrophe in “{token}”: write ’"
            flags.append(_flag("quote-character", message, line, match.start(), match.end(), word=token))
    return flags


def _link_residue(line: Line) -> list[Flag]:
    """A paragraph whose text goes on after its last sentence with a short, name-like tail."""
    if line.table or line.toc or not line.sentence_starts:
        return []
    tail_start = line.sentence_starts[-1]
    tail = line.text[tail_start:].rstrip()
    words = tail.split()
    if len(line.text[:tail_start].split()) < 6 or not 1 <= len(words) <= 8:
        return []
    if re.search(r"[.!?…:;,][\"”’')\]]*$", tail) or not any(word[:1].isupper() for word in words):
        return []
    message = f"paragraph ends in a bare name after its last sentence: “{tail}” (a link that lost its URL?)"
    return [_flag("link-residue", message, line, tail_start, tail_start + len(tail), word=tail)]


def _house_style(line: Line) -> list[Flag]:
    flags = []
    for rule in house_style():
        for match in rule.pattern.finditer(line.text):
            message = f"“{match.group()}” → “{rule.replacement}”" + (f" ({rule.note})" if rule.note else "")
            flags.append(_flag("house-style", message, line, match.start(), match.end(), word=match.group()))
    return flags


def lint_text(text: str, path: str) -> list[Flag]:
    """Every problem in an English article, each flag with its 1-based source line.

    Pure: ``text`` is the article's content; ``path`` is only its name (flags
    locate themselves by line and span, the caller pairs them with the file).
    """
    lines = [parse_line(number, line) for number, line in enumerate(text.splitlines(), start=1)]
    names = collect_names(lines)
    flags: list[Flag] = []
    for line in lines:
        if not line.text.strip():
            continue
        residue = _link_residue(line)
        casing = _name_casing(line, names)
        flags += _placeholders(line) + _missing_spaces(line) + residue + casing
        flags += _lowercase_starts(line, names, [f.span for f in residue])
        flags += _spelling(line, casing) + _doubled_words(line) + _quote_characters(line) + _house_style(line)
    return sorted(flags, key=lambda f: (f.line or 0, f.span or (0, 0), f.code))


# ---------------------------------------------------------------- table of contents


def _comparable_title(text: str) -> str:
    text = unicodedata.normalize("NFKC", FROZEN_TAG.sub("", text)).casefold()
    text = re.sub(r"[‘’`´]", "'", re.sub(r"[“”«»]", '"', re.sub(r"[–—]", "-", text)))
    return re.sub(r"\s+", " ", text).strip(" .:")


def toc_mismatches(doc: Document) -> list[Flag]:
    """TOC entries matching no heading (ignoring case, spacing, quote and dash style)."""
    headings = {_comparable_title(block.text) for block in doc.of_kind(BlockKind.HEADING)}
    return [
        registry.make(
            "toc-mismatch",
            f"table-of-contents entry “{block.text}” matches no heading",
            line=block.line,
            source=True,
            word=block.text,
        )
        for block in doc.of_kind(BlockKind.TOC_ENTRY)
        if _comparable_title(block.text) not in headings
    ]


# ---------------------------------------------------------------- unambiguous fixes


@dataclass(frozen=True)
class Fix:
    start: int
    end: int
    replacement: str
    code: str


def mechanical_fixes(text: str) -> list[Fix]:
    """Quote characters used as apostrophes and missing spaces after punctuation: fixes that need no context."""
    fixes = [Fix(m.start(), m.end(), "’", "quote-character") for m in APOSTROPHE_AS_QUOTE.finditer(text)]
    fixes += [Fix(m.start(), m.end(), "’", "quote-character") for m in ACCENT_AS_APOSTROPHE.finditer(text)]
    for match in re.finditer(r"(?<=[^\W_])([.,])(?=[^\W\d_])", text):
        mark = match.start()
        if URL_LIKE.search(token_at(text, mark)):
            continue
        next_word = spelling.WORD.match(text, mark + 1)
        if match.group(1) == ",":
            fixes.append(Fix(mark, mark + 1, ", ", "missing-space"))
            continue
        if next_word is None or len(next_word.group()) < 2 or text[next_word.end() : next_word.end() + 1] == ".":
            continue  # "U.S" inside an abbreviation, or a lone letter
        previous = token_before(text, mark).lstrip(OPENERS)
        after_abbreviation = bool(LETTER_CHAIN.fullmatch(previous)) and "." in previous
        sentence_join = (
            previous[-2:].isalpha() and previous[-1].islower() and re.match(r"[A-Z][a-z]", next_word.group())
        )
        if after_abbreviation or sentence_join:
            fixes.append(Fix(mark, mark + 1, ". ", "missing-space"))
    return sorted(fixes, key=lambda fix: fix.start)


def engine_fixes(text: str) -> tuple[str, list[Flag]]:
    """The text with unambiguous fixes applied, and one ``info`` flag per fix (spans in the input)."""
    flags = []
    pieces = []
    position = 0
    for fix in mechanical_fixes(text):
        token = token_at(text, fix.start)
        fixed_token = token.replace(text[fix.start : fix.end], fix.replacement, 1)
        message = f"fixed for the engine: “{token}” → “{fixed_token}”"
        flags.append(
            registry.make(fix.code, message, span=(fix.start, fix.end), word=token, severity=Severity.INFO, source=True)
        )
        pieces += [text[position : fix.start], fix.replacement]
        position = fix.end
    pieces.append(text[position:])
    return "".join(pieces), flags


def fix_article(text: str, prose: str | None = None) -> str:
    """A whole article with the same unambiguous fixes (``newsloc lint --fix``); line breaks kept.

    ``prose`` is the article with its markup blanked (``readers.prose_view``): fixes are
    found there, so code, attributes and URLs are never touched, and applied to ``text``.
    """
    if prose is None:
        return engine_fixes(text)[0]
    if len(prose) != len(text):
        raise ValueError("the prose view must keep every offset of the text")
    pieces, position = [], 0
    for fix in mechanical_fixes(prose):
        pieces += [text[position : fix.start], fix.replacement]
        position = fix.end
    pieces.append(text[position:])
    return "".join(pieces)


def flags_for_segment(
    flags: Sequence[Flag], line_text: str, segment_text: str, line: int, offset: int | None = None
) -> list[Flag]:
    """The source flags of ``line`` that fall inside one of its segments, spans re-based to the segment.

    A flag without a span (a TOC mismatch) belongs to every segment of its line. ``offset``:
    where the segment starts in the line, if the caller knows (-1: not verbatim in it).
    When the segment text is not found verbatim in the line (inline codes), a
    flag belongs to it when the flagged text occurs in the segment.
    """
    found = []
    if offset is None:
        offset = line_text.find(segment_text)
    for flag in flags:
        if flag.line != line:
            continue
        if flag.span is None:
            found.append(flag)
            continue
        start, end = flag.span
        if offset >= 0:
            if offset <= start and end <= offset + len(segment_text):
                found.append(replace(flag, span=(start - offset, end - offset), line=line))
            continue
        where = segment_text.find(line_text[start:end])
        if where >= 0:
            found.append(replace(flag, span=(where, where + end - start), line=line))
    return found
