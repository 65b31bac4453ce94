"""The argos engine: Argos Translate packages run through CTranslate2 directly.

Argos's own ``translate`` calls the model once per sentence and needs stanza
for sentence splitting. We already have sentences, so we tokenize every text
of a call with the package's tokenizer, sort all pieces by length and hand
them to CTranslate2 as one stream cut into token-based batches.

A neural model cannot be trusted to keep markup, so each text is split at its
frozen tags (``<1>``, ``</1>``, ``<2/>``, ``<g3/>``): the runs of words between
them are translated and the tags put back in their original order.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pipeline import flags as registry
from pipeline.engines import argos_packages as argos_models
from pipeline.engines.argos_packages import FILE_INSTALL_HINT, InstalledPackage
from pipeline.engines.base import FROZEN_TAG, Progress
from pipeline.glossary import TAG_PLACEHOLDERS
from pipeline.marks import MarkKind
from pipeline.model import ConfigError, EngineError, Flag, Hypothesis, Locale, NewslocError, Provenance

_SPLIT_AT_TAGS = re.compile(f"({FROZEN_TAG.pattern})")
# Whitespace, quotes, brackets and punctuation at a stretch's edges stay as written: they sit against a
# tag (“<g1/>”), and a model that drops them would glue its words to the tag.
_EDGES = re.compile(r"^([\s“”‘’\"'«»()\[\],;:.!?–—-]*)(.*?)([\s“”‘’\"'«»()\[\],;:.!?–—-]*)$", re.DOTALL)
_WORDS = re.compile(r"\w")


@dataclass(frozen=True)
class ArgosOptions:
    device: str = "auto"  # auto | cpu | cuda
    compute_type: str = "auto"  # auto: int8 where the device supports it; else any CTranslate2 type
    inter_threads: int = 1  # batches decoded in parallel
    intra_threads: int = 0  # CPU threads per batch (0: all cores)
    max_batch_tokens: int = 4096  # batches are cut by source tokens, not by sentence count
    beam_size: int = 4
    num_hypotheses: int = 4  # N-best size, returned as Hypothesis.alternatives
    length_penalty: float = 1.0  # 1.0 makes the score a mean log-probability per token
    max_input_length: int = 512  # tokens per piece; longer pieces are cut (and flagged)
    max_decoding_length: int = 1024  # absolute ceiling on top of the 3×input+10 cap
    low_confidence: float = -1.5  # mean log-prob per token below this → "low-confidence" flag


@dataclass(frozen=True)
class RunStats:
    """Counts and timings of the last translate() call (for benchmarks and logs)."""

    texts: int
    pieces: int
    source_tokens: int
    target_tokens: int
    seconds_total: float
    seconds_ctranslate2: float  # submitting and waiting (and loading the model on first use)


@dataclass(frozen=True)
class _Piece:
    text: int  # index of the text it belongs to
    part: int  # index in that text's parts
    lead: str  # whitespace around the words, kept as written
    trail: str
    source: str
    tokens: tuple[str, ...]


class ArgosEngine:
    name = "argos"
    marks: tuple[MarkKind, ...] = ()
    placeholders = TAG_PLACEHOLDERS
    offers_alternatives = True
    runs_apart = False  # CTranslate2 already uses every core

    def __init__(
        self,
        packages_dir: str | Path | None = None,
        options: ArgosOptions | None = None,
        *,
        device: str | None = None,
        threads: int | None = None,
        low_confidence: float | None = None,
    ):
        """``packages_dir`` is the project's ``argos_packages_dir`` ($ARGOS_PACKAGES_DIR wins over it).

        ``device``, ``threads`` (CPU threads per batch, 0: all cores) and
        ``low_confidence`` are shortcuts for the CLI; they override ``options``.
        """
        self.packages_dir = argos_models.packages_dir(packages_dir)
        overrides: dict[str, Any] = {"device": device, "intra_threads": threads, "low_confidence": low_confidence}
        self.options = replace(options or ArgosOptions(), **{k: v for k, v in overrides.items() if v is not None})
        self.last_run: RunStats | None = None
        self._translators: dict[tuple[str, str, str], object] = {}
        self._tokenizers: dict[str, _Tokenizer] = {}

    def available(self, source: str, target: Locale) -> bool:
        try:
            return argos_models.package_for(source, target, self.packages_dir) is not None
        except NewslocError:
            return False

    def missing_message(self, target: Locale, source: str = "en") -> str:
        return (
            f"no Argos package for {source}→{target} in {self.packages_dir}; install one with "
            f"{FILE_INSTALL_HINT} (or, online, newsloc models install --from-index {source} {target})"
        )

    def package(self, source: str, target: Locale) -> InstalledPackage:
        package = argos_models.package_for(source, target, self.packages_dir)
        if package is None:
            raise EngineError(self.missing_message(target, source))
        return package

    def provenance(self, source: str, target: Locale) -> Provenance:
        """The installed package's name and version: a newer package is another version."""
        package = self.package(source, target)
        return Provenance("argos", package.name, package.version)

    def release(self) -> None:
        """Unload the models (hundreds of MB each, which every check worker would inherit); a later
        batch, such as a catalog merged again after a save, loads them again."""
        self._translators.clear()
        self._tokenizers.clear()

    def translate(
        self,
        texts: Sequence[str],
        source: str,
        target: Locale,
        progress: Progress | None = None,
    ) -> list[Hypothesis]:
        started = time.perf_counter()
        package = self.package(source, target)
        tokenizer = self._tokenizer(package)
        parts = [_SPLIT_AT_TAGS.split(text) for text in texts]
        pieces = _pieces(parts, tokenizer.encode_all)
        ct2_started = time.perf_counter()
        results = self._run(package, pieces, len(texts), progress)
        ct2_seconds = time.perf_counter() - ct2_started
        provenance = self.provenance(source, target)
        decoded = [self._decoded(package, tokenizer, piece, result) for piece, result in zip(pieces, results)]
        by_text: dict[int, list[tuple[_Piece, _Decoded]]] = {}
        for piece, outcome in zip(pieces, decoded):
            by_text.setdefault(piece.text, []).append((piece, outcome))
        hypotheses = [
            _assemble(parts[i], by_text.get(i, []), provenance, self.options.low_confidence) for i in range(len(texts))
        ]
        self.last_run = RunStats(
            texts=len(texts),
            pieces=len(pieces),
            source_tokens=sum(len(piece.tokens) for piece in pieces),
            target_tokens=sum(len(outcome.tokens) for outcome in decoded),
            seconds_total=time.perf_counter() - started,
            seconds_ctranslate2=ct2_seconds,
        )
        return hypotheses

    # ------------------------------------------------------------ CTranslate2

    def _run(self, package: InstalledPackage, pieces: list[_Piece], n_texts: int, progress: Progress | None):
        """Submit every piece, shortest first, and wait for them in order; report texts as they finish."""
        options = self.options
        translator = self._translator(package)
        remaining = [0] * n_texts
        for piece in pieces:
            remaining[piece.text] += 1
        done = remaining.count(0)
        if progress and done:
            progress(done)
        if not pieces:
            return []
        order = sorted(range(len(pieces)), key=lambda i: len(pieces[i].tokens))
        pending: dict[int, Any] = {}  # piece index → its CTranslate2 async result
        for band in _length_bands(order, [len(piece.tokens) for piece in pieces]):
            longest = max(len(pieces[i].tokens) for i in band)
            batch = [list(pieces[i].tokens) for i in band]
            prefix = [[package.target_prefix] for _ in band] if package.target_prefix else None
            submitted = translator.translate_batch(
                batch,
                target_prefix=prefix,
                asynchronous=True,
                max_batch_size=options.max_batch_tokens,
                batch_type="tokens",
                beam_size=max(options.beam_size, options.num_hypotheses),
                num_hypotheses=options.num_hypotheses,
                length_penalty=options.length_penalty,
                return_scores=True,
                replace_unknowns=True,
                max_input_length=options.max_input_length,
                max_decoding_length=self._cap(longest),
            )
            pending.update(zip(band, submitted))
        results = [None] * len(pieces)
        for i in order:
            results[i] = pending[i].result()
            remaining[pieces[i].text] -= 1
            if remaining[pieces[i].text] == 0:
                done += 1
                if progress:
                    progress(done)
        return results

    def _cap(self, source_tokens: int) -> int:
        """Longest output allowed: translations rarely exceed 3× the source; loops would run forever."""
        source_tokens = min(source_tokens, self.options.max_input_length)
        return min(3 * source_tokens + 10, self.options.max_decoding_length)

    def _translator(self, package: InstalledPackage):
        import ctranslate2

        device = _device(self.options.device)
        compute_type = _compute_type(self.options.compute_type, device)
        key = (str(package.path), device, compute_type)
        if key not in self._translators:
            self._translators[key] = ctranslate2.Translator(
                str(package.path / "model"),
                device=device,
                compute_type=compute_type,
                inter_threads=self.options.inter_threads,
                intra_threads=self.options.intra_threads or os.cpu_count() or 0,
            )
        return self._translators[key]

    def _tokenizer(self, package: InstalledPackage) -> _Tokenizer:
        key = str(package.path)
        if key not in self._tokenizers:
            self._tokenizers[key] = _Tokenizer.for_package(package)
        return self._tokenizers[key]

    def _decoded(self, package: InstalledPackage, tokenizer: _Tokenizer, piece: _Piece, result) -> _Decoded:
        hypotheses = []
        for tokens, score in zip(result.hypotheses, result.scores):
            if package.target_prefix and tokens[:1] == [package.target_prefix]:
                tokens = tokens[1:]
            # A model may invent tag-like text; only the input's tags may appear in the output.
            text = FROZEN_TAG.sub("", tokenizer.decode(tokens)).strip()
            hypotheses.append((text, float(score), tuple(tokens)))
        best_tokens = hypotheses[0][2]
        flags = []
        loop = loop_message(piece.tokens, best_tokens, self._cap(len(piece.tokens)))
        if loop:
            flags.append(registry.make("repetition", loop))
        if len(piece.tokens) > self.options.max_input_length:
            flags.append(
                registry.make(
                    "input-truncated",
                    f"a {len(piece.tokens)}-token stretch was cut to {self.options.max_input_length} tokens",
                )
            )
        if not hypotheses[0][0]:
            flags.append(registry.make("empty-output", f"the model returned nothing for {piece.source!r}"))
        kept = tuple((text or piece.source, score) for text, score, _ in hypotheses)
        return _Decoded(kept, best_tokens, tuple(flags))


@dataclass(frozen=True)
class _Decoded:
    hypotheses: tuple[tuple[str, float], ...]  # best first
    tokens: tuple[str, ...]  # of the best hypothesis
    flags: tuple[Flag, ...]


class _Tokenizer:
    """The package's tokenizer; sentencepiece is encoded in one batched call."""

    def __init__(self, encode_all: Callable[[list[str]], list[list[str]]], decode: Callable[[list[str]], str]):
        self.encode_all = encode_all
        self.decode = decode

    @classmethod
    def for_package(cls, package: InstalledPackage) -> _Tokenizer:
        from argostranslate.tokenizer import BPETokenizer, SentencePieceTokenizer

        if (package.path / "sentencepiece.model").is_file():
            processor = SentencePieceTokenizer(package.path / "sentencepiece.model").lazy_processor()
            # decode_pieces directly: Argos's decode() also turns every "_" into a space.
            return cls(lambda texts: processor.encode(texts, out_type=str), processor.decode_pieces)
        if (package.path / "bpe.model").is_file():
            bpe = BPETokenizer(package.path / "bpe.model", package.from_code, package.to_code)
            return cls(lambda texts: [bpe.encode(text) for text in texts], bpe.decode)
        raise EngineError("Argos package has no tokenizer (sentencepiece.model or bpe.model)", path=package.path)


# ---------------------------------------------------------------- pure helpers


def _pieces(parts: list[list[str]], encode_all: Callable[[list[str]], list[list[str]]]) -> list[_Piece]:
    """The stretches of words between tags (even indexes of each split text) worth sending."""
    found = []
    for text_index, text_parts in enumerate(parts):
        for part_index in range(0, len(text_parts), 2):
            edges = _EDGES.match(text_parts[part_index])
            assert edges is not None  # every part of the pattern may be empty
            lead, words, trail = edges.groups()
            # Whitespace or bare punctuation (", " between two tags) is kept as written.
            if _WORDS.search(words):
                found.append((text_index, part_index, lead, trail, words))
    encoded = encode_all([words for *_, words in found]) if found else []
    return [
        _Piece(t, p, lead, trail, words, tuple(tokens)) for (t, p, lead, trail, words), tokens in zip(found, encoded)
    ]


def _length_bands(order: list[int], lengths: list[int]) -> list[list[int]]:
    """Cut the length-sorted stream where lengths double, so each band gets its own decoding cap."""
    bands: list[list[int]] = []
    floor = 0
    for index in order:
        if not bands or lengths[index] > max(2 * floor, 8):
            bands.append([])
            floor = lengths[index]
        bands[-1].append(index)
    return bands


def repeated_run(tokens: Sequence[str], longest_ngram: int = 4) -> tuple[tuple[str, ...], int]:
    """The n-gram (n ≤ 4) repeated back to back over the most tokens, and how many times."""
    best: tuple[tuple[str, ...], int] = ((), 0)
    for n in range(1, longest_ngram + 1):
        i = 0
        while i + n <= len(tokens):
            gram, count = tuple(tokens[i : i + n]), 1
            while tuple(tokens[i + count * n : i + (count + 1) * n]) == gram:
                count += 1
            if count > 1 and count * n > best[1] * len(best[0]):
                best = (gram, count)
            i += n * (count - 1) + 1 if count > 1 else 1
    return best


def loop_message(source: Sequence[str], output: Sequence[str], cap: int) -> str:
    """Why the output looks like a decoding loop, or "" when it does not."""
    gram, count = repeated_run(output)
    source_gram, source_count = repeated_run(source)
    # A run the source has too ("0 0 0 0" in a number) is not the model looping.
    if count >= (4 if len(gram) == 1 else 3) and count * len(gram) > source_count * len(source_gram):
        return f"the output repeats {''.join(gram).replace('▁', ' ').strip()!r} {count} times in a row"
    if len(output) >= cap:
        return f"the output ran to {len(output)} tokens (limit {cap}) for {len(source)} source tokens"
    return ""


def _assemble(
    parts: list[str], pieces: list[tuple[_Piece, _Decoded]], provenance: Provenance, low_confidence: float
) -> Hypothesis:
    """Put the translated stretches back between the original tags; N-best stays aligned by rank."""
    if not pieces:
        return Hypothesis("".join(parts), provenance)
    ranks = max(len(outcome.hypotheses) for _, outcome in pieces)
    alternatives = []
    for rank in range(ranks):
        text_parts = list(parts)
        weighted, weight = 0.0, 0
        for piece, outcome in pieces:
            text, score = outcome.hypotheses[min(rank, len(outcome.hypotheses) - 1)]
            text_parts[piece.part] = piece.lead + text + piece.trail
            tokens = max(len(outcome.tokens), 1)
            weighted, weight = weighted + score * tokens, weight + tokens
        alternatives.append(("".join(text_parts), weighted / weight))
    best = alternatives[0]
    unique = {text: score for text, score in reversed(alternatives)}
    ordered = [best, *sorted(((t, s) for t, s in unique.items() if t != best[0]), key=lambda a: -a[1])]
    flags = [flag for _, outcome in pieces for flag in outcome.flags]
    if best[1] < low_confidence:
        flags.append(
            registry.make(
                "low-confidence",
                f"model confidence {best[1]:.2f} is below {low_confidence:.2f} (mean log-prob per token)",
            )
        )
    return Hypothesis(best[0], provenance, score=best[1], alternatives=tuple(ordered), flags=tuple(flags))


def _device(requested: str) -> str:
    import ctranslate2

    if requested not in ("auto", "cpu", "cuda"):
        raise ConfigError(f"unknown device {requested!r} (use auto, cpu or cuda)")
    cuda = ctranslate2.get_cuda_device_count() > 0
    if requested == "cuda" and not cuda:
        raise ConfigError("device cuda requested, but CTranslate2 sees no CUDA device")
    return "cuda" if requested == "cuda" or (requested == "auto" and cuda) else "cpu"


def _compute_type(requested: str, device: str) -> str:
    import ctranslate2

    supported = ctranslate2.get_supported_compute_types(device)
    if requested != "auto":
        if requested not in supported and requested != "default":
            have = ", ".join(sorted(supported))
            raise ConfigError(f"compute type {requested!r} is not supported on {device} (have: {have})")
        return requested
    for preferred in ("int8_float16", "int8") if device == "cuda" else ("int8",):
        if preferred in supported:
            return preferred
    return "default"
