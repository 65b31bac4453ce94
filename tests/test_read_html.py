"""HTML articles: the same blocks as Markdown, what is dropped, and malformed input."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from pipeline.inline import append_coded_text
from pipeline.model import BlockKind, InputError
from pipeline.readers.html import read_html
from pipeline.readers.markdown import read_markdown

DATA = Path(__file__).parent / "data"
K = BlockKind


def read(text: str):
    return read_html(text, "articles/a.html", "a")


def short_article():
    return read_html((DATA / "short-article.html").read_text(encoding="utf-8"), "short-article.html", "short")


def structure(document):
    """Everything a block says except its line (the two sources differ in layout)."""
    return [(b.kind, b.text, b.codes, b.level, b.group, b.row, b.col, b.header, b.ordered) for b in document.blocks]


def test_html_and_markdown_give_the_same_blocks_and_coded_texts():
    markdown = read_markdown((DATA / "short-article.md").read_text(encoding="utf-8"), "short-article.md", "short")
    html = short_article()
    assert html.title == markdown.title == "Mexico Rejects Talk of U.S. Intervention"
    assert structure(html) == structure(markdown)
    assert len(html.blocks) == 23


def test_short_article_lines_and_dropped_parts():
    document = short_article()
    assert [(b.kind, b.line) for b in document.blocks if b.kind != K.TABLE_CELL] == [
        (K.LEAD, 13),
        (K.HEADING, 14),
        (K.PARAGRAPH, 16),
        (K.LIST_ITEM, 18),
        (K.LIST_ITEM, 19),
        (K.LIST_ITEM, 20),
        (K.HEADING, 22),
        (K.BLOCKQUOTE, 31),
        (K.HEADING, 32),
        (K.PARAGRAPH, 33),
        (K.CODE, 34),
    ]
    every_text = " ".join(b.text for b in document.blocks)
    for dropped in ("tracking", "color", "Home", "Subscribe", "editor's note", "© Example News"):
        assert dropped not in every_text


@pytest.mark.parametrize("index", [0, 4])
def test_links_render_back_with_their_href(index):
    block = short_article().blocks[index]
    element = etree.Element("p")
    append_coded_text(element, block.text, block.codes)
    anchor = element.find("a")
    assert anchor is not None and anchor.get("href") in ("https://www.state.gov/", "https://example.org/dialogue")
    assert etree.tostring(element, encoding="unicode").count("<a href=") == 1


def test_emphasis_and_code_render_back():
    paragraph = short_article().blocks[2]
    element = etree.Element("p")
    append_coded_text(element, paragraph.text, paragraph.codes)
    html = etree.tostring(element, encoding="unicode")
    assert '<span translate="no">Le Journal de Québec</span>' in html
    assert "<strong>not a <em>backyard</em> of anyone</strong>" in html


def test_title_from_the_title_element_when_there_is_no_h1():
    document = read("<html><head><title>\n  Page   title </title></head><body><p>Text.</p></body></html>")
    assert document.title == "Page title"
    assert [(b.kind, b.text) for b in document.blocks] == [(K.LEAD, "Text.")]


def test_content_root_prefers_article_then_main():
    page = "<body><p>Chrome</p><main><p>Main text</p><article><h1>T</h1><p>Story</p></article></main></body>"
    assert [b.text for b in read(page).blocks] == ["Story"]
    assert [b.text for b in read(page.replace("article", "section")).blocks] == ["Main text", "Story"]


def test_do_not_translate_markers():
    document = read(
        '<p>By <span class="byline notranslate">Ana Ruiz</span>.</p>'
        '<p translate="no">Whole paragraph</p><div class="notranslate"><p>One</p><p>Two</p></div>'
    )
    assert [b.text for b in document.blocks] == [
        "By <1>Ana Ruiz</1>.",
        "<1>Whole paragraph</1>",
        "<1>One</1>",
        "<1>Two</1>",
    ]
    assert all(b.codes[0].translate is False for b in document.blocks)


def test_nested_lists_and_paragraphs_in_items():
    document = read("<ol>\n<li><p>First</p>\n<p>more</p>\n<ul><li>inner</li></ul></li>\n<li>Second</li>\n</ol>")
    assert [(b.text, b.level, b.ordered, b.line) for b in document.blocks] == [
        ("First<1/>more", 1, True, 2),
        ("inner", 2, False, 4),
        ("Second", 1, True, 5),
    ]
    assert len({b.group for b in document.blocks}) == 1


def test_tables_header_rows_captions_and_empty_tables():
    document = read(
        "<p>Before</p><table></table><table><caption>Votes</caption><tr><th>Year</th><td></td></tr>"
        "<tr><td><p>a</p><p>b</p></td></tr></table>"
    )
    assert [(b.kind, b.text, b.row, b.col, b.header) for b in document.blocks] == [
        (K.LEAD, "Before", 0, 0, False),
        (K.PARAGRAPH, "Votes", 0, 0, False),
        (K.TABLE_CELL, "Year", 0, 0, True),
        (K.TABLE_CELL, "", 0, 1, False),
        (K.TABLE_CELL, "a<1/>b", 1, 0, False),
    ]


def test_unclosed_tags_and_text_without_markup():
    # libxml2 nests the second <p> inside the open <em>: read as inline, the words stay apart
    assert [b.text for b in read("<p>one <em>two<p>three").blocks] == ["one <1>two three</1>"]
    assert [b.text for b in read("hello <b>world").blocks] == ["hello <1>world</1>"]


def test_loose_text_between_blocks_becomes_paragraphs():
    document = read("<div>Intro <a href='/x'>link</a><h2>H</h2>tail text<br>after</div>")
    assert [(b.kind, b.text) for b in document.blocks] == [
        (K.LEAD, "Intro <1>link</1>"),
        (K.HEADING, "H"),
        (K.PARAGRAPH, "tail text<1/>after"),
    ]


def test_markup_kept_as_codes_and_unsafe_attributes_dropped_on_render():
    block = read('<p>Click <a href="javascript:alert(1)" onclick="x()">here</a> &lt;script&gt;</p>').blocks[0]
    assert block.text == "Click <1>here</1> <script>"
    assert dict(block.codes[0].attrs) == {"href": "javascript:alert(1)", "onclick": "x()"}  # original, as read
    element = etree.Element("p")
    append_coded_text(element, block.text, block.codes)
    assert etree.tostring(element, encoding="unicode") == "<p>Click <a>here</a> &lt;script&gt;</p>"


def test_heading_with_link_and_attributeless_spans_unwrapped():
    document = read('<h3>See <a href="/r">the <i>report</i></a></h3><p><span>plain</span> <font>x</font></p>')
    assert [(b.kind, b.text, b.level) for b in document.blocks] == [
        (K.HEADING, "See <1>the <2>report</2></1>", 3),
        (K.PARAGRAPH, "plain x", 0),
    ]


def test_xml_declaration_and_preformatted_code():
    document = read(
        "<?xml version='1.0' encoding='iso-8859-1'?>\n<html><body><p>Café</p>"
        "<pre>\n  indented\n\n  code\n</pre></body></html>"
    )
    assert [(b.kind, b.text) for b in document.blocks] == [(K.LEAD, "Café"), (K.CODE, "  indented\n\n  code\n")]


@pytest.mark.parametrize(
    "text", ["", "   \n", "<script>x()</script>", "<html><body><nav>Menu</nav></body></html>", "<!-- nothing -->"]
)
def test_documents_without_content_are_one_input_error(text):
    with pytest.raises(InputError) as raised:
        read(text)
    assert str(raised.value).startswith("articles/a.html: ")
