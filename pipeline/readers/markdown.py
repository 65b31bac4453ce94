"""Read a Markdown article (CommonMark with GFM tables and strikethrough) into a Document.

The first ``# `` heading is the title and not a block; a YAML front matter ``title:``
is used when there is none. Inline markup becomes numbered codes (``pipeline.inline``);
raw inline HTML tags become codes too, so ``<span translate="no">…</span>`` marks text
that must stay as written. Raw HTML blocks are read with the HTML reader's rules.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from markdown_it import MarkdownIt
from markdown_it.token import Token

from pipeline.inline import CodedTextBuilder, plain_text
from pipeline.model import BlockKind, Document, InputError
from pipeline.readers.html import CODE_TAGS, DROPPED, STANDALONE_TAGS, BlockCollector, Place, add_html_fragment

# Raw inline HTML whose content is dropped along with the tag.
_RAW_CONTENT_TAGS = frozenset({"script", "style", "template", "noscript", "textarea"})
_HTML_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s+[^>]*?)?)\s*(/?)>", re.S)
_HTML_ATTR = re.compile(r"""([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_FRONT_MATTER_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M)
_FRONT_MATTER_TITLE = re.compile(r"""^title:[ \t]*(?:"(.*)"|'(.*)'|(.*?))[ \t]*$""", re.M)


def read_markdown(text: str, path: str, slug: str) -> Document:
    """Parse a Markdown article into a Document (title from the first level-1 heading)."""
    text, front_title = _split_front_matter(text)
    parser = MarkdownIt("commonmark", {"maxNesting": MARKDOWN_NESTING_LIMIT + 2}).enable(["table", "strikethrough"])
    tokens = parser.parse(text)
    refuse_too_deep(tokens, path)
    walker = _Walker()
    try:
        walker.walk(tokens)
    except InputError as error:  # from an HTML block: it knows the line, we know the file
        raise InputError(error.message, error.path or path, error.line) from None
    return walker.collector.document(slug=slug, path=path, title=walker.title or front_title)


# markdown-it stops parsing silently past its nesting limit (the rest of a deep blockquote or
# list would vanish). We give it room for two levels more and refuse anything that uses them.
MARKDOWN_NESTING_LIMIT = 60


def refuse_too_deep(tokens: list[Token], path: str) -> None:
    stack = [(token, 0) for token in tokens]
    while stack:
        token, outer = stack.pop()
        if outer + token.level >= MARKDOWN_NESTING_LIMIT:
            line = token.map[0] + 1 if token.map else None
            raise InputError(
                f"Markdown nested more than {MARKDOWN_NESTING_LIMIT} levels deep (lists, quotes, emphasis; "
                "the reader's limit): the rest would be lost; flatten it",
                path,
                line,
            )
        stack.extend((child, outer + token.level) for child in token.children or ())


def _front_matter_end(text: str) -> int:
    """Where a leading YAML front matter ends (0: there is none)."""
    if not re.match(r"---[ \t]*\r?\n", text):
        return 0
    end = _FRONT_MATTER_END.search(text, text.index("\n") + 1)
    if end is None or not re.search(r"^[A-Za-z_][\w-]*:", text[: end.end()], re.M):
        return 0  # no closing line, or a thematic break rather than front matter
    return end.end()


def _split_front_matter(text: str) -> tuple[str, str]:
    """Blank out a leading YAML front matter (keeping line numbers); return its title."""
    end = _front_matter_end(text)
    if not end:
        return text, ""
    front = text[:end]
    title = _FRONT_MATTER_TITLE.search(front)
    title_text = next((group for group in title.groups() if group), "") if title else ""
    return "\n" * front.count("\n") + text[end:], title_text.strip()


@dataclass
class _Frame:
    """An open container: a list, a list item, a blockquote or a table."""

    kind: str
    place: Place
    line: int = 0
    slot: int = 0
    builder: CodedTextBuilder | None = None
    row: int = -1
    col: int = 0
    in_head: bool = False


class _Walker:
    def __init__(self) -> None:
        self.collector = BlockCollector()
        self.title = ""
        self.frames: list[_Frame] = []
        self.pending: Token | None = None  # the opening token whose inline content comes next

    @property
    def place(self) -> Place:
        return self.frames[-1].place if self.frames else Place()

    def walk(self, tokens: list[Token]) -> None:
        for token in tokens:
            handler = getattr(self, f"on_{token.type}", None)
            if handler is not None:
                handler(token)

    # ------------------------------------------------ containers

    def on_bullet_list_open(self, token: Token) -> None:
        ordered = token.type == "ordered_list_open"
        if self.place.kind == BlockKind.LIST_ITEM:
            place = replace(self.place, level=self.place.level + 1, ordered=ordered)
        else:
            place = replace(
                self.place, kind=BlockKind.LIST_ITEM, group=self.collector.new_group(), level=1, ordered=ordered
            )
        self.frames.append(_Frame("list", place))

    on_ordered_list_open = on_bullet_list_open

    def on_bullet_list_close(self, token: Token) -> None:
        self.frames.pop()

    on_ordered_list_close = on_bullet_list_close

    def on_list_item_open(self, token: Token) -> None:
        place = self.place
        self.frames.append(_Frame("item", place, _line(token), self.collector.reserve(), self.collector.builder(place)))

    def on_list_item_close(self, token: Token) -> None:
        item = self.frames.pop()
        assert item.builder is not None
        self.collector.add(BlockKind.LIST_ITEM, item.builder, item.line, item.place, slot=item.slot)

    def on_blockquote_open(self, token: Token) -> None:
        place = replace(self.place, kind=BlockKind.BLOCKQUOTE, group=self.collector.new_group())
        self.frames.append(_Frame("blockquote", place))

    def on_blockquote_close(self, token: Token) -> None:
        self.frames.pop()

    def on_table_open(self, token: Token) -> None:
        self.frames.append(_Frame("table", replace(self.place, group=self.collector.new_group())))

    def on_table_close(self, token: Token) -> None:
        self.frames.pop()

    def on_thead_open(self, token: Token) -> None:
        self.frames[-1].in_head = True

    def on_thead_close(self, token: Token) -> None:
        self.frames[-1].in_head = False

    def on_tr_open(self, token: Token) -> None:
        table = self.frames[-1]
        table.row, table.col, table.line = table.row + 1, 0, _line(token)

    def on_th_open(self, token: Token) -> None:
        self.pending = token

    on_td_open = on_th_open

    # ------------------------------------------------ leaf blocks

    def on_heading_open(self, token: Token) -> None:
        self.pending = token

    on_paragraph_open = on_heading_open

    def on_inline(self, token: Token) -> None:
        opening, self.pending = self.pending, None
        if opening is None:
            return
        if opening.type in ("th_open", "td_open"):
            self.table_cell(opening, token)
        elif opening.type == "heading_open":
            self.heading(opening, token)
        elif self.frames and self.frames[-1].kind == "item":
            item_builder = self.frames[-1].builder
            assert item_builder is not None
            if not item_builder.is_empty():
                item_builder.line_break()  # a loose item's second paragraph stays in the same item
            _add_inline_tokens(item_builder, token.children or [])
        else:
            builder = _add_inline_tokens(self.collector.builder(self.place), token.children or [])
            self.collector.add(self.place.kind, builder, _line(opening), self.place)

    def heading(self, opening: Token, inline: Token) -> None:
        level = int(opening.tag[1])
        if level == 1 and not self.title:
            self.title = plain_text(_add_inline_tokens(CodedTextBuilder(), inline.children or []).result()[0])
            return
        builder = _add_inline_tokens(self.collector.builder(self.place), inline.children or [])
        self.collector.add(BlockKind.HEADING, builder, _line(opening), level=level)

    def table_cell(self, opening: Token, inline: Token) -> None:
        table = self.frames[-1]
        builder = CodedTextBuilder()
        _add_inline_tokens(builder, inline.children or [])
        self.collector.add(
            BlockKind.TABLE_CELL,
            builder,
            table.line,
            keep_empty=True,
            group=table.place.group,
            row=table.row,
            col=table.col,
            header=table.in_head or opening.type == "th_open",
        )
        table.col += 1

    def on_fence(self, token: Token) -> None:
        self.collector.add_code(token.content.rstrip("\n"), _line(token))

    on_code_block = on_fence

    def on_html_block(self, token: Token) -> None:
        add_html_fragment(self.collector, token.content, _line(token), self.place)


def _line(token: Token) -> int:
    return token.map[0] + 1 if token.map else 0


# ---------------------------------------------------------------- inline content


def _add_inline_tokens(builder: CodedTextBuilder, children: list[Token]) -> CodedTextBuilder:
    """Add markdown-it inline tokens to the builder: markup becomes codes."""
    open_codes: list[tuple[str, int | None]] = []  # (tag, code id; None: an element kept as text only)
    skipping = ""  # inside raw <script>…</script>: content dropped

    def close(tag: str) -> None:
        for index in range(len(open_codes) - 1, -1, -1):
            if open_codes[index][0] == tag:
                code_id = open_codes[index][1]
                del open_codes[index:]
                if code_id is not None:
                    builder.close(code_id)
                return

    for child in children:
        kind = child.type
        if skipping:
            if kind == "html_inline" and re.fullmatch(rf"</{skipping}\s*>", child.content.strip(), re.I):
                skipping = ""
        elif kind == "text":
            builder.add_text(child.content)
        elif kind == "softbreak":
            builder.add_text(" ")
        elif kind == "hardbreak":
            builder.line_break()
        elif kind == "code_inline":
            code_id = builder.open("code", translate=False)
            builder.add_text(child.content, verbatim=True)
            builder.close(code_id)
        elif kind in ("em_open", "strong_open", "s_open"):
            open_codes.append((child.tag, builder.open(child.tag)))
        elif kind in ("em_close", "strong_close", "s_close", "link_close"):
            close(child.tag)
        elif kind == "link_open":
            attrs = tuple((name, str(value)) for name, value in child.attrs.items() if name in ("href", "title"))
            open_codes.append(("a", builder.open("a", attrs)))
        elif kind == "image":
            image = {"src": str(child.attrs.get("src", "")), "alt": child.content}
            if child.attrs.get("title"):
                image["title"] = str(child.attrs["title"])
            builder.empty("img", tuple(image.items()))
        elif kind == "html_inline":
            skipping = _add_html_tag(builder, child.content, open_codes, close)
    return builder


def _add_html_tag(
    builder: CodedTextBuilder, raw: str, open_codes: list[tuple[str, int | None]], close: Callable[[str], None]
) -> str:
    """One raw inline HTML tag; returns the tag name whose content must be skipped, else ""."""
    match = _HTML_TAG.fullmatch(raw.strip())
    if match is None:
        return ""  # a comment, declaration or processing instruction
    closing, tag, attr_text, self_closing = match[1], match[2].lower(), match[3], match[4]
    if closing:
        close(tag)
        return ""
    if tag in _RAW_CONTENT_TAGS and not self_closing:
        return tag
    attrs = tuple(
        (found[1].lower(), html.unescape(next((v for v in found.groups()[1:] if v is not None), "")))
        for found in _HTML_ATTR.finditer(attr_text)
    )
    if tag in DROPPED:
        return ""
    if tag == "br":
        builder.line_break(attrs)
    elif tag in STANDALONE_TAGS:
        builder.empty(tag, attrs)
    elif self_closing:
        pass
    elif tag in CODE_TAGS and (tag != "span" or attrs):
        values = dict(attrs)
        no_translate = (
            values.get("translate", "").strip().lower() == "no" or "notranslate" in values.get("class", "").split()
        )
        open_codes.append((tag, builder.open(tag, attrs, translate=tag != "code" and not no_translate)))
    else:
        open_codes.append((tag, None))
    return ""


# ---------------------------------------------------------------- prose view (source lint)

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_NOT_PROSE_INLINE = re.compile(
    r"(`+)(?:(?!\1).)+?\1"  # a code span
    r"|!?\[(?=[^\]]*\]\()|\]\([^)\s]*(?:\s+\"[^\"]*\")?\)"  # link and image syntax, URL and title
    r"|^\s*\[[^\]]+\]:\s*\S.*$"  # a link reference definition
    r"|<(?:https?://|mailto:)[^>]*>|<[a-zA-Z/][^>]*>|<!--.*?-->"  # autolinks, inline HTML, comments
)


def prose_view(text: str) -> str:
    """The Markdown with code (fenced and spans), link targets, front matter and HTML blanked.

    Offsets and line breaks stay where they are, so source lint reads only the prose a
    reader reads, and its line numbers and spans still point into the file.
    """
    end = _front_matter_end(text)
    text = re.sub(r"[^\r\n]", " ", text[:end]) + text[end:]
    lines = text.split("\n")
    fence = ""
    for number, line in enumerate(lines):
        opening = _FENCE.match(line)
        if fence or opening:
            if opening and not fence:
                fence = opening.group(1)
            elif opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = ""
            lines[number] = re.sub(r"[^\r]", " ", line)
            continue
        lines[number] = _NOT_PROSE_INLINE.sub(lambda match: re.sub(r"[^\r\n]", " ", match.group()), line)
    return "\n".join(lines)
