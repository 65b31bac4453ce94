"""The edges: reading inputs safely and writing outputs atomically, under a lock."""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from pipeline.model import InputError

MAX_ARTICLE_BYTES = 5 * 1024 * 1024


def now() -> datetime:
    """The time stamped into catalogs and dist/: $SOURCE_DATE_EPOCH when set (reproducible builds), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC)


def read_article_text(path: Path) -> str:
    """The article as text, or one clear InputError (missing, empty, binary, not UTF-8)."""
    if not path.exists():
        raise InputError("no such article file; check the path (articles live in articles/)", path)
    if not path.is_file():
        raise InputError("not a file; give an article file such as articles/<slug>.txt", path)
    data = path.read_bytes()
    if len(data) > MAX_ARTICLE_BYTES:
        raise InputError(f"article is larger than {MAX_ARTICLE_BYTES // 1024 // 1024} MB; split it", path)
    if b"\x00" in data:
        raise InputError("binary file, not a text article; give a .txt, .md or .html file", path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError("not valid UTF-8; re-save the article as UTF-8", path, line) from None
    if not text.strip():
        raise InputError("article is empty; write some text first", path)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def process_umask() -> int:
    """The process umask, read without changing it (os.umask can only be read by setting it)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    current = os.umask(0o022)
    os.umask(current)
    return current


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write the whole file or nothing: temp file in the same folder, fsync, rename.

    The file gets the mode any new file gets (0644 under umask 022): a web server must
    read dist/, a team must share catalogs. mkstemp alone would leave it 0600.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as temp:
            temp.write(data)
            temp.flush()
            os.fchmod(temp.fileno(), 0o666 & ~process_umask())
            os.fsync(temp.fileno())
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `path`'s lock file while a run updates it.

    A second run waits: two runs at once cannot interleave their read-merge-write.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = path.with_name(f".{path.name}.lock")
    with open(lock_path, "a") as lock_file:
        fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file.fileno(), fcntl.LOCK_UN)
