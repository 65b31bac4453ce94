"""Inline codes: parsing, escaping, translation checks and rebuilding markup safely."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from pipeline.inline import (
    CodedTextBuilder,
    TokenKind,
    append_coded_text,
    code_ids,
    code_problems,
    codes_used,
    escape_text,
    inner_texts,
    is_balanced,
    parse_codes,
    plain_text,
    safe_url,
    unescape_text,
    verbatim_problems,
)
from pipeline.model import InlineCode, Severity

LINK = InlineCode(1, "a", (("href", "https://example.org/a?x=1&y=2"), ("title", "Example")))
EMPHASIS = InlineCode(2, "em")
BREAK = InlineCode(3, "br", paired=False)
CODES = (LINK, EMPHASIS, BREAK)


def render(text: str, codes: tuple[InlineCode, ...] = CODES) -> str:
    paragraph = etree.Element("p")
    append_coded_text(paragraph, text, codes)
    return etree.tostring(paragraph, encoding="unicode")


# ---------------------------------------------------------------- parsing


def test_parse_codes_splits_text_and_markers_with_offsets():
    text = "See <1>the <2>report</2></1><3/> now"
    tokens = parse_codes(text)
    assert [(t.kind, t.text, t.id) for t in tokens] == [
        (TokenKind.TEXT, "See ", 0),
        (TokenKind.OPEN, "<1>", 1),
        (TokenKind.TEXT, "the ", 0),
        (TokenKind.OPEN, "<2>", 2),
        (TokenKind.TEXT, "report", 0),
        (TokenKind.CLOSE, "</2>", 2),
        (TokenKind.CLOSE, "</1>", 1),
        (TokenKind.EMPTY, "<3/>", 3),
        (TokenKind.TEXT, " now", 0),
    ]
    assert all(text[t.start : t.end] == t.text for t in tokens if t.kind != TokenKind.TEXT)
    assert code_ids(text) == [1, 2, 3]
    assert plain_text(text) == "See the report now"


@pytest.mark.parametrize(
    "literal",
    [
        "a <1> b",
        "x</2>y",
        "<3/>",
        "glossary <g3/> and <f12/>",
        "\\<1>",
        "\\\\<1>",
        "back\\slash",
        "a < b > c & d",
        "<script>alert(1)</script>",
        "<1 href='x'>",
    ],
)
def test_escaped_literal_text_is_never_a_code(literal):
    escaped = escape_text(literal)
    assert code_ids(escaped) == []
    assert plain_text(escaped) == literal
    assert unescape_text(escaped) == literal


def test_escaping_only_touches_code_looking_sequences():
    assert escape_text("a < b & <b>bold</b>") == "a < b & <b>bold</b>"
    assert escape_text("tag <1> here") == "tag \\<1> here"
    assert escape_text("C:\\dir") == "C:\\dir"


@given(st.text(alphabet="<>/\\0123gab ", max_size=30))
def test_escape_round_trips_any_text(literal):
    escaped = escape_text(literal)
    assert unescape_text(escaped) == literal
    assert plain_text(escaped) == literal
    assert code_ids(escaped) == []


def test_an_escaped_code_next_to_a_real_one():
    text = escape_text("literal <1>") + " <1>real</1>"
    assert code_ids(text) == [1]
    assert plain_text(text) == "literal <1> real"


def test_balance_and_subset_helpers():
    assert is_balanced("<1>a <2/> b</1>")
    assert not is_balanced("<1>a. B</1> c <2>d")
    assert not is_balanced("<1><2>x</1></2>")
    assert codes_used("only <2>this</2>", CODES) == (EMPHASIS,)
    assert inner_texts("a <1>b <2>c</2></1>") == {1: "b <2>c</2>", 2: "c"}


# ---------------------------------------------------------------- code_problems

SOURCE = "Read <1>the <2>full</2> report</1>.<3/>"


def passes(target: str, source: str = SOURCE) -> bool:
    return code_problems(source, target) == []


def fails(target: str, severity: Severity = Severity.ERROR, source: str = SOURCE) -> list[str]:
    flags = code_problems(source, target)
    assert flags, f"expected a flag for {target!r}"
    assert all(flag.code == "inline-code" for flag in flags)
    assert max(flag.severity.rank for flag in flags) == severity.rank
    return [flag.message for flag in flags]


def test_code_problems_passes():
    assert passes("Lea <1>el informe <2>completo</2></1>.<3/>")
    assert passes("Plain text.", source="Plain text.")
    assert passes("Literal \\<4> <1>x <2>y</2></1>.<3/>")  # escaped text is not a code
    assert passes("No codes either", source="No codes")


@pytest.mark.parametrize(
    "target, expected",
    [
        ("Lea el informe completo.<3/>", "code <1>…</1> is missing"),
        ("Lea <1>el informe <2>completo</2></1>.", "code <3/> is missing"),
        ("Lea <1>el <2>informe</2></1><3/> <4>extra</4>", "<4> is not in the source"),
        ("Lea <1>el <2>informe</2></1><3/><3/>", "appears more than once"),
        ("Lea <1>el <2>informe</2><3/>", "<1> is never closed"),
        ("Lea <1>el <2>informe</1></2><3/>", "codes overlap"),
        ("Lea </1>el<1> <2>informe</2><3/>", "not open"),
        ("Lea <1/> <2>informe</2><3/>", "should be <1>…</1>"),
        ("Lea <1>el <2>informe</2></1><3>x</3>", "should be <3/>"),
    ],
)
def test_code_problems_errors(target, expected):
    messages = fails(target)
    assert any(expected in message for message in messages), messages


def test_code_problems_collects_every_problem_with_spans():
    target = "<4/> Lea el informe <2>completo</2>"
    flags = code_problems(SOURCE, target)
    assert len(flags) == 3  # <1> missing, <3/> missing, <4/> extra
    extra = [flag for flag in flags if "<4/>" in flag.message][0]
    assert extra.span == (0, 4)


@pytest.mark.parametrize(
    "source, target, severity",
    [
        ("The <1>Council</1> said<2/> no.", "El Consejo dijo<2/> no.", Severity.ERROR),
        ("The <1>Council</1> said.", "El <1>Consejo</1> <3/>dijo.", Severity.ERROR),
        ("The <1>Council</1> said.", "El </1>Consejo<1> dijo.", Severity.ERROR),
        ("The <1>big</1> <2>house</2>.", "La <2>casa</2> <1>grande</1>.", Severity.WARNING),
    ],
)
def test_code_problems_on_short_sentences(source, target, severity):
    assert passes(source, source=source)
    fails(target, severity, source=source)


@pytest.mark.parametrize(
    "target",
    ["<3/>Lea <1>el informe <2>completo</2></1>.", "Lea <2>completo</2> <1>el informe</1>.<3/>"],
)
def test_reordered_or_renested_codes_are_a_warning(target):
    fails(target, Severity.WARNING)


def test_verbatim_codes_must_keep_their_text():
    codes = (InlineCode(1, "code", translate=False), InlineCode(2, "em"))
    source = "Run <1>make build</1> <2>now</2>"
    assert verbatim_problems(source, "Ejecute <1>make build</1> <2>ahora</2>", codes) == []
    flags = verbatim_problems(source, "Ejecute <1>hacer construir</1> <2>ahora</2>", codes)
    assert [(flag.code, flag.severity) for flag in flags] == [("do-not-translate", Severity.ERROR)]
    assert "make build" in flags[0].message


# ---------------------------------------------------------------- append_coded_text


def test_round_trip_keeps_link_href_emphasis_and_break():
    html = render("Lea <1>el <2>informe</2></1> hoy.<3/>Fin")
    assert html == (
        '<p>Lea <a href="https://example.org/a?x=1&amp;y=2" title="Example">el <em>informe</em></a> hoy.<br/>Fin</p>'
    )


def test_href_comes_from_the_code_not_from_the_translation():
    html = render('Lea <1 href="https://evil.example">el</1> informe')
    assert "evil" in html and "<a" not in html  # stays visible text, never markup
    assert render("Lea <1>el</1>").count("https://example.org/a") == 1


@pytest.mark.parametrize(
    "translation",
    ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<1><b>bold</b></1>", "&lt;b&gt; &amp;"],
)
def test_tag_text_typed_by_a_translator_stays_text(translation):
    paragraph = etree.Element("p")
    append_coded_text(paragraph, translation, CODES)
    markup_tags = {element.tag for element in paragraph.iter()} - {"p", "a"}
    assert markup_tags == set()
    assert paragraph.xpath("string()") == plain_text(translation)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " java\tscript:alert(1)",
        "data:text/html,<b>x</b>",
        "vbscript:msgbox",
        "file:///etc/passwd",
    ],
)
def test_dangerous_urls_are_dropped(url):
    assert safe_url(url) is None
    codes = (
        InlineCode(1, "a", (("href", url), ("onclick", "steal()"), ("style", "x"), ("title", "t"))),
        InlineCode(2, "img", (("src", url), ("alt", "chart")), paired=False),
    )
    html = render("a <1>link</1> <2/>", codes)
    assert html == '<p>a <a title="t">link</a> </p>'


@pytest.mark.parametrize(
    "url",
    ["https://a.example/x", "http://a.example", "/relative/path", "page.html#top", "mailto:desk@example.org", "?q=1"],
)
def test_ordinary_urls_are_kept(url):
    assert safe_url(url) == url


def test_unknown_disallowed_and_unclosed_codes_keep_their_text():
    codes = (InlineCode(1, "script"), InlineCode(2, "em"))
    html = render("<1>alert(1)</1> <9>ghost</9> <7/> <2>open to the end", codes)
    assert html == "<p>alert(1) ghost  <em>open to the end</em></p>"


def test_code_reopened_inside_itself_and_stray_close_are_ignored():
    assert render("</2><2>a <2>b</2> c</2>") == "<p><em>a b</em> c</p>"


def test_appends_after_existing_children():
    paragraph = etree.fromstring("<p>Start <b>bold</b></p>")
    append_coded_text(paragraph, " then <2>more</2>", CODES)
    assert etree.tostring(paragraph, encoding="unicode") == "<p>Start <b>bold</b> then <em>more</em></p>"


# ---------------------------------------------------------------- builder


def test_builder_numbers_codes_drops_empty_ones_and_trims():
    builder = CodedTextBuilder()
    builder.add_text("  Hello \n  ")
    anchor = builder.open("a", (("href", "#x"),))
    builder.close(anchor)  # an empty link: dropped
    emphasis = builder.open("em")
    builder.add_text(" big  <1> world ")
    builder.line_break()
    builder.add_text("  next")
    builder.close(emphasis)
    text, codes = builder.result()
    assert text == "Hello <1>big \\<1> world<2/>next</1>"
    assert [(code.id, code.tag, code.paired) for code in codes] == [(1, "em", True), (2, "br", False)]
    assert plain_text(text) == "Hello big <1> worldnext"


def test_builder_keeps_verbatim_spaces_and_closes_open_codes():
    builder = CodedTextBuilder()
    builder.open("code", translate=False)
    builder.add_text("a  b", verbatim=True)
    text, codes = builder.result()
    assert text == "<1>a  b</1>" and codes[0].translate is False
    assert CodedTextBuilder().is_empty()


def test_characters_xml_cannot_hold_are_removed_not_fatal():
    codes = (InlineCode(1, "a", (("href", "/x"), ("title", "bad\x00title"))),)
    assert render("a\x0bb <1>c\x1fd</1>", codes) == '<p>ab <a href="/x" title="badtitle">cd</a></p>'


def test_builder_escapes_text_pieces_that_meet_across_a_dropped_code():
    builder = CodedTextBuilder()
    builder.add_text("a <1")
    builder.close(builder.open("em"))  # empty, dropped: "<1" and ">" now touch
    builder.add_text("> b")
    text, codes = builder.result()
    assert codes == () and code_ids(text) == [] and plain_text(text) == "a <1> b"
