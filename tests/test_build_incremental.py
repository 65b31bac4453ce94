"""The build does only what changed: no engine call, no dictionary, no check when nothing did; the same
output from the cache, without it, and from any number of worker processes."""

from __future__ import annotations

import shutil
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from tests_helpers import invoke

import pipeline.build
from pipeline import checks, spelling
from pipeline.build import BuildOptions, build
from pipeline.cache import CACHE_FOLDER
from pipeline.config import load_config
from pipeline.engines.apertium import ApertiumEngine
from pipeline.glossary import find_terms
from pipeline.model import Locale
from pipeline.project import load_glossary
from pipeline.source import analyse

LOCALES = (Locale("es"), Locale("fr"), Locale("pt-BR"))


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1762214400")  # the same dates in every build of a test


def run(project: Path, engine: str = "pseudo", jobs: int = 1, **options):
    return build(load_config(project), [], BuildOptions(locales=LOCALES, engine=engine, jobs=jobs, **options))


def outputs(project: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(project)): path.read_bytes()
        for folder in ("locales", "dist")
        for path in sorted((project / folder).rglob("*"))
        if path.is_file() and not path.name.endswith(".lock")
    }


def second_article(project: Path) -> None:
    text = (project / "articles" / "mexico-rejects-us-intervention.txt").read_text(encoding="utf-8")
    (project / "articles" / "second-story.txt").write_text(
        text.replace("Mexico", "Brazil").replace("Sheinbaum", "Lula da Silva"), encoding="utf-8"
    )


def test_warm_build_calls_no_engine_loads_no_dictionary_and_rechecks_nothing(project, monkeypatch):
    cold = run(project, "apertium")
    assert cold.checks["computed"] > 0 and sum(r.translated for r in cold.results) > 0
    before = outputs(project)

    def no_engine(mode, texts):
        raise AssertionError(f"the engine was called ({mode})")

    monkeypatch.setattr(ApertiumEngine, "run_mode", staticmethod(no_engine))
    for name in ("analyse", "load_glossary"):  # unchanged files: kept from the last run
        monkeypatch.setattr(pipeline.build, name, lambda *args, name=name, **kwargs: pytest.fail(f"{name} ran"))
    spelling.forget_dictionaries()  # what a fresh process has loaded: nothing
    warm = run(project, "apertium")
    assert spelling.LOADED == []
    assert warm.checks["computed"] == 0 and warm.rechecked == {}
    assert sum(r.translated for r in warm.results) == 0
    assert outputs(project) == before
    # The catalogs the cold build wrote were parsed once, by the warm build; not again.
    monkeypatch.setattr(pipeline.build, "load_catalog", lambda *args: pytest.fail("load_catalog ran"))
    run(project, "apertium")
    assert outputs(project) == before


def test_the_cache_is_safe_to_delete_and_never_changes_the_output(project):
    cold = run(project)
    with_cache = outputs(project)
    shutil.rmtree(project / CACHE_FOLDER)
    spelling.forget_dictionaries()
    again = run(project)
    assert again.checks == cold.checks  # everything checked again (repeated entries share results)
    assert outputs(project) == with_cache
    (project / CACHE_FOLDER / "results.sqlite").write_bytes(b"not a database")  # damaged: recomputed, replaced
    assert outputs(project) == with_cache and run(project).checks["computed"] > 0
    assert run(project).checks["computed"] == 0


def test_a_changed_check_reruns_that_check_alone(project, monkeypatch):
    cold = run(project)
    length_results = cold.rechecked["length"]
    length_index = [c.info.code for c in checks.CHECKS].index("length")
    original = checks.CHECKS[length_index].run

    def stricter_length(pair):  # a new version of the length check
        yield from (finding for finding in original(pair) if "×" in finding.message)

    changed = tuple(
        replace(check, run=stricter_length) if check.info.code == "length" else check for check in checks.CHECKS
    )
    monkeypatch.setattr(checks, "CHECKS", changed)
    spelling.forget_dictionaries()
    warm = run(project)
    assert warm.rechecked == {"length": length_results}
    assert spelling.LOADED == []


def test_a_changed_glossary_entry_rechecks_exactly_the_entries_that_use_it(project):
    run(project)
    config = load_config(project)
    before = outputs(project)
    glossary = load_glossary(config)
    source = analyse(config, project / "articles" / "mexico-rejects-us-intervention.txt", glossary)
    using = {s.text for s in source.segments if any(m.entry.id == "backyard" for m in find_terms(glossary, s.text))}
    assert using
    tbx = project / "glossary" / "newsloc.tbx"
    tbx.write_text(tbx.read_text(encoding="utf-8").replace("<term>patio trasero</term>", "<term>traspatio</term>"))
    spelling.forget_dictionaries()
    report = run(project)
    assert report.rechecked["glossary"] == len(using)  # re-drafted in Spanish, so checked again
    assert set(report.rechecked.values()) <= {len(using)}
    assert spelling.LOADED in ([], ["es_ES"])
    after = outputs(project)
    changed = {name for name in after if after[name] != before.get(name)}
    assert "locales/es/LC_MESSAGES/mexico-rejects-us-intervention.po" in changed
    assert not any(name.startswith(("locales/fr", "locales/pt-BR")) for name in changed)
    assert "traspatio" in after["locales/es/LC_MESSAGES/mexico-rejects-us-intervention.po"].decode()


def test_two_jobs_write_exactly_what_one_job_writes(project, tmp_path, monkeypatch):
    second_article(project)
    other = tmp_path / "other"
    shutil.copytree(project, other)
    serial = run(project, jobs=1)
    monkeypatch.setattr(pipeline.build, "FORK_AFTER_SECONDS", 0)  # every stage in worker processes
    parallel = run(other, jobs=2)
    assert serial.jobs == 1 and parallel.jobs == 2
    assert outputs(project) == outputs(other)
    # Both ran every check; how many results a task found already computed by an earlier task (whose
    # rows reach the cache as they come) depends on the schedule, never the output.
    assert set(serial.rechecked) == set(parallel.rechecked) and serial.checks["computed"] > 0


def test_build_command_takes_jobs_and_reports_the_cache(project):
    first = invoke(project, "build", "--engine", "pseudo", "--lang", "es", "--jobs", "2")
    assert first.exit_code == 0 and "2 job(s)" in first.output
    second = invoke(project, "build", "--engine", "pseudo", "--lang", "es", "-j", "1")
    assert second.exit_code == 0 and "checks: 0 result(s) computed" in second.output


def test_a_changed_spelling_dictionary_analyses_the_english_again(project, monkeypatch):
    run(project)
    analysed = []
    real = pipeline.build.analyse
    monkeypatch.setattr(pipeline.build, "analyse", lambda *args, **kwargs: analysed.append(1) or real(*args, **kwargs))
    run(project)
    assert analysed == []  # nothing changed: the English analysis is kept
    # An upgraded hunspell-en-us (or another backend): the lint's spelling flags may differ.
    monkeypatch.setattr(spelling, "fingerprint", lambda name: f"upgraded {name}")
    run(project)
    assert analysed == [1]


def test_engines_that_run_apart_translate_locales_side_by_side(project, tmp_path, monkeypatch):
    """--jobs 2 with an engine whose work runs in other processes: two locales' batches at once (or the
    barrier times out), and the same catalogs and pages as one locale after another."""
    from pipeline.engines.pseudo import PseudoEngine

    translate = PseudoEngine.translate
    meeting = threading.Barrier(2, timeout=10)
    calls = []

    def side_by_side(self, texts, *args, **kwargs):
        calls.append(threading.get_ident())
        if len(calls) <= 2:
            meeting.wait()
        return translate(self, texts, *args, **kwargs)

    other = tmp_path / "other"
    shutil.copytree(project, other)
    serial = run(project, jobs=1)
    monkeypatch.setattr(PseudoEngine, "runs_apart", True)
    monkeypatch.setattr(PseudoEngine, "translate", side_by_side)
    parallel = run(other, jobs=2)
    assert len(calls) == len(LOCALES) and len(set(calls[:2])) == 2
    assert outputs(project) == outputs(other)
    assert [r.translated for r in serial.results] == [r.translated for r in parallel.results]


def test_the_rebuild_after_a_cold_build_renders_no_catalog_to_compare(project, monkeypatch):
    """The cold build recorded that what it wrote is what its catalogs render to: the next build,
    finding them as written, trusts that instead of rendering each catalog again."""
    from pipeline import po

    run(project)
    render = po.render
    rendered = []
    monkeypatch.setattr(po, "render", lambda *args, **kwargs: rendered.append(args) or render(*args, **kwargs))
    before = outputs(project)
    report = run(project)
    assert report.changed_nothing and outputs(project) == before
    assert rendered == []


def test_engines_let_go_of_their_batches_once_everything_is_translated(project, monkeypatch):
    from pipeline.engines.pseudo import PseudoEngine

    released = []
    monkeypatch.setattr(PseudoEngine, "release", lambda self: released.append(self))
    run(project)
    assert len(released) == 1  # one engine shared by the three locales, released once
