"""Argos Translate model packages: find, list, install (file or index), remove.

An Argos package (``.argosmodel``) is a zip with one top-level folder holding
``metadata.json``, a tokenizer (``sentencepiece.model`` or ``bpe.model``) and a
CTranslate2 ``model/`` folder. We install it ourselves instead of calling
``argostranslate.package.install_from_path``: that function extracts without
any check and then imports ``argostranslate.translate``, which needs stanza.
Metadata is still read by argostranslate's own ``Package`` class.

Every package is installed into ``<packages dir>/<name>`` (``translate-en_es``),
so installing a newer file for the same pair replaces the old one.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pipeline.model import EngineError, InputError, Locale

FILE_INSTALL_HINT = "newsloc models install PATH.argosmodel"

# A language code as Argos writes them ("en", "pb", "zt", "zh_Hant"): it becomes part of a folder
# name, so "es/../../victim" must never get that far.
ARGOS_CODE = re.compile(r"^[a-z]{2,3}(?:[_-][A-Za-z0-9]{1,8})*$")

# Argos's index gives some regional variants a code of their own.
ARGOS_VARIANT_CODES = {"pt-br": "pb", "zh-hant": "zt", "zh-tw": "zt"}


@dataclass(frozen=True)
class InstalledPackage:
    name: str  # "translate-en_es": the model name recorded in provenance
    from_code: str
    to_code: str  # the Argos code actually used ("pb" for pt-BR where installed)
    version: str
    path: Path
    target_prefix: str = ""  # token some multilingual packages expect first in the output


# ---------------------------------------------------------------- where and which


def packages_dir(configured: str | Path | None = None) -> Path:
    """The packages folder: $ARGOS_PACKAGES_DIR, else the project's setting, else Argos's default.

    Read at call time (not at import, as argostranslate.settings does), so a
    test or a config change takes effect without restarting.
    """
    if os.environ.get("ARGOS_PACKAGES_DIR"):
        return Path(os.environ["ARGOS_PACKAGES_DIR"]).expanduser()
    if configured:
        return Path(configured).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / "argos-translate" / "packages"


def argos_codes(target: Locale | str) -> tuple[str, ...]:
    """Argos language codes for a BCP 47 tag, preferred first: pt-BR → ("pb", "pt")."""
    tag = str(target)
    language = tag.split("-")[0].lower()
    variant = ARGOS_VARIANT_CODES.get(tag.lower())
    return (variant, language) if variant else (language,)


def installed_packages(folder: Path) -> list[InstalledPackage]:
    """Translation packages installed in ``folder``, sorted by name.

    Folders without metadata.json (and our own hidden work folders) are not packages.
    """
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.iterdir()):
        if path.is_dir() and not path.name.startswith(".") and (path / "metadata.json").is_file():
            package = _read_package(path)
            if package is not None:
                found.append(package)
    return sorted(found, key=lambda package: (package.name, package.path.name))


def package_for(source: str, target: Locale | str, folder: Path) -> InstalledPackage | None:
    """The installed package for a pair, trying the target's codes in order (pb before pt)."""
    installed = installed_packages(folder)
    for code in argos_codes(target):
        for package in installed:
            if package.from_code == source and package.to_code == code:
                return package
    return None


# ---------------------------------------------------------------- install and remove


def install_package_file(archive: Path, folder: Path) -> InstalledPackage:
    """Install a local ``.argosmodel`` (offline). Checked first: nothing is installed if it is broken."""
    archive = Path(archive)
    top = _checked_archive(archive)
    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".installing-", dir=folder))
    try:
        try:
            with zipfile.ZipFile(archive) as zipped:
                zipped.extractall(staging)
        except (zipfile.BadZipFile, OSError) as error:
            raise InputError(f"cannot extract the Argos package: {error}", path=archive) from error
        unpacked = _read_package(staging / top)
        if unpacked is None:
            raise InputError("not an Argos model package: metadata.json is unreadable", path=archive)
        destination = folder / unpacked.name
        if destination.parent != folder or not ARGOS_CODE.fullmatch(unpacked.to_code):
            raise InputError(f"not an Argos model package: unsafe package name {unpacked.name!r}", path=archive)
        # An older install of the same pair (under any folder name) would shadow the new one.
        older = [p.path for p in installed_packages(folder) if p.name == unpacked.name]
        for i, path in enumerate({*older, destination}):
            if path.exists():
                os.replace(path, staging / f"replaced-{i}")
        os.replace(staging / top, destination)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    installed = _read_package(destination)
    assert installed is not None  # just read from the same files
    return installed


def install_from_index(source: str, target: Locale | str, folder: Path) -> InstalledPackage:
    """Download and install the pair's package from the Argos index (needs the internet)."""
    from argostranslate import settings

    codes = argos_codes(target)
    raw = _download(settings.remote_package_index, "the Argos package index")
    try:
        index = json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise EngineError(f"the Argos package index is not valid JSON ({error})") from error
    candidates = [e for e in index if isinstance(e, dict) and e.get("type", "translate") == "translate"]
    for code in codes:
        for entry in candidates:
            if entry.get("from_code") == source and entry.get("to_code") == code:
                return _install_download(entry, folder)
    raise EngineError(f"the Argos index has no {source}→{target} package (looked for {source}→{'/'.join(codes)})")


def remove_package(name: str, folder: Path) -> list[InstalledPackage]:
    """Remove the installed package(s) called ``name`` (package or folder name)."""
    installed = installed_packages(folder)
    matches = [package for package in installed if name in (package.name, package.path.name)]
    if not matches:
        known = ", ".join(package.name for package in installed) or "none"
        raise InputError(f"no Argos package named {name!r} is installed (installed: {known})", path=folder)
    for package in matches:
        # Move aside first so a half-deleted folder never looks like a package.
        doomed = Path(tempfile.mkdtemp(prefix=".removing-", dir=folder))
        os.replace(package.path, doomed / package.path.name)
        shutil.rmtree(doomed)
    return matches


# ---------------------------------------------------------------- internals


def _read_package(path: Path) -> InstalledPackage | None:
    from argostranslate.package import Package, argospm_package_name

    try:
        package = Package(path)
    except (OSError, ValueError, RecursionError):
        return None
    if package.type != "translate" or not package.from_code or not package.to_code:
        return None
    if not ARGOS_CODE.fullmatch(str(package.from_code)) or not ARGOS_CODE.fullmatch(str(package.to_code)):
        return None  # a code that is no language code is no package we can use (or name a folder after)
    return InstalledPackage(
        name=argospm_package_name(package),
        from_code=package.from_code,
        to_code=package.to_code,
        version=str(package.package_version),
        path=path,
        target_prefix=package.target_prefix or "",
    )


def _checked_archive(archive: Path) -> str:
    """The archive's top-level folder, after checking everything an install needs."""
    if not archive.is_file():
        raise InputError("no such Argos package file", path=archive)
    if not zipfile.is_zipfile(archive):
        raise InputError("not an Argos model package: not a zip archive", path=archive)
    try:
        with zipfile.ZipFile(archive) as zipped:
            names = zipped.namelist()
            problems, top = _layout_problems(names)
            if top and f"{top}/metadata.json" in names:
                problems += _metadata_problems(zipped.read(f"{top}/metadata.json"))
    except zipfile.BadZipFile as error:
        raise InputError(f"not an Argos model package: {error}", path=archive) from error
    if problems:
        raise InputError("not an Argos model package: " + "; ".join(problems), path=archive)
    return top


def _layout_problems(names: list[str]) -> tuple[list[str], str]:
    problems = []
    unsafe = [name for name in names if name.startswith("/") or ".." in PurePosixPath(name).parts]
    if unsafe:
        problems.append(f"unsafe paths in the archive ({unsafe[0]})")
    tops = sorted({name.split("/")[0] for name in names if "/" in name})
    loose = [name for name in names if "/" not in name]
    if len(tops) != 1 or loose:
        problems.append("expected exactly one top-level folder holding the package")
        return problems, ""
    top = tops[0]
    if f"{top}/metadata.json" not in names:
        problems.append("no metadata.json")
    if f"{top}/model/model.bin" not in names:
        problems.append("model folder missing (model/model.bin)")
    if f"{top}/sentencepiece.model" not in names and f"{top}/bpe.model" not in names:
        problems.append("no tokenizer (sentencepiece.model or bpe.model)")
    return problems, top


def _metadata_problems(raw: bytes) -> list[str]:
    try:
        metadata = json.loads(raw)
    except ValueError as error:
        return [f"metadata.json is not valid JSON ({error})"]
    except RecursionError:
        return ["metadata.json is nested too deeply to read (Python's recursion limit)"]
    if not isinstance(metadata, dict):
        return ["metadata.json is not a JSON object"]
    if metadata.get("type", "translate") != "translate":
        return [f"package type is {metadata.get('type')!r}, not a translation model"]
    problems = [f"metadata.json has no {key}" for key in ("from_code", "to_code") if not metadata.get(key)]
    return problems + [
        f"metadata.json {key} {metadata[key]!r} is not a language code such as en or es"
        for key in ("from_code", "to_code")
        if metadata.get(key) and not (isinstance(metadata[key], str) and ARGOS_CODE.fullmatch(metadata[key]))
    ]


def _download(url: str, what: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read()
    except OSError as error:  # URLError, timeouts and refused connections are all OSErrors
        reason = getattr(error, "reason", error)
        raise EngineError(
            f"cannot download {what} ({reason}); offline, install a package file instead: {FILE_INSTALL_HINT}"
        ) from error


def _install_download(entry: dict, folder: Path) -> InstalledPackage:
    links = entry.get("links") or []
    if not links:
        raise EngineError(f"the Argos index lists no download link for {entry.get('from_code')}→{entry.get('to_code')}")
    folder.mkdir(parents=True, exist_ok=True)
    data, last_error = None, None
    for link in links:  # in the index's order, so a retry is reproducible
        try:
            data = _download(link, f"the {entry.get('from_code')}→{entry.get('to_code')} package")
            break
        except EngineError as error:
            last_error = error
    if data is None:
        raise last_error  # type: ignore[misc]
    handle, temporary = tempfile.mkstemp(prefix=".download-", suffix=".argosmodel", dir=folder)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        return install_package_file(Path(temporary), folder)
    finally:
        os.unlink(temporary)
