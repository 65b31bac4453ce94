"""Translation memory: lookup time per segment at 1,000 / 10,000 / 100,000 units, and its share of a build.

Run: .venv/bin/python bench/bench_memory.py [--rounds N] [--queries N]

1. Lookup. Memories of synthetic news sentences (words of the sample and bench articles,
   drawn with a Zipf-like skew so common words are as common as in real text) are
   indexed on disk as a build indexes them. Each query is what the build does per
   segment: an exact lookup and a fuzzy one. Queries: a third copies of stored units,
   a third paraphrases (a word changed, one dropped), a third the sample article's own
   segments (mostly no match). Sizes are interleaved (1k 10k 100k 1k 10k 100k …) over
   the rounds; per size the p50 and p95 of each round are printed as min / median.

2. Build share. The sample article and a bench article built in Spanish (Apertium if
   installed, else pseudo) in a fresh copy of a project whose memory holds its own
   reviewed entries and a 10,000-unit tm/ file; memory on and off interleaved (A B A B…).
   Printed: build time min / median for both, and the time spent in the memory (refresh +
   lookups) as a share of the memory-on build.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import po as po_text
from pipeline.memory.index import MemoryIndex
from pipeline.memory.tmx import render_tmx
from pipeline.memory.units import Origin, Unit
from pipeline.model import Locale

SIZES = (1_000, 10_000, 100_000)
ES = Locale("es")
TEXTS = [
    ROOT / "articles" / "mexico-rejects-us-intervention.txt",
    *sorted((ROOT / "bench" / "data" / "articles").glob("*.[tm][xd]*")),
]


def vocabulary() -> list[str]:
    words: dict[str, int] = {}
    for path in TEXTS:
        for word in re.findall(r"[A-Za-z][a-z’']+", path.read_text(encoding="utf-8")):
            words[word] = words.get(word, 0) + 1
    return sorted(words, key=lambda w: -words[w])


def sentence(rng: random.Random, vocab: list[str], weights: list[float]) -> str:
    return " ".join(rng.choices(vocab, weights, k=rng.randint(6, 28))).capitalize() + "."


def memory_units(size: int, seed: int = 7) -> list[Unit]:
    """Synthetic sentences; word ranks drawn with Zipf's weight 1/rank, as in running text."""
    rng = random.Random(seed)
    vocab = vocabulary()
    weights = [1 / rank for rank in range(1, len(vocab) + 1)]
    return [
        Unit(s, f"[es] {s}", "es", Origin("synthetic", f"paragraph#{n}"))
        for n, s in enumerate(sentence(rng, vocab, weights) for _ in range(size))
    ]


def paraphrase(rng: random.Random, text: str, vocab: list[str]) -> str:
    words = text.rstrip(".").split()
    words[rng.randrange(len(words))] = rng.choice(vocab[:500])
    if len(words) > 8:
        del words[rng.randrange(len(words))]
    return " ".join(words) + "."


def sample_segments() -> list[str]:
    from pipeline.config import load_config
    from pipeline.source import analyse

    source = analyse(load_config(ROOT), TEXTS[0], None)
    return [segment.text for segment in source.segments]


def queries(units: list[Unit], count: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    vocab = vocabulary()
    own = sample_segments()
    third = count // 3
    return (
        [rng.choice(units).source for _ in range(third)]
        + [paraphrase(rng, rng.choice(units).source, vocab) for _ in range(third)]
        + [own[n % len(own)] for n in range(count - 2 * third)]
    )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def bench_lookup(rounds: int, count: int, folder: Path) -> None:
    print(f"lookup per segment (exact + fuzzy), {count} queries per round, {rounds} rounds; ms as min / median")
    indexes, asked = {}, {}
    for size in SIZES:
        started = time.perf_counter()
        units = memory_units(size)
        index = MemoryIndex(folder / f"memory-{size}.sqlite3")
        index.replace_files([("tm/synthetic.tmx", "1:1", units)])
        indexes[size], asked[size] = index, queries(units, count)
        print(f"  indexed {size:>7,} units in {time.perf_counter() - started:5.1f} s")
    results: dict[int, list[tuple[float, float, float, float, int]]] = {size: [] for size in SIZES}
    for _ in range(rounds):
        for size in SIZES:  # interleaved: load drifts on the shared machine
            wall, cpu, found = [], [], 0
            for text in asked[size]:
                started, started_cpu = time.perf_counter(), time.process_time()
                exact = indexes[size].exact(text, "es")
                fuzzy = indexes[size].fuzzy(text, "es")
                wall.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
                found += bool(exact or fuzzy)
            results[size].append(
                (percentile(wall, 0.5), percentile(wall, 0.95), percentile(cpu, 0.5), percentile(cpu, 0.95), found)
            )
    # Wall time includes waiting for the CPU on a loaded machine; CPU time is the lookup's own cost.
    print(f"  {'units':>8}  {'wall p50 ms':>15}  {'wall p95 ms':>15}  {'cpu p50 ms':>15}  {'cpu p95 ms':>15}  matched")
    for size in SIZES:
        cells = []
        for column in range(4):
            values = [r[column] for r in results[size]]
            cells.append(f"{min(values):6.2f} / {statistics.median(values):6.2f}")
        print(f"  {size:>8,}  " + "  ".join(f"{cell:>15}" for cell in cells) + f"  {results[size][0][4]}/{count}")
    for index in indexes.values():
        index.close()


def prepared_project(folder: Path) -> Path:
    """The repo's sample with a third of its Spanish entries reviewed, a bench article, a 10k-unit tm/ file."""
    project = folder / "project"
    (project / "articles").mkdir(parents=True)
    shutil.copy(ROOT / "pyproject.toml", project)
    shutil.copytree(ROOT / "glossary", project / "glossary")
    shutil.copytree(ROOT / "locales", project / "locales")
    shutil.copy(TEXTS[0], project / "articles")
    shutil.copy(ROOT / "bench" / "data" / "articles" / "latam-summit-security-pact.txt", project / "articles")
    po = project / "locales" / "es" / "LC_MESSAGES" / f"{TEXTS[0].stem}.po"
    catalog = po_text.parse(po.read_text(encoding="utf-8"), po)
    for number, message in enumerate(m for m in catalog if m.id):
        if number % 3 == 0:
            message.flags.discard("fuzzy")
    po.write_text(po_text.render(catalog), encoding="utf-8")
    (project / "tm").mkdir()
    (project / "tm" / "synthetic.tmx").write_bytes(render_tmx(memory_units(10_000, seed=3)))
    return project


def bench_build(rounds: int, folder: Path) -> None:
    import pipeline.build
    from pipeline.build import BuildOptions, build
    from pipeline.config import load_config
    from pipeline.engines.apertium import ApertiumEngine

    engine = "apertium" if ApertiumEngine().available("en", ES) else "pseudo"
    base = prepared_project(folder)
    build(load_config(base), [], BuildOptions(locales=(ES,), engine=engine, write_html=False))  # warm the cache
    for po in (base / "locales" / "es" / "LC_MESSAGES").glob("latam-*.po"):
        po.unlink()  # every round translates the bench article afresh
    spent: list[float] = []
    real = pipeline.build.memory_matches

    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - started)

    pipeline.build.memory_matches = timed
    totals: dict[bool, list[float]] = {True: [], False: []}
    shares = []
    for number in range(rounds):
        for memory in (True, False):
            copy = folder / f"round-{number}-{memory}"
            shutil.copytree(base, copy)
            started = time.perf_counter()
            build(load_config(copy), [], BuildOptions(locales=(ES,), engine=engine, memory=memory))
            totals[memory].append(time.perf_counter() - started)
            if memory:
                shares.append(spent[-1] / totals[True][-1])
    pipeline.build.memory_matches = real
    print(f"build share ({engine}, es, 2 articles, memory of own reviewed entries + 10,000 TMX units), {rounds} rounds")
    for memory in (True, False):
        values = totals[memory]
        print(
            f"  memory {'on ' if memory else 'off'}: {min(values):6.2f} / {statistics.median(values):6.2f} s (min / median)"
        )
    print(
        f"  time in the memory: {min(spent):5.2f} / {statistics.median(spent):5.2f} s = "
        f"{100 * min(shares):4.1f} % / {100 * statistics.median(shares):4.1f} % of the build (min / median)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsloc-bench-memory-") as folder:
        bench_lookup(args.rounds, args.queries, Path(folder))
        bench_build(args.rounds, Path(folder))


if __name__ == "__main__":
    main()
