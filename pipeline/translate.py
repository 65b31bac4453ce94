"""The translate stage: pending segments → machine drafts, in one engine batch per locale.

For each segment: source fixes → protect glossary terms, dates and numbers as
placeholders → one engine batch → restore → locale typography. Nothing here
reads or writes files.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from pipeline import flags as registry
from pipeline import formats, glossary
from pipeline.engines.base import Engine, Progress
from pipeline.model import Flag, Hypothesis, InlineCode, Locale, Provenance
from pipeline.typography import typeset


@dataclass(frozen=True)
class Draft:
    """A machine translation ready for the catalog."""

    text: str
    provenance: Provenance
    score: float | None
    flags: tuple[Flag, ...]
    terms: str  # glossary fingerprint it was made with


@dataclass(frozen=True)
class Preparation:
    """What each stage needs to undo its placeholders after the engine."""

    engine_input: str
    restorers: tuple  # callables output → output, applied in reverse order
    protected_terms: tuple[str, ...] = ()


class Translator:
    """Binds an engine, a locale and the text transformations around it."""

    def __init__(
        self,
        engine: Engine,
        locale: Locale,
        *,
        glossary=None,
        es_quotes: str = "«»",
        source_lang: str = "en",
        codes_by_text: Mapping[str, tuple[InlineCode, ...]] | None = None,
        pre_edits_by_text: Mapping[str, tuple[str, ...]] | None = None,
    ):
        self.engine = engine
        # Inline codes of each source text: code spans and translate="no" content never reach the engine.
        self.codes_by_text = codes_by_text or {}
        # Kinds of pre-edit that made each engine text (recorded in the draft's provenance).
        self.pre_edits_by_text = pre_edits_by_text or {}
        self.locale = locale
        self.glossary = glossary
        self.es_quotes = es_quotes
        self.source_lang = source_lang

    def provenance(self) -> Provenance | None:
        """What this run's drafts will record; None for an engine that cannot say beforehand."""
        describe = getattr(self.engine, "provenance", None)
        return describe(self.source_lang, self.locale) if describe else None

    def fingerprint(self, source: str) -> str:
        if self.glossary is None:
            return ""

        return glossary.fingerprint(self.glossary, source, self.locale)

    def prepare(self, source: str, protect_terms: bool = True) -> Preparation:
        text = source
        restorers = []

        text, restore_verbatim = protect_verbatim(text, self.codes_by_text.get(source, ()))
        restorers.append(restore_verbatim)
        text, restore_formats = protect_formattables(text, self.locale, formats)
        restorers.append(restore_formats)
        if self.glossary is not None and protect_terms:
            matches = glossary.find_terms(self.glossary, text)
            protected = glossary.protect(text, matches, self.locale, self.engine.placeholders)
            text = protected.text
            restorers.append(lambda output, protected=protected: glossary.restore(protected, output))
        return Preparation(text, tuple(restorers))

    def finish(self, output: str) -> str:
        return typeset(output, self.locale, es_quotes=self.es_quotes)

    def translate(self, sources: Sequence[str], progress: Progress | None = None) -> list[Draft]:
        """Translate the sources (already lint-fixed) as one batch."""
        if self.glossary is not None and self.engine.offers_alternatives:
            return self._translate_choosing_alternatives(sources, progress)
        return _complete(self._translate(sources, progress, protect_terms=True))

    def _translate(
        self, sources: Sequence[str], progress: Progress | None, protect_terms: bool, choose=None
    ) -> list[Draft | None]:
        preparations = [self.prepare(source, protect_terms) for source in sources]
        hypotheses = self.engine.translate(
            [p.engine_input for p in preparations], self.source_lang, self.locale, progress
        )
        drafts: list[Draft | None] = []
        for source, preparation, hypothesis in zip(sources, preparations, hypotheses):
            text = choose(source, hypothesis) if choose else hypothesis.text
            if text is None:
                drafts.append(None)
                continue
            # Typography first, while terms, dates and codes are still placeholders it leaves alone.
            output = self.finish(text)
            for restore in reversed(preparation.restorers):
                output = restore(output)
            provenance = hypothesis.provenance
            if self.pre_edits_by_text.get(source):
                provenance = replace(provenance, pre_edits=self.pre_edits_by_text[source])
            flags = (*hypothesis.flags, *lost_flags(preparation.restorers))
            drafts.append(Draft(output, provenance, hypothesis.score, flags, self.fingerprint(source)))
        return drafts

    def _translate_choosing_alternatives(self, sources: Sequence[str], progress: Progress | None) -> list[Draft]:
        """The best N-best hypothesis that has every glossary term; else protect-and-restore."""

        def choose(source: str, hypothesis: Hypothesis) -> str | None:
            required = glossary.required_terms(self.glossary, source, self.locale)
            if all(requirement.met_by(hypothesis.text) for requirement in required):
                return hypothesis.text
            return glossary.choose_alternative(hypothesis.alternatives, required)

        drafts = self._translate(sources, progress, protect_terms=False, choose=choose)
        retry = [index for index, draft in enumerate(drafts) if draft is None]
        if retry:
            protected = self._translate([sources[i] for i in retry], None, protect_terms=True)
            for index, draft in zip(retry, protected):
                drafts[index] = draft
        return _complete(drafts)


class _Restorer:
    """Put each placeholder's text back; one the engine lost is appended so nothing is dropped,
    and remembered in ``lost`` so the draft is flagged for a person to move it."""

    def __init__(self, replacements: dict[str, str]):
        self.replacements = replacements
        self.lost: list[str] = []

    def __call__(self, output: str) -> str:
        self.lost = []
        for placeholder, value in self.replacements.items():
            if placeholder in output:
                output = output.replace(placeholder, value)
            else:
                output = f"{output} {value}"
                self.lost.append(value)
        return output


def _restorer(replacements: dict[str, str]) -> _Restorer:
    return _Restorer(replacements)


def lost_flags(restorers: Sequence[object]) -> tuple[Flag, ...]:
    """A ``lost-placeholder`` flag for each protected text an engine dropped and the restore appended."""
    return tuple(
        registry.make(
            "lost-placeholder",
            f"the engine lost “{value}”; it was put back at the end of the sentence: move it where it belongs",
            word=value,
        )
        for restorer in restorers
        if isinstance(restorer, _Restorer)
        for value in restorer.lost
    )


def protect_verbatim(text: str, codes: tuple[InlineCode, ...]) -> tuple[str, object]:
    """`<N>content</N>` of a code that must stay as written (code, translate="no") becomes `<kN/>`."""
    replacements = {}
    for code in codes:
        if code.translate or not code.paired:
            continue
        span = re.search(rf"<{code.id}>.*?</{code.id}>", text, re.S)
        if span:
            placeholder = f"<k{code.id}/>"
            replacements[placeholder] = span.group(0)
            text = text[: span.start()] + placeholder + text[span.end() :]
    return text, _restorer(replacements)


def protect_formattables(text: str, locale: Locale, formats) -> tuple[str, object]:
    """Dates and numbers become <fN/> placeholders; restoring renders them for the locale."""
    found = formats.find_formattables(text)
    if not found:
        return text, lambda output: output
    pieces, position, rendered = [], 0, {}
    for number, item in enumerate(found, start=1):
        pieces.append(text[position : item.start])
        pieces.append(f"<f{number}/>")
        rendered[f"<f{number}/>"] = formats.render(item, locale)
        position = item.end
    pieces.append(text[position:])
    return "".join(pieces), _restorer(rendered)


def _complete(drafts: list[Draft | None]) -> list[Draft]:
    """Drafts from a protect-and-restore pass: the engine's own text is always taken, so none is missing."""
    complete = [draft for draft in drafts if draft is not None]
    assert len(complete) == len(drafts), "a protect-and-restore pass keeps every hypothesis"
    return complete
