"""The few strings of the page frame (not article content), per locale.

Article text comes from the catalogs; these are the words newsloc itself puts on
published pages, indexes and feeds. A locale without its own strings gets English,
and ``lang`` says so, so the page can mark that text as English.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.model import Locale


@dataclass(frozen=True)
class PageText:
    """Localized strings the page frame needs."""

    lang: str = "en"  # language these strings are written in
    mt_notice: str = "This page contains machine translation that has not been reviewed yet."
    label_separator: str = ": "
    index_title: str = "Articles"
    feed_title: str = "Latest articles"
    published: str = "Published"
    other_languages: str = "Other languages"
    reviewed_share: str = "Machine translation, {percent} reviewed so far."


PAGE_TEXTS = {
    "es": PageText(
        lang="es",
        mt_notice="Esta página contiene traducción automática que aún no ha sido revisada.",
        index_title="Artículos",
        feed_title="Últimos artículos",
        published="Publicado",
        other_languages="Otros idiomas",
        reviewed_share="Traducción automática, revisada en un {percent} hasta ahora.",
    ),
    "fr": PageText(
        lang="fr",
        mt_notice="Cette page contient une traduction automatique qui n’a pas encore été relue.",
        label_separator="\u00a0: ",  # French sets a no-break space before the colon
        index_title="Articles",
        feed_title="Derniers articles",
        published="Publié le",
        other_languages="Autres langues",
        reviewed_share="Traduction automatique, relue à {percent} pour l’instant.",
    ),
    "pt": PageText(
        lang="pt",
        mt_notice="Esta página contém tradução automática que ainda não foi revisada.",
        index_title="Artigos",
        feed_title="Últimos artigos",
        published="Publicado em",
        other_languages="Outros idiomas",
        reviewed_share="Tradução automática, {percent} revisada até agora.",
    ),
}


def page_text_for(locale: Locale) -> PageText:
    """Strings for the locale's tag, else for its language, else English."""
    return PAGE_TEXTS.get(locale.tag, PAGE_TEXTS.get(locale.language, PageText()))
