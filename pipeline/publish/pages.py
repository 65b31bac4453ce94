"""HTML for one article in one locale, built with lxml (never by pasting strings).

Two views of the same body: the publish view (clean text for outlets) and the
review view (every segment wrapped with its state, provenance and flags).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from typing import cast

import lxml.html
from lxml import etree

from pipeline import flags
from pipeline.inline import append_coded_text, last_child
from pipeline.marks import MarkKind
from pipeline.model import Block, BlockKind, EntryState, Flag, LocalizedArticle, Role, SegmentView, Severity, Suggestion
from pipeline.publish.metadata import localized_title
from pipeline.publish.page_text import PageText, page_text_for
from pipeline.readers.text import normalize_title

STYLE = """
body{font-family:Georgia,serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.55;color:#1a1a1a}
h1,h2{font-family:Helvetica,Arial,sans-serif;line-height:1.25}
nav.toc{border:1px solid #ccc;padding:.5rem 1rem;margin:1rem 0}
table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #bbb;padding:.3rem .6rem;text-align:left}
aside.callout{background:#f3f6fa;border-left:4px solid #3b6ea5;padding:.5rem 1rem;margin:1rem 0}
dl.faq dt{font-weight:bold;margin-top:.8rem}dl.faq dd{margin-left:0}
.mt-notice{background:#fff8e1;border:1px solid #e0c060;padding:.5rem 1rem;font-size:.9rem}
footer{border-top:1px solid #ccc;margin-top:2rem;font-size:.9rem}
footer ul{list-style:none;padding:0}footer li{display:inline;margin-right:1rem}
@media print{nav.toc,footer nav{display:none}}
"""
REVIEW_STYLE = """
.seg{border-bottom:2px solid transparent}
.seg.state-machine{background:#fff3cd}.seg.state-draft{background:#e7f0ff}
.seg.state-untranslated{background:#eee;color:#595959}.seg.state-reviewed{border-bottom-color:#2e7d4f}
.seg.flagged.severity-warning{outline:2px solid #a86400}.seg.flagged.severity-error{outline:2px solid #c62828}
.seg:target,.seg.selected{box-shadow:0 0 0 3px #1a56a8}
.flag{display:inline-block;font:600 .8rem/1.5 Helvetica,Arial,sans-serif;border-radius:3px;padding:.1rem .4rem;
margin:0 .15rem;vertical-align:baseline;color:#fff;text-decoration:none;white-space:nowrap}
a.flag:hover,a.flag:focus{text-decoration:underline}
.flag.severity-error{background:#b71c1c}.flag.severity-warning{background:#8a5000}.flag.severity-info{background:#4a6572}
.review-summary,.segment-details{font-family:Helvetica,Arial,sans-serif;font-size:.95rem;border:1px solid #999;
padding:.5rem 1rem;margin:1rem 0}
.progress{display:flex;height:.8rem;border:1px solid #999;margin:.5rem 0}
.progress span{display:block;height:100%}
.progress .reviewed{background:#2e7d4f}.progress .draft{background:#8fb3ff}.progress .machine{background:#f0c24b}
.progress .untranslated{background:#ccc}
.verdict-ready{color:#1b5e20}.verdict-not-ready{color:#b71c1c}
.flag-summary a.segment-link{display:inline-block;min-width:1.75rem;min-height:1.75rem;line-height:1.75rem;
text-align:center;margin:.1rem;border:1px solid #1a56a8;border-radius:3px;color:#1a56a8}
.segment-details ol{padding-left:1.5rem}.segment-details li.detail{margin:.6rem 0;padding:.3rem 0;border-top:1px solid #ddd}
.segment-details .where{color:#4d4d4d;margin:.2rem 0}.segment-details .source,.segment-details .target{margin:.2rem 0}
.segment-details .label{display:inline-block;min-width:2.2rem;font-weight:600;color:#4d4d4d}
.segment-details ul.messages{margin:.2rem 0;padding-left:1rem;list-style:none}
.segment-details ul.messages li{margin:.25rem 0}
.segment-details ul.suggestions{margin:.2rem 0;padding-left:1rem}.segment-details ul.suggestions li{margin:.25rem 0}
.segment-details a.in-text{display:inline-block;padding:.2rem .4rem;min-height:1.5rem}
.tm-suggestion{display:inline-block;font:.8rem/1.4 Helvetica,Arial,sans-serif;background:#eef6ee;
border:1px dashed #2e7d4f;border-radius:3px;padding:0 .3rem;margin:0 .15rem;color:#1a1a1a}
.tm-score{font-weight:600;color:#1f5c38;margin-right:.3rem}.tm-notes{color:#7a4700;margin-left:.3rem}
"""

STATE_LABELS = {
    EntryState.REVIEWED: "reviewed",
    EntryState.DRAFT: "human draft, unreviewed",
    EntryState.MACHINE: "machine draft, unreviewed",
    EntryState.UNTRANSLATED: "untranslated (English shown)",
}


def anchor_id(text: str, prefix: str = "h") -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return f"{prefix}-{slug or 'section'}"


class Renderer:
    def __init__(
        self,
        article: LocalizedArticle,
        *,
        review: bool,
        page_text: PageText | None = None,
        marks: Sequence[MarkKind] = (),
    ):
        self.article = article
        self.review = review
        self.marks = tuple(marks)
        self.page_text = page_text or page_text_for(article.locale)
        self.by_block: dict[int, dict[Role, list[SegmentView]]] = defaultdict(lambda: defaultdict(list))
        for view in article.views:
            self.by_block[view.segment.block][view.segment.role].append(view)
        self.heading_anchor = {
            normalize_title(block.text): anchor_id(block.text)
            for block in article.document.blocks
            if block.kind == BlockKind.HEADING
        }

    # ---------------------------------------------------------------- text

    def append_part(self, parent: etree._Element, block_index: int, role: Role) -> None:
        """Append a block part's segments (joined by spaces) to an element."""
        views = self.by_block[block_index][role]
        if self.review:  # each segment in its own span: no text piles up in one place
            for number, view in enumerate(views):
                if number:
                    self._tail(parent, " ")
                self._append_review_segment(parent, view)
            return
        # The publish view runs a paragraph's segments together in the parent. Each is rendered on its
        # own, then moved in, the text between elements joined once: adding segment after segment to
        # the same text (a paragraph of 10,000 sentences) copied all of it each time.
        pending: list[str] = []

        def flush() -> None:
            joined = "".join(pending)
            pending.clear()
            if joined:
                self._tail(parent, joined)

        for number, view in enumerate(views):
            if number:
                pending.append(" ")
            if not view.target:
                flush()
                append_coded_text(
                    etree.SubElement(parent, "span", lang=self.article.document.source_lang),
                    view.shown,
                    view.segment.codes,
                )
                continue
            rendered = etree.Element("segment")
            append_coded_text(rendered, view.shown, view.segment.codes)
            pending.append(rendered.text or "")
            if last_child(rendered) is not None:
                flush()
                parent.extend(list(rendered))  # moved, with their tails
                pending.append(parent[-1].tail or "")
                parent[-1].tail = None
        flush()

    @staticmethod
    def _tail(parent: etree._Element, text: str) -> None:
        last = last_child(parent)
        if last is not None:
            last.tail = (last.tail or "") + text
        else:
            parent.text = (parent.text or "") + text

    def _append_review_segment(self, parent: etree._Element, view: SegmentView) -> None:
        worst = max((flag.severity for flag in view.flags), key=lambda s: s.rank, default=None)
        classes = ["seg", f"state-{view.state.value}"]
        if worst is not None:
            classes += ["flagged", f"severity-{worst.value}"]
        span = etree.SubElement(
            parent,
            "span",
            {
                "class": " ".join(classes),
                "id": segment_anchor(view),
                "data-key": view.segment.key,
                "data-state": view.state.value,
            },
        )
        if not view.target:
            span.set("lang", self.article.document.source_lang)
        append_coded_text(span, view.shown, view.segment.codes)
        # A badge links to the segment's details (English, messages); inside a link it can only be text.
        in_link = any(element.tag == "a" for element in (parent, *parent.iterancestors()))
        for flag in view.flags:
            attributes = {"class": f"flag severity-{flag.severity.value} flag-{flag.code}", "data-flag": flag.code}
            if in_link:
                badge = etree.SubElement(parent, "span", attributes, lang="en")
            else:
                badge = etree.SubElement(parent, "a", attributes, lang="en", href=f"#{detail_anchor(view)}")
            badge.text = badge_text(flag, self.marks)
        for suggestion in view.suggestions:
            self._append_suggestion(parent, suggestion)

    @staticmethod
    def _append_suggestion(parent: etree._Element, suggestion: Suggestion) -> None:
        """A translation-memory match beside the segment: score, reviewed text, what does not fit."""
        hint = etree.SubElement(
            parent,
            "span",
            {
                "class": "tm-suggestion",
                "data-score": str(suggestion.score),
                "title": f"translation memory: {suggestion.score}% similar to “{suggestion.source}” "
                f"({suggestion.origin})",
            },
        )
        score = etree.SubElement(hint, "span", {"class": "tm-score", "lang": "en"})
        score.text = f"TM {suggestion.score}%"
        score.tail = suggestion.target
        if suggestion.notes:
            notes = etree.SubElement(hint, "span", {"class": "tm-notes", "lang": "en"})
            notes.text = "; ".join(suggestion.notes)

    def append_label(self, parent: etree._Element, block_index: int, block: Block) -> None:
        if not block.label:
            return
        strong = etree.SubElement(parent, "strong")
        self.append_part(strong, block_index, Role.LABEL)
        separator = "" if block.label.rstrip().endswith(("?", "!")) else self.page_text.label_separator.rstrip()
        strong.tail = separator + " "

    # ---------------------------------------------------------------- blocks

    def body(self, container: etree._Element) -> None:
        blocks = self.article.document.blocks
        index = 0
        while index < len(blocks):
            block = blocks[index]
            run_end = index + 1
            if block.group:
                while run_end < len(blocks) and blocks[run_end].group == block.group:
                    run_end += 1
            self.render_run(container, index, run_end)
            index = run_end

    def render_run(self, container: etree._Element, start: int, end: int) -> None:
        blocks = self.article.document.blocks
        block = blocks[start]
        kind = block.kind
        if kind in (BlockKind.TOC_TITLE, BlockKind.TOC_ENTRY):
            self.render_toc(container, range(start, end))
        elif kind == BlockKind.TABLE_CELL:
            self.render_table(container, range(start, end))
        elif kind in (BlockKind.LIST_ITEM, BlockKind.FAQ_ITEM) and block.group:
            self.render_list(container, range(start, end))
        elif kind == BlockKind.CALLOUT:
            for number in range(start, end):
                self.render_callout(container, number)
        else:
            for number in range(start, end):
                self.render_simple(container, number)

    def render_simple(self, container: etree._Element, number: int) -> None:
        block = self.article.document.blocks[number]
        if block.kind == BlockKind.TITLE:
            element = etree.SubElement(container, "h1")
        elif block.kind == BlockKind.HEADING:
            level = min(max(block.level or 2, 2), 6)
            element = etree.SubElement(container, f"h{level}", id=anchor_id(block.text))
        elif block.kind == BlockKind.CODE:
            element = etree.SubElement(etree.SubElement(container, "pre"), "code")
            element.text = block.text
            return
        elif block.kind == BlockKind.BLOCKQUOTE:
            element = etree.SubElement(etree.SubElement(container, "blockquote"), "p")
        elif block.kind in (BlockKind.LIST_ITEM, BlockKind.FAQ_ITEM):
            element = etree.SubElement(etree.SubElement(container, "ul"), "li")
        else:
            element = etree.SubElement(container, "p")
            if block.kind == BlockKind.LEAD:
                element.set("class", "lead")
        self.append_label(element, number, block)
        self.append_part(element, number, Role.BODY)

    def render_toc(self, container: etree._Element, numbers: range) -> None:
        nav = etree.SubElement(container, "nav", {"class": "toc"})
        items = None
        for number in numbers:
            block = self.article.document.blocks[number]
            if block.kind == BlockKind.TOC_TITLE:
                title = etree.SubElement(nav, "p", {"class": "toc-title"})
                strong = etree.SubElement(title, "strong")
                self.append_part(strong, number, Role.BODY)
                continue
            if items is None:
                items = etree.SubElement(nav, "ol")
            item = etree.SubElement(items, "li")
            anchor = self.heading_anchor.get(normalize_title(block.text))
            target = etree.SubElement(item, "a", href=f"#{anchor}") if anchor else item
            self.append_part(target, number, Role.BODY)

    def render_table(self, container: etree._Element, numbers: range) -> None:
        table = etree.SubElement(container, "table")
        rows: dict[int, list[int]] = defaultdict(list)
        for number in numbers:
            rows[self.article.document.blocks[number].row].append(number)
        head = body = None
        for row_number in sorted(rows):
            cells = rows[row_number]
            is_header = all(self.article.document.blocks[n].header for n in cells)
            if is_header:
                head = head if head is not None else etree.SubElement(table, "thead")
                parent = head
            else:
                body = body if body is not None else etree.SubElement(table, "tbody")
                parent = body
            tr = etree.SubElement(parent, "tr")
            for number in cells:
                cell = etree.SubElement(tr, "th" if is_header else "td")
                if is_header:
                    cell.set("scope", "col")
                self.append_part(cell, number, Role.BODY)

    def render_list(self, container: etree._Element, numbers: range) -> None:
        first = self.article.document.blocks[numbers[0]]
        if first.kind == BlockKind.FAQ_ITEM:
            faq = etree.SubElement(container, "dl", {"class": "faq"})
            for number in numbers:
                question = etree.SubElement(faq, "dt")
                self.append_part(question, number, Role.LABEL)
                answer = etree.SubElement(faq, "dd")
                self.append_part(answer, number, Role.BODY)
            return
        stack = [etree.SubElement(container, "ol" if first.ordered else "ul")]
        base_level = first.level
        for number in numbers:
            block = self.article.document.blocks[number]
            depth = max(block.level - base_level, 0)
            while len(stack) - 1 < depth:
                parent_item = stack[-1][-1] if len(stack[-1]) else etree.SubElement(stack[-1], "li")
                stack.append(etree.SubElement(parent_item, "ol" if block.ordered else "ul"))
            while len(stack) - 1 > depth:
                stack.pop()
            item = etree.SubElement(stack[-1], "li")
            self.append_label(item, number, block)
            self.append_part(item, number, Role.BODY)

    def render_callout(self, container: etree._Element, number: int) -> None:
        block = self.article.document.blocks[number]
        kind = anchor_id(block.label, "callout")
        aside = etree.SubElement(container, "aside", {"class": f"callout {kind}"})
        paragraph = etree.SubElement(aside, "p")
        self.append_label(paragraph, number, block)
        self.append_part(paragraph, number, Role.BODY)


def badge_text(flag: Flag, marks: Sequence[MarkKind] = ()) -> str:
    """The code; an engine mark's badge shows the word the way the engine wrote it ("unknown-word *backyard").

    ``marks``: the engines' marks, as data (``pipeline.engines.known_marks()``).
    """
    symbol = next((kind.symbol for kind in marks if kind.code == flag.code), "")
    return f"{flag.code} {symbol}{flag.word}" if symbol and flag.word else flag.code


def segment_anchor(view: SegmentView) -> str:
    return f"seg-{view.segment.block}-{view.segment.role.value}-{view.segment.index}"


def detail_anchor(view: SegmentView) -> str:
    """Where the review page lists the segment's English, state and flag messages."""
    return f"detail-{segment_anchor(view)}"


def has_unreviewed_machine_text(article: LocalizedArticle) -> bool:
    return any(view.state == EntryState.MACHINE for view in article.views)


def page_frame(lang: str, title: str, style: str, *, noindex: bool = False) -> tuple[etree._Element, etree._Element]:
    """``<html lang>`` and the head every page starts with: charset, viewport, robots, title, style."""
    html = etree.Element("html", lang=lang)
    head = etree.SubElement(html, "head")
    etree.SubElement(head, "meta", charset="utf-8")
    etree.SubElement(head, "meta", name="viewport", content="width=device-width, initial-scale=1")
    if noindex:
        etree.SubElement(head, "meta", name="robots", content="noindex")
    etree.SubElement(head, "title").text = title
    etree.SubElement(head, "style").text = style
    return html, head


def build_page(
    article: LocalizedArticle,
    *,
    review: bool,
    page_text: PageText | None = None,
    head_extras: Callable[[etree._Element], None] | None = None,
    body_extras: Callable[[etree._Element], None] | None = None,
    marks: Sequence[MarkKind] = (),
) -> etree._Element:
    """The whole page as an lxml tree.

    `head_extras(head)` and `body_extras(body)` (called after the article) let
    publishing add metadata and a footer; ``marks`` are the engines' marks, so a
    review badge shows a word the way the engine marked it.

    The review page is a working document: marked noindex, its frame in English.
    """
    page_text = page_text or page_text_for(article.locale)
    html, head = page_frame(
        article.locale.tag,
        localized_title(article) + (" — review" if review else ""),
        STYLE + (REVIEW_STYLE if review else ""),
        noindex=review,
    )
    if head_extras is not None:
        head_extras(head)
    body = etree.SubElement(html, "body")
    renderer = Renderer(article, review=review, page_text=page_text, marks=marks)
    if review:
        review_summary(body, article)
    elif has_unreviewed_machine_text(article):
        notice = etree.SubElement(body, "p", {"class": "mt-notice", "role": "note"})
        if page_text.lang != article.locale.language:
            notice.set("lang", page_text.lang)  # no strings for this locale yet: English, marked so
        notice.text = page_text.mt_notice
    main = etree.SubElement(etree.SubElement(body, "main"), "article")
    renderer.body(main)
    if review:
        segment_details(body, article)
    if body_extras is not None:
        body_extras(body)
    return html


def serialize(html: etree._Element) -> str:
    # lxml.html's serializer (it also drops a Content-Type <meta>); our tree is built with etree.
    page = cast(lxml.html.HtmlElement, html)
    return lxml.html.tostring(page, doctype="<!DOCTYPE html>", encoding="unicode", method="html") + "\n"


# ---------------------------------------------------------------- review summary


def state_counts(article: LocalizedArticle) -> Counter[EntryState]:
    return Counter(view.state for view in article.views)


def review_summary(body: etree._Element, article: LocalizedArticle) -> None:
    section = etree.SubElement(body, "section", {"class": "review-summary", "id": "review-summary", "lang": "en"})
    heading = etree.SubElement(section, "h2")
    heading.text = f"Review — {article.document.slug} ({article.locale.tag})"
    errors = [v for v in article.views for f in v.flags if f.severity == Severity.ERROR]
    counts = state_counts(article)
    total = max(len(article.views), 1)
    ready = not errors and counts[EntryState.REVIEWED] == len(article.views)
    verdict = etree.SubElement(
        section, "p", {"class": "verdict-ready" if ready else "verdict-not-ready", "id": "verdict"}
    )
    verdict.text = (
        "Ready to publish."
        if ready
        else f"Not ready: {len(errors)} error flag(s), "
        f"{len(article.views) - counts[EntryState.REVIEWED]} segment(s) not reviewed."
    )
    bar = etree.SubElement(
        section,
        "div",
        {"class": "progress", "role": "img", "aria-label": f"{100 * counts[EntryState.REVIEWED] // total}% reviewed"},
    )
    for state in (EntryState.REVIEWED, EntryState.DRAFT, EntryState.MACHINE, EntryState.UNTRANSLATED):
        if counts[state]:
            etree.SubElement(
                bar,
                "span",
                {
                    "class": state.value,
                    "style": f"width:{100 * counts[state] / total:.2f}%",
                    "title": f"{STATE_LABELS[state]}: {counts[state]}",
                },
            )
    states = etree.SubElement(section, "p", {"class": "status"})
    states.text = (
        " · ".join(f"{STATE_LABELS[s]}: {counts[s]}" for s in EntryState) + f" · segments: {len(article.views)}"
    )

    numbers = segment_numbers(article)
    by_flag: dict[tuple[str, Severity], list[SegmentView]] = defaultdict(list)
    for view in article.views:
        for flag in view.flags:
            by_flag[(flag.code, flag.severity)].append(view)
    if by_flag:
        table = etree.SubElement(section, "table", {"class": "flag-summary"})
        head_row = etree.SubElement(etree.SubElement(table, "thead"), "tr")
        for text in ("flag", "severity", "segments"):
            cell = etree.SubElement(head_row, "th", scope="col")
            cell.text = text
        tbody = etree.SubElement(table, "tbody")
        ordered = sorted(by_flag.items(), key=lambda item: (-item[0][1].rank, item[0][0]))
        for (code, severity), views in ordered:
            row = etree.SubElement(tbody, "tr", {"data-flag": code})
            cell = etree.SubElement(row, "td")
            badge = etree.SubElement(cell, "span", {"class": f"flag severity-{severity.value}"})
            badge.text = code
            cell = etree.SubElement(row, "td")
            cell.text = severity.value
            cell = etree.SubElement(row, "td")
            flagged = list({id(view): view for view in views}.values())  # by identity: hashing a view hashes its text
            cell.text = f"{len(flagged)}: "
            for view in flagged:
                number = numbers[view.segment]
                link = etree.SubElement(
                    cell,
                    "a",
                    {
                        "class": "segment-link",
                        "href": f"#{detail_anchor(view)}",
                        "aria-label": f"segment {number}, line {view.segment.line}",
                    },
                )
                link.text = str(number)
                link.tail = " "
    legend = etree.SubElement(section, "details", {"class": "legend"})
    summary = etree.SubElement(legend, "summary")
    summary.text = "Legend"
    items = etree.SubElement(legend, "ul")
    for state, label in STATE_LABELS.items():
        item = etree.SubElement(items, "li")
        sample = etree.SubElement(item, "span", {"class": f"seg state-{state.value}"})
        sample.text = state.value
        sample.tail = f" — {label}"
    for severity, meaning in (
        (Severity.ERROR, "blocks publishing"),
        (Severity.WARNING, "needs a look"),
        (Severity.INFO, "for information"),
    ):
        item = etree.SubElement(items, "li")
        badge = etree.SubElement(item, "span", {"class": f"flag severity-{severity.value}"})
        badge.text = severity.value
        badge.tail = f" — {meaning}; a badge leads to its message under “Segments”"
    codes = sorted({flag.code for view in article.views for flag in view.flags})
    if codes:
        described = flags.descriptions()
        meanings = etree.SubElement(legend, "dl", {"class": "flag-meanings"})
        for code in codes:
            term = etree.SubElement(meanings, "dt")
            term.text = code
            definition = etree.SubElement(meanings, "dd")
            definition.text = described.get(code, "see the message under “Segments”")


# ---------------------------------------------------------------- segment details


def segment_numbers(article: LocalizedArticle) -> dict:
    """Each segment's number on the page (1, 2, …, in reading order)."""
    return {view.segment: number for number, view in enumerate(article.views, start=1)}


def segment_details(body: etree._Element, article: LocalizedArticle) -> None:
    """Every segment's English, translation, state, provenance and flag messages, readable as text.

    Nothing a reviewer needs is left to a tooltip: a phone or a keyboard reaches all of it.
    """
    section = etree.SubElement(body, "section", {"class": "segment-details", "id": "segment-details", "lang": "en"})
    etree.SubElement(section, "h2").text = "Segments"
    items = etree.SubElement(section, "ol")
    source_lang = article.document.source_lang
    for number, view in enumerate(article.views, start=1):
        item = etree.SubElement(items, "li", {"class": "detail", "id": detail_anchor(view)})
        where = etree.SubElement(item, "p", {"class": "where"})
        where.text = f"Segment {number} · line {view.segment.line} · {STATE_LABELS[view.state]}"
        if view.provenance:
            where.text += f" · {view.provenance.describe()}"
        where.text += " · "
        back = etree.SubElement(where, "a", {"class": "in-text", "href": f"#{segment_anchor(view)}"})
        back.text = "in the text"
        source = etree.SubElement(item, "p", {"class": "source", "lang": source_lang})
        etree.SubElement(source, "span", {"class": "label", "lang": "en"}).text = source_lang.upper()
        append_coded_text(source, " " + view.segment.text, view.segment.codes)
        target = etree.SubElement(item, "p", {"class": "target", "lang": article.locale.tag})
        etree.SubElement(target, "span", {"class": "label", "lang": "en"}).text = article.locale.tag
        if view.target:
            append_coded_text(target, " " + view.target, view.segment.codes)
        else:
            target.text = " "
            etree.SubElement(target, "em", lang="en").text = "no translation yet"
        if view.flags:
            messages = etree.SubElement(item, "ul", {"class": "messages"})
            for flag in view.flags:
                entry = etree.SubElement(messages, "li", {"data-flag": flag.code})
                badge = etree.SubElement(entry, "span", {"class": f"flag severity-{flag.severity.value}"})
                badge.text = flag.code
                badge.tail = f" {flag.severity.value}{' (English source)' if flag.source else ''}: {flag.message}"
        if view.suggestions:
            suggestions = etree.SubElement(item, "ul", {"class": "suggestions"})
            for suggestion in view.suggestions:
                entry = etree.SubElement(
                    suggestions, "li", {"data-score": str(suggestion.score), "data-target": suggestion.target}
                )
                etree.SubElement(entry, "span", {"class": "tm-score"}).text = f"TM {suggestion.score}%"
                target = etree.SubElement(entry, "span", {"lang": article.locale.tag})
                append_coded_text(target, suggestion.target, ())  # another segment's codes: text only
                target.tail = " — for “"
                remembered = etree.SubElement(entry, "span", {"lang": source_lang})
                append_coded_text(remembered, suggestion.source, ())
                remembered.tail = f"” ({suggestion.origin})"
                if suggestion.notes:
                    notes = etree.SubElement(entry, "span", {"class": "tm-notes"})
                    notes.text = "; ".join(suggestion.notes)
