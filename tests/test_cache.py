"""The result cache: code fingerprints that follow what a check reaches, rows reused only when stamps match."""

from __future__ import annotations

import os
import subprocess
import sys

from pipeline import cache, checks, lint
from pipeline.cache import ResultCache, code_stamp
from pipeline.model import Flag, Severity

FLAG = Flag("numbers", Severity.WARNING, "number 4 is missing", (1, 2))


def _first(text: str) -> str:
    return text[:1]


def _uses_first(text: str) -> str:
    return _first(text).upper()


def test_code_stamps_do_not_depend_on_the_process_or_its_hash_seed() -> None:
    code = (
        "from pipeline import cache, checks, lint; "
        "print([cache.code_stamp(c.run) for c in checks.CHECKS], cache.code_stamp(lint.lint_text))"
    )
    printed = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(printed) == 1


def _package_functions(helper_body: str, limit: int = 3):
    """A function and its helper as if they were in the package (stamps follow only pipeline code)."""
    namespace: dict = {"__name__": "pipeline.example"}
    exec(
        f"LIMIT = {limit}\ndef helper(text):\n    {helper_body}\ndef check(text):\n    return helper(text)[:LIMIT]\n",
        namespace,
    )
    return namespace["check"]


def test_a_stamp_follows_the_functions_and_constants_a_function_reaches() -> None:
    stamp = code_stamp(_package_functions("return text.upper()"))[0]
    assert code_stamp(_package_functions("return text.upper()"))[0] == stamp
    assert code_stamp(_package_functions("return text.lower()"))[0] != stamp  # the helper changed
    assert code_stamp(_package_functions("return text.upper()", limit=4))[0] != stamp  # a constant changed


def test_checks_that_reach_the_spelling_module_say_so() -> None:
    reaches = {check.info.code for check in checks.CHECKS if code_stamp(check.run)[1]}
    assert reaches == {"unchanged", "target-spelling", "leftover"}
    assert code_stamp(lint.lint_text)[1]


def test_rows_are_reused_when_the_stamp_matches_and_kept_across_instances(tmp_path) -> None:
    path = tmp_path / "results.sqlite"
    calls = []

    def compute() -> list[Flag]:
        calls.append(1)
        return [FLAG]

    first = ResultCache(path)
    assert first.row("target", "a", "b")("numbers", (_first,), compute) == [FLAG]
    assert first.row("target", "a", "b")("numbers", (_first,), compute) == [FLAG]
    assert len(calls) == 1
    first.flush()
    second = ResultCache(path)
    assert second.row("target", "a", "b")("numbers", (_first,), compute) == [FLAG]
    assert len(calls) == 1
    assert second.row("target", "a", "b")("numbers", (_uses_first,), compute) == [FLAG]  # other code: recomputed
    assert second.row("target", "a", "b")("numbers", (_first, "glossary v2"), compute) == [FLAG]
    assert len(calls) == 3


def test_a_missing_or_damaged_file_only_means_recomputing(tmp_path) -> None:
    path = tmp_path / "deep" / "results.sqlite"
    assert ResultCache(path).row("x")("p", (), lambda: [FLAG]) == [FLAG]  # no file yet
    path.parent.mkdir()
    path.write_bytes(b"garbage")
    damaged = ResultCache(path)
    assert damaged.row("x")("p", (), lambda: [FLAG]) == [FLAG]
    damaged.flush()  # replaces the damaged file
    assert ResultCache(path).row("x")("p", (), lambda: []) == [FLAG]


def test_flags_round_trip_through_the_file(tmp_path) -> None:
    source_flag = Flag("spelling", Severity.INFO, "“Zorblatt”", (3, 11), 7, True)
    store = ResultCache(tmp_path / "r.sqlite")
    store.row("lint")("lint", (), lambda: [source_flag, FLAG])
    store.flush()
    assert ResultCache(tmp_path / "r.sqlite").row("lint")("lint", (), lambda: []) == [source_flag, FLAG]
    assert cache.CACHE_FOLDER == ".newsloc-cache"


def test_kept_objects_come_back_only_to_the_user_whose_runs_kept_them(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    cache._signing_key.cache_clear()
    path = tmp_path / "r.sqlite"
    calls = []

    def compute() -> dict:
        calls.append(1)
        return {"parsed": ("catalog", 3)}

    first = ResultCache(path)
    assert first.keep("catalog", ("a.po", "text"), compute) == {"parsed": ("catalog", 3)}
    first.flush()
    assert ResultCache(path).keep("catalog", ("a.po", "text"), compute) == {"parsed": ("catalog", 3)}
    assert len(calls) == 1  # read back, not computed
    assert ResultCache(path).keep("catalog", ("a.po", "other text"), compute) and len(calls) == 2
    assert (tmp_path / "home-cache" / "newsloc" / "cache.key").stat().st_mode & 0o077 == 0

    # The same file under another user's key (a cache that came with a project): never unpickled.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "other-user"))
    cache._signing_key.cache_clear()
    assert ResultCache(path).keep("catalog", ("a.po", "text"), compute) == {"parsed": ("catalog", 3)}
    assert len(calls) == 3
    cache._signing_key.cache_clear()


def test_kept_objects_follow_the_code(tmp_path, monkeypatch) -> None:
    path = tmp_path / "r.sqlite"
    first = ResultCache(path)
    first.keep("source", ("story",), lambda: "analysed by v1")
    first.flush()
    monkeypatch.setattr(cache, "code_version", lambda: "another version of the package")
    assert ResultCache(path).keep("source", ("story",), lambda: "analysed by v2") == "analysed by v2"


def test_a_long_build_writes_its_results_in_batches(tmp_path) -> None:
    path = tmp_path / "r.sqlite"
    store = ResultCache(path)
    for number in range(5):
        store.absorb({f"key {number}": {"p": ["stamp", []]}})
        store.flush_when_large(rows=3)
    assert len(store.to_write) == 2  # three written after the third row, two still waiting
    assert ResultCache(path).row("anything") is not None and path.exists()
    store.flush()
    assert store.to_write == {}
