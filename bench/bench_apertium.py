"""Apertium: one process per segment (what a naive caller does) versus newsloc's batched chain.

Prints segments/s for both and their ratio, on the sample article, for es (direct)
and fr (pivot through Spanish). Run: .venv/bin/python bench/bench_apertium.py
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.engines.apertium import ApertiumEngine, chain_for
from pipeline.model import Locale
from pipeline.readers import read_document
from pipeline.segment import segment_document

ARTICLE = ROOT / "articles" / "mexico-rejects-us-intervention.txt"


def per_segment(texts: list[str], locale: Locale) -> float:
    """One `apertium` chain per segment, as a caller without batching would run it."""
    start = time.perf_counter()
    for text in texts:
        data = text
        for pair in chain_for(locale):
            data = subprocess.run(["apertium", pair], input=data, capture_output=True, text=True, check=True).stdout
    return time.perf_counter() - start


def batched(texts: list[str], locale: Locale) -> float:
    start = time.perf_counter()
    hypotheses = ApertiumEngine().translate(texts, "en", locale)
    assert len(hypotheses) == len(texts)
    return time.perf_counter() - start


def main() -> int:
    engine = ApertiumEngine()
    _, document = read_document(ARTICLE)
    texts = [segment.text for segment in segment_document(document)]
    print(f"Apertium on {ARTICLE.name}: {len(texts)} segments")
    for tag in ("es", "fr"):
        locale = Locale(tag)
        if not engine.available("en", locale):
            print(f"  {tag}: Apertium pairs missing ({engine.missing_message(locale)})")
            continue
        batched(texts[:3], locale)  # warm the page cache for both paths alike
        naive = per_segment(texts, locale)
        fast = batched(texts, locale)
        print(
            f"  {tag} ({'+'.join(chain_for(locale))}): per segment {len(texts) / naive:7.1f} seg/s "
            f"({naive:5.2f} s)  batched {len(texts) / fast:7.1f} seg/s ({fast:5.2f} s)  "
            f"ratio {naive / fast:5.1f}x"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
