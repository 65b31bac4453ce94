"""The build's result cache: check and lint results reused when nothing they depend on changed.

A row holds the results for one input (a translated entry, an article's text),
one per named part (a check code, "lint", "glossary"), each stamped with the
fingerprint of what it depends on: the code that computes it (the function and
everything in ``pipeline`` it reaches, with the constants it reads), the package
data files, and for parts that reach the spelling module the dictionary and
backend fingerprints; extra values such as a glossary fingerprint are passed in.
A part whose stamp matches is reused; any other is recomputed, so editing one
check re-runs exactly that check, and a glossary entry exactly the entries that
contain it.

The file (``.newsloc-cache/results.sqlite`` in the project) is safe to delete and
never changes the output: results are pure functions of their key and stamp.
A missing, locked or corrupt file only means recomputing. Worker processes read
it; only the parent process writes (``flush``), in one transaction.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import functools
import hashlib
import hmac
import json
import os
import pickle
import re
import sqlite3
import sys
import sysconfig
import types
from collections import Counter
from collections.abc import Callable, Mapping
from enum import Enum
from importlib import resources
from pathlib import Path, PurePath
from typing import Any, TypeVar

from pipeline.model import Flag, Severity

T = TypeVar("T")

CACHE_FOLDER = ".newsloc-cache"
CACHE_FILE = "results.sqlite"
SCHEMA = 1

Compute = Callable[[], list[Flag]]
Tally = tuple[Counter[str], Counter[str]]  # (reused / computed, computed by part)
# What a part depends on: functions (fingerprinted by their code) and plain values.
Depends = tuple[Any, ...]


# ---------------------------------------------------------------- fingerprints


def _digest(*parts: object) -> str:
    return hashlib.sha256("\x00".join(map(str, parts)).encode("utf-8", "surrogatepass")).hexdigest()[:24]


def _own(value: object) -> bool:
    """A function, class or module of this package (what a fingerprint follows)."""
    module = getattr(value, "__module__", None) if not isinstance(value, types.ModuleType) else value.__name__
    return isinstance(module, str) and (module == "pipeline" or module.startswith("pipeline."))


class _CodeWalk:
    """Everything in ``pipeline`` a function can reach, hashed: code, constants, patterns, data."""

    def __init__(self) -> None:
        self.hash = hashlib.sha256()
        self.seen: set[int] = set()
        self.spelling = False

    def value(self, value: object, depth: int = 0) -> None:
        if id(value) in self.seen or depth > 6:
            return
        self.seen.add(id(value))
        if isinstance(value, bool):
            self.hash.update(repr(value).encode())
        elif isinstance(value, types.FunctionType):
            self.function(value)
        elif isinstance(value, _WRAPPERS):
            self.value(getattr(value, "__wrapped__", None), depth)
        elif isinstance(value, types.ModuleType):
            self.hash.update(f"module {value.__name__}".encode())
            self.spelling |= value.__name__ == "pipeline.spelling"
        elif isinstance(value, type):
            if _own(value):
                self.hash.update(f"class {value.__qualname__}".encode())
                for name, member in sorted(vars(value).items()):
                    if not name.startswith("__") or name in ("__init__", "__post_init__", "__call__"):
                        self.value(member, depth + 1)
        elif isinstance(value, (staticmethod, classmethod)):
            self.value(value.__func__, depth)
        elif isinstance(value, property):
            self.value(value.fget, depth)
        elif isinstance(value, re.Pattern):
            self.hash.update(f"re {value.pattern!r} {value.flags}".encode())
        elif isinstance(value, Mapping):
            for key in sorted(value, key=repr):
                self.hash.update(repr(key).encode())
                self.value(value[key], depth + 1)
        elif isinstance(value, (list, set)):
            self.hash.update(b"mutable")  # run-time state (a list of loaded dictionaries), not behaviour
        elif isinstance(value, (tuple, frozenset)):
            items = sorted(value, key=repr) if isinstance(value, frozenset) else value
            self.hash.update(f"{type(value).__name__}{len(value)}".encode())
            for item in items:
                self.value(item, depth + 1)
        elif _own(type(value)) and hasattr(value, "__dict__"):
            self.hash.update(f"object {type(value).__qualname__}".encode())
            self.value(type(value), depth + 1)
            self.value(vars(value), depth + 1)
        elif isinstance(value, (str, bytes, int, float, complex, Enum, PurePath)) or value is None:
            self.hash.update(repr(value).encode())
        else:  # a foreign object (a broker, a lock): its type, never its address or state
            self.hash.update(f"{type(value).__module__}.{type(value).__qualname__}".encode())

    def function(self, function: types.FunctionType) -> None:
        if not _own(function):
            self.hash.update(f"foreign {function.__module__}.{function.__qualname__}".encode())
            return
        self.spelling |= function.__module__ == "pipeline.spelling"
        self.code(function.__code__, function.__globals__)
        for default in (*(function.__defaults__ or ()), *(function.__kwdefaults__ or {}).values()):
            self.value(default)
        for cell in function.__closure__ or ():
            with contextlib.suppress(ValueError):  # an empty cell
                self.value(cell.cell_contents)

    def code(self, code: types.CodeType, namespace: dict[str, Any]) -> None:
        self.hash.update(code.co_code)
        for constant in code.co_consts:
            if isinstance(constant, types.CodeType):
                self.code(constant, namespace)
            elif isinstance(constant, (frozenset, tuple)):
                self.value(constant)  # sorted: a frozenset's order changes with the hash seed
            else:
                self.hash.update(repr(constant).encode())
        modules = [namespace[n] for n in code.co_names if isinstance(namespace.get(n), types.ModuleType)]
        for name in code.co_names:
            self.hash.update(name.encode())
            if name in namespace and not name.startswith("__"):
                self.value(namespace[name])
            # ``spelling.words``: a name looked up on a module of the package
            for module in modules:
                if _own(module) and hasattr(module, name):
                    self.value(module, 0)
                    self.value(getattr(module, name))


# functools' caching wrappers keep the function as ``__wrapped__``.
_WRAPPERS = (type(functools.cache(len)), type(functools.lru_cache(maxsize=1)(len)))


def _data_fingerprint() -> str:
    """The package data files (word list, house style): every part depends on them."""
    digest = hashlib.sha256()
    folder = resources.files("pipeline").joinpath("data")
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.is_file():
            digest.update(entry.name.encode() + b"\0" + entry.read_bytes())
    return digest.hexdigest()[:16]


# id → (function, stamp, reaches spelling); the function is kept so that its id is never reused.
_CODE_STAMPS: dict[int, tuple[Callable[..., Any], str, bool]] = {}


def code_stamp(function: Callable[..., Any]) -> tuple[str, bool]:
    """(hash of everything ``function`` reaches in the package, whether that includes spelling)."""
    if id(function) not in _CODE_STAMPS:
        walk = _CodeWalk()
        walk.value(function)
        _CODE_STAMPS[id(function)] = (function, walk.hash.hexdigest()[:24], walk.spelling)
    _, stamp, spelling = _CODE_STAMPS[id(function)]
    return stamp, spelling


@functools.cache
def code_version() -> str:
    """The package's every file, the installed Python distributions and the interpreter, hashed:
    what a kept object (a parsed catalog, an analysed article) depends on besides its input."""
    digest = hashlib.sha256(sys.version.encode())
    package = Path(__file__).resolve().parent
    for parent, folders, names in os.walk(package):
        folders[:] = sorted(name for name in folders if name != "__pycache__")
        for name in sorted(names):
            path = Path(parent) / name
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    found: set[str] = set()
    for key in ("purelib", "platlib"):
        with contextlib.suppress(OSError):
            found.update(os.listdir(sysconfig.get_paths()[key]))
    digest.update(repr(sorted(name for name in found if name.endswith((".dist-info", ".egg-info")))).encode())
    return digest.hexdigest()[:24]


@functools.cache
def _signing_key() -> bytes:
    """This user's key for the objects kept in project caches: only objects this user's runs kept are
    ever unpickled (a cache file that came with a project is recomputed, never trusted)."""
    folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "newsloc"
    path = folder / "cache.key"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as file:
                file.write(os.urandom(32))
        key = path.read_bytes()
        if len(key) >= 32:
            return key
    except OSError:
        pass
    return os.urandom(32)  # no usable key file: objects are kept for this process only


def _signed(value: object) -> str:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return base64.b64encode(hmac.digest(_signing_key(), data, "sha256") + data).decode("ascii")


_MISSING = object()


def _unsigned(text: object) -> Any:
    try:
        raw = base64.b64decode(str(text), validate=True)
        mac, data = raw[:32], raw[32:]
        if not hmac.compare_digest(mac, hmac.digest(_signing_key(), data, "sha256")):
            return _MISSING
        return pickle.loads(data)
    except Exception:  # damaged, or from another version: computed again
        return _MISSING


# ---------------------------------------------------------------- flags as JSON


def _flag_record(flag: Flag) -> dict[str, Any]:
    record = {field.name: getattr(flag, field.name) for field in dataclasses.fields(Flag)}
    record["severity"] = flag.severity.value
    return record


def _flag_from(record: dict[str, Any]) -> Flag:
    span = record.get("span")
    return Flag(**{**record, "severity": Severity(record["severity"]), "span": tuple(span) if span else None})


# ---------------------------------------------------------------- the cache


class Row:
    """The results for one input: ``row(part, depends, compute)`` reuses or recomputes one part."""

    def __init__(self, cache: ResultCache, key: str, stored: dict[str, list[Any]]):
        self.cache = cache
        self.key = key
        self.stored = stored

    def __call__(self, part: str, depends: Depends, compute: Compute) -> list[Flag]:
        """A check's (or lint's) flags: counted in the build's tally of reused and computed checks."""
        records = self.value(part, depends, lambda: [_flag_record(flag) for flag in compute()], counted=True)
        return [_flag_from(record) for record in records]

    def whole(self, depends: Depends, compute: Compute) -> list[Flag]:
        """All of an entry's flags at once (``compute`` asks for each part) when no part's stamp changed."""
        stamp = self.cache.stamp(depends)
        kept = self.stored.get("*")
        if kept is not None and kept[0] == stamp:
            self.cache.counts["reused"] += 1
            return [_flag_from(record) for record in kept[1]]
        flags = compute()
        self.stored["*"] = [stamp, [_flag_record(flag) for flag in flags]]
        self.cache.changed[self.key] = self.stored
        return flags

    def value(self, part: str, depends: Depends, compute: Callable[[], Any], *, counted: bool = False) -> Any:
        """Any JSON value computed from this row's input (a fingerprint, a rendered page)."""
        stamp = self.cache.stamp(depends)
        kept = self.stored.get(part)
        if kept is not None and kept[0] == stamp:
            if counted:
                self.cache.counts["reused"] += 1
            return kept[1]
        result = compute()
        if counted:
            self.cache.counts["computed"] += 1
            self.cache.computed[part] += 1
        self.stored[part] = [stamp, result]
        self.cache.changed[self.key] = self.stored
        return result


def _text_size(parts: Mapping[str, list[Any]]) -> int:
    """The characters of a row's text values ([stamp, value] per part; a value may be a list of texts)."""
    size = 0
    for part in parts.values():
        value = part[1] if isinstance(part, list) and len(part) == 2 else None  # a damaged row weighs nothing
        for text in value if isinstance(value, list) else (value,):
            size += len(text) if isinstance(text, str) else 0
    return size


class ResultCache:
    """Rows by key, read from the project's cache file on demand; new results written by ``flush``."""

    def __init__(self, path: Path | None, dictionary_stamp: Callable[[], str] = lambda: ""):
        self.path = path  # None: keep results for this run only
        self.dictionary_stamp = dictionary_stamp
        # This process's new rows and tallies since the last take_*(); a task hands them over.
        self.changed: dict[str, dict[str, list[Any]]] = {}
        self.counts: Counter[str] = Counter()  # reused / computed parts
        self.computed: Counter[str] = Counter()  # computed parts by name
        # What the build has absorbed from its tasks: written by flush, reported.
        self.to_write: dict[str, dict[str, list[Any]]] = {}
        self._waiting_chars = 0  # about how much text to_write holds (rendered pages are most of it)
        self.total: Counter[str] = Counter()
        self.total_computed: Counter[str] = Counter()
        self._connection: sqlite3.Connection | None = None
        self._pid = 0
        self._stamps: dict[tuple[Any, ...], str] = {}
        self._dictionaries: str | None = None
        self._flush_failed = False
        self._base = _digest(SCHEMA, sys.version, _data_fingerprint(), [f.name for f in dataclasses.fields(Flag)])

    @classmethod
    def for_project(cls, root: Path, dictionary_stamp: Callable[[], str] = lambda: "") -> ResultCache:
        return cls(root / CACHE_FOLDER / CACHE_FILE, dictionary_stamp)

    def dictionaries(self) -> str:
        """The spelling dictionaries' fingerprints (file stats, no dictionary loaded), once per run."""
        if self._dictionaries is None:
            self._dictionaries = self.dictionary_stamp()
        return self._dictionaries

    def stamp(self, depends: Depends) -> str:
        key = tuple(id(d) if callable(d) else d for d in depends)
        if key not in self._stamps:
            pieces: list[str] = [self._base]
            uses_spelling = False
            for item in depends:
                if callable(item):
                    code, spelling = code_stamp(item)
                    pieces.append(code)
                    uses_spelling |= spelling
                else:
                    pieces.append(repr(item))
            if uses_spelling:
                pieces.append(self.dictionaries())
            self._stamps[key] = _digest(*pieces)
        return self._stamps[key]

    def keep(self, name: str, inputs: tuple[object, ...], compute: Callable[[], T]) -> T:
        """An object that depends only on ``inputs`` and the package's code: read back from the
        cache when this user's runs kept it, else computed (and kept by ``flush``)."""
        if self.path is None:
            return compute()
        row = self.row("object", name, *inputs)
        stamp = code_version()
        kept = row.stored.get("object")
        if kept is not None and kept[0] == stamp:
            found = _unsigned(kept[1])
            if found is not _MISSING:
                return found
        value = compute()
        row.stored["object"] = [stamp, _signed(value)]
        self.changed[row.key] = row.stored
        return value

    def row(self, *inputs: object) -> Row:
        key = _digest(*(repr(item) for item in inputs))
        for known in (self.changed, self.to_write):
            if key in known:
                return Row(self, key, dict(known[key]))
        return Row(self, key, self._read(key))

    # ------------------------------------------------------------ the file

    def _db(self) -> sqlite3.Connection | None:
        if self.path is None or not self.path.exists():
            return None
        if self._connection is None or self._pid != os.getpid():  # never share a connection across fork
            try:
                self._connection = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=5)
                self._pid = os.getpid()
            except sqlite3.Error:
                return None
        return self._connection

    def _read(self, key: str) -> dict[str, list[Any]]:
        db = self._db()
        if db is None:
            return {}
        try:
            found = db.execute("SELECT parts FROM results WHERE key = ?", (key,)).fetchone()
            return json.loads(found[0]) if found else {}
        except (sqlite3.Error, ValueError, TypeError, RecursionError):
            return {}  # an old or damaged file: recompute (flush replaces it)

    def take_changes(self) -> dict[str, dict[str, list[Any]]]:
        """The rows changed in this process (a worker hands them to the parent), then forget them."""
        changed, self.changed = self.changed, {}
        return changed

    def take_tally(self) -> Tally:
        """How many parts were reused and computed here since the last call, then reset."""
        tally = (self.counts, self.computed)
        self.counts, self.computed = Counter(), Counter()
        return tally

    def absorb(self, changes: Mapping[str, dict[str, list[Any]]], tally: Tally | None = None) -> None:
        """A task's changed rows and tally, to be written by ``flush`` and reported."""
        self.to_write.update(changes)
        self._waiting_chars += sum(_text_size(parts) for parts in changes.values())
        if tally is not None:
            self.total.update(tally[0])
            self.total_computed.update(tally[1])

    def flush_when_large(self, rows: int = 2000, chars: int = 1_000_000) -> None:
        """``flush`` once this many rows, or this much text, wait: a long build keeps its new results on
        disk, not in memory (200 articles' rendered pages alone are over 100 MB)."""
        if (len(self.to_write) >= rows or self._waiting_chars >= chars) and not self._flush_failed:
            self.flush()
            self._flush_failed = bool(self.to_write)  # locked or read-only: kept for the last flush only

    def flush(self) -> None:
        """Write the changed rows in one transaction; a cache that cannot be written is simply skipped."""
        self.absorb(self.take_changes(), self.take_tally())
        if self.path is None or not self.to_write:
            return
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        rows = [(key, json.dumps(parts, ensure_ascii=False)) for key, parts in self.to_write.items()]
        for attempt in range(2):
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with contextlib.closing(sqlite3.connect(self.path, timeout=30)) as db, db:
                    db.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, parts TEXT NOT NULL)")
                    db.executemany("INSERT OR REPLACE INTO results (key, parts) VALUES (?, ?)", rows)
                self.to_write = {}
                self._waiting_chars = 0
                return
            except sqlite3.OperationalError:
                return  # locked by another run for too long, or read-only: this run's results are not kept
            except sqlite3.DatabaseError:
                if attempt == 0 and self.path.exists():
                    with contextlib.suppress(OSError):
                        self.path.unlink()  # damaged: start a new one
                    continue
                return
            except OSError:
                return
