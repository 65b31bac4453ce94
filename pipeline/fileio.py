"""The edges: reading inputs safely and writing outputs atomically, under a lock."""

from __future__ import annotations

import codecs
import contextlib
import errno
import fcntl
import hashlib
import os
import re
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from pipeline.model import InputError

MAX_ARTICLE_BYTES = 5 * 1024 * 1024
MAX_CATALOG_BYTES = 50 * 1024 * 1024


def lies_inside(path: Path, folder: Path) -> bool:
    """True when ``path``, with every symlink followed, is ``folder`` or lies under it."""
    return path.resolve().is_relative_to(folder.resolve())


def require_inside(path: Path, folder: Path, what: str, fix: str = "replace it with a real file") -> Path:
    """``path`` if it really lies in ``folder``; a symlink (or ``..``) pointing elsewhere is refused, unread."""
    if not lies_inside(path, folder):
        raise InputError(
            f"{what} resolves outside {folder.name}/ (a symlink or '..'); newsloc reads and writes only files "
            f"inside the project: {fix}",
            path,
        )
    return path


def require_no_link_out(folder: Path, what: str) -> None:
    """Refuse a folder holding a symlink that leads out of it (``dist/es -> /srv/site``): writes would follow it."""
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):  # symlinked folders are listed, not entered
        if path.is_symlink() and not lies_inside(path, folder):
            require_inside(path, folder, what, "replace it with a real folder or file")


def require_in_project(path: Path, root: Path, what: str) -> Path:
    """A path named on the command line (relative to the current folder), if it really lies in the project.

    Every file a command reads or writes lies inside the project, named or found: no
    output can then hold a byte of a file elsewhere, and nothing elsewhere is touched.
    """
    absolute = path if path.is_absolute() else Path.cwd() / path
    if not lies_inside(absolute, root):
        raise InputError(
            f"{what} lies outside the project ({root}); newsloc reads and writes only files inside it: "
            "copy the file into the project (or name a path there) and run again",
            path,
        )
    return path


def now() -> datetime:
    """The time stamped into catalogs and dist/: $SOURCE_DATE_EPOCH when set (reproducible builds), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC)


def read_article_text(path: Path) -> str:
    """The article as text, or one clear InputError (missing, too large, binary, not UTF-8/UTF-16, empty)."""
    if not path.exists():
        raise InputError("no such article file; check the path (articles live in articles/)", path)
    if not path.is_file():
        raise InputError("not a file; give an article file such as articles/<slug>.txt", path)
    data = read_limited(path, MAX_ARTICLE_BYTES, "article")
    text = decode_article(data, path)
    if not text.strip():
        raise InputError("article is empty; write some text first", path)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_limited(path: Path, limit: int, what: str) -> bytes:
    """The file's bytes, refusing before reading when it is larger than ``limit`` (a sparse 3 GB file costs nothing)."""
    too_large = InputError(f"{what} is larger than {limit // 1024 // 1024} MB (the limit); split it", path)
    try:
        if path.stat().st_size > limit:
            raise too_large
        with open(path, "rb") as file:
            data = file.read(limit + 1)
    except OSError as error:
        raise InputError(f"cannot read {what}: {error.strerror}", path) from None
    if len(data) > limit:  # grew since the stat, or a device that reports no size
        raise too_large
    return data


def decode_article(data: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM), or UTF-16 with its BOM as Windows editors save it."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not data.startswith(codecs.BOM_UTF32_LE):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(
                "not valid UTF-16 although it starts with a UTF-16 mark; re-save it as UTF-8", path
            ) from None
    if b"\x00" in data:
        raise InputError("binary file, not a text article; give a .txt, .md or .html file", path)
    return decode_utf8(data, path, "not valid UTF-8; re-save the article as UTF-8", "utf-8-sig")


def decode_utf8(data: bytes, path: Path | str, message: str, encoding: str = "utf-8") -> str:
    """``data`` decoded, or one InputError at the line of the first bad byte (``{byte}`` in ``message`` names it)."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(message.format(byte=f"0x{data[error.start]:02x}"), path, line) from None


def doctype_problem(data: bytes, tree_doctype: str, internal_dtd: object) -> int | None:
    """The line of an XML file's DOCTYPE, if it has one: DTDs and entities are refused, not half-expanded."""
    if not tree_doctype and internal_dtd is None:
        return None
    at = data.upper().find(b"<!DOCTYPE")
    return data[:at].count(b"\n") + 1 if at >= 0 else 1


def xml_problem(error_message: str) -> str:
    """libxml2's complaint as a reader can act on it: a limit it hit is named as a limit, not as an option."""
    if "Excessive depth in document" in error_message:
        depth = re.search(r"depth in document: (\d+)", error_message)
        return f"nested more than {depth[1] if depth else 256} elements deep, the XML parser's limit: flatten it"
    if any(sign in error_message.lower() for sign in ("huge text node", "xmlsax2characters", "text node too long")):
        return "a text longer than 10 MB in one element, the XML parser's limit: split it"
    return error_message


def check_writable_folder(folder: Path, what: str) -> None:
    """Refuse before the first write when ``folder`` cannot hold our files (a plain file there, read-only)."""
    existing = folder
    while not existing.exists() and existing.parent != existing:
        if existing.is_symlink():  # a dangling link where a folder should be
            break
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        raise InputError(f"{what} must be a folder, but this is a file; move it away or set another path", existing)
    if existing.exists() and not os.access(existing, os.W_OK | os.X_OK):
        raise InputError(f"cannot write in {what}: the folder is read-only for this user", existing)


def _current_text(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8", errors="surrogateescape")
    except FileNotFoundError:
        return None


TEMP_SUFFIX = ".tmp"
TEMP_NAME = re.compile(r"^\..+\.(?P<pid>\d+)\.[A-Za-z0-9_]+\.tmp$")
LEGACY_TEMP_NAME = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")  # before the pid was in the name
LEGACY_TEMP_AGE = 600  # seconds: no write takes this long


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temp_files(folder: Path) -> list[Path]:
    """Delete the temp files crashed writers left in ``folder`` (never one a live run is writing)."""
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    now = time.time()
    for path in folder.rglob(f".*{TEMP_SUFFIX}"):
        if path.is_symlink() or not path.is_file():
            continue
        if match := TEMP_NAME.match(path.name):
            stale = int(match["pid"]) != os.getpid() and not _process_alive(int(match["pid"]))
        else:
            stale = bool(LEGACY_TEMP_NAME.match(path.name)) and now - path.stat().st_mtime > LEGACY_TEMP_AGE
        if stale:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                removed.append(path)
    return removed


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


class FileChanged(InputError):
    """The file changed on disk since it was read (a translator saved it): it was not replaced."""


ANY = object()  # write_atomic's default: replace whatever is there
_JOURNALS: list[dict[Path, str]] = []


@contextlib.contextmanager
def write_journal() -> Iterator[dict[Path, str]]:
    """Every file write_atomic writes meanwhile in this process (resolved path → sha256 of what it wrote)."""
    journal: dict[Path, str] = {}
    _JOURNALS.append(journal)
    try:
        yield journal
    finally:
        _JOURNALS.remove(journal)


def write_atomic(path: Path, content: str | bytes, unchanged_since: str | object | None = ANY) -> None:
    """Write the whole file or nothing: temp file in the same folder, fsync, rename.

    The file gets the mode any new file gets (0644 under umask 022): a web server must
    read dist/, a team must share catalogs. mkstemp alone would leave it 0600.

    ``unchanged_since``: the file's text as the caller read it (None: it did not exist). The
    file is then replaced only if it still holds exactly that, checked just before the rename,
    so a save made by another tool meanwhile (Poedit takes no lock of ours) is never lost.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    # The writer's pid is in the name, so a later run can tell a crashed writer's leftover
    # from a file another run is writing right now.
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as temp:
            temp.write(data)
            temp.flush()
            os.fchmod(temp.fileno(), 0o666 & ~process_umask())
            os.fsync(temp.fileno())
        if unchanged_since is not ANY and _current_text(path) != unchanged_since:
            raise FileChanged("changed on disk while newsloc was working (saved by another tool?); it was kept", path)
        os.replace(temp_name, path)
        if _JOURNALS:
            written = hashlib.sha256(data).hexdigest()
            for journal in _JOURNALS:
                journal[path.resolve()] = written
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
    try:  # never through a symlink: opening one would create or touch a file wherever it points
        handle = os.open(lock_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW, 0o666)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise InputError("lock file is a symbolic link; delete it (newsloc makes a new one)", lock_path) from None
        raise
    with os.fdopen(handle, "a") as lock_file:
        fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file.fileno(), fcntl.LOCK_UN)
