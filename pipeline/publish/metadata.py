"""What a published page says about itself: URLs, dates, description, hreflang, JSON-LD.

Pure functions from the configuration and a localized article to strings and
elements. URLs: a page lives at ``{base_url}/{lang}/{slug}.html``; the English
original is taken to live at ``{base_url}/en/{slug}.html`` (the outlet publishes it
there), which is also the ``x-default`` alternate.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit

from babel import Locale as BabelLocale
from babel import UnknownLocaleError
from babel.dates import format_date
from lxml import etree

from pipeline.config import Config
from pipeline.inline import plain_text
from pipeline.model import BlockKind, ConfigError, Locale, LocalizedArticle, SegmentView
from pipeline.publish.page_text import page_text_for

# Characters XML (and so lxml) cannot hold; a translator's stray control character is dropped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPACES = re.compile(r"\s+")


def clean(text: str) -> str:
    """One line of plain text, safe for any XML text or attribute."""
    return _SPACES.sub(" ", _NOT_XML.sub("", text)).strip()


# ---------------------------------------------------------------- URLs


def site_url(config: Config) -> str:
    return config.base_url.rstrip("/")


def page_url(config: Config, lang: str, slug: str) -> str:
    return f"{site_url(config)}/{lang}/{slug}.html"


def original_url(config: Config, article: LocalizedArticle) -> str:
    return page_url(config, article.document.source_lang, article.document.slug)


def index_url(config: Config, lang: str) -> str:
    return f"{site_url(config)}/{lang}/index.html"


def feed_url(config: Config, lang: str) -> str:
    return f"{site_url(config)}/{lang}/feed.xml"


def publisher_name(config: Config) -> str:
    """The outlet's name: the host of ``base_url`` (there is no separate setting)."""
    return urlsplit(config.base_url).hostname or config.base_url


# ---------------------------------------------------------------- text


def first_view(article: LocalizedArticle, kinds: tuple[BlockKind, ...]) -> SegmentView | None:
    """The first segment in a block of the first of ``kinds`` the article has."""
    for kind in kinds:
        for view in article.views:
            if article.document.blocks[view.segment.block].kind == kind:
                return view
    return None


TITLE_KINDS = (BlockKind.TITLE, BlockKind.HEADING)


def localized_title(article: LocalizedArticle) -> str:
    """The title block's translation, else the first heading's, else the English title."""
    view = first_view(article, TITLE_KINDS)
    return clean(plain_text(view.shown) if view else article.document.title or article.document.slug)


def english_title(article: LocalizedArticle) -> str:
    view = first_view(article, TITLE_KINDS)
    return clean(plain_text(view.segment.text) if view else article.document.title or article.document.slug)


def description(article: LocalizedArticle) -> str:
    """The first sentence of the lead (else of the first paragraph), as translated."""
    view = first_view(article, (BlockKind.LEAD, BlockKind.PARAGRAPH))
    return clean(plain_text(view.shown)) if view else localized_title(article)


# ---------------------------------------------------------------- dates


def published_date(config: Config, article: LocalizedArticle) -> date:
    """``published`` from the configuration, else the article file's modification date (UTC)."""
    if config.published:
        try:
            return date.fromisoformat(str(config.published)[:10])
        except ValueError:
            raise ConfigError(
                f"published = {config.published!r} in [tool.newsloc] is not a date such as 2025-11-04"
            ) from None
    source = config.resolve(Path(article.document.path))
    if source.exists():
        return datetime.fromtimestamp(source.stat().st_mtime, UTC).date()
    return datetime.now(UTC).date()


def iso_timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# ---------------------------------------------------------------- head


def json_for_script(data: dict) -> str:
    """JSON that cannot end its <script> early: <, > and & become \\u escapes (still the same JSON)."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def news_article_data(config: Config, article: LocalizedArticle, published: date) -> dict:
    """schema.org NewsArticle for the translated page."""
    url = page_url(config, article.locale.tag, article.document.slug)
    publisher = {"@type": "Organization", "name": publisher_name(config), "url": site_url(config)}
    return {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": url,
        "url": url,
        "mainEntityOfPage": url,
        "headline": localized_title(article),
        "description": description(article),
        "inLanguage": article.locale.tag,
        "datePublished": published.isoformat(),
        "isAccessibleForFree": True,
        "publisher": publisher,
        "translationOfWork": {
            "@type": "NewsArticle",
            "@id": original_url(config, article),
            "url": original_url(config, article),
            "headline": english_title(article),
            "inLanguage": article.document.source_lang,
        },
    }


def alternates(
    config: Config, slug: str, source_lang: str, available: Collection[str] | None = None
) -> list[tuple[str, str]]:
    """(hreflang, URL) for the original, every configured locale with a page (``available``: the
    tags whose page exists; None: all), and x-default (the original). No link to a page never built."""
    original = page_url(config, source_lang, slug)
    pairs = [(source_lang, original)]
    pairs += [
        (locale.tag, page_url(config, locale.tag, slug))
        for locale in config.locales
        if locale.tag != source_lang and (available is None or locale.tag in available)
    ]
    return [*pairs, ("x-default", original)]


def add_publish_head(
    head: etree._Element,
    config: Config,
    article: LocalizedArticle,
    published: date,
    available: Collection[str] | None = None,
) -> None:
    """Description, canonical URL, hreflang alternates, feed link and JSON-LD for a publish page."""
    slug, lang = article.document.slug, article.locale.tag
    etree.SubElement(head, "meta", name="description", content=description(article))
    etree.SubElement(head, "link", rel="canonical", href=page_url(config, lang, slug))
    for hreflang, url in alternates(config, slug, article.document.source_lang, available):
        etree.SubElement(head, "link", rel="alternate", hreflang=hreflang, href=url)
    etree.SubElement(head, "link", rel="alternate", type="application/atom+xml", href=feed_url(config, lang))
    script = etree.SubElement(head, "script", type="application/ld+json")
    script.text = json_for_script(news_article_data(config, article, published))


# ---------------------------------------------------------------- footer


def language_name(tag: str) -> str:
    """The language's name in itself ("español", "português (Brasil)"), else the tag."""
    try:
        return BabelLocale.parse(tag.replace("-", "_")).display_name or tag
    except (UnknownLocaleError, ValueError):
        return tag


def long_date(day: date, locale: Locale) -> str:
    try:
        return format_date(day, format="long", locale=locale.babel)
    except (UnknownLocaleError, ValueError):
        return day.isoformat()


def add_publish_footer(
    body: etree._Element,
    config: Config,
    article: LocalizedArticle,
    published: date,
    available: Collection[str] | None = None,
) -> None:
    """Publication date and links to the other languages (relative, so a copy of dist/ works offline)."""
    page_text = page_text_for(article.locale)
    footer = etree.SubElement(body, "footer")
    dateline = etree.SubElement(footer, "p", {"class": "dateline"})
    if page_text.lang != article.locale.language:
        dateline.set("lang", page_text.lang)
    dateline.text = f"{page_text.published} "
    when = etree.SubElement(dateline, "time", datetime=published.isoformat())
    when.text = long_date(published, article.locale)
    nav = etree.SubElement(footer, "nav", {"aria-label": page_text.other_languages})
    items = etree.SubElement(nav, "ul")
    slug, source_lang = article.document.slug, article.document.source_lang
    for hreflang, url in alternates(config, slug, source_lang, available):
        if hreflang in ("x-default", article.locale.tag):
            continue
        href = url if hreflang == source_lang else f"../{hreflang}/{slug}.html"
        link = etree.SubElement(etree.SubElement(items, "li"), "a", href=href, hreflang=hreflang, lang=hreflang)
        link.text = language_name(hreflang)
