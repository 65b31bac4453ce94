"""The editor in a real browser (Debian's headless Chromium driven by Playwright), and both review pages
checked by the Nu Html Checker and axe-core.

Every wait is bounded; the server listens on 127.0.0.1 and is stopped by the test.
"""

from __future__ import annotations

import json
import os
import shutil
import urllib.request

import lxml.html
import pytest
from support.serving import FIXED_TEXT, FLAGGED_SOURCE, REPO, SLUG, make_served_project, po_path, running_server
from tests_helpers import invoke

from pipeline.po import parse as parse_catalog
from pipeline.po import render as render_catalog

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE = REPO / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js"
WAIT_MS = 60_000
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="headless Chromium is not installed (apt-get install chromium)"
)


@pytest.fixture
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


def segment_selector(source: str) -> str:
    return f"main span.seg[data-msgid={json.dumps(source, ensure_ascii=False)}]"


def open_article(page, url: str) -> None:
    page.goto(url, timeout=WAIT_MS)
    page.click(f"main a[href^='/review/es/{SLUG}']", timeout=WAIT_MS)
    page.wait_for_selector("#verdict", timeout=WAIT_MS)


def test_an_editor_fixes_a_flagged_segment_in_the_page(served_project, browser, tmp_path):
    with running_server(served_project) as url:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        open_article(page, url)
        segment = page.locator(segment_selector(FLAGGED_SOURCE))
        badge = page.locator(f"{segment_selector(FLAGGED_SOURCE)} + button.edit + a.flag-unknown-word")
        assert badge.count() == 1, "the committed catalog should flag Apertium's unknown word here"
        verdict_before = page.text_content("#verdict")

        # Keyboard: the segment's edit button is a real button; Enter opens the panel on the text.
        page.focus(f"button.edit[data-segment='{segment.get_attribute('id')}']")
        page.keyboard.press("Enter")
        panel = page.locator("#editor")
        panel.wait_for(state="visible", timeout=WAIT_MS)
        assert page.evaluate("document.activeElement.id") == "edit-text"
        # English source and the flag's message are on screen, not in a tooltip.
        assert page.locator("#editor-source").inner_text() == FLAGGED_SOURCE
        assert "Apertium does not know “sentiment”" in page.locator("#editor-flags").inner_text()
        assert page.locator("#editor-source").is_visible() and page.locator("#editor-flags").is_visible()

        page.fill("#edit-text", FIXED_TEXT)
        page.click("#edit-form button[value=reviewed]", timeout=WAIT_MS)
        page.locator("#editor-status", has_text="Saved").wait_for(timeout=WAIT_MS)
        page.screenshot(path=str(tmp_path / "editor.png"))
        print(f"screenshot: {tmp_path / 'editor.png'}")

        assert page.locator(segment_selector(FLAGGED_SOURCE)).inner_text() == FIXED_TEXT
        assert page.locator(segment_selector(FLAGGED_SOURCE)).get_attribute("data-state") == "reviewed"
        assert page.locator(f"{segment_selector(FLAGGED_SOURCE)} + button.edit + a.flag").count() == 0
        assert page.locator("#editor-flags").inner_text() == "No flags."
        assert page.text_content("#verdict") != verdict_before
        assert "127 segment(s) not reviewed" in page.text_content("#verdict")
        # Escape closes the panel and puts the focus back on the segment's button.
        page.keyboard.press("Escape")
        panel.wait_for(state="hidden", timeout=WAIT_MS)
        assert page.evaluate("document.activeElement.dataset.segment") == segment.get_attribute("id")
        assert errors == []
        page.close()

    catalog = parse_catalog(po_path(served_project).read_text(encoding="utf-8"), po_path(served_project))
    message = catalog.get(FLAGGED_SOURCE, context="paragraph")
    assert message.string == FIXED_TEXT and not message.fuzzy

    result = invoke(served_project, "build", "--lang", "es", "--engine", "pseudo")
    assert result.exit_code == 0, result.output
    published = lxml.html.parse(str(served_project / "dist" / "es" / f"{SLUG}.html")).getroot()
    assert FIXED_TEXT in published.find("body").text_content()
    assert "El sentiment no es aislado" not in published.find("body").text_content()


def test_a_conflicting_save_shows_the_other_text(served_project, browser):
    with running_server(served_project) as url:
        page = browser.new_page()
        open_article(page, url)
        page.click(segment_selector(FLAGGED_SOURCE), timeout=WAIT_MS)
        po = po_path(served_project)
        theirs = po.read_text(encoding="utf-8").replace(
            'msgstr "El sentiment no es aislado a México."', 'msgstr "Guardado en Poedit."'
        )
        po.write_text(theirs, encoding="utf-8")
        page.fill("#edit-text", FIXED_TEXT)
        page.click("#edit-form button[value=reviewed]", timeout=WAIT_MS)
        page.locator("#editor-status", has_text="Not saved").wait_for(timeout=WAIT_MS)
        assert "changed on disk since this page was loaded" in page.text_content("#editor-status")
        assert page.locator("#editor-other").inner_text().startswith("Guardado en Poedit.")
        assert page.input_value("#edit-text") == FIXED_TEXT  # the editor's words are still there
        assert po.read_text(encoding="utf-8") == theirs
        page.close()


def test_a_memory_suggestion_can_be_taken_into_the_text(served_project, browser):
    path = po_path(served_project)
    catalog = parse_catalog(path.read_text(encoding="utf-8"), path)  # a translator reviews one heading
    heading = catalog.get("Balancing Destabilization and Support", context="heading")
    heading.string = "Entre la desestabilización y el apoyo"
    heading.flags.discard("fuzzy")
    path.write_text(render_catalog(catalog), encoding="utf-8")
    paraphrase = "Balancing Destabilization and Economic Support"
    (served_project / "articles" / "summit.txt").write_text(f"Follow-up\n{paraphrase}\n", encoding="utf-8")
    assert invoke(served_project, "build", "--lang", "es", "--engine", "pseudo").exit_code == 0
    with running_server(served_project) as url:
        page = browser.new_page()
        page.goto(url.replace("/?", "/review/es/summit?"), timeout=WAIT_MS)
        page.click(segment_selector(paraphrase), timeout=WAIT_MS)
        page.locator("#editor-suggestions").wait_for(state="visible", timeout=WAIT_MS)
        assert "Entre la desestabilización y el apoyo" in page.locator("#editor-suggestions").inner_text()
        page.click("#editor-suggestions button.use-suggestion", timeout=WAIT_MS)
        assert page.input_value("#edit-text") == "Entre la desestabilización y el apoyo"
        page.close()


# ---------------------------------------------------------------- validity and accessibility


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"][:3]]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def needs_axe() -> None:
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail(f"axe-core is missing at {AXE}: .ci/run installs it (npm install --prefix .ci/node axe-core)")
        pytest.skip("axe-core is not installed: npm install --prefix .ci/node axe-core")


@pytest.fixture(scope="module")
def read_only_site(tmp_path_factory):
    """One project, built with the pseudo engine and served, for the checks that change nothing."""
    project = make_served_project(tmp_path_factory.mktemp("checked-site"))
    result = invoke(project, "build", "--lang", "es", "--engine", "pseudo")
    assert result.exit_code == 0, result.output
    with running_server(project) as url:
        yield project, url


def test_both_review_pages_pass_axe_with_no_serious_violation(read_only_site, browser):
    needs_axe()
    project, url = read_only_site
    static = browser.new_page()
    static.goto((project / "dist" / "es" / f"{SLUG}.review.html").as_uri(), timeout=WAIT_MS)
    assert axe_violations(static) == []
    static.close()

    # axe is injected as a script: the page's own policy forbids that, so this context bypasses it.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    open_article(page, url)
    assert axe_violations(page) == []
    page.click(segment_selector(FLAGGED_SOURCE), timeout=WAIT_MS)  # the open panel too
    page.locator("#editor").wait_for(state="visible", timeout=WAIT_MS)
    assert axe_violations(page) == []
    page.goto(url, timeout=WAIT_MS)  # the index
    assert axe_violations(page) == []
    context.close()


def test_both_review_pages_pass_the_nu_checker(read_only_site, tmp_path):
    from test_html_valid import needs_checker, nu_check  # one checker setup for the suite

    if needs_checker.args[0]:  # the skipif condition: no java or no vnu.jar
        pytest.skip(needs_checker.kwargs["reason"])
    project, url = read_only_site
    pages = [project / "dist" / "es" / f"{SLUG}.review.html"]
    article = url.replace("/?", f"/review/es/{SLUG}?")
    for name, address in (("served-index.html", url), ("served-review.html", article)):
        with urllib.request.urlopen(address, timeout=60) as response:
            (tmp_path / name).write_bytes(response.read())
        pages.append(tmp_path / name)
    messages = nu_check(pages)
    assert [m for m in messages if m["type"] != "info"] == []


def test_axe_does_catch_serious_violations(browser, tmp_path):
    needs_axe()
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><main>'
        '<p style="color:#bbb;background:#fff">faint text</p><button></button></main></body></html>',
        encoding="utf-8",
    )
    page = browser.new_page()
    page.goto(bad.as_uri(), timeout=WAIT_MS)
    assert {v["id"] for v in axe_violations(page)} >= {"color-contrast", "button-name"}
    page.close()
