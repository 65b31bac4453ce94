import pytest

from pipeline.model import Block, BlockKind, Document, InlineCode
from pipeline.readers.text import read_text
from pipeline.segment import segment_document, split_sentences

CASES = [
    ("Sen. Smith met Dr. Jones. They talked.", ["Sen. Smith met Dr. Jones.", "They talked."]),
    (
        "The U.S. supported coups. The U.S.-Mexico border is long.",
        ["The U.S. supported coups.", "The U.S.-Mexico border is long."],
    ),
    ("It ended in the U.S. The talks failed.", ["It ended in the U.S.", "The talks failed."]),
    (
        "drug cartels.These proposals stemmed from frustration.",
        ["drug cartels.", "These proposals stemmed from frustration."],
    ),
    ("Growth was 3.5 percent in 2023. Next year differs.", ["Growth was 3.5 percent in 2023.", "Next year differs."]),
    ('He asked "why?" and left. She stayed.', ['He asked "why?" and left.', "She stayed."]),
    ("“Stop!” he shouted. Nobody did.", ["“Stop!” he shouted.", "Nobody did."]),
    ("Is it over? “No,” she said.", ["Is it over?", "“No,” she said."]),
    ("It was “a backyard.” This label stuck.", ["It was “a backyard.”", "This label stuck."]),
    ("official sources. U.S.Department of State", ["official sources.", "U.S.Department of State"]),
    ("in the region today. council on Foreign relations", ["in the region today.", "council on Foreign relations"]),
    (
        "See <1>the report. It is long</1> for details. Then more.",
        ["See <1>the report. It is long</1> for details.", "Then more."],
    ),
    ("No split e.g. here and approx. five.", ["No split e.g. here and approx. five."]),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_split_sentences(text, expected):
    assert split_sentences(text) == expected


def test_sample_segments_are_stable_and_unique(sample_text):
    first = segment_document(read_text(sample_text, "a.txt", "a"))
    second = segment_document(read_text(sample_text, "a.txt", "a"))
    assert [(s.key, s.text) for s in first] == [(s.key, s.text) for s in second]
    assert len({(s.key, s.text) for s in first}) == len(first)
    assert 120 <= len(first) <= 135


def test_repeated_text_gets_numbered_keys():
    blocks = (Block(BlockKind.PARAGRAPH, "Same. Same.", 1), Block(BlockKind.PARAGRAPH, "Same.", 2))
    segments = segment_document(Document("a", "a.txt", blocks))
    assert [s.key for s in segments] == ["paragraph", "paragraph#2", "paragraph#3"]


def test_keys_do_not_depend_on_position():
    a = (Block(BlockKind.PARAGRAPH, "One.", 1), Block(BlockKind.PARAGRAPH, "Two.", 2))
    swapped = (a[1], a[0])
    keys = {(s.text, s.key) for s in segment_document(Document("a", "a.txt", a))}
    assert keys == {(s.text, s.key) for s in segment_document(Document("a", "a.txt", swapped))}


def test_toc_and_heading_with_same_text_are_told_apart(sample_text):
    segments = segment_document(read_text(sample_text, "a.txt", "a"))
    same = [s.key for s in segments if s.text == "Historical Context of U.S. Intervention"]
    assert same == ["toc-entry", "heading"]


def test_segments_keep_only_their_codes():
    codes = (InlineCode(1, "a", (("href", "https://x.test"),)), InlineCode(2, "em"))
    block = Block(BlockKind.PARAGRAPH, "Read <1>this</1>. Then <2>that</2>.", 1, codes=codes)
    segments = segment_document(Document("a", "a.txt", (block,)))
    assert [s.codes for s in segments] == [(codes[0],), (codes[1],)]
