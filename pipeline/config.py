"""Project configuration: `[tool.newsloc]` in pyproject.toml, with defaults."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

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


def load_config(root: Path | None = None) -> Config:
    root = (root or Path.cwd()).resolve()
    pyproject = root / "pyproject.toml"
    settings: dict = {}
    if pyproject.is_file():
        try:
            settings = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}).get("newsloc", {})
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"cannot read [tool.newsloc]: {error}", pyproject) from None
    config = Config(root=root)
    known = {f for f in Config.__dataclass_fields__ if f != "root"}
    values: dict = {}
    for key, value in settings.items():
        name = key.replace("-", "_")
        if name not in known:
            raise ConfigError(
                f"unknown setting '{key}' in [tool.newsloc]; known: {', '.join(sorted(known))}", pyproject
            )
        if name == "locales":
            values[name] = tuple(Locale(str(tag)) for tag in value)
        elif name == "apertium_chains":
            values[name] = read_chains(value, pyproject)
        elif name in PATH_KEYS:
            values[name] = Path(value)
        else:
            values[name] = value
    config = replace(config, **values)
    check_values(config, pyproject)
    return config


def read_chains(value: object, pyproject: Path) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``apertium-chains = {fr = ["eng-cat", "cat-fra"]}``: a non-empty list of Apertium modes per locale."""
    example = 'apertium-chains = {fr = ["eng-cat", "cat-fra"]}'
    if not isinstance(value, dict):
        raise ConfigError(
            f"apertium-chains in [tool.newsloc] must be a table of locale = [modes], e.g. {example}", pyproject
        )
    chains = []
    for tag, modes in value.items():
        if (
            not isinstance(modes, list)
            or not modes
            or not all(isinstance(mode, str) and re.fullmatch(r"[\w-]+", mode) for mode in modes)
        ):
            raise ConfigError(
                f"apertium-chains.{tag} in [tool.newsloc] must be a list of Apertium modes (apertium -l), e.g. {example}",
                pyproject,
            )
        chains.append((str(tag), tuple(modes)))
    return tuple(chains)


def check_values(config: Config, pyproject: Path) -> None:
    """Catch a bad setting when the project loads, not halfway through a build."""
    for locale in config.locales:
        try:
            BabelLocale.parse(locale.babel)
        except (ValueError, UnknownLocaleError):
            raise ConfigError(
                f"locale '{locale.tag}' in [tool.newsloc] locales is not a BCP 47 tag babel knows (e.g. es, fr, pt-BR)",
                pyproject,
            ) from None
    if config.published:
        try:
            date.fromisoformat(str(config.published)[:10])
        except ValueError:
            raise ConfigError(
                f"published = {config.published!r} in [tool.newsloc] is not a date such as 2025-11-04", pyproject
            ) from None
    if config.engine not in KNOWN_ENGINES:
        raise ConfigError(
            f"unknown engine '{config.engine}' in [tool.newsloc]: use one of {', '.join(KNOWN_ENGINES)}", pyproject
        )
