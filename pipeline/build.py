"""The build: article → template → per-locale catalogs → translations → checks → HTML.

Three phases so that nothing is half-written: everything is read, parsed and
checked first (bad input stops the run before any write); then pending segments
are translated; then every file is written atomically, catalogs under a lock.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timezone
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from babel.messages.catalog import Catalog

from pipeline import catalog as catalogs
from pipeline import review
from pipeline.config import Config
from pipeline.engines import choose_engine
from pipeline.engines.base import Engine, Progress
from pipeline.fileio import locked, write_atomic
from pipeline.model import (
    ChecksFailed,
    Document,
    Flag,
    InputError,
    LocalizedArticle,
    Locale,
    Segment,
    Severity,
)
from pipeline.read import read_document
from pipeline.segment import segment_document

ProgressFactory = Callable[[str, int], contextlib.AbstractContextManager[Progress]]


@dataclass(frozen=True)
class BuildOptions:
    locales: tuple[Locale, ...]
    engine: str = "auto"
    retranslate: bool = False
    strict: bool = False
    argos: dict = field(default_factory=dict)  # device, threads, packages_dir…
    write_html: bool = True


@dataclass(frozen=True)
class SourceArticle:
    """One article read and analysed, before any locale."""

    path: Path
    text: str
    document: Document
    segments: tuple[Segment, ...]
    source_flags: dict[str, tuple[Flag, ...]]  # by segment key
    template: Catalog


@dataclass(frozen=True)
class LocaleResult:
    article: LocalizedArticle
    catalog_path: Path
    translated: int
    engine: str


@dataclass(frozen=True)
class BuildReport:
    results: tuple[LocaleResult, ...]
    written: tuple[Path, ...]  # every file written under dist/


def relative(config: Config, path: Path) -> str:
    try:
        return str(path.resolve().relative_to(config.root))
    except ValueError:
        return str(path)


def find_articles(config: Config, names: Sequence[str]) -> list[Path]:
    if names:
        return [Path(name) if Path(name).is_absolute() else Path.cwd() / name for name in names]
    folder = config.resolve(config.articles)
    from pipeline.read import SUFFIXES

    found = sorted(p for p in folder.glob("*") if p.suffix.lower() in SUFFIXES and p.is_file()) if folder.is_dir() \
        else []
    if not found:
        raise InputError("no articles found; put .txt, .md or .html files there or name one", folder)
    return found


def analyse(config: Config, path: Path, glossary=None) -> SourceArticle:
    text, document = read_document(path, relative(config, path))
    segments = segment_document(document)
    segments, source_flags = review.source_review(text, document, segments, glossary)
    template = catalogs.build_template(document, segments)
    return SourceArticle(path, text, document, tuple(segments), source_flags, template)


def template_path(config: Config, slug: str) -> Path:
    return config.resolve(config.locales_dir) / f"{slug}.pot"


def catalog_path(config: Config, slug: str, locale: Locale) -> Path:
    return config.resolve(config.locales_dir) / locale.folder / "LC_MESSAGES" / f"{slug}.po"


def read_catalog_text(path: Path) -> str | None:
    """A catalog or template file's text, None when there is none yet."""
    if not path.exists():
        return None
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError("catalog is not valid UTF-8; fix the file or restore it from git", path) from None


def read_catalog(path: Path) -> Catalog | None:
    text = read_catalog_text(path)
    return None if text is None else catalogs.parse_catalog(text, path)


def load_glossary(config: Config):
    path = config.resolve(config.glossary)
    if not path.exists():
        return None
    from pipeline import glossary

    return glossary.load(path)


# ---------------------------------------------------------------- per locale


def localize(source: SourceArticle, locale: Locale, existing: Catalog | None, engine: Engine, options: BuildOptions,
             config: Config, glossary, progress_factory: ProgressFactory | None
             ) -> tuple[Catalog, LocalizedArticle, int, str]:
    """Merge, translate what is pending, check everything: pure but for the engine call."""
    from pipeline.translate import Translator
    from pipeline.workflow import refresh

    translator = Translator(engine, locale, glossary=glossary, es_quotes=config.es_quotes,
                            source_lang=source.document.source_lang,
                            codes_by_text={s.text_for_engine: s.codes for s in source.segments if s.codes})
    label = f"{source.document.slug} → {locale.tag} ({engine.name})"
    refreshed = refresh(source.template, existing, locale, translator,
                        engine_texts={(s.text, s.key): s.text_for_engine for s in source.segments},
                        retranslate=options.retranslate,
                        progress=(lambda total: progress_factory(label, total)) if progress_factory else None)
    views = review.annotate(refreshed.catalog, source.segments, source.source_flags, locale, glossary)
    article = LocalizedArticle(source.document, locale, tuple(views))
    return refreshed.catalog, article, len(refreshed.translated), engine.name


def build(config: Config, article_names: Sequence[str], options: BuildOptions,
          progress_factory: ProgressFactory | None = None) -> BuildReport:
    glossary = load_glossary(config)
    sources = [analyse(config, path, glossary) for path in find_articles(config, article_names)]
    # One engine per locale for the whole run (an Argos engine keeps its loaded models); chosen
    # before any write, so a missing engine stops the run with nothing half-done.
    engines = {locale: choose_engine(options.engine, "en", locale, **options.argos) for locale in options.locales}
    paths = sorted({catalog_path(config, s.document.slug, locale) for s in sources for locale in options.locales})
    results: list[LocaleResult] = []
    with contextlib.ExitStack() as stack:
        for path in paths:
            stack.enter_context(locked(path))
        on_disk = {path: read_catalog_text(path) for path in paths}  # read once: parsed now, compared at write
        existing = {path: None if text is None else catalogs.parse_catalog(text, path)
                    for path, text in on_disk.items()}
        planned = []
        for source in sources:
            for locale in options.locales:
                path = catalog_path(config, source.document.slug, locale)
                catalog, article, translated, engine = localize(
                    source, locale, existing[path], engines[locale], options, config, glossary, progress_factory)
                planned.append((path, catalog, LocaleResult(article, path, translated, engine)))
        blocking = [(r.article, v, f) for _, _, r in planned for v in r.article.views for f in v.flags
                    if f.severity == Severity.ERROR]
        for source in sources:
            pot = template_path(config, source.document.slug)
            write_if_changed(pot, catalogs.render_catalog(source.template), read_catalog_text(pot))
        for path, catalog, result in planned:
            write_catalog(path, catalog, on_disk[path])
            results.append(result)
    publish_view = not (options.strict and blocking)
    written = write_dist(config, [r.article for r in results], publish_view) if options.write_html else []
    if not publish_view:
        article, view, flag = blocking[0]
        raise ChecksFailed(
            f"publish view not written: {len(blocking)} error flag(s) remain, first: [{article.locale.tag}] "
            f"line {view.segment.line} {flag.code}: {flag.message} (catalogs and review pages were updated)",
            article.document.path,
        )
    return BuildReport(tuple(results), tuple(written))


def write_if_changed(path: Path, text: str, on_disk: str | None) -> bool:
    """Write unless the file (``on_disk``: its text as read, None if absent) differs only in its dates."""
    if on_disk is not None and catalogs.same_content(on_disk, text):
        return False
    write_atomic(path, text)
    return True


def write_catalog(path: Path, catalog: Catalog, on_disk: str | None) -> None:
    """Write a changed catalog with a new revision date (the date alone is not a change)."""
    catalog.revision_date = datetime.now(timezone.utc)
    write_if_changed(path, catalogs.render_catalog(catalog), on_disk)


def write_dist(config: Config, articles: Sequence[LocalizedArticle], publish_view: bool) -> list[Path]:
    """Write everything outlets take from dist/: pages, review pages, and the files that list them."""
    from pipeline.publish import dist_files, read_manifest

    dist = config.resolve(config.dist)
    written = []
    for relative_path, content in dist_files(config, articles, previous_manifest=read_manifest(dist),
                                             publish_view=publish_view):
        target = dist / relative_path
        write_atomic(target, content)
        written.append(target)
    return written
