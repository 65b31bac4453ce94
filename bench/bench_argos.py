"""Argos engine throughput: one CTranslate2 call per segment vs the engine's batched stream.

Run: .venv/bin/python bench/bench_argos.py [--cap N] [--inter-threads N] [--intra-threads N]

Builds (in a temp dir) a random-weight model the size of Argos's en→es package
(6+6 layers, d_model 512, 8 heads, FFN 2048, 32k vocabulary, int8), translates
the sample article's sentences both ways with the same options, and prints
tokens/s, the batched/per-segment ratio and the engine's share of time spent
outside CTranslate2. Random weights never emit </s>, so every output runs to
the decoding cap: --cap keeps the run short and equal for both callers.
Issue targets: ratio ≥ 3, outside CTranslate2 ≤ 10 %.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the model builder is the tests' own

from support.argos_tiny import ARGOS_EN_ES, article_sentences, build_argosmodel

from pipeline.engines.argos import ArgosEngine, ArgosOptions
from pipeline.engines.argos_packages import install_package_file, package_for
from pipeline.model import Locale


def per_segment(package, sentences: list[str], options: ArgosOptions) -> tuple[float, int, int]:
    """What a naive caller does: tokenize, one translate_batch call, decode, for each segment."""
    import ctranslate2
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_file=str(package.path / "sentencepiece.model"))
    translator = ctranslate2.Translator(
        str(package.path / "model"),
        device="cpu",
        compute_type="int8",
        inter_threads=options.inter_threads,
        intra_threads=options.intra_threads,
    )
    translator.translate_batch([processor.encode(sentences[0], out_type=str)], max_decoding_length=4)  # warm up
    source_tokens = target_tokens = 0
    started = time.perf_counter()
    for sentence in sentences:
        tokens = processor.encode(sentence, out_type=str)
        [result] = translator.translate_batch(
            [tokens],
            beam_size=options.beam_size,
            num_hypotheses=options.num_hypotheses,
            return_scores=True,
            max_decoding_length=min(3 * len(tokens) + 10, options.max_decoding_length),
        )
        processor.decode_pieces(result.hypotheses[0])
        source_tokens += len(tokens)
        target_tokens += len(result.hypotheses[0])
    return time.perf_counter() - started, source_tokens, target_tokens


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cap", type=int, default=48, help="max decoding length (tokens) for both callers")
    parser.add_argument("--inter-threads", type=int, default=1)
    parser.add_argument("--intra-threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--max-batch-tokens", type=int, default=4096)
    args = parser.parse_args()
    options = ArgosOptions(
        device="cpu",
        inter_threads=args.inter_threads,
        intra_threads=args.intra_threads,
        max_decoding_length=args.cap,
        max_batch_tokens=args.max_batch_tokens,
    )
    sentences = article_sentences()

    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        started = time.perf_counter()
        archive = build_argosmodel(work, shape=ARGOS_EN_ES)
        os.environ["ARGOS_PACKAGES_DIR"] = str(work / "packages")
        install_package_file(archive, work / "packages")
        package = package_for("en", Locale("es"), work / "packages")
        print(
            f"model: {ARGOS_EN_ES} int8, built in {time.perf_counter() - started:.1f}s; "
            f"{len(sentences)} sentences; cap {args.cap} tokens; beam {options.beam_size}, "
            f"N-best {options.num_hypotheses}; threads inter {options.inter_threads} intra {options.intra_threads}"
        )

        naive_seconds, source_tokens, naive_target = per_segment(package, sentences, options)
        engine = ArgosEngine(work / "packages", options)
        engine.translate(sentences[:2], "en", Locale("es"))  # load the model outside the timing
        engine.translate(sentences, "en", Locale("es"))
        run = engine.last_run

    naive_rate = source_tokens / naive_seconds
    batched_rate = run.source_tokens / run.seconds_total
    outside = (run.seconds_total - run.seconds_ctranslate2) / run.seconds_total
    print(
        f"per-segment: {naive_seconds:7.2f}s  {naive_rate:8.0f} source tokens/s  "
        f"{naive_target / naive_seconds:8.0f} target tokens/s"
    )
    print(
        f"batched:     {run.seconds_total:7.2f}s  {batched_rate:8.0f} source tokens/s  "
        f"{run.target_tokens / run.seconds_total:8.0f} target tokens/s  ({run.pieces} pieces)"
    )
    print(f"ratio batched/per-segment: {batched_rate / naive_rate:.2f}x (target ≥ 3x)")
    print(f"time outside CTranslate2 (engine): {100 * outside:.1f}% (target ≤ 10%)")


if __name__ == "__main__":
    main()
