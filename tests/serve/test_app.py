"""The editor over HTTP (Starlette's TestClient): token, hosts, conflicts, hostile text, headers."""

from __future__ import annotations

import re
import subprocess
import warnings

import lxml.html
import pytest
from support.serving import FIXED_TEXT, FLAGGED_SOURCE, NEWSLOC, SLUG, po_path, read_address, wait_until_answering
from tests_helpers import invoke

from pipeline.config import load_config
from pipeline.model import Locale
from pipeline.po import parse as parse_catalog
from pipeline.serve.app import create_app, host_name, is_local
from pipeline.serve.editing import Workspace

with warnings.catch_warnings():  # Starlette's TestClient runs on httpx (the dev group has it) and says so
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

TOKEN = "test-token-1234"
PAGE = f"/review/es/{SLUG}"
SAVE = f"{PAGE}/entry"
HOSTILE = '<script>alert(1)</script> <a href="javascript:alert(2)">mira</a> <img src=x onerror=alert(3)>'


@pytest.fixture
def client(served_project) -> TestClient:
    workspace = Workspace(load_config(served_project), (Locale("es"),))
    return TestClient(create_app(workspace, TOKEN, hosts=("testserver", "127.0.0.1")))


def page_version(client: TestClient) -> str:
    response = client.get(f"{PAGE}?token={TOKEN}")
    assert response.status_code == 200
    return lxml.html.fromstring(response.text).find("body").get("data-version")


def edit(version: str, **change) -> dict:
    return {"context": "paragraph", "msgid": FLAGGED_SOURCE, "version": version, **change}


def test_every_page_and_save_needs_the_token_and_nothing_changes_without_it(client, served_project):
    version = page_version(client)
    before = po_path(served_project).read_bytes()
    assert client.get(PAGE).status_code == 403
    assert client.get(f"{PAGE}?token=wrong").status_code == 403
    assert client.get("/").status_code == 403
    body = edit(version, text=FIXED_TEXT, reviewed=True)
    for headers in ({}, {"X-Newsloc-Token": "wrong"}, {"X-Newsloc-Token": ""}):
        response = client.post(SAVE, json=body, headers=headers)
        assert response.status_code == 403 and "token" in response.text
    # The token in the query string is for pages: a save must send it in the header.
    assert client.post(f"{SAVE}?token={TOKEN}", json=body).status_code == 403
    assert po_path(served_project).read_bytes() == before
    assert client.post(SAVE, json=body, headers={"X-Newsloc-Token": TOKEN}).status_code == 200
    assert po_path(served_project).read_bytes() != before


def test_a_foreign_host_name_is_refused(client):
    for host in ("evil.example", "evil.example:80", "127.0.0.1.evil.example", "[::2]:80", ""):
        response = client.get(f"{PAGE}?token={TOKEN}", headers={"Host": host})
        assert response.status_code == 400, host
    assert client.get(f"{PAGE}?token={TOKEN}", headers={"Host": "127.0.0.1:8123"}).status_code == 200


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("127.0.0.1:8000", "127.0.0.1"),
        ("localhost", "localhost"),
        ("[::1]:8000", "::1"),
        ("[::1]", "::1"),
        ("::1", "::1"),
    ],
)
def test_host_names(header, name):
    assert host_name(header) == name


def test_save_returns_the_new_state_and_the_page_shows_it(client, served_project):
    version = page_version(client)
    response = client.post(SAVE, json=edit(version, text=FIXED_TEXT, reviewed=True), headers={"X-Newsloc-Token": TOKEN})
    assert response.status_code == 200
    answer = response.json()
    assert answer["state"] == "reviewed" and answer["flags"] == [] and answer["version"] != version
    page = lxml.html.fromstring(client.get(f"{PAGE}?token={TOKEN}").text)
    [span] = page.xpath("//main//span[@data-msgid=$m]", m=FLAGGED_SOURCE)
    assert span.text_content() == FIXED_TEXT and span.get("data-state") == "reviewed"
    assert not span.xpath("following-sibling::*[1][contains(@class, 'flag')]")
    assert "1 segment(s) not reviewed" not in page.get_element_by_id("verdict").text
    assert page.get_element_by_id("verdict").text.endswith("127 segment(s) not reviewed.")
    assert page.find("body").get("data-version") == answer["version"]


def test_a_stale_page_cannot_overwrite_a_newer_save(client, served_project):
    version = page_version(client)
    po = po_path(served_project)
    theirs = po.read_text(encoding="utf-8").replace(
        'msgstr "El sentiment no es aislado a México."', 'msgstr "Texto de Poedit."'
    )
    po.write_text(theirs, encoding="utf-8")
    response = client.post(SAVE, json=edit(version, text=FIXED_TEXT, reviewed=True), headers={"X-Newsloc-Token": TOKEN})
    assert response.status_code == 409
    assert "changed on disk since this page was loaded" in response.json()["error"]
    assert response.json()["current"] == {"text": "Texto de Poedit.", "state": "draft"}
    assert po.read_text(encoding="utf-8") == theirs


def test_a_hostile_edit_is_stored_as_text_and_rendered_inert(client, served_project):
    version = page_version(client)
    response = client.post(SAVE, json=edit(version, text=HOSTILE, reviewed=True), headers={"X-Newsloc-Token": TOKEN})
    assert response.status_code == 200
    catalog = parse_catalog(po_path(served_project).read_text(encoding="utf-8"), po_path(served_project))
    assert catalog.get(FLAGGED_SOURCE, context="paragraph").string == HOSTILE
    served = client.get(f"{PAGE}?token={TOKEN}")
    assert "script-src 'self'" in served.headers["content-security-policy"]
    page = lxml.html.fromstring(served.text)
    assert [script.get("src") for script in page.iter("script")] == ["/static/editor.js"]
    assert not page.xpath("//*[starts-with(normalize-space(@href), 'javascript:')] | //img | //*[@onerror]")
    [span] = page.xpath("//main//span[@data-msgid=$m]", m=FLAGGED_SOURCE)
    assert span.text_content() == HOSTILE and span.get("data-target") == HOSTILE

    result = invoke(served_project, "build", "--lang", "es", "--engine", "pseudo")
    assert result.exit_code == 0, result.output
    for name in (f"{SLUG}.html", f"{SLUG}.review.html"):
        published = lxml.html.parse(str(served_project / "dist" / "es" / name)).getroot()
        assert not published.xpath("//body//script | //*[starts-with(normalize-space(@href), 'javascript:')] | //img")
        assert HOSTILE in published.find("body").text_content()


BAD_REQUESTS = [
    ({"content": b"not json", "headers": {"Content-Type": "application/json"}}, 400, "not valid JSON"),
    ({"content": b"[1]", "headers": {"Content-Type": "application/json"}}, 400, "JSON object"),
    ({"content": b"[" * 100_000, "headers": {"Content-Type": "application/json"}}, 400, "not valid JSON"),
    ({"content": b"text=x", "headers": {"Content-Type": "application/x-www-form-urlencoded"}}, 415, "application/json"),
    ({"json": {"context": "paragraph", "msgid": FLAGGED_SOURCE}}, 400, "no version"),
    ({"json": {"context": "paragraph", "msgid": FLAGGED_SOURCE, "version": "v", "text": 5}}, 400, "string"),
    (
        {"json": {"context": "paragraph", "msgid": FLAGGED_SOURCE, "version": "v", "reviewed": "yes"}},
        400,
        "true or false",
    ),
]


@pytest.mark.parametrize(("request_args", "status", "message"), BAD_REQUESTS)
def test_malformed_saves_get_one_clear_answer(client, served_project, request_args, status, message):
    before = po_path(served_project).read_bytes()
    headers = {"X-Newsloc-Token": TOKEN, **request_args.pop("headers", {})}
    response = client.post(SAVE, headers=headers, **request_args)
    assert response.status_code == status and message in response.json()["error"]
    assert po_path(served_project).read_bytes() == before


def test_unknown_article_or_locale_is_a_plain_404(client):
    assert client.get(f"/review/es/no-such-article?token={TOKEN}").status_code == 404
    response = client.get(f"/review/de/{SLUG}?token={TOKEN}")
    assert response.status_code == 404 and "--lang de" in response.text


def test_index_lists_each_article_with_a_tokened_link(client):
    page = lxml.html.fromstring(client.get(f"/?token={TOKEN}").text)
    assert page.xpath("//main//a/@href") == [f"{PAGE}?token={TOKEN}"]
    assert "0 of 128 segments reviewed" in page.find("body").text_content()


def test_security_headers_on_every_answer(client):
    for response in (client.get("/"), client.get("/static/editor.js"), client.post(SAVE, json={})):
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


@pytest.mark.parametrize(
    ("host", "local"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("0.0.0.0", False), ("192.0.2.1", False)],
)
def test_local_addresses(host, local):
    assert is_local(host) is local


def test_a_non_local_bind_needs_the_explicit_flag(served_project):
    result = invoke(served_project, "serve", "--host", "0.0.0.0", "--port", "0")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "newsloc: --host 0.0.0.0 is not a local address; add --allow-remote to let other machines reach the editor"
    ]


def test_serve_prints_a_tokened_local_address_and_answers_there(served_project):
    """The real command: started, asked once on 127.0.0.1, stopped (bounded waits throughout)."""
    process = subprocess.Popen(
        [*NEWSLOC, "serve", "--lang", "es", "--port", "0", "--project", str(served_project)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = read_address(process, timeout=60)
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/\?token=[\w-]{20,}", url)
        status, text = wait_until_answering(url, timeout=60)
        assert status == 200 and SLUG in text
        bare = url.split("?")[0]
        assert wait_until_answering(bare, timeout=10)[0] == 403
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_silencing_over_http_needs_a_reason_and_removes_the_badge(client, served_project):
    version = page_version(client)
    headers = {"X-Newsloc-Token": TOKEN}
    no_reason = client.post(SAVE, json=edit(version, silence={"code": "unknown-word", "reason": ""}), headers=headers)
    assert no_reason.status_code == 400 and "give a reason" in no_reason.json()["error"]
    body = edit(version, silence={"code": "unknown-word", "reason": "the desk keeps the English word"})
    response = client.post(SAVE, json=body, headers=headers)
    assert response.status_code == 200 and response.json()["flags"] == [] and response.json()["state"] == "machine"
    assert "# newsloc: ignore unknown-word — the desk keeps the English word" in po_path(served_project).read_text(
        encoding="utf-8"
    )


def test_a_remote_bind_with_the_flag_warns(served_project, monkeypatch):
    """--allow-remote: the warning comes first. Nothing listens beyond 127.0.0.1 here (bind and run are stand-ins)."""
    import socket

    import uvicorn

    from pipeline.serve import app as serve_app

    def local_socket(host, port):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        return sock

    monkeypatch.setattr(serve_app, "bind", local_socket)
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: sockets[0].close())
    said: list[str] = []
    config = load_config(served_project)
    serve_app.serve(config, (Locale("es"),), host="0.0.0.0", allow_remote=True, announce=said.append, warn=said.append)
    assert said[0].startswith("warning: serving on 0.0.0.0, not only this machine")
    assert re.match(r"http://0\.0\.0\.0:\d+/\?token=", said[1])


def test_memory_suggestions_are_listed_as_text_for_the_editor(client, served_project):
    """A reviewed heading of the sample is a suggestion for a paraphrase in a new article."""
    reviewed = "Entre la desestabilización y el apoyo"
    version = page_version(client)
    body = {"context": "heading", "msgid": "Balancing Destabilization and Support", "version": version}
    response = client.post(SAVE, json={**body, "text": reviewed, "reviewed": True}, headers={"X-Newsloc-Token": TOKEN})
    assert response.status_code == 200, response.text
    paraphrase = "Balancing Destabilization and Economic Support"
    (served_project / "articles" / "summit.txt").write_text(
        f"Follow-up on the summit\nThe talks resumed on Monday.\n{paraphrase}\nObservers expect a statement.\n",
        encoding="utf-8",
    )
    assert invoke(served_project, "build", "--lang", "es", "--engine", "pseudo").exit_code == 0
    served = lxml.html.fromstring(client.get(f"/review/es/summit?token={TOKEN}").text)
    static = lxml.html.parse(str(served_project / "dist" / "es" / "summit.review.html")).getroot()
    for page in (served, static):
        [detail] = page.xpath("//li[@class='detail'][p[@class='source'][contains(., $s)]]", s=paraphrase)
        [suggestion] = detail.cssselect("ul.suggestions li")
        assert suggestion.get("data-target") == reviewed
        text = suggestion.text_content()
        assert reviewed in text and "Balancing Destabilization and Support" in text and SLUG in text
