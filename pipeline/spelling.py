"""Hunspell spelling, natively through enchant (spylls only as a fallback), plus the project word list.

Debian's libenchant-2 runs the C++ Hunspell over the installed dictionaries: it
loads pt_BR in about half a second where spylls, pure Python, takes several and
hundreds of MiB. When enchant or its hunspell provider is missing, spylls reads
the same files (``backend()`` says which one runs; the build prints it). A
dictionary is loaded only when a word actually needs checking, once per process.
The project word list (``pipeline/data/words.txt``) holds what the dictionaries
lack: people, places, outlets, and multi-word names whose capitalization the
source lint enforces ("Lula da Silva", "Council on Foreign Relations").
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Protocol

from pipeline.inline import FROZEN_TAG
from pipeline.model import ConfigError

HUNSPELL_DIRS = (
    Path("/usr/share/hunspell"),
    Path("/usr/share/myspell/dicts"),
    Path("/usr/share/myspell"),
    Path("/usr/local/share/hunspell"),
)

# Dictionary tried for a locale, in order, after the exact region (es-MX → es_MX).
DEFAULT_DICTIONARIES = {
    "en": ("en_US", "en_GB"),
    "es": ("es_ES", "es_MX"),
    "fr": ("fr_FR", "fr"),
    "pt": ("pt_BR", "pt_PT"),
}

# NEWSLOC_SPELLER=spylls forces the pure-Python path (tests, benchmarks); anything else: enchant if present.
SPELLER_VARIABLE = "NEWSLOC_SPELLER"
NO_PERSONAL_WORDS = Path(__file__).resolve().parent / "data" / "no-enchant-config"  # never created: no word list

# A word: letters, with apostrophes or hyphens only inside ("isn’t", "anti-communist").
WORD = re.compile(r"[^\W_](?:[\w’'-]*[^\W_])?")
# Text no dictionary should see: inline codes, placeholders, URLs, e-mail addresses, [bracketed notes].
# An address starts only where a run of its characters starts, a note at the last "[" before its "]":
# one try per run, where a try at every character of a long word (or every "[" of an unclosed run) was quadratic.
NOT_PROSE = re.compile(
    FROZEN_TAG.pattern + r"|https?://\S+|www\.\S+|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\[[^\[\]]*\]"
)
POSSESSIVE = re.compile(r"[’']s$", re.I)


@dataclass(frozen=True)
class Word:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Misspelling:
    word: str
    start: int
    end: int


def words(text: str) -> Iterator[Word]:
    """Every word of prose in ``text`` with its offsets, skipping codes, URLs and brackets."""
    masked = NOT_PROSE.sub(lambda m: " " * len(m.group()), text)
    for match in WORD.finditer(masked):
        yield Word(match.group(), match.start(), match.end())


def dictionary_path(name: str) -> Path | None:
    """The .dic/.aff stem for a hunspell dictionary name ("en_US"), or None."""
    for folder in HUNSPELL_DIRS:
        stem = folder / name
        if stem.with_suffix(".dic").is_file() and stem.with_suffix(".aff").is_file():
            return stem
    return None


def dictionary_name(locale_tag: str) -> str:
    """The installed hunspell dictionary for a BCP 47 tag: "pt-BR" → "pt_BR", "es" → "es_ES"."""
    language = locale_tag.split("-")[0]
    regional = (locale_tag.replace("-", "_"),) if "-" in locale_tag else ()
    for name in (*regional, *DEFAULT_DICTIONARIES.get(language, ())):
        if dictionary_path(name):
            return name
    folders = ", ".join(str(folder) for folder in HUNSPELL_DIRS)
    raise ConfigError(f"no hunspell dictionary for {locale_tag} in {folders} (install hunspell-{language})")


def available(locale_tag: str) -> bool:
    try:
        dictionary_name(locale_tag)
    except ConfigError:
        return False
    return True


def _real_stem(name: str) -> Path:
    stem = dictionary_path(name)
    if stem is None:
        raise ConfigError(f"hunspell dictionary {name} not found in {HUNSPELL_DIRS[0]}")
    return stem.with_suffix(".dic").resolve().with_suffix("")


# ---------------------------------------------------------------- backends


class Speller(Protocol):
    backend: str

    def lookup(self, word: str) -> bool: ...

    def suggest(self, word: str) -> list[str]: ...


class EnchantSpeller:
    """Native Hunspell through libenchant-2's hunspell provider."""

    backend = "enchant"

    def __init__(self, handle) -> None:
        self._dict = handle

    def lookup(self, word: str) -> bool:
        return bool(self._dict.check(word))

    def suggest(self, word: str) -> list[str]:
        return list(self._dict.suggest(word))


class SpyllsSpeller:
    """Pure-Python Hunspell: the same files, ten times slower to load."""

    backend = "spylls"

    def __init__(self, stem: Path) -> None:
        import gc

        from spylls.hunspell import Dictionary

        # spylls builds hundreds of thousands of small objects: the cyclic collector would rescan
        # them over and over while they load (half of the load time), and none of them is garbage.
        enabled = gc.isenabled()
        gc.disable()
        try:
            self._dictionary = Dictionary.from_files(str(stem))
        finally:
            if enabled:
                gc.enable()
            gc.freeze()

    def lookup(self, word: str) -> bool:
        return bool(self._dictionary.lookup(word))

    def suggest(self, word: str) -> list[str]:
        found = []
        for suggestion in self._dictionary.suggest(word):
            found.append(suggestion)
            if len(found) == 10:
                break
        return found


@functools.cache
def _enchant_broker():
    """The enchant broker asked for hunspell first, or None when enchant or its provider is missing."""
    if os.environ.get(SPELLER_VARIABLE, "").lower() == "spylls":
        return None
    # No personal word list (~/.config/enchant/*.dic, which any enchant program adds to): the same
    # text gets the same flags on every machine, and the cache's dictionary fingerprint covers all.
    os.environ["ENCHANT_CONFIG_DIR"] = str(NO_PERSONAL_WORDS)
    try:
        import enchant
    except (ImportError, OSError):  # pyenchant absent, or libenchant-2 not installed
        return None
    broker = enchant.Broker()
    broker.set_ordering("*", "hunspell")
    if not any(provider.name == "hunspell" for provider in broker.describe()):
        return None
    return broker


def backend() -> str:
    """Which Hunspell implementation checks words: "enchant" (native) or "spylls" (pure Python)."""
    return "enchant" if _enchant_broker() is not None else "spylls"


def backend_note() -> str:
    """One line for the build output when the slow fallback is in use, else ""."""
    if backend() == "enchant":
        return ""
    return (
        "spelling: native Hunspell (enchant) not available, using spylls (pure Python, slower): "
        "apt-get install libenchant-2-2"
    )


LOADED: list[str] = []  # dictionaries loaded by this process, in order (tests check a warm build loads none)


@functools.cache
def _load(real_stem: str) -> Speller:
    LOADED.append(Path(real_stem).name)
    broker = _enchant_broker()
    if broker is not None:
        name = Path(real_stem).name
        try:
            handle = broker.request_dict(name)
        except Exception:  # enchant.errors.DictNotFoundError: the provider looks elsewhere
            handle = None
        if handle is not None and handle.provider.name == "hunspell":
            return EnchantSpeller(handle)
    return SpyllsSpeller(Path(real_stem))


@functools.cache
def load_dictionary(name: str) -> Speller:
    """The speller for a hunspell name, loaded once (symlinked regions share one)."""
    return _load(str(_real_stem(name)))


def forget_dictionaries() -> None:
    """Drop every loaded dictionary and cached lookup (tests measure what a fresh process loads)."""
    _load.cache_clear()
    load_dictionary.cache_clear()
    _lookup.cache_clear()
    suggestions.cache_clear()
    LOADED.clear()


@functools.cache
def fingerprint(name: str) -> str:
    """What spelling results depend on: the backend and the dictionary files' content."""
    stem = _real_stem(name)
    digest = hashlib.sha256(backend().encode())
    for suffix in (".aff", ".dic"):
        file = stem.with_suffix(suffix)
        stat = file.stat()
        digest.update(f"{file}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()[:16]


@functools.lru_cache(maxsize=200_000)
def _lookup(word: str, name: str) -> bool:
    return load_dictionary(name).lookup(word)


# Where a .dic line's data tags start: a tab, or a space before a two-letter tag ("po:noun").
_DIC_TAGS = re.compile(r"\t|[ \t]\w{2}:")
_DIC_SLASH = re.compile(r"(?<!\\)/")


def _encoding(aff: Path) -> str:
    with aff.open("rb") as handle:
        for raw in handle:
            line = raw.decode("latin-1").lstrip("\ufeff\xef\xbb\xbf").strip()
            if line.startswith("SET "):
                return line.split()[1]
    return "ISO8859-1"  # hunspell's default


@functools.cache
def proper_stems(name: str) -> frozenset[str]:
    """Dictionary stems written with a capital ("Brazil", "American"): names to the dictionary.

    Read from the .dic file itself (no dictionary load): one stem per line, before its flags.
    """
    stem_path = _real_stem(name)
    encoding = _encoding(stem_path.with_suffix(".aff"))
    lines = stem_path.with_suffix(".dic").read_text(encoding=encoding, errors="replace").splitlines()
    stems = set()
    for number, line in enumerate(lines):
        if number == 0 and re.match(r"^\d+(\s|$)", line):
            continue  # the word count
        tags = _DIC_TAGS.search(line)
        entry = line[: tags.start()] if tags else line
        if not entry.startswith("/"):
            entry = _DIC_SLASH.split(entry, maxsplit=1)[0]
        entry = entry.replace("\\/", "/")
        if entry[:1].isupper():
            stems.add(entry)
    return frozenset(stems)


@functools.lru_cache(maxsize=4096)
def suggestions(word: str, name: str, limit: int = 3) -> tuple[str, ...]:
    """Up to ``limit`` corrections (spylls suggest is ~0.1 s a word, so callers ask sparingly)."""
    return tuple(load_dictionary(name).suggest(word)[:limit])


# ---------------------------------------------------------------- project word list


@functools.cache
def _word_list() -> tuple[str, ...]:
    text = resources.files("pipeline").joinpath("data", "words.txt").read_text(encoding="utf-8")
    entries = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return tuple(entry for entry in entries if entry)


@functools.cache
def project_words() -> frozenset[str]:
    """Single words the dictionaries lack, as written, including every word of a listed name."""
    return frozenset(word.text for entry in _word_list() for word in words(entry))


@functools.cache
def project_single_names() -> frozenset[str]:
    """Capitalized one-word entries ("Québec"): names wherever they appear."""
    return frozenset(entry for entry in _word_list() if " " not in entry and entry[:1].isupper())


@functools.cache
def project_names() -> tuple[str, ...]:
    """Multi-word names whose capitalization is fixed ("United States", "Lula da Silva")."""
    return tuple(entry for entry in _word_list() if " " in entry)


@functools.cache
def language_words(language: str) -> frozenset[str]:
    """Words one language's dictionary lacks (``pipeline/data/words-<language>.txt``): "binacional"."""
    source = resources.files("pipeline").joinpath("data", f"words-{language}.txt")
    if not source.is_file():
        return frozenset()
    entries = (line.split("#", 1)[0].strip() for line in source.read_text(encoding="utf-8").splitlines())
    return frozenset(entry for entry in entries if entry)


def in_project_words(word: str, name: str = "") -> bool:
    """Listed as written; a lowercase entry also matches its capitalized or upper-case form."""
    listed = project_words() | language_words(name.split("_")[0]) if name else project_words()
    base = POSSESSIVE.sub("", word)
    return any(candidate in listed or candidate.lower() in listed for candidate in {word, base})


# Prefixes written with a hyphen before a word the dictionary knows ("pre-pandemic", "ex-presidente").
HYPHEN_PREFIXES = frozenset((
    "anti", "co", "counter", "cross", "ex", "inter", "intra", "mid", "multi", "neo", "non", "post", "pre", "pro",
    "re", "self", "semi", "sub", "super", "trans", "ultra", "un", "pos", "pós", "pré", "pró", "contra", "extra",
    "micro", "macro", "mini", "vice",
))  # fmt: skip
# French elision before a word: "d’AMLO", "l’intervention", "qu’il", "jusqu’à".
ELISION = re.compile(r"^(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu|quoiqu|presqu)['’](?=[^\W\d_])", re.I)
# Spanish pronouns attached to a verb ("preguntársele", "militarizarla", "diciéndoselo").
ENCLITIC = re.compile(r"(?:me|te|se|nos|os|lo|la|los|las|le|les)$")
UNSTRESSED = str.maketrans("áéíóú", "aeiou")


def _spanish_verb_with_pronouns(word: str, name: str) -> bool:
    """An infinitive, gerund or imperative with up to three enclitic pronouns the dictionary lacks."""
    stem = word.lower()
    for _ in range(3):
        match = ENCLITIC.search(stem)
        if not match or match.start() < 3:
            return False
        stem = stem[: match.start()]
        plain = stem.translate(UNSTRESSED)
        if plain.endswith(("ar", "er", "ir", "ndo")) and _lookup(plain, name):
            return True
    return False


def is_correct(word: str, name: str) -> bool:
    """Known to the dictionary or the project lists; hyphenated words pass when every part does."""
    if _lookup(word, name) or in_project_words(word, name):
        return True
    parts = [part for part in re.split(r"-", word) if part]
    if len(parts) > 1:
        if parts[0].lower() in HYPHEN_PREFIXES:
            parts = parts[1:]
        return all(is_correct(part, name) for part in parts)
    base = POSSESSIVE.sub("", word)
    if base != word and _lookup(base, name):
        return True
    return name.startswith("es") and _spanish_verb_with_pronouns(word, name)


def split_elision(word: Word, name: str) -> Word:
    """The word after a French elided article or pronoun ("d’AMLO" → "AMLO"), offsets kept."""
    if not name.startswith("fr") or not (match := ELISION.match(word.text)):
        return word
    return Word(word.text[match.end() :], word.start + match.end(), word.end)


def needs_checking(word: str) -> bool:
    """Acronyms (AMLO, AMLO’s), words with digits (4th) and single letters are not spell-checked."""
    letters = [char for char in POSSESSIVE.sub("", word) if char.isalpha()]
    if len(letters) < 2 or any(char.isdigit() for char in word):
        return False
    return not all(char.isupper() for char in letters)


def misspellings(text: str, name: str, *, ignore: frozenset[str] = frozenset()) -> list[Misspelling]:
    """Words of ``text`` unknown to dictionary ``name`` and the project list.

    ``ignore`` holds words (compared case-insensitively) to accept anyway, such
    as every word of the English source when checking a translation.
    """
    found = []
    for word in (split_elision(word, name) for word in words(text)):
        # "fentanyl-muertes": each part may be a source word or a dictionary word.
        parts = [part for part in word.text.split("-") if part]
        if all(_accepted(part, name, ignore) for part in parts) or _accepted(word.text, name, ignore):
            continue
        found.append(Misspelling(word.text, word.start, word.end))
    return found


def _accepted(word: str, name: str, ignore: frozenset[str]) -> bool:
    return not needs_checking(word) or word.casefold() in ignore or is_correct(word, name)
