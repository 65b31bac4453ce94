"""One locale's catalog brought up to date: merge with the template, then translate what is pending.

No files: the caller reads the existing catalog and writes the result. The build
uses this per article and locale; the property tests drive it directly.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from babel.messages.catalog import Catalog

from pipeline import catalog as catalogs
from pipeline.engines.base import Progress
from pipeline.model import EntryState, Locale, Provenance, ProvenanceKind

if TYPE_CHECKING:
    from pipeline.memory.leverage import LocaleMatches

Key = tuple[str, str]  # (msgid, msgctxt)
ProgressForCount = Callable[[int], contextlib.AbstractContextManager[Progress | None]]


@dataclass(frozen=True)
class Refreshed:
    catalog: Catalog
    merged: catalogs.MergeResult
    translated: tuple[Key, ...]  # entries that got a new machine draft in this run
    from_memory: tuple[Key, ...] = ()  # entries filled from the translation memory (no engine input)
    # machine drafts replaced because another engine, model or model version made them: what made them
    redrafted: tuple[Provenance, ...] = ()


def outdated_drafts(catalog: Catalog, provenance: Provenance | None) -> list[tuple[Key, Provenance]]:
    """Machine drafts another engine, model or model version made: no person's work, so made again.

    Memory drafts are not an engine's: the memory decides whether they still hold."""
    if provenance is None:
        return []
    outdated = []
    for message in catalog:
        if message.id and catalogs.entry_state(message) == EntryState.MACHINE:
            record = catalogs.machine_record(message)
            if record is not None and record.provenance.is_machine and record.provenance != provenance:
                outdated.append((catalogs.key_of(message), record.provenance))
    return outdated


def glossary_stale(catalog: Catalog, translator) -> list[Key]:
    """Machine drafts made with glossary entries that have changed since."""
    stale = []
    for message in catalog:
        if message.id and catalogs.entry_state(message) == EntryState.MACHINE:
            record = catalogs.machine_record(message)
            assert record is not None  # a machine draft is one because it has a record
            if record.terms != translator.fingerprint(catalogs.msgid(message)):
                stale.append(catalogs.key_of(message))
    return stale


def apply_drafts(catalog: Catalog, keys: Sequence[Key], drafts) -> None:
    """Put machine drafts into their entries (which must be untranslated or machine drafts)."""
    for key, draft in zip(keys, drafts, strict=True):
        message = catalogs.entry_at(catalog, key)
        if catalogs.entry_state(message) not in (EntryState.UNTRANSLATED, EntryState.MACHINE):
            raise AssertionError(f"refusing to overwrite a translator's text in {key!r}")
        message.string = draft.text
        message.flags.add("fuzzy")  # previous_id stays: it shows the reviewer how the English changed
        score = round(draft.score, 3) if draft.score is not None else None  # as the mt: comment keeps it
        record = catalogs.MachineRecord(draft.provenance, catalogs.text_hash(draft.text), draft.terms, score)
        message.auto_comments = [
            *catalogs.template_comments(message),
            record.render(),
            *(catalogs.render_flag(flag) for flag in draft.flags),
        ]


@dataclass(frozen=True)
class Plan:
    """A catalog merged with its template, and the entries an engine should draft now."""

    merged: catalogs.MergeResult
    pending: tuple[Key, ...]
    from_memory: tuple[Key, ...] = ()  # entries filled from the translation memory (no engine input)
    redrafted: tuple[Provenance, ...] = ()  # what made the machine drafts re-drafted for another provenance
    provenance: Provenance | None = None  # what this run's drafts record


def plan(
    template: Catalog,
    existing: Catalog | None,
    locale: Locale,
    translator,
    *,
    retranslate: bool = False,
    memory: LocaleMatches | None = None,
) -> Plan:
    """Merge, and list what an engine should draft now: untranslated entries, machine drafts on
    request, drafts the glossary made stale, and drafts another engine, model or version made.

    With a ``memory``, what it can fill is filled now and left out of ``pending``.
    """
    merged = catalogs.merge(template, existing, locale, retranslate=retranslate)
    provenance = translator.provenance()
    outdated = dict(outdated_drafts(merged.catalog, provenance))
    pending = list(dict.fromkeys([*merged.pending, *glossary_stale(merged.catalog, translator), *outdated]))
    from_memory: list[Key] = []
    if memory is not None:
        pending, from_memory = fill_from_memory(merged.catalog, pending, memory, translator)
    redrafted = tuple(made_by for key, made_by in outdated.items() if key in pending)
    return Plan(merged, tuple(pending), tuple(from_memory), redrafted, provenance)


def settled(
    template: Catalog,
    before: Catalog | None,
    after: Catalog,
    locale: Locale,
    translator,
    *,
    memory: LocaleMatches | None = None,
) -> bool:
    """Whether planning ``after`` (the catalog a run leaves) would find nothing to do: nothing to draft,
    fill or redraft, and the same reviewed work for the memory as ``before`` (the catalog it read).

    A run that leaves every catalog settled is one whose rerun changes nothing (the build ledger
    records it at once, instead of after a second run).
    """
    from collections import Counter

    from pipeline.memory.units import units_from_catalog

    again = plan(template, after, locale, translator, memory=memory)
    if again.pending or again.from_memory or again.redrafted:
        return False
    if memory is None:
        return True
    reviewed_before = units_from_catalog(before, locale.tag, "") if before is not None else []
    return Counter(reviewed_before) == Counter(units_from_catalog(after, locale.tag, ""))


def refresh(
    template: Catalog,
    existing: Catalog | None,
    locale: Locale,
    translator,
    *,
    engine_texts: Mapping[Key, str] | None = None,
    retranslate: bool = False,
    progress: ProgressForCount | None = None,
    memory: LocaleMatches | None = None,
) -> Refreshed:
    """Merge, then send untranslated entries (and, on request, machine drafts) to the engine.

    ``engine_texts`` maps a key to the lint-fixed source the engine should see
    (default: the msgid). A translator's text is never sent: ``merge`` only marks
    untranslated entries and machine drafts pending, and ``apply_drafts`` refuses
    anything else. (The build does the same in stages, one engine batch for all articles.)

    With a ``memory``, entries it can fill (an exact, unanimous reviewed match) are
    filled from it first and never reach the engine.
    """
    planned = plan(template, existing, locale, translator, retranslate=retranslate, memory=memory)
    catalog = planned.merged.catalog
    pending = list(planned.pending)
    if pending:
        texts = engine_texts or {}
        sources = [texts.get(key, key[0]) for key in pending]
        with progress(len(sources)) if progress else contextlib.nullcontext(None) as bar:
            drafts = translator.translate(sources, progress=bar)
        apply_drafts(catalog, pending, drafts)
    return Refreshed(
        catalog, planned.merged, tuple(pending), from_memory=planned.from_memory, redrafted=planned.redrafted
    )


def fill_from_memory(
    catalog: Catalog, pending: Sequence[Key], memory: LocaleMatches, translator
) -> tuple[list[Key], list[Key]]:
    """Fill what the memory can; (keys still for the engine, keys filled now).

    Untranslated entries and machine drafts (no person's work) take an exact, unanimous
    reviewed match. A memory draft the memory no longer backs goes back to the engine.
    """
    from pipeline.memory import leverage
    from pipeline.translate import Draft

    waiting = set(pending)
    filled: list[Key] = []
    drafts = []
    for message in catalog:
        if not isinstance(message.id, str) or catalogs.entry_state(message) not in (
            EntryState.UNTRANSLATED,
            EntryState.MACHINE,
        ):
            continue
        key = catalogs.key_of(message)
        unit = leverage.reuse(memory, message.id)
        if unit is None:
            record = catalogs.machine_record(message)
            if record and record.provenance.kind == ProvenanceKind.MEMORY:
                waiting.add(key)
            continue
        if key in waiting or message.string != unit.target:
            waiting.discard(key)
            filled.append(key)
            fingerprint = translator.fingerprint(message.id)
            drafts.append(Draft(unit.target, leverage.provenance(unit), None, (), fingerprint))
    apply_drafts(catalog, filled, drafts)
    ordered = [key for key in dict.fromkeys([*pending, *sorted(waiting)]) if key in waiting]
    return ordered, filled
