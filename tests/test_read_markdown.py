"""Markdown articles: block kinds, order, lines, inline codes, and malformed input."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from pipeline.inline import append_coded_text, plain_text
from pipeline.model import BlockKind, InputError
from pipeline.readers.markdown import read_markdown

DATA = Path(__file__).parent / "data"
K = BlockKind


def read(text: str):
    return read_markdown(text, "articles/a.md", "a")


def shape(document):
    return [(block.kind, block.text) for block in document.blocks]


def test_short_article_blocks_in_order_with_lines():
    document = read_markdown((DATA / "short-article.md").read_text(encoding="utf-8"), "short-article.md", "short")
    assert document.title == "Mexico Rejects Talk of U.S. Intervention"
    assert [(block.kind, block.line) for block in document.blocks] == [
        (K.LEAD, 3),
        (K.HEADING, 5),
        (K.PARAGRAPH, 7),
        (K.LIST_ITEM, 9),
        (K.LIST_ITEM, 10),
        (K.LIST_ITEM, 11),
        (K.HEADING, 13),
        *[(K.TABLE_CELL, line) for line in (15, 15, 15, 17, 17, 17, 18, 18, 18, 19, 19, 19)],
        (K.BLOCKQUOTE, 21),
        (K.HEADING, 23),
        (K.PARAGRAPH, 25),
        (K.CODE, 27),
    ]
    headings = document.of_kind(K.HEADING)
    assert [(h.text, h.level) for h in headings] == [
        ("Regional Response", 2),
        ("Historical Context", 2),
        ("Reading the Data", 2),
    ]
    cells = document.of_kind(K.TABLE_CELL)
    assert [(c.row, c.col, c.header, c.text) for c in cells[:4]] == [
        (0, 0, True, "Country"),
        (0, 1, True, "Year"),
        (0, 2, True, "Event"),
        (1, 0, False, "Chile"),
    ]
    assert cells[-1].text == "Contra war" and cells[-1].row == 3
    groups = [document.of_kind(kind)[0].group for kind in (K.LIST_ITEM, K.TABLE_CELL, K.BLOCKQUOTE)]
    assert len(set(groups)) == 3 and 0 not in groups
    assert document.of_kind(K.CODE)[0].text == "trend --region latam --since 1954"


def test_short_article_inline_codes():
    document = read_markdown((DATA / "short-article.md").read_text(encoding="utf-8"), "short-article.md", "short")
    lead = document.blocks[0]
    assert lead.text == (
        "Mexico's President has <1>firmly</1> dismissed any possibility of armed intervention "
        "by the <2>United States</2> within its borders."
    )
    assert lead.codes[1].attrs == (("href", "https://www.state.gov/"), ("title", "U.S. Department of State"))
    paragraph = document.blocks[2]
    assert paragraph.text.startswith("The reaction was reported by <1>Le Journal de Québec</1> on Monday.")
    assert "<2>not a <3>backyard</3> of anyone</2>." in paragraph.text
    assert [(c.tag, c.translate) for c in paragraph.codes] == [("span", False), ("strong", True), ("em", True)]
    code_span = document.of_kind(K.PARAGRAPH)[-1]
    assert code_span.text == "Analysts ran the <1>trend --region latam</1> script on the survey results."
    assert code_span.codes[0].tag == "code" and code_span.codes[0].translate is False


def test_coded_text_renders_back_to_the_anchor():
    document = read_markdown((DATA / "short-article.md").read_text(encoding="utf-8"), "short-article.md", "short")
    item = document.of_kind(K.LIST_ITEM)[1]
    paragraph = etree.Element("li")
    append_coded_text(paragraph, item.text, item.codes)
    assert etree.tostring(paragraph, encoding="unicode") == (
        '<li>Colombia asked for <a href="https://example.org/dialogue">dialogue</a>.</li>'
    )


def test_only_the_first_paragraph_before_a_heading_is_the_lead():
    assert [k for k, _ in shape(read("# T\n\nOne.\n\nTwo.\n\n## H\n\nThree.\n"))] == [
        K.LEAD,
        K.PARAGRAPH,
        K.HEADING,
        K.PARAGRAPH,
    ]
    assert [k for k, _ in shape(read("## H\n\nAfter.\n"))] == [K.HEADING, K.PARAGRAPH]


def test_later_level_one_headings_are_headings():
    document = read("# Title\n\n# Another\n\nText.\n")
    assert document.title == "Title"
    assert [(b.kind, b.level, b.text) for b in document.blocks] == [
        (K.HEADING, 1, "Another"),
        (K.PARAGRAPH, 0, "Text."),
    ]


def test_nested_lists_share_a_group_and_carry_their_level():
    document = read("- one\n  1. one.a\n  2. one.b\n- two\n\nText.\n\n- other list\n")
    items = document.of_kind(K.LIST_ITEM)
    assert [(i.text, i.level, i.ordered) for i in items] == [
        ("one", 1, False),
        ("one.a", 2, True),
        ("one.b", 2, True),
        ("two", 1, False),
        ("other list", 1, False),
    ]
    assert len({i.group for i in items[:4]}) == 1 and items[4].group != items[0].group
    assert [i.line for i in items[:4]] == [1, 2, 3, 4]


def test_loose_list_item_paragraphs_join_with_a_line_break():
    item = read("- first para\n\n  second para\n- next\n").of_kind(K.LIST_ITEM)[0]
    assert item.text == "first para<1/>second para"
    assert item.codes[0].tag == "br" and not item.codes[0].paired


def test_nested_emphasis_links_in_headings_and_strikethrough():
    document = read("## See [the *report*](https://x.example/r)\n\nA ***very*** ~~old~~ claim.\n")
    heading, paragraph = document.blocks
    assert heading.text == "See <1>the <2>report</2></1>"
    assert heading.codes[0].attrs == (("href", "https://x.example/r"),)
    assert paragraph.text == "A <1><2>very</2></1> <3>old</3> claim."
    assert [c.tag for c in paragraph.codes] == ["em", "strong", "s"]


def test_inline_html_spans_breaks_and_scripts():
    text = (
        'Say <span class="notranslate">Le Monde</span>, <span>plain</span> <b>bold\n'
        "and <script>alert(1)</script> end  \nnext <br> line\n"
    )
    lead = read(text).blocks[0]
    assert lead.text == "Say <1>Le Monde</1>, plain <2>bold and end<3/>next<4/>line</2>"
    assert [(c.tag, c.translate, c.paired) for c in lead.codes] == [
        ("span", False, True),
        ("b", True, True),
        ("br", True, False),
        ("br", True, False),
    ]


def test_literal_code_looking_text_is_escaped():
    lead = read("Type \\<1> or <2/> or a &lt;b&gt; tag & go\n").blocks[0]
    assert lead.codes == ()
    assert lead.text == "Type \\<1> or \\<2/> or a <b> tag & go"
    assert plain_text(lead.text) == "Type <1> or <2/> or a <b> tag & go"


def test_images_become_standalone_codes():
    lead = read('A chart ![Votes by year](/img/votes.png "Votes") here.\n').blocks[0]
    assert lead.text == "A chart <1/> here."
    assert lead.codes[0].attrs == (("src", "/img/votes.png"), ("alt", "Votes by year"), ("title", "Votes"))


def test_html_blocks_are_read_with_the_html_rules():
    document = read('Intro.\n\n<div translate="no">\n<p>Keep <i>this</i></p>\n</div>\n\n<!-- note -->\n\nEnd.\n')
    assert [(b.kind, b.text, b.line) for b in document.blocks] == [
        (K.LEAD, "Intro.", 1),
        (K.PARAGRAPH, "<1>Keep <2>this</2></1>", 4),
        (K.PARAGRAPH, "End.", 9),
    ]
    assert document.blocks[1].codes[0].translate is False


def test_front_matter_gives_the_title_and_keeps_line_numbers():
    document = read('---\ntitle: "From the CMS"\nauthor: desk\n---\n\nBody text.\n')
    assert document.title == "From the CMS"
    assert [(b.kind, b.text, b.line) for b in document.blocks] == [(K.LEAD, "Body text.", 6)]


def test_a_thematic_break_is_not_front_matter():
    assert [b.text for b in read("---\nJust text\n---\n\nMore.\n").blocks] == ["Just text", "More."]


def test_table_without_body_rows_and_empty_cells():
    cells = read("| A | |\n|---|---|\n").of_kind(K.TABLE_CELL)
    assert [(c.text, c.row, c.col, c.header) for c in cells] == [("A", 0, 0, True), ("", 0, 1, True)]


@pytest.mark.parametrize("text", ["", "  \n\n", "<!-- only a comment -->\n", "---\n"])
def test_documents_without_content_are_one_input_error(text):
    with pytest.raises(InputError) as raised:
        read(text)
    assert str(raised.value).startswith("articles/a.md: ")


def test_title_only_document_is_accepted():
    document = read("# Just a headline\n")
    assert document.title == "Just a headline" and document.blocks == ()
