"""Reader for plain-text articles: one block per line, kinds told apart by shape.

The format, as newsrooms paste it: a lead paragraph; a "Table of Contents" line
followed by "- N. Title" entries; headings as short lines without end punctuation
(and any line naming a TOC entry); paragraphs; "- " and "* " list items, often with
a "Label: text" lead; pipe tables; "Did You Know?:" style callouts; FAQ items
("- Question? Answer.") under a "Frequently Asked Questions" heading.
"""

from __future__ import annotations

import re
import unicodedata

from pipeline.inline import escape_text
from pipeline.model import Block, BlockKind, Document

TOC_TITLE = re.compile(r"^\s*(table of contents|contents|in this article)\s*:?\s*$", re.I)
TOC_ENTRY = re.compile(r"^\s*[-*]\s+(\d+)[.)]\s+(.+?)\s*$")
LIST_ITEM = re.compile(r"^\s*([-*•])\s+(.+?)\s*$")
TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
TABLE_RULE = re.compile(r"^\s*\|?(\s*:?-{3,}:?\s*\|)+\s*:?-*:?\s*$")
CALLOUT = re.compile(
    r"^\s*(Did You Know\?|Pro Tip|Tip|Note|Editor[’']s Note|Fact Check|Key Takeaway|Quick Fact)\s*:\s*(.+)$",
    re.I,
)
# "Label: text" lead of a list item: a short capitalized phrase before the colon.
ITEM_LABEL = re.compile(r"^([^\s:][^:]{0,60}?):\s+(\S.*)$")
FAQ_HEADING = re.compile(r"\b(frequently asked questions|faqs?)\b", re.I)
END_PUNCT = re.compile(r"[.!?…:;][”’\"')\]]*\s*$")


def normalize_title(text: str) -> str:
    """Compare headings loosely: case, spacing, quote style and dashes do not matter."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[‘’`´]", "'", text)
    text = re.sub(r"[“”«»]", '"', text)
    text = re.sub(r"[–—]", "-", text)
    return re.sub(r"\s+", " ", text).strip(" .:")


def looks_like_heading(line: str) -> bool:
    """A short line with no sentence-ending punctuation (a question may be a heading only via the TOC)."""
    words = line.split()
    return 0 < len(words) <= 14 and not END_PUNCT.search(line) and not line.startswith(("|", "-", "*"))


def split_faq_item(text: str) -> tuple[str, str] | None:
    """'What is X? Because Y.' → ('What is X?', 'Because Y.')."""
    match = re.match(r"^(.+?\?)[”\"’]?\s+(\S.*)$", text)
    return (match.group(1), match.group(2)) if match else None


def table_cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def read_text(text: str, path: str, slug: str) -> Document:
    # Plain text has no markup: anything looking like an inline code is literal.
    lines = [escape_text(line) for line in text.splitlines()]
    toc_titles = {normalize_title(m.group(2)) for line in lines if (m := TOC_ENTRY.match(line))}
    blocks: list[Block] = []
    group = 0
    in_toc = False
    in_faq = False
    table_row = -1
    previous_kind: BlockKind | None = None

    def next_group() -> int:
        nonlocal group
        group += 1
        return group

    current_group = 0
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            in_toc = False
            continue

        if TOC_TITLE.match(line):
            in_toc = True
            current_group = next_group()
            blocks.append(Block(BlockKind.TOC_TITLE, line, number, group=current_group))
            previous_kind = BlockKind.TOC_TITLE
            continue

        toc = TOC_ENTRY.match(line)
        if in_toc and toc:
            blocks.append(
                Block(BlockKind.TOC_ENTRY, toc.group(2), number, group=current_group, number=toc.group(1), ordered=True)
            )
            previous_kind = BlockKind.TOC_ENTRY
            continue
        in_toc = False

        if TABLE_ROW.match(line):
            if TABLE_RULE.match(line):
                continue
            if previous_kind != BlockKind.TABLE_CELL:
                current_group = next_group()
                table_row = -1
            table_row += 1
            for col, cell in enumerate(table_cells(line)):
                blocks.append(
                    Block(
                        BlockKind.TABLE_CELL,
                        cell,
                        number,
                        group=current_group,
                        row=table_row,
                        col=col,
                        header=table_row == 0,
                    )
                )
            previous_kind = BlockKind.TABLE_CELL
            continue

        callout = CALLOUT.match(line)
        if callout:
            blocks.append(
                Block(BlockKind.CALLOUT, callout.group(2).strip(), number, label=callout.group(1), group=next_group())
            )
            previous_kind = BlockKind.CALLOUT
            continue

        item = LIST_ITEM.match(line)
        if item:
            body = item.group(2)
            faq = split_faq_item(body) if in_faq else None
            kind = BlockKind.FAQ_ITEM if faq else BlockKind.LIST_ITEM
            if previous_kind != kind:
                current_group = next_group()
            if faq:
                blocks.append(Block(kind, faq[1], number, label=faq[0], group=current_group))
            else:
                labelled = ITEM_LABEL.match(body)
                label, body = (labelled.group(1), labelled.group(2)) if labelled else ("", body)
                blocks.append(Block(kind, body, number, label=label, group=current_group))
            previous_kind = kind
            continue

        if normalize_title(line) in toc_titles or looks_like_heading(line):
            in_faq = bool(FAQ_HEADING.search(line))
            blocks.append(Block(BlockKind.HEADING, line, number, level=2))
            previous_kind = BlockKind.HEADING
            continue

        kind = BlockKind.LEAD if not blocks else BlockKind.PARAGRAPH
        blocks.append(Block(kind, line, number))
        previous_kind = kind

    headings = [b.text for b in blocks if b.kind == BlockKind.HEADING]
    return Document(slug=slug, path=path, blocks=tuple(blocks), title=headings[0] if headings else slug)
