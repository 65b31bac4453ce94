"""Build speed: cold vs warm, cold vs the bare engine, serial vs --jobs 2, and scale with the article count.

Run: .venv/bin/python bench/bench_build.py [--rounds N] [--sizes 1,10,50,200]

Every build is `newsloc build` in a fresh process on a copy of the project in a temp
folder, as an editor runs it. The two sides of each pair run interleaved (A B A B …)
for several rounds, and each side prints its min and median, because the shared
machine's load drifts; the ratio is of the medians, with the range of the per-round
ratios. Issue 14's targets: warm/cold ≤ 0.10 (--lang all), cold ≤ 2× the bare engine,
time per article flat from 10 to 200 articles (within 20 %), peak RSS < 1 GB at 200.

- cold: catalogs, pages and .newsloc-cache/ removed, everything translated and checked;
  warm: the same build again, nothing changed: every input as the cold build left it, which
  it recorded (the ledger's fast path, pipeline/ledger.py); warm, checked: the same with the
  ledger deleted, so the build reads every catalog and checks from .newsloc-cache/ that
  everything is up to date.
- bare engine: each locale's Apertium chain run mode by mode over the same segments,
  one process per mode, as the engine does — without newsloc around it (and without
  sharing the English→Spanish step between es and pt-BR, which the build does).
- scale: N variants of the sample, every segment changed per copy (a reporter's name
  added), so no copy is a repeat of another; peak RSS is the largest process of the
  build (newsloc, a worker, or an Apertium process), and "all processes at once" the largest
  sum of their PSS while it ran (sampled every 0.25 s; Apertium chains run side by side).
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.config import load_config
from pipeline.engines.apertium import ApertiumEngine
from pipeline.readers import read_document
from pipeline.segment import segment_document

SAMPLE = ROOT / "articles" / "mexico-rejects-us-intervention.txt"
FIRST = [
    "Ana",
    "Bruno",
    "Carla",
    "Diego",
    "Elena",
    "Felipe",
    "Gloria",
    "Hugo",
    "Irene",
    "Javier",
    "Laura",
    "Mario",
    "Nora",
    "Pablo",
    "Rosa",
    "Sergio",
    "Teresa",
    "Victor",
    "Ximena",
    "Yolanda",
]
LAST = [
    "Ortiz",
    "Ramos",
    "Castro",
    "Vega",
    "Flores",
    "Rojas",
    "Navarro",
    "Molina",
    "Silva",
    "Torres",
    "Mendoza",
    "Herrera",
    "Aguilar",
    "Campos",
    "Reyes",
    "Cruz",
    "Morales",
    "Guerrero",
    "Medina",
    "Salazar",
]


# ---------------------------------------------------------------- projects


def make_project(folder: Path, articles: int) -> Path:
    """A project with the repo's settings and glossary and ``articles`` variants of the sample."""
    (folder / "articles").mkdir(parents=True)
    shutil.copy(ROOT / "pyproject.toml", folder / "pyproject.toml")
    shutil.copytree(ROOT / "glossary", folder / "glossary")
    if articles == 1:
        shutil.copy(SAMPLE, folder / "articles" / SAMPLE.name)
    for number in range(articles if articles > 1 else 0):
        (folder / "articles" / f"story-{number:03d}.txt").write_text(variant(number), encoding="utf-8")
    return folder


def variant(number: int) -> str:
    """The sample with every segment changed: a reporter's name, unique to the copy, added to each."""
    name = f"{FIRST[number % len(FIRST)]} {LAST[number // len(FIRST) % len(LAST)]}"
    text = SAMPLE.read_text(encoding="utf-8")
    _, document = read_document(SAMPLE)
    lines = text.split("\n")
    for segment in segment_document(document):
        line = lines[segment.line - 1]
        if segment.text not in line:
            continue
        changed = f"{segment.text[:-1]}, {name} reported." if segment.text.endswith(".") else f"{segment.text} ({name})"
        lines[segment.line - 1] = line.replace(segment.text, changed, 1)
    return "\n".join(lines)


def clean(project: Path) -> None:
    for name in ("locales", "dist", ".newsloc-cache"):
        shutil.rmtree(project / name, ignore_errors=True)


def build(project: Path, *options: str, memory: list[int] | None = None) -> tuple[float, int]:
    """One `newsloc build --lang all` in a new process: (seconds, peak RSS in KiB of its largest process).

    With ``memory``, the build's processes are also sampled as they run (newsloc, its workers and the
    Apertium processes running side by side), and the largest sum of their PSS (KiB) is appended.
    """
    command = [sys.executable, "-c", "from pipeline.cli import main; main()", "build", "--lang", "all", *options]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sampler = None
    if memory is not None:
        peak = [0]
        sampler = threading.Thread(target=sample_total_pss, args=(process.pid, peak), daemon=True)
        sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if sampler is not None and memory is not None:
        sampler.join()
        memory.append(peak[0])
    process.returncode = os.waitstatus_to_exitcode(status)
    errors = process.stderr.read().decode() if process.stderr else ""
    if process.returncode != 0:
        raise SystemExit(f"newsloc build failed in {project}: {errors.strip().splitlines()[-1:]}")
    return seconds, usage.ru_maxrss


def sample_total_pss(root: int, peak: list[int], every: float = 0.25) -> None:
    """The largest sum of PSS (proportional set size: shared pages counted once) over ``root`` and its
    descendants, sampled until ``root`` exits."""
    while os.path.exists(f"/proc/{root}/smaps_rollup"):
        total, pending = 0, [root]
        while pending:
            pid = pending.pop()
            try:
                with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
                    total += next((int(line.split()[1]) for line in rollup if line.startswith("Pss:")), 0)
                for task in os.listdir(f"/proc/{pid}/task"):
                    with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as children:
                        pending += [int(child) for child in children.read().split()]
            except (OSError, ValueError):
                continue  # exited meanwhile
        peak[0] = max(peak[0], total)
        time.sleep(every)


def bare_engine(project: Path) -> Callable[[], float]:
    """Each locale's chain over the project's segments, mode by mode as the engine runs them."""
    config = load_config(project)
    texts = []
    for path in sorted((project / "articles").glob("*.txt")):
        _, document = read_document(path)
        texts += [segment.text_for_engine for segment in segment_document(document)]
    engine = ApertiumEngine(dict(config.apertium_chains))
    chains = [engine.chain(locale) for locale in config.locales]

    def run() -> float:
        started = time.perf_counter()
        for chain in chains:
            outputs = texts
            for mode in chain:
                outputs = ApertiumEngine.run_mode(mode, outputs)
        return time.perf_counter() - started

    return run


def bytecode_note() -> str:
    """Whether the builds below run from compiled bytecode, as after `make setup`.

    `make setup` compiles the environment (uv sync --compile-bytecode) and the package; without
    that, and with PYTHONDONTWRITEBYTECODE set, every build compiles its imports from source.
    The package is compiled here as `make setup` does (a no-op when it is up to date).
    """
    compileall.compile_dir(ROOT / "pipeline", quiet=1)
    import babel.messages.catalog
    import click.core
    import lxml.html

    modules = [click.core, babel.messages.catalog, lxml.html, sys.modules["pipeline.config"]]
    missing = [
        module.__name__
        for module in modules
        if not Path(importlib.util.cache_from_source(module.__file__ or "")).exists()
    ]
    if missing:
        return (
            f"bytecode: NOT compiled for {', '.join(missing)} (run make setup): every build compiles them from source"
        )
    return "bytecode: compiled (as make setup leaves it)"


# ---------------------------------------------------------------- reporting


def spread(values: list[float], unit: str = "s") -> str:
    return f"min {min(values):6.2f} {unit}  median {statistics.median(values):6.2f} {unit}"


def pair(title: str, names: tuple[str, str], first: Callable[[], float], second: Callable[[], float], rounds: int):
    """Run A, B, A, B … and print both sides and the ratio B/A of the medians (per-round range)."""
    return series(title, names, (first, second), rounds)[0]


def series(title: str, names: tuple[str, ...], steps: tuple[Callable[[], float], ...], rounds: int) -> list[float]:
    """Run A, B, C…, A, B, C… and print every side and the ratios of the medians to A's (per-round range)."""
    times: list[list[float]] = [[] for _ in steps]
    for _ in range(rounds):
        for measured, step in zip(times, steps):
            measured.append(step())
    print(f"{title} ({rounds} rounds, interleaved)")
    for name, measured in zip(names, times):
        print(f"  {name:<12} {spread(measured)}")
    ratios = []
    for name, measured in zip(names[1:], times[1:]):
        per_round = [b / a for a, b in zip(times[0], measured)]
        ratio = statistics.median(measured) / statistics.median(times[0])
        ratios.append(ratio)
        print(f"  {name}/{names[0]} = {ratio:.3f} (per round {min(per_round):.3f}–{max(per_round):.3f})", flush=True)
    return ratios


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds of each A/B pair")
    parser.add_argument("--sizes", default="1,10,50,200", help="article counts for the scale runs")
    parser.add_argument("--scale-rounds", type=int, default=2, help="rounds of the scale runs (1 for N ≥ 200)")
    parser.add_argument(
        "--parts", default="warm,engine,jobs,scale", help="which measurements to run (default: all of them)"
    )
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    if not ApertiumEngine().available("en", load_config(ROOT).locales[0]):
        print("bench_build: Apertium is not installed (make setup); skipped")
        return 0
    with tempfile.TemporaryDirectory(prefix="newsloc-bench-") as scratch:
        work = Path(scratch)
        sample = make_project(work / "sample", 1)

        def cold() -> float:
            clean(sample)
            return build(sample)[0]

        print(f"newsloc build --lang all on {SAMPLE.name}; {os.cpu_count()} CPUs; jobs: one per CPU unless said")
        print(bytecode_note())
        build(sample)  # the page cache; the Apertium and dictionary files read once
        if "warm" in parts:
            # warm: the build right after cold, with nothing changed, which finds every input as the cold
            # build left it and recorded (pipeline/ledger.py); warm, checked: without that record.
            def checked() -> float:
                (sample / ".newsloc-cache" / "last-build.json").unlink(missing_ok=True)
                return build(sample)[0]

            series(
                "cold vs warm",
                ("cold", "warm", "warm, checked"),
                (cold, lambda: build(sample)[0], checked),
                args.rounds,
            )
        if "engine" in parts:
            pair("cold build vs the bare engine", ("cold", "engine"), cold, bare_engine(sample), args.rounds)
        if "jobs" in parts:
            jobs(work, args.rounds)
        if "scale" in parts:
            scale(work, [int(size) for size in args.sizes.split(",")], args.scale_rounds)
    return 0


def jobs(work: Path, rounds: int) -> None:
    ten = make_project(work / "ten", 10)

    def cold_with(jobs: str) -> Callable[[], float]:
        def run() -> float:
            clean(ten)
            return build(ten, "--jobs", jobs)[0]

        return run

    pair(
        "10 articles cold, serial vs --jobs 2",
        ("--jobs 1", "--jobs 2"),
        cold_with("1"),
        cold_with("2"),
        rounds // 2 or 1,
    )


def scale(work: Path, sizes: list[int], rounds: int) -> None:
    projects = {size: make_project(work / f"n{size}", size) for size in sizes}
    measured: dict[int, list[tuple[float, int, float]]] = {size: [] for size in sizes}
    together: dict[int, list[int]] = {size: [] for size in sizes}
    for round_number in range(rounds):
        for size in sizes:  # interleaved: every size once per round
            if size >= 200 and round_number > 0:
                continue
            clean(projects[size])
            seconds, peak = build(projects[size], memory=together[size])
            warm, _ = build(projects[size])
            measured[size].append((seconds, peak, warm))
    print(f"scale: N articles, cold (and warm) --lang all ({rounds} round(s), 1 at N ≥ 200)")
    per_article = {}
    for size in sizes:
        times = [seconds for seconds, _, _ in measured[size]]
        warm_times = [warm for _, _, warm in measured[size]]
        peak = max(peak for _, peak, _ in measured[size])
        per_article[size] = statistics.median(times) / size
        print(
            f"  N={size:<4} cold {spread(times)}  {per_article[size]:5.2f} s/article  "
            f"warm median {statistics.median(warm_times):6.2f} s  peak RSS {peak / 1024:6.0f} MiB "
            f"(all processes at once: {max(together[size]) / 1024:6.0f} MiB PSS)"
        )
    flat = [per_article[size] for size in sizes if size >= 10]
    if len(flat) > 1:
        print(f"  time per article from N=10 up: {min(flat):.2f}–{max(flat):.2f} s ({max(flat) / min(flat):.2f}×)")


if __name__ == "__main__":
    raise SystemExit(main())
