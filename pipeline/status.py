"""How far each article is in each locale: segments by state, words, and open review flags.

Counts describe what the next build starts from: the article as it is now, merged
in memory with the locale's catalog (nothing is translated or written). Flags are
computed as the build computes them (the same review pass), so status, check, the
build summary, the manifest and the review page give one count, even after a PO tool
dropped the ``flag:`` comments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from pipeline import catalog as catalogs
from pipeline import review
from pipeline.config import Config
from pipeline.engines import known_marks
from pipeline.glossary import Glossary
from pipeline.inline import plain_text
from pipeline.model import EntryState, Locale, Severity
from pipeline.project import catalog_path, find_articles, load_glossary, read_catalog
from pipeline.source import SourceArticle, analyse


@dataclass(frozen=True)
class StatusRow:
    slug: str
    locale: str
    segments: int
    words: int  # English words, codes not counted
    reviewed: int
    machine: int  # unreviewed machine drafts
    draft: int  # a person's unreviewed text
    untranslated: int
    errors: int
    warnings: int
    infos: int

    @property
    def percent_reviewed(self) -> float:
        return round(100 * self.reviewed / self.segments, 1) if self.segments else 100.0

    def as_dict(self) -> dict:
        return {**asdict(self), "percent_reviewed": self.percent_reviewed}


def source_words(text: str) -> int:
    return len(plain_text(text).split())


def row_for(source: SourceArticle, locale: Locale, existing, glossary: Glossary | None = None) -> StatusRow:
    """Count one locale of one article from the article and its (possibly missing) catalog."""
    merged = catalogs.merge(source.template, existing, locale).catalog
    views = review.annotate(merged, source.segments, source.source_flags, locale, glossary, known_marks())
    states = {state: 0 for state in EntryState}
    severities = {severity: 0 for severity in Severity}
    for view in views:
        states[view.state] += 1
        for flag in view.flags:
            severities[flag.severity] += 1
    entries = [message for message in source.template if message.id]
    words = sum(source_words(str(entry.id)) for entry in entries)
    return StatusRow(
        slug=source.document.slug,
        locale=locale.tag,
        segments=len(entries),
        words=words,
        reviewed=states[EntryState.REVIEWED],
        machine=states[EntryState.MACHINE],
        draft=states[EntryState.DRAFT],
        untranslated=states[EntryState.UNTRANSLATED],
        errors=severities[Severity.ERROR],
        warnings=severities[Severity.WARNING],
        infos=severities[Severity.INFO],
    )


def status_rows(
    config: Config, articles: Sequence[str] = (), locales: Sequence[Locale] | None = None
) -> list[StatusRow]:
    """One row per article and locale (default: every article, every configured locale)."""
    rows = []
    glossary = load_glossary(config)
    for path in find_articles(config, articles):
        source = analyse(config, path, glossary)
        for locale in locales or config.locales:
            existing = read_catalog(catalog_path(config, source.document.slug, locale))
            rows.append(row_for(source, locale, existing, glossary))
    return rows


COLUMNS = (
    ("article", "slug"),
    ("locale", "locale"),
    ("segments", "segments"),
    ("words", "words"),
    ("reviewed", "reviewed"),
    ("machine", "machine"),
    ("draft", "draft"),
    ("untranslated", "untranslated"),
    ("errors", "errors"),
    ("warnings", "warnings"),
    ("info", "infos"),
    ("reviewed %", "percent_reviewed"),
)


def format_table(rows: Sequence[StatusRow]) -> str:
    """A plain-text table, one line per row, columns aligned."""
    cells = [[title for title, _ in COLUMNS]]
    cells += [[str(row.as_dict()[field]) for _, field in COLUMNS] for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    lines = []
    for line in cells:
        lines.append(
            "  ".join(
                cell.ljust(width) if i < 2 else cell.rjust(width) for i, (cell, width) in enumerate(zip(line, widths))
            ).rstrip()
        )
    return "\n".join(lines)
