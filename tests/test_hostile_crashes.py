"""kill -9 of a build at several points, and two builds at once: never a torn file, nothing lost.

The build runs in a forked child (a real process: SIGKILL runs no ``finally``, no atexit).
It dies at a chosen point of its writes, or is killed from outside while the engine runs.
Afterwards every catalog, template, record and page is byte for byte either the file as it
was before the build or the file a clean build writes, never anything in between; the next
build then finishes the work, leaves no temporary file, and writes exactly what a clean
build writes.
"""

from __future__ import annotations

import os
import shutil
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_hostile import STORY, built_project, write  # noqa: F401 (built_project: a fixture)

from pipeline.cli import main

CHANGED_STORY = STORY.replace("was firm", "was final") + "\nA new paragraph arrived.\n"
BUILD = ["build", "--jobs", "1"]
WRITTEN = ("locales", "dist")


def contents(project: Path) -> dict[str, bytes]:
    """Every file newsloc writes in locales/ and dist/ (lock and temp files aside) → its bytes."""
    found = {}
    for folder in WRITTEN:
        for path in sorted((project / folder).rglob("*")):
            if path.is_file() and not path.name.endswith((".lock", ".tmp")):
                found[str(path.relative_to(project))] = path.read_bytes()
    return found


def temp_files(project: Path) -> list[str]:
    return [str(path.relative_to(project)) for path in project.rglob("*.tmp")]


@pytest.fixture(scope="module")
def same_dates():
    """The same dates in every run of this module, so files compare byte for byte."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1764547200")
        yield


@pytest.fixture(scope="module")
def crash_template(built_project: Path, tmp_path_factory, same_dates) -> tuple[Path, dict[str, bytes]]:
    """The built project with a changed article (so a build has catalogs and pages to write),
    and what a clean build of it writes."""
    project = tmp_path_factory.mktemp("crash-template") / "project"
    shutil.copytree(built_project, project, symlinks=True)
    write(project / "articles" / "story.txt", CHANGED_STORY)
    reference = tmp_path_factory.mktemp("crash-reference") / "project"
    shutil.copytree(project, reference, symlinks=True)
    result = CliRunner().invoke(main, [*BUILD, "--project", str(reference)])
    assert result.exit_code == 0, result.output
    return project, contents(reference)


def in_child(work: Callable[[], None]) -> int:
    """Run ``work`` in a forked process; its pid. The child never returns into pytest."""
    pid = os.fork()
    if pid == 0:
        try:
            work()
        finally:
            os._exit(0)
    return pid


def build_in(project: Path) -> None:
    CliRunner().invoke(main, [*BUILD, "--project", str(project)])


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def at_call(name: str, number: int, before: Callable[..., None] | None, after: bool) -> Callable[[Path], None]:
    """A child that builds and dies at the ``number``-th call of ``os.<name>``: in ``before`` (given the
    call's arguments) or, with ``after``, once the call has done its work."""

    def child(project: Path) -> None:
        real = getattr(os, name)
        calls = [0]

        def wrapper(*args, **kwargs):
            calls[0] += 1
            if calls[0] == number and before is not None:
                before(*args)
            result = real(*args, **kwargs)
            if calls[0] == number and after:
                die()
            return result

        setattr(os, name, wrapper)  # this child's os module only
        build_in(project)

    return child


def torn_temp_file(fd: int) -> None:
    """Half the data on disk, then the kill: what a power cut in the middle of a write leaves."""
    os.ftruncate(fd, os.fstat(fd).st_size // 2)
    die()


def before_rename(*args) -> None:
    die()


# The build writes, in order: the machine records (es, fr), the template, the catalogs (es,
# fr), then dist/ (pages, listings, manifest); each through write_atomic (fsync, rename).
POINTS = {
    "in the middle of the first temp file": at_call("fsync", 1, torn_temp_file, after=False),
    "before the first rename": at_call("replace", 1, before_rename, after=False),
    "between the machine records and the catalogs": at_call("replace", 2, None, after=True),
    "between the two catalogs": at_call("replace", 4, None, after=True),
    "in the middle of a catalog's temp file": at_call("fsync", 4, torn_temp_file, after=False),
    "after the first page of dist/": at_call("replace", 6, None, after=True),
    "before the manifest": at_call("replace", 12, before_rename, after=False),
}


@pytest.mark.parametrize("point", POINTS, ids=list(POINTS))
def test_a_build_killed_at_any_point_leaves_no_torn_file_and_the_next_build_finishes(
    point: str, crash_template, tmp_path: Path
) -> None:
    template, reference = crash_template
    project = tmp_path / "project"
    shutil.copytree(template, project, symlinks=True)
    before = contents(project)

    pid = in_child(lambda: POINTS[point](project))
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, "the kill point was never reached"

    after_kill = contents(project)
    torn = [name for name, data in after_kill.items() if data not in (before.get(name), reference.get(name))]
    assert torn == []
    assert set(after_kill) <= set(before) | set(reference)

    result = CliRunner().invoke(main, [*BUILD, "--project", str(project)])
    assert result.exit_code == 0, result.output
    assert temp_files(project) == []
    assert contents(project) == reference


def test_a_build_killed_from_outside_while_the_engine_runs_changes_nothing(crash_template, tmp_path: Path) -> None:
    """kill -9 by another process (the user, the OOM killer) while catalogs are locked and read."""
    import pipeline.build as build_module

    template, reference = crash_template
    project = tmp_path / "project"
    shutil.copytree(template, project, symlinks=True)
    before = contents(project)
    ready_read, ready_write = os.pipe()

    def child() -> None:
        def translating(*args, **kwargs):
            os.write(ready_write, b"x")
            time.sleep(60)  # the engine is busy: the kill comes now

        build_module._translate = translating
        build_in(project)

    pid = in_child(child)
    assert os.read(ready_read, 1) == b"x"
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    assert contents(project) == before

    result = CliRunner().invoke(main, [*BUILD, "--project", str(project)])
    assert result.exit_code == 0, result.output
    assert temp_files(project) == [] and contents(project) == reference


def test_two_builds_at_once_take_turns_and_write_what_one_clean_build_writes(crash_template, tmp_path: Path) -> None:
    template, reference = crash_template
    project = tmp_path / "project"
    shutil.copytree(template, project, symlinks=True)

    def child() -> None:
        result = CliRunner().invoke(main, [*BUILD, "--project", str(project)])
        os._exit(result.exit_code)

    pids = [in_child(child) for _ in range(2)]
    statuses = [os.waitpid(pid, 0)[1] for pid in pids]
    assert [os.WIFEXITED(s) and os.WEXITSTATUS(s) for s in statuses] == [0, 0]
    assert temp_files(project) == []
    assert contents(project) == reference


# ---------------------------------------------------------------- a folder the user cannot write

NOBODY = 65534
NO_SWITCH = 98  # the child could not become nobody


def read_only(*folders: str) -> Callable[[Path], None]:
    def setup(project: Path) -> None:
        for name in folders:
            for folder in [project / name, *(p for p in (project / name).rglob("*") if p.is_dir())]:
                folder.chmod(0o555)

    return setup


READ_ONLY = {
    "dist/": (read_only("dist"), "cannot write in the dist folder: the folder is read-only for this user"),
    "locales/": (read_only("locales"), "cannot write in the locales folder: the folder is read-only for this user"),
    "one catalog folder": (
        read_only("locales/fr/LC_MESSAGES"),
        "cannot write in a catalog folder: the folder is read-only",
    ),
    "one locale of dist/": (read_only("dist/fr"), "cannot write in a folder in dist: the folder is read-only"),
}


def run_unprivileged(project: Path, args: list[str]) -> tuple[int, str]:
    """`newsloc ARGS` as a user chmod applies to: this one when not root, else nobody in a forked child
    (as root, CI's user, a read-only folder is writable; only another user sees it read-only)."""
    if os.geteuid() != 0:
        result = CliRunner().invoke(main, args)
        return result.exit_code, result.stderr
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            try:
                os.setgroups([])
                os.setgid(NOBODY)
                os.setuid(NOBODY)
            except OSError as error:
                os.write(write_end, f"{NO_SWITCH}\n{error}".encode())
                os._exit(0)
            result = CliRunner().invoke(main, args)  # the modules it needs were imported by the reference build
            os.write(write_end, f"{result.exit_code}\n{result.stderr}".encode())
        except BaseException as error:
            os.write(write_end, f"99\n{type(error).__name__}: {error}".encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as answer:
        code, _, stderr = answer.read().decode().partition("\n")
    os.waitpid(pid, 0)
    return int(code), stderr


@pytest.fixture
def shared_project(crash_template):
    """A copy of the crash template where another user can reach it (pytest's tmp_path is root's alone)."""
    import tempfile

    template, _ = crash_template
    base = Path(tempfile.mkdtemp(prefix="newsloc-read-only-"))
    base.chmod(0o755)
    project = base / "project"
    shutil.copytree(template, project, symlinks=True)
    if os.geteuid() == 0:
        for path in [project, *project.rglob("*")]:
            os.lchown(path, NOBODY, NOBODY)
    yield project
    for folder in [project, *(p for p in project.rglob("*") if p.is_dir())]:
        folder.chmod(0o755)
    shutil.rmtree(base)


@pytest.mark.parametrize("where", READ_ONLY, ids=list(READ_ONLY))
def test_a_read_only_folder_stops_the_build_in_one_line_before_any_write(where: str, shared_project: Path) -> None:
    make_read_only, message = READ_ONLY[where]
    make_read_only(shared_project)
    before = contents(shared_project)
    code, stderr = run_unprivileged(shared_project, [*BUILD, "--project", str(shared_project)])
    if code == NO_SWITCH:
        pytest.skip(f"cannot switch to an unprivileged user here ({stderr}): as root a read-only folder is writable")
    assert code == 2, stderr
    lines = [line for line in stderr.splitlines() if line.startswith("newsloc: ") and "spelling" not in line]
    assert len(lines) == 1 and message in lines[0], stderr
    assert "Traceback" not in stderr
    assert contents(shared_project) == before
    assert temp_files(shared_project) == []
