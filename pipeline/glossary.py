"""The glossary: key terms that come out the same every time, whatever the engine.

A concept (``Entry``) has English forms (canonical first, variants and plurals
after) and a ``Rendering`` per target language or regional variant. Terms are
found in English text case-insensitively, longest match first, never inside a
word or across an inline code. Before translation ``protect`` swaps each term
for a placeholder the engine carries through untouched; ``restore`` puts the
locale's term back with casing and article agreement. ``verify`` checks any
output, ``fingerprint`` tells when a draft must be redone. Files live in
``pipeline.tbx``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from pipeline import flags as registry
from pipeline.inline import FROZEN_TAG
from pipeline.model import Flag, Locale

# ---------------------------------------------------------------- model


@dataclass(frozen=True)
class TermForm:
    text: str
    plural: bool = False


@dataclass(frozen=True)
class Rendering:
    """A concept in one target language: preferred forms and accepted alternatives."""

    singular: str = ""
    plural: str = ""
    gender: str = ""  # "masculine" / "feminine" / "": articles are adjusted only when known
    admitted: tuple[str, ...] = ()  # also correct (verification), never produced

    def form(self, plural: bool) -> str:
        return (self.plural or self.singular) if plural else (self.singular or self.plural)

    def is_plural(self, plural: bool) -> bool:
        return bool(self.plural) and (plural or not self.singular)

    @property
    def accepted(self) -> tuple[str, ...]:
        return tuple(f for f in (self.singular, self.plural, *self.admitted) if f)


@dataclass(frozen=True)
class Entry:
    id: str
    english: tuple[TermForm, ...]  # first is the canonical term
    renderings: tuple[tuple[str, Rendering], ...] = ()  # (TBX langSet tag, rendering)
    dnt: bool = False  # do-not-translate: the source form stays verbatim
    part_of_speech: str = ""
    definition: str = ""
    note: str = ""

    @property
    def canonical(self) -> str:
        return self.english[0].text

    def rendering(self, locale: Locale | str) -> Rendering | None:
        """The regional variant's rendering if it has one, else the language's."""
        tag = str(locale)
        by_tag = {t.lower(): r for t, r in self.renderings}
        return by_tag.get(tag.lower()) or by_tag.get(tag.split("-")[0].lower())


@dataclass(frozen=True)
class Glossary:
    entries: tuple[Entry, ...]
    path: str = ""

    @cached_property
    def _matches(self) -> dict[str, tuple[TermMatch, ...]]:
        return {}

    @cached_property
    def _fingerprints(self) -> dict[tuple[str, str], str]:
        return {}

    @cached_property
    def digest(self) -> str:
        """A hash of every entry as read: what results computed from this glossary depend on."""
        return hashlib.sha256(repr(self.entries).encode("utf-8", "surrogatepass")).hexdigest()[:16]

    @cached_property
    def _patterns(self) -> tuple[tuple[Entry, TermForm, re.Pattern[str]], ...]:
        return tuple(
            (entry, form, re.compile(_form_regex(form.text), re.IGNORECASE))
            for entry in self.entries
            for form in entry.english
        )


# ---------------------------------------------------------------- matching

_APOSTROPHES = "'’‘ʼ"
_QUOTES = '"“”„«»'
_HYPHENS = "-‐‑–"
_OPENERS = _QUOTES + "'‘([¿¡ "


def _form_regex(form: str) -> str:
    """A term's regex: any quote/apostrophe/hyphen style, any spacing, whole words only."""
    parts: list[str] = []
    for index, char in enumerate(form):
        if char.isspace():
            if not parts or parts[-1] not in (r"\s+", r"\s*"):
                # "U.S. Department" also matches the unspaced "U.S.Department"
                parts.append(r"\s*" if form[index - 1] == "." else r"\s+")
        elif char in _APOSTROPHES:
            parts.append(f"[{_APOSTROPHES}]")
        elif char in _QUOTES:
            parts.append(f"[{_QUOTES}]")
        elif char in _HYPHENS:
            parts.append(f"[{_HYPHENS}]")
        else:
            parts.append(re.escape(char))
    return r"(?<!\w)" + "".join(parts) + r"(?!\w)"


@dataclass(frozen=True)
class TermMatch:
    entry: Entry
    form: TermForm
    start: int
    end: int
    text: str  # as written in the source


def _text_chunks(text: str) -> Iterable[tuple[int, int]]:
    """Spans between inline codes: a term never spans or sits inside a tag."""
    position = 0
    for tag in FROZEN_TAG.finditer(text):
        yield position, tag.start()
        position = tag.end()
    yield position, len(text)


def find_terms(glossary: Glossary, text: str) -> tuple[TermMatch, ...]:
    """Every glossary term in ``text``, in order; overlaps resolved longest first.

    Matched once per text and glossary: translation, fingerprints and verification of
    every locale ask again for the same English segment.
    """
    found = glossary._matches.get(text)
    if found is None:
        found = glossary._matches[text] = _match_terms(glossary, text)
    return found


def take_matches(glossary: Glossary) -> dict[str, tuple[TermMatch, ...]]:
    """The texts matched since the last call (a worker process hands them to the build), then forget them."""
    taken = dict(glossary._matches)
    glossary._matches.clear()
    return taken


def remember_matches(glossary: Glossary, matches: dict[str, tuple[TermMatch, ...]]) -> None:
    glossary._matches.update(matches)


def _match_terms(glossary: Glossary, text: str) -> tuple[TermMatch, ...]:
    candidates = [
        TermMatch(entry, form, begin + found.start(), begin + found.end(), found.group())
        for begin, end in _text_chunks(text)
        for entry, form, pattern in glossary._patterns
        for found in pattern.finditer(text[begin:end])
    ]
    candidates.sort(key=lambda m: (m.start - m.end, m.start))
    chosen: list[TermMatch] = []
    taken = bytearray(len(text))  # characters already in a chosen term: linear, not chosen × candidates
    for candidate in candidates:
        if not any(taken[candidate.start : candidate.end]):
            chosen.append(candidate)
            taken[candidate.start : candidate.end] = b"\x01" * (candidate.end - candidate.start)
    return tuple(sorted(chosen, key=lambda m: m.start))


_ABBREVIATION = re.compile(r"(?:(?<!\w)\w{1,3}\.){2,}$|(?<!\w)(?:[A-Z]|Mr|Mrs|Ms|Dr|St|Sr|Sra|Jr|Mme|Av)\.$")


def _starts_sentence(text: str, index: int, boundaries: str, at_start: bool = True) -> bool:
    """True when only openers, spaces and tags stand between ``index`` and a sentence start.

    Looks back a bounded window (linear on a 1 MB segment); ``at_start=False``: ``text``
    is the end of a longer text, so running out of it is no sentence start.
    """
    window = text[max(0, index - CONTEXT_CHARS) : index]
    before = FROZEN_TAG.sub("", window).rstrip(_OPENERS + "\u00a0\u202f")
    if not before and index > CONTEXT_CHARS:
        before = FROZEN_TAG.sub("", text[:index]).rstrip(_OPENERS + "\u00a0\u202f")  # a wall of tags: look further
    if not before and not at_start:
        return False
    if before.endswith(".") and _ABBREVIATION.search(before):
        return False  # "U.S. Armed", "EE.UU. Intervención": an abbreviation, not a sentence end
    return not before or before[-1] in boundaries


def _source_case(match: TermMatch, text: str) -> str:
    """How the occurrence's casing differs from the glossary's: upper, capital, initial or ''."""
    letters = [c for c in match.text if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters) and not match.form.text.isupper():
        return "upper"
    if match.text[:1].isupper() and not match.form.text[:1].isupper():
        # sentence-initial capitals are the English sentence's, not the term's
        return "initial" if _starts_sentence(text, match.start, ".!?…:") else "capital"
    return ""


# ---------------------------------------------------------------- protect / restore


@dataclass(frozen=True)
class PlaceholderStyle:
    """What a glossary placeholder looks like to an engine; each engine declares its own
    (``Engine.placeholders``), measured in bench/bench_glossary.py.

    ``tag``: ``<g1/>``, for engines that hand tags back in place; ``proxy``: a word
    from ``proxies`` the engine treats as a name and builds grammar around
    ("Johnson’s"), then ``Zq1x`` tokens when they run out; ``token``: ``Zq1x`` only.
    """

    kind: str = "tag"
    proxies: tuple[str, ...] = ()


TAG_PLACEHOLDERS = PlaceholderStyle("tag")


@dataclass(frozen=True)
class Slot:
    placeholder: str
    entry_id: str
    source_text: str
    term: str  # what restore puts back, before casing
    case: str  # "upper" / "capital" / "initial" / "verbatim" (do-not-translate) / ""
    gender: str
    plural: bool


@dataclass(frozen=True)
class Protected:
    text: str  # what the engine translates
    slots: tuple[Slot, ...]
    locale: str
    style: PlaceholderStyle


def _placeholders(text: str, style: PlaceholderStyle) -> Iterable[str]:
    taken = {n for n in re.findall(r"\w+", text.lower())}
    if style.kind == "proxy":
        yield from (name for name in style.proxies if name.lower() not in taken)
    number = 1 + max((int(n) for n in re.findall(r"<g(\d+)/>", text)), default=0)
    while True:
        candidate = f"<g{number}/>" if style.kind == "tag" else f"Zq{number}x"
        if candidate.lower() not in taken:
            yield candidate
        number += 1


def protect(
    text: str,
    matches: Sequence[TermMatch],
    locale: Locale | str,
    style: PlaceholderStyle = TAG_PLACEHOLDERS,
) -> Protected:
    """Swap each matched term the locale has a rendering for with a placeholder of the engine's ``style``."""
    names = iter(_placeholders(text, style))
    slots: list[tuple[TermMatch, Slot]] = []
    for match in matches:
        rendering = match.entry.rendering(locale)
        if match.entry.dnt:
            term, gender, plural = match.text, "", False
        elif rendering is not None:
            term = rendering.form(match.form.plural)
            gender, plural = rendering.gender, rendering.is_plural(match.form.plural)
        else:
            continue
        case = "verbatim" if match.entry.dnt else _source_case(match, text)
        slot = Slot(next(names), match.entry.id, match.text, term, case, gender, plural)
        slots.append((match, slot))
    pieces, position = [], 0  # joined once: a slice per slot was quadratic on a long segment
    for match, slot in sorted(slots, key=lambda pair: pair[0].start):
        pieces += [text[position : match.start], slot.placeholder]
        position = match.end
    pieces.append(text[position:])
    return Protected("".join(pieces), tuple(s for _, s in slots), str(locale), style)


def restore(protected: Protected, output: str) -> str:
    """Put each slot's term back where the engine left its placeholder.

    One left-to-right pass over the output for all slots, keeping only the last few hundred
    characters at hand for the article and the case: linear in the segment's length, where a
    search per slot over the whole text was quadratic on a long segment.
    """
    language = protected.locale.split("-")[0]
    by_placeholder = {slot.placeholder: slot for slot in protected.slots}
    if not by_placeholder:
        return output
    done: list[str] = []  # restored text, all but its last few hundred characters
    tail, position = "", 0  # ...and those, which the next term's article and case look at
    for found in PLACEHOLDER_IN_OUTPUT.finditer(output):
        slot = by_placeholder.get(f"<g{found.group(1)}/>" if found.group(1) is not None else found.group(2))
        if slot is None:
            continue  # a word of the translation, not a placeholder
        tail += output[position : found.start()]
        if len(tail) > 2 * CONTEXT_CHARS:
            done.append(tail[:-CONTEXT_CHARS])
            tail = tail[-CONTEXT_CHARS:]
        term = _cased(slot, tail, len(tail), at_start=not done)
        tail = agree_article(tail, term, slot.gender, slot.plural, language) + term
        position = found.end()
    return "".join(done) + tail + output[position:]


# A placeholder as an engine hands it back: a tag (spaces allowed inside), or a word (a proxy
# name, a Zq1x token) perhaps after an Apertium mark; which ones are placeholders, the slots say.
PLACEHOLDER_IN_OUTPUT = re.compile(r"<\s*g(\d+)\s*/\s*>|(?<!\w)[*#@]?(\w+)(?!\w)")


# What restoring a term looks at before it: the article to agree and the sentence start. More
# than enough for "de los «", short enough that a 1 MB segment costs no more per term than a line.
CONTEXT_CHARS = 200


def _cased(slot: Slot, output: str, index: int, at_start: bool = True) -> str:
    """The term as the place needs it; ``at_start=False``: ``output`` is only the end of the text."""
    if slot.case == "verbatim":
        return slot.term
    if slot.case == "upper":
        return slot.term.upper()
    if slot.case == "capital" or _starts_sentence(output, index, ".!?…", at_start):
        return _capitalized(slot.term)
    return slot.term


def _capitalized(term: str) -> str:
    for index, char in enumerate(term):
        if char.isalpha():
            return term[:index] + char.upper() + term[index + 1 :]
    return term


# ---------------------------------------------------------------- article agreement

# Engines build the article for the placeholder, not for the term (apertium
# treats a proper noun as masculine singular); each tuple lists one article's
# masculine/feminine singular, then masculine/feminine plural forms.
_ARTICLES = {
    "es": (("el", "la", "los", "las"), ("un", "una", "unos", "unas"),
           ("del", "de la", "de los", "de las"), ("al", "a la", "a los", "a las")),
    "pt": (("o", "a", "os", "as"), ("um", "uma", "uns", "umas"), ("do", "da", "dos", "das"),
           ("no", "na", "nos", "nas"), ("ao", "à", "aos", "às"), ("pelo", "pela", "pelos", "pelas")),
    "fr": (("le", "la", "les", "les"), ("un", "une", "des", "des"),
           ("du", "de la", "des", "des"), ("au", "à la", "aux", "aux")),
}  # fmt: skip
_AMBIGUOUS = {"pt": {"a", "as"}, "fr": {"des"}}  # also prepositions or two articles' plural
_ELISION = {"le": "l'", "la": "l'", "du": "de l'", "de la": "de l'", "au": "à l'",
            "à la": "à l'", "de": "d'", "que": "qu'"}  # fmt: skip
_VOWELS = "aeiouyàâäéèêëîïôöûùüœæ"


def _article_regex(forms: Iterable[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    # the article, then spaces and maybe an opening quote: le “arrière-cour”
    return re.compile(rf"(?<!\w)({alternatives})(\s+)([{_QUOTES}‘]?)$", re.IGNORECASE)


def _same_case(original: str, word: str) -> str:
    if len(original) > 1 and original.isupper():
        return word.upper()
    return _capitalized(word) if original[:1].isupper() else word


def agree_article(before: str, term: str, gender: str, plural: bool, language: str) -> str:
    """``before`` with its trailing article made to agree with ``term`` (and French elision)."""
    groups = _ARTICLES.get(language, ())
    if gender in ("masculine", "feminine") and groups:
        forms = {f for g in groups for f in g} - _AMBIGUOUS.get(language, set())
        if found := _article_regex(forms).search(before):
            word = found.group(1)
            group = next(g for g in groups if word.lower() in g)
            wanted = group[(gender == "feminine") + 2 * plural]
            before = before[: found.start(1)] + _same_case(word, wanted) + found.group(2) + found.group(3)
    if language == "fr" and term[:1].lower() in _VOWELS and (found := _article_regex(_ELISION).search(before)):
        word = found.group(1)
        before = before[: found.start(1)] + _same_case(word, _ELISION[word.lower()]) + found.group(3)
    return before


# ---------------------------------------------------------------- verification


@dataclass(frozen=True)
class Requirement:
    """What a translation of one source text must contain for one glossary entry."""

    entry_id: str
    source_text: str
    expected: str  # the preferred target term (do-not-translate: the source form)
    accepted: tuple[str, ...]
    verbatim: bool = False

    def met_by(self, text: str) -> bool:
        flags = 0 if self.verbatim else re.IGNORECASE
        return any(re.search(_form_regex(form), text, flags) for form in self.accepted)


def _requirement(match: TermMatch, locale: Locale | str) -> tuple[tuple[str, str], Requirement] | None:
    """What a match asks of a translation, keyed per entry (per written form for do-not-translate)."""
    entry = match.entry
    if entry.dnt:
        # The glossary's spelling counts, whatever the English typed ("lula da Silva" → "Lula da Silva").
        written = match.form.text
        accepted = tuple(dict.fromkeys((written, match.text, *_contracted(written, locale))))
        return (entry.id, match.text), Requirement(entry.id, match.text, written, accepted, verbatim=True)
    if (rendering := entry.rendering(locale)) is not None:
        expected = rendering.form(match.form.plural)
        return (entry.id, ""), Requirement(entry.id, match.text, expected, rendering.accepted)
    return None


# A name that starts with the target language's own article contracts with a preposition:
# "du Journal de Québec" for "Le Journal de Québec", "del Universal" for "El Universal".
_CONTRACTIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "fr": {"Le": ("du", "au"), "Les": ("des", "aux")},
    "es": {"El": ("del", "al")},
    "pt": {"O": ("do", "no", "ao", "pelo"), "A": ("da", "na", "à", "pela"),
           "Os": ("dos", "nos", "aos", "pelos"), "As": ("das", "nas", "às", "pelas")},
}  # fmt: skip


def _contracted(name: str, locale: Locale | str) -> tuple[str, ...]:
    article, _, rest = name.partition(" ")
    prepositions = _CONTRACTIONS.get(str(locale).split("-")[0], {}).get(article, ())
    return tuple(f"{word} {rest}" for preposition in prepositions for word in (preposition, _capitalized(preposition)))


def required_terms(glossary: Glossary, source: str, locale: Locale | str) -> tuple[Requirement, ...]:
    """One requirement per entry found in ``source`` (per written form for do-not-translate)."""
    requirements: dict[tuple[str, str], Requirement] = {}
    for match in find_terms(glossary, source):
        if (keyed := _requirement(match, locale)) is not None:
            requirements.setdefault(*keyed)
    return tuple(requirements.values())


def unmet_matches(glossary: Glossary, source: str, output: str, locale: Locale | str) -> tuple[TermMatch, ...]:
    """The matches in ``source`` whose required term ``output`` lacks: what to protect on a retry."""
    return tuple(
        match for match in find_terms(glossary, source)
        if (keyed := _requirement(match, locale)) is not None and not keyed[1].met_by(output)
    )  # fmt: skip


def choose_alternative(
    alternatives: Sequence[tuple[str, float]], required_terms: Sequence[Requirement | str]
) -> str | None:
    """The best-scoring N-best text containing every required term, or None."""
    requirements = [r if isinstance(r, Requirement) else Requirement("", r, r, (r,)) for r in required_terms]
    fitting = [(score, text) for text, score in alternatives if all(r.met_by(text) for r in requirements)]
    return max(fitting, key=lambda pair: pair[0])[1] if fitting else None


def verify(source: str, target: str, locale: Locale | str, glossary: Glossary) -> list[Flag]:
    """A ``glossary`` warning for each required term the translation lacks or alters."""
    if not target.strip():
        return []  # untranslated is another check's business
    flags = []
    for requirement in required_terms(glossary, source, locale):
        if requirement.met_by(target):
            continue
        if requirement.verbatim:
            message = f"do-not-translate “{requirement.expected}” is missing or altered"
        else:
            message = f"expected “{requirement.expected}” for “{requirement.source_text}”"
        flags.append(registry.make("glossary", message, word=requirement.expected))
    return flags


@functools.lru_cache(maxsize=64)
def target_words(glossary: Glossary, locale: str) -> frozenset[str]:
    """Every word of the glossary's terms for a locale, and of its do-not-translate names, case-folded.

    The target spelling check accepts them: a term the glossary requires ("fentanilo")
    is right even where hunspell does not know it.
    """
    words: set[str] = set()
    for entry in glossary.entries:
        rendering = entry.rendering(locale)
        forms = [*(rendering.accepted if rendering else ()), *(f.text for f in entry.english if entry.dnt)]
        for form in forms:
            for word in re.findall(r"[^\W_]+(?:[’'-][^\W_]+)*", form):
                words.update({word.casefold(), *(part.casefold() for part in word.split("-") if part)})
    return frozenset(words)


def fingerprint(glossary: Glossary, source_text: str, locale: Locale | str) -> str:
    """A short hash of the entries matching ``source_text`` as they apply to ``locale``.

    "" when no entry matches. It changes exactly when such an entry changes (or a
    new one starts matching), so a machine draft whose fingerprint differs is stale.
    """
    known = glossary._fingerprints.get((source_text, str(locale)))
    if known is not None:
        return known
    entries = {m.entry.id: m.entry for m in find_terms(glossary, source_text)}
    if not entries:
        return ""
    payload = [
        [entry.id, [(f.text, f.plural) for f in entry.english], entry.dnt, entry.rendering(locale)]
        for _, entry in sorted(entries.items())
    ]
    encoded = json.dumps(payload, default=lambda r: vars(r), ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()[:12]


def remember_fingerprints(glossary: Glossary, known: dict[tuple[str, str], str]) -> None:
    """Fingerprints computed earlier, by (source text, locale tag): ``fingerprint`` returns them unmatched."""
    glossary._fingerprints.update(known)


# ---------------------------------------------------------------- names the build uses


def load(path) -> Glossary:
    """Read a TBX glossary (see pipeline.tbx)."""
    from pipeline.tbx import read_tbx  # here: tbx imports this module

    return read_tbx(path)
