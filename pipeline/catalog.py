"""Segment catalogs: the POT template, per-locale PO files, and the merge that keeps work.

The PO catalog is the translation memory. Every entry is in one of four states:

- untranslated: no msgstr;
- machine draft: fuzzy, and the msgstr is exactly what an engine produced (the
  ``mt:`` auto comment records the engine and a hash of its output);
- human draft: fuzzy, but the msgstr is not the engine's (a translator's work in
  progress, or a reviewed translation whose English changed);
- reviewed: not fuzzy.

Only untranslated entries and machine drafts are ever sent to an engine.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime

from babel.messages.catalog import Catalog, Message

from pipeline import __version__, fileio, po
from pipeline import flags as registry
from pipeline.model import Document, EntryState, Flag, Locale, Provenance, ProvenanceKind, Segment, Severity, Suggestion

PROJECT = "newsloc"
# Until a person saves the file (Poedit and Weblate set it), the machine is the last translator;
# babel's placeholder makes `msgfmt --check` warn.
MACHINE_TRANSLATOR = "newsloc machine translation"
BABEL_PLACEHOLDERS = ("", "FULL NAME <EMAIL@ADDRESS>")
FUZZY_MATCH_CUTOFF = 0.6


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


@dataclass(frozen=True)
class MachineRecord:
    """What produced a machine draft: engine, model and version, and a hash of its output.

    Written as the entry's ``#. mt:`` comment for people and kept in the records file
    beside the catalog (records.py), which PO tools cannot drop.
    """

    provenance: Provenance
    output_hash: str
    terms: str = ""  # glossary fingerprint at translation time
    score: float | None = None  # the engine's own score (Argos: mean log-prob per token)

    PREFIX = "mt: "

    def render(self) -> str:
        # A memory draft is recorded like a machine one (`mt: tm <article> <entry>`): no person wrote
        # it in this catalog, so it may be refilled, but never over a translator's text.
        engine = self.provenance.kind.value if self.provenance.kind == ProvenanceKind.MEMORY else self.provenance.engine
        parts = [engine, self.provenance.model or "-", self.provenance.version or "-"]
        extra = f" | terms={self.terms}" if self.terms else ""
        extra += f" | score={self.score:.3f}" if self.score is not None else ""
        if self.provenance.pre_edits:
            extra += f" | pre={','.join(self.provenance.pre_edits)}"
        return f"{self.PREFIX}{' '.join(parts)} | out={self.output_hash}{extra}"

    @classmethod
    def parse(cls, comment: str) -> MachineRecord | None:
        match = re.match(
            r"mt: (\S+) (\S+) (\S+) \| out=(\w+)(?: \| terms=(\w+))?(?: \| score=(-?\d+(?:\.\d+)?))?"
            r"(?: \| pre=([\w,-]+))?$",
            comment.strip(),
        )
        if not match:
            return None
        engine, model, version, output_hash, terms, score, pre_edits = match.groups()
        model, version = ("" if model == "-" else model), ("" if version == "-" else version)
        if engine == ProvenanceKind.MEMORY.value:
            provenance = Provenance.memory(model, version)
        else:
            edits = tuple(pre_edits.split(",")) if pre_edits else ()
            provenance = Provenance(engine, model, version, pre_edits=edits)
        return cls(provenance, output_hash, terms or "", round(float(score), 3) if score else None)


# "flag: unknown-word (warning) [backyard] — Apertium does not know …": the [word] is optional.
FLAG_COMMENT = re.compile(
    r"^flag: (?P<code>[\w-]+) \((?P<severity>error|warning|info)\)(?: \[(?P<word>[^\]]*)\])? — (?P<message>.*)$"
)


def render_flag(flag: Flag) -> str:
    word = f" [{flag.word}]" if flag.word and "]" not in flag.word else ""
    return f"flag: {flag.code} ({flag.severity.value}){word} — {flag.message}"


def parse_flag(comment: str) -> Flag | None:
    match = FLAG_COMMENT.match(comment.strip())
    if not match:
        return None
    word = match["word"]
    if word is None and match["code"] in _MARK_CODES and (quoted := _LEGACY_WORD.search(match["message"])):
        word = quoted.group(1)  # a comment written before flags carried their word: read it once, here
    return Flag(match["code"], Severity(match["severity"]), match["message"], word=word or "")


_MARK_CODES = frozenset(entry.code for entry in registry.by_mark().values())
_LEGACY_WORD = re.compile(r"“([^”]+)”")


# A translation-memory suggestion, one line: `tm 86%: "target" ← "source" (origin; note; note)`.
# The texts are JSON strings so quotes, backslashes and line breaks survive the round trip.
_JSON_STRING = r'"(?:[^"\\]|\\.)*"'
SUGGESTION_COMMENT = re.compile(
    rf"^tm (?P<score>\d{{1,3}})%: (?P<target>{_JSON_STRING}) ← (?P<source>{_JSON_STRING}) \((?P<about>.*)\)$"
)


def render_suggestion(suggestion: Suggestion) -> str:
    def quoted(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)

    about = "; ".join([suggestion.origin, *suggestion.notes])
    return f"tm {suggestion.score}%: {quoted(suggestion.target)} ← {quoted(suggestion.source)} ({about})"


def parse_suggestion(comment: str) -> Suggestion | None:
    match = SUGGESTION_COMMENT.match(comment.strip())
    if not match:
        return None
    try:
        target, source = json.loads(match["target"]), json.loads(match["source"])
    except (ValueError, RecursionError):  # a hand-edited comment: no suggestion, never a crash
        return None
    origin, *notes = match["about"].split("; ")
    return Suggestion(int(match["score"]), source, target, origin, tuple(notes))


def entry_suggestions(message: Message) -> list[Suggestion]:
    return [suggestion for comment in message.auto_comments if (suggestion := parse_suggestion(comment))]


def machine_record(message: Message) -> MachineRecord | None:
    for comment in message.auto_comments:
        record = MachineRecord.parse(comment)
        if record:
            return record
    return None


def template_comments(message: Message) -> list[str]:
    """The entry's auto comments without the ones a run writes (machine record, flags, suggestions)."""
    return [
        c for c in message.auto_comments if not MachineRecord.parse(c) and not parse_flag(c) and not parse_suggestion(c)
    ]


def entry_flags(message: Message) -> list[Flag]:
    return [flag for comment in message.auto_comments if (flag := parse_flag(comment))]


def msgid(message: Message) -> str:
    """The entry's English; news catalogs have no plural forms, so babel's tuple case never arises."""
    return message.id if isinstance(message.id, str) else message.id[0]


def msgstr(message: Message) -> str:
    """The entry's translation, "" when there is none."""
    string = message.string
    return string if isinstance(string, str) else (string[0] if string else "")


def entry_at(catalog: Catalog, key: tuple[str, str]) -> Message:
    """The entry under (msgid, msgctxt); a key taken from the catalog itself is always there."""
    message = catalog.get(key[0], context=key[1] or None)
    if message is None:
        raise KeyError(f"no entry {key!r} in the catalog")
    return message


def entry_state(message: Message) -> EntryState:
    if not message.string:
        return EntryState.UNTRANSLATED
    if not message.fuzzy:
        return EntryState.REVIEWED
    record = machine_record(message)
    if record and record.output_hash == text_hash(msgstr(message)):
        return EntryState.MACHINE
    return EntryState.DRAFT


def key_of(message: Message) -> tuple[str, str]:
    return (msgid(message), message.context or "")


# ---------------------------------------------------------------- template


def code_comments(segment: Segment) -> list[str]:
    """Tell translators what each inline code stands for."""
    comments = []
    for code in segment.codes:
        attrs = " ".join(f'{name}="{value}"' for name, value in code.attrs)
        shape = f"<{code.id}>…</{code.id}>" if code.paired else f"<{code.id}/>"
        keep = ", keep its text as is" if not code.translate else ""
        comments.append(f"code {shape} = <{code.tag}{' ' + attrs if attrs else ''}>{keep}")
    return comments


def new_catalog(locale: Locale | None, creation_date: datetime | None = None) -> Catalog:
    catalog = Catalog(
        locale=locale.babel if locale else None,
        project=PROJECT,
        version=__version__,
        copyright_holder="",
        msgid_bugs_address="",
        last_translator=MACHINE_TRANSLATOR if locale else "",
        language_team="",
        creation_date=creation_date or fileio.now(),
        fuzzy=False,
    )
    return catalog


def as_prose(message: Message) -> Message:
    """Drop the format flags babel guesses from the text: "20% of" in news is no format string."""
    message.flags = {flag for flag in message.flags if not flag.endswith("-format")}
    return message


def build_template(document: Document, segments: list[Segment]) -> Catalog:
    """The POT: one entry per segment, keyed by (msgid, msgctxt), in document order."""
    template = new_catalog(None)
    for segment in segments:
        block = document.blocks[segment.block]
        message = template.add(
            segment.text,
            context=segment.key,
            locations=[(document.path, segment.line)],
            auto_comments=[f"{block.kind.value}, {segment.role.value} {segment.index + 1}", *code_comments(segment)],
        )
        as_prose(message)
    return template


# ---------------------------------------------------------------- merge


@dataclass(frozen=True)
class MergeResult:
    catalog: Catalog
    pending: tuple[tuple[str, str], ...]  # keys an engine should translate now
    revived: int  # obsolete entries brought back
    kept: int  # entries whose translation was carried over
    fuzzy_matched: int  # changed sentences that kept a human translation as a draft
    obsoleted: int


def _old_entries(existing: Catalog | None) -> dict[tuple[str, str], Message]:
    if existing is None:
        return {}
    entries = {key_of(m): m for m in existing if m.id}
    for message in existing.obsolete.values():
        entries.setdefault(key_of(message), message)
    return entries


def _context_kind(context: str) -> str:
    return context.split("#")[0]


def _best_fuzzy_match(message: Message, candidates: dict[tuple[str, str], Message]) -> tuple[str, str] | None:
    """The most similar unused human translation, preferring the same kind of place."""
    best: tuple[float, tuple[str, str]] | None = None
    for key, old in candidates.items():
        bonus = 0.05 if _context_kind(key[1]) == _context_kind(message.context or "") else 0.0
        matcher = difflib.SequenceMatcher(None, message.id, old.id)
        # ratio() is quadratic on long texts; its linear upper bounds rule most candidates out first
        floor = max(FUZZY_MATCH_CUTOFF, best[0] if best else 0.0)
        if matcher.real_quick_ratio() + bonus < floor or matcher.quick_ratio() + bonus < floor:
            continue
        ratio = matcher.ratio() + bonus
        if ratio >= FUZZY_MATCH_CUTOFF and (best is None or ratio > best[0]):
            best = (ratio, key)
    return best[1] if best else None


def _carry(template_message: Message, old: Message, keep_auto: bool = True) -> Message:
    auto = list(template_message.auto_comments)
    record = machine_record(old)
    if keep_auto and record:
        auto.append(record.render())
    if keep_auto:
        auto.extend(render_flag(f) for f in entry_flags(old))
    flags = {"fuzzy"} if old.fuzzy else set()
    message = Message(
        template_message.id,
        old.string,
        locations=template_message.locations,
        flags=flags,
        auto_comments=auto,
        user_comments=list(old.user_comments),
        previous_id=old.previous_id if old.fuzzy else (),
        context=template_message.context,
    )
    if old.fuzzy:
        po.set_previous_context(message, po.previous_context(old))
    return as_prose(message)


def merge(template: Catalog, existing: Catalog | None, locale: Locale, *, retranslate: bool = False) -> MergeResult:
    """Bring a locale's catalog up to date with the template without losing anyone's work."""
    old_entries = _old_entries(existing)
    active_keys = {key_of(m) for m in existing if m.id} if existing is not None else set()
    template_messages = [m for m in template if m.id]
    exact = {key_of(m) for m in template_messages if old_entries.get(key_of(m)) and old_entries[key_of(m)].string}
    # Changed sentences may inherit a human translation of a similar old sentence, as a draft.
    candidates = {
        key: old
        for key, old in old_entries.items()
        if key not in exact and entry_state(old) in (EntryState.REVIEWED, EntryState.DRAFT)
    }
    machine_candidates = {
        key: old for key, old in old_entries.items() if key not in exact and entry_state(old) == EntryState.MACHINE
    }

    created = existing.creation_date if existing else template.creation_date
    catalog = new_catalog(locale, created if isinstance(created, datetime) else None)
    if existing is not None:
        catalog.revision_date = existing.revision_date
        if existing.last_translator not in BABEL_PLACEHOLDERS:
            catalog.last_translator = existing.last_translator
        catalog.language_team = existing.language_team
    pending: list[tuple[str, str]] = []
    used: set[tuple[str, str]] = set(exact)
    fuzzy_matched = 0
    for message in template_messages:
        key = key_of(message)
        if key in exact:
            entry = _carry(message, old_entries[key])
            if retranslate and entry_state(entry) == EntryState.MACHINE:
                pending.append(key)
        elif (match := _best_fuzzy_match(message, candidates)) is not None:
            old = candidates.pop(match)
            used.add(match)
            entry = _carry(message, old, keep_auto=False)
            entry.flags.add("fuzzy")
            entry.previous_id = [msgid(old)]
            po.set_previous_context(entry, None)
            fuzzy_matched += 1
        else:
            # A translator's comments survive even where there is no translation to keep.
            untranslated = old_entries.get(key)
            entry = as_prose(
                Message(
                    message.id,
                    "",
                    locations=message.locations,
                    auto_comments=list(message.auto_comments),
                    context=message.context,
                    user_comments=list(untranslated.user_comments) if untranslated else [],
                )
            )
            pending.append(key)
            # A changed sentence that only had a machine draft is translated again; the old
            # English stays visible as the previous msgid so a reviewer sees what changed.
            if (match := _best_fuzzy_match(message, machine_candidates)) is not None:
                machine_draft = machine_candidates.pop(match)
                entry.previous_id = [msgid(machine_draft)]
                entry.user_comments = entry.user_comments or list(machine_draft.user_comments)
                used.add(match)
        catalog[message.id] = entry

    obsoleted = 0
    for key, old in old_entries.items():
        if key in used or not old.string:
            continue
        catalog.obsolete[catalog._key_for(old.id, old.context)] = as_prose(
            Message(
                old.id,
                old.string,
                flags=old.flags,
                auto_comments=list(old.auto_comments),
                user_comments=list(old.user_comments),
                context=old.context,
            )
        )
        obsoleted += key in active_keys
    revived = len(exact - active_keys)
    return MergeResult(catalog, tuple(pending), revived, len(exact), fuzzy_matched, obsoleted)
