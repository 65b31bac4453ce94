"""The build's fast path: after a settled build (one whose rerun would change nothing), a build on the
inputs it left prints what that rerun would print without running; anything its output depends on,
or a change by anyone else meanwhile, makes it run."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from tests_helpers import invoke

import pipeline.build
from pipeline import ledger
from pipeline.config import load_config
from pipeline.engines.apertium import ApertiumEngine
from pipeline.model import Locale

SLUG = "short-story"
ARTICLE = (
    "Mexico Rejects Talk of U.S. Intervention\n\n"
    "Mexico's president said on Tuesday that the country would not accept any intervention.\n\n"
    "The government said it would keep working with its neighbours on security.\n"
)
REPLAYED = "checks: none run"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1762214400")


@pytest.fixture
def small(project: Path) -> Path:
    for path in (project / "articles").iterdir():
        path.unlink()
    (project / "articles" / f"{SLUG}.txt").write_text(ARTICLE, encoding="utf-8")
    return project


def build(project: Path, *options: str) -> str:
    result = invoke(project, "build", "--engine", "pseudo", *options)
    assert result.exit_code == 0, result.output
    return result.output


def outputs(project: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(project)): path.read_bytes()
        for folder in ("locales", "dist")
        for path in sorted((project / folder).rglob("*"))
        if path.is_file()
    }


def settled(project: Path, *options: str) -> str:
    """A build that writes (which the ledger records as the state it leaves); what a rerun prints."""
    first = build(project, *options)
    assert REPLAYED not in first and "wrote " in first
    assert ledger.ledger_path(load_config(project)).exists()
    ledger.forget(load_config(project))
    second = build(project, *options)  # the same, found by running
    assert REPLAYED not in second and "dist/ unchanged" in second
    assert ledger.ledger_path(load_config(project)).exists()
    return second


def without_checks_line(output: str) -> list[str]:
    return [line for line in output.splitlines() if not line.startswith("checks:")]


def test_a_build_after_one_that_changed_nothing_runs_nothing_and_prints_its_summary(small, monkeypatch):
    second = settled(small)
    before = outputs(small)

    def no_build(*args, **kwargs):
        raise AssertionError("the build ran")

    monkeypatch.setattr(pipeline.build, "build", no_build)
    third = build(small)
    assert REPLAYED in third
    assert without_checks_line(third) == without_checks_line(second)
    assert f"{SLUG} [es] 3 segments, 0 translated now (pseudo)" in third
    assert outputs(small) == before


def test_a_missing_or_damaged_ledger_only_means_the_build_runs(small):
    settled(small)
    path = ledger.ledger_path(load_config(small))
    path.write_text("{not json", encoding="utf-8")
    assert REPLAYED not in build(small)  # ran, changed nothing, recorded again
    assert REPLAYED in build(small)
    path.unlink()
    assert REPLAYED not in build(small)


def save_translation(project: Path) -> None:
    po = polib.pofile(str(project / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po"))
    po[-1].msgstr = "El gobierno dijo que seguirá trabajando con sus vecinos."
    po.save()


def review_translation(project: Path) -> None:
    """A translator's reviewed text (not fuzzy): a unit of the translation memory."""
    po = polib.pofile(str(project / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po"))
    po[-1].msgstr = "El gobierno dijo que seguirá trabajando con sus vecinos."
    po[-1].flags = [flag for flag in po[-1].flags if flag != "fuzzy"]
    po.save()


def delete_page(project: Path) -> None:
    (project / "dist" / "es" / f"{SLUG}.html").unlink()


def change_setting(project: Path) -> None:
    pyproject = project / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8").replace(
            "[tool.newsloc]", '[tool.newsloc]\nbase_url = "https://x.example/n"'
        )
    )


def touch_article(project: Path) -> None:
    os.utime(project / "articles" / f"{SLUG}.txt", (1_700_000_000, 1_700_000_000))  # it dates the pages


def edit_article(project: Path) -> None:
    path = project / "articles" / f"{SLUG}.txt"
    path.write_text(ARTICLE.replace("Tuesday", "Monday"), encoding="utf-8")


def edit_glossary(project: Path) -> None:
    tbx = project / "glossary" / "newsloc.tbx"
    tbx.write_text(tbx.read_text(encoding="utf-8").replace("<term>patio trasero</term>", "<term>traspatio</term>"))


def add_memory(project: Path) -> None:
    (project / "tm").mkdir()
    (project / "tm" / "vendor.tmx").write_text(
        '<tmx version="1.4"><header srclang="en" datatype="plaintext" segtype="sentence" adminlang="en"'
        ' creationtool="test" creationtoolversion="1" o-tmf="none"/><body><tu><tuv xml:lang="en"><seg>Hello.'
        '</seg></tuv><tuv xml:lang="es"><seg>Hola.</seg></tuv></tu><tu><tuv xml:lang="en"><seg>The government'
        ' said it would keep working with its neighbours on security.</seg></tuv><tuv xml:lang="es"><seg>El'
        " Gobierno dijo que seguiría trabajando con sus vecinos en seguridad.</seg></tuv></tu></body></tmx>",
        encoding="utf-8",
    )


def remove_cache_but_keep_ledger(project: Path) -> None:
    (project / ".newsloc-cache" / "results.sqlite").unlink()  # never changes the output: still replayed


@pytest.mark.parametrize(
    ("change", "check"),
    [
        (save_translation, lambda p: "seguirá trabajando" in (p / f"locales/es/LC_MESSAGES/{SLUG}.po").read_text()),
        (delete_page, lambda p: (p / "dist" / "es" / f"{SLUG}.html").is_file()),
        (change_setting, lambda p: "https://x.example/n" in (p / "dist" / "es" / f"{SLUG}.html").read_text()),
        (touch_article, lambda p: "2023-11-14" in (p / "dist" / "manifest.json").read_text()),
        (edit_article, lambda p: "Monday" in (p / "locales" / f"{SLUG}.pot").read_text()),
        (edit_glossary, lambda p: True),
        (add_memory, lambda p: True),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_anything_the_output_depends_on_makes_the_build_run(small, change: Callable[[Path], None], check):
    settled(small)
    change(small)
    output = build(small)
    assert REPLAYED not in output
    assert check(small)


def test_a_deleted_cache_is_no_input(small):
    settled(small)
    remove_cache_but_keep_ledger(small)
    assert REPLAYED in build(small)


@pytest.mark.parametrize(
    "options", [("--lang", "es"), ("--strict",), ("--no-memory",), ("--retranslate",), ("-j", "1")]
)
def test_other_options_make_the_build_run(small, options):
    settled(small)
    assert REPLAYED not in build(small, *options)


def test_an_environment_the_build_reads_makes_it_run(small, monkeypatch):
    settled(small)
    monkeypatch.setenv("NEWSLOC_SPELLER", "spylls")
    assert REPLAYED not in build(small)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1762300800")
    assert REPLAYED not in build(small)


def test_the_code_and_the_machine_are_inputs(small, tmp_path, monkeypatch):
    config = load_config(small)

    def key() -> str:
        return ledger.fingerprint(config, [], {"engine": "pseudo"})

    code = tmp_path / "code"
    shutil.copytree(ledger.PACKAGE, code, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(ledger, "PACKAGE", code)
    dpkg = tmp_path / "status"
    dpkg.write_text("Package: apertium-eng-spa\nVersion: 1\n", encoding="utf-8")
    monkeypatch.setattr(ledger, "DPKG_STATUS", dpkg)
    dictionaries = tmp_path / "hunspell"
    dictionaries.mkdir()
    (dictionaries / "es_ES.dic").write_text("1\nhola\n", encoding="utf-8")
    monkeypatch.setattr(ledger, "SYSTEM_FOLDERS", (dictionaries,))
    models = tmp_path / "argos"
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(models))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    seen = {key()}
    assert key() in seen  # the same inputs, the same fingerprint

    changes = [
        lambda: (code / "checks.py").write_text((code / "checks.py").read_text() + "\n# a new check\n"),
        lambda: dpkg.write_text("Package: apertium-eng-spa\nVersion: 2\n", encoding="utf-8"),
        lambda: (dictionaries / "es_ES.dic").write_text("2\nhola\nadiós\n", encoding="utf-8"),
        lambda: (models / "translate-en_es" / "model").mkdir(parents=True),
        lambda: (models / "translate-en_es" / "model" / "model.bin").write_bytes(b"weights"),
        lambda: (tmp_path / "config" / "enchant").mkdir(parents=True),
        lambda: (tmp_path / "config" / "enchant" / "es_ES.dic").write_text("vecinos\n", encoding="utf-8"),
    ]
    for change in changes:
        change()
        assert key() not in seen
        seen.add(key())
    assert ledger.fingerprint(config, [], {"engine": "apertium"}) not in seen
    assert ledger.fingerprint(config, [f"articles/{SLUG}.txt"], {"engine": "pseudo"}) not in seen


def test_the_argos_folder_is_the_engines_own(small, monkeypatch):
    from pipeline.engines.argos_packages import packages_dir

    config = load_config(small)
    monkeypatch.delenv("ARGOS_PACKAGES_DIR", raising=False)
    assert ledger.argos_folder(config) == packages_dir(None)
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", "/opt/models")
    assert ledger.argos_folder(config) == packages_dir(None) == Path("/opt/models")


def test_a_link_out_of_the_project_is_never_read(small, tmp_path_factory, monkeypatch):
    secret = tmp_path_factory.mktemp("elsewhere") / "outside.txt"
    secret.write_text("not the project's", encoding="utf-8")
    (small / "articles" / "leak.txt").symlink_to(secret)
    read = []
    monkeypatch.setattr(ledger, "_content", lambda path: read.append(path.resolve()) or "")
    ledger.fingerprint(load_config(small), [], {})
    assert read and secret.resolve() not in read


def test_the_fast_path_holds_from_one_process_to_the_next(small):
    """As an editor runs it: each build a fresh process, whose environment the build itself may change."""

    def build_in_new_process() -> str:
        environment = {key: value for key, value in os.environ.items() if key != "ENCHANT_CONFIG_DIR"}
        command = [sys.executable, "-c", "from pipeline.cli import main; main()", "build", "--engine", "pseudo"]
        done = subprocess.run(command, cwd=small, env=environment, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert REPLAYED not in build_in_new_process()  # wrote everything, and recorded what it left
    assert REPLAYED in build_in_new_process()
    ledger.forget(load_config(small))
    assert REPLAYED not in build_in_new_process()  # changed nothing: recorded
    assert REPLAYED in build_in_new_process()


# ---------------------------------------------------------------- a build that wrote is recorded at once


def share_a_reviewed_sentence(project: Path) -> None:
    """A second article repeats a sentence the first one's Spanish catalog has reviewed: the memory fills it."""
    build(project)
    review_translation(project)
    (project / "articles" / "second-story.txt").write_text(
        "Another Story\n\nThe government said it would keep working with its neighbours on security.\n",
        encoding="utf-8",
    )


def drop_a_reviewed_sentence(project: Path) -> None:
    """The reviewed sentence leaves the article: its entry goes obsolete, still reviewed work."""
    build(project)
    review_translation(project)
    edit = ARTICLE.replace("The government said it would keep working with its neighbours on security.\n", "")
    (project / "articles" / f"{SLUG}.txt").write_text(edit, encoding="utf-8")


def reword_a_reviewed_sentence(project: Path) -> None:
    """The reviewed sentence is reworded: its translation comes back as a draft to check."""
    build(project)
    review_translation(project)
    edit = ARTICLE.replace("keep working with its neighbours", "keep on working with its neighbours")
    (project / "articles" / f"{SLUG}.txt").write_text(edit, encoding="utf-8")


def after_a_build(change: Callable[[Path], None]) -> Callable[[Path], None]:
    def prepare(project: Path) -> None:
        build(project)
        change(project)

    prepare.__name__ = change.__name__
    return prepare


def cold(project: Path) -> None:
    """Nothing built yet."""


@pytest.mark.parametrize(
    ("prepare", "options", "recorded"),
    [
        (cold, (), True),
        (cold, ("--lang", "es"), True),
        (cold, ("--no-memory",), True),
        (cold, ("--jobs", "2"), True),
        (after_a_build(save_translation), (), True),
        (after_a_build(review_translation), (), True),
        (after_a_build(edit_article), (), True),
        (after_a_build(edit_glossary), (), True),
        (after_a_build(add_memory), (), True),
        (after_a_build(change_setting), (), True),
        (after_a_build(delete_page), (), True),
        (share_a_reviewed_sentence, (), True),
        (drop_a_reviewed_sentence, (), True),
        # the reviewed entry becomes the reworded one's draft and leaves the memory: a rerun's memory
        # differs from this run's, so only the rerun (which changes nothing) is recorded
        (reword_a_reviewed_sentence, (), False),
    ],
    ids=lambda value: (
        getattr(value, "__name__", "")
        if callable(value)
        else ("recorded" if value else "not-recorded")
        if isinstance(value, bool)
        else " ".join(value) or "default"
    ),
)
def test_a_build_that_wrote_records_what_a_rerun_would_find(small, prepare, options, recorded):
    """The ledger a writing build records says what a real rerun says, and that rerun changes nothing."""
    prepare(small)
    ledger.forget(load_config(small))
    wrote = build(small, *options)
    assert REPLAYED not in wrote
    assert ledger.ledger_path(load_config(small)).exists() is recorded
    if not recorded:
        assert REPLAYED not in build(small, *options)  # ran: now settled
    left = outputs(small)
    replayed = build(small, *options)
    assert REPLAYED in replayed
    ledger.forget(load_config(small))
    rerun = build(small, *options)
    assert REPLAYED not in rerun and "dist/ unchanged" in rerun
    assert outputs(small) == left
    assert without_checks_line(replayed) == without_checks_line(rerun)


def test_the_memory_filled_a_segment_in_the_shared_sentence_case(small):
    share_a_reviewed_sentence(small)
    assert "1 from memory" in build(small)


def test_a_build_that_retranslates_is_not_recorded(small):
    build(small, "--retranslate")
    assert not ledger.ledger_path(load_config(small)).exists()  # a rerun would translate again


def test_a_save_while_the_build_writes_is_never_covered_by_the_ledger(small, monkeypatch):
    """Poedit saves a catalog just after the build wrote it: the next build must run and publish it."""
    build(small)
    ledger.forget(load_config(small))
    edit_article(small)
    write_dist = pipeline.build.write_dist

    def save_meanwhile(*args, **kwargs):
        written = write_dist(*args, **kwargs)
        save_translation(small)
        return written

    monkeypatch.setattr(pipeline.build, "write_dist", save_meanwhile)
    build(small)
    monkeypatch.setattr(pipeline.build, "write_dist", write_dist)
    assert REPLAYED not in build(small)
    assert "seguirá trabajando" in (small / "dist" / "es" / f"{SLUG}.html").read_text(encoding="utf-8")


FILE = ("file", "/project/locales/es/LC_MESSAGES/story.po")


@pytest.mark.parametrize(
    ("before", "after", "written", "expected"),
    [
        ({FILE: ("old", 1)}, {FILE: ("old", 1)}, {}, True),
        ({FILE: ("old", 1)}, {FILE: ("new", 2)}, {Path(FILE[1]): "new"}, True),
        ({}, {FILE: ("new", 2)}, {Path(FILE[1]): "new"}, True),
        ({FILE: ("old", 1)}, {FILE: ("saved", 3)}, {Path(FILE[1]): "new"}, False),
        ({FILE: ("old", 1)}, {FILE: ("saved", 3)}, {}, False),
        ({FILE: ("old", 1)}, {}, {}, False),
        ({("code", "checks.py"): "a"}, {("code", "checks.py"): "b"}, {}, False),
    ],
)
def test_only_the_builds_own_writes_may_differ(before, after, written, expected):
    assert ledger.changed_only_by(before, after, written) is expected


def test_a_build_that_leaves_work_for_the_next_one_is_not_recorded(small, monkeypatch):
    """An engine that gives nothing back for a sentence: the next build sends that sentence again."""
    from pipeline.engines.pseudo import PseudoEngine

    translate = PseudoEngine.translate

    def nothing_for_neighbours(self, texts, *args, **kwargs):
        drafts = translate(self, texts, *args, **kwargs)
        return [
            dataclasses.replace(draft, text="") if "neighbours" in text else draft
            for text, draft in zip(texts, drafts, strict=True)
        ]

    monkeypatch.setattr(PseudoEngine, "translate", nothing_for_neighbours)
    build(small)
    assert not ledger.ledger_path(load_config(small)).exists()
    assert f"{SLUG} [es] 3 segments, 1 translated now" in build(small)


@pytest.mark.skipif(
    not ApertiumEngine().available("en", Locale("fr")) or not ApertiumEngine().available("en", Locale("pt-BR")),
    reason="the default Apertium chains are not installed",
)
def test_a_cold_apertium_build_records_what_its_rerun_finds(small):
    """As the sample is built: real drafts, marks and flags, every locale's chain side by side."""

    def apertium_build(*options: str) -> str:
        result = invoke(small, "build", "--engine", "apertium", "--jobs", "2", *options)
        assert result.exit_code == 0, result.output
        return result.output

    assert REPLAYED not in apertium_build()
    left = outputs(small)
    replayed = apertium_build()
    assert REPLAYED in replayed
    ledger.forget(load_config(small))
    rerun = apertium_build()
    assert REPLAYED not in rerun and "dist/ unchanged" in rerun
    assert outputs(small) == left
    assert without_checks_line(replayed) == without_checks_line(rerun)
