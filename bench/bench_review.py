"""Review flags on a seeded-defect set: recall per defect class and precision, newsloc beside pofilter.

Run: .venv/bin/python bench/bench_review.py [--per-class N] [--seed S] [--show-misses]

The set: clean human translations (es, fr, pt-BR) of two articles that are not the
sample (bench/data/articles/*.refs.json, 142 entries per locale). Into a seeded
choice of entries, one known defect each is injected — 13 classes, N entries per
class per locale — and the rest stay clean. Both checkers see the same files:

- newsloc: every target flag of ``review.target_flags`` (the checks, inline codes and
  the glossary, as ``newsloc check`` computes them); source lint is about the English
  and the same for every variant, so it is left out.
- pofilter (Translate Toolkit) with its default checks and ``--language``, on PO files
  holding the same msgctxt/msgid/msgstr.

An entry counts as flagged when it gets a warning or error (info flags ask for no
action; pofilter has no severities, so every unit it reports counts). A defect counts
as found when its entry gets a flag (by check code) that the clean translation of the
same entry does not get — a flag raised anyway (pofilter's spell check on a name) finds
nothing. Recall per class = defects found / defects injected; precision = flagged
entries where a flag points at a real defect (one the clean text does not get) /
flagged entries. pofilter runs twice: with its default checks, and with
``--language`` (which adds its enchant spell check).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import polib

from pipeline import glossary as glossaries
from pipeline import spelling
from pipeline.config import load_config
from pipeline.model import Locale, Segment, Severity
from pipeline.project import load_glossary
from pipeline.review import target_flags
from pipeline.source import analyse

ARTICLES = (
    ROOT / "bench/data/articles/latam-summit-security-pact.txt",
    ROOT / "bench/data/articles/brazil-amazon-trade-talks.md",
)
LOCALES = ("es", "fr", "pt-BR")
POFILTER = Path(sys.executable).parent / "pofilter"
ADDED = {
    "es": ("Esto fue confirmado por fuentes oficiales.", "Nadie lo esperaba.", "La noticia sorprendió a muchos."),
    "fr": ("Cela a été confirmé par des sources officielles.", "Personne ne s’y attendait.", "La nouvelle a surpris."),
    "pt-BR": (
        "Isso foi confirmado por fontes oficiais.",
        "Ninguém esperava por isso.",
        "A notícia surpreendeu muitos.",
    ),
}
WORD = re.compile(r"(?<![\w’'-])[^\W\d_]+(?![\w’'-])")


@dataclass(frozen=True)
class Entry:
    segment: Segment
    reference: str  # the clean translation


@dataclass(frozen=True)
class Context:
    locale: Locale
    glossary: glossaries.Glossary
    rng: random.Random


Injector = Callable[[Entry, Context], str | None]


# ---------------------------------------------------------------- injectors: clean text → one defect (None: n/a)


def _plain_words(text: str, context: Context, minimum: int = 5) -> list[re.Match[str]]:
    """Lower-case words of the text outside codes, glossary terms and names."""
    protected = " ".join(context.glossary and glossaries.target_words(context.glossary, context.locale.tag))
    return [
        m
        for m in WORD.finditer(text)
        if len(m.group()) >= minimum
        and m.group().islower()
        and m.group().casefold() not in protected.split()
        and not _inside_code(text, m.start())
    ]


def _inside_code(text: str, index: int) -> bool:
    return text.rfind("<", 0, index) > text.rfind(">", 0, index)


def numbers(entry: Entry, context: Context) -> str | None:
    match = re.search(r"(?<![\w<])\d+", entry.reference)
    if not match or not re.search(r"\d", entry.segment.text):
        return None
    digits = match.group()
    changed = digits[:-1] + str((int(digits[-1]) + 1) % 10)
    return entry.reference[: match.start()] + changed + entry.reference[match.end() :]


def glossary_term(entry: Entry, context: Context) -> str | None:
    """A multi-word glossary term cut to its first word ("patio trasero" → "patio")."""
    for requirement in glossaries.required_terms(context.glossary, entry.segment.text, context.locale):
        if requirement.verbatim:
            continue
        for form in sorted(requirement.accepted, key=len, reverse=True):
            found = re.search(rf"(?<!\w){re.escape(form)}(?!\w)", entry.reference, re.I)
            if found and " " in form:
                return entry.reference[: found.start()] + found.group().split()[0] + entry.reference[found.end() :]
    return None


def name(entry: Entry, context: Context) -> str | None:
    """A do-not-translate name altered: accents dropped, or a letter lost."""
    for requirement in glossaries.required_terms(context.glossary, entry.segment.text, context.locale):
        if not requirement.verbatim:
            continue
        for form in requirement.accepted:
            if form in entry.reference:
                stripped = "".join(c for c in unicodedata.normalize("NFD", form) if unicodedata.category(c) != "Mn")
                if stripped == form:
                    stripped = form[:3] + form[4:] if len(form) > 4 else form.capitalize()
                if stripped != form:
                    return entry.reference.replace(form, stripped, 1)
    return None


def untranslated(entry: Entry, context: Context) -> str | None:
    """The entry left in English (the source copied into the translation)."""
    return entry.segment.text if len(entry.segment.text.split()) >= 3 else None


def english_word(entry: Entry, context: Context) -> str | None:
    """One target word replaced by an English word of the source ("política" → "policy")."""
    name_dict = spelling.dictionary_name(context.locale.tag)
    english = [
        m.group()
        for m in _plain_words(entry.segment.text, context, 6)
        if spelling.is_correct(m.group(), "en_US") and not spelling.is_correct(m.group(), name_dict)
    ]
    targets = _plain_words(entry.reference, context, 6)
    if not english or not targets:
        return None
    victim = context.rng.choice(targets)
    return entry.reference[: victim.start()] + context.rng.choice(english) + entry.reference[victim.end() :]


def doubled_word(entry: Entry, context: Context) -> str | None:
    words = [m for m in WORD.finditer(entry.reference) if not _inside_code(entry.reference, m.start())]
    if len(words) < 4:
        return None
    victim = words[context.rng.randrange(1, len(words) - 1)]
    return entry.reference[: victim.end()] + " " + victim.group() + entry.reference[victim.end() :]


def lost_final_punctuation(entry: Entry, context: Context) -> str | None:
    match = re.search(r"[.?!…]([»”\s\u202f]*)$", entry.reference)
    if not match or not re.search(r"[.?!…][”’\"]*$", entry.segment.text):
        return None
    return entry.reference[: match.start()] + match.group(1)


def truncation(entry: Entry, context: Context) -> str | None:
    """The second half of the sentence lost (final punctuation kept)."""
    words = entry.reference.split(" ")
    if len(words) < 12 or "<" in entry.reference:
        return None
    end = re.search(r"[.?!…]*[»”\s\u202f]*$", entry.reference)
    return " ".join(words[: len(words) // 2]).rstrip(",;:") + (end.group() if end else "")


def added_sentence(entry: Entry, context: Context) -> str | None:
    if not re.search(r"[.!?]$", entry.reference) or len(entry.reference.split()) < 5:
        return None
    extra = context.rng.choice(ADDED[context.locale.tag])
    if context.rng.random() < 0.5:
        return f"{entry.reference} {extra}"
    return f"{extra} {entry.reference}"


def engine_loop(entry: Entry, context: Context) -> str | None:
    words = entry.reference.rstrip(".!?»” ").split(" ")
    if len(words) < 6 or "<" in entry.reference:
        return None
    tail = " ".join(words[-3:])
    return entry.reference.rstrip(".!?»” ") + (" " + tail) * 3 + "."


def unbalanced_quotes(entry: Entry, context: Context) -> str | None:
    closing = [m for m in re.finditer(r"[»”]", entry.reference)]
    if closing:
        victim = closing[-1]
        return (entry.reference[: victim.start()] + entry.reference[victim.end() :]).replace("\u202f\u202f", "\u202f")
    words = _plain_words(entry.reference, context, 4)
    if not words:
        return None
    opening = "«\u202f" if context.locale.language == "fr" else ("«" if context.locale.language == "es" else "“")
    victim = context.rng.choice(words)
    return entry.reference[: victim.start()] + opening + entry.reference[victim.start() :]


def locale_punctuation(entry: Entry, context: Context) -> str | None:
    """French spacing lost, Spanish ¿/¡ dropped, Spanish ¿ in Portuguese."""
    text = entry.reference
    if context.locale.language == "fr":
        spaced = re.search(r"[\u202f\u00a0](?=[;:!?»])|(?<=«)[\u202f\u00a0]", text)
        return text[: spaced.start()] + text[spaced.end() :] if spaced else None
    if context.locale.language == "es":
        if "¿" in text or "¡" in text:
            return text.replace("¿", "", 1) if "¿" in text else text.replace("¡", "", 1)
        return None
    question = re.search(r"(?:^|(?<=[.!?] ))([^.!?]+\?)", text)
    return text[: question.start(1)] + "¿" + text[question.start(1) :] if question else None


def misspelling(entry: Entry, context: Context) -> str | None:
    """Two letters of a word swapped ("gobierno" → "gobeirno")."""
    words = [m for m in _plain_words(entry.reference, context, 7) if len(set(m.group())) > 3]
    if not words:
        return None
    victim = context.rng.choice(words)
    word = victim.group()
    index = context.rng.randrange(2, len(word) - 2)
    swapped = word[:index] + word[index + 1] + word[index] + word[index + 2 :]
    if swapped == word:
        return None
    return entry.reference[: victim.start()] + swapped + entry.reference[victim.end() :]


CLASSES: dict[str, Injector] = {
    "numbers": numbers,
    "glossary term": glossary_term,
    "do-not-translate name": name,
    "untranslated": untranslated,
    "English leftover": english_word,
    "doubled word": doubled_word,
    "lost final punctuation": lost_final_punctuation,
    "truncation": truncation,
    "added sentence": added_sentence,
    "engine loop": engine_loop,
    "unbalanced quotes": unbalanced_quotes,
    "locale punctuation": locale_punctuation,
    "misspelling": misspelling,
}


# ---------------------------------------------------------------- the set


def load_entries() -> tuple[list[Entry], dict[str, list[str]], glossaries.Glossary]:
    config = load_config(ROOT)
    glossary = load_glossary(config)
    assert glossary is not None
    entries: list[Entry] = []
    references: dict[str, list[str]] = {tag: [] for tag in LOCALES}
    for article in ARTICLES:
        source = analyse(config, article, glossary)
        rows = json.loads(article.with_suffix(".refs.json").read_text(encoding="utf-8"))
        by_entry = {(row["msgctxt"] or "", row["msgid"]): row for row in rows}
        for segment in source.segments:
            row = by_entry[(segment.key, segment.text)]
            entries.append(Entry(segment, ""))
            for tag in LOCALES:
                references[tag].append(row[tag])
    return entries, references, glossary


def seeded_set(
    entries: list[Entry], references: list[str], context: Context, per_class: int
) -> tuple[list[str], dict[int, str]]:
    """The targets with defects injected, and entry index → defect class."""
    order = list(range(len(entries)))
    context.rng.shuffle(order)
    targets = list(references)
    injected: dict[int, str] = {}
    counts = dict.fromkeys(CLASSES, 0)
    for index in order:
        entry = Entry(entries[index].segment, references[index])
        # the class with fewest injections so far that applies here
        for defect in sorted(CLASSES, key=lambda name: (counts[name], list(CLASSES).index(name))):
            if counts[defect] >= per_class:
                continue
            changed = CLASSES[defect](entry, context)
            if changed is not None and changed != entry.reference:
                targets[index], injected[index] = changed, defect
                counts[defect] += 1
                break
        if all(count >= per_class for count in counts.values()):
            break
    return targets, injected


# ---------------------------------------------------------------- the checkers


def newsloc_flagged(entries: list[Entry], targets: list[str], context: Context) -> dict[int, list[str]]:
    flagged: dict[int, list[str]] = {}
    for index, (entry, target) in enumerate(zip(entries, targets)):
        flags = target_flags(entry.segment, target, context.locale, context.glossary, [])
        codes = [flag.code for flag in flags if flag.severity != Severity.INFO and not flag.source]
        if codes:
            flagged[index] = codes
    return flagged


def pofilter_flagged(entries: list[Entry], targets: list[str], tag: str, language: bool) -> dict[int, list[str]]:
    catalog = polib.POFile()
    catalog.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": tag.replace("-", "_")}
    for index, (entry, target) in enumerate(zip(entries, targets)):
        catalog.append(polib.POEntry(msgctxt=f"{index}:{entry.segment.key}", msgid=entry.segment.text, msgstr=target))
    with tempfile.TemporaryDirectory(prefix="bench-review-") as folder:
        source, output = Path(folder) / "in.po", Path(folder) / "out.po"
        catalog.save(str(source))
        subprocess.run(
            [
                str(POFILTER),
                *([f"--language={tag.replace('-', '_')}"] if language else []),
                "--progress=none",
                "-i",
                str(source),
                "-o",
                str(output),
            ],
            check=True,
            capture_output=True,
        )
        flagged: dict[int, list[str]] = {}
        if output.exists():
            for unit in polib.pofile(str(output)):
                if unit.msgctxt:
                    checks = re.findall(r"\(pofilter\) (\w+)", unit.comment + "\n" + unit.tcomment)
                    flagged[int(unit.msgctxt.split(":", 1)[0])] = checks or ["?"]
    return flagged


CHECKERS: dict[str, Callable[[list[Entry], list[str], Context], dict[int, list[str]]]] = {
    "newsloc": newsloc_flagged,
    "pofilter": lambda entries, targets, context: pofilter_flagged(entries, targets, context.locale.tag, False),
    "pofilter+spell": lambda entries, targets, context: pofilter_flagged(entries, targets, context.locale.tag, True),
}


# ---------------------------------------------------------------- report


@dataclass
class Tally:
    found: dict[str, int]
    injected: dict[str, int]
    flagged: int = 0
    true_flagged: int = 0

    @property
    def recall(self) -> float:
        return sum(self.found.values()) / max(sum(self.injected.values()), 1)

    @property
    def precision(self) -> float:
        return self.true_flagged / max(self.flagged, 1)


def tally(flagged: dict[int, list[str]], clean: dict[int, list[str]], injected: dict[int, str]) -> Tally:
    """Found: the defective entry has a flag its clean version does not have."""

    def new_flags(index: int) -> bool:
        remaining = list(clean.get(index, []))
        for code in flagged.get(index, []):
            if code in remaining:
                remaining.remove(code)
            else:
                return True
        return False

    result = Tally(dict.fromkeys(CLASSES, 0), dict.fromkeys(CLASSES, 0))
    for index, defect in injected.items():
        result.injected[defect] += 1
        result.found[defect] += new_flags(index)
    result.flagged = len(flagged)
    result.true_flagged = sum(index in injected and new_flags(index) for index in flagged)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-class", type=int, default=4, help="defective entries per class and locale")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--show-misses", action="store_true", help="print every missed defect and false alarm")
    options = parser.parse_args()
    entries, references, glossary = load_entries()
    totals: dict[str, dict[str, Tally]] = defaultdict(dict)
    print(f"Seeded-defect review benchmark: {len(entries)} entries per locale, {options.per_class} per class")
    for tag in LOCALES:
        context = Context(Locale(tag), glossary, random.Random(f"{options.seed}-{tag}"))
        targets, injected = seeded_set(entries, references[tag], context, options.per_class)
        for checker, run in CHECKERS.items():
            flagged, clean = run(entries, targets, context), run(entries, references[tag], context)
            totals[tag][checker] = tally(flagged, clean, injected)
            if options.show_misses and checker == "newsloc":
                for index, defect in sorted(injected.items()):
                    if index not in flagged:
                        print(f"  MISS {tag} {defect}: {targets[index]}")
                for index, codes in sorted(flagged.items()):
                    if index not in injected:
                        print(f"  FALSE ALARM {tag} {codes}: {targets[index]}")
    report(totals)


def report(totals: dict[str, dict[str, Tally]]) -> None:
    others = [checker for checker in CHECKERS if checker != "newsloc"]
    print()
    print("recall per class: newsloc found/injected (pofilter, pofilter+spell found)")
    print(f"  {'':28}" + "".join(f"{tag:>16}" for tag in (*LOCALES, "all")))
    for defect in CLASSES:
        cells = []
        for tag in (*LOCALES, "all"):
            tags = LOCALES if tag == "all" else (tag,)
            found = {c: sum(totals[t][c].found[defect] for t in tags) for c in CHECKERS}
            injected = sum(totals[t]["newsloc"].injected[defect] for t in tags)
            cells.append(f"{found['newsloc']}/{injected} ({', '.join(str(found[c]) for c in others)})")
        print(f"  {defect:28}" + "".join(f"{cell:>16}" for cell in cells))
    print()
    print(f"  {'':28}" + "".join(f"{tag:>16}" for tag in LOCALES))
    for metric in ("recall", "precision"):
        for checker in CHECKERS:
            values = [getattr(totals[tag][checker], metric) for tag in LOCALES]
            print(f"  {metric + ' ' + checker:28}" + "".join(f"{value:>15.1%} " for value in values))
        for checker in others:
            ratios = [
                getattr(totals[tag]["newsloc"], metric) / max(getattr(totals[tag][checker], metric), 1e-9)
                for tag in LOCALES
            ]
            print(f"  {metric + ' newsloc/' + checker:28}" + "".join(f"{ratio:>15.2f}×" for ratio in ratios))
    for checker in CHECKERS:
        print(f"  {'entries flagged ' + checker:28}" + "".join(f"{totals[t][checker].flagged:>16}" for t in LOCALES))


if __name__ == "__main__":
    main()
