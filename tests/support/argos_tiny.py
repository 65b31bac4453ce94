"""Build Argos Translate packages (.argosmodel) with random weights, offline.

The tests need a real package to install and run, and the machine has no
internet: so we train a small sentencepiece model on the sample article and
give it a CTranslate2 Transformer whose weights are numpy random values from a
fixed seed. The translations are nonsense, but every code path (install,
tokenize, batch, decode, score, N-best) is the real one. The benchmark uses the
same builder at the size of Argos's en→es package.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLE_ARTICLE = REPO / "articles" / "mexico-rejects-us-intervention.txt"


def article_sentences(path: Path = SAMPLE_ARTICLE) -> list[str]:
    """The sample article's sentences, split naively (list and table marks dropped)."""
    sentences = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = re.sub(r"^\s*(?:[-*]|\d+\.)\s+", "", line).replace("|", " ").strip(" -")
        for sentence in re.split(r"(?<=[.!?])\s+", line):
            if re.search(r"\w", sentence):
                sentences.append(sentence.strip())
    return sentences


@dataclass(frozen=True)
class ModelShape:
    """Transformer size; the default is tiny, ``ARGOS_EN_ES`` is the real package's class."""

    encoder_layers: int = 2
    decoder_layers: int = 2
    d_model: int = 32
    heads: int = 2
    ffn: int = 64
    vocab_size: int = 0  # 0: the sentencepiece vocabulary as trained; else padded to this size


ARGOS_EN_ES = ModelShape(6, 6, 512, 8, 2048, 32000)


def train_sentencepiece(sentences: list[str], vocab_size: int = 400) -> bytes:
    """A sentencepiece model trained in memory (a fraction of a second on one article)."""
    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences),
        model_writer=model,
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        model_type="unigram",
        character_coverage=1.0,
        minloglevel=2,
    )
    return model.getvalue()


def sentencepiece_vocabulary(model: bytes) -> list[str]:
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_proto=model)
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def _random_weights(spec, shape: ModelShape, source_vocab: int, target_vocab: int, rng) -> None:
    """Give every weight of a TransformerSpec a random value of the right shape."""
    d, ffn = shape.d_model, shape.ffn

    def linear(layer, out_dim: int, in_dim: int) -> None:
        layer.weight = rng.normal(0, in_dim**-0.5, (out_dim, in_dim)).astype(np.float32)
        layer.bias = rng.normal(0, 0.02, (out_dim,)).astype(np.float32)

    def norm(layer_norm) -> None:
        layer_norm.gamma = np.ones(d, dtype=np.float32)
        layer_norm.beta = np.zeros(d, dtype=np.float32)

    def attention(layer, out_dims: list[int]) -> None:
        for part, out_dim in zip(layer.linear, out_dims):
            linear(part, out_dim, d)
        norm(layer.layer_norm)

    def feed_forward(layer) -> None:
        linear(layer.linear_0, ffn, d)
        linear(layer.linear_1, d, ffn)
        norm(layer.layer_norm)

    for embeddings in spec.encoder.embeddings:
        embeddings.weight = rng.normal(0, 1, (source_vocab, d)).astype(np.float32)
    spec.decoder.embeddings.weight = rng.normal(0, 1, (target_vocab, d)).astype(np.float32)
    norm(spec.encoder.layer_norm)
    norm(spec.decoder.layer_norm)
    linear(spec.decoder.projection, target_vocab, d)
    for layer in spec.encoder.layer:
        attention(layer.self_attention, [3 * d, d])  # fused query/key/value, output
        feed_forward(layer.ffn)
    for layer in spec.decoder.layer:
        attention(layer.self_attention, [3 * d, d])
        attention(layer.attention, [d, 2 * d, d])  # query, fused key/value, output
        feed_forward(layer.ffn)


def build_ctranslate2_model(
    model_dir: Path,
    vocabulary: list[str],
    shape: ModelShape = ModelShape(),
    seed: int = 0,
    quantization: str = "int8",
    favour: dict[str, float] | None = None,
) -> None:
    """Save a random-weight CTranslate2 Transformer to ``model_dir``.

    ``favour`` adds a bias to the output logit of some target tokens: a large
    bias on one word makes a model that repeats it forever (a decoding loop),
    one on ``</s>`` makes a model that stops at once.
    """
    from ctranslate2.specs import transformer_spec

    if shape.vocab_size > len(vocabulary):
        vocabulary = vocabulary + [f"▁x{i}" for i in range(shape.vocab_size - len(vocabulary))]
    rng = np.random.default_rng(seed)
    spec = transformer_spec.TransformerSpec.from_config(
        num_layers=(shape.encoder_layers, shape.decoder_layers), num_heads=shape.heads
    )
    _random_weights(spec, shape, len(vocabulary), len(vocabulary), rng)
    for token, bias in (favour or {}).items():
        spec.decoder.projection.bias[vocabulary.index(token)] += bias
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    spec.validate()
    spec.optimize(quantization=quantization)
    spec.save(str(model_dir))


def argos_metadata(from_code: str = "en", to_code: str = "es", version: str = "1.0") -> dict:
    names = {"en": "English", "es": "Spanish", "fr": "French", "pt": "Portuguese", "pb": "Portuguese (Brazil)"}
    return {
        "package_version": version,
        "argos_version": "1.9",
        "from_code": from_code,
        "from_name": names.get(from_code, from_code),
        "to_code": to_code,
        "to_name": names.get(to_code, to_code),
        "type": "translate",
        "links": [],
    }


def build_argosmodel(
    dest_dir: Path,
    from_code: str = "en",
    to_code: str = "es",
    version: str = "1.0",
    shape: ModelShape = ModelShape(),
    seed: int = 0,
    favour: dict[str, float] | None = None,
    sentences: list[str] | None = None,
) -> Path:
    """Write ``translate-<from>_<to>-<version>.argosmodel`` into ``dest_dir`` and return its path.

    Like Argos's own packages: a zip whose single top-level folder holds
    ``metadata.json``, ``sentencepiece.model`` and the CTranslate2 ``model/``.
    """
    folder = f"translate-{from_code}_{to_code}-{version.replace('.', '_')}"
    staging = dest_dir / f".{folder}"
    (staging / "model").mkdir(parents=True)
    sp_model = train_sentencepiece(sentences or article_sentences())
    build_ctranslate2_model(staging / "model", sentencepiece_vocabulary(sp_model), shape, seed, favour=favour)
    archive = dest_dir / f"{folder}.argosmodel"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zipped:
        zipped.writestr(f"{folder}/metadata.json", json.dumps(argos_metadata(from_code, to_code, version)))
        zipped.writestr(f"{folder}/sentencepiece.model", sp_model)
        for file in sorted((staging / "model").iterdir()):
            zipped.write(file, f"{folder}/model/{file.name}")
    shutil.rmtree(staging)
    return archive


def rebuild_without(archive: Path, dest: Path, drop: str) -> Path:
    """Copy of a package zip without the members whose path (below the top folder) starts with ``drop``."""
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(dest, "w") as target:
        for member in source.infolist():
            inner = member.filename.split("/", 1)[1] if "/" in member.filename else member.filename
            if not inner.startswith(drop):
                target.writestr(member, source.read(member))
    return dest


# ---------------------------------------------------------------- pytest fixtures (import them into a test module)


@pytest.fixture(scope="session")
def tiny_argosmodel(tmp_path_factory) -> Path:
    """An en→es package whose model stops after a few words (and sometimes loops, like a real one can)."""
    return build_argosmodel(tmp_path_factory.mktemp("argos"), favour={"</s>": 1.5})


@pytest.fixture
def argos_dir(tmp_path, monkeypatch) -> Path:
    """A fresh packages folder in $ARGOS_PACKAGES_DIR; HOME and XDG point into tmp so nothing touches ~/.local."""
    home = tmp_path / "home"
    for variable, folder in (
        ("HOME", home),
        ("XDG_DATA_HOME", home / "share"),
        ("XDG_CONFIG_HOME", home / "config"),
        ("XDG_CACHE_HOME", home / "cache"),
    ):
        monkeypatch.setenv(variable, str(folder))
    packages = tmp_path / "packages"
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(packages))
    return packages
