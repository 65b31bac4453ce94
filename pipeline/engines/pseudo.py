"""Pseudo-localization: accented, 30 % longer, bracketed text. Deterministic; tags untouched."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.engines.base import FROZEN_TAG, Progress
from pipeline.glossary import TAG_PLACEHOLDERS
from pipeline.marks import MarkKind
from pipeline.model import Hypothesis, Locale, Provenance

ACCENTED = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "àƀçđéƒĝĥîĵķļɱñöþǫŕšţûṽŵẋýžÀƁÇĐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ",
)
VERSION = "1"


def pseudo_localize(text: str) -> str:
    pieces = []
    position = 0
    for tag in FROZEN_TAG.finditer(text):
        pieces.append(text[position : tag.start()].translate(ACCENTED))
        pieces.append(tag.group(0))
        position = tag.end()
    pieces.append(text[position:].translate(ACCENTED))
    letters = sum(ch.isalpha() for ch in FROZEN_TAG.sub("", text))
    padding = "~" * max(1, round(letters * 0.3))
    return f"[{''.join(pieces)} {padding}]"


class PseudoEngine:
    name = "pseudo"
    marks: tuple[MarkKind, ...] = ()
    placeholders = TAG_PLACEHOLDERS
    offers_alternatives = False
    runs_apart = False

    def available(self, source: str, target: Locale) -> bool:
        return True

    def provenance(self, source: str, target: Locale) -> Provenance:
        return Provenance("pseudo", f"{source}-{target.tag}", VERSION)

    def release(self) -> None:
        """Nothing kept between batches."""

    def translate(
        self, texts: Sequence[str], source: str, target: Locale, progress: Progress | None = None
    ) -> list[Hypothesis]:
        provenance = self.provenance(source, target)
        hypotheses = [Hypothesis(pseudo_localize(text), provenance) for text in texts]
        if progress:
            progress(len(hypotheses))
        return hypotheses
