"""Nothing half-written, nothing lost: atomic writes, locked catalogs, broken input refused, work kept.

The last tests are the fresh-clone scenario: build, a translator edits the PO, the
English changes, build again.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline import catalog as catalogs
from pipeline import fileio, po
from pipeline.build import BuildOptions, build
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.model import EntryState, Locale

ES = Locale("es")
SLUG = "mexico-rejects-us-intervention"
NEWSLOC = [sys.executable, "-c", "import sys; from pipeline.cli import main; sys.exit(main())"]


def po_path(project: Path) -> Path:
    return project / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po"


def temp_files(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.name.endswith(".tmp")]


def read(path: Path):
    return po.parse(path.read_text(encoding="utf-8"), path)


def pseudo_build(project: Path, **options):
    return build(load_config(project), [], BuildOptions(locales=(ES,), engine="pseudo", **options))


def msgfmt_check(path: Path) -> str:
    if shutil.which("msgfmt") is None:
        pytest.skip("GNU gettext is not installed")
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stderr


# ---------------------------------------------------------------- atomic writes


def test_a_crash_before_the_rename_leaves_the_old_file_and_no_temp_file(tmp_path, monkeypatch):
    target = tmp_path / "a.po"
    target.write_text("old complete content\n", encoding="utf-8")

    def crash(*args):
        raise OSError("power cut")

    monkeypatch.setattr(fileio.os, "replace", crash)
    with pytest.raises(OSError, match="power cut"):
        fileio.write_atomic(target, "new content " * 1000)
    assert target.read_text(encoding="utf-8") == "old complete content\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.po"]


def test_a_disk_full_halfway_through_the_data_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "a.po"
    target.write_text("old complete content\n", encoding="utf-8")
    real_fdopen = os.fdopen

    class HalfWriter:
        def __init__(self, handle):
            self.handle = handle

        def write(self, data):
            self.handle.write(data[: len(data) // 2])
            self.handle.flush()
            raise OSError(28, "No space left on device")

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

    monkeypatch.setattr(fileio.os, "fdopen", lambda fd, mode: HalfWriter(real_fdopen(fd, mode)))
    with pytest.raises(OSError, match="No space"):
        fileio.write_atomic(target, "new content " * 1000)
    assert target.read_text(encoding="utf-8") == "old complete content\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.po"]


def test_a_build_that_crashes_while_writing_leaves_every_catalog_as_it_was(project, monkeypatch):
    pseudo_build(project, write_html=False)
    before = po_path(project).read_text(encoding="utf-8")
    article = project / "articles" / f"{SLUG}.txt"
    article.write_text(
        article.read_text(encoding="utf-8").replace("firmly dismissed", "firmly rejected"), encoding="utf-8"
    )

    def crash(*args):
        raise OSError("killed")

    monkeypatch.setattr(fileio.os, "replace", crash)
    with pytest.raises(OSError, match="killed"):
        pseudo_build(project)
    assert po_path(project).read_text(encoding="utf-8") == before
    assert temp_files(project) == []
    assert not (project / "dist").exists()


# ---------------------------------------------------------------- valid files


def test_built_catalogs_pass_msgfmt_without_warnings_and_carry_the_headers(project):
    locales = (Locale("es"), Locale("fr"), Locale("pt-BR"))
    config = load_config(project)
    build(config, [], BuildOptions(locales=locales, engine="pseudo", write_html=False))
    article = project / "articles" / f"{SLUG}.txt"  # obsolete entries and previous msgids too
    text = article.read_text(encoding="utf-8")
    article.write_text(
        text.replace("firmly dismissed", "firmly rejected").replace("Table of Contents\n", ""), encoding="utf-8"
    )
    build(config, [], BuildOptions(locales=locales, engine="pseudo", write_html=False))
    for locale in locales:
        path = project / "locales" / locale.folder / "LC_MESSAGES" / f"{SLUG}.po"
        content = path.read_text(encoding="utf-8")
        assert "#~ msgid" in content and "#| msgid" in content
        assert msgfmt_check(path) == ""
        for header in (
            f"Language: {locale.babel}",
            "Plural-Forms: nplurals=",
            "Project-Id-Version: newsloc",
            "Content-Type: text/plain; charset=utf-8",
            "X-Generator: newsloc",
        ):
            assert header in content, (locale, header)


# ---------------------------------------------------------------- locks


def test_the_lock_makes_a_second_run_wait(tmp_path):
    target = tmp_path / "a.po"
    events: list[str] = []
    holding = threading.Event()

    def first():
        with fileio.locked(target):
            events.append("first in")
            holding.set()
            time.sleep(0.3)
            events.append("first out")

    thread = threading.Thread(target=first)
    thread.start()
    holding.wait(5)
    with fileio.locked(target):  # flock: a separate open file, so it conflicts even in one process
        events.append("second in")
    thread.join()
    assert events == ["first in", "first out", "second in"]


def test_two_builds_at_once_both_succeed_and_the_catalog_is_complete(project):
    command = [*NEWSLOC, "build", "--project", str(project), "--engine", "pseudo", "--lang", "es"]
    runs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=project)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    template = read(project / "locales" / f"{SLUG}.pot")
    catalog = read(po_path(project))
    assert [catalogs.key_of(m) for m in catalog if m.id] == [catalogs.key_of(m) for m in template if m.id]
    assert all(m.string for m in catalog if m.id)
    msgfmt_check(po_path(project))
    # The runs took turns: one translated everything, the other found it done.
    translated = sorted(int(re.search(r"(\d+) translated now", out).group(1)) for out, _ in outputs)
    assert translated == [0, len(template)]
    assert temp_files(project) == []


# ---------------------------------------------------------------- a save by another tool


def poedit_save(path: Path, text: str, comment: str) -> None:
    """What a translator's save in Poedit does: a reviewed translation with a comment, no lock of ours."""
    catalog = read(path)
    message = [m for m in catalog if m.id and m.string][-1]  # the last: its English does not change here
    message.string = text
    message.flags.discard("fuzzy")
    message.user_comments = [comment]
    path.write_text(po.render(catalog), encoding="utf-8")


def test_a_catalog_saved_while_the_build_runs_after_it_read_it_keeps_the_save(project, monkeypatch):
    import pipeline.build as build_module

    pseudo_build(project, write_html=False)
    path = po_path(project)
    article = project / "articles" / f"{SLUG}.txt"  # something to translate, so the build does work
    article.write_text(article.read_text(encoding="utf-8").replace("firmly dismissed", "firmly rejected"), "utf-8")
    real_translate = build_module._translate

    def translate_while_a_translator_saves(*args, **kwargs):
        # The build has read and planned the catalog; the engine is busy; Poedit saves.
        poedit_save(path, "Traducción revisada por una persona.", "revisado por Ana")
        return real_translate(*args, **kwargs)

    monkeypatch.setattr(build_module, "_translate", translate_while_a_translator_saves)
    report = pseudo_build(project, jobs=2)  # the parallel stages, with the one writer comparing first
    after = read(path)
    kept = [m for m in after if m.string == "Traducción revisada por una persona."]
    assert len(kept) == 1 and not kept[0].fuzzy and kept[0].user_comments == ["revisado por Ana"]
    assert catalogs.entry_state(kept[0]) == EntryState.REVIEWED
    assert "firmly rejected" in path.read_text(encoding="utf-8")  # the build's own merge is there too
    shown = {v.target for r in report.results for v in r.article.views}
    assert "Traducción revisada por una persona." in shown  # pages show the save, not the stale merge
    page = (project / "dist" / "es" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert "Traducción revisada por una persona." in page
    assert temp_files(project) == []


def test_a_catalog_that_keeps_changing_stops_the_build_with_one_line_and_keeps_the_last_save(project, monkeypatch):
    import pipeline.build as build_module

    pseudo_build(project, write_html=False)
    path = po_path(project)
    article = project / "articles" / f"{SLUG}.txt"
    article.write_text(article.read_text(encoding="utf-8").replace("firmly dismissed", "firmly rejected"), "utf-8")
    real_finish = build_module._finish
    count = iter(range(100))

    def finish_while_saving_again_and_again(*args, **kwargs):
        finished = real_finish(*args, **kwargs)
        poedit_save(path, f"Guardado {next(count)}.", "otra vez")
        return finished

    monkeypatch.setattr(build_module, "_finish", finish_while_saving_again_and_again)
    result = CliRunner().invoke(
        main, ["build", "--project", str(project), "--engine", "pseudo", "--lang", "es", "--jobs", "1"]
    )
    assert result.exit_code == 2, result.output
    assert "kept changing while the build merged it" in result.stderr
    assert [line for line in result.stderr.splitlines() if line.startswith("newsloc:")] == [
        line for line in result.stderr.splitlines() if "kept changing" in line
    ]
    assert "Traceback" not in result.output
    assert "Guardado 2." in path.read_text(encoding="utf-8")
    assert not (project / "dist").exists()
    assert temp_files(project) == []


def test_write_atomic_refuses_to_replace_a_file_changed_since_it_was_read(tmp_path):
    target = tmp_path / "a.po"
    target.write_text("as read\n", encoding="utf-8")
    target.write_text("saved meanwhile\n", encoding="utf-8")
    with pytest.raises(fileio.FileChanged, match="changed on disk"):
        fileio.write_atomic(target, "ours\n", unchanged_since="as read\n")
    assert target.read_text(encoding="utf-8") == "saved meanwhile\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.po"]
    with pytest.raises(fileio.FileChanged):
        fileio.write_atomic(tmp_path / "new.po", "ours\n", unchanged_since="it existed\n")
    fileio.write_atomic(tmp_path / "new.po", "ours\n", unchanged_since=None)
    assert (tmp_path / "new.po").read_text(encoding="utf-8") == "ours\n"


# ---------------------------------------------------------------- broken input


def unterminated(line: str) -> str:
    return line.replace('msgid "', 'msgid "unterminated', 1).rstrip('"')


def misspelled(line: str) -> str:
    return line.replace("msgid ", "msgid_typo ", 1)


@pytest.mark.parametrize("damage", [unterminated, misspelled])
def test_a_po_syntax_error_is_one_line_with_file_and_line_and_nothing_is_written(project, damage):
    pseudo_build(project, write_html=False)
    lines = po_path(project).read_text(encoding="utf-8").split("\n")
    number = [i for i, line in enumerate(lines, start=1) if line.startswith("msgid ")][5]
    lines[number - 1] = damage(lines[number - 1])
    broken = "\n".join(lines)
    po_path(project).write_text(broken, encoding="utf-8")
    pot = project / "locales" / f"{SLUG}.pot"
    pot.unlink()
    result = CliRunner().invoke(main, ["build", "--project", str(project), "--engine", "pseudo", "--lang", "es"])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert re.search(rf"{SLUG}\.po:{number}: PO syntax error", result.stderr), result.stderr
    assert po_path(project).read_text(encoding="utf-8") == broken
    assert not pot.exists() and not (project / "dist").exists()


def test_a_po_that_is_not_utf8_is_one_line_and_nothing_is_written(project):
    pseudo_build(project, write_html=False)
    po_path(project).write_bytes(po_path(project).read_bytes().replace("Ṁ".encode(), b"\xff\xfe", 1))
    result = CliRunner().invoke(main, ["build", "--project", str(project), "--engine", "pseudo", "--lang", "es"])
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1
    assert f"{SLUG}.po" in result.stderr and "UTF-8" in result.stderr
    assert not (project / "dist").exists()


# ---------------------------------------------------------------- the fresh-clone scenario


HEADING = ("Regional Response to U.S. influence", "heading")
EDITED = "Respuesta regional a la influencia de EE. UU. (revisado)"
OLD_LEAD = (
    "Mexico‘s President has firmly dismissed any possibility of armed intervention by the United States "
    "within its borders."
)
NEW_LEAD = OLD_LEAD.replace("firmly dismissed", "firmly rejected")


def edit_po_like_a_translator(path: Path) -> None:
    """Change the heading's msgstr and delete its `#, fuzzy` line in a text editor, then re-save with msgcat."""
    blocks = path.read_text(encoding="utf-8").split("\n\n")
    marker = f'msgctxt "{HEADING[1]}"\nmsgid "{HEADING[0]}"\n'
    [index] = [i for i, block in enumerate(blocks) if marker in block]
    head = blocks[index].split(marker)[0].replace("#, fuzzy\n", "")
    blocks[index] = f'{head}{marker}msgstr "{EDITED}"'
    path.write_text("\n\n".join(blocks), encoding="utf-8")
    if shutil.which("msgcat"):  # another tool's formatting (Poedit and Weblate re-wrap too)
        subprocess.run(["msgcat", "--no-wrap", "-o", str(path), str(path)], check=True)


@pytest.mark.parametrize("engine", ["pseudo", "apertium"])
def test_fresh_clone_translator_edit_survives_and_changed_english_goes_fuzzy(project, engine):
    if engine == "apertium" and shutil.which("apertium") is None:
        pytest.skip("Apertium is not installed")
    runner = CliRunner()
    command = ["build", "--project", str(project), "--engine", engine, "--lang", "es"]
    first = runner.invoke(main, command)
    assert first.exit_code in (0, 1), first.output
    assert f"translated now ({engine})" in first.output
    edit_po_like_a_translator(po_path(project))
    before = {catalogs.key_of(m): m.string for m in read(po_path(project)) if m.id}
    article = project / "articles" / f"{SLUG}.txt"
    article.write_text(article.read_text(encoding="utf-8").replace(OLD_LEAD, NEW_LEAD), encoding="utf-8")

    second = runner.invoke(main, command)
    assert second.exit_code in (0, 1), second.output
    assert re.search(r"\b1 translated now", second.output), second.output
    catalog = read(po_path(project))
    heading = catalog.get(*HEADING)
    assert (heading.string, catalogs.entry_state(heading)) == (EDITED, EntryState.REVIEWED)
    page = (project / "dist" / "es" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert EDITED in page
    lead = catalog.get(NEW_LEAD, context="lead")
    assert lead.fuzzy and list(lead.previous_id) == [OLD_LEAD]
    after = {catalogs.key_of(m): m.string for m in catalog if m.id}
    assert set(after) == set(before) - {(OLD_LEAD, "lead")} | {(NEW_LEAD, "lead")}
    # The reviewed heading is now in the translation memory: the TOC entry with the same English
    # takes it as a draft instead of its machine translation. Nothing else changes.
    same_english = {key for key in after if key[0] == HEADING[0] and key != HEADING}
    assert same_english and all(after[key] == EDITED and catalog.get(*key).fuzzy for key in same_english)
    assert {key: text for key, text in after.items() if key != (NEW_LEAD, "lead") and key not in same_english} == {
        key: text for key, text in before.items() if key != (OLD_LEAD, "lead") and key not in same_english
    }
    msgfmt_check(po_path(project))
