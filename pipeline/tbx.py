"""Glossary files at the edges: TBX-Basic in and out, CSV import/export, catalogs for the report.

TBX conventions (also written as a comment at the top of every TBX file):
each ``tig`` is one written form; ``administrativeStatus`` preferredTerm-admn-sts
marks the form translations use, admittedTerm-admn-sts an accepted alternative
(English: a variant that is matched); ``<note>plural</note>`` marks a plural
form; ``grammaticalGender`` lets articles agree; ``<note>do-not-translate</note>``
on the termEntry keeps the English as written. A regional langSet (``pt-BR``)
overrides its language's (``pt``).

CSV columns: ``en, es, fr, pt-BR, <other langSets>, variants, dnt, note``. A
cell lists forms separated by ``|``; ``pl:`` marks a plural form, ``alt:`` an
accepted alternative, a leading ``[m]``/``[f]`` the gender.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from pipeline.fileio import doctype_problem, read_limited, write_atomic, xml_problem
from pipeline.glossary import Entry, Glossary, Rendering, TermForm
from pipeline.model import MAX_TERM_CHARS, InputError, too_long

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PREFERRED = "preferredTerm-admn-sts"
ADMITTED = "admittedTerm-admn-sts"
DNT_NOTE = "do-not-translate"
PLURAL_NOTE = "plural"
CSV_LANGUAGES = ("es", "fr", "pt-BR")
GENDER_MARKS = {"m": "masculine", "f": "feminine"}
MAX_GLOSSARY_BYTES = 20 * 1024 * 1024

HEADER_COMMENT = """
  newsloc glossary, TBX-Basic (martif type="TBX-Basic"; read by CAT tools and Weblate).
  Conventions newsloc relies on, all within TBX-Basic data categories:
  - every tig is one written form; termNote administrativeStatus preferredTerm-admn-sts
    marks the form a translation must use, admittedTerm-admn-sts an accepted alternative
    (in the English langSet: a variant the matcher also finds);
  - <note>plural</note> in a tig marks a plural form (TBX-Basic has no grammaticalNumber);
  - termNote grammaticalGender (masculine/feminine) lets articles agree with the term;
  - <note>do-not-translate</note> on a termEntry keeps the English form verbatim in every
    language (names of people, outlets, places), the usual way to flag it in TBX-Basic;
  - a regional langSet (xml:lang="pt-BR") overrides its language's langSet ("pt").
  Edit with any TBX tool, or: newsloc glossary export FILE.csv / import FILE.csv.
"""


def _fail(path: str | Path, problems: list[tuple[int | None, str]]) -> None:
    """Raise one InputError naming the first problem's line and counting the others."""
    if not problems:
        return
    line, message = problems[0]
    more = "".join(f"; line {n}: {m}" for n, m in problems[1:4])
    extra = f" (+{len(problems) - 1} more{more})" if len(problems) > 1 else ""
    raise InputError(message + extra, path, line)


# ---------------------------------------------------------------- TBX


def parse_tbx(data: bytes, path: str | Path = "<tbx>") -> Glossary:
    from lxml import etree  # lazy: keeps the CLI start instant

    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise InputError(f"malformed TBX: {xml_problem(error.msg)}", path, error.lineno) from error
    docinfo = root.getroottree().docinfo
    if (line := doctype_problem(data, docinfo.doctype, docinfo.internalDTD)) is not None:
        raise InputError(
            "TBX with a DOCTYPE is refused (its entities would be dropped from terms); remove the <!DOCTYPE …> line",
            path,
            line,
        )
    problems: list[tuple[int | None, str]] = []
    if root.tag != "martif":
        problems.append((root.sourceline, f"root element is <{root.tag!s}>, expected <martif>"))
    entries: list[Entry] = []
    owner: dict[str, str] = {}
    for element in root.iter("termEntry"):
        entry = _read_entry(element, problems)
        if entry is None:
            continue
        for form in entry.english:
            key = form.text.casefold()
            if owner.get(key, entry.id) != entry.id:
                problems.append((element.sourceline, f"English term “{form.text}” is also in entry {owner[key]}"))
            owner.setdefault(key, entry.id)
        entries.append(entry)
    _fail(path, problems)
    return Glossary(tuple(entries), str(path))


def _read_entry(element, problems: list[tuple[int | None, str]]) -> Entry | None:
    notes = [(n.text or "").strip() for n in element.findall("note")]
    definition = element.findtext("descrip[@type='definition']") or ""
    english: list[TermForm] = []
    renderings: list[tuple[str, Rendering]] = []
    part_of_speech = ""
    for lang_set in element.findall("langSet"):
        tag = lang_set.get(XML_LANG) or ""
        tigs = []
        for tig in lang_set.findall("tig"):
            text = " ".join((tig.findtext("term") or "").split())
            if not text:
                problems.append((tig.sourceline, "tig without a term"))
                continue
            if len(text) > MAX_TERM_CHARS:  # every segment is searched for every term
                problems.append((tig.sourceline, too_long("term", len(text), MAX_TERM_CHARS, "shorten it")))
                continue
            status = tig.findtext("termNote[@type='administrativeStatus']") or ""
            plural = any((n.text or "").strip() == PLURAL_NOTE for n in tig.findall("note"))
            gender = tig.findtext("termNote[@type='grammaticalGender']") or ""
            part_of_speech = part_of_speech or tig.findtext("termNote[@type='partOfSpeech']") or ""
            tigs.append((text, status.strip(), plural, gender.strip()))
        if not tag:
            problems.append((lang_set.sourceline, "langSet without xml:lang"))
        elif not tigs:
            problems.append((lang_set.sourceline, f"langSet {tag} has no term"))
        elif tag.lower().split("-")[0] == "en":
            english = [TermForm(text, plural) for text, _, plural, _ in tigs]
        else:
            renderings.append((tag, _rendering(tigs)))
    if not english:
        problems.append((element.sourceline, "termEntry has no English term"))
        return None
    entry_id = element.get("id") or _slug(english[0].text)
    return Entry(entry_id, tuple(english), tuple(renderings), DNT_NOTE in notes, part_of_speech,
                 definition.strip(), "\n".join(n for n in notes if n and n != DNT_NOTE))  # fmt: skip


def _rendering(tigs: list[tuple[str, str, bool, str]]) -> Rendering:
    preferred = [t for t in tigs if t[1] == PREFERRED] or tigs[:1]
    singular = next((t[0] for t in preferred if not t[2]), "")
    plural = next((t[0] for t in preferred if t[2]), "")
    admitted = tuple(t[0] for t in tigs if t[0] not in (singular, plural))
    gender = next((t[3] for t in tigs if t[3]), "")
    return Rendering(singular, plural, gender, admitted)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "term"


def read_tbx(path: str | Path) -> Glossary:
    return parse_tbx(read_limited(Path(path), MAX_GLOSSARY_BYTES, "glossary"), path)


def tbx_text(glossary: Glossary) -> str:
    """The glossary as TBX-Basic, laid out the same way every time."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', f"<!--{HEADER_COMMENT}-->",
           '<martif type="TBX-Basic" xml:lang="en">', "  <martifHeader>", "    <fileDesc>",
           "      <titleStmt><title>newsloc glossary</title></titleStmt>",
           "      <sourceDesc><p>Key terms of newsloc articles, English to es, fr, pt-BR.</p></sourceDesc>",
           "    </fileDesc>", '    <encodingDesc><p type="XCSURI">TBXBasicXCSV02.xcs</p></encodingDesc>',
           "  </martifHeader>", "  <text>", "    <body>"]  # fmt: skip
    for entry in glossary.entries:
        out.append(f"      <termEntry id={quoteattr(entry.id)}>")
        if entry.definition:
            out.append(f'        <descrip type="definition">{escape(entry.definition)}</descrip>')
        if entry.dnt:
            out.append(f"        <note>{DNT_NOTE}</note>")
        if entry.note:
            out.append(f"        <note>{escape(entry.note)}</note>")
        english = [(f.text, PREFERRED if i == 0 else ADMITTED, f.plural, "") for i, f in enumerate(entry.english)]
        out += _lang_set("en", english, entry.part_of_speech)
        for tag, r in entry.renderings:
            forms = [(r.singular, PREFERRED, False, r.gender), (r.plural, PREFERRED, True, r.gender)]
            forms += [(text, ADMITTED, False, r.gender) for text in r.admitted]
            out += _lang_set(tag, [f for f in forms if f[0]], entry.part_of_speech)
        out.append("      </termEntry>")
    out += ["    </body>", "  </text>", "</martif>", ""]
    return "\n".join(out)


def _lang_set(tag: str, forms: list[tuple[str, str, bool, str]], part_of_speech: str) -> list[str]:
    lines = [f"        <langSet xml:lang={quoteattr(tag)}>"]
    for text, status, plural, gender in forms:
        lines.append(f"          <tig><term>{escape(text)}</term>")
        if part_of_speech:
            lines.append(f'            <termNote type="partOfSpeech">{escape(part_of_speech)}</termNote>')
        if gender:
            lines.append(f'            <termNote type="grammaticalGender">{escape(gender)}</termNote>')
        lines.append(f'            <termNote type="administrativeStatus">{status}</termNote>')
        if plural:
            lines.append(f"            <note>{PLURAL_NOTE}</note>")
        lines.append("          </tig>")
    lines.append("        </langSet>")
    return lines


def write_tbx(glossary: Glossary, path: str | Path) -> None:
    write_atomic(Path(path), tbx_text(glossary))


# ---------------------------------------------------------------- CSV


# A spreadsheet runs a cell starting with one of these as a formula (CSV injection); such a cell
# is written with a leading apostrophe, which spreadsheets hide and import takes off again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _unformula(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def _reformula(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell


def _cell(forms: Iterable[tuple[str, str]], gender: str = "") -> str:
    mark = next((f"[{k}] " for k, v in GENDER_MARKS.items() if v == gender), "")
    return _unformula(mark + "|".join(prefix + text for prefix, text in forms if text))


def csv_text(glossary: Glossary) -> str:
    extra = sorted({tag for e in glossary.entries for tag, _ in e.renderings} - set(CSV_LANGUAGES))
    languages = [*CSV_LANGUAGES, *extra]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["en", *languages, "variants", "dnt", "note"])
    for entry in glossary.entries:
        by_tag = dict(entry.renderings)
        cells = []
        for tag in languages:
            r = by_tag.get(tag)
            forms = [("", r.singular), ("pl:", r.plural), *(("alt:", a) for a in r.admitted)] if r else []
            cells.append(_cell(forms, r.gender if r else ""))
        english = [("pl:" if f.plural else "", f.text) for f in entry.english]
        writer.writerow(
            [_cell(english[:1]), *cells, _cell(english[1:]), "yes" if entry.dnt else "no", _unformula(entry.note)]
        )
    return buffer.getvalue()


def export_csv(tbx_path: str | Path, csv_path: str | Path) -> int:
    """Write the glossary as CSV; returns the number of entries."""
    glossary = read_tbx(tbx_path)
    write_atomic(Path(csv_path), csv_text(glossary))
    return len(glossary.entries)


def _parse_cell(text: str, line: int, problems: list[tuple[int | None, str]]) -> tuple[str, list[tuple[str, str]]]:
    gender = ""
    if found := re.match(r"\[(\w+)\]\s*", text):
        gender = GENDER_MARKS.get(found.group(1), "")
        if not gender:
            problems.append((line, f"unknown gender mark [{found.group(1)}] (use [m] or [f])"))
        text = text[found.end() :]
    forms = []
    for part in (p.strip() for p in text.split("|")):
        prefix = next((p for p in ("pl:", "alt:") if part.startswith(p)), "")
        if part[len(prefix) :].strip():
            forms.append((prefix, " ".join(part[len(prefix) :].split())))
    return gender, forms


def parse_csv(text: str, path: str | Path = "<csv>") -> list[tuple[Entry, dict[str, str]]]:
    """Rows as entries, each with the cells it set (an empty cell keeps what the TBX has)."""
    reader = csv.reader(io.StringIO(text))
    problems: list[tuple[int | None, str]] = []
    try:
        header = [h.strip() for h in next(reader, [])]
    except csv.Error as error:
        raise InputError(f"malformed CSV: {error}", path, reader.line_num) from error
    if "en" not in header:
        _fail(path, [(1, "CSV header has no “en” column")])
    for name in header:
        if name not in ("en", "variants", "dnt", "note") and not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]+)*", name):
            problems.append((1, f"unknown CSV column “{name}”"))
    rows: list[tuple[Entry, dict[str, str]]] = []
    seen: set[str] = set()
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                problems.append((line, f"row has {len(row)} cells, header has {len(header)}"))
                continue
            cells = {name: _reformula(cell.strip()) for name, cell in zip(header, row)}
            oversized = [
                (name, len(cell)) for name, cell in cells.items() if name != "note" and len(cell) > MAX_TERM_CHARS
            ]
            for name, length in oversized:
                problems.append((line, f"column “{name}”: " + too_long("term", length, MAX_TERM_CHARS, "shorten it")))
            if not oversized:
                rows += _parse_row(cells, line, seen, problems)
    except csv.Error as error:
        problems.append((reader.line_num, f"malformed CSV: {error}"))
    _fail(path, problems)
    return rows


def _parse_row(cells: dict[str, str], line: int, seen: set[str], problems) -> list[tuple[Entry, dict[str, str]]]:
    _, canonical = _parse_cell(cells["en"], line, problems)
    if not canonical:
        problems.append((line, "row has no English term"))
        return []
    if canonical[0][1].casefold() in seen:
        problems.append((line, f"English term “{canonical[0][1]}” appears twice"))
    seen.add(canonical[0][1].casefold())
    if cells.get("dnt", "").lower() not in ("", "yes", "no"):
        problems.append((line, f"dnt must be yes or no, not “{cells['dnt']}”"))
    _, variants = _parse_cell(cells.get("variants", ""), line, problems)
    english = tuple(TermForm(text, prefix == "pl:") for prefix, text in canonical[:1] + variants)
    renderings = []
    for tag, cell in cells.items():
        if tag in ("en", "variants", "dnt", "note") or not cell:
            continue
        gender, forms = _parse_cell(cell, line, problems)
        singular = next((t for p, t in forms if p == ""), "")
        plural = next((t for p, t in forms if p == "pl:"), "")
        admitted = tuple(t for p, t in forms if p == "alt:" or (p == "" and t != singular))
        renderings.append((tag, Rendering(singular, plural, gender, admitted)))
    entry = Entry(_slug(english[0].text), english, tuple(renderings), cells.get("dnt", "").lower() == "yes",
                  note=cells.get("note", ""))  # fmt: skip
    return [(entry, cells)]


def merge(glossary: Glossary, rows: Sequence[tuple[Entry, dict[str, str]]]) -> Glossary:
    """Rows update the entry with the same canonical English term, or are added."""
    entries = list(glossary.entries)
    index = {e.canonical.casefold(): i for i, e in enumerate(entries)}
    ids = {e.id for e in entries}
    for row, cells in rows:
        position = index.get(row.canonical.casefold())
        if position is None:
            entry_id, n = row.id, 2
            while entry_id in ids:
                entry_id, n = f"{row.id}-{n}", n + 1
            ids.add(entry_id)
            index[row.canonical.casefold()] = len(entries)
            entries.append(Entry(entry_id, row.english, row.renderings, row.dnt, "", "", row.note))
            continue
        old = entries[position]
        renderings = dict(old.renderings) | dict(row.renderings)
        entries[position] = Entry(
            old.id,
            row.english if cells.get("variants") else row.english[:1] + old.english[1:],
            tuple(renderings.items()),
            row.dnt if cells.get("dnt") else old.dnt,
            old.part_of_speech,
            old.definition,
            row.note or old.note,
        )
    return Glossary(tuple(entries), glossary.path)
