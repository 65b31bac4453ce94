"""Apertium, Debian's rule-based engine: one process chain per locale per run.

The whole batch (every pending segment of every article in the run) goes through
`apertium -f html` as one document, one <p> per distinct segment, so the cost is
one start-up per mode instead of one per segment or article. A mode an engine has
already run on the same text in this run is not run again: the build shares one
engine across its locales, so a common pivot step (English→Spanish for es and
pt-BR) runs once. Each locale has a chain of modes (English reaches French through
Catalan, Portuguese through Spanish: measured in bench/bench_quality.py), set in
``[tool.newsloc] apertium-chains``. After *every* step, Apertium's marks —
unknown words (`*word`), generation errors (`#word`), transfer errors (`@word`) —
are stripped and become flags, so the next step never sees them and no mark
reaches a draft; a hashtag or handle of the source (`#MeToo`, `@newsloc`) is not
a mark. Known leftovers of a chain's last mode ("EE.UU." out of the Spanish
pivot) are then post-edited by rule (pipeline/data/apertium_post_edits.tsv).
"""

from __future__ import annotations

import functools
import html
import re
import shutil
import subprocess
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pipeline.engines.base import Progress
from pipeline.glossary import PlaceholderStyle
from pipeline.marks import Mark, MarkKind, first_spans, flag_for, strip_marks
from pipeline.model import EngineError, Flag, Hypothesis, Locale, Provenance

# Mode chains from English, by target language tag (language alone as fallback): the best chain
# per locale measured with chrF in bench/bench_quality.py. [tool.newsloc] apertium-chains overrides.
DEFAULT_CHAINS: dict[str, tuple[str, ...]] = {
    "es": ("eng-spa",),
    "fr": ("eng-cat", "cat-fra"),
    "pt-BR": ("eng-spa", "es-pt_BR"),
    "pt": ("eng-spa", "es-pt"),
}
# The Debian package that installs each mode.
DEBIAN_PACKAGES = {
    "eng-spa": "apertium-eng-spa",
    "es-fr": "apertium-fr-es",
    "es-pt_BR": "apertium-es-pt",
    "es-pt": "apertium-es-pt",
    "eng-cat": "apertium-eng-cat",
    "cat-fra": "apertium-fra-cat",
    "en-gl": "apertium-en-gl",
    "gl-pt": "apertium-pt-gl",
}
CODE_TAG = re.compile(r"<(/?)([a-z]?\d+)(/?)>")
APERTIUM_TAG = re.compile(r"<(/?)x-([a-z]?\d+)(/?)>")
SEGMENT = re.compile(r'<p data-s="(\d+)">(.*?)</p>', re.S)
MARKS = (
    MarkKind("*", "unknown-word", "Apertium does not know"),
    MarkKind("#", "generation-error", "Apertium could not inflect"),
    MarkKind("@", "transfer-error", "Apertium could not transfer"),
)
# Apertium keeps a surname it knows as a proper noun (np<cog>) verbatim through every mode we
# chain, and still builds possessives and "said that" around it; an unknown token loses "’s", and
# a tag in -f html mode breaks French elision (bench/bench_glossary.py).
PROXY_PLACEHOLDERS = PlaceholderStyle(
    "proxy",
    (
        "Johnson", "Thompson", "Moore", "Robinson", "Jones", "Wright", "Roberts",
        "Campbell", "Collins", "Stewart", "Murphy", "Richardson", "Ward", "Watson",
        "Ford", "Gibson", "Murray", "Simpson", "Shaw", "Gardner", "Cunningham",
    ),
)  # fmt: skip
TIMEOUT_SECONDS = 600


@functools.lru_cache(maxsize=1)
def installed_pairs() -> frozenset[str]:
    program = shutil.which("apertium")
    if program is None:
        return frozenset()
    # What `apertium -l` lists, read from its modes folder without starting a shell (a build asks every run).
    modes = Path(program).resolve().parent.parent / "share" / "apertium" / "modes"
    if modes.is_dir():
        return frozenset(path.stem for path in modes.glob("*.mode"))
    try:
        listing = subprocess.run(["apertium", "-l"], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(line.strip() for line in listing.splitlines() if line.strip())


def package_version(pair: str) -> str:
    return _package_versions().get(DEBIAN_PACKAGES.get(pair, ""), "")


@functools.cache
def _package_versions() -> dict[str, str]:
    """The installed version of every Debian package of a known pair, asked of dpkg once per process."""
    if shutil.which("dpkg-query") is None:
        return {}
    packages = sorted(set(DEBIAN_PACKAGES.values()))
    result = subprocess.run(
        ["dpkg-query", "-W", "-f=${Package}\t${Version}\n", *packages], capture_output=True, text=True
    )  # a package that is not installed is reported on stderr; the others are still listed
    versions = {}
    for line in result.stdout.splitlines():
        package, _, version = line.partition("\t")
        if version.strip():
            versions[package] = version.strip()
    return versions


def chain_for(target: Locale, chains: Mapping[str, Sequence[str]] | None = None) -> tuple[str, ...]:
    """The modes from English to ``target``: the configured chain, else the default."""
    for table in (chains or {}, DEFAULT_CHAINS):
        chain = table.get(target.tag) or table.get(target.language)
        if chain:
            return tuple(chain)
    return ()


@dataclass(frozen=True)
class PostEdit:
    """A known leftover of one Apertium mode and its safe fix: whole words, or a regular expression
    (``find`` written ``re:…``, ``replace`` a template with ``\\1``) where the fix depends on the context."""

    mode: str  # the chain's last mode
    find: str
    replace: str
    note: str

    @property
    def regex(self) -> bool:
        return self.find.startswith("re:")

    @functools.cached_property
    def pattern(self) -> re.Pattern[str]:
        if self.regex:
            return re.compile(self.find[3:])
        return re.compile(rf"(?<![\w.]){re.escape(self.find)}(?![\w])")

    def fix(self, match: re.Match[str]) -> str:
        """The replacement of one match, its first letter a capital where the leftover's was."""
        replacement = match.expand(self.replace) if self.regex else self.replace
        found = match.group()
        if found[:1].isupper() and replacement[:1].islower():
            return replacement[:1].upper() + replacement[1:]
        return replacement


@functools.cache
def post_edits() -> tuple[PostEdit, ...]:
    """``pipeline/data/apertium_post_edits.tsv``: mode, leftover, fix, why (each kept because it measured better)."""
    text = resources.files("pipeline").joinpath("data", "apertium_post_edits.tsv").read_text(encoding="utf-8")
    rules = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            mode, find, replace, note = [*line.split("\t"), "", "", ""][:4]
            rules.append(PostEdit(mode.strip(), find.strip(), replace.strip(), note.strip()))
    return tuple(rules)


def post_edit(text: str, mode: str, rules: Sequence[PostEdit] | None = None) -> str:
    """The output of a chain ending in ``mode`` with its known leftovers fixed.

    Placeholders (glossary terms, kept spans, codes) are still in the text, so no rule can touch them.
    """
    for rule in post_edits() if rules is None else rules:
        if rule.mode == mode:
            text = rule.pattern.sub(functools.partial(_fix_unless_placeholder, rule), text)
    return text


# A placeholder right after a match: a proxy name, a Zq1x token or a tag (what a glossary term,
# a kept span, a date or a number is at this point).
PLACEHOLDER_NEXT = re.compile(rf"\s*(?:(?:{'|'.join(PROXY_PLACEHOLDERS.proxies)})\b|Zq\d+x|<)")


def _fix_unless_placeholder(rule: PostEdit, match: re.Match[str]) -> str:
    """A rule that reads the next word ("de" before "México") never reads a placeholder as that word:
    "dans Johnson" is "dans" before a glossary term, not before a city."""
    if rule.regex and PLACEHOLDER_NEXT.match(match.string, match.end()):
        return match.group()
    return rule.fix(match)


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


class _Running:
    """One thread's run of a mode over some texts, which other threads needing those texts wait for."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.error: BaseException | None = None


class ApertiumEngine:
    name = "apertium"
    marks: tuple[MarkKind, ...] = MARKS
    placeholders = PROXY_PLACEHOLDERS
    offers_alternatives = False
    runs_apart = True  # each mode is an apertium process; translate is safe from several threads

    def __init__(self, chains: Mapping[str, Sequence[str]] | None = None, post_edit: bool = True):
        self.chains = {tag: tuple(chain) for tag, chain in (chains or {}).items()}
        self.post_edit = post_edit
        # (mode, input text) → the mode's raw output, for this engine's lifetime (one build).
        self._steps: dict[tuple[str, str], str] = {}
        # (mode, input text) → the run in progress in another thread (es and pt-BR share eng-spa)
        self._running: dict[tuple[str, str], _Running] = {}
        self._lock = threading.Lock()
        self.runs: list[tuple[str, int]] = []  # (mode, texts) for every Apertium process run

    def chain(self, target: Locale) -> tuple[str, ...]:
        return chain_for(target, self.chains)

    def available(self, source: str, target: Locale) -> bool:
        chain = self.chain(target)
        return source == "en" and bool(chain) and set(chain) <= installed_pairs()

    def configuration_problem(self, target: Locale) -> str | None:
        """What is wrong with the project's ``apertium-chains`` setting for ``target``, if anything."""
        configured = self.chains.get(target.tag) or self.chains.get(target.language)
        absent = [mode for mode in configured or () if mode not in installed_pairs()]
        if not absent:
            return None
        setting = f"pyproject.toml: [tool.newsloc] apertium-chains: {target.tag}"
        unknown = [mode for mode in absent if mode not in DEBIAN_PACKAGES]
        if unknown:
            return (
                f"{setting} names Apertium modes that are not installed: {', '.join(unknown)} "
                f"(apertium -l lists the installed ones)"
            )
        packages = " ".join(sorted({"apertium", *(DEBIAN_PACKAGES[mode] for mode in absent)}))
        return f"{setting} uses Apertium modes that are not installed: apt-get install {packages}"

    def missing_message(self, target: Locale) -> str:
        problem = self.configuration_problem(target)
        if problem:
            return problem
        chain = self.chain(target)
        if not chain:
            return f"Apertium has no mode chain from English to {target.tag}"
        packages = " ".join(
            sorted({"apertium", *(DEBIAN_PACKAGES.get(mode, f"(the package of {mode})") for mode in chain)})
        )
        return f"Apertium modes {' + '.join(chain)} are not installed: apt-get install {packages}"

    def provenance(self, source: str, target: Locale) -> Provenance:
        """The mode chain and its Debian package versions: an upgraded pair is another version."""
        chain = self.chain(target)
        return Provenance("apertium", "+".join(chain), "+".join(filter(None, map(package_version, chain))))

    def translate(
        self, texts: Sequence[str], source: str, target: Locale, progress: Progress | None = None
    ) -> list[Hypothesis]:
        if not texts:
            return []
        if not self.available(source, target):
            raise EngineError(self.missing_message(target))
        chain = self.chain(target)
        outputs = list(texts)
        marked: list[list[Mark]] = [[] for _ in texts]
        for mode in chain:
            inputs, outputs = outputs, self._run_once(mode, outputs)
            for index, text in enumerate(outputs):
                # The step's own input is what a mark-like "#MeToo" is checked against.
                outputs[index], found = strip_marks(text, MARKS, inputs[index])
                marked[index].extend(found)
        provenance = self.provenance(source, target)
        hypotheses = []
        for text, words in zip(outputs, marked):
            if self.post_edit:
                text = post_edit(text, chain[-1])
            hypotheses.append(Hypothesis(text, provenance, flags=mark_flags(words, text)))
        if progress:
            progress(len(texts))
        return hypotheses

    def release(self) -> None:
        """Forget every step's outputs: at 200 articles, 100,000 texts the rest of the build never reads."""
        with self._lock:
            self._steps.clear()

    def _run_once(self, mode: str, texts: Sequence[str]) -> list[str]:
        """``run_mode`` over the texts this engine has not yet run through ``mode`` (each distinct one once,
        also when another thread is running the same step: this one waits for it, and fails as it did)."""
        with self._lock:
            steps = [(mode, text) for text in dict.fromkeys(texts) if (mode, text) not in self._steps]
            others = {self._running[step] for step in steps if step in self._running}
            mine = [step for step in steps if step not in self._running]
            running = _Running()
            self._running.update(dict.fromkeys(mine, running))
        try:
            if mine:
                self.runs.append((mode, len(mine)))
                outputs = self.run_mode(mode, [text for _, text in mine])
                with self._lock:
                    self._steps.update(zip(mine, outputs, strict=True))
        except BaseException as error:
            running.error = error
            raise
        finally:
            with self._lock:
                for step in mine:
                    del self._running[step]
            running.done.set()
        for other in others:
            other.done.wait()
            if isinstance(other.error, EngineError):  # the same failure, not a second wait for it
                raise EngineError(str(other.error)) from other.error
            if other.error is not None:
                raise EngineError(f"Apertium {mode} failed: {other.error}") from other.error
        with self._lock:
            return [self._steps[(mode, text)] for text in texts]

    @staticmethod
    def run_mode(mode: str, texts: Sequence[str]) -> list[str]:
        """One Apertium mode over the batch: one process, one <p> per text, marks left in."""
        document = "\n".join(to_html(index, text) for index, text in enumerate(texts))
        try:
            result = subprocess.run(
                ["apertium", "-f", "html", mode],
                input=document,
                capture_output=True,
                text=True,
                timeout=TIMEOUT_SECONDS,
            )
        except (OSError, subprocess.SubprocessError) as error:
            raise EngineError(f"Apertium {mode} failed to run: {error}") from None
        if result.returncode != 0:
            detail = result.stderr.strip().splitlines()[-1:] or ["no message"]
            raise EngineError(f"Apertium {mode} failed: {detail[0]}")
        found = {int(number): body for number, body in SEGMENT.findall(result.stdout)}
        if len(found) != len(texts):
            raise EngineError(f"Apertium {mode} returned {len(found)} of {len(texts)} segments; check the installation")
        return [from_html(found[index]) for index in range(len(texts))]


def mark_flags(marks: Sequence[Mark], text: str) -> tuple[Flag, ...]:
    """One flag per marked word and kind, its span found again in the final text (a later step may
    have translated the word, then the flag has no span)."""
    flags: list[Flag] = []
    seen: set[tuple[str, str]] = set()
    where = first_spans(text, max((len(mark.word) for mark in marks), default=0))
    for mark in marks:
        if (mark.kind.code, mark.word) in seen:
            continue  # the same word marked again by the next step ("**thier")
        seen.add((mark.kind.code, mark.word))
        flags.append(flag_for(mark.kind, mark.word, where.get(mark.word)))
    return tuple(flags)
