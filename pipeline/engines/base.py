"""The engine protocol: one call translates a whole batch of segments.

An engine also declares its specifics as plain data, so the stages around it
never branch on its name: the marks it writes before words it could not handle,
how glossary placeholders must look to it, and whether it offers N-best lists.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from pipeline.glossary import PlaceholderStyle
from pipeline.inline import FROZEN_TAG
from pipeline.marks import MarkKind
from pipeline.model import Hypothesis, Locale, Provenance

__all__ = ["FROZEN_TAG", "Engine", "Progress"]

# Called after each finished item with the number done so far (for progress bars).
Progress = Callable[[int], None]


class Engine(Protocol):
    name: str
    # Marks the engine writes in its output (it strips them itself and reports flags; the
    # checks and the review badges still recognise them in text that has them).
    marks: tuple[MarkKind, ...]
    placeholders: PlaceholderStyle  # glossary placeholders it hands back in place
    offers_alternatives: bool  # fills Hypothesis.alternatives (N-best), so a glossary term can be chosen
    # Its work runs in other processes and translate may be called from several threads at once,
    # so the build runs locales side by side (an in-process engine uses every core by itself).
    runs_apart: bool

    def available(self, source: str, target: Locale) -> bool:
        """True when this engine can translate the pair on this machine."""

    def provenance(self, source: str, target: Locale) -> Provenance:
        """What this engine's drafts for the pair record: engine, model, model version.

        A machine draft recorded with another provenance is re-drafted by the build.
        """

    def release(self) -> None:
        """The run's batches are all translated: let go of what was kept for them (the build's check
        workers would each inherit it)."""

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
