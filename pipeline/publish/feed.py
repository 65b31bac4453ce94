"""The Atom feed of one locale folder, built with lxml from the manifest's entries."""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from pipeline.config import Config
from pipeline.model import Locale
from pipeline.publish.metadata import clean, feed_url, index_url, publisher_name
from pipeline.publish.page_text import page_text_for

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _add(parent: etree._Element, name: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ATOM}}}{name}", attrs)
    if text is not None:
        element.text = clean(text)
    return element


def atom_feed(config: Config, locale: Locale, listed: Sequence[dict], generator: str) -> str:
    """The feed as text. ``listed``: dicts with url, title, summary, published (date), updated (timestamp).

    The feed's ``updated`` is its newest entry's, so an unchanged folder gives an unchanged feed.
    """
    page_text = page_text_for(locale)
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    feed.set(XML_LANG, locale.tag)
    _add(feed, "id", feed_url(config, locale.tag))
    _add(feed, "title", f"{page_text.feed_title} — {publisher_name(config)}")
    newest = max((entry["updated"] for entry in listed), default="1970-01-01T00:00:00Z")
    _add(feed, "updated", newest)
    _add(_add(feed, "author"), "name", publisher_name(config))
    _add(feed, "link", rel="self", type="application/atom+xml", href=feed_url(config, locale.tag))
    _add(feed, "link", rel="alternate", type="text/html", href=index_url(config, locale.tag))
    _add(feed, "generator", generator)
    for item in listed:
        entry = _add(feed, "entry")
        _add(entry, "id", item["url"])
        _add(entry, "title", item["title"])
        _add(entry, "link", rel="alternate", type="text/html", hreflang=locale.tag, href=item["url"])
        _add(entry, "published", f"{item['published']}T00:00:00Z")
        _add(entry, "updated", item["updated"])
        _add(entry, "summary", item["summary"])
    return '<?xml version="1.0" encoding="utf-8"?>\n' + etree.tostring(feed, encoding="unicode", pretty_print=True)
