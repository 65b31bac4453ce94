"""Checks on one very long segment: time at 8× the length, per check (linear: ~8×, quadratic: ~64×).

Issue 18: a 1 MB line ran for more than 10 minutes (repetition, Apertium mark search,
glossary restore, review summary grew with the square of the length). Each function runs
on a short and an 8× longer segment, interleaved (S L S L …, several rounds), and the
ratio of the times is printed with its min and median. Run: .venv/bin/python bench/bench_long_line.py
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import checks, glossary, lint, marks
from pipeline.engines.apertium import MARKS
from pipeline.model import Locale
from pipeline.tbx import read_tbx

SHORT, FACTOR, ROUNDS = 40_000, 8, 3
ES = Locale("es")
WORDS = [
    "the",
    "president",
    "said",
    "that",
    "Mexico",
    "would",
    "reject",
    "any",
    "intervention",
    "by",
    "the",
    "United",
    "States",
    "and",
    "its",
    "backyard",
    "policy",
    "while",
    "officials",
    "agreed",
    "with",
    "drug",
    "cartels",
    "fentanyl",
    "sovereignty",
    "Lula",
    "da",
    "Silva",
    "zzyzx",
]
GLOSSARY = read_tbx(ROOT / "glossary" / "newsloc.tbx")


def english(length: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    words: list[str] = []
    while sum(map(len, words)) + len(words) < length:
        words.append(rng.choice(WORDS))
    return " ".join(words) + "."


def marked(text: str) -> str:
    """Apertium-like output: every seventh word marked unknown, a loop now and then."""
    return " ".join(("*" + word) if i % 7 == 0 else word for i, word in enumerate(text.split()))


def cases(length: int) -> dict[str, Callable[[], object]]:
    source = english(length)
    target = marked(source)
    matches = glossary.find_terms(GLOSSARY, source)
    protected = glossary.protect(source, matches, ES)
    return {
        "source lint": lambda: lint.lint_text(source, "long.txt"),
        "target checks": lambda: checks.check_translation(source, target, ES, marks=MARKS, spell=False),
        "Apertium marks": lambda: marks.strip_marks_as_flags(target, MARKS, source),
        "glossary find+protect": lambda: glossary.protect(source, glossary.find_terms(GLOSSARY, source), ES),
        "glossary restore": lambda: glossary.restore(protected, protected.text),
    }


def timed(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def main() -> None:
    short, long = cases(SHORT), cases(SHORT * FACTOR)
    print(f"one segment of {SHORT // 1000} kB vs {SHORT * FACTOR // 1000} kB ({FACTOR}×); linear ≈ {FACTOR}×")
    for name in short:
        ratios = []
        for _ in range(ROUNDS):
            small = timed(short[name])
            large = timed(long[name])
            ratios.append(large / max(small, 1e-9))
        print(f"  {name:24} time ratio min {min(ratios):5.1f}×  median {statistics.median(ratios):5.1f}×")


if __name__ == "__main__":
    main()
