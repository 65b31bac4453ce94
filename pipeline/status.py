"""How far each article is in each locale: segments by state, words, and open review flags.

Counts describe what the next build starts from: the article as it is now, merged
in memory with the locale's catalog (nothing is translated or written). Flags are
the ones the last build wrote into the catalog's ``flag:`` comments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from pipeline import catalog as catalogs
from pipeline.config import Config
from pipeline.inline import plain_text
from pipeline.model import EntryState, Locale, Severity
from pipeline.project import catalog_path, find_articles, read_catalog, relative
from pipeline.readers import read_document
from pipeline.segment import segment_document


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


def row_for(slug: str, locale: Locale, template, existing) -> StatusRow:
    """Count one locale of one article from its template and (possibly missing) catalog."""
    merged = catalogs.merge(template, existing, locale).catalog
    states = {state: 0 for state in EntryState}
    severities = {severity: 0 for severity in Severity}
    words = 0
    entries = [message for message in template if message.id]
    for entry in entries:
        message = catalogs.entry_at(merged, catalogs.key_of(entry))
        states[catalogs.entry_state(message)] += 1
        for flag in catalogs.entry_flags(message):
            severities[flag.severity] += 1
        words += source_words(entry.id)
    return StatusRow(
        slug=slug,
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
    for path in find_articles(config, articles):
        _, document = read_document(path, relative(config, path))
        template = catalogs.build_template(document, segment_document(document))
        for locale in locales or config.locales:
            existing = read_catalog(catalog_path(config, document.slug, locale))
            rows.append(row_for(document.slug, locale, template, existing))
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
