"""Read an HTML article (a CMS export) into a Document.

The content is the first ``<article>``, else ``<main>``, else ``<body>``. Its first
``<h1>`` is the title (else the page ``<title>``) and is not a block. Block elements
become blocks; inline elements inside them become numbered codes (``pipeline.inline``).
Scripts, styles, comments, navigation and forms are dropped. ``BlockCollector`` and
``Place`` are shared with the Markdown reader, which hands its raw HTML blocks to
``add_html_fragment``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import lxml.html
from lxml import etree

from pipeline.inline import CodedTextBuilder, plain_text
from pipeline.model import Block, BlockKind, Document, InputError

DROPPED = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "nav",
        "form",
        "iframe",
        "object",
        "embed",
        "svg",
        "math",
        "canvas",
        "button",
        "input",
        "select",
        "textarea",
        "dialog",
        "head",
        "link",
        "meta",
    ]
)
HEADINGS = frozenset(f"h{level}" for level in range(1, 7))
BLOCK_TAGS = HEADINGS | frozenset(
    [
        "p",
        "ul",
        "ol",
        "li",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
        "caption",
        "blockquote",
        "pre",
        "hr",
        "div",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "aside",
        "figure",
        "figcaption",
        "details",
        "summary",
        "dl",
        "dt",
        "dd",
        "address",
        "center",
        "hgroup",
        "fieldset",
        "body",
    ]
)
# Inline elements that become codes; other inline elements (font, label, …) keep only their text.
CODE_TAGS = frozenset(
    [
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "cite",
        "code",
        "del",
        "dfn",
        "em",
        "i",
        "ins",
        "kbd",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "u",
        "var",
    ]
)
STANDALONE_TAGS = frozenset({"br", "img"})


@dataclass(frozen=True)
class Place:
    """Where in the document structure a reader is: what a paragraph here becomes."""

    kind: BlockKind = BlockKind.PARAGRAPH  # PARAGRAPH, BLOCKQUOTE or LIST_ITEM
    group: int = 0
    level: int = 0
    ordered: bool = False
    no_translate: bool = False  # inside a translate="no" block: wrap each block's text


class BlockCollector:
    """Blocks in source order, group numbers, and the finished Document."""

    def __init__(self) -> None:
        self._blocks: list[Block | None] = []
        self._groups = 0

    def new_group(self) -> int:
        self._groups += 1
        return self._groups

    def builder(self, place: Place) -> CodedTextBuilder:
        """A text builder for one block here (pre-opened span when the place is do-not-translate)."""
        builder = CodedTextBuilder()
        if place.no_translate:
            builder.open("span", (("translate", "no"),), translate=False)
        return builder

    def reserve(self) -> int:
        """Keep a slot for a block finished later (a list item, before its nested items)."""
        self._blocks.append(None)
        return len(self._blocks) - 1

    def add(
        self,
        kind: BlockKind,
        builder: CodedTextBuilder,
        line: int,
        place: Place = Place(),
        *,
        slot: int | None = None,
        keep_empty: bool = False,
        **fields: object,
    ) -> None:
        """Finish ``builder`` as a block; blocks without text are left out unless ``keep_empty``."""
        if builder.is_empty() and not keep_empty:
            return
        text, codes = builder.result()
        if kind in (BlockKind.LIST_ITEM, BlockKind.BLOCKQUOTE):
            fields.setdefault("group", place.group)
        if kind == BlockKind.LIST_ITEM:
            fields.setdefault("level", place.level)
            fields.setdefault("ordered", place.ordered)
        block = Block(kind=kind, text=text, line=line, codes=codes, **fields)  # type: ignore[arg-type]
        if slot is None:
            self._blocks.append(block)
        else:
            self._blocks[slot] = block

    def add_code(self, text: str, line: int) -> None:
        """A code block: raw text (no inline codes, no escaping), never translated."""
        self._blocks.append(Block(kind=BlockKind.CODE, text=text, line=line))

    def document(self, *, slug: str, path: str, title: str) -> Document:
        """The Document; the first paragraph before any heading becomes the LEAD."""
        blocks = [block for block in self._blocks if block is not None]
        if not blocks and not title:
            raise InputError("no article text found (the document has no title and no blocks)", path)
        for index, block in enumerate(blocks):
            if block.kind == BlockKind.HEADING:
                break
            if block.kind == BlockKind.PARAGRAPH:
                blocks[index] = replace(block, kind=BlockKind.LEAD)
                break
        return Document(slug=slug, path=path, blocks=tuple(blocks), title=title)


# ---------------------------------------------------------------- reading


def read_html(text: str, path: str, slug: str) -> Document:
    """Parse an HTML article into a Document (title from the first <h1>, else <title>)."""
    if not text.strip():
        raise InputError("the article is empty", path)
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    try:
        page = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError) as error:
        raise InputError(f"cannot read the HTML: {error}", path) from error
    refuse_cut_parse(parser, path)
    root = _content_root(page)
    title_element = next((h1 for h1 in root.iter("h1") if not _is_dropped(h1, root)), None)
    collector = BlockCollector()
    _Walker(collector, title_element, line_offset=0).container(root, Place())
    if title_element is not None:
        title = plain_text(_inline_builder(title_element).result()[0])
    else:
        title_tag = page.find(".//title")
        title = " ".join(title_tag.text_content().split()) if title_tag is not None else ""
    return collector.document(slug=slug, path=path, title=title)


HTML_DEPTH_LIMIT = 256  # libxml2's: past it the parser drops the rest of the document without an exception


def refuse_cut_parse(parser: lxml.html.HTMLParser, path: str | None, line_offset: int = 0) -> None:
    """Refuse a parse libxml2 cut short (nesting past its limit): the rest of the article would vanish."""
    for entry in parser.error_log:
        if entry.type_name == "ERR_RESOURCE_LIMIT" or "Excessive depth" in entry.message:
            raise InputError(
                f"HTML nested more than {HTML_DEPTH_LIMIT} elements deep (the HTML parser's limit): the rest "
                "would be lost; flatten the markup",
                path,
                entry.line + line_offset if entry.line else None,
            )


def add_html_fragment(collector: BlockCollector, html: str, first_line: int, place: Place = Place()) -> None:
    """Add the blocks of a raw HTML fragment (Markdown's HTML blocks) that starts on ``first_line``."""
    if not html.strip():
        return
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True)
    try:
        wrapper = lxml.html.fragment_fromstring(html, create_parent="div", parser=parser)
    except (etree.ParserError, ValueError):
        return  # only a comment or a processing instruction: nothing to read
    refuse_cut_parse(parser, None, first_line - 1)  # the Markdown reader names the file
    _Walker(collector, None, line_offset=first_line - 1).container(wrapper, place)


def _content_root(page: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    for tag in ("article", "main"):
        found = page.find(f".//{tag}")
        if found is not None:
            return found
    body = page.find(".//body")
    return body if body is not None else page


def _tag(node: object) -> str | None:
    tag = getattr(node, "tag", None)
    return tag.lower() if isinstance(tag, str) else None  # comments and PIs have no string tag


def _is_dropped(element: etree._Element | None, root: etree._Element) -> bool:
    while element is not None and element is not root:
        if _tag(element) in DROPPED:
            return True
        element = element.getparent()
    return False


def _no_translate(element: etree._Element) -> bool:
    return (element.get("translate") or "").strip().lower() == "no" or "notranslate" in (
        element.get("class") or ""
    ).split()


def _attrs(element: etree._Element) -> tuple[tuple[str, str], ...]:
    return tuple((str(name).lower(), str(value)) for name, value in element.attrib.items())


# ---------------------------------------------------------------- inline content


def _inline_builder(element: etree._Element, builder: CodedTextBuilder | None = None) -> CodedTextBuilder:
    builder = builder or CodedTextBuilder()
    _add_content(builder, element, verbatim=False)
    return builder


def _add_content(builder: CodedTextBuilder, element: etree._Element, verbatim: bool) -> None:
    """The element's text and children as inline content (not its tail)."""
    builder.add_text(element.text or "", verbatim)
    for child in element:
        _add_inline(builder, child, verbatim)


def _add_inline(builder: CodedTextBuilder, element: etree._Element, verbatim: bool) -> None:
    """One inline element and its tail."""
    tag = _tag(element)
    if tag is None or tag in DROPPED:
        pass
    elif tag == "br":
        builder.line_break(_attrs(element))
    elif tag == "img":
        builder.empty(tag, _attrs(element))
    elif tag in CODE_TAGS and (tag != "span" or len(element.attrib)):
        code_id = builder.open(tag, _attrs(element), translate=tag != "code" and not _no_translate(element))
        _add_content(builder, element, verbatim or tag == "code")
        builder.close(code_id)
    elif tag in BLOCK_TAGS:  # a block inside inline content (a table cell's list): keep words apart
        builder.add_text(" ")
        _add_content(builder, element, verbatim)
        builder.add_text(" ")
    else:
        _add_content(builder, element, verbatim)
    builder.add_text(element.tail or "", verbatim)


def _add_paragraphs(builder: CodedTextBuilder, element: etree._Element) -> None:
    """Flow content of a cell: paragraphs joined by line breaks, anything else inline."""
    builder.add_text(element.text or "")
    for child in element:
        if _tag(child) in ("p", "div") and not _is_dropped(child, element):
            if not builder.is_empty():
                builder.line_break()
            _add_content(builder, child, verbatim=False)
            builder.add_text(child.tail or "")
        else:
            _add_inline(builder, child, verbatim=False)


# ---------------------------------------------------------------- blocks


class _Walker:
    def __init__(self, collector: BlockCollector, title_element: etree._Element | None, line_offset: int):
        self.collector = collector
        self.title_element = title_element
        self.line_offset = line_offset

    def line(self, element: etree._Element) -> int:
        return (element.sourceline or 1) + self.line_offset

    def container(self, element: etree._Element, place: Place) -> None:
        """Block children become blocks; runs of inline content between them become paragraphs."""
        run = self.collector.builder(place)
        run_line = self.line(element)

        def flush() -> None:
            nonlocal run
            self.collector.add(place.kind, run, run_line, place)
            run = self.collector.builder(place)

        run.add_text(element.text or "")
        for child in element:
            tag = _tag(child)
            if tag in BLOCK_TAGS:
                flush()
                self.block(child, place)
                run_line = self.line(child)
                run.add_text(child.tail or "")
            else:
                if run.is_empty() and tag not in DROPPED and tag is not None:
                    run_line = self.line(child)
                _add_inline(run, child, verbatim=False)
        flush()

    def block(self, element: etree._Element, place: Place) -> None:
        tag = _tag(element) or ""
        if element is self.title_element:
            return
        if _no_translate(element) and not place.no_translate:
            place = replace(place, no_translate=True)
        line = self.line(element)
        if tag in HEADINGS:
            builder = _inline_builder(element, self.collector.builder(place))
            self.collector.add(BlockKind.HEADING, builder, line, level=int(tag[1]))
        elif tag == "p":
            self.collector.add(place.kind, _inline_builder(element, self.collector.builder(place)), line, place)
        elif tag in ("ul", "ol"):
            self.list(element, place)
        elif tag == "li":
            self.list_item(element, replace(place, kind=BlockKind.LIST_ITEM, level=max(place.level, 1)))
        elif tag == "table":
            self.table(element, place)
        elif tag == "blockquote":
            self.container(element, replace(place, kind=BlockKind.BLOCKQUOTE, group=self.collector.new_group()))
        elif tag == "pre":
            code = "".join(element.itertext())
            self.collector.add_code(code[1:] if code.startswith("\n") else code.rstrip("\n"), line)
        elif tag != "hr":
            self.container(element, place)

    def list(self, element: etree._Element, place: Place) -> None:
        ordered = _tag(element) == "ol"
        if place.kind == BlockKind.LIST_ITEM:
            inner = replace(place, level=place.level + 1, ordered=ordered)
        else:
            inner = replace(place, kind=BlockKind.LIST_ITEM, group=self.collector.new_group(), level=1, ordered=ordered)
        for child in element:
            tag = _tag(child)
            if tag == "li":
                self.list_item(child, inner)
            elif tag in ("ul", "ol"):
                self.list(child, inner)
            elif tag is not None and tag not in DROPPED:
                self.block(child, inner)

    def list_item(self, item: etree._Element, place: Place) -> None:
        slot = self.collector.reserve()
        builder = self.collector.builder(place)
        builder.add_text(item.text or "")
        for child in item:
            tag = _tag(child)
            if tag in ("ul", "ol"):
                self.list(child, place)
                builder.add_text(child.tail or "")
            elif tag == "p":
                if not builder.is_empty():
                    builder.line_break()
                _add_content(builder, child, verbatim=False)
                builder.add_text(child.tail or "")
            elif tag in BLOCK_TAGS:
                self.block(child, place)
                builder.add_text(child.tail or "")
            else:
                _add_inline(builder, child, verbatim=False)
        self.collector.add(BlockKind.LIST_ITEM, builder, self.line(item), place, slot=slot)

    def table(self, table: etree._Element, place: Place) -> None:
        group = self.collector.new_group()
        rows: list[tuple[etree._Element, bool]] = []
        for child in table:
            tag = _tag(child)
            if tag == "caption":
                self.collector.add(BlockKind.PARAGRAPH, _inline_builder(child), self.line(child))
            elif tag in ("thead", "tbody", "tfoot"):
                rows += [(row, tag == "thead") for row in child if _tag(row) == "tr"]
            elif tag == "tr":
                rows.append((child, False))
        row_number = 0
        for row, in_head in rows:
            cells = [cell for cell in row if _tag(cell) in ("th", "td")]
            for col, cell in enumerate(cells):
                builder = self.collector.builder(place if place.no_translate else Place())
                _add_paragraphs(builder, cell)
                self.collector.add(
                    BlockKind.TABLE_CELL,
                    builder,
                    self.line(cell),
                    keep_empty=True,
                    group=group,
                    row=row_number,
                    col=col,
                    header=in_head or _tag(cell) == "th",
                )
            row_number += 1 if cells else 0


# ---------------------------------------------------------------- prose view (source lint)

# Elements whose whole content is not prose: dropped by the reader, or code kept verbatim.
_NOT_PROSE_ELEMENTS = "|".join(sorted(DROPPED - {"link", "meta", "input"} | {"pre", "code", "footer"}))
_NOT_PROSE = re.compile(
    rf"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<[!?][^>]*>"
    rf"|<({_NOT_PROSE_ELEMENTS})\b[^>]*>.*?</\1\s*>"
    rf"|<[a-zA-Z/][^>]*>|&(?:#\d+|#x[0-9a-fA-F]+|\w+);",
    re.S | re.I,
)


def prose_view(text: str) -> str:
    """The HTML with every tag, attribute, comment, entity, script, code and dropped element blanked.

    Offsets and line breaks stay where they are, so source lint reads only what a
    reader reads and its line numbers and spans still point into the file.
    """
    return _NOT_PROSE.sub(lambda match: re.sub(r"[^\r\n]", " ", match.group()), text)
