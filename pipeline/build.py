"""The build: article → template → per-locale catalogs → translations → checks → HTML.

Three phases so that nothing is half-written: everything is read, parsed and
checked first (bad input stops the run before any write); then pending segments
are translated; then every file is written atomically, catalogs under a lock.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog

from pipeline import po, review
from pipeline.config import Config
from pipeline.engines import choose_engine, known_marks
from pipeline.engines.base import Engine, Progress
from pipeline.fileio import locked, write_atomic
from pipeline.glossary import Glossary
from pipeline.model import ChecksFailed, Locale, LocalizedArticle, Severity
from pipeline.project import (
    catalog_path,
    find_articles,
    load_glossary,
    read_catalog_text,
    template_path,
    write_catalog,
    write_template,
)
from pipeline.publish.dist import dist_files, read_manifest
from pipeline.source import SourceArticle, analyse
from pipeline.translate import Translator
from pipeline.workflow import refresh

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
class LocaleResult:
    article: LocalizedArticle
    catalog_path: Path
    translated: int
    engine: str


@dataclass(frozen=True)
class BuildReport:
    results: tuple[LocaleResult, ...]
    written: tuple[Path, ...]  # every file written under dist/


# ---------------------------------------------------------------- per locale


def localize(
    source: SourceArticle,
    locale: Locale,
    existing: Catalog | None,
    engine: Engine,
    options: BuildOptions,
    config: Config,
    glossary: Glossary | None,
    progress_factory: ProgressFactory | None,
) -> tuple[Catalog, LocalizedArticle, int, str]:
    """Merge, translate what is pending, check everything: pure but for the engine call."""
    translator = Translator(
        engine,
        locale,
        glossary=glossary,
        es_quotes=config.es_quotes,
        source_lang=source.document.source_lang,
        codes_by_text={s.text_for_engine: s.codes for s in source.segments if s.codes},
    )
    label = f"{source.document.slug} → {locale.tag} ({engine.name})"
    refreshed = refresh(
        source.template,
        existing,
        locale,
        translator,
        engine_texts={(s.text, s.key): s.text_for_engine for s in source.segments},
        retranslate=options.retranslate,
        progress=(lambda total: progress_factory(label, total)) if progress_factory else None,
    )
    views = review.annotate(refreshed.catalog, source.segments, source.source_flags, locale, glossary, known_marks())
    article = LocalizedArticle(source.document, locale, tuple(views))
    return refreshed.catalog, article, len(refreshed.translated), engine.name


def build(
    config: Config, article_names: Sequence[str], options: BuildOptions, progress_factory: ProgressFactory | None = None
) -> BuildReport:
    glossary = load_glossary(config)
    sources = [analyse(config, path, glossary) for path in find_articles(config, article_names)]
    # One engine per locale for the whole run (an Argos engine keeps its loaded models); chosen
    # before any write, so a missing engine stops the run with nothing half-done.
    chains = dict(config.apertium_chains)
    engines = {
        locale: choose_engine(options.engine, "en", locale, apertium_chains=chains, **options.argos)
        for locale in options.locales
    }
    paths = sorted({catalog_path(config, s.document.slug, locale) for s in sources for locale in options.locales})
    results: list[LocaleResult] = []
    with contextlib.ExitStack() as stack:
        for path in paths:
            stack.enter_context(locked(path))
        on_disk = {path: read_catalog_text(path) for path in paths}  # read once: parsed now, compared at write
        existing = {path: None if text is None else po.parse(text, path) for path, text in on_disk.items()}
        planned = []
        for source in sources:
            for locale in options.locales:
                path = catalog_path(config, source.document.slug, locale)
                catalog, article, translated, engine = localize(
                    source, locale, existing[path], engines[locale], options, config, glossary, progress_factory
                )
                planned.append((path, catalog, LocaleResult(article, path, translated, engine)))
        blocking = [
            (r.article, v, f)
            for _, _, r in planned
            for v in r.article.views
            for f in v.flags
            if f.severity == Severity.ERROR
        ]
        for source in sources:
            pot = template_path(config, source.document.slug)
            write_template(pot, source.template, read_catalog_text(pot))
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


def write_dist(config: Config, articles: Sequence[LocalizedArticle], publish_view: bool) -> list[Path]:
    """Write everything outlets take from dist/: pages, review pages, and the files that list them."""
    dist = config.resolve(config.dist)
    written = []
    for relative_path, content in dist_files(
        config, articles, previous_manifest=read_manifest(dist), publish_view=publish_view, marks=known_marks()
    ):
        target = dist / relative_path
        write_atomic(target, content)
        written.append(target)
    return written
