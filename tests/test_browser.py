"""The pages in a real browser (headless Chromium): what a reader and an editor actually see.

Computed styles need JavaScript, so each page is copied with a small probe script that
writes them into data attributes; ``--dump-dom`` then hands back the DOM after scripts ran.
Screenshots are kept in pytest's tmp folder (the path is printed).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from pipeline.build import BuildOptions, build
from pipeline.config import load_config
from pipeline.model import Locale

REPO = Path(__file__).resolve().parent.parent
SLUG = "mexico-rejects-us-intervention"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="headless Chromium is not installed (apt-get install chromium)"
)

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--virtual-time-budget=3000",
]

# After load: computed styles of the article's inline elements, and how many resources were fetched.
PROBE = """
window.addEventListener("load", function () {
  document.querySelectorAll("main span, main p, main a").forEach(function (element) {
    var style = getComputedStyle(element);
    element.setAttribute("data-probe-background", style.backgroundColor);
    element.setAttribute("data-probe-outline",
                         style.outlineStyle + " " + style.outlineWidth + " " + style.outlineColor);
  });
  document.body.setAttribute("data-probe-resources", String(performance.getEntriesByType("resource").length));
  document.body.setAttribute("data-probe-done", "yes");
});
"""


def chromium(profile: Path, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


@pytest.fixture(scope="module")
def browser_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("browser")


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("browser-project")
    shutil.copy(REPO / "pyproject.toml", project / "pyproject.toml")
    (project / "articles").mkdir()
    shutil.copy(REPO / "articles" / f"{SLUG}.txt", project / "articles")
    if (REPO / "glossary").is_dir():
        shutil.copytree(REPO / "glossary", project / "glossary")
    build(load_config(project), [], BuildOptions(locales=(Locale("es"),), engine="pseudo"))
    return project / "dist"


def rendered(page: Path, work: Path) -> lxml.html.HtmlElement:
    """The page's DOM after the browser ran it with the probe (the copy sits beside the page)."""
    html = lxml.html.parse(str(page)).getroot()
    probe = etree.SubElement(html.find("body"), "script")
    probe.text = PROBE
    copy = page.with_name(f"probe-{page.name}")
    copy.write_text(lxml.html.tostring(html, doctype="<!DOCTYPE html>", encoding="unicode"), encoding="utf-8")
    result = chromium(work / "profile", "--dump-dom", copy.as_uri())
    dom = lxml.html.fromstring(result.stdout)
    assert dom.find("body").get("data-probe-done") == "yes", "the probe did not run"
    return dom


def screenshot(page: Path, work: Path) -> Path:
    shot = work / f"{page.stem}.png"
    chromium(work / "profile", "--window-size=1280,2400", f"--screenshot={shot}", page.as_uri())
    assert shot.exists() and shot.stat().st_size > 10_000
    print(f"screenshot: {shot}")
    return shot


def classes(element) -> set[str]:
    return set((element.get("class") or "").split())


def test_review_page_highlights_flagged_segments(dist, browser_dir):
    page = dist / "es" / f"{SLUG}.review.html"
    screenshot(page, browser_dir)
    dom = rendered(page, browser_dir)
    segments = [s for s in dom.xpath("//main//span") if "seg" in classes(s)]
    flagged = [s for s in segments if "flagged" in classes(s)]
    plain = [s for s in segments if "flagged" not in classes(s)]
    assert flagged and plain, "the sample should give both flagged and clean segments"
    outline_of = {"severity-warning": "solid 2px rgb(168, 100, 0)", "severity-error": "solid 2px rgb(198, 40, 40)"}
    for segment in flagged:
        severity = next(c for c in classes(segment) if c.startswith("severity-"))
        assert segment.get("data-probe-outline") == outline_of[severity]
    for segment in plain:
        assert segment.get("data-probe-outline").startswith("none")
    # Unreviewed machine text is tinted; the same words in the publish page are not.
    assert {s.get("data-probe-background") for s in segments if "state-machine" in classes(s)} == {"rgb(255, 243, 205)"}
    assert dom.get_element_by_id("review-summary") is not None
    assert dom.find("body").get("data-probe-resources") == "0"  # nothing fetched: works offline


def test_publish_page_shows_no_review_markup(dist, browser_dir):
    page = dist / "es" / f"{SLUG}.html"
    screenshot(page, browser_dir)
    dom = rendered(page, browser_dir)
    assert not [e for e in dom.iter(etree.Element) if classes(e) & {"seg", "flag", "flagged"}]
    assert not dom.xpath("//*[@id='review-summary']")
    text = [e for e in dom.xpath("//main//span | //main//p | //main//a") if not e.xpath("ancestor::aside")]
    assert text
    assert {e.get("data-probe-background") for e in text} == {"rgba(0, 0, 0, 0)"}
    assert all(e.get("data-probe-outline").startswith("none") for e in text)
    assert dom.xpath("//p[@class='mt-notice']")[0].text_content().startswith("Esta página contiene")
    assert dom.find("body").get("data-probe-resources") == "0"
