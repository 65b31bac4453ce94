"""The engine protocol: one call translates a whole batch of segments."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from pipeline.inline import FROZEN_TAG
from pipeline.model import Hypothesis, Locale, Provenance

__all__ = ["FROZEN_TAG", "Engine", "Progress"]

# Called after each finished item with the number done so far (for progress bars).
Progress = Callable[[int], None]


class Engine(Protocol):
    name: str

    def available(self, source: str, target: Locale) -> bool:
        """True when this engine can translate the pair on this machine."""

    def provenance(self, source: str, target: Locale) -> Provenance:
        """What this engine's drafts for the pair record: engine, model, model version.

        A machine draft recorded with another provenance is re-drafted by the build.
        """

    def translate(
        self,
        texts: Sequence[str],
        source: str,
        target: Locale,
        progress: Progress | None = None,
    ) -> list[Hypothesis]:
        """Translate every text of the batch; one hypothesis per text, same order.

        Texts carry inline codes (``<1>…</1>``, ``<2/>``) and glossary
        placeholders; an engine must hand both back untouched.
        """
