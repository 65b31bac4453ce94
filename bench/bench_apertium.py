"""Apertium: one process per segment (what a naive caller does) versus newsloc's batched chain.

Prints, for the first SEGMENTS segments of the sample, es (direct) and pt-BR (pivot
through Spanish), the time of both callers over interleaved rounds (min and median)
and the ratio of the medians with its per-round range. (French runs eng-cat → cat-fra,
whose cat-fra start-up alone takes seconds: per segment it would take minutes.)
Run: .venv/bin/python bench/bench_apertium.py [--rounds N] [--segments N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.engines.apertium import ApertiumEngine
from pipeline.model import Locale
from pipeline.readers import read_document
from pipeline.segment import segment_document

ARTICLE = ROOT / "articles" / "mexico-rejects-us-intervention.txt"


def per_segment(texts: list[str], locale: Locale) -> float:
    """One `apertium` chain per segment, as a caller without batching would run it."""
    start = time.perf_counter()
    for text in texts:
        data = text
        for pair in ApertiumEngine().chain(locale):
            data = subprocess.run(["apertium", pair], input=data, capture_output=True, text=True, check=True).stdout
    return time.perf_counter() - start


def batched(texts: list[str], locale: Locale) -> float:
    start = time.perf_counter()
    hypotheses = ApertiumEngine().translate(texts, "en", locale)
    assert len(hypotheses) == len(texts)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--segments", type=int, default=24)
    args = parser.parse_args()
    engine = ApertiumEngine()
    _, document = read_document(ARTICLE)
    texts = [segment.text for segment in segment_document(document)][: args.segments]
    print(f"Apertium on {ARTICLE.name}: {len(texts)} segments, {args.rounds} interleaved rounds")
    for tag in ("es", "pt-BR"):
        locale = Locale(tag)
        if not engine.available("en", locale):
            print(f"  {tag}: Apertium pairs missing ({engine.missing_message(locale)})")
            continue
        batched(texts[:3], locale)  # warm the page cache for both paths alike
        naive, fast = [], []
        for _ in range(args.rounds):
            naive.append(per_segment(texts, locale))
            fast.append(batched(texts, locale))
        ratios = [n / f for n, f in zip(naive, fast)]
        print(
            f"  {tag} ({'+'.join(engine.chain(locale))}): per segment min {min(naive):5.2f} s median "
            f"{statistics.median(naive):5.2f} s; batched min {min(fast):5.2f} s median {statistics.median(fast):5.2f} s; "
            f"ratio {statistics.median(naive) / statistics.median(fast):5.1f}x (per round {min(ratios):.1f}–{max(ratios):.1f}x)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
