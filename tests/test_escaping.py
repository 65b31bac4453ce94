"""Hostile text from an article or a translator's msgstr ends up inert, through the real build."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import lxml.html
import pytest
from babel.messages.pofile import read_po, write_po
from lxml import etree

from pipeline.build import BuildOptions, build
from pipeline.config import load_config
from pipeline.model import Locale

REPO = Path(__file__).resolve().parent.parent
ES = Locale("es")

EVIL_HTML = """<html><head><title>Evil title</title></head><body>
<h1>Evil title</h1>
<p>Lead with &lt;script&gt;alert("lead")&lt;/script&gt; as text. <script>alert("real")</script>
Then a <a href="javascript:alert(1)" onclick="alert(2)">bad link</a>
and a <a href="https://example.org/ok">good link</a>.</p>
<p>Second paragraph with <a href=" JaVa&#x09;ScRiPt:alert(3)">tricky link</a> here.</p>
</body></html>
"""
EVIL_MARKDOWN = """# Markdown with a trap

A [click me](javascript:alert(4)) link and raw <script>alert(5)</script> html and <img src=x onerror="alert(6)"> image.
"""
TITLE_MSGSTR = '</script><script>alert("title")</script><img src=x onerror=alert(7)> <!-- título'
LINK_MSGSTR = 'Luego un <1>javascript:alert(8)</1> y <a href="javascript:alert(9)">otro</a> y un <2>buen enlace</2>.'
LEAD_MSGSTR = 'Primero <script>alert("po")</script> como texto.'


def run(project: Path) -> None:
    build(load_config(project), [], BuildOptions(locales=(ES,), engine="pseudo"))


def edit_catalog(path: Path, replacements: dict[str, str]) -> None:
    """A translator's edits: msgstr replaced by msgid, fuzzy cleared (reviewed)."""
    with path.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if message.id in replacements:
            message.string = replacements[message.id]
            message.flags.discard("fuzzy")
    with path.open("wb") as handle:
        write_po(handle, catalog)


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("escaping")
    shutil.copy(REPO / "pyproject.toml", project / "pyproject.toml")
    (project / "articles").mkdir()
    (project / "articles" / "evil.html").write_text(EVIL_HTML, encoding="utf-8")
    (project / "articles" / "evil-md.md").write_text(EVIL_MARKDOWN, encoding="utf-8")
    run(project)
    edit_catalog(
        project / "locales" / "es" / "LC_MESSAGES" / "evil.po",
        {
            "Evil title": TITLE_MSGSTR,
            "Then a <1>bad link</1> and a <2>good link</2>.": LINK_MSGSTR,
            'Lead with <script>alert("lead")</script> as text.': LEAD_MSGSTR,
        },
    )
    run(project)
    return project / "dist"


def pages(dist: Path) -> list[Path]:
    return sorted((dist / "es").glob("*.html"))


def active_content(page: lxml.html.HtmlElement) -> list[str]:
    """Everything a browser could run: scripts other than JSON-LD, on* handlers, non-web URL schemes."""
    found = [
        etree.tostring(s, encoding="unicode") for s in page.iter("script") if s.get("type") != "application/ld+json"
    ]
    for element in page.iter(etree.Element):
        for name, value in element.attrib.items():
            squeezed = re.sub(r"[\x00-\x20]", "", value).lower()
            if name.lower().startswith("on") or (
                name in ("href", "src", "action", "formaction") and re.match(r"^(javascript|vbscript|data):", squeezed)
            ):
                found.append(f"{element.tag} {name}={value!r}")
    return found


def test_every_page_is_inert(dist):
    assert len(pages(dist)) == 5  # two articles × publish and review, and the index
    for path in pages(dist):
        page = lxml.html.parse(str(path)).getroot()
        assert active_content(page) == [], path.name


def test_only_json_ld_opens_a_script_in_the_bytes(dist):
    for path in pages(dist):
        expected = 0 if path.name == "index.html" or ".review." in path.name else 1
        assert len(re.findall(r"<script", path.read_text(encoding="utf-8"), re.I)) == expected, path.name


def test_translator_markup_stays_visible_text(dist):
    page = lxml.html.parse(str(dist / "es" / "evil.html")).getroot()
    text = page.xpath("string(//main)")
    assert '<script>alert("po")</script>' in text
    assert "javascript:alert(8)" in text and '<a href="javascript:alert(9)">otro</a>' in text
    assert page.xpath("//main//h1")[0].text_content() == TITLE_MSGSTR
    assert page.xpath("//main//a[@href='https://example.org/ok']")[0].text_content() == "buen enlace"


def test_json_ld_survives_a_title_that_closes_the_script(dist):
    page = lxml.html.parse(str(dist / "es" / "evil.html")).getroot()
    scripts = page.xpath("//script")
    assert len(scripts) == 1 and scripts[0].getparent().tag == "head"
    assert json.loads(scripts[0].text)["headline"] == TITLE_MSGSTR
    assert page.findtext("head/title") == TITLE_MSGSTR


def test_article_scripts_and_links_are_inert(dist):
    page = lxml.html.parse(str(dist / "es" / "evil.html")).getroot()
    assert 'alert("real")' not in page.xpath("string(//main)")  # a real <script> in the article is not content
    links = page.xpath("//main//a")
    assert [link.get("href") for link in links] == [None, "https://example.org/ok", None]
    markdown = lxml.html.parse(str(dist / "es" / "evil-md.html")).getroot()
    assert "javascript" in markdown.xpath("string(//main)").replace("ĵàṽàšçŕîþţ", "javascript")
    assert not markdown.xpath("//main//a")


def test_feed_and_manifest_carry_the_text_escaped(dist):
    feed = etree.parse(str(dist / "es" / "feed.xml")).getroot()
    titles = [t.text for t in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert TITLE_MSGSTR in titles
    assert "<script" not in (dist / "es" / "feed.xml").read_text(encoding="utf-8")
    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["articles"]["evil"]["locales"]["es"]["title"] == TITLE_MSGSTR
    index = lxml.html.parse(str(dist / "es" / "index.html")).getroot()
    assert TITLE_MSGSTR in [a.text_content() for a in index.xpath("//main//h2/a")]
