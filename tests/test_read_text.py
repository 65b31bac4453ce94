from collections import Counter

from pipeline.model import BlockKind
from pipeline.readers.text import read_text, split_faq_item


def kinds(document):
    return Counter(block.kind for block in document.blocks)


def test_sample_article_block_counts(sample_text):
    document = read_text(sample_text, "articles/sample.txt", "sample")
    counts = kinds(document)
    assert counts[BlockKind.LEAD] == 1
    assert counts[BlockKind.TOC_TITLE] == 1
    assert counts[BlockKind.TOC_ENTRY] == 16
    assert counts[BlockKind.HEADING] == 15
    assert counts[BlockKind.LIST_ITEM] == 8
    assert counts[BlockKind.FAQ_ITEM] == 5
    assert counts[BlockKind.CALLOUT] == 2
    cells = document.of_kind(BlockKind.TABLE_CELL)
    assert len({cell.row for cell in cells}) == 3 and len(cells) == 6
    assert [cell.header for cell in cells] == [True, True, False, False, False, False]


def test_sample_article_keeps_order_and_lines(sample_text):
    document = read_text(sample_text, "articles/sample.txt", "sample")
    lines = [block.line for block in document.blocks]
    assert lines == sorted(lines)
    assert document.blocks[0].kind == BlockKind.LEAD and document.blocks[0].line == 1
    assert document.blocks[1].kind == BlockKind.HEADING
    assert document.blocks[1].text == "Regional Response to U.S. influence"


def test_missing_heading_is_only_in_the_toc(sample_text):
    document = read_text(sample_text, "a.txt", "a")
    headings = {block.text for block in document.of_kind(BlockKind.HEADING)}
    toc = [block.text for block in document.of_kind(BlockKind.TOC_ENTRY)]
    missing = [entry for entry in toc if entry not in headings]
    assert missing == ["Fentanyl Crisis: A Shared Challenge"]


def test_list_items_keep_their_label_leads(sample_text):
    document = read_text(sample_text, "a.txt", "a")
    items = document.of_kind(BlockKind.LIST_ITEM)
    assert [item.label for item in items[:2]] == ["National Sovereignty", "Ancient Precedents"]
    assert items[0].text.startswith("AMLO firmly stated")
    assert len({item.group for item in items}) == 2  # two separate lists


def test_callouts_and_faq(sample_text):
    document = read_text(sample_text, "a.txt", "a")
    assert [c.label for c in document.of_kind(BlockKind.CALLOUT)] == ["Did You Know?", "Pro Tip"]
    faq = document.of_kind(BlockKind.FAQ_ITEM)
    assert faq[0].label == "What is the historical basis for concerns about U.S.intervention in Latin America?"
    assert faq[0].text.startswith("The United States has a long history")


def test_heading_by_shape_without_toc():
    text = "A lead sentence that ends here.\nShort Heading Here\nA paragraph follows it.\n"
    document = read_text(text, "a.txt", "a")
    assert [b.kind for b in document.blocks] == [BlockKind.LEAD, BlockKind.HEADING, BlockKind.PARAGRAPH]


def test_faq_split():
    assert split_faq_item("Why now? Because of the vote.") == ("Why now?", "Because of the vote.")
    assert split_faq_item("No question here.") is None
