"""Target checks: what may be wrong with one translated segment, as review flags.

``check_translation`` runs the table ``CHECKS`` over a (source, target) pair and
collects every finding; ``describe_checks`` lists all checks, source lint
included, for the review page legend. Glossary and confidence flags come from
their own modules, inline codes from ``pipeline.inline.code_problems``. A translator silences a flag on one segment with a
translator comment ``newsloc: ignore <code> [<code> …]``.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from pipeline import flags, spelling
from pipeline.flags import FlagCode, Side
from pipeline.inline import FROZEN_TAG
from pipeline.lint import ENGLISH, token_before
from pipeline.marks import MarkKind, find_marks, first_spans
from pipeline.model import Flag, Locale, Severity

URL = re.compile(r"(?:https?://|www\.)[^\s<>\"“”«»]+[^\s<>\"“”«».,;:!?)]")
# Starts only where a run of address characters starts: one try per run, not per character of a long word.
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
SPACES = " \u00a0\u202f"
# A number as written in any of our locales: 1,234.5 / 1.234,5 / 1 234,5 (thin spaces too).
NUMBER = re.compile(r"\d+(?:[.,]\d+|[ \u00a0\u202f]\d{3}(?!\d))*")
# Scale words after a number, by language (Spanish "billón" and French "billion" are 10^12).
SCALES = {
    "en": (("thousand", 10**3), ("million|millions|mn", 10**6), ("billion|billions|bn", 10**9),
           ("trillion|trillions", 10**12)),
    "es": (("mil millones", 10**9), ("mil", 10**3), ("millón|millones", 10**6), ("billón|billones", 10**12)),
    "fr": (("mille", 10**3), ("million|millions", 10**6), ("milliard|milliards", 10**9),
           ("billion|billions", 10**12)),
    "pt": (("mil", 10**3), ("milhão|milhões", 10**6), ("bilhão|bilhões", 10**9), ("trilhão|trilhões", 10**12)),
}  # fmt: skip
SCALE_WORDS = {
    language: re.compile(
        r"[\s\u00a0\u202f]*("
        + "|".join(sorted((w for words, _ in scales for w in words.split("|")), key=len, reverse=True))
        + r")(?!\w)",
        re.I,
    )
    for language, scales in SCALES.items()
}
# Centuries in Roman numerals, French ordinal suffix allowed ("siglo XIX", "XIXe siècle").
ROMAN = re.compile(
    r"\b(?=[MDCLXVI]{2,}(?:e|er|re|ème)?\b)M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
    r"(?=(?:e|er|re|ème)?\b)"
)
# Closers after the final mark; "~" is the pseudo engine's padding ("[Ţĥé éñđ. ~~~]").
TRAILING_CLOSERS = re.compile(r"(?:[\s\"”»’')\]~]|</\d+>|<[a-z]?\d+/>)+$")
END_MARKS = ".?!…"
FINAL_ABBREVIATION = re.compile(r"(?:\b[^\W\d_]{1,2}\.\s?){2,}$|\betc\.$")  # U.S. / EE.UU. / EE. UU. / etc.
WORD_TOKEN = re.compile(r"[^\W_]+(?:[’'-][^\W_]+)*")
# Doubled words that are grammar in the target language ("nous nous sommes").
GRAMMATICAL_DOUBLES = {"fr": {"nous", "vous"}, "es": set(), "pt": set()}
# Target/source length ratio allowed, by source length in characters (tags removed). Careful human
# translations of three articles (es, fr, pt-BR; 708 pairs) never went below 0.73 / 0.75 / 0.89.
LENGTH_BANDS = ((40, 0.5, 3.0), (120, 0.65, 2.2), (10**9, 0.7, 1.8))
SHORTEST_MEASURED = 20  # titles and labels ("Table of Contents" → "Índice") vary too much to judge
# A full stop or comma just inside a closing quote (typography.py moves it after in Spanish).
STOP_INSIDE_QUOTE = re.compile(r"(?<=[^\s.…\u00a0\u202f])([.,])([»”]+)(?![»”.,;:!?…])")
# A sentence end: . ? ! … (and closers), spaces, then what starts a sentence.
SENTENCE_BREAK = re.compile(r"([.?!…])[\"”»’')\]]*[\s\u00a0\u202f]+(?=[¿¡«“\"(]?[^\W\d_])(?=\S*[^\W\d_])")
OPENING_PUNCTUATION = '"“‘«(¿¡['
# "EE. UU.", "U.S.", "p. ej.", a single initial: the "." ends an abbreviation, not a sentence.
ABBREVIATION_END = re.compile(r"(?:[^\W\d_]{1,2}\.){2,}$|^[^\W\d_a-zà-ÿ]{1,2}\.$")
ABBREVIATIONS = frozenset((
    "mr.", "mrs.", "ms.", "dr.", "st.", "sr.", "sra.", "srta.", "dra.", "jr.", "gen.", "gov.", "sen.", "rep.",
    "lt.", "prof.", "mme.", "mlle.", "nº.", "vs.", "etc.", "inc.", "corp.", "ltd.", "av.", "jan.", "feb.", "apr.",
    "jun.", "jul.", "aug.", "sept.", "oct.", "nov.", "dec.",
))  # fmt: skip
# Checks that consult the dictionaries (and accept the glossary's words).
DICTIONARY_CHECKS = frozenset({"target-spelling", "leftover"})
# Languages Apertium reaches through Spanish, where Spanish leftovers show up ("EE.UU." in French).
PIVOTED = frozenset({"fr", "pt", "ca", "gl", "it"})
PIVOT_ABBREVIATIONS = re.compile(r"(?<!\w)EE\.\s?UU\.?|(?<!\w)EEUU(?!\w)")


@dataclass(frozen=True)
class Pair:
    source: str
    target: str
    locale: Locale
    raw_output: str = ""
    accepted_words: frozenset[str] = frozenset()  # case-folded words to accept (the glossary's terms)
    engine_words: frozenset[str] = frozenset()  # case-folded words an engine flag already names
    spell: bool = True  # False: no dictionary is consulted
    marks: tuple[MarkKind, ...] = ()  # what the engines write before words they could not handle


@dataclass(frozen=True)
class Finding:
    message: str
    span: tuple[int, int] | None = None
    severity: Severity | None = None  # None: the check's own severity
    word: str = ""  # the word or term the finding is about


@dataclass(frozen=True)
class Check:
    code: str  # registered in pipeline.flags, which holds its severity and description
    run: Callable[[Pair], Iterable[Finding]]

    @property
    def info(self) -> FlagCode:
        return flags.info(self.code)


def _masked(text: str) -> str:
    """Tags, URLs and e-mail addresses blanked out, offsets unchanged."""
    for pattern in (FROZEN_TAG, URL, EMAIL):
        text = pattern.sub(lambda m: " " * len(m.group()), text)
    return text


# ---------------------------------------------------------------- presence


def _untranslated(pair: Pair) -> Iterator[Finding]:
    if pair.source.strip() and not pair.target.strip():
        yield Finding("no translation")


def _names_only(text: str) -> bool:
    """Nothing to translate: only names, acronyms, numbers, codes ("AMLO", "Le Journal de Québec")."""
    text = _masked(text)
    for name in spelling.project_names():
        text = re.sub(re.escape(name), " ", text, flags=re.I)
    for word in spelling.words(text):
        if not spelling.needs_checking(word.text):
            continue
        base = spelling.POSSESSIVE.sub("", word.text)
        if not base[:1].isupper() or spelling.is_correct(base.lower(), ENGLISH):
            return False
    return True


def _same_word_in_target_language(text: str, locale: Locale) -> bool:
    """A short segment spelled the same in both languages ("Intervention" in French)."""
    found = list(spelling.words(text))
    if not found or len(found) > 3 or not spelling.available(locale.tag):
        return False
    name = spelling.dictionary_name(locale.tag)
    return all(spelling.is_correct(word.text, name) for word in found)


def _unchanged(pair: Pair) -> Iterator[Finding]:
    if not pair.target.strip() or pair.target.strip() != pair.source.strip():
        return
    if not _names_only(pair.source) and not _same_word_in_target_language(pair.target, pair.locale):
        yield Finding("target is identical to the source")


# ---------------------------------------------------------------- numbers, URLs


def _number_values(token: str) -> set[Decimal]:
    """Every value a written number can mean across en/es/fr/pt separators."""
    token = re.sub(f"[{SPACES}]", "", token)
    values = set()
    marks = [char for char in token if char in ".,"]
    groups = re.split(r"[.,]", token)
    if not marks:
        candidates = [token]
    elif len(set(marks)) == 2:
        decimal_mark = token[max(token.rfind("."), token.rfind(","))]
        group_mark = "," if decimal_mark == "." else "."
        candidates = [token.replace(group_mark, "").replace(decimal_mark, ".")]
    else:
        mark = marks[0]
        candidates = []
        if all(len(group) == 3 for group in groups[1:]):
            candidates.append(token.replace(mark, ""))  # thousands groups
        if len(marks) == 1:
            candidates.append(token.replace(mark, "."))  # a decimal mark
    for candidate in candidates:
        try:
            values.add(Decimal(candidate).normalize())
        except InvalidOperation:
            continue
    return values


def _roman_value(numeral: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    total = 0
    for index, char in enumerate(numeral):
        value = values[char]
        following = values[numeral[index + 1]] if index + 1 < len(numeral) else 0
        total += -value if value < following else value
    return total


def _scaled_values(text: str, match: re.Match[str], language: str) -> set[Decimal]:
    """A number's values, times the scale word after it ("1.5 billion", "1500 millones", "1,5 milliard")."""
    values = _number_values(match.group())
    scale = SCALE_WORDS[language].match(text, match.end()) if language in SCALE_WORDS else None
    if scale is None:
        return values
    factor = next(
        Decimal(factor) for words, factor in SCALES[language] if scale.group(1).casefold() in words.split("|")
    )
    return {(value * factor).normalize() for value in values}


def _numbers(pair: Pair) -> Iterator[Finding]:
    target_text = _masked(pair.target)
    source_text = _masked(pair.source)
    language = pair.locale.language
    source_numbers = [(m.group(), _scaled_values(source_text, m, "en")) for m in NUMBER.finditer(source_text)]
    target_numbers = [(m, _scaled_values(target_text, m, language)) for m in NUMBER.finditer(target_text)]
    romans = [{Decimal(_roman_value(m.group()))} for m in ROMAN.finditer(target_text)]
    unused, unused_romans = _FirstUnused([values for _, values in target_numbers]), _FirstUnused(romans)
    for written, values in source_numbers:
        # the first unused target number with one of its values, else a Roman numeral ("19th" → "siglo XIX")
        if unused.take(values) is None and unused_romans.take(values) is None:
            yield Finding(f"number {written} of the source is missing from the target", word=written)
    for index, (match, _) in enumerate(target_numbers):
        if index not in unused.taken:
            yield Finding(f"number {match.group()} is not in the source", match.span(), word=match.group())


class _FirstUnused:
    """Items (each a set of values) taken in order: ``take`` gives the first unused item holding one of
    the values. Indexed by value, so pairing thousands of numbers is linear, not a scan per number."""

    def __init__(self, items: Sequence[set[Decimal]]) -> None:
        self.by_value: dict[Decimal, list[int]] = {}
        for index, values in enumerate(items):
            for value in values:
                self.by_value.setdefault(value, []).append(index)
        self.next: dict[Decimal, int] = {}  # per value, where its unused items start
        self.taken: set[int] = set()

    def take(self, values: Iterable[Decimal]) -> int | None:
        best = None
        for value in values:
            indexes = self.by_value.get(value, [])
            at = self.next.get(value, 0)
            while at < len(indexes) and indexes[at] in self.taken:
                at += 1
            self.next[value] = at
            if at < len(indexes) and (best is None or indexes[at] < best):
                best = indexes[at]
        if best is not None:
            self.taken.add(best)
        return best


def _urls(pair: Pair) -> Iterator[Finding]:
    for pattern, kind in ((URL, "URL"), (EMAIL, "e-mail address")):
        target_items = pattern.findall(pair.target)
        left = Counter(target_items)  # counts, not list scans: thousands of links stay linear
        paired: Counter[str] = Counter()
        for item in pattern.findall(pair.source):
            if left[item] > 0:
                left[item] -= 1
                paired[item] += 1  # the target's first occurrences are the paired ones
            else:
                yield Finding(f"{kind} {item} is missing or changed", severity=Severity.ERROR, word=item)
        for item in target_items:
            if paired[item] > 0:
                paired[item] -= 1
            else:
                yield Finding(f"{kind} {item} is not in the source", severity=Severity.WARNING, word=item)


# ---------------------------------------------------------------- punctuation and spacing

BRACKET_FAMILIES = (
    ("round brackets", "(", ")"),
    ("square brackets", "[", "]"),
    ("quotation marks", "“«", "”»"),
)


def _imbalance(text: str, opening: str, closing: str) -> int:
    return sum(text.count(char) for char in opening) - sum(text.count(char) for char in closing)


def _unbalanced(pair: Pair) -> Iterator[Finding]:
    source, target = FROZEN_TAG.sub("", pair.source), FROZEN_TAG.sub("", pair.target)
    for name, opening, closing in BRACKET_FAMILIES:
        wanted, found = _imbalance(source, opening, closing), _imbalance(target, opening, closing)
        if wanted != found:
            yield Finding(f"unbalanced {name}: {found:+d} in the target, {wanted:+d} in the source")
    if source.count('"') % 2 != target.count('"') % 2:
        yield Finding('unbalanced straight quotes (")')


def _final_mark(text: str) -> str:
    """The closing . ? ! … of a text; "abbreviation" when a final '.' may just end "U.S." or "EE. UU."."""
    text = text[: _trailing_closers(text)]
    if text.endswith("..."):
        return "…"
    # Only the end can match ("$"): searching there, not from every word of a long text, keeps it linear.
    if FINAL_ABBREVIATION.search(text, max(0, len(text) - TAIL_WINDOW)):
        return "abbreviation"
    return text[-1] if text and text[-1] in END_MARKS else ""


TAIL_WINDOW = 200  # more than any run of closers or chain of abbreviations a sentence ends with


def _trailing_closers(text: str) -> int:
    """Where the closers at the end of ``text`` start (``len(text)``: none)."""
    start = max(0, len(text) - TAIL_WINDOW)
    found = TRAILING_CLOSERS.search(text, start)
    if found and found.start() == start > 0:
        found = TRAILING_CLOSERS.search(text)  # a run longer than the window: look at the whole text
    return found.start() if found else len(text)


def _end_punctuation(pair: Pair) -> Iterator[Finding]:
    wanted, found = _final_mark(pair.source), _final_mark(pair.target)
    if wanted == found or ({wanted, found} <= {"abbreviation", ".", ""} and "abbreviation" in {wanted, found}):
        return
    if not found:
        yield Finding(f"the source ends with “{wanted}”, the target has no final punctuation")
    elif not wanted:
        yield Finding(f"the target ends with “{found}”, the source has no final punctuation")
    else:
        yield Finding(f"the target ends with “{found}” where the source ends with “{wanted}”")


def _inverted_marks(pair: Pair) -> Iterator[Finding]:
    text = _masked(pair.target)
    if pair.locale.language != "es":
        for mark in "¿¡":
            if mark in text:
                yield Finding(f"“{mark}” is Spanish punctuation", (text.index(mark), text.index(mark) + 1))
        return
    for opening, closing in (("¿", "?"), ("¡", "!")):
        depth = 0
        for index, char in enumerate(text):
            if char == opening:
                depth += 1
            elif char == closing:
                if depth == 0:
                    yield Finding(f"“{closing}” without an opening “{opening}”", (index, index + 1))
                else:
                    depth -= 1
        if depth > 0:
            yield Finding(f"“{opening}” without a closing “{closing}”")


def _quote_punctuation(pair: Pair) -> Iterator[Finding]:
    """Spanish puts the full stop or comma after the closing quote («América».), not inside."""
    if pair.locale.language != "es":
        return
    for match in STOP_INSIDE_QUOTE.finditer(_masked(pair.target)):
        mark, quote = match.groups()
        message = f"“{mark}{quote}”: the RAE puts the “{mark}” after the closing quote (“{quote}{mark}”)"
        yield Finding(message, match.span(), word=mark + quote)


def _sentence_count(text: str) -> int:
    text = _masked(text)
    breaks = 0
    for match in SENTENCE_BREAK.finditer(text):
        before = token_before(text, match.start() + 1).lstrip(OPENING_PUNCTUATION)
        if match.group(1) == "." and (ABBREVIATION_END.search(before) or before.lower() in ABBREVIATIONS):
            continue
        breaks += 1
    return breaks + 1 if text.strip() else 0


def _added_sentence(pair: Pair) -> Iterator[Finding]:
    wanted, found = _sentence_count(pair.source), _sentence_count(pair.target)
    if found > wanted:
        yield Finding(f"the target has {found} sentences where the source has {wanted}: was something added?")


def _whitespace(pair: Pair) -> Iterator[Finding]:
    target, source = pair.target, pair.source
    if target != target.lstrip() and source == source.lstrip():
        yield Finding("leading whitespace", (0, len(target) - len(target.lstrip())))
    if target != target.rstrip() and source == source.rstrip():
        yield Finding("trailing whitespace", (len(target.rstrip()), len(target)))
    if "  " not in source:
        for match in re.finditer(r"(?<=\S) {2,}(?=\S)", target):
            yield Finding("doubled space", match.span())


def _french_spacing(pair: Pair) -> Iterator[Finding]:
    if pair.locale.language != "fr":
        return
    text = _masked(pair.target)
    for match in re.finditer(r"[;!?:]", text):
        mark, index = match.group(), match.start()
        before = text[index - 1] if index else ""
        if not before or before in ";!?:" or (mark == ":" and text[index + 1 : index + 2].isdigit()):
            continue  # "?!", start of text, times like 10:30
        # Before ":" both no-break spaces are accepted French practice; before ; ! ? the narrow one.
        wanted = "\u00a0\u202f" if mark == ":" else "\u202f"
        wanted_name = "a no-break space (U+00A0 or U+202F)" if mark == ":" else "a narrow no-break space (U+202F)"
        if before not in wanted:
            problem = "a space of the wrong kind" if before in SPACES else "no space"
            yield Finding(f"“{mark}” needs {wanted_name} before it, found {problem}", (max(index - 1, 0), index + 1))
    for match in re.finditer(r"«(.?)", text):
        if match.group(1) not in "\u00a0\u202f" or not match.group(1):
            yield Finding("« needs a no-break space after it", match.span())
    for match in re.finditer(r"(.?)»", text):
        if match.group(1) not in "\u00a0\u202f" or not match.group(1):
            yield Finding("» needs a no-break space before it", match.span())


# ---------------------------------------------------------------- words


def _tokens(text: str) -> list[re.Match[str]]:
    return list(WORD_TOKEN.finditer(_masked(text)))


def _repetition_spans(text: str) -> list[tuple[int, int, str]]:
    """Runs where the same 1–4 word n-gram repeats 3+ times back to back."""
    tokens = _tokens(text)
    words = [token.group().casefold() for token in tokens]
    runs: list[tuple[int, int, str]] = []
    index = 0
    while index < len(words):
        for size in range(1, 5):
            gram = words[index : index + size]
            repeats = 1
            while words[index + repeats * size : index + (repeats + 1) * size] == gram:
                repeats += 1
            if len(gram) == size and repeats >= 3:
                end = index + repeats * size - 1
                runs.append((tokens[index].start(), tokens[end].end(), " ".join(gram)))
                index = end
                break
        index += 1
    return runs


def _repetition(pair: Pair) -> Iterator[Finding]:
    target_runs = _repetition_spans(pair.target)
    if target_runs and _repetition_spans(pair.source):
        return  # the source repeats itself too (once, not once per run: linear)
    for start, end, gram in target_runs:
        yield Finding(f"“{gram}” repeats 3 or more times (an engine loop?)", (start, end), word=gram)


def _inside(spans: list[tuple[int, int]], starts: list[int], offset: int) -> bool:
    """Whether ``offset`` falls in one of the sorted, non-overlapping ``spans`` (a bisection, not a scan)."""
    index = bisect.bisect_right(starts, offset) - 1
    return index >= 0 and spans[index][0] <= offset < spans[index][1]


def _doubled_words(pair: Pair) -> Iterator[Finding]:
    allowed = GRAMMATICAL_DOUBLES.get(pair.locale.language, set())
    looped = sorted((start, end) for start, end, _ in _repetition_spans(pair.target))
    loop_starts = [start for start, _ in looped]
    if re.search(r"\b(\w+)\s+\1\b", pair.source, re.I):
        return  # the source doubles a word too; the source lint reports it
    tokens = _tokens(pair.target)
    for first, second in itertools.pairwise(tokens):
        word = first.group().casefold()
        if word != second.group().casefold() or word in allowed or word.isdigit():
            continue
        if pair.target[first.end() : second.start()].strip() or _inside(looped, loop_starts, first.start()):
            continue
        yield Finding(
            f"word repeated: “{first.group()} {second.group()}”", (first.start(), second.end()), word=first.group()
        )


def _length(pair: Pair) -> Iterator[Finding]:
    source = FROZEN_TAG.sub("", pair.source).strip()
    target = FROZEN_TAG.sub("", pair.target).strip()
    if len(source) < SHORTEST_MEASURED or not target:
        return
    ratio = len(target) / len(source)
    low, high = next((low, high) for limit, low, high in LENGTH_BANDS if len(source) < limit)
    if not low <= ratio <= high:
        yield Finding(f"target is {ratio:.2f}× the source length (expected {low}–{high}×)")


def _engine_marks(code: str) -> Callable[[Pair], Iterator[Finding]]:
    """A check for one kind of engine mark (given as data in the pair) in the raw output or the target."""

    def run(pair: Pair) -> Iterator[Finding]:
        kinds = [kind for kind in pair.marks if kind.code == code]
        found = find_marks(pair.raw_output or pair.target, kinds, pair.source)
        # each word's first place in the target, in one pass (a search per mark was quadratic)
        where = first_spans(pair.target, max((len(mark.word) for mark in found), default=0))
        for mark in found:
            message = f"{mark.kind.meaning} “{mark.word}” (mark {mark.symbol})"
            yield Finding(message, where.get(mark.word), word=mark.word)

    return run


def _source_forms(source: str) -> frozenset[str]:
    """Every word of the source, case-folded, with its hyphen parts and its possessive base ("Washington’s")."""
    forms: set[str] = set()
    for word in spelling.words(source):
        for part in (word.text, *word.text.split("-")):
            forms.update((part.casefold(), spelling.POSSESSIVE.sub("", part).casefold()))
    return frozenset(forms)


@functools.lru_cache(maxsize=4096)
def _unknown_words(pair: Pair) -> tuple[tuple[spelling.Misspelling, str], ...]:
    """Target words the locale's dictionaries lack, each with what it is: "english", "pivot" or "" (misspelled).

    A capitalized word the source has too is a name and is skipped; a glossary word is
    accepted; a word an engine already flagged (Apertium's *word) is not reported again.
    """
    name = spelling.dictionary_name(pair.locale.tag)
    source_forms = _source_forms(pair.source)
    found = []
    for miss in spelling.misspellings(pair.target, name, ignore=pair.accepted_words):
        folded = miss.word.casefold()
        parts = [part.casefold() for part in miss.word.split("-") if part]
        from_source = folded in source_forms or spelling.POSSESSIVE.sub("", folded) in source_forms
        if miss.word[:1].isupper():
            if not from_source:
                found.append((miss, ""))
            continue
        if folded in pair.engine_words:
            continue
        english_parts = [part in source_forms for part in parts]
        if from_source or (
            any(english_parts)
            and all(known or spelling.is_correct(part, name) for part, known in zip(parts, english_parts))
        ):
            found.append((miss, "english"))
        elif pair.locale.language in PIVOTED and spelling.available("es") and spelling.is_correct(miss.word, "es_ES"):
            found.append((miss, "pivot"))
        else:
            found.append((miss, ""))
    return tuple(found)


def _target_spelling(pair: Pair) -> Iterator[Finding]:
    name = spelling.dictionary_name(pair.locale.tag)
    for miss, kind in _unknown_words(pair):
        if kind:
            continue  # a leftover, reported as such
        severity = Severity.INFO if miss.word[:1].isupper() else Severity.WARNING
        yield Finding(f"“{miss.word}” is not in the {name} dictionary", (miss.start, miss.end), severity, miss.word)


def _leftovers(pair: Pair) -> Iterator[Finding]:
    """English words of the source left in the target, and Spanish ones the pivot let through."""
    if pair.locale.language in PIVOTED:
        for match in PIVOT_ABBREVIATIONS.finditer(_masked(pair.target)):
            yield Finding(f"“{match.group()}” is Spanish (left by the pivot?)", match.span(), word=match.group())
    if not pair.spell:
        return
    for miss, kind in _unknown_words(pair):
        if kind == "english":
            yield Finding(f"“{miss.word}” is English, left untranslated", (miss.start, miss.end), word=miss.word)
        elif kind == "pivot":
            yield Finding(f"“{miss.word}” is Spanish (left by the pivot?)", (miss.start, miss.end), word=miss.word)


# ---------------------------------------------------------------- the table


CHECKS: tuple[Check, ...] = (
    Check("untranslated", _untranslated),
    Check("unchanged", _unchanged),
    Check("numbers", _numbers),
    Check("urls", _urls),
    Check("unbalanced", _unbalanced),
    Check("end-punctuation", _end_punctuation),
    Check("inverted-marks", _inverted_marks),
    Check("quote-punctuation", _quote_punctuation),
    Check("whitespace", _whitespace),
    Check("doubled-word", _doubled_words),
    Check("repetition", _repetition),
    Check("length", _length),
    Check("unknown-word", _engine_marks("unknown-word")),
    Check("generation-error", _engine_marks("generation-error")),
    Check("transfer-error", _engine_marks("transfer-error")),
    Check("added-sentence", _added_sentence),
    Check("target-spelling", _target_spelling),
    Check("leftover", _leftovers),
    Check("french-spacing", _french_spacing),
)


def describe_checks(include_source: bool = True) -> list[FlagCode]:
    """Every code the checks (and, with ``include_source``, the source lint) raise, for the legend.

    A code both sides use ("doubled-word") is listed once.
    """
    wanted = {check.code for check in CHECKS}
    return [
        entry for entry in flags.FLAG_CODES if entry.code in wanted or (include_source and Side.SOURCE in entry.sides)
    ]


def check_translation(
    source: str,
    target: str,
    locale: Locale,
    *,
    engine_flags: Iterable[Flag] = (),
    raw_output: str = "",
    marks: Sequence[MarkKind] = (),
    spell: bool = True,
    skip: Collection[str] = (),
    accepted_words: frozenset[str] = frozenset(),
    run: Callable[[Check, Pair], list[Flag]] | None = None,
) -> list[Flag]:
    """Every problem found in one translated segment, engine flags first.

    ``raw_output`` is the engine's text before any post-processing; ``marks``
    are the engines' marks (``Engine.marks``) to look for in it or the target; a check whose code is among ``engine_flags`` does not run
    again (the Apertium engine reports its own marks); ``spell=False`` skips the hunspell check (slow to load for
    pt_BR); ``skip`` names check codes not to run. An empty target yields only
    the ``untranslated`` flag: nothing else can be judged.
    """
    run = run or run_check
    found = list(engine_flags)
    engine_words = frozenset(flag.word.casefold() for flag in found if flag.word)
    pair = Pair(
        source,
        target,
        locale,
        raw_output,
        accepted_words=frozenset(accepted_words),
        engine_words=engine_words,
        spell=spell,
        marks=tuple(marks),
    )
    # What the engine reported itself is not found again (Apertium marks).
    skipped = set(skip) | {flag.code for flag in found} | ({"target-spelling"} if not spell else set())
    seen = set(found)  # a set, not a list scan: thousands of flags on a long segment stay linear
    for check in CHECKS:
        if check.code in skipped:
            continue
        for flag in run(check, pair):
            if flag not in seen:
                seen.add(flag)
                found.append(flag)
        if not target.strip():
            break  # nothing else can be judged on an empty target
    return found


def run_check(check: Check, pair: Pair) -> list[Flag]:
    """One check's flags for one pair (the build's cache calls this only for what changed)."""
    return [
        flags.make(check.code, finding.message, span=finding.span, word=finding.word, severity=finding.severity)
        for finding in check.run(pair)
    ]


# ---------------------------------------------------------------- silencing

SILENCE = re.compile(r"^\s*newsloc:\s*ignore\b(.*)$", re.I | re.M)
# What follows an em dash (or " -- ") is the reason, not more codes: "newsloc: ignore spelling — a town's name".
SILENCE_REASON = re.compile(r"\s(?:—|--)\s")


def silenced_codes(translator_comments: Sequence[str]) -> set[str]:
    """Codes named in ``newsloc: ignore spelling, numbers [— reason]`` translator comments."""
    codes: set[str] = set()
    for comment in translator_comments:
        for match in SILENCE.finditer(comment):
            named = SILENCE_REASON.split(" " + match.group(1) + " ", maxsplit=1)[0]
            codes.update(code.lower() for code in re.split(r"[\s,;]+", named) if code)
    return codes


def silence_comment(code: str, reason: str) -> str:
    """The translator comment that silences one flag code on one entry, with the reason."""
    return f"newsloc: ignore {code} — {reason}"


def apply_silences(found: Iterable[Flag], codes: Collection[str]) -> list[Flag]:
    """The flags whose code the translator has not silenced (nor a code that silences it too)."""
    silenced = set(codes)
    return [
        flag
        for flag in found
        if flag.code not in silenced
        and not (flag.code in flags.REGISTRY and silenced & set(flags.info(flag.code).silenced_with))
    ]
