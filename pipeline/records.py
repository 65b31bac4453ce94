"""Machine records beside each catalog: which entries hold an engine's unreviewed output.

A catalog's ``#. mt:`` and ``#. flag:`` comments show translators where a draft came
from, but PO tools rebuild extracted comments: ``msgmerge`` (Poedit's "Update from
POT", Weblate, Lokalize) drops them all. So every build also writes
``<slug>.machine.json`` next to ``<slug>.po``, a file no PO tool touches: per machine
draft, the entry's identity (a hash of msgctxt and msgid), a hash of the engine's
text, the engine, model and version, the glossary fingerprint, the score and the
engine's own flags (unknown words, loops).

On reading, a record is put back into its entry only while the entry is fuzzy and
its text still has the recorded hash: a translator's edit, a reordering, a merge or a
re-save can never make a person's text look like a machine's, and a lost record only
makes a draft count as a person's (never re-translated, never reviewed).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from pipeline import catalog as catalogs
from pipeline import flags as registry
from pipeline.model import EntryState, Flag, InputError, Provenance, ProvenanceKind, Severity

FORMAT = "newsloc machine records 1"


@dataclass(frozen=True)
class DraftRecord:
    """One machine draft: what made it, and the engine's signals about it."""

    record: catalogs.MachineRecord
    engine_flags: tuple[Flag, ...] = ()


def entry_id(message: Message) -> str:
    """An entry's identity, stable across reorderings and re-saves (the XLIFF unit id too)."""
    return hashlib.sha1(f"{message.context or ''}\x04{message.id}".encode()).hexdigest()[:16]


def _entries(catalog: Catalog) -> Iterator[Message]:
    yield from (message for message in catalog if message.id)
    yield from catalog.obsolete.values()


def extract(catalog: Catalog) -> dict[str, DraftRecord]:
    """The records of every machine draft in the catalog (obsolete ones too: they may come back)."""
    engine_codes = registry.engine_codes()
    found = {}
    for message in _entries(catalog):
        record = catalogs.machine_record(message)
        if record is None or catalogs.entry_state(message) != EntryState.MACHINE:
            continue
        engine_flags = tuple(flag for flag in catalogs.entry_flags(message) if flag.code in engine_codes)
        found[entry_id(message)] = DraftRecord(record, engine_flags)
    return found


def restore(catalog: Catalog, records: dict[str, DraftRecord]) -> int:
    """Put records back into the entries whose text they describe; how many came back."""
    restored = 0
    for message in _entries(catalog):
        draft = records.get(entry_id(message))
        if draft is None or not message.fuzzy or not message.string:
            continue
        if draft.record.output_hash != catalogs.text_hash(str(message.string)):
            continue  # the text changed since the engine wrote it: a person's now
        if catalogs.machine_record(message) == draft.record:
            continue
        shown = [comment for comment in message.auto_comments if catalogs.parse_flag(comment)]
        missing = [catalogs.render_flag(f) for f in draft.engine_flags if catalogs.render_flag(f) not in shown]
        message.auto_comments = [*catalogs.template_comments(message), draft.record.render(), *shown, *missing]
        restored += 1
    return restored


# ---------------------------------------------------------------- file


def render(records: dict[str, DraftRecord], catalog_name: str) -> str:
    """The records file's text: one line per draft, sorted by entry, so diffs stay small."""
    lines = []
    for key in sorted(records):
        draft = records[key]
        provenance = draft.record.provenance
        item: dict[str, object] = {
            "entry": key,
            "text": draft.record.output_hash,
            "kind": provenance.kind.value,
            "engine": provenance.engine,
            "model": provenance.model,
            "version": provenance.version,
            "terms": draft.record.terms,
            "score": draft.record.score,
            "flags": [[f.code, f.severity.value, f.message, f.word] for f in draft.engine_flags],
        }
        if provenance.pre_edits:  # how the engine's input was pre-edited: gone with the `mt:` comment otherwise
            item["pre"] = list(provenance.pre_edits)
        lines.append("    " + json.dumps(item, ensure_ascii=False, separators=(", ", ": ")))
    head = json.dumps({"format": FORMAT, "catalog": catalog_name}, ensure_ascii=False)[:-1]
    body = ",\n".join(lines)
    return f'{head}, "drafts": [\n{body}\n]}}\n' if lines else f'{head}, "drafts": []}}\n'


def parse(text: str, path: Path) -> dict[str, DraftRecord]:
    """The records file read back; a broken one is one InputError saying what deleting it costs."""
    hint = "fix it, or delete it (its machine drafts then count as a person's text)"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"machine records are not valid JSON ({error.msg}); {hint}", path, error.lineno) from None
    except RecursionError:
        raise InputError(
            f"machine records nested too deeply to read (Python's recursion limit); {hint}", path
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("drafts"), list):
        raise InputError(f"not a newsloc machine-records file ({FORMAT}); {hint}", path)
    records = {}
    try:
        for item in data["drafts"]:
            kind = ProvenanceKind(item.get("kind", ProvenanceKind.MACHINE.value))
            if kind == ProvenanceKind.MEMORY:
                provenance = Provenance.memory(str(item["model"]), str(item["version"]))
            else:
                pre_edits = tuple(str(kind_of_edit) for kind_of_edit in item.get("pre", []))
                provenance = Provenance(
                    str(item["engine"]), str(item["model"]), str(item["version"]), kind, pre_edits=pre_edits
                )
            score = item.get("score")
            record = catalogs.MachineRecord(
                provenance, str(item["text"]), str(item.get("terms", "")), float(score) if score is not None else None
            )
            flags = tuple(
                Flag(str(code), Severity(severity), str(message), word=str(word))
                for code, severity, message, word in item.get("flags", [])
            )
            records[str(item["entry"])] = DraftRecord(record, flags)
    except (KeyError, TypeError, ValueError) as error:
        raise InputError(f"machine records have a malformed draft ({error}); {hint}", path) from None
    return records


def records_path(catalog_path: Path) -> Path:
    """``locales/es/LC_MESSAGES/<slug>.po`` → ``…/<slug>.machine.json``."""
    return catalog_path.with_name(f"{catalog_path.stem}.machine.json")
