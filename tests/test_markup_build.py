"""Markdown and HTML articles through the whole build: links, emphasis, code and translate="no" survive."""

import shutil
from pathlib import Path

import lxml.html
import pytest

from pipeline.build import BuildOptions, build
from pipeline.config import load_config
from pipeline.engines.apertium import ApertiumEngine
from pipeline.model import Locale

DATA = Path(__file__).parent / "data"
LOCALES = (Locale("es"), Locale("fr"), Locale("pt-BR"))
ENGINES = ["pseudo"] + (["apertium"] if all(ApertiumEngine().available("en", l) for l in LOCALES) else [])


@pytest.fixture(scope="module", params=ENGINES)
def built(request, tmp_path_factory):
    project = tmp_path_factory.mktemp(f"markup-{request.param}")
    (project / "articles").mkdir()
    shutil.copy(DATA / "short-article.md", project / "articles" / "short-md.md")
    shutil.copy(DATA / "short-article.html", project / "articles" / "short-html.html")
    shutil.copy(Path(__file__).parent.parent / "pyproject.toml", project / "pyproject.toml")
    build(load_config(project), [], BuildOptions(locales=LOCALES, engine=request.param))
    return project


def page(project: Path, locale: Locale, slug: str):
    return lxml.html.parse(str(project / "dist" / locale.tag / f"{slug}.html")).getroot()


@pytest.mark.parametrize("slug", ["short-md", "short-html"])
@pytest.mark.parametrize("locale", LOCALES, ids=lambda l: l.tag)
def test_links_emphasis_code_and_notranslate_survive(built, locale, slug):
    root = page(built, locale, slug)
    article = root.cssselect("main article")[0]
    hrefs = [a.get("href") for a in article.iter("a")]
    assert "https://www.state.gov/" in hrefs and "https://example.org/dialogue" in hrefs
    state = [a for a in article.iter("a") if a.get("href") == "https://www.state.gov/"][0]
    assert state.get("title") == "U.S. Department of State"  # attributes restored, never translated
    assert article.cssselect("em") and article.cssselect("strong")
    codes = [c.text_content() for c in article.cssselect("p code, li code")]
    assert "trend --region latam" in codes
    assert article.cssselect("pre code")[0].text_content().strip() == "trend --region latam --since 1954"
    kept = [s.text_content() for s in article.xpath(".//*[@translate='no']")]
    assert "Le Journal de Québec" in kept
    assert len(article.cssselect("table tr")) == 4 and article.cssselect("table thead th")
    assert article.cssselect("blockquote")


@pytest.mark.parametrize("locale", LOCALES, ids=lambda l: l.tag)
def test_both_articles_are_listed_in_the_locale_index(built, locale):
    index = (built / "dist" / locale.tag / "index.html").read_text(encoding="utf-8")
    assert "short-md.html" in index and "short-html.html" in index


def test_po_shows_translators_what_each_code_is(built):
    po = (built / "locales" / "es" / "LC_MESSAGES" / "short-md.po").read_text(encoding="utf-8")
    assert '</2> = <a href="https://www.state.gov/" title="U.S. Department of State">' in po
    assert "keep its text as is" in po
