"""The page builder: publish view vs review view, localized frame, structure, from hand-made views."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import lxml.html
import pytest

from pipeline.model import EntryState, Flag, Locale, LocalizedArticle, Provenance, SegmentView, Severity
from pipeline.publish.page_text import PAGE_TEXTS, page_text_for
from pipeline.publish.pages import build_page, serialize
from pipeline.readers import read_document
from pipeline.segment import segment_document

DATA = Path(__file__).parent / "data"
SAMPLE = Path(__file__).resolve().parent.parent / "articles" / "mexico-rejects-us-intervention.txt"


def localized(
    path: Path,
    locale: Locale,
    state: Callable[[int], EntryState] = lambda n: EntryState.MACHINE,
    flags: Callable[[int], tuple[Flag, ...]] = lambda n: (),
) -> LocalizedArticle:
    """An article with every segment 'translated' as ⟦English⟧ (codes kept), states and flags chosen by index."""
    _, document = read_document(path, path.name)
    views = []
    for number, segment in enumerate(segment_document(document)):
        segment_state = state(number)
        target = "" if segment_state == EntryState.UNTRANSLATED else f"⟦{segment.text}⟧"
        provenance = (
            Provenance("pseudo", "en-x", "1") if segment_state == EntryState.MACHINE else Provenance.translator()
        )
        views.append(SegmentView(segment, target, segment_state, provenance, flags(number)))
    return LocalizedArticle(document, locale, tuple(views))


def page(article: LocalizedArticle, review: bool) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(serialize(build_page(article, review=review)))


def has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


# What only the review view may carry.
REVIEW_MARKUP = f"//*[{has_class('seg')} or {has_class('flag')} or @id='review-summary']"

WARNING = (Flag("glossary", Severity.WARNING, "backyard should be «patio trasero»"),)
ERROR = (Flag("inline-code", Severity.ERROR, "code <1> is missing"),)


def test_publish_view_has_no_review_markup_and_keeps_structure():
    article = localized(DATA / "short-article.md", Locale("es"), flags=lambda n: WARNING if n == 1 else ())
    html = page(article, review=False)
    assert html.get("lang") == "es"
    assert not html.xpath(REVIEW_MARKUP)
    assert html.findtext("head/title") == "⟦Mexico Rejects Talk of U.S. Intervention⟧"
    table = html.xpath("//main//table")[0]
    assert [th.text_content() for th in table.xpath("thead/tr/th")] == ["⟦Country⟧", "⟦Year⟧", "⟦Event⟧"]
    assert all(th.get("scope") == "col" for th in table.xpath("thead/tr/th"))
    assert len(table.xpath("tbody/tr")) == 3
    link = html.xpath("//main//a[@href='https://www.state.gov/']")[0]
    assert link.text_content() == "United States"


def test_review_view_marks_flagged_segments_by_worst_severity():
    def flags(number: int) -> tuple[Flag, ...]:
        return {1: WARNING, 2: WARNING + ERROR}.get(number, ())

    html = page(localized(DATA / "short-article.md", Locale("fr"), flags=flags), review=True)
    segments = html.xpath(f"//main//span[{has_class('seg')}]")
    assert "severity-warning" in segments[1].get("class").split()
    assert "severity-error" in segments[2].get("class").split()
    assert not segments[0].get("class").count("flagged")
    badges = html.xpath(f"//main//*[{has_class('flag')}]")
    assert [badge.text for badge in badges] == ["glossary", "glossary", "inline-code"]
    # Each badge leads to the segment's details, where its message is plain text (no hover needed).
    for badge in badges:
        detail = html.get_element_by_id(badge.get("href")[1:])
        assert WARNING[0].message in detail.text_content() or ERROR[0].message in detail.text_content()
    assert html.xpath("//meta[@name='robots']")[0].get("content") == "noindex"
    assert html.get_element_by_id("review-summary").get("lang") == "en"


@pytest.mark.parametrize("tag", ["es", "fr", "pt-BR"])
def test_machine_notice_is_localized(tag):
    html = page(localized(DATA / "short-article.md", Locale(tag)), review=False)
    notice = html.xpath("//p[@class='mt-notice']")[0]
    assert notice.text == page_text_for(Locale(tag)).mt_notice
    assert notice.get("lang") is None  # same language as the page
    assert notice.text != PAGE_TEXTS["es"].mt_notice or tag == "es"


def test_machine_notice_falls_back_to_marked_english():
    html = page(localized(DATA / "short-article.md", Locale("de")), review=False)
    notice = html.xpath("//p[@class='mt-notice']")[0]
    assert notice.get("lang") == "en" and "machine translation" in notice.text


@pytest.mark.parametrize(
    "state, notice",
    [
        (EntryState.REVIEWED, False),
        (EntryState.DRAFT, False),
        (EntryState.MACHINE, True),
    ],
)
def test_notice_only_while_machine_text_is_unreviewed(state, notice):
    html = page(localized(DATA / "short-article.md", Locale("es"), state=lambda n: state), review=False)
    assert bool(html.xpath("//p[@class='mt-notice']")) is notice


def test_untranslated_text_is_marked_english():
    article = localized(
        DATA / "short-article.md",
        Locale("es"),
        state=lambda n: EntryState.UNTRANSLATED if n == 1 else EntryState.REVIEWED,
    )
    html = page(article, review=False)
    english = html.xpath("//main//span[@lang='en']")
    assert english and english[0].text_content().startswith("Mexico's President has")


def test_toc_links_reach_translated_headings():
    html = page(localized(SAMPLE, Locale("pt-BR")), review=False)
    links = html.xpath("//nav[@class='toc']//a")
    assert len(links) >= 10
    for link in links:
        target = html.get_element_by_id(link.get("href")[1:])
        assert target.tag in ("h2", "h3") and target.text_content().startswith("⟦")


def test_french_labels_get_a_no_break_space_before_the_colon():
    html = page(localized(SAMPLE, Locale("fr")), review=False)
    labels = [strong.tail for strong in html.xpath("//main//li/strong") if strong.tail]
    assert labels and all(tail.startswith("\u00a0: ") for tail in labels if ":" in tail)


def test_apertium_marks_are_shown_on_the_badge_as_apertium_writes_them():
    from pipeline.engines.apertium import MARKS
    from pipeline.model import Flag, Severity
    from pipeline.publish.pages import badge_text

    flag = Flag("unknown-word", Severity.WARNING, "Apertium does not know “backyard”; check this word", word="backyard")
    assert badge_text(flag, MARKS) == "unknown-word *backyard"
    assert badge_text(Flag("generation-error", Severity.WARNING, "a “message” says otherwise", word="vino"), MARKS) == (
        "generation-error #vino"
    )
    # The word travels in the flag: the message is never re-parsed.
    assert (
        badge_text(Flag("unknown-word", Severity.WARNING, "Apertium does not know “backyard”"), MARKS) == "unknown-word"
    )
    assert (
        badge_text(Flag("glossary", Severity.WARNING, "expected “patio trasero”", word="patio trasero"), MARKS)
        == "glossary"
    )
    assert badge_text(flag) == "unknown-word"  # marks are the engines' data: none given, none shown
