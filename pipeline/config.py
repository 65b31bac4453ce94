"""Project configuration: `[tool.newsloc]` in pyproject.toml, with defaults."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from babel import Locale as BabelLocale
from babel import UnknownLocaleError

from pipeline.model import ConfigError, Locale

DEFAULT_LOCALES = ("es", "fr", "pt-BR")
KNOWN_ENGINES = ("auto", "apertium", "argos", "pseudo")


@dataclass(frozen=True)
class Config:
    root: Path
    locales: tuple[Locale, ...] = tuple(Locale(tag) for tag in DEFAULT_LOCALES)
    engine: str = "auto"
    articles: Path = Path("articles")
    locales_dir: Path = Path("locales")
    glossary: Path = Path("glossary/newsloc.tbx")
    dist: Path = Path("dist")
    tm_dir: Path = Path("tm")  # TMX files that feed the translation memory
    argos_packages_dir: Path | None = None
    low_confidence: float = -1.5  # argos: mean log-prob per token below this → review flag
    base_url: str = "https://example.org/news"
    published: str = ""  # ISO date; "" = the article file's modification date
    es_quotes: str = "«»"
    # Apertium mode chain per locale tag, overriding the measured defaults (pipeline/engines/apertium.py).
    apertium_chains: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def resolve(self, path: Path) -> Path:
        return path if path.is_absolute() else self.root / path

    def locale(self, tag: str) -> Locale:
        for locale in self.locales:
            if locale.tag.lower() == tag.lower():
                return locale
        names = ", ".join(locale.tag for locale in self.locales)
        raise ConfigError(f"unknown locale '{tag}': use one of {names} (or add it to [tool.newsloc] locales)")

    def pick_locales(self, choice: str) -> tuple[Locale, ...]:
        return self.locales if choice == "all" else (self.locale(choice),)


PATH_KEYS = ("articles", "locales_dir", "glossary", "dist", "argos_packages_dir", "tm_dir")
INSIDE_KEYS = ("articles", "locales_dir", "glossary", "dist", "tm_dir")  # project files: must stay in the project
# Caches newsloc keeps in the project (pipeline/cache.py, pipeline/memory/store.py): a symlink must not move them out.
CACHE_FOLDERS = (".newsloc-cache", ".newsloc")
LOCALE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
LOW_CONFIDENCE_RANGE = (-50.0, 0.0)  # mean log-probability per token: never above 0


def load_config(root: Path | None = None) -> Config:
    """The project's settings, each checked by type and range here: one line per bad key, before any work."""
    root = (root or Path.cwd()).resolve()
    pyproject = root / "pyproject.toml"
    settings: dict = {}
    if pyproject.is_file():
        try:
            settings = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}).get("newsloc", {})
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise ConfigError(f"cannot read [tool.newsloc]: {error}", pyproject) from None
        except RecursionError:
            raise ConfigError(
                "cannot read [tool.newsloc]: nested too deeply (Python's recursion limit)", pyproject
            ) from None
    if not isinstance(settings, dict):
        raise ConfigError("[tool.newsloc] must be a table of settings", pyproject)
    known = {f for f in Config.__dataclass_fields__ if f != "root"}
    values: dict = {}
    problems: list[str] = []
    for key, value in settings.items():
        name = key.replace("-", "_")
        if name not in known:
            problems.append(f"unknown setting '{key}' in [tool.newsloc]; known: {', '.join(sorted(known))}")
            continue
        try:
            values[name] = _checked(name, value, root)
        except ValueError as problem:
            problems.append(f"[tool.newsloc] {key} = {_shown(value)}: {problem}")
    config = replace(Config(root=root), **values)
    lines = [f"{pyproject}: {problem}" for problem in problems] + _folders_outside(config, set(values))
    if lines:
        raise ConfigError("\n".join(lines))
    return config


def _folders_outside(config: Config, checked: set[str]) -> list[str]:
    """The project's own folders and files (defaults too) that a symlink leads out of the project."""
    problems = []
    for key in INSIDE_KEYS:
        value = getattr(config, key)
        if key not in checked and not config.resolve(value).resolve().is_relative_to(config.root):
            problems.append(
                f"{config.resolve(value)}: {key.removesuffix('_dir')} resolves outside the project (a symlink?); "
                "newsloc reads and writes only files inside the project: replace it with a real folder or file"
            )
    for name in CACHE_FOLDERS:
        folder = config.root / name
        leading_out = [folder] if folder.is_symlink() else list(folder.rglob("*")) if folder.is_dir() else []
        for path in leading_out:
            if not path.resolve().is_relative_to(config.root):
                problems.append(f"{path}: resolves outside the project (a symlink?); delete it (it is only a cache)")
                break
    return problems


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _checked(name: str, value: object, root: Path) -> object:
    """The setting's value as Config holds it, or ValueError saying what it must be."""
    if name == "locales":
        return _locales(value)
    if name == "apertium_chains":
        return read_chains(value)
    if name in PATH_KEYS:
        if not isinstance(value, str) or not value.strip():
            raise ValueError("must be a folder or file path written as a string")
        path = Path(value)
        if name in INSIDE_KEYS and not (root / path).resolve().is_relative_to(root):
            raise ValueError("must lie inside the project folder (a relative path without '..')")
        return path
    if name == "engine":
        if value not in KNOWN_ENGINES:
            raise ValueError(f"unknown engine '{value}'; use one of {', '.join(KNOWN_ENGINES)}")
        return value
    if name == "low_confidence":
        low, high = LOW_CONFIDENCE_RANGE
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            raise ValueError(f"must be a number from {low:g} to {high:g} (mean log-probability per token)")
        return float(value)
    if name == "base_url":
        url = urlsplit(value) if isinstance(value, str) else None
        if url is None or url.scheme not in ("http", "https") or not url.netloc or any(c.isspace() for c in str(value)):
            raise ValueError("must be an http:// or https:// address such as https://example.org/news")
        return value
    if name == "published":
        if isinstance(value, date):  # TOML's own date type: published = 2025-11-04
            return value.isoformat()
        try:
            date.fromisoformat(str(value)[:10])
        except ValueError:
            raise ValueError("is not a date such as 2025-11-04") from None
        if not isinstance(value, str):
            raise ValueError("is not a date such as 2025-11-04")
        return value
    if name == "es_quotes":
        if not isinstance(value, str) or len(value) != 2 or any(c.isalnum() or c.isspace() for c in value):
            raise ValueError('must be two quotation marks, opening then closing, such as "«»" or "“”"')
        return value
    return value


def read_chains(value: object) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``apertium-chains = {fr = ["eng-cat", "cat-fra"]}``: a non-empty list of Apertium modes per locale."""
    example = 'apertium-chains = {fr = ["eng-cat", "cat-fra"]}'
    if not isinstance(value, dict):
        raise ValueError(f"must be a table of locale = [modes], e.g. {example}")
    chains = []
    for tag, modes in value.items():
        if (
            not isinstance(modes, list)
            or not modes
            or not all(isinstance(mode, str) and re.fullmatch(r"[\w-]+", mode) for mode in modes)
        ):
            raise ValueError(f"{tag} must be a list of Apertium modes (apertium -l), e.g. {example}")
        chains.append((str(tag), tuple(modes)))
    return tuple(chains)


def _locales(value: object) -> tuple[Locale, ...]:
    if not isinstance(value, list) or not value:
        raise ValueError('must be a non-empty list of BCP 47 tags such as ["es", "fr", "pt-BR"]')
    locales: list[Locale] = []
    for tag in value:
        if not isinstance(tag, str) or not LOCALE_TAG.fullmatch(tag):
            raise ValueError(f"{_shown(tag)} is not a BCP 47 tag such as es, fr or pt-BR")
        try:
            BabelLocale.parse(tag.replace("-", "_"))
        except (ValueError, UnknownLocaleError):
            raise ValueError(f"locale '{tag}' is not a BCP 47 tag babel knows (e.g. es, fr, pt-BR)") from None
        if tag.lower() in (locale.tag.lower() for locale in locales):
            raise ValueError(f"locale '{tag}' is listed twice")
        locales.append(Locale(tag))
    return tuple(locales)
