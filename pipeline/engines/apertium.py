"""Apertium, Debian's rule-based engine: one process chain per locale per run.

The whole batch goes through `apertium -f html` as one document, one <p> per
segment, so the cost is one start-up (~0.2 s for an article) instead of one per
segment. English reaches French and Portuguese by pivot through Spanish.
Unknown words (`*word`), generation errors (`#word`) and transfer errors
(`@word`) are stripped from the text and reported as flags; a hashtag or handle
of the source (`#MeToo`, `@newsloc`) is not a mark.
"""

from __future__ import annotations

import functools
import html
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline import flags as registry
from pipeline.engines.base import Progress
from pipeline.model import EngineError, Flag, Hypothesis, Locale, Provenance

# Pair chains from English, by target language tag.
CHAINS: dict[str, tuple[str, ...]] = {
    "es": ("eng-spa",),
    "fr": ("eng-spa", "es-fr"),
    "pt-BR": ("eng-spa", "es-pt_BR"),
    "pt": ("eng-spa", "es-pt"),
}
DEBIAN_PACKAGES = {
    "eng-spa": "apertium-eng-spa",
    "es-fr": "apertium-fr-es",
    "es-pt_BR": "apertium-es-pt",
    "es-pt": "apertium-es-pt",
}
CODE_TAG = re.compile(r"<(/?)([a-z]?\d+)(/?)>")
APERTIUM_TAG = re.compile(r"<(/?)x-([a-z]?\d+)(/?)>")
SEGMENT = re.compile(r'<p data-s="(\d+)">(.*?)</p>', re.S)
# A run of mark characters and the word after it; Apertium writes its mark right before the word,
# after any "#" or "@" the source had ("#*MeToo": the hashtag #MeToo, unknown to Apertium).
MARK = re.compile(r"(?<![\w.*#@])([*#@]+)([^\W\d_](?:[\w’'-]*[^\W_])?)")
# What each mark means; its flag code is the one pipeline.flags registers with that mark.
MARK_RUN = re.compile(r"[*#@]+")
WORD_TAIL = re.compile(r"[\w’'-]*")
WORD_CHAR = re.compile(r"[\w.]")
MARK_MEANINGS = {
    "*": "Apertium does not know",
    "#": "Apertium could not inflect",
    "@": "Apertium could not transfer",
}
TIMEOUT_SECONDS = 600


@functools.lru_cache(maxsize=1)
def installed_pairs() -> frozenset[str]:
    if shutil.which("apertium") is None:
        return frozenset()
    try:
        listing = subprocess.run(["apertium", "-l"], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(line.strip() for line in listing.splitlines() if line.strip())


@functools.cache
def package_version(pair: str) -> str:
    package = DEBIAN_PACKAGES.get(pair, "")
    if not package or shutil.which("dpkg-query") is None:
        return ""
    result = subprocess.run(["dpkg-query", "-W", "-f=${Version}", package], capture_output=True, text=True)
    return result.stdout.strip() if result.returncode == 0 else ""


def chain_for(target: Locale) -> tuple[str, ...]:
    return CHAINS.get(target.tag) or CHAINS.get(target.language) or ()


# Apertium's English analyser knows "Mexico's" but not "Mexico’s".
CURLY_APOSTROPHE = re.compile(r"(?<=\w)[’‘](?=\w)")


def to_html(index: int, text: str) -> str:
    """Escape the text for html mode and turn our codes into tags Apertium keeps in place."""
    text = CURLY_APOSTROPHE.sub("'", text)
    pieces, position = [], 0
    for tag in CODE_TAG.finditer(text):
        pieces.append(html.escape(text[position : tag.start()], quote=False))
        closing, name, empty = tag.groups()
        pieces.append(f"<{closing}x-{name}{empty}>")
        position = tag.end()
    pieces.append(html.escape(text[position:], quote=False))
    return f'<p data-s="{index}">{"".join(pieces)}</p>'


def from_html(text: str) -> str:
    pieces, position = [], 0
    for tag in APERTIUM_TAG.finditer(text):
        pieces.append(html.unescape(text[position : tag.start()]))
        closing, name, empty = tag.groups()
        pieces.append(f"<{closing}{name}{empty}>")
        position = tag.end()
    pieces.append(html.unescape(text[position:]))
    return re.sub(r"[ \t]{2,}", " ", "".join(pieces)).strip()


@dataclass(frozen=True)
class Mark:
    symbol: str  # "*", "#" or "@"
    word: str
    offset: int  # of the mark character in the text


def find_marks(text: str, source: str = "") -> list[Mark]:
    """Apertium's marks in ``text``, except mark-like prefixes the ``source`` already has."""
    in_source = _marklike(source)  # one pass, not one search of the source per mark: linear
    marks = []
    for match in MARK.finditer(text):
        run, word = match.groups()
        if run + word in in_source:
            continue  # "#MeToo" in the source too: a hashtag, not a mark
        marks.append(Mark(run[-1], word, match.end(1) - 1))
    return marks


def _marklike(source: str) -> set[str]:
    """Every string a mark could match in ``source``: marks then a word, not after a word character or
    a dot, ending where no word character follows (what ``(?<![\\w.])…(?!\\w)`` would find)."""
    found: set[str] = set()
    for run in MARK_RUN.finditer(source):
        tail = WORD_TAIL.match(source, run.end())
        word = tail.group() if tail else ""
        cuts = [len(word)] + [i for i, char in enumerate(word) if char in "’'-"]
        for start in range(run.start(), run.end()):
            if start == run.start() and start > 0 and WORD_CHAR.match(source[start - 1]):
                continue
            found.update(source[start : run.end()] + word[:cut] for cut in cuts if cut)
    return found


def strip_marks(text: str, source: str = "") -> tuple[str, tuple[Flag, ...]]:
    """The text without Apertium's marks, and one flag per mark (span: the word in the returned text)."""
    pieces, flags, position, length = [], [], 0, 0
    for mark in find_marks(text, source):
        pieces.append(text[position : mark.offset])
        length += len(pieces[-1])
        start = length
        flags.append(
            registry.make(
                registry.by_mark()[mark.symbol].code,
                f"{MARK_MEANINGS[mark.symbol]} “{mark.word}”; check this word",
                span=(start, start + len(mark.word)),
                word=mark.word,
            )
        )
        position = mark.offset + 1
    pieces.append(text[position:])
    return "".join(pieces), tuple(flags)


class ApertiumEngine:
    name = "apertium"

    def available(self, source: str, target: Locale) -> bool:
        chain = chain_for(target)
        return source == "en" and bool(chain) and set(chain) <= installed_pairs()

    def missing_message(self, target: Locale) -> str:
        chain = chain_for(target)
        if not chain:
            return f"Apertium has no pair chain from English to {target.tag}"
        packages = " ".join(sorted({"apertium", *(DEBIAN_PACKAGES[p] for p in chain)}))
        return f"Apertium pairs {' + '.join(chain)} are not installed: apt-get install {packages}"

    def translate(
        self, texts: Sequence[str], source: str, target: Locale, progress: Progress | None = None
    ) -> list[Hypothesis]:
        if not texts:
            return []
        if not self.available(source, target):
            raise EngineError(self.missing_message(target))
        chain = chain_for(target)
        document = "\n".join(to_html(index, text) for index, text in enumerate(texts))
        output = self._run_chain(chain, document)
        found = {int(number): body for number, body in SEGMENT.findall(output)}
        if len(found) != len(texts):
            raise EngineError(f"Apertium returned {len(found)} of {len(texts)} segments; check the pair installation")
        provenance = Provenance("apertium", "+".join(chain), "+".join(filter(None, map(package_version, chain))))
        hypotheses = []
        for index in range(len(texts)):
            clean, flags = strip_marks(from_html(found[index]), texts[index])
            hypotheses.append(Hypothesis(clean, provenance, flags=flags))
        if progress:
            progress(len(texts))
        return hypotheses

    @staticmethod
    def _run_chain(chain: tuple[str, ...], document: str) -> str:
        data = document
        for pair in chain:
            try:
                result = subprocess.run(
                    ["apertium", "-f", "html", pair],
                    input=data,
                    capture_output=True,
                    text=True,
                    timeout=TIMEOUT_SECONDS,
                )
            except (OSError, subprocess.SubprocessError) as error:
                raise EngineError(f"Apertium {pair} failed to run: {error}") from None
            if result.returncode != 0:
                detail = result.stderr.strip().splitlines()[-1:] or ["no message"]
                raise EngineError(f"Apertium {pair} failed: {detail[0]}")
            data = result.stdout
        return data
