"""TMX 1.4b in and out: the translation-memory exchange format every CAT tool reads.

One ``<tu>`` per unit: an English ``<tuv>`` and one in the target locale, the origin
as ``<prop type="x-newsloc-origin">``. Segment text is written as the PO shows it:
our inline codes (``<1>…</1>``) are literal text there, as they are for a translator in
Poedit or OmegaT. Reading keeps the text of TMX inline elements (``<bpt>``, ``<ph>``,
``<hi>``…) as written, so a foreign memory's codes stay visible, not silently dropped.

A TMX file is untrusted: size is checked before reading, no entity is ever expanded
(a DOCTYPE that declares any is refused), nothing is fetched, and every problem is
one InputError naming the file and line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from pipeline import __version__
from pipeline.fileio import read_limited, xml_problem
from pipeline.memory.units import SOURCE_LANG, Origin, Unit, locale_key
from pipeline.model import MAX_TRANSLATION_CHARS, InputError, too_long

MAX_TMX_BYTES = 100 * 1024 * 1024
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ORIGIN_PROP = "x-newsloc-origin"
TOOL = "newsloc"


@dataclass(frozen=True)
class TmxFile:
    units: tuple[Unit, ...]
    skipped: int  # <tu> without an English and a target variant (another language pair)


def read_tmx(path: Path, display: str) -> TmxFile:
    """Check the size (before reading), then parse; ``display`` is the file as the user knows it (and the origin)."""
    try:
        data = read_limited(path, MAX_TMX_BYTES, "TMX file")
    except InputError as error:
        raise InputError(error.message, display) from None
    return parse_tmx(data, display)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )


def _segment_text(seg: etree._Element) -> str:
    """All text inside <seg>, inline elements included (their native codes as written)."""
    for node in seg.iter():
        if isinstance(node, etree._Entity):
            raise InputError("entity reference in a segment; newsloc never expands entities", None, node.sourceline)
    return "".join(seg.itertext())


def _language(tuv: etree._Element) -> str:
    return tuv.get(XML_LANG) or tuv.get("lang") or ""


def parse_tmx(data: bytes, display: str) -> TmxFile:
    """Units of a TMX document (any version 1.x), English source, one unit per target variant."""
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as error:
        raise InputError(
            f"not well-formed XML ({xml_problem(error.msg)}); fix or re-export the TMX", display, error.lineno
        ) from None
    doctype = root.getroottree().docinfo
    if doctype.internalDTD is not None and any(True for _ in doctype.internalDTD.iterentities()):
        raise InputError("TMX declares entities; newsloc never expands them: remove the DOCTYPE", display, 1)
    body = root.find("body")
    if root.tag != "tmx" or body is None:
        raise InputError("not a TMX file (no <tmx> root with a <body>)", display, root.sourceline)
    header = root.find("header")
    srclang = locale_key(header.get("srclang", SOURCE_LANG)) if header is not None else SOURCE_LANG
    if srclang != "*all*" and srclang.split("-")[0] != SOURCE_LANG:
        raise InputError(f"source language is '{srclang}'; newsloc memories translate from English", display, 1)
    units: list[Unit] = []
    skipped = 0
    try:
        for number, tu in enumerate(body.iterfind("tu"), start=1):
            # The language as written (case kept, '_' → '-'); locale_key() compares them.
            variants = [
                (_language(tuv).replace("_", "-"), seg)
                for tuv in tu.iterfind("tuv")
                if (seg := tuv.find("seg")) is not None
            ]
            english = [seg for lang, seg in variants if locale_key(lang).split("-")[0] == SOURCE_LANG]
            targets = [(lang, seg) for lang, seg in variants if lang and locale_key(lang).split("-")[0] != SOURCE_LANG]
            if not english or not targets:
                skipped += 1
                continue
            source = _segment_text(english[0])
            prop = next((p.text or "" for p in tu.iterfind("prop") if p.get("type") == ORIGIN_PROP), "")
            origin = _origin(prop, display, tu.get("tuid") or str(number))
            for lang, seg in targets:
                target = _segment_text(seg)
                for text, element in ((source, english[0]), (target, seg)):
                    if len(text) > MAX_TRANSLATION_CHARS:  # the memory's fuzzy matching compares whole texts
                        message = too_long("<seg>", len(text), MAX_TRANSLATION_CHARS, "shorten it")
                        raise InputError(message, display, element.sourceline)
                if source.strip() and target.strip():
                    units.append(Unit(source, target, lang, origin))
    except InputError as error:
        raise InputError(error.message, display, error.line) from None
    return TmxFile(tuple(units), skipped)


def _origin(prop: str, display: str, tuid: str) -> Origin:
    """Our own export names the article and entry; any other unit is known by file and tuid."""
    document, _, entry = prop.partition(" ")
    return Origin(document, entry) if document else Origin(display, tuid)


def render_tmx(units: Sequence[Unit]) -> bytes:
    """A TMX 1.4b document, units in the given order, one <tu> each."""
    root = etree.Element("tmx", version="1.4")
    etree.SubElement(
        root,
        "header",
        {
            "creationtool": TOOL,
            "creationtoolversion": __version__,
            "segtype": "sentence",
            "o-tmf": TOOL,
            "adminlang": "en",
            "srclang": SOURCE_LANG,
            "datatype": "plaintext",
        },
    )
    body = etree.SubElement(root, "body")
    for number, unit in enumerate(units, start=1):
        tu = etree.SubElement(body, "tu", tuid=str(number))
        etree.SubElement(tu, "prop", type=ORIGIN_PROP).text = unit.origin.describe()
        for lang, text in ((SOURCE_LANG, unit.source), (unit.locale, unit.target)):
            tuv = etree.SubElement(tu, "tuv", {XML_LANG: lang})
            try:
                etree.SubElement(tuv, "seg").text = text
            except ValueError as error:  # control characters XML cannot hold
                raise InputError(
                    f"entry {unit.origin.entry} “{text[:40]}” cannot go into TMX ({error}); fix it in the catalog",
                    unit.origin.document,
                ) from None
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n"
