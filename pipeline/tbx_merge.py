"""A glossary change written into the TBX file as it is, keeping what newsloc does not model.

``glossary import`` used to regenerate the whole file from the model, dropping subject
fields, transactions, comments and per-term context, sources and notes. Here only what
changed is touched: a changed entry keeps its element, each language keeps its langSet,
and a term that stays keeps its tig with every child newsloc does not read; new entries
and terms are added as ``tbx_text`` would write them.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from pipeline.fileio import decode_utf8, read_limited, write_atomic
from pipeline.glossary import Entry, Glossary, Rendering
from pipeline.model import InputError
from pipeline.tbx import (
    ADMITTED,
    DNT_NOTE,
    MAX_GLOSSARY_BYTES,
    PLURAL_NOTE,
    PREFERRED,
    XML_LANG,
    merge,
    parse_csv,
    parse_tbx,
    tbx_text,
)

Form = tuple[str, str, bool, str]  # text, administrative status, plural, gender


def import_csv(tbx_path: str | Path, csv_path: str | Path) -> tuple[int, int]:
    """Merge a CSV into the TBX (created if missing), keeping the rest of the file; returns (added, updated)."""
    data = read_limited(Path(csv_path), MAX_GLOSSARY_BYTES, "CSV file")  # the size is checked before reading
    text = decode_utf8(
        data, csv_path, "CSV file is not valid UTF-8; save it from the spreadsheet as CSV UTF-8", "utf-8-sig"
    )
    rows = parse_csv(text, csv_path)
    tbx = Path(tbx_path)
    original = read_limited(tbx, MAX_GLOSSARY_BYTES, "glossary") if tbx.exists() else None
    glossary = parse_tbx(original, tbx) if original is not None else Glossary((), str(tbx))
    merged = merge(glossary, rows)
    data = merged_tbx(original, glossary, merged) if original is not None else tbx_text(merged).encode()
    # What would not load again as exactly the merged glossary is refused before anything is written.
    if parse_tbx(data, csv_path).entries != merged.entries:
        raise InputError("the merged glossary would not read back as imported; nothing was written", csv_path)
    write_atomic(tbx, data)
    added = len(merged.entries) - len(glossary.entries)
    return added, len(rows) - added


def english_forms(entry: Entry) -> list[Form]:
    return [(f.text, PREFERRED if i == 0 else ADMITTED, f.plural, "") for i, f in enumerate(entry.english)]


def rendering_forms(rendering: Rendering) -> list[Form]:
    forms = [
        (rendering.singular, PREFERRED, False, rendering.gender),
        (rendering.plural, PREFERRED, True, rendering.gender),
    ]
    forms += [(text, ADMITTED, False, rendering.gender) for text in rendering.admitted]
    return [form for form in forms if form[0]]


def merged_tbx(original: bytes, before: Glossary, after: Glossary) -> bytes:
    """``original`` (the TBX ``before`` was read from) with ``after``'s changes written in."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)
    root = etree.fromstring(original, parser)
    # parse_tbx read every termEntry, in order, into ``before`` (an entry without an id got one)
    elements = dict(zip((entry.id for entry in before.entries), root.iter("termEntry"), strict=True))
    old = {entry.id: entry for entry in before.entries}
    fresh = _fresh_entries(after)
    body = root.find("text/body")
    for entry in after.entries:
        element = elements.get(entry.id)
        if entry.id not in old or element is None:
            if body is None:
                raise ValueError("the TBX has no <text><body> to add entries to")
            _append(body, fresh[entry.id])
        elif entry != old[entry.id]:
            _update_entry(element, old[entry.id], entry, fresh[entry.id])
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8") + b"\n"


def _fresh_entries(glossary: Glossary) -> dict[str, etree._Element]:
    """Each entry as tbx_text writes it, as elements to copy from."""
    root = etree.fromstring(tbx_text(glossary).encode())
    return {str(element.get("id")): element for element in root.iter("termEntry")}


def _append(parent: etree._Element, element: etree._Element, after: etree._Element | None = None) -> None:
    """Add ``element`` after ``after`` (else last), indented like its new siblings."""
    siblings = list(parent)
    anchor = after if after is not None else (siblings[-1] if siblings else None)
    if anchor is None:
        parent.text = (parent.text or "\n") if parent.text and parent.text.strip() == "" else "\n"
        parent.append(element)
        return
    element.tail = anchor.tail
    anchor.addnext(element)


def _update_entry(element: etree._Element, before: Entry, after: Entry, fresh: etree._Element) -> None:
    if after.dnt != before.dnt or after.note != before.note:
        _update_notes(element, after)
    if after.english != before.english:
        _update_lang_set(element, "en", english_forms(after), after.part_of_speech, fresh)
    old_renderings = dict(before.renderings)
    for tag, rendering in after.renderings:
        if old_renderings.get(tag) != rendering:
            _update_lang_set(element, tag, rendering_forms(rendering), after.part_of_speech, fresh)


def _update_notes(element: etree._Element, entry: Entry) -> None:
    """The entry's own notes (do-not-translate and newsloc's note) as the model says; others stay."""
    notes = element.findall("note")
    anchor = notes[-1] if notes else None
    for note in notes:
        _remove(note)
    wanted = ([DNT_NOTE] if entry.dnt else []) + [line for line in entry.note.split("\n") if line]
    previous = anchor
    for text in wanted:
        note = etree.Element("note")
        note.text = text
        lang_sets = element.findall("langSet")
        if previous is not None and previous.getparent() is element:
            _append(element, note, previous)
        elif lang_sets:
            note.tail = lang_sets[0].tail
            lang_sets[0].addprevious(note)
        else:
            _append(element, note)
        previous = note


def _remove(element: etree._Element) -> None:
    """Remove ``element``, keeping the whitespace that followed it in place of its own."""
    parent = element.getparent()
    if parent is None:
        return
    previous = element.getprevious()
    if previous is not None:
        previous.tail = element.tail if previous.tail is None or not previous.tail.strip() else previous.tail
    parent.remove(element)


def _lang_set(element: etree._Element, tag: str) -> etree._Element | None:
    for lang_set in element.findall("langSet"):
        if (lang_set.get(XML_LANG) or "").lower() == tag.lower():
            return lang_set
    return None


def _update_lang_set(element: etree._Element, tag: str, forms: list[Form], pos: str, fresh: etree._Element) -> None:
    lang_set = _lang_set(element, tag)
    if lang_set is None:
        new = _lang_set(fresh, tag)
        if new is not None:
            lang_sets = element.findall("langSet")
            _append(element, new, lang_sets[-1] if lang_sets else None)
        return
    tigs = lang_set.findall("tig")
    by_text: dict[str, etree._Element] = {}
    for tig in tigs:
        by_text.setdefault(" ".join((tig.findtext("term") or "").split()), tig)
    fresh_set = _lang_set(fresh, tag)
    fresh_tigs = (
        {" ".join((t.findtext("term") or "").split()): t for t in fresh_set.findall("tig")}
        if fresh_set is not None
        else {}
    )
    anchor = tigs[0].getprevious() if tigs else None
    tail = tigs[0].tail if tigs else None
    for tig in tigs:
        lang_set.remove(tig)
    placed = []
    for text, status, plural, gender in forms:
        kept = by_text.pop(text, None)
        if kept is not None:  # the same term: its own children (context, source, notes) stay
            _set_term_note(kept, "administrativeStatus", status)
            _set_term_note(kept, "grammaticalGender", gender)
            _set_plural(kept, plural)
            placed.append(kept)
        elif (new_tig := fresh_tigs.get(text)) is not None:
            placed.append(new_tig)
    for tig in placed:
        tig.tail = tail
        if anchor is None:
            lang_set.insert(0, tig)
        else:
            anchor.addnext(tig)
        anchor = tig


def _set_term_note(tig: etree._Element, kind: str, value: str) -> None:
    note = tig.find(f"termNote[@type='{kind}']")
    if not value:
        if note is not None:
            _remove(note)
        return
    if note is None:
        children = list(tig)
        note = etree.SubElement(tig, "termNote", type=kind)
        if children:
            note.tail = children[-1].tail  # the indentation before </tig>
            children[-1].tail = children[-2].tail if len(children) > 1 else children[-1].tail
    note.text = value


def _set_plural(tig: etree._Element, plural: bool) -> None:
    notes = [n for n in tig.findall("note") if (n.text or "").strip() == PLURAL_NOTE]
    if plural and not notes:
        note = etree.SubElement(tig, "note")
        note.text = PLURAL_NOTE
    if not plural:
        for note in notes:
            _remove(note)
