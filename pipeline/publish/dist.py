"""What goes to dist/: each localized article's pages, and the files that list them.

``dist_files`` is pure but for reading article dates: it returns every (path, text) the
run writes. Besides the pages, it rewrites ``manifest.json`` — merged with the previous
one, so articles and locales not built this run keep their entries, and left as it was
when nothing but its build times would change — and, for each locale
built, ``<lang>/index.html`` and ``<lang>/feed.xml`` listing every page the manifest
knows in that folder.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path, PurePosixPath

from babel.numbers import format_percent
from lxml import etree

from pipeline import __version__
from pipeline.config import Config
from pipeline.fileio import MAX_CATALOG_BYTES, read_limited
from pipeline.marks import MarkKind
from pipeline.model import ConfigError, EntryState, InputError, Locale, LocalizedArticle, Severity
from pipeline.publish.feed import atom_feed
from pipeline.publish.metadata import (
    add_publish_footer,
    add_publish_head,
    clean,
    description,
    feed_url,
    index_url,
    iso_timestamp,
    localized_title,
    long_date,
    page_url,
    published_date,
)
from pipeline.publish.page_text import page_text_for
from pipeline.publish.pages import STYLE, build_page, page_frame, serialize

GENERATOR = f"newsloc {__version__}"
MANIFEST = PurePosixPath("manifest.json")
MAX_MANIFEST_BYTES = MAX_CATALOG_BYTES  # ours, but dist/ may hold anything: never read a huge one whole
# One safe file or folder name: what slugs (read.slug_for) and BCP 47 tags look like.
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
LOCALE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def read_manifest(dist: Path) -> dict | None:
    path = dist / MANIFEST
    if not path.exists():
        return None
    try:
        return json.loads(read_limited(path, MAX_MANIFEST_BYTES, "manifest").decode("utf-8"))
    except (ValueError, UnicodeDecodeError, InputError, RecursionError):
        return None  # rebuilt from this run's articles


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- paths


def checked_path(path: PurePosixPath) -> PurePosixPath:
    """The path, if it stays inside dist/: relative, made only of safe names."""
    if path.is_absolute() or not path.parts or not all(SAFE_NAME.fullmatch(p) and p != ".." for p in path.parts):
        raise InputError(f"refusing to write outside dist/ or to an unsafe name: {path}")
    return path


def article_folder(article: LocalizedArticle) -> PurePosixPath:
    if not LOCALE_TAG.fullmatch(article.locale.folder):
        raise ConfigError(f"locale '{article.locale.tag}' is not a BCP 47 tag such as es, fr or pt-BR")
    if not SAFE_NAME.fullmatch(article.document.slug) or ".." in article.document.slug:
        raise InputError(
            "article slug must be letters, digits, '-', '_' or '.'; rename the file", article.document.path
        )
    return PurePosixPath(article.locale.folder)


Text = Callable[[], str]  # a dist/ file's content, made when it is written


def without_collisions(files: list[tuple[PurePosixPath, Text]]) -> list[tuple[PurePosixPath, Text]]:
    """Two outputs with one path (an article named index, or x.review next to x) would overwrite each other."""
    seen: set[PurePosixPath] = set()
    for path, _ in files:
        if path in seen:
            raise InputError(
                f"two outputs would be written to dist/{path}; rename the article whose "
                f"name makes it (index, feed and <name>.review are taken)"
            )
        seen.add(path)
    return files


# ---------------------------------------------------------------- manifest


def page_record(config: Config, article: LocalizedArticle, published: date) -> dict:
    """What the manifest says about one article in one locale (page fields are added by the caller)."""
    states = Counter(view.state.value for view in article.views)
    flags = Counter(flag.severity.value for view in article.views for flag in view.flags)
    total = len(article.views)
    machine = {view.provenance for view in article.views if view.provenance and view.provenance.is_machine}
    return {
        "url": page_url(config, article.locale.tag, article.document.slug),
        "title": localized_title(article),
        "summary": description(article),
        "published": published.isoformat(),
        "segments": {"total": total, **{state.value: states[state.value] for state in EntryState}},
        "reviewed_percent": round(100 * states[EntryState.REVIEWED.value] / total, 1) if total else 100.0,
        "flags": {severity.value: flags[severity.value] for severity in Severity},
        "engines": sorted({provenance.engine for provenance in machine}),
        "models": sorted(provenance.describe() for provenance in machine),
    }


def previous_articles(previous: dict | None) -> dict[str, dict]:
    """slug → {"source", "locales": {tag: entry}} from the previous manifest, only well-formed, safe parts."""
    articles = previous.get("articles") if isinstance(previous, dict) else None
    kept: dict[str, dict] = {}
    for slug, record in articles.items() if isinstance(articles, dict) else ():
        locales = record.get("locales") if isinstance(record, dict) else None
        if not SAFE_NAME.fullmatch(str(slug)) or ".." in str(slug) or not isinstance(locales, dict):
            continue
        kept[slug] = {
            "source": record.get("source"),
            "locales": {
                tag: entry
                for tag, entry in locales.items()
                if LOCALE_TAG.fullmatch(str(tag)) and isinstance(entry, dict)
            },
        }
    return kept


def merged_manifest(
    config: Config, before: dict[str, dict], built: dict[tuple[str, str], dict], sources: dict[str, str], built_at: str
) -> dict:
    """``before`` (the previous manifest's ``previous_articles``) with this run's entries put in."""
    articles = {slug: {**record, "locales": dict(record["locales"])} for slug, record in before.items()}
    for (slug, tag), entry in built.items():
        record = articles.setdefault(slug, {"source": None, "locales": {}})
        record["source"] = sources[slug]
        record["locales"][tag] = entry
    return {
        "generator": GENERATOR,
        "built": built_at,
        "base_url": config.base_url,
        "articles": {
            slug: {"source": record["source"], "locales": dict(sorted(record["locales"].items()))}
            for slug, record in sorted(articles.items())
        },
    }


def locale_entry(
    article: LocalizedArticle,
    record: dict,
    page_digest: str | None,
    review_digest: str,
    previous: dict | None,
    built_at: str,
) -> dict:
    """The manifest entry: this run's counts; the publish page (None: not written) as it now stands on disk."""
    folder = article_folder(article)
    slug = article.document.slug
    entry = {
        **record,
        "built": built_at,
        "review_path": str(folder / f"{slug}.review.html"),
        "review_sha256": review_digest,
        "publish_blocked": page_digest is None,
    }
    if page_digest is not None:
        updated = previous.get("updated") if previous is not None and previous.get("sha256") == page_digest else None
        entry |= {
            "path": str(folder / f"{slug}.html"),
            "sha256": page_digest,
            "updated": updated or built_at,
        }
    elif previous is not None and previous.get("path"):
        # Publishing blocked: the page from an earlier run is still what outlets have.
        entry |= {key: previous.get(key) for key in ("path", "sha256", "updated", "title", "summary", "url")}
    else:
        entry |= {"path": None, "sha256": None, "updated": None}
    return entry


def _without_build_times(value: object, depth: int = 0) -> object:
    """The manifest without its "built" times (the run's, depth 0, and each entry's, depth 4)."""
    if not isinstance(value, dict):
        return value
    return {
        key: _without_build_times(item, depth + 1)
        for key, item in value.items()
        if not (key == "built" and depth in (0, 4))
    }


# ---------------------------------------------------------------- per-locale listings


def listed_pages(manifest: dict, tag: str) -> list[dict]:
    """The pages the manifest knows in a locale folder, newest first."""
    listed = []
    for slug, record in manifest["articles"].items():
        entry = record["locales"].get(tag)
        if not entry or not entry.get("path") or not isinstance(entry.get("title"), str):
            continue
        try:
            published = date.fromisoformat(str(entry.get("published")))
        except ValueError:
            continue
        listed.append(
            {
                "slug": slug,
                "url": str(entry.get("url", "")),
                "title": entry["title"],
                "summary": str(entry.get("summary", "")),
                "published": published,
                "updated": str(entry.get("updated") or manifest["built"]),
                "reviewed_percent": entry.get("reviewed_percent"),
            }
        )
    return sorted(listed, key=lambda item: (-item["published"].toordinal(), item["title"], item["slug"]))


def index_page(config: Config, locale: Locale, listed: Sequence[dict], indexed: Collection[str] | None = None) -> str:
    """dist/<lang>/index.html: every article page in the folder, with date and summary.

    ``indexed``: the locales that have an index (None: every configured one); only those are linked.
    """
    page_text = page_text_for(locale)
    html, head = page_frame(locale.tag, page_text.index_title, STYLE)
    etree.SubElement(head, "link", rel="canonical", href=index_url(config, locale.tag))
    for other in config.locales:
        if indexed is not None and other.tag not in indexed and other != locale:
            continue
        etree.SubElement(head, "link", rel="alternate", hreflang=other.tag, href=index_url(config, other.tag))
    etree.SubElement(head, "link", rel="alternate", type="application/atom+xml", href=feed_url(config, locale.tag))
    main = etree.SubElement(etree.SubElement(html, "body"), "main")
    heading = etree.SubElement(main, "h1")
    heading.text = page_text.index_title
    items = etree.SubElement(main, "ul", {"class": "articles"})
    for item in listed:
        article = etree.SubElement(etree.SubElement(items, "li"), "article")
        link = etree.SubElement(etree.SubElement(article, "h2"), "a", href=f"{item['slug']}.html")
        link.text = clean(item["title"])
        when = etree.SubElement(
            etree.SubElement(article, "p", {"class": "date"}), "time", datetime=item["published"].isoformat()
        )
        when.text = long_date(item["published"], locale)
        if isinstance(item["reviewed_percent"], (int, float)) and item["reviewed_percent"] < 100:
            status = etree.SubElement(article, "p", {"class": "review-status"})
            status.text = page_text.reviewed_share.format(
                percent=format_percent(item["reviewed_percent"] / 100, locale=locale.babel)
            )
        summary = etree.SubElement(article, "p")
        summary.text = clean(item["summary"])
    return serialize(html)


# ---------------------------------------------------------------- everything


@dataclass(frozen=True, init=False)
class RenderedPages:
    """One localized article's pages: pure of everything but the article file's date. Held compressed
    (a newsroom's build keeps every page until dist/ is written; HTML shrinks about tenfold)."""

    published: date
    _page: bytes | None
    _review: bytes
    page_sha256: str | None  # what the manifest records, known without opening the page again
    review_sha256: str

    def __init__(self, published: date, page: str | None, review: str):
        object.__setattr__(self, "published", published)
        object.__setattr__(self, "_page", None if page is None else zlib.compress(page.encode("utf-8"), 1))
        object.__setattr__(self, "_review", zlib.compress(review.encode("utf-8"), 1))
        object.__setattr__(self, "page_sha256", None if page is None else sha256(page))
        object.__setattr__(self, "review_sha256", sha256(review))

    @property
    def page(self) -> str | None:
        """The publish view (None when not asked for)."""
        return None if self._page is None else zlib.decompress(self._page).decode("utf-8")

    @property
    def review(self) -> str:
        return zlib.decompress(self._review).decode("utf-8")


def render_pages(
    config: Config,
    article: LocalizedArticle,
    publish_view: bool = True,
    marks: Sequence[MarkKind] = (),
    available: Collection[str] | None = None,
) -> RenderedPages:
    """``available``: the locales that have a publish page of this article (None: every configured one);
    the page links only those."""
    published = published_date(config, article)
    page = None
    if publish_view:
        extras = {"config": config, "article": article, "published": published, "available": available}
        page = serialize(
            build_page(
                article,
                review=False,
                head_extras=partial(add_publish_head, **extras),  # type: ignore[arg-type]
                body_extras=partial(add_publish_footer, **extras),  # type: ignore[arg-type]
            )
        )
    return RenderedPages(published, page, serialize(build_page(article, review=True, marks=marks)))


def available_locales(
    previous_manifest: dict | None, articles: Sequence[LocalizedArticle], publish_view: bool = True
) -> dict[str, set[str]]:
    """slug → the locales that have (or, after this run, will have) its publish page: what pages link."""
    available: dict[str, set[str]] = {
        slug: {tag for tag, entry in record["locales"].items() if entry.get("path")}
        for slug, record in previous_articles(previous_manifest).items()
    }
    if publish_view:
        for article in articles:
            available.setdefault(article.document.slug, set()).add(article.locale.tag)
    return available


def retracted(previous_manifest: dict | None, current_slugs: Collection[str]) -> dict[str, list[PurePosixPath]]:
    """slug → its files under dist/, for every article the manifest lists that is gone from articles/.

    dist/ mirrors the articles: a retracted story must not stay live in pages, listings or the feed.
    """
    gone: dict[str, list[PurePosixPath]] = {}
    for slug, record in previous_articles(previous_manifest).items():
        if slug not in current_slugs:
            gone[slug] = [
                checked_path(PurePosixPath(tag) / name)
                for tag in record["locales"]
                for name in (f"{slug}.html", f"{slug}.review.html")
            ]
    return gone


def dist_files(
    config: Config,
    articles: Sequence[LocalizedArticle],
    *,
    previous_manifest: dict | None,
    publish_view: bool = True,
    now: datetime | None = None,
    rendered: Sequence[RenderedPages] | None = None,
    marks: Sequence[MarkKind] = (),
    current_slugs: Collection[str] | None = None,
    memo: Callable[[Locale, list[dict], set[str], Callable[[], str]], str] = lambda *inputs: inputs[-1](),
) -> list[tuple[PurePosixPath, Text]]:
    """(path under dist/, its content when asked) for every file this run writes: a newsroom's pages
    are made one at a time as they are written, never all held at once.

    ``publish_view=False`` (strict run with errors): review pages only; the manifest keeps
    pointing at the publish page an earlier run wrote, if any. ``rendered`` holds each
    article's pages already rendered (by the build's worker processes, linking the locales
    ``available_locales`` gives), in order; ``marks``: the engines' marks, for the review
    badges. ``current_slugs``: every article in the project now; the manifest and listings
    drop the others (see ``retracted``). ``memo(locale, listed, indexed, render)``: an index page,
    rendered by ``render`` or reused (the build's cache).
    """
    built_at = iso_timestamp(now or datetime.now(UTC))
    before = previous_articles(previous_manifest)
    listed_locales = [article.locale for article in articles]
    if current_slugs is not None:
        gone = {slug for slug in before if slug not in current_slugs}
        listed_locales += [Locale(tag) for slug in sorted(gone) for tag in before[slug]["locales"]]
        before = {slug: record for slug, record in before.items() if slug not in gone}
    files: list[tuple[PurePosixPath, Text]] = []
    built: dict[tuple[str, str], dict] = {}
    available = available_locales(previous_manifest, articles, publish_view)
    for index, article in enumerate(articles):
        folder, slug, tag = article_folder(article), article.document.slug, article.locale.tag
        pages = (
            rendered[index]
            if rendered is not None
            else render_pages(config, article, publish_view, marks, available.get(slug, set()))
        )
        published = pages.published
        page_digest = pages.page_sha256 if publish_view else None
        if page_digest is not None:
            files.append((folder / f"{slug}.html", partial(_page_of, pages)))
        files.append((folder / f"{slug}.review.html", partial(_review_of, pages)))
        record = page_record(config, article, published)
        earlier = before.get(slug, {}).get("locales", {}).get(tag)
        built[(slug, tag)] = locale_entry(article, record, page_digest, pages.review_sha256, earlier, built_at)
    manifest = merged_manifest(config, before, built, {a.document.slug: a.document.path for a in articles}, built_at)
    indexed = {tag for record in manifest["articles"].values() for tag in record["locales"]}
    for locale in dict.fromkeys(listed_locales):
        listed = listed_pages(manifest, locale.tag)
        render_index = partial(index_page, config, locale, listed, indexed)
        files.append((PurePosixPath(locale.folder) / "index.html", _known(memo(locale, listed, indexed, render_index))))
        files.append((PurePosixPath(locale.folder) / "feed.xml", _known(atom_feed(config, locale, listed, GENERATOR))))
    if isinstance(previous_manifest, dict) and _without_build_times(previous_manifest) == _without_build_times(
        manifest
    ):
        manifest = previous_manifest  # nothing but the time would change: dist/ stays as it is, byte for byte
    files.append((MANIFEST, _known(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")))
    return without_collisions([(checked_path(path), content) for path, content in files])


def _page_of(pages: RenderedPages) -> str:
    page = pages.page
    assert page is not None  # listed only when there is one
    return page


def _review_of(pages: RenderedPages) -> str:
    return pages.review


def _known(text: str) -> Text:
    return partial(str, text)
