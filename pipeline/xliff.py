"""XLIFF 1.2 exchange: a locale's PO catalog out to CAT tools, and their edits back in.

One ``<trans-unit>`` per active PO entry. Its id is a hash of msgctxt + msgid, so it
is the same in every export; ``resname`` is the msgctxt. Entry states map to what
CAT tools understand:

=================  ====================================================================
untranslated       no ``<target>``
machine draft      ``<target state="needs-review-translation" state-qualifier="mt-suggestion">``
human draft        ``<target state="translated">`` (``needs-review-translation`` if its English changed)
reviewed           ``<target state="final">`` and ``approved="yes"``
=================  ====================================================================

Inline codes become ``<g id="1">…</g>`` and ``<x id="2"/>`` (``<bx>``/``<ex>`` when a
draft's codes do not nest). Review flags travel as ``<note from="newsloc">``, translator
comments as ``<note from="translator">``.

Import keeps every guarantee of the PO merge: an approved or ``final`` unit becomes
reviewed; a changed target becomes a human draft, unless it is empty, the English
itself (OmegaT writes the source into targets it did not translate) or the machine
suggestion the unit was exported with; anything else changes nothing (a
state moved backwards in a CAT tool does not unreview a translation, an emptied target
or a unit without notes erases nothing). Any problem (unknown unit, changed source,
broken file) stops the import before anything is written.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from lxml import etree

from pipeline import __version__, flags, po
from pipeline import catalog as catalogs
from pipeline.fileio import doctype_problem, xml_problem
from pipeline.inline import TokenKind, escape_text, is_balanced, parse_codes
from pipeline.model import (
    MAX_TRANSLATION_CHARS,
    EntryState,
    InputError,
    Locale,
    ProvenanceKind,
    Severity,
    Suggestion,
    too_long,
)

NS = "urn:oasis:names:tc:xliff:document:1.2"
XML_NS = "http://www.w3.org/XML/1998/namespace"
TOOL = "newsloc"
TRANSLATOR_NOTE = "translator"
OURS = {TOOL}  # notes we write from the catalog's own comments; never read back
# Our own attributes (XLIFF 1.2 allows other namespaces): the hash of the machine draft a unit was
# exported with, so an import can tell the untouched suggestion from a translator's text.
NEWSLOC_NS = "urn:newsloc:xliff"
MACHINE_TEXT = f"{{{NEWSLOC_NS}}}machine-text"
FLAG_PRIORITY = {Severity.ERROR: 1, Severity.WARNING: 3, Severity.INFO: 8}
# XLIFF 1.2 ctype values for the inline elements CAT tools know; the rest are x-html-<tag>.
CTYPES = {
    "a": "link",
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underlined",
    "br": "lb",
    "img": "image",
}
STRUCTURAL = {"xliff", "file", "header", "body", "trans-unit", "alt-trans", "context-group"}
CODE_COMMENT = re.compile(r"^code <(\d+)(?:/>|>…</\1>) = <([\w-]+)")
APPROVED_STATES = {"final", "signed-off"}


def q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def unit_id(message: Message) -> str:
    """Stable across exports: the entry's identity, not its position."""
    return hashlib.sha1(f"{message.context or ''}\x04{message.id}".encode()).hexdigest()[:16]


# ---------------------------------------------------------------- export


def _code_tags(message: Message) -> dict[int, str]:
    """Code id → HTML tag, from the template's `code <1>…</1> = <a …>` comments."""
    tags = {}
    for comment in message.auto_comments:
        match = CODE_COMMENT.match(comment)
        if match:
            tags[int(match[1])] = match[2]
    return tags


def _ctype(tag: str | None) -> str | None:
    if not tag:
        return None
    return CTYPES.get(tag, f"x-html-{tag}")


def _fill(element: etree._Element, coded: str, tags: dict[int, str]) -> None:
    """Coded text → element content: <g>/<x> when the codes nest, else <bx>/<ex>/<x> markers."""
    nested = is_balanced(coded)
    stack = [element]

    def append_text(text: str) -> None:
        current = stack[-1]
        if len(current):
            current[-1].tail = (current[-1].tail or "") + text
        else:
            current.text = (current.text or "") + text

    def marker(tag: str, code_id: int, suffix: str = "") -> etree._Element:
        node = etree.SubElement(stack[-1], q(tag), id=f"{code_id}{suffix}")
        if tag in ("bx", "ex"):
            node.set("rid", str(code_id))
        if (ctype := _ctype(tags.get(code_id))) and tag != "ex":
            node.set("ctype", ctype)
        return node

    for token in parse_codes(coded):
        if token.kind == TokenKind.TEXT:
            append_text(token.text)
        elif token.kind == TokenKind.EMPTY:
            marker("x", token.id)
        elif not nested:
            marker(
                "bx" if token.kind == TokenKind.OPEN else "ex", token.id, "" if token.kind == TokenKind.OPEN else "-end"
            )
        elif token.kind == TokenKind.OPEN:
            stack.append(marker("g", token.id))
        else:
            stack.pop()


def _coded_element(tag: str, coded: str, tags: dict[int, str], **attrs: str) -> etree._Element:
    element = etree.Element(q(tag), {k.replace("_", "-"): v for k, v in attrs.items() if v})
    _fill(element, coded, tags)
    return element


def _target_state(message: Message, state: EntryState) -> tuple[str, str, bool]:
    """(state, state-qualifier, approved) for an entry that has a translation."""
    if state == EntryState.REVIEWED:
        return "final", "", True
    if state == EntryState.MACHINE:
        record = catalogs.machine_record(message)
        from_memory = record is not None and record.provenance.kind == ProvenanceKind.MEMORY
        return "needs-review-translation", "exact-match" if from_memory else "mt-suggestion", False
    if message.previous_id:  # a translation of the sentence before it changed
        return "needs-review-translation", "leveraged-inexact", False
    return "translated", "", False


def _memory_alternative(suggestion: Suggestion, tags: dict[int, str], target_language: str) -> etree._Element:
    """A translation-memory match as CAT tools show one: <alt-trans match-quality="86">."""
    alt = etree.Element(
        q("alt-trans"),
        {
            "match-quality": str(suggestion.score),
            "origin": f"{TOOL}-tm {suggestion.origin}",
            "alttranstype": "proposal",
        },
    )
    alt.append(_coded_element("source", suggestion.source, tags))
    target = _coded_element("target", suggestion.target, tags)
    target.set(f"{{{XML_NS}}}lang", target_language)
    alt.append(target)
    for text in suggestion.notes:
        etree.SubElement(alt, q("note"), {"from": TOOL}).text = text
    return alt


def _unit(message: Message, target_language: str, copy_source: bool = False) -> etree._Element:
    tags = _code_tags(message)
    entry_state = catalogs.entry_state(message)
    unit = etree.Element(q("trans-unit"), id=unit_id(message))
    if message.context:
        unit.set("resname", message.context)
    unit.set(f"{{{XML_NS}}}space", "preserve")
    unit.append(_coded_element("source", catalogs.msgid(message), tags))
    translation = catalogs.msgstr(message)
    if translation:
        state, qualifier, approved = _target_state(message, entry_state)
        if approved:
            unit.set("approved", "yes")
        unit.append(_coded_element("target", translation, tags, state=state, state_qualifier=qualifier))
    elif copy_source:  # OmegaT 3.6 translates the text of <target>: give it the English
        unit.append(_coded_element("target", str(message.id), tags, state="new"))
    if message.previous_id and entry_state == EntryState.DRAFT:
        alt = etree.SubElement(unit, q("alt-trans"), alttranstype="previous-version")
        alt.append(_coded_element("source", message.previous_id[0], tags))
        alt.append(_coded_element("target", translation, tags))
    for suggestion in catalogs.entry_suggestions(message):
        unit.append(_memory_alternative(suggestion, tags, target_language))
    record = catalogs.machine_record(message)
    if record and entry_state == EntryState.MACHINE:
        unit.set(MACHINE_TEXT, catalogs.text_hash(str(message.string)))
        note = etree.SubElement(unit, q("note"), {"from": TOOL, "priority": "9", "annotates": "target"})
        note.text = f"machine draft: {record.provenance.describe()}"
    for flag in catalogs.entry_flags(message):
        attributes = {"from": TOOL, "priority": str(FLAG_PRIORITY[flag.severity])}
        if (entry := flags.REGISTRY.get(flag.code)) is not None:
            attributes["annotates"] = "source" if entry.side == flags.Side.SOURCE else "target"
        note = etree.SubElement(unit, q("note"), attributes)
        note.text = catalogs.render_flag(flag).removeprefix("flag: ")
    for comment in message.user_comments:
        etree.SubElement(unit, q("note"), {"from": TRANSLATOR_NOTE}).text = comment
    for path, line in message.locations:
        group = etree.SubElement(unit, q("context-group"), purpose="location")
        etree.SubElement(group, q("context"), {"context-type": "sourcefile"}).text = path
        if line:
            etree.SubElement(group, q("context"), {"context-type": "linenumber"}).text = str(line)
    return unit


def _indent(element: etree._Element, level: int = 0) -> None:
    """Indent the structure only: whitespace inside <source>, <target>, <note> is content."""
    if _local(element) not in STRUCTURAL or not len(element):
        return
    element.text = "\n" + "  " * (level + 1)
    for child in element:
        _indent(child, level + 1)
        child.tail = "\n" + "  " * (level + 1)
    element[-1].tail = "\n" + "  " * level


def export_xliff(catalog: Catalog, locale: Locale, original: str, copy_source: bool = False) -> bytes:
    """The catalog's active entries as an XLIFF 1.2 document; ``original`` names the PO file.

    The datatype is ``plaintext`` (news text; with ``po`` Translate Toolkit reads the file with
    its PO-flavoured reader). ``copy_source`` writes the English into untranslated units'
    targets, for tools that translate the target's text (OmegaT 3.6's XLIFF filter).
    """
    root = etree.Element(q("xliff"), version="1.2", nsmap={None: NS, "newsloc": NEWSLOC_NS})
    file = etree.SubElement(
        root,
        q("file"),
        {"original": original, "source-language": "en", "target-language": locale.tag, "datatype": "plaintext"},
    )
    header = etree.SubElement(file, q("header"))
    etree.SubElement(header, q("tool"), {"tool-id": TOOL, "tool-name": TOOL, "tool-version": __version__})
    body = etree.SubElement(file, q("body"))
    for message in catalog:
        if not message.id:
            continue
        try:
            body.append(_unit(message, locale.tag, copy_source))
        except ValueError as error:  # lxml refuses control characters XML cannot hold
            raise InputError(
                f"entry {message.context or ''} “{message.id[:40]}” cannot go into XLIFF ({error}); "
                "fix the text in the catalog",
                original,
            ) from None
    _indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="UTF-8") + b"\n"


# ---------------------------------------------------------------- import


@dataclass(frozen=True)
class XliffUnit:
    id: str
    line: int
    source: str  # coded text, as in the PO msgid
    target: str | None  # coded text; None when the unit has no <target>
    state: str
    approved: bool
    translator_notes: tuple[str, ...]
    machine_text: str = ""  # hash of the machine draft the unit was exported with ("" if none)


@dataclass(frozen=True)
class XliffFile:
    original: str
    target_language: str
    units: tuple[XliffUnit, ...]


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _join(pieces: list[tuple[TokenKind, str]]) -> str:
    """Literal text and code markers → coded text, escaping the text as the readers do."""
    out: list[str] = []
    for index, (kind, text) in enumerate(pieces):
        if kind != TokenKind.TEXT:
            out.append(text)
            continue
        escaped = escape_text(text)
        if index + 1 < len(pieces) and pieces[index + 1][0] != TokenKind.TEXT:
            # backslashes right before a real code are doubled, or they would escape it
            escaped += "\\" * (len(escaped) - len(escaped.rstrip("\\")))
        out.append(escaped)
    return "".join(out)


def canonical(coded: str) -> str:
    """The coded text as an import rebuilds it: what an untouched unit brings back."""
    return _join([(token.kind, token.text) for token in parse_codes(coded)])


def _coded_text(element: etree._Element, problems: list[tuple[int | None, str]]) -> str:
    """Element content → PO coded text (literal text escaped, inline elements as <n>, </n>, <n/>)."""
    pieces: list[tuple[TokenKind, str]] = []

    def walk(node: etree._Element) -> None:
        if node.text:
            pieces.append((TokenKind.TEXT, node.text))
        for child in node:
            if isinstance(child.tag, str):
                code_of(child)
            if child.tail:
                pieces.append((TokenKind.TEXT, child.tail))

    def code_of(child: etree._Element) -> None:
        name = _local(child)
        code = (child.get("rid") if name in ("bx", "ex") else None) or child.get("id") or ""
        code = code.removesuffix("-end")
        if name not in ("g", "x", "bx", "ex") or not code.isdigit():
            problems.append(
                (
                    child.sourceline or 0,
                    f'unsupported inline element <{name} id="{code}"> (only <g>, <x>, <bx>, <ex> with numeric ids)',
                )
            )
        elif name == "g":
            pieces.append((TokenKind.OPEN, f"<{int(code)}>"))
            walk(child)
            pieces.append((TokenKind.CLOSE, f"</{int(code)}>"))
        else:
            kind = {"x": TokenKind.EMPTY, "bx": TokenKind.OPEN, "ex": TokenKind.CLOSE}[name]
            marker = {"x": f"<{int(code)}/>", "bx": f"<{int(code)}>", "ex": f"</{int(code)}>"}[name]
            pieces.append((kind, marker))

    walk(element)
    return _join(pieces)


def parse_xliff(data: bytes, path: Path) -> XliffFile:
    """Read an XLIFF 1.2 file; every problem found is reported in one InputError."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise InputError(
            f"not well-formed XML ({xml_problem(error.msg)}); fix the file or export it again", path, error.lineno
        ) from None
    docinfo = root.getroottree().docinfo
    if (line := doctype_problem(data, docinfo.doctype, docinfo.internalDTD)) is not None:
        raise InputError(
            "XLIFF with a DOCTYPE is refused (its entities would be dropped from the text); remove the "
            "<!DOCTYPE …> line; nothing was imported",
            path,
            line,
        )
    files = root.findall(q("file"))
    if _local(root) != "xliff" or root.nsmap.get(None) != NS or len(files) != 1:
        raise InputError(
            "not an XLIFF 1.2 file with one <file> (export it with `newsloc xliff export`)", path, root.sourceline
        )
    file = files[0]
    problems: list[tuple[int | None, str]] = []
    units = []
    for unit in file.iter(q("trans-unit")):
        source = unit.find(q("source"))
        target = unit.find(q("target"))
        if source is None:
            problems.append((unit.sourceline, "trans-unit without <source>"))
            continue
        notes = tuple(note.text or "" for note in unit.findall(q("note")) if note.get("from") not in OURS)
        lengths = {part: len("".join(part.itertext())) for part in (source, target) if part is not None}
        oversized = [(part, length) for part, length in lengths.items() if length > MAX_TRANSLATION_CHARS]
        for part, length in oversized:
            message = too_long(f"<{_local(part)}>", length, MAX_TRANSLATION_CHARS, "shorten it")
            problems.append((part.sourceline, message))
        if oversized:
            continue  # refused: no check will work on it
        units.append(
            XliffUnit(
                id=unit.get("id", ""),
                line=unit.sourceline or 0,
                source=_coded_text(source, problems),
                target=_coded_text(target, problems) if target is not None else None,
                state=target.get("state", "") if target is not None else "",
                approved=unit.get("approved") == "yes",
                translator_notes=notes,
                machine_text=unit.get(MACHINE_TEXT, ""),
            )
        )
    original, target_language = file.get("original"), file.get("target-language")
    if not original or not target_language:
        problems.append((file.sourceline, "<file> needs original and target-language attributes"))
    _raise_first(problems, path)
    assert original and target_language
    return XliffFile(original, target_language, tuple(units))


def _raise_first(problems: list[tuple[int | None, str]], path: Path) -> None:
    if not problems:
        return
    problems.sort(key=lambda problem: problem[0] or 0)
    line, message = problems[0]
    more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
    raise InputError(f"{message}{more}; nothing was imported", path, line or None)


@dataclass(frozen=True)
class ImportResult:
    catalog: Catalog
    reviewed: int  # entries now reviewed that were not
    drafted: int  # entries whose text a translator changed, kept as a draft
    noted: int  # entries whose translator comments changed

    @property
    def changed(self) -> int:
        return self.reviewed + self.drafted + self.noted


def import_units(catalog: Catalog, document: XliffFile, path: Path) -> ImportResult:
    """Apply a CAT tool's edits to a copy of the catalog; all problems first, then every change or none."""
    by_id = {unit_id(message): message for message in catalog if message.id}
    problems: list[tuple[int | None, str]] = []
    seen: set[str] = set()
    for unit in document.units:
        message = by_id.get(unit.id)
        if unit.id in seen:
            problems.append((unit.line, f"trans-unit id “{unit.id}” appears twice"))
        elif message is None:
            problems.append(
                (
                    unit.line,
                    f"trans-unit id “{unit.id}” is not in the catalog (it may be from an older "
                    "export: export again and redo the edit)",
                )
            )
        elif unit.source != canonical(catalogs.msgid(message)):
            problems.append(
                (
                    unit.line,
                    f"source of trans-unit “{unit.id}” differs from the catalog's English "
                    "(the article changed since the export, or the source was edited)",
                )
            )
        seen.add(unit.id)
    _raise_first(problems, path)

    updated = po.parse(po.render(catalog), path)  # a copy to change
    reviewed = drafted = noted = 0
    for unit in document.units:
        message = catalogs.entry_at(updated, catalogs.key_of(by_id[unit.id]))
        before = catalogs.entry_state(message)
        approved = unit.approved or unit.state in APPROVED_STATES
        if not approved and not is_translation(unit):
            pass  # the English copied into the target, or the machine suggestion as exported: no edit
        elif unit.target and approved:
            if before != EntryState.REVIEWED or canonical(catalogs.msgstr(message)) != unit.target:
                message.string = unit.target
                message.flags.discard("fuzzy")
                message.previous_id = []
                reviewed += 1
        elif unit.target and unit.target != canonical(catalogs.msgstr(message)):
            message.string = unit.target
            message.flags.add("fuzzy")
            _drop_machine_record(message)
            drafted += 1
        # Tools that drop notes send none back: that never deletes a translator's comments.
        if unit.translator_notes and list(unit.translator_notes) != list(message.user_comments):
            message.user_comments = list(unit.translator_notes)
            noted += 1
    return ImportResult(updated, reviewed, drafted, noted)


def is_translation(unit: XliffUnit) -> bool:
    """Whether an unapproved target is a person's text: not empty, not the English copied over (as
    OmegaT leaves units it did not translate), not the machine suggestion the unit was exported with."""
    if not unit.target or unit.target == unit.source:
        return False
    return not (unit.machine_text and catalogs.text_hash(unit.target) == unit.machine_text)


def _drop_machine_record(message: Message) -> None:
    """A person's text: the engine's record and signals no longer describe it."""
    engine_codes = flags.engine_codes()
    message.auto_comments = [
        comment
        for comment in message.auto_comments
        if not catalogs.MachineRecord.parse(comment)
        and not ((flag := catalogs.parse_flag(comment)) and flag.code in engine_codes)
    ]
