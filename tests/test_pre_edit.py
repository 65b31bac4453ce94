"""Pre-editing the engine's input: each kind fires where it should and leaves protected text alone."""

from __future__ import annotations

import pytest

from pipeline import lint
from pipeline.glossary import Entry, Glossary, TermForm, find_terms
from pipeline.model import InlineCode, Role, Segment
from pipeline.pre_edit import PRE_EDITS, capitalized_inside_sentences, pre_edit, title_case_words
from pipeline.review import verbatim_spans

GLOSSARY = Glossary((
    Entry("lula", (TermForm("Lula da Silva"),), (), True),
    Entry("dialog", (TermForm("open dialog"),), (), True),
))  # fmt: skip


def lint_flags(text: str) -> list:
    """The lint flags of a one-line article, spans in the line (= the segment here)."""
    return lint.flags_for_segment(lint.lint_text(text, "a.txt"), text, text, 1)


FIRES = [
    # (kind, text, engine input)
    ("house-style", "Such actions frequently enough fail.", "Such actions often fail."),
    ("house-style", "Frequently enough, they fail.", "Often, they fail."),
    ("house-style", "His management's focus was clear.", "His administration's focus was clear."),
    ("name-casing", "Ties with latin America grew.", "Ties with Latin America grew."),
    ("quote-character", "Mexico‘s President spoke.", "Mexico’s President spoke."),
    ("missing-space", "The talks ended,and nobody spoke.", "The talks ended, and nobody spoke."),
    ("missing-space", "It was about U.S.intervention today.", "It was about U.S. intervention today."),
    ("lowercase-start", "this stance reflects a broad context.", "This stance reflects a broad context."),
    ("lowercase-start", "“this stance reflects a broad context.”", "“This stance reflects a broad context.”"),
    (
        "title-case",
        "Bogotá Summit Seeks a Latin American Security Pact",
        "Bogotá summit seeks a Latin American security pact",
    ),
]


@pytest.mark.parametrize(("kind", "text", "expected"), FIRES)
def test_each_kind_fires(kind, text, expected):
    lowered = title_case_words([text])  # what the build asks the dictionary once per article
    edited = pre_edit(text, lint_flags(text), lowered=lowered)
    assert kind in edited.kinds
    if expected is not None:
        assert edited.text == expected
    others = [k for k in PRE_EDITS if k != kind]
    assert pre_edit(text, lint_flags(text), kinds=others, lowered=lowered).text != edited.text


def test_name_casing_writes_the_name_as_the_article_does():
    text = "Officials in brazil met Brazil's envoy and Brazil's press in Brazil."
    assert (
        pre_edit(text, lint_flags(text)).text == "Officials in Brazil met Brazil's envoy and Brazil's press in Brazil."
    )


LEFT_ALONE = [
    # (why, text)
    ("nothing to fix", "The talks ended, and nobody spoke."),
    ("a lower-case word after a colon may be prose", "Attempts failed: negotiations stalled in 2016."),
    ("a URL keeps its dots", "See example.com/news,today for the text."),
    ("a tag is never edited", "The <1>talks</1> ended."),
]


@pytest.mark.parametrize(("why", "text"), LEFT_ALONE)
def test_left_alone(why, text):
    edited = pre_edit(text, lint_flags(text))
    assert edited.text == text and edited.kinds == ()


def test_verbatim_code_content_is_protected():
    text = "They wrote <1>frequently enough</1> and frequently enough."
    segment = Segment("paragraph", text, 0, Role.BODY, 0, 1, codes=(InlineCode(1, "code", translate=False),))
    edited = pre_edit(text, lint_flags(text), verbatim_spans(segment))
    assert edited.text == "They wrote <1>frequently enough</1> and often."


def terms_in(text):
    return [(match.start, match.end) for match in find_terms(GLOSSARY, text)]


def test_inside_a_glossary_term_only_case_changes():
    text = "President lula da Silva spoke."
    assert pre_edit(text, lint_flags(text), terms=terms_in(text)).text == "President Lula da Silva spoke."
    text = "They kept an open dialog going."
    assert "house-style" in pre_edit(text, lint_flags(text)).kinds  # "open dialogue" without the glossary
    assert pre_edit(text, lint_flags(text), terms=terms_in(text)).text == text  # the term would stop matching


def test_mechanical_fixes_are_reported_as_info_flags():
    edited = pre_edit("The talks ended,and nobody spoke.", ())
    assert [(flag.code, flag.severity.value, flag.source) for flag in edited.flags] == [("missing-space", "info", True)]
    assert (
        pre_edit("Such actions frequently enough fail.", lint_flags("Such actions frequently enough fail.")).flags == ()
    )


TITLE_CASE = [
    # (why, heading, the article's other sentences, engine input)
    ("common words in lower case", "What the Draft Pact Proposes", set(), "What the draft pact proposes"),
    ("inside quotes too", "Mexico Defends “Hugs, Not Bullets”", set(), "Mexico defends “hugs, not bullets”"),
    ("a two-word heading", "Washington’s Reaction", set(), "Washington’s reaction"),
    ("names to the dictionary stay", "Brazil and Mexico Open Talks", set(), "Brazil and Mexico open talks"),
    ("acronyms stay", "NATO Allies Weigh the Plan", set(), "NATO allies weigh the plan"),
    ("the project's names stay", "Leaders Meet Lula da Silva", set(), "Leaders meet Lula da Silva"),
    (
        "what the article capitalizes stays",
        "The Monroe Doctrine Today",
        {"Critics said the Monroe Doctrine belonged in history books."},
        "The Monroe Doctrine today",
    ),
    ("a possessive of a common word", "The Region’s Answer", set(), "The region’s answer"),
]


def heading_edit(text: str, article=(), **options):
    """``text`` pre-edited as a segment of an article with these other sentences."""
    return pre_edit(text, lint_flags(text), lowered=title_case_words([text, *article]), **options)


@pytest.mark.parametrize(("why", "text", "article", "expected"), TITLE_CASE)
def test_title_case_headings_reach_the_engine_in_sentence_case(why, text, article, expected):
    edited = heading_edit(text, article)
    assert edited.text == expected
    assert edited.kinds == ("title-case",)


TITLE_CASE_LEFT_ALONE = [
    ("a sentence is not a heading", "The talks ended, and nobody spoke."),
    ("a sentence with a few names", "Officials in Washington said the talks failed."),
    ("a mixed heading is not title case", "Frequently asked Questions"),
    ("one word", "Contents"),
    ("only names", "Brazil and Mexico"),
]


@pytest.mark.parametrize(("why", "text"), TITLE_CASE_LEFT_ALONE)
def test_title_case_leaves_other_text_alone(why, text):
    assert "title-case" not in heading_edit(text).kinds


def test_title_case_leaves_code_content_and_tags_alone():
    text = "Who Runs the <1>Security Council</1> Now"
    segment = Segment("heading", text, 0, Role.BODY, 0, 1, codes=(InlineCode(1, "code", translate=False),))
    edited = heading_edit(text, protected=verbatim_spans(segment))
    assert edited.text == "Who runs the <1>Security Council</1> now"


def test_title_case_inside_a_glossary_term_keeps_it_a_term():
    glossary = Glossary((Entry("hugs", (TermForm("hugs, not bullets"),), (), True),))
    text = "Mexico Defends Hugs, Not Bullets"
    terms = [(match.start, match.end) for match in find_terms(glossary, text)]
    edited = heading_edit(text, terms=terms)
    assert edited.text == "Mexico defends hugs, not bullets"
    assert [match.text for match in find_terms(glossary, edited.text)] == ["hugs, not bullets"]


def test_names_are_what_the_article_capitalizes_inside_its_sentences():
    names = capitalized_inside_sentences(
        [
            "Critics said the Monroe Doctrine belonged in history books.",
            "The Security Pact Explained",  # a Title-Case heading says nothing about names
            "“Talks matter,” he said. Security matters.",  # sentence starts are not names
        ]
    )
    assert {"Monroe", "Doctrine"} <= names
    assert not {"Security", "Pact", "Talks", "Critics", "The"} & names
