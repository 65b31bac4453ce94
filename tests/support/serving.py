"""A project with the sample article and its committed catalogs (Apertium drafts): ready to serve, no engine needed."""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SLUG = "mexico-rejects-us-intervention"
# A machine draft the committed Spanish catalog flags: Apertium did not know "sentiment".
FLAGGED_SOURCE = "The sentiment isn’t isolated to Mexico."
FIXED_TEXT = "El sentimiento no se limita a México."
# `newsloc` as a process, from this interpreter's environment.
NEWSLOC = (sys.executable, "-c", "from pipeline.cli import main; main()")


def make_served_project(folder: Path) -> Path:
    for name in ("articles", "glossary", "locales"):
        shutil.copytree(REPO / name, folder / name)
    shutil.copy(REPO / "pyproject.toml", folder / "pyproject.toml")
    return folder


def po_path(project: Path, lang: str = "es") -> Path:
    return project / "locales" / lang / "LC_MESSAGES" / f"{SLUG}.po"


def read_address(process, timeout: float) -> str:
    """The address `newsloc serve` prints first, read with a deadline (a reader thread, not a blocking read)."""
    import queue
    import threading

    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()
    try:
        first = lines.get(timeout=timeout)
    except queue.Empty:
        raise AssertionError(f"newsloc serve printed no address within {timeout} s") from None
    match = re.search(r"http://\S+", first)
    assert match, first
    return match.group()


def wait_until_answering(url: str, timeout: float) -> tuple[int, str]:
    """GET ``url`` (on 127.0.0.1 only) until the server answers, for at most ``timeout`` seconds."""
    import time
    import urllib.error
    import urllib.request

    assert url.startswith(("http://127.0.0.1:", "http://localhost:")), url
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@contextlib.contextmanager
def running_server(project: Path, lang: str = "es", timeout: float = 90) -> Iterator[str]:
    """`newsloc serve` on 127.0.0.1 (any free port) for the block; yields the tokened address, then stops it."""
    process = subprocess.Popen(
        [*NEWSLOC, "serve", "--lang", lang, "--port", "0", "--project", str(project)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        url = read_address(process, timeout)
        wait_until_answering(url, timeout)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)
