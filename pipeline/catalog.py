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
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileError, denormalize, escape, normalize, read_po

from pipeline import __version__
from pipeline.model import Document, EntryState, Flag, InputError, Locale, Provenance, Segment, Severity

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
    """What produced a machine draft: engine, model, and a hash of its output."""

    provenance: Provenance
    output_hash: str
    terms: str = ""  # glossary fingerprint at translation time

    PREFIX = "mt: "

    def render(self) -> str:
        parts = [self.provenance.engine, self.provenance.model or "-", self.provenance.version or "-"]
        extra = f" | terms={self.terms}" if self.terms else ""
        return f"{self.PREFIX}{' '.join(parts)} | out={self.output_hash}{extra}"

    @classmethod
    def parse(cls, comment: str) -> MachineRecord | None:
        match = re.match(r"mt: (\S+) (\S+) (\S+) \| out=(\w+)(?: \| terms=(\w+))?$", comment.strip())
        if not match:
            return None
        engine, model, version, output_hash, terms = match.groups()
        provenance = Provenance(engine, "" if model == "-" else model, "" if version == "-" else version)
        return cls(provenance, output_hash, terms or "")


FLAG_COMMENT = re.compile(r"^flag: (?P<code>[\w-]+) \((?P<severity>error|warning|info)\) — (?P<message>.*)$")


def render_flag(flag: Flag) -> str:
    return f"flag: {flag.code} ({flag.severity.value}) — {flag.message}"


def parse_flag(comment: str) -> Flag | None:
    match = FLAG_COMMENT.match(comment.strip())
    if not match:
        return None
    return Flag(match["code"], Severity(match["severity"]), match["message"])


def machine_record(message: Message) -> MachineRecord | None:
    for comment in message.auto_comments:
        record = MachineRecord.parse(comment)
        if record:
            return record
    return None


def template_comments(message: Message) -> list[str]:
    """The entry's auto comments without the ones a run writes (machine record, flags)."""
    return [c for c in message.auto_comments if not MachineRecord.parse(c) and not parse_flag(c)]


def entry_flags(message: Message) -> list[Flag]:
    return [flag for comment in message.auto_comments if (flag := parse_flag(comment))]


def entry_state(message: Message) -> EntryState:
    if not message.string:
        return EntryState.UNTRANSLATED
    if not message.fuzzy:
        return EntryState.REVIEWED
    record = machine_record(message)
    if record and record.output_hash == text_hash(message.string):
        return EntryState.MACHINE
    return EntryState.DRAFT


def key_of(message: Message) -> tuple[str, str]:
    return (message.id, message.context or "")


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
        creation_date=creation_date or datetime.now(UTC),
        fuzzy=False,
    )
    return catalog


def build_template(document: Document, segments: list[Segment]) -> Catalog:
    """The POT: one entry per segment, keyed by (msgid, msgctxt), in document order."""
    template = new_catalog(None)
    for segment in segments:
        block = document.blocks[segment.block]
        template.add(
            segment.text,
            context=segment.key,
            locations=[(document.path, segment.line)],
            auto_comments=[f"{block.kind.value}, {segment.role.value} {segment.index + 1}", *code_comments(segment)],
        )
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
        ratio = difflib.SequenceMatcher(None, message.id, old.id).ratio()
        if _context_kind(key[1]) == _context_kind(message.context or ""):
            ratio += 0.05
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
    return Message(
        template_message.id,
        old.string,
        locations=template_message.locations,
        flags=flags,
        auto_comments=auto,
        user_comments=list(old.user_comments),
        previous_id=old.previous_id if old.fuzzy else (),
        context=template_message.context,
    )


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

    catalog = new_catalog(locale, existing.creation_date if existing else template.creation_date)
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
            entry.previous_id = [old.id]
            fuzzy_matched += 1
        else:
            # A translator's comments survive even where there is no translation to keep.
            untranslated = old_entries.get(key)
            entry = Message(
                message.id,
                "",
                locations=message.locations,
                auto_comments=list(message.auto_comments),
                context=message.context,
                user_comments=list(untranslated.user_comments) if untranslated else [],
            )
            pending.append(key)
            # A changed sentence that only had a machine draft is translated again; the old
            # English stays visible as the previous msgid so a reviewer sees what changed.
            if (match := _best_fuzzy_match(message, machine_candidates)) is not None:
                machine_draft = machine_candidates.pop(match)
                entry.previous_id = [machine_draft.id]
                entry.user_comments = entry.user_comments or list(machine_draft.user_comments)
                used.add(match)
        catalog[message.id] = entry

    obsoleted = 0
    for key, old in old_entries.items():
        if key in used or not old.string:
            continue
        catalog.obsolete[catalog._key_for(old.id, old.context)] = Message(
            old.id,
            old.string,
            flags=old.flags,
            auto_comments=list(old.auto_comments),
            user_comments=list(old.user_comments),
            context=old.context,
        )
        obsoleted += key in active_keys
    revived = len(exact - active_keys)
    return MergeResult(catalog, tuple(pending), revived, len(exact), fuzzy_matched, obsoleted)


# ---------------------------------------------------------------- text


PREVIOUS_LINE = re.compile(r"^\| (msgctxt|msgid) (.*)$")


def _recover_previous_ids(catalog: Catalog) -> None:
    """babel writes `#| msgid` but reads it back as a user comment; undo that."""
    for message in [*catalog, *catalog.obsolete.values()]:
        previous: list[str] = []
        comments: list[str] = []
        collecting = False
        for comment in message.user_comments:
            match = PREVIOUS_LINE.match(comment)
            if match:
                collecting = match.group(1) == "msgid"
                if collecting:
                    previous.append(match.group(2))
                continue
            if collecting and comment.startswith('| "'):
                previous.append(comment[2:])
                continue
            collecting = False
            comments.append(comment)
        if previous:
            message.previous_id = [denormalize("\n".join(previous))]
            message.user_comments = comments


PO_STRING = r'"(?:[^"\\]|\\.)*"'
PO_LINE = re.compile(rf"^(?:#.*|(?:#~ ?)?(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?{PO_STRING}\s*|)$")


def syntax_problem(text: str) -> tuple[int, str] | None:
    """The first line that is not PO syntax; babel's reader silently truncates some of them."""
    expected_msgstr = False
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not PO_LINE.match(stripped):
            return number, "not a comment, keyword or complete quoted string"
        keyword = stripped.split(" ", 1)[0]
        if keyword == "msgid":
            expected_msgstr = True
        elif keyword.startswith("msgstr"):
            if not expected_msgstr and keyword == "msgstr":
                return number, "msgstr without a msgid before it"
            expected_msgstr = False
    return None


def duplicate_entry(text: str) -> tuple[int, int] | None:
    """Lines of the first entry whose msgctxt+msgid repeats an earlier one, and of that earlier one.

    msgfmt refuses such a file; babel keeps one of the two silently, so a reviewed
    translation could be replaced by its duplicate.
    """
    seen: dict[tuple[bool, str, str], int] = {}
    entry: dict[str, list[str]] = {}
    start, obsolete, keyword = 0, False, ""

    def finish() -> tuple[int, int] | None:
        if "msgid" not in entry:
            return None
        key = (obsolete, "".join(entry.get("msgctxt", ["<none>"])), "".join(entry["msgid"]))
        if key[1:] == ("<none>", ""):
            return None  # the header
        if key in seen:
            return seen[key], start
        seen[key] = start
        return None

    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        is_obsolete = stripped.startswith("#~")
        if is_obsolete:
            stripped = stripped[2:].strip()
        elif stripped.startswith("#") or not stripped:
            continue
        word, _, rest = stripped.partition(" ")
        if word == "msgctxt" or (word == "msgid" and ("msgid" in entry or not entry)):
            if (found := finish()) is not None:
                return found
            entry, start, obsolete = {}, number, is_obsolete
        if word.startswith(("msgctxt", "msgid", "msgstr")):
            keyword = word
            entry.setdefault(word, []).append(rest.strip()[1:-1])  # the quoted string's inside, escapes kept
        elif stripped.startswith('"') and keyword:
            entry.setdefault(keyword, []).append(stripped[1:-1])
    return finish()


def parse_catalog(text: str, path: Path) -> Catalog:
    problem = syntax_problem(text)
    if problem:
        raise InputError(f"PO syntax error ({problem[1]}); fix the file or restore it from git", path, problem[0])
    if (lines := duplicate_entry(text)) is not None:
        raise InputError(
            f"duplicate entry: the same msgctxt and msgid as the entry at line {lines[0]} (msgfmt refuses "
            "this too); keep one of the two and delete the other",
            path,
            lines[1],
        )
    try:
        catalog = read_po(io.StringIO(text), abort_invalid=True)
    except PoFileError as error:
        line_match = re.search(r"(?:line|on) (\d+)", str(error))
        line = int(line_match.group(1)) if line_match else None
        message = str(error).split(":", 1)[-1].strip() if ":" in str(error) else str(error)
        raise InputError(f"PO syntax error ({message}); fix the file or restore it from git", path, line) from None
    except (ValueError, UnicodeError) as error:
        raise InputError(f"cannot read catalog ({error}); fix the file or restore it from git", path) from None
    _recover_previous_ids(catalog)
    return catalog


def render_catalog(catalog: Catalog) -> str:
    """The catalog as PO text.

    Written here rather than by babel's ``write_po`` because that drops the flags and
    extracted comments of obsolete entries (a machine draft would come back from ``#~``
    looking reviewed) and wraps comments (an ``mt:`` record split over two lines no
    longer parses). Strings are still wrapped at 76 columns as gettext does.
    """
    lines = _header_lines(catalog)
    for message in catalog:
        if message.id:
            lines += ["", *_entry_lines(message, prefix="")]
    for message in catalog.obsolete.values():
        lines += ["", *_entry_lines(message, prefix="#~ ")]
    return "\n".join(lines) + "\n"


def _header_lines(catalog: Catalog) -> list[str]:
    headers = [(name, value) for name, value in catalog.mime_headers if name not in ("Generated-By", "X-Generator")]
    headers.append(("X-Generator", f"{PROJECT} {__version__}"))
    header = "".join(f"{name}: {value}\n" for name, value in headers)
    comment = [line if line.startswith("#") else f"# {line}" for line in catalog.header_comment.splitlines()]
    return [*comment, *(["#, fuzzy"] if catalog.fuzzy else []), 'msgid ""', f"msgstr {normalize(header, width=76)}"]


def _comment_lines(marker: str, comment: str) -> list[str]:
    """One line per comment line, never wrapped: a wrapped record would not parse again."""
    return [f"{marker} {line}".rstrip() for line in (comment.splitlines() or [""])]


def _entry_lines(message: Message, prefix: str) -> list[str]:
    lines = [line for comment in message.user_comments for line in _comment_lines("#", comment)]
    lines += [line for comment in message.auto_comments for line in _comment_lines("#.", comment)]
    if message.locations and not prefix:
        lines.append("#: " + " ".join(f"{path}:{line}" if line else path for path, line in message.locations))
    if message.flags:
        lines.append("#, " + ", ".join(sorted(message.flags)))
    if message.previous_id and not prefix:
        # One line: babel reads `#|` lines as comments and drops repeated ones.
        lines.append(f"#| msgid {escape(message.previous_id[0])}")
    if message.context is not None:
        lines.append(f"{prefix}msgctxt {normalize(message.context, prefix=prefix, width=76)}")
    lines.append(f"{prefix}msgid {normalize(message.id, prefix=prefix, width=76)}")
    lines.append(f"{prefix}msgstr {normalize(message.string or '', prefix=prefix, width=76)}")
    return lines


def same_content(old_text: str, new_text: str) -> bool:
    """Equal but for the revision and creation dates babel stamps."""
    stamp = re.compile(r'^"(POT-Creation-Date|PO-Revision-Date): .*\\n"$', re.M)
    return stamp.sub("", old_text) == stamp.sub("", new_text)
