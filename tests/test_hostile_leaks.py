"""No output of any command holds a byte of a file outside the project.

Secret files lie next to the project, each a valid file of its kind (an article, a TBX, a
TMX, a PO, machine records, a CSV, an XLIFF, a page, a manifest), so a reader that
followed a path there would happily take it in. Each case points one input kind at them
(a symlink inside the project, a setting, a command-line path, an XLIFF ``original``, a
model package member); then every command runs: build, lint, check, status, glossary
report/import/export, tm stats/import/export, xliff export/import, models install/list and
the editor's HTTP routes. Whatever each command answers (a refusal or its normal work),
no stdout, stderr, HTTP body or file under the project may hold the secret's marker, no
traceback may show, and nothing outside the project may change.
"""

from __future__ import annotations

import json
import shutil
import stat
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_hostile import PROJECT_FOLDERS, STORY, built_project, snapshot, write  # noqa: F401 (built_project: a fixture)

from pipeline.cli import main

SECRET = "SECRET-9d2e-OUTSIDE"
TOKEN = "leak-test-token"
PO = Path("locales/es/LC_MESSAGES/story.po")


# ---------------------------------------------------------------- the files outside


def plant_secrets(project: Path, outside: Path) -> None:
    """One secret file per input kind, each well-formed, made from the project's own files."""
    write(outside / "secret.txt", f"{SECRET} headline\n\nThe {SECRET} spoke on Tuesday. root:x:0:0:root\n")
    write(outside / "articles" / "story.txt", STORY.replace("president", SECRET))
    write(outside / "articles" / "leak.txt", f"Leak\n\n{SECRET} text.\n")
    tbx = (project / "glossary" / "newsloc.tbx").read_text(encoding="utf-8")
    write(outside / "secret.tbx", tbx.replace("patio trasero", SECRET).replace("<term>backyard</term>",
                                                                                  "<term>president</term>"))  # fmt: skip
    write(outside / "glossary" / "newsloc.tbx", (outside / "secret.tbx").read_text(encoding="utf-8"))
    tmx = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="en" datatype="plaintext" '
        'segtype="sentence" adminlang="en" o-tmf="x" creationtool="x" creationtoolversion="1"/><body>'
        '<tu><tuv xml:lang="en"><seg>The president spoke on Tuesday.</seg></tuv>'
        f'<tuv xml:lang="es"><seg>{SECRET} habló el martes.</seg></tuv></tu></body></tmx>\n'
    )
    write(outside / "secret.tmx", tmx)
    write(outside / "tm" / "old.tmx", tmx)
    po = (project / PO).read_text(encoding="utf-8")
    secret_po = po.replace("#, fuzzy\n", "").replace('msgstr "[', f'msgstr "{SECRET} [')
    write(outside / "secret.po", secret_po)
    write(outside / "fr" / "LC_MESSAGES" / "story.po", secret_po.replace("Language: es", "Language: fr"))
    write(outside / "locales" / "es" / "LC_MESSAGES" / "story.po", secret_po)
    pot = (project / "locales" / "story.pot").read_text(encoding="utf-8")
    write(outside / "secret.pot", pot.replace('msgid "Officials', f'msgid "{SECRET} Officials'))
    records = json.loads((project / PO.with_name("story.machine.json")).read_text(encoding="utf-8"))
    for draft in records["drafts"]:
        draft["model"] = SECRET
    write(outside / "secret.json", json.dumps(records))
    write(outside / "secret.csv", f"en,es,fr,pt-BR,pt,variants,dnt,note\npresident,{SECRET},{SECRET},,,,no,{SECRET}\n")
    manifest = json.loads((project / "dist" / "manifest.json").read_text(encoding="utf-8"))
    manifest["articles"][SECRET] = manifest["articles"]["story"]
    write(outside / "manifest.json", json.dumps(manifest))
    write(outside / "dist-es" / "story.html", f"<p>{SECRET}</p>\n")
    write(outside / "cache" / "results.sqlite", SECRET)
    write(outside / "memory" / "memory.sqlite3", SECRET)


def secret_xliff(project: Path, outside: Path) -> None:
    """An exported XLIFF with secret targets (for `xliff import` of a file outside)."""
    assert CliRunner().invoke(main, ["xliff", "export", "--project", str(project), "--lang", "es"]).exit_code == 0
    exported = project / "locales" / "es" / "story.xlf"
    text = exported.read_text(encoding="utf-8").replace('state="needs-review-translation"', 'state="translated"')
    write(outside / "secret.xlf", text.replace("<target ", "<target xml:lang='es' ").replace(">[", f">{SECRET} ["))
    exported.unlink()


# ---------------------------------------------------------------- the cases


def link(relative: str, target: str) -> Callable[[Path, Path], None]:
    def setup(project: Path, outside: Path) -> None:
        path = project / relative
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(outside / target)

    return setup


def setting(body: str) -> Callable[[Path, Path], None]:
    def setup(project: Path, outside: Path) -> None:
        text = body.replace("{outside}", str(outside))
        write(project / "pyproject.toml", f'[tool.newsloc]\nlocales = ["es", "fr"]\nengine = "pseudo"\n{text}\n')

    return setup


def xliff_original_outside(project: Path, outside: Path) -> None:
    assert CliRunner().invoke(main, ["xliff", "export", "--project", str(project), "--lang", "es"]).exit_code == 0
    exported = project / "locales" / "es" / "story.xlf"
    text = exported.read_text(encoding="utf-8").replace(
        'original="locales/es/LC_MESSAGES/story.po"', 'original="../outside/secret.po"'
    )
    write(project / "edited.xlf", text.replace('state="needs-review-translation"', 'state="translated"'))
    exported.unlink()


def package_with_a_symlink(project: Path, outside: Path) -> None:
    """A model package whose metadata.json is a symlink to a secret file (zip keeps Unix modes)."""
    top = "translate-en_es-1_0"
    with zipfile.ZipFile(project / "evil.argosmodel", "w") as zipped:
        member = zipfile.ZipInfo(f"{top}/metadata.json")
        member.external_attr = (stat.S_IFLNK | 0o777) << 16
        zipped.writestr(member, str(outside / "secret.json"))
        zipped.writestr(f"{top}/sentencepiece.model", b"x")
        zipped.writestr(f"{top}/model/model.bin", b"x")
        note = zipfile.ZipInfo(f"{top}/README")
        note.external_attr = (stat.S_IFLNK | 0o777) << 16
        zipped.writestr(note, str(outside / "secret.txt"))


@dataclass(frozen=True)
class Kind:
    name: str
    setup: Callable[[Path, Path], None]
    extra: tuple[tuple[str, ...], ...] = ()  # commands that only this kind needs


def nothing(project: Path, outside: Path) -> None:
    pass


KINDS = [
    Kind("control: nothing points outside", nothing),  # every command then does its normal work
    Kind("article symlink", link("articles/evil.txt", "secret.txt")),
    Kind("articles folder symlink", link("articles", "articles")),
    Kind("glossary symlink", link("glossary/newsloc.tbx", "secret.tbx")),
    Kind("glossary folder symlink", link("glossary", "glossary")),
    Kind("TMX symlink in tm/", link("tm/evil.tmx", "secret.tmx")),
    Kind("tm folder symlink", link("tm", "tm")),
    Kind("catalog symlink", link(str(PO), "secret.po")),
    Kind("locale folder symlink", link("locales/fr", "fr")),
    Kind("machine records symlink", link(str(PO.with_name("story.machine.json")), "secret.json")),
    Kind("template symlink", link("locales/story.pot", "secret.pot")),
    Kind("dist locale folder symlink", link("dist/es", "dist-es")),
    Kind("dist manifest symlink", link("dist/manifest.json", "manifest.json")),
    Kind("result cache symlink", link(".newsloc-cache", "cache")),
    Kind("memory cache symlink", link(".newsloc", "memory")),
    Kind("articles setting outside", setting('articles = "../outside/articles"')),
    Kind("glossary setting absolute", setting('glossary = "{outside}/secret.tbx"')),
    Kind("tm_dir setting outside", setting('tm_dir = "../outside/tm"')),
    Kind("locales_dir setting outside", setting('locales_dir = "../outside/locales"')),
    Kind("xliff original outside", xliff_original_outside, (("xliff", "import", "edited.xlf"),)),
    Kind(
        "command-line paths outside",
        secret_xliff,
        (
            ("build", "../outside/secret.txt"),
            ("check", "../outside/secret.txt"),
            ("status", "../outside/secret.txt"),
            ("lint", "../outside/secret.txt"),
            ("lint", "--fix", "../outside/secret.txt"),
            ("glossary", "export", "--glossary", "../outside/secret.tbx", "out.csv"),
            ("glossary", "report", "--glossary", "../outside/secret.tbx"),
            ("glossary", "report", "--locales-dir", "../outside/locales"),
            ("glossary", "import", "../outside/secret.csv"),
            ("glossary", "import", "--glossary", "../outside/secret.tbx", "in.csv"),
            ("glossary", "export", "../outside/out.csv"),
            ("tm", "import", "../outside/secret.tmx"),
            ("tm", "export", "../outside/out.tmx"),
            ("xliff", "import", "../outside/secret.xlf"),
        ),
    ),
    Kind(
        "model package with symlinks",
        package_with_a_symlink,
        (
            ("models", "--packages-dir", "packages", "install", "evil.argosmodel"),
            ("models", "--packages-dir", "packages", "list"),
        ),
    ),
]

# Every command, in the order a user might run them; each sees what the earlier ones left.
COMMANDS: tuple[tuple[str, ...], ...] = (
    ("build", "--lang", "es"),
    ("build",),
    ("lint", "articles/story.txt"),
    ("check",),
    ("status",),
    ("glossary", "report"),
    ("glossary", "export", "out.csv"),
    ("glossary", "import", "in.csv"),
    ("tm", "stats"),
    ("tm", "export", "out.tmx"),
    ("tm", "import", "in.tmx"),
    ("xliff", "export", "--lang", "es"),
    ("xliff", "import", "locales/es/story.xlf"),
)


# ---------------------------------------------------------------- running


def served_answers(project: Path) -> list[str]:
    """The editor's routes, as a browser with the token would call them."""
    from starlette.testclient import TestClient

    from pipeline.config import load_config
    from pipeline.model import NewslocError
    from pipeline.serve.app import create_app
    from pipeline.serve.editing import Workspace

    try:
        config = load_config(project)
        workspace = Workspace(config, config.locales)
    except NewslocError as error:
        return [str(error)]
    client = TestClient(create_app(workspace, TOKEN), base_url="http://127.0.0.1", raise_server_exceptions=False)
    answers = []
    for path in ("/", "/review/es/story", "/review/fr/story", "/review/es/evil", "/review/es/leak"):
        response = client.get(path, params={"token": TOKEN})
        assert response.status_code != 500, response.text
        answers.append(response.text)
    body = {"context": "paragraph", "msgid": "Officials agreed with the president.", "text": "Hola.", "version": "x"}
    response = client.post("/review/es/story/entry", json=body, headers={"X-Newsloc-Token": TOKEN})
    assert response.status_code != 500, response.text
    answers.append(response.text)
    return answers


def files_holding_the_secret(project: Path) -> list[str]:
    return [
        str(path.relative_to(project))
        for path in project.rglob("*")
        if path.is_file() and not path.is_symlink() and SECRET.encode() in path.read_bytes()
    ]


@pytest.fixture(scope="module")
def leak_template(built_project: Path, tmp_path_factory) -> Path:
    """The hostile suite's built project, plus the files a user would import, exported once."""
    project = tmp_path_factory.mktemp("leak-template") / "project"
    shutil.copytree(built_project, project, symlinks=True)
    write(project / "in.csv", "en,es,fr,pt-BR,pt,variants,dnt,note\nofficial,funcionario,responsable,,,,no,\n")
    write(
        project / "in.tmx",
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="en" datatype="plaintext" '
        'segtype="sentence" adminlang="en" o-tmf="x" creationtool="x" creationtoolversion="1"/><body>'
        '<tu><tuv xml:lang="en"><seg>It was late.</seg></tuv><tuv xml:lang="es"><seg>Era tarde.</seg></tuv></tu>'
        "</body></tmx>\n",
    )
    return project


@pytest.mark.parametrize("kind", KINDS, ids=[kind.name for kind in KINDS])
def test_no_command_shows_or_copies_a_byte_of_a_file_outside_the_project(
    kind: Kind, leak_template: Path, tmp_path: Path, monkeypatch
) -> None:
    project, outside = tmp_path / "project", tmp_path / "outside"
    shutil.copytree(leak_template, project, symlinks=True)
    plant_secrets(project, outside)
    kind.setup(project, outside)
    outside_before = snapshot(outside)
    monkeypatch.chdir(project)
    monkeypatch.delenv("ARGOS_PACKAGES_DIR", raising=False)

    answers: list[str] = []
    codes = []
    for command in (*COMMANDS, *kind.extra):
        folders = {folder: snapshot(project / folder) for folder in PROJECT_FOLDERS}
        result = CliRunner().invoke(main, list(command))
        output = result.stdout + result.stderr
        assert "Traceback" not in output, (command, output)
        assert result.exception is None or isinstance(result.exception, SystemExit), (command, output)
        assert result.exit_code in (0, 1, 2), (command, output)
        if result.exit_code == 2:  # a refusal: one line, and nothing written
            errors = [line for line in result.stderr.splitlines() if line.strip()]
            assert len(errors) == 1 and errors[0].startswith("newsloc: "), (command, output)
            assert {folder: snapshot(project / folder) for folder in PROJECT_FOLDERS} == folders, command
        answers.append(f"{' '.join(command)}\n{output}")
        codes.append(result.exit_code)
    answers += [f"serve\n{answer}" for answer in served_answers(project)]

    if kind.setup is nothing:
        assert codes == [0] * len(COMMANDS), answers
    leaked = [answer.splitlines()[0] for answer in answers if SECRET in answer]
    assert leaked == []
    assert files_holding_the_secret(project) == []
    assert snapshot(outside) == outside_before
