"""dist/ contents: page metadata, manifest (merged across runs), feeds, indexes, safe paths."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath

import lxml.html
import pytest
from lxml import etree
from test_render import DATA, localized

from pipeline.config import Config
from pipeline.model import ConfigError, EntryState, Flag, InputError, Locale, Severity
from pipeline.publish.dist import dist_files
from pipeline.publish.metadata import json_for_script, published_date
from pipeline.readers import slug_for

ATOM = "{http://www.w3.org/2005/Atom}"
NOW = datetime(2025, 11, 5, 12, 30, tzinfo=UTC)
LATER = datetime(2025, 11, 6, 8, 0, tzinfo=UTC)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    (tmp_path / "articles").mkdir()
    shutil.copy(DATA / "short-article.md", tmp_path / "articles" / "short-article.md")
    shutil.copy(DATA / "short-article.html", tmp_path / "articles" / "other-article.html")
    return Config(root=tmp_path, published="2025-11-04", base_url="https://news.example/world/")


def article(config: Config, tag: str, name: str = "short-article.md", **choices):
    made = localized(config.root / "articles" / name, Locale(tag), **choices)
    return replace(made, document=replace(made.document, path=f"articles/{name}"))


def files_of(config, articles, previous=None, now=NOW, **options) -> dict[str, str]:
    return {
        str(path): text() for path, text in dist_files(config, articles, previous_manifest=previous, now=now, **options)
    }


def test_every_path_stays_inside_dist(config):
    files = files_of(config, [article(config, tag) for tag in ("es", "fr", "pt-BR")])
    assert set(files) == {"manifest.json"} | {
        f"{tag}/{name}"
        for tag in ("es", "fr", "pt-BR")
        for name in ("short-article.html", "short-article.review.html", "index.html", "feed.xml")
    }
    for path in files:
        assert not PurePosixPath(path).is_absolute() and ".." not in PurePosixPath(path).parts


def test_publish_head_metadata(config):
    files = files_of(config, [article(config, tag) for tag in ("es", "fr", "pt-BR")])
    html = lxml.html.fromstring(files["pt-BR/short-article.html"])
    base = "https://news.example/world"
    assert html.xpath("//link[@rel='canonical']/@href") == [f"{base}/pt-BR/short-article.html"]
    alternates = {link.get("hreflang"): link.get("href") for link in html.xpath("//link[@hreflang]")}
    assert alternates == {
        "en": f"{base}/en/short-article.html",
        "es": f"{base}/es/short-article.html",
        "fr": f"{base}/fr/short-article.html",
        "pt-BR": f"{base}/pt-BR/short-article.html",
        "x-default": f"{base}/en/short-article.html",
    }
    description = html.xpath("//meta[@name='description']/@content")[0]
    assert description.startswith("⟦Mexico's President has firmly dismissed") and description.endswith("⟧")
    data = json.loads(html.xpath("//script[@type='application/ld+json']")[0].text)
    assert data["@type"] == "NewsArticle" and data["inLanguage"] == "pt-BR"
    assert data["headline"] == html.findtext("head/title") == "⟦Mexico Rejects Talk of U.S. Intervention⟧"
    assert data["datePublished"] == "2025-11-04" and data["isAccessibleForFree"] is True
    assert data["description"] == description
    assert data["translationOfWork"]["url"] == f"{base}/en/short-article.html"
    assert data["translationOfWork"]["headline"] == "Mexico Rejects Talk of U.S. Intervention"
    footer_links = html.xpath("//footer//a/@href")
    assert "../es/short-article.html" in footer_links and f"{base}/en/short-article.html" in footer_links
    assert html.xpath("//footer//time/@datetime") == ["2025-11-04"]


def test_pages_link_only_the_locales_that_have_the_page(config):
    """A page built for es alone links no French page that was never built; one built earlier counts."""
    alone = files_of(config, [article(config, "es")])
    html = lxml.html.fromstring(alone["es/short-article.html"])
    assert set(html.xpath("//link[@hreflang]/@hreflang")) == {"en", "es", "x-default"}
    assert not [href for href in html.xpath("//footer//a/@href") if "/fr/" in href or "pt-BR" in href]
    index = lxml.html.fromstring(alone["es/index.html"])
    assert set(index.xpath("//link[@hreflang]/@hreflang")) == {"es"}
    previous = json.loads(files_of(config, [article(config, "fr")])["manifest.json"])
    later = lxml.html.fromstring(files_of(config, [article(config, "es")], previous)["es/short-article.html"])
    assert set(later.xpath("//link[@hreflang]/@hreflang")) == {"en", "es", "fr", "x-default"}
    assert "../fr/short-article.html" in later.xpath("//footer//a/@href")


def test_an_article_gone_from_the_project_leaves_the_manifest_and_the_listings(config):
    from pipeline.publish.dist import retracted

    both = [article(config, "es"), article(config, "es", "other-article.html")]
    previous = json.loads(files_of(config, both)["manifest.json"])
    assert set(previous["articles"]) == {"short-article", "other-article"}
    assert retracted(previous, {"short-article"}) == {
        "other-article": [PurePosixPath("es/other-article.html"), PurePosixPath("es/other-article.review.html")]
    }
    files = files_of(config, [article(config, "fr")], previous, current_slugs={"short-article"})
    manifest = json.loads(files["manifest.json"])
    assert set(manifest["articles"]) == {"short-article"}
    assert set(manifest["articles"]["short-article"]["locales"]) == {"es", "fr"}
    assert "es/index.html" in files and "other-article" not in files["es/index.html"] + files["es/feed.xml"]
    assert "short-article.html" in files["es/index.html"]


def test_review_page_is_noindex_without_alternates(config):
    html = lxml.html.fromstring(files_of(config, [article(config, "es")])["es/short-article.review.html"])
    assert html.xpath("//meta[@name='robots']/@content") == ["noindex"]
    assert not html.xpath("//link[@hreflang] | //link[@rel='canonical']")


def test_script_json_cannot_close_its_element():
    text = json_for_script({"headline": "</script><script>alert(1)</script> & <!--"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["headline"] == "</script><script>alert(1)</script> & <!--"


def test_published_date_from_config_else_file_date(config):
    made = article(config, "es")
    assert published_date(config, made) == date(2025, 11, 4)
    os.utime(config.root / "articles" / "short-article.md", (0, datetime(2024, 2, 29, 12, tzinfo=UTC).timestamp()))
    assert published_date(replace(config, published=""), made) == date(2024, 2, 29)
    with pytest.raises(ConfigError):
        published_date(replace(config, published="soon"), made)


def test_manifest_records_checksums_counts_and_engines(config):
    def state(number):
        return EntryState.REVIEWED if number < 3 else EntryState.MACHINE

    def flags(number):
        return (Flag("glossary", Severity.WARNING, "x"), Flag("numbers", Severity.ERROR, "y")) if number == 4 else ()

    files = files_of(config, [article(config, "es", state=state, flags=flags)])
    entry = json.loads(files["manifest.json"])["articles"]["short-article"]["locales"]["es"]
    total = entry["segments"]["total"]
    assert entry["segments"]["reviewed"] == 3 and entry["segments"]["machine"] == total - 3
    assert entry["reviewed_percent"] == round(300 / total, 1)
    assert entry["flags"] == {"error": 1, "warning": 1, "info": 0}
    # Only engines: a person's text is counted in "segments", never listed as an engine.
    assert entry["engines"] == ["pseudo"] and entry["models"] == ["pseudo en-x 1"]
    assert entry["path"] == "es/short-article.html" and entry["review_path"] == "es/short-article.review.html"
    for path_key, sum_key in (("path", "sha256"), ("review_path", "review_sha256")):
        assert entry[sum_key] == hashlib.sha256(files[entry[path_key]].encode("utf-8")).hexdigest()
    assert entry["built"] == entry["updated"] == "2025-11-05T12:30:00Z"
    assert datetime.fromisoformat(entry["built"].replace("Z", "+00:00")) == NOW


def test_manifest_merges_and_listings_cover_earlier_runs(config):
    first = files_of(config, [article(config, "es"), article(config, "fr")])
    second = files_of(
        config,
        [article(config, "es", name="other-article.html")],
        previous=json.loads(first["manifest.json"]),
        now=LATER,
    )
    manifest = json.loads(second["manifest.json"])
    assert set(manifest["articles"]) == {"short-article", "other-article"}
    assert set(manifest["articles"]["short-article"]["locales"]) == {"es", "fr"}
    assert manifest["articles"]["short-article"]["locales"]["es"]["built"] == "2025-11-05T12:30:00Z"
    assert manifest["articles"]["other-article"]["source"] == "articles/other-article.html"
    assert "fr/index.html" not in second  # fr not built: its listing is left as it was
    feed = etree.fromstring(second["es/feed.xml"].encode("utf-8"))
    assert sorted(entry.findtext(f"{ATOM}id") for entry in feed.findall(f"{ATOM}entry")) == [
        "https://news.example/world/es/other-article.html",
        "https://news.example/world/es/short-article.html",
    ]
    assert feed.findtext(f"{ATOM}updated") == "2025-11-06T08:00:00Z"
    index = lxml.html.fromstring(second["es/index.html"])
    assert sorted(index.xpath("//main//h2/a/@href")) == ["other-article.html", "short-article.html"]


def test_feed_entries_carry_localized_title_and_summary(config):
    feed = etree.fromstring(files_of(config, [article(config, "fr")])["fr/feed.xml"].encode("utf-8"))
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    assert feed.findtext(f"{ATOM}title") == "Derniers articles — news.example"
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == "news.example"
    entry = feed.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "⟦Mexico Rejects Talk of U.S. Intervention⟧"
    assert entry.findtext(f"{ATOM}summary").startswith("⟦Mexico's President")
    assert entry.find(f"{ATOM}link").get("href") == "https://news.example/world/fr/short-article.html"
    assert entry.findtext(f"{ATOM}published") == "2025-11-04T00:00:00Z"


def test_previous_manifest_cannot_smuggle_paths(config):
    previous = {
        "articles": {
            "../../etc": {"locales": {"es": {"path": "x", "title": "t", "published": "2025-01-01"}}},
            "ok": {"locales": {"../x": {"path": "y"}, "es": "not an entry"}},
            "fine": "not a record",
        }
    }
    files = files_of(config, [article(config, "es")], previous=previous)
    manifest = json.loads(files["manifest.json"])
    assert set(manifest["articles"]) == {"short-article", "ok"}
    assert manifest["articles"]["ok"]["locales"] == {}
    assert files_of(config, [article(config, "es")], previous=["not", "a", "manifest"])


def test_a_run_that_changes_nothing_leaves_every_file_as_it_was(config):
    first = files_of(config, [article(config, "es")])
    second = files_of(config, [article(config, "es")], previous=json.loads(first["manifest.json"]), now=LATER)
    assert second == first  # the manifest keeps its build times: dist/ is not rewritten
    reviewed = files_of(
        config,
        [article(config, "es", state=lambda number: EntryState.REVIEWED)],
        previous=json.loads(first["manifest.json"]),
        now=LATER,
    )
    manifest = json.loads(reviewed["manifest.json"])
    assert (
        manifest["built"] == manifest["articles"]["short-article"]["locales"]["es"]["built"] == "2025-11-06T08:00:00Z"
    )


def test_unchanged_page_keeps_its_updated_time(config):
    first = files_of(config, [article(config, "es")])
    second = files_of(config, [article(config, "es")], previous=json.loads(first["manifest.json"]), now=LATER)
    entry = json.loads(second["manifest.json"])["articles"]["short-article"]["locales"]["es"]
    assert entry["updated"] == entry["built"] == "2025-11-05T12:30:00Z"  # a run that changed nothing
    feed = etree.fromstring(second["es/feed.xml"].encode("utf-8"))
    assert feed.findtext(f"{ATOM}updated") == "2025-11-05T12:30:00Z"
    assert second["es/feed.xml"] == first["es/feed.xml"]


def test_blocked_publish_keeps_the_page_outlets_have(config):
    first = files_of(config, [article(config, "es")])
    blocked = files_of(
        config,
        [article(config, "es", state=lambda n: EntryState.REVIEWED)],
        previous=json.loads(first["manifest.json"]),
        now=LATER,
        publish_view=False,
    )
    assert "es/short-article.html" not in blocked and "es/short-article.review.html" in blocked
    entry = json.loads(blocked["manifest.json"])["articles"]["short-article"]["locales"]["es"]
    assert entry["publish_blocked"] is True
    assert entry["sha256"] == hashlib.sha256(first["es/short-article.html"].encode("utf-8")).hexdigest()
    assert entry["segments"]["reviewed"] == entry["segments"]["total"]  # counts are this run's
    fresh = files_of(config, [article(config, "fr")], publish_view=False)
    entry = json.loads(fresh["manifest.json"])["articles"]["short-article"]["locales"]["fr"]
    assert entry["path"] is None
    assert not lxml.html.fromstring(fresh["fr/index.html"]).xpath("//main//h2")


# ---------------------------------------------------------------- names that become paths


def passes(name: str) -> None:
    assert slug_for(Path(name)) == Path(name).stem.lower()


def fails(name: str) -> None:
    with pytest.raises(InputError):
        slug_for(Path(name))


@pytest.mark.parametrize("name", ["mexico.txt", "a-b_c.2.md", "2025-11-04-news.html", "../../up/ok.txt"])
def test_safe_slugs(name):
    passes(name)  # only the file name's stem becomes the slug; folders never reach dist/


@pytest.mark.parametrize(
    "name",
    [
        "..txt",
        "...md",
        "-dash.txt",
        "has space.txt",
        "semi;colon.md",
        "ñandú.txt",
        "a..b.txt",
        "back\\slash.txt",
        ".hidden.md",
    ],
)
def test_unsafe_slugs(name):
    fails(name)


@pytest.mark.parametrize("slug", ["../escape", "/abs", "a/b", "..", ""])
def test_dist_files_refuses_unsafe_slugs(config, slug):
    made = article(config, "es")
    with pytest.raises(InputError):
        dist_files(config, [replace(made, document=replace(made.document, slug=slug))], previous_manifest=None)


@pytest.mark.parametrize("tag", ["../es", "es/../../x", "/tmp"])
def test_dist_files_refuses_unsafe_locale_folders(config, tag):
    with pytest.raises(ConfigError):
        dist_files(config, [replace(article(config, "es"), locale=Locale(tag))], previous_manifest=None)


@pytest.mark.parametrize("slug", ["index", "short-article.review"])
def test_outputs_that_would_overwrite_each_other_are_refused(config, slug):
    made = article(config, "es")
    other = replace(made, document=replace(made.document, slug=slug))
    with pytest.raises(InputError, match="two outputs"):
        dist_files(config, [made, other], previous_manifest=None)


def test_index_says_how_much_of_a_machine_translated_article_is_reviewed(tmp_path):
    import shutil

    from pipeline.build import BuildOptions, build
    from pipeline.config import load_config
    from pipeline.model import Locale

    repo = Path(__file__).resolve().parent.parent
    (tmp_path / "articles").mkdir()
    shutil.copy(repo / "articles" / "mexico-rejects-us-intervention.txt", tmp_path / "articles")
    shutil.copy(repo / "pyproject.toml", tmp_path)
    build(load_config(tmp_path), [], BuildOptions(locales=(Locale("es"),), engine="pseudo"))
    index = (tmp_path / "dist" / "es" / "index.html").read_text(encoding="utf-8")
    assert "Traducción automática, revisada en un 0\u00a0% hasta ahora." in index
