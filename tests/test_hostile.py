"""Hostile input and careless use, one table: what is done, what must come out, what must not change.

Each case starts from a small built project (pseudo engine, es + fr) next to an ``outside``
folder that stands for everything beyond the project (a secret file, a folder a package
could try to replace). A case says how to spoil the project, which command runs, the exit
code and a fragment of the one line it must print, and which folders must stay byte-for-byte
as they were. Every case also checks: no traceback, nothing outside the project touched, no
output (printed or written) holding a byte of the secret.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main

REPO = Path(__file__).resolve().parent.parent
SECRET = "SECRET-7f3a-LINE"
PROJECT_FOLDERS = ("articles", "locales", "glossary", "dist")
STORY = (
    "Mexico rejects intervention\n\n"
    "The president spoke on Tuesday. She said the plan was firm.\n\n"
    "Officials agreed with the president.\n"
)
PO = Path("locales/es/LC_MESSAGES/story.po")


def nothing(project: Path, outside: Path) -> None:
    pass


@dataclass(frozen=True)
class Case:
    name: str
    setup: Callable[[Path, Path], None]
    command: tuple[str, ...]
    exit_code: int
    fragment: str
    unchanged: tuple[str, ...] = PROJECT_FOLDERS  # checked when the command refuses (exit 2)
    then: Callable[[Path, Path], None] = nothing  # further checks on the result
    lines: int = 1  # lines of "newsloc: …" on stderr when it refuses


# ---------------------------------------------------------------- spoiling a project


def write(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


def symlink_article(project: Path, outside: Path) -> None:
    (project / "articles" / "evil.txt").symlink_to(outside / "secret.txt")


def symlink_catalog(project: Path, outside: Path) -> None:
    (project / PO).unlink()
    (project / PO).symlink_to(outside / "secret.po")


def symlink_glossary(project: Path, outside: Path) -> None:
    glossary = project / "glossary" / "newsloc.tbx"
    shutil.copy(glossary, outside / "glossary.tbx")
    glossary.unlink()
    glossary.symlink_to(outside / "glossary.tbx")


def argos_package(metadata: dict, extra: dict[str, bytes] | None = None) -> Callable[[Path, Path], None]:
    def setup(project: Path, outside: Path) -> None:
        with zipfile.ZipFile(project / "evil.argosmodel", "w") as zipped:
            top = "translate-en_es-1_0"
            zipped.writestr(f"{top}/metadata.json", json.dumps(metadata))
            zipped.writestr(f"{top}/sentencepiece.model", b"x")
            zipped.writestr(f"{top}/model/model.bin", b"x")
            for name, data in (extra or {}).items():
                zipped.writestr(name, data)

    return setup


def duplicate_po_entry(project: Path, outside: Path) -> None:
    text = (project / PO).read_text(encoding="utf-8")
    entries = text.split("\n\n")
    write(project / PO, "\n\n".join([*entries, entries[1].replace("#, fuzzy\n", "")]) + "\n")


def invalid_utf8_po(project: Path, outside: Path) -> None:
    data = (project / PO).read_bytes().replace(b'msgstr "', b'msgstr "\xff', 2)
    write(project / PO, data)


def truncated_po(project: Path, outside: Path) -> None:
    text = (project / PO).read_text(encoding="utf-8")
    write(project / PO, text[: text.rindex('msgstr "') + 12])


DOCTYPE_ENTITY = '<!DOCTYPE martif [<!ENTITY company "ACME">]>'


def doctype_glossary(project: Path, outside: Path) -> None:
    glossary = project / "glossary" / "newsloc.tbx"
    text = glossary.read_text(encoding="utf-8")
    write(glossary, text.replace("<martif", DOCTYPE_ENTITY + "\n<martif", 1))


def xxe_glossary(project: Path, outside: Path) -> None:
    glossary = project / "glossary" / "newsloc.tbx"
    text = glossary.read_text(encoding="utf-8")
    doctype = f'<!DOCTYPE martif [<!ENTITY x SYSTEM "file://{outside}/secret.txt">]>'
    write(glossary, text.replace("<martif", doctype + "\n<martif", 1).replace("</martif>", "&x;</martif>"))


def settings(body: str) -> Callable[[Path, Path], None]:
    def setup(project: Path, outside: Path) -> None:
        write(project / "pyproject.toml", f'[tool.newsloc]\nengine = "pseudo"\n{body}\n')

    return setup


def exported_xliff(project: Path) -> Path:
    assert CliRunner().invoke(main, ["xliff", "export", "--project", str(project), "--lang", "es"]).exit_code == 0
    return project / "locales" / "es" / "story.xlf"


def xliff_with(old: str, new: str) -> Callable[[Path, Path], None]:
    def setup(project: Path, outside: Path) -> None:
        xlf = exported_xliff(project)
        text = xlf.read_text(encoding="utf-8")
        assert old in text
        shutil.move(xlf, project / "edited.xlf")  # the export is not part of what must not change
        write(project / "edited.xlf", text.replace(old, new.format(outside=outside), 1))

    return setup


def article(name: str, content: str | bytes) -> Callable[[Path, Path], None]:
    def setup(project: Path, outside: Path) -> None:
        write(project / "articles" / name, content)

    return setup


def sparse_article(project: Path, outside: Path) -> None:
    with open(project / "articles" / "huge.txt", "wb") as file:
        file.truncate(3 * 1024**3)  # 3 GB that take no disk: only a size check before reading is fast


def dist_is_a_file(project: Path, outside: Path) -> None:
    shutil.rmtree(project / "dist")
    write(project / "dist", "not a folder\n")


def stale_temp_files(project: Path, outside: Path) -> None:
    leftovers = [
        project / "dist" / "es" / ".story.html.4194999.k2j4h5g6.tmp",  # pid that cannot be running
        project / "locales" / "es" / "LC_MESSAGES" / ".story.po.abcd1234.tmp",  # older naming
    ]
    for path in leftovers:
        write(path, "half a file")
    os.utime(leftovers[1], (1_000_000_000, 1_000_000_000))


def no_temp_files_left(project: Path, outside: Path) -> None:
    assert [p for p in project.rglob("*.tmp")] == []


def crlf_article(project: Path, outside: Path) -> None:
    write(project / "crlf.txt", b"A title\r\n\r\nIt was the president's plan.It was good.\r\nAnother line.\r\n")


def only_the_fixed_line_changed(project: Path, outside: Path) -> None:
    assert (project / "crlf.txt").read_bytes() == (
        b"A title\r\n\r\nIt was the president's plan. It was good.\r\nAnother line.\r\n"
    )


def formula_in_glossary_term(project: Path, outside: Path) -> None:
    glossary = project / "glossary" / "newsloc.tbx"
    text = glossary.read_text(encoding="utf-8")
    assert "<term>backyard</term>" in text
    write(glossary, text.replace("<term>backyard</term>", '<term>=HYPERLINK("http://evil.example")</term>', 1))


def csv_cells_are_not_formulas(project: Path, outside: Path) -> None:
    import csv

    with open(project / "out.csv", encoding="utf-8") as file:
        cells = [cell for row in csv.reader(file) for cell in row]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@"))]
    assert "'=HYPERLINK" in (project / "out.csv").read_text(encoding="utf-8")


def published_then_deleted(project: Path, outside: Path) -> None:
    write(project / "articles" / "retracted.txt", "A story we retract\n\nIt was wrong.\n")
    assert CliRunner().invoke(main, ["build", "--project", str(project)]).exit_code == 0
    assert (project / "dist" / "fr" / "retracted.html").exists()
    (project / "articles" / "retracted.txt").unlink()


def retracted_story_is_gone(project: Path, outside: Path) -> None:
    dist = project / "dist"
    assert not [p for p in dist.rglob("retracted*")]
    assert "retracted" not in json.loads((dist / "manifest.json").read_text(encoding="utf-8"))["articles"]
    for tag in ("es", "fr"):
        for listing in ("index.html", "feed.xml"):
            text = (dist / tag / listing).read_text(encoding="utf-8")
            assert "retracted" not in text and "story.html" in text
    assert (project / "locales" / "es" / "LC_MESSAGES" / "retracted.po").exists()  # translators' work stays


def only_built_locales_linked(project: Path, outside: Path) -> None:
    page = (project / "dist" / "es" / "solo.html").read_text(encoding="utf-8")
    assert "../es/" not in page and "/fr/solo.html" not in page  # fr was never built for it
    assert "/fr/story.html" in (project / "dist" / "es" / "story.html").read_text(encoding="utf-8")


def no_remote_image(project: Path, outside: Path) -> None:
    import lxml.html

    for name in ("pictures.html", "pictures.review.html"):
        page = lxml.html.parse(str(project / "dist" / "es" / name)).getroot()
        loaded = page.xpath("//@src | //link[@rel='stylesheet']/@href")
        assert set(loaded) == {"images/map.png"}  # a picture of the site itself stays; nothing from elsewhere


def utf16_page_published(project: Path, outside: Path) -> None:
    assert "Réunion" in (project / "dist" / "es" / "wide.html").read_text(encoding="utf-8")


def script_escaped(project: Path, outside: Path) -> None:
    page = (project / "dist" / "es" / "markup.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "javascript:" not in page


# ---------------------------------------------------------------- the table


CASES = [
    # paths: nothing outside the project is read or written
    Case("article symlink to a file outside", symlink_article, ("build",), 2, "resolves outside articles/"),
    Case("article named outside the project", nothing, ("build", "../outside/secret.txt"), 2, "resolves outside"),
    Case("catalog symlink to a file outside", symlink_catalog, ("build",), 2, "catalog resolves outside locales/"),
    Case("glossary symlink to a file outside", symlink_glossary, ("build",), 2, "glossary resolves outside"),
    Case(
        "argos package to_code with ../",
        argos_package({"type": "translate", "from_code": "en", "to_code": "es/../../victim"}),
        ("models", "--packages-dir", "../outside/a/packages", "install", "evil.argosmodel"),
        2,
        "is not a language code",
    ),
    Case(
        "argos package with a zip-slip member",
        argos_package({"type": "translate", "from_code": "en", "to_code": "es"}, {"../../escaped.txt": b"x"}),
        ("models", "--packages-dir", "../outside/a/packages", "install", "evil.argosmodel"),
        2,
        "unsafe paths in the archive",
    ),
    Case(
        "xliff original outside locales",
        xliff_with('original="locales/es/LC_MESSAGES/story.po"', 'original="../outside/story.po"'),
        ("xliff", "import", "edited.xlf"),
        2,
        "is not a catalog inside locales/",
    ),
    # refuse rather than guess
    Case(
        "duplicate PO entry",
        duplicate_po_entry,
        ("build",),
        2,
        "duplicate entry: the same msgctxt and msgid as the entry at line",
    ),
    Case("invalid UTF-8 in a PO", invalid_utf8_po, ("build",), 2, "story.po:"),
    Case("truncated PO", truncated_po, ("build",), 2, "PO syntax error"),
    Case("DOCTYPE in the glossary", doctype_glossary, ("build",), 2, "TBX with a DOCTYPE is refused"),
    Case("external entity in the glossary", xxe_glossary, ("build",), 2, "DOCTYPE is refused"),
    Case(
        "DOCTYPE in an XLIFF",
        xliff_with('<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "E">]>'),
        ("xliff", "import", "edited.xlf"),
        2,
        "XLIFF with a DOCTYPE is refused",
    ),
    Case(
        "HTML nested 300 deep",
        article("deep.html", "<h1>Deep</h1>" + "<div>" * 300 + "<p>Lost text.</p>" + "</div>" * 300 + "<p>End.</p>"),
        ("build",),
        2,
        "HTML nested more than 256 elements deep",
    ),
    Case(
        "HTML nested 5000 deep",
        article("deeper.html", "<h1>Deep</h1>" + "<span>" * 5000 + "Lost." + "</span>" * 5000),
        ("build",),
        2,
        "the HTML parser's limit",
    ),
    Case(
        "Markdown quotes nested 100 deep",
        article("quotes.md", "# Quotes\n\n" + ">" * 100 + " Lost text.\n\nEnd.\n"),
        ("build",),
        2,
        "Markdown nested more than 60 levels deep",
    ),
    Case("two articles with one slug", article("story.md", "# Story\n\nText.\n"), ("build",), 2, "same slug"),
    Case("binary article", article("bin.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00"), ("build",), 2, "binary file"),
    Case("article not UTF-8", article("latin.txt", "Caf\xe9 news\n".encode("latin-1")), ("build",), 2, "UTF-8"),
    Case("3 GB sparse article", sparse_article, ("build",), 2, "larger than 5 MB (the limit)"),
    # configuration: checked by type and range when the project loads, one line per bad key
    Case(
        "five settings of the wrong type",
        settings('locales = 5\narticles = 5\nbase_url = 5\nlow_confidence = "low"\nes_quotes = 7'),
        ("build",),
        2,
        "[tool.newsloc] locales = 5: must be a non-empty list",
        lines=5,
    ),
    Case("locales as a string", settings('locales = "es"'), ("build",), 2, "must be a non-empty list of BCP 47"),
    Case("no locales", settings("locales = []"), ("build",), 2, "locales = []: must be a non-empty list"),
    Case("javascript: base_url", settings('base_url = "javascript:alert(1)"'), ("build",), 2, "http:// or https://"),
    Case("dist outside the project", settings('dist = "../outside"'), ("build",), 2, "must lie inside the project"),
    Case("low_confidence out of range", settings("low_confidence = 3"), ("build",), 2, "must be a number from -50"),
    # edges of the disk
    Case("dist is a file", dist_is_a_file, ("build",), 2, "the dist folder must be a folder"),
    # careless use that must just work, with nothing lost
    Case(
        "UTF-16 article",
        article("wide.txt", "Réunion in Paris\n\nThe meeting was long.\n".encode("utf-16")),
        ("build",),
        0,
        "",
        then=utf16_page_published,
    ),
    Case(
        "script and javascript: in an article",
        article("markup.md", "# Markup\n\n<script>alert(1)</script> Text with [a link](javascript:alert(1)).\n"),
        ("build",),
        0,
        "",
        then=script_escaped,
    ),
    Case(
        "deleted article",
        published_then_deleted,
        ("build", "--lang", "es"),
        0,
        "unpublished retracted: its article is gone",
        then=retracted_story_is_gone,
    ),
    Case(
        "built for one locale only",
        article("solo.txt", "Solo story\n\nOnly in Spanish.\n"),
        ("build", "--lang", "es", "articles/solo.txt"),
        0,
        "",
        then=only_built_locales_linked,
    ),
    Case(
        "remote images",
        article(
            "pictures.md",
            "# Pictures\n\nA pixel ![p](https://tracker.example/p.gif) here.\n\n"
            'Another <img src="//cdn.example/x.png" alt="x"> there, and ![map](images/map.png) ours.\n',
        ),
        ("build",),
        0,
        "",
        then=no_remote_image,
    ),
    Case("temp files of a crashed run", stale_temp_files, ("build",), 0, "", then=no_temp_files_left),
    Case(
        "lint --fix on a CRLF file",
        crlf_article,
        ("lint", "--fix", "crlf.txt"),
        0,
        "",
        then=only_the_fixed_line_changed,
    ),
    Case(
        "glossary export with a formula",
        formula_in_glossary_term,
        ("glossary", "export", "out.csv"),
        0,
        "",
        then=csv_cells_are_not_formulas,
    ),
]


# ---------------------------------------------------------------- running a case


@pytest.fixture(scope="module")
def built_project(tmp_path_factory) -> Path:
    """A small project, built once: locales/ and dist/ have content a case must not spoil."""
    project = tmp_path_factory.mktemp("hostile-template") / "project"
    write(project / "articles" / "story.txt", STORY)
    write(project / "pyproject.toml", '[tool.newsloc]\nlocales = ["es", "fr"]\nengine = "pseudo"\n')
    shutil.copytree(REPO / "glossary", project / "glossary")
    result = CliRunner().invoke(main, ["build", "--project", str(project)])
    assert result.exit_code == 0, result.output
    return project


def snapshot(folder: Path) -> dict[str, str]:
    """Every file and link under ``folder`` (lock files aside) → a digest of its bytes or its target."""
    found = {}
    for path in sorted(folder.rglob("*")) if folder.is_dir() else [folder] if folder.exists() else []:
        if path.name.endswith(".lock"):
            continue
        if path.is_symlink():
            found[str(path.relative_to(folder.parent))] = "-> " + os.readlink(path)
        elif path.is_file():
            found[str(path.relative_to(folder.parent))] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif path.is_dir():
            found[str(path.relative_to(folder.parent))] = "dir"
    return found


def project_bytes_hold_secret(project: Path) -> list[Path]:
    return [
        path
        for path in project.rglob("*")
        if path.is_file() and not path.is_symlink() and SECRET.encode() in path.read_bytes()
    ]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_input(case: Case, built_project: Path, tmp_path: Path, monkeypatch) -> None:
    project, outside = tmp_path / "project", tmp_path / "outside"
    shutil.copytree(built_project, project, symlinks=True)
    write(outside / "secret.txt", f"{SECRET}\nroot:x:0:0:root:/root:/bin/bash\n")
    write(outside / "secret.po", f'msgid ""\nmsgstr "{SECRET}"\n')
    write(outside / "a" / "victim" / "keep.txt", "must survive\n")
    case.setup(project, outside)
    before = {folder: snapshot(project / folder) for folder in case.unchanged}
    outside_before = snapshot(outside)
    monkeypatch.chdir(project)

    result = CliRunner().invoke(main, list(case.command))

    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert "Traceback" not in output
    assert result.exception is None or isinstance(result.exception, SystemExit), output
    assert result.exit_code == case.exit_code, output
    assert case.fragment in (result.stderr if case.exit_code else result.stdout), output
    if case.exit_code == 2:
        errors = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(errors) == case.lines and errors[0].startswith("newsloc: "), result.stderr
        assert {folder: snapshot(project / folder) for folder in case.unchanged} == before
    assert snapshot(outside) == outside_before
    assert SECRET not in output
    assert project_bytes_hold_secret(project) == []
    case.then(project, outside)
