"""The last build's ledger: a fingerprint of everything a build reads, and what a build on it prints.

A settled build (one after which a build on the same inputs would translate, fill, redraft
and write nothing: see workflow.settled) records the fingerprint of the state it leaves and
the summary that next build would print, provided nothing but its own writes changed while it
ran (``changed_only_by``: a catalog saved by Poedit meanwhile makes the next build run). A
later ``newsloc build`` whose inputs have that fingerprint prints the summary instead of
running. Like make or ninja, a build records what it left, so the build right after a cold one
is already the fast one. Anything that can change a build's output changes the fingerprint:

- the project's files, by content: every article (and its modification time, which dates
  its pages), everything under locales/ (catalogs, templates, machine records), tm/, dist/,
  the glossary and pyproject.toml; the options of the run and the settings;
- the code: every file of the package, the installed Python distributions, the interpreter;
- the machine: Debian's package database (Apertium pairs, hunspell, enchant), the Apertium
  modes, hunspell and enchant folders, Argos models, and the environment variables read.

The ledger lives in .newsloc-cache/ (safe to delete: the next build simply runs).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import sys
import sysconfig
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from pipeline.config import Config
from pipeline.fileio import lies_inside, read_limited, write_atomic
from pipeline.model import InputError

LEDGER_FILE = "last-build.json"
MAX_LEDGER_BYTES = 16 * 1024 * 1024  # a summary: anything larger is not ours
FORMAT = 1
PACKAGE = Path(__file__).resolve().parent
DPKG_STATUS = Path("/var/lib/dpkg/status")
# Folders whose listing (names, sizes, modification times) the engines and spell checkers depend on.
SYSTEM_FOLDERS = (
    Path("/usr/share/apertium/modes"),
    Path("/usr/local/share/apertium/modes"),
    Path("/usr/share/hunspell"),
    Path("/usr/share/myspell"),
    Path("/usr/share/myspell/dicts"),
    Path("/usr/local/share/hunspell"),
)
ENVIRONMENT = ("PATH", "HOME", "SOURCE_DATE_EPOCH", "ARGOS_PACKAGES_DIR", "XDG_DATA_HOME", "XDG_CONFIG_HOME")


def ledger_path(config: Config) -> Path:
    from pipeline.cache import CACHE_FOLDER

    return config.root / CACHE_FOLDER / LEDGER_FILE


Inputs = dict[tuple[str, str], object]  # (kind, name) → what that input was; files by content and date


def fingerprint(config: Config, article_names: Sequence[str], options: Mapping[str, object]) -> str:
    """A digest of every input of ``newsloc build ARTICLES`` with ``options`` in this project."""
    return digest(inputs(config, article_names, options))


def digest(parts: Inputs) -> str:
    found = hashlib.sha256()
    for name, value in parts.items():
        found.update(repr((name, value)).encode("utf-8", "surrogatepass") + b"\n")
    return found.hexdigest()


def inputs(config: Config, article_names: Sequence[str], options: Mapping[str, object]) -> Inputs:
    """Every input of ``newsloc build ARTICLES`` with ``options``, each by name (see the module's list)."""
    parts: Inputs = {}
    parts[("format", "")] = (FORMAT, sys.version, sys.executable, os.getcwd())
    parts[("options", "")] = (sorted(options.items()), list(article_names), repr(config))
    parts[("environment", "")] = [(name, os.environ.get(name)) for name in ENVIRONMENT]
    parts[("environment", "newsloc")] = sorted((k, v) for k, v in os.environ.items() if _read_by_build(k))
    for path in _files(PACKAGE, skip_folders={"__pycache__"}):
        parts[("code", path.relative_to(PACKAGE).as_posix())] = _content(path)
    parts[("distributions", "")] = _distributions()
    parts[("dpkg", "")] = _content(DPKG_STATUS)
    for folder in (*SYSTEM_FOLDERS, *_user_folders(config)):
        parts[("system folder", str(folder))] = _listing(folder)
    root = config.root
    project_files = [root / "pyproject.toml", config.resolve(config.glossary)]
    for setting in (config.articles, config.locales_dir, config.tm_dir, config.dist):
        project_files += _files(config.resolve(setting))
    project_files += [Path(name) if Path(name).is_absolute() else Path.cwd() / name for name in article_names]
    for path in dict.fromkeys(project_files):
        parts[("file", str(path))] = (_project_content(path, root), _modified(path))
    return parts


def changed_only_by(before: Inputs, after: Inputs, written: Mapping[Path, str]) -> bool:
    """Whether ``after`` differs from ``before`` only in files that hold what ``written`` says the build
    wrote there (path → sha256): no one else changed an input while the build ran, or after it."""
    for name in before.keys() | after.keys():
        if before.get(name) == after.get(name):
            continue
        kind, path = name
        value = after.get(name)
        if kind != "file" or not isinstance(value, tuple) or value[0] != written.get(Path(path).resolve()):
            return False
    return True


def _read_by_build(variable: str) -> bool:
    # ENCHANT_CONFIG_DIR is not read but set: spelling points it at an empty folder, so it would
    # differ between a fresh process and the same one after its build.
    return variable.startswith(("NEWSLOC_", "ENCHANT_")) and variable != "ENCHANT_CONFIG_DIR"


def recall(config: Config, key: str) -> dict | None:
    """The recorded build whose inputs had fingerprint ``key``, or None (none, another, unreadable)."""
    try:
        recorded = json.loads(read_limited(ledger_path(config), MAX_LEDGER_BYTES, "build ledger"))
    except (OSError, ValueError, InputError, RecursionError):
        return None
    if not isinstance(recorded, dict) or recorded.get("fingerprint") != key:
        return None
    return recorded


def remember(config: Config, key: str, summary: Mapping[str, object]) -> None:
    """Record a settled build's state; a ledger that cannot be written is simply not kept."""
    with contextlib.suppress(OSError):
        path = ledger_path(config)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps({"fingerprint": key, **summary}, ensure_ascii=False, indent=1) + "\n")


def forget(config: Config) -> None:
    with contextlib.suppress(OSError):
        ledger_path(config).unlink()


# ---------------------------------------------------------------- what is read


def _files(folder: Path, skip_folders: Iterable[str] = ()) -> list[Path]:
    """Every file under ``folder``, sorted; lock files (which say nothing) left out."""
    skipped = set(skip_folders)
    found = []
    for parent, folders, names in os.walk(folder):
        folders[:] = sorted(name for name in folders if name not in skipped)
        found += [
            Path(parent) / name for name in sorted(names) if not (name.startswith(".") and name.endswith(".lock"))
        ]
    return found


# Larger than any input newsloc reads (TMX: 100 MB): such a file is refused by the build unread, so
# the ledger does not read it either (a sparse 3 GB "article" costs a stat, not 3 GB of memory).
LARGEST_HASHED = 100 * 1024 * 1024


def _content(path: Path) -> str | None:
    try:
        size = path.stat().st_size
        if size > LARGEST_HASHED:
            return f"size {size}"  # with its modification time, which the caller adds
        with open(path, "rb") as file:  # streamed through the hash, not held in memory
            return hashlib.file_digest(file, "sha256").hexdigest()
    except OSError:
        return None  # absent (or unreadable): that too is a state the build depends on


MAX_HASHED = 64 * 1024 * 1024  # past any size the build reads (it refuses those): known by size and date


def _project_content(path: Path, root: Path) -> str | None:
    """A project file's digest, read only where the build itself would read it: a regular file inside the
    project, of a size it accepts. A symlink out of the project, a FIFO or /dev/zero is never opened
    (the build refuses them; reading one here would hang or read what is not the project's)."""
    try:
        status = path.stat()
    except OSError:
        return None
    if not lies_inside(path, root):
        return f"outside the project: {path.resolve()}"
    if not stat.S_ISREG(status.st_mode):
        return f"not a file: {stat.filemode(status.st_mode)}"
    if status.st_size > MAX_HASHED:
        return f"{status.st_size} bytes"
    return _content(path)


def _modified(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def _listing(folder: Path) -> list[tuple[str, int, int]] | None:
    """(name, size, modification time) of each entry, links followed; None when the folder is absent."""
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return None
    listing = []
    for name in names:
        try:
            status = (folder / name).stat()
        except OSError:
            listing.append((name, -1, -1))
            continue
        listing.append((name, status.st_size, status.st_mtime_ns))
    return listing


def _distributions() -> list[str]:
    """The installed Python distributions with their versions (their .dist-info folders)."""
    found: set[str] = set()
    for key in ("purelib", "platlib"):
        with contextlib.suppress(OSError):
            found.update(os.listdir(sysconfig.get_paths()[key]))
    return sorted(name for name in found if name.endswith((".dist-info", ".egg-info", ".pth")))


def _user_folders(config: Config) -> list[Path]:
    """Argos's packages folder (every model file) and enchant's personal word lists."""
    models = argos_folder(config)
    config_home = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    folders = [models, config_home / "enchant"]
    with contextlib.suppress(OSError):
        folders += [Path(parent) for parent, _, _ in os.walk(models)]
    return sorted(dict.fromkeys(folders))


def argos_folder(config: Config) -> Path:
    """``engines.argos_packages.packages_dir`` for this project, without importing the engines."""
    if os.environ.get("ARGOS_PACKAGES_DIR"):
        return Path(os.environ["ARGOS_PACKAGES_DIR"]).expanduser()
    if config.argos_packages_dir:
        return config.resolve(config.argos_packages_dir).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / "argos-translate" / "packages"
