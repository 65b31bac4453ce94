"""What a translation memory holds: reviewed (English, translation) pairs and where each came from."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from babel.messages.catalog import Catalog

from pipeline import catalog as catalogs
from pipeline.model import EntryState

SOURCE_LANG = "en"


@dataclass(frozen=True, order=True)
class Origin:
    """Where a unit was reviewed: an article's catalog entry, or a unit of a TMX file."""

    document: str  # article slug, or "tm/<file>.tmx"
    entry: str = ""  # msgctxt in that catalog, or the TMX tuid

    def describe(self) -> str:
        return f"{self.document} {self.entry}".strip()


@dataclass(frozen=True)
class Unit:
    """One reviewed translation: English source (coded text), target text, target locale."""

    source: str
    target: str
    locale: str  # BCP 47 tag as the project writes it ("pt-BR")
    origin: Origin


def units_from_catalog(catalog: Catalog, locale: str, slug: str) -> list[Unit]:
    """Every reviewed entry of a catalog (active and obsolete: both are someone's reviewed work)."""
    messages: Iterable = [*catalog, *catalog.obsolete.values()]
    return [
        Unit(message.id, message.string, locale, Origin(slug, message.context or ""))
        for message in messages
        if message.id
        and isinstance(message.id, str)
        and isinstance(message.string, str)
        and catalogs.entry_state(message) == EntryState.REVIEWED
    ]


def locale_key(tag: str) -> str:
    """How locales compare: case-insensitive, '-' and '_' alike ("pt_br" is "pt-BR")."""
    return tag.replace("_", "-").lower()
