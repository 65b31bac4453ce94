"""The build: articles → templates → per-locale catalogs → translations → checks → HTML.

Nothing is half-written: everything is read, parsed, translated and checked
first (bad input stops the run before any write), then every file is written
atomically by this process alone, catalogs under their locks. In between:

1. per article (worker processes): read, segment, lint, template; merge each
   locale's catalog and list what the engine must draft;
2. per locale (this process): one engine batch for every article of the run;
   an engine shared by the locales runs a common pivot step once;
3. per article × locale (worker processes): put the drafts in, check every
   entry, render the catalog and the pages.

Checks and lint reuse their results from the project's cache (pipeline.cache)
when nothing they depend on changed, so a build with nothing to do calls no
engine and loads no dictionary. ``jobs`` worker processes share the work; the
output does not depend on their number.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import itertools
import multiprocessing
import os
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from babel.messages.catalog import Catalog

from pipeline import po, review
from pipeline.cache import ResultCache, Tally, code_stamp
from pipeline.config import Config
from pipeline.engines import choose_engine, known_marks
from pipeline.engines.base import Engine, Progress
from pipeline.fileio import (
    MAX_ARTICLE_BYTES,
    FileChanged,
    check_writable_folder,
    locked,
    read_limited,
    remove_stale_temp_files,
    require_inside,
    require_no_link_out,
    write_atomic,
)
from pipeline.glossary import Glossary, remember_fingerprints, remember_matches, take_matches
from pipeline.glossary import fingerprint as glossary_fingerprint
from pipeline.model import ChecksFailed, Locale, LocalizedArticle, NewslocError, Provenance, Severity
from pipeline.project import (
    catalog_content,
    catalog_path,
    find_articles,
    load_catalog,
    load_glossary,
    read_catalog_text,
    read_records_text,
    records_beside,
    relative,
    template_path,
    updated_records,
    updated_text,
)
from pipeline.publish.dist import (
    RenderedPages,
    available_locales,
    read_manifest,
    render_pages,
)
from pipeline.publish.metadata import published_date
from pipeline.publish.site import write_dist
from pipeline.source import SourceArticle, analyse
from pipeline.tbx import MAX_GLOSSARY_BYTES
from pipeline.translate import Draft, Translator
from pipeline.workflow import Key, Plan, apply_drafts, plan, settled

if TYPE_CHECKING:
    from pipeline.memory.leverage import LocaleMatches

MERGE_ATTEMPTS = 3  # a catalog saved by a person during the build is merged again, this often at most
ProgressFactory = Callable[[str, int], contextlib.AbstractContextManager[Progress]]


@dataclass(frozen=True)
class BuildOptions:
    locales: tuple[Locale, ...]
    engine: str = "auto"
    retranslate: bool = False
    strict: bool = False
    argos: dict = field(default_factory=dict)  # device, threads, packages_dir…
    write_html: bool = True
    jobs: int = 0  # worker processes; 0: one per CPU
    cache: bool = True  # reuse check results from .newsloc-cache/ (safe to delete)
    memory: bool = True  # reuse reviewed work from the project's translation memory


@dataclass(frozen=True)
class LocaleResult:
    article: LocalizedArticle
    catalog_path: Path
    translated: int  # segments sent to the engine in this run
    engine: str
    # machine drafts replaced because another engine, model or version made them, by what made them
    redrafted: tuple[Provenance, ...] = ()
    provenance: Provenance | None = None  # what this run's drafts record
    from_memory: int = 0  # segments filled from the translation memory (engine inputs saved)


@dataclass(frozen=True)
class BuildReport:
    results: tuple[LocaleResult, ...]
    written: tuple[Path, ...]  # the files under dist/ this run wrote (changed or new)
    checks: Counter[str] = field(default_factory=Counter)  # "reused" / "computed" check and lint results
    rechecked: Counter[str] = field(default_factory=Counter)  # computed results by check code
    jobs: int = 1
    workers: int = 0  # worker processes started (none when the first task of each stage showed little work)
    memory_units: int = 0  # units in the translation memory for the locales built (0: memory off)
    unpublished: tuple[str, ...] = ()  # slugs whose article is gone: their pages and listings were removed
    removed: tuple[Path, ...] = ()  # the files under dist/ that went with them
    unchanged: tuple[Path, ...] = ()  # the run's files under dist/ that already said the same (not rewritten)
    catalogs_written: tuple[Path, ...] = ()  # catalogs, templates and machine records this run wrote
    # a run again on the files as this one left them would translate, fill, redraft and write nothing
    settled: bool = False

    @property
    def changed_nothing(self) -> bool:
        """Nothing translated, written or removed: a run again on the same inputs would do the same."""
        return not (
            self.written
            or self.removed
            or self.unpublished
            or self.catalogs_written
            or any(result.translated or result.redrafted or result.from_memory for result in self.results)
        )

    def rerun(self) -> BuildReport:
        """What a run right after this settled one reports: the same articles, nothing done."""
        assert self.settled
        return dataclasses.replace(
            self,
            results=tuple(
                dataclasses.replace(result, translated=0, redrafted=(), from_memory=0) for result in self.results
            ),
            written=(),
            checks=Counter(),
            rechecked=Counter(),
            workers=0,
            unchanged=(*self.written, *self.unchanged),
            catalogs_written=(),
        )


def job_count(requested: int) -> int:
    return requested if requested > 0 else (os.cpu_count() or 1)


def dictionary_stamp(config: Config) -> Callable[[], str]:
    """What spelling results depend on for this project: the dictionaries of English and its locales."""

    def stamp() -> str:
        from pipeline import spelling

        names = [
            spelling.dictionary_name(tag)
            for tag in ("en", *(locale.tag for locale in config.locales))
            if spelling.available(tag)
        ]
        return "|".join(f"{name}:{spelling.fingerprint(name)}" for name in names)

    return stamp


# ---------------------------------------------------------------- the stages (run in worker processes)


@dataclass
class _Run:
    """What every stage reads; worker processes inherit it when they fork."""

    config: Config
    options: BuildOptions
    glossary: Glossary | None
    cache: ResultCache
    engines: dict[Locale, Engine]
    existing: dict[Path, Catalog | None]
    on_disk: dict[Path, str | None] = field(default_factory=dict)
    sources: list[SourceArticle] = field(default_factory=list)
    plans: dict[tuple[int, Locale], Plan] = field(default_factory=dict)  # let go once the item is finished
    planned: dict[tuple[int, Locale], PlanSummary] = field(default_factory=dict)  # what the summary says of it
    drafts: dict[tuple[int, Locale], list[Draft]] = field(default_factory=dict)
    memory: dict[Locale, LocaleMatches] = field(default_factory=dict)  # translation-memory matches, looked up once
    available: dict[str, set[str]] = field(default_factory=dict)  # slug → locales with a publish page (links)


@dataclass(frozen=True)
class PlanSummary:
    """What the build's summary says of an item's plan, kept once its catalog is let go."""

    redrafted: tuple[Provenance, ...]
    provenance: Provenance | None
    from_memory: int

    @classmethod
    def of(cls, planned: Plan) -> PlanSummary:
        return cls(planned.redrafted, planned.provenance, len(planned.from_memory))


_RUN: _Run | None = None


def _state() -> _Run:
    assert _RUN is not None, "build stages run inside build()"
    return _RUN


def _translator(run: _Run, locale: Locale, sources: Sequence[SourceArticle]) -> Translator:
    codes = {s.text_for_engine: s.codes for source in sources for s in source.segments if s.codes}
    pre_edits = {s.text_for_engine: s.pre_edits for source in sources for s in source.segments if s.pre_edits}
    return Translator(
        run.engines[locale],
        locale,
        glossary=run.glossary,
        es_quotes=run.config.es_quotes,
        source_lang=sources[0].document.source_lang if sources else "en",
        codes_by_text=codes,
        pre_edits_by_text=pre_edits,
    )


def _analyse_article(path: Path) -> tuple[SourceArticle, dict[tuple[str, str], str], dict, Tally]:
    """Stage 1: one article read, segmented, linted and templated; its glossary fingerprints per locale."""
    run = _state()
    source = _analysed(run, path)
    terms = _glossary_fingerprints(run, source)
    return source, terms, run.cache.take_changes(), run.cache.take_tally()


def _analysed(run: _Run, path: Path) -> SourceArticle:
    """``analyse``, kept in the cache by the article's bytes: an unchanged article is not read again."""
    try:
        data = read_limited(path, MAX_ARTICLE_BYTES, "article") if path.is_file() else None
    except NewslocError:
        data = None  # analyse says what is wrong with it
    if data is None:
        return analyse(run.config, path, run.glossary, cache=run.cache)
    digest = hashlib.sha256(data).hexdigest()
    glossary = run.glossary.digest if run.glossary is not None else None
    return run.cache.keep(
        "source",  # its lint and title-case pre-edits ask the English dictionary
        (str(path), relative(run.config, path), digest, glossary, run.cache.dictionaries()),
        lambda: analyse(run.config, path, run.glossary, cache=run.cache),
    )


def _parsed_catalog(cache: ResultCache, path: Path, text: str) -> Catalog:
    """``load_catalog``, kept in the cache by the catalog's text and its machine records'."""
    records_file = records_beside(path)  # refused, unread, where load_catalog would refuse it
    records_text = read_records_text(records_file) if records_file.is_file() else None
    return cache.keep("catalog", (str(path), text, records_text), lambda: load_catalog(path, text))


def _glossary(config: Config, cache: ResultCache) -> Glossary | None:
    """``load_glossary``, kept in the cache by the file's bytes."""
    path = config.resolve(config.glossary)
    if not path.is_file():
        return load_glossary(config)
    data = read_limited(require_inside(path, config.root, "glossary"), MAX_GLOSSARY_BYTES, "glossary")
    return cache.keep("glossary", (str(path), hashlib.sha256(data).hexdigest()), lambda: load_glossary(config))


def _glossary_fingerprints(run: _Run, source: SourceArticle) -> dict[tuple[str, str], str]:
    """Which glossary entries each segment holds, per locale: matched once per segment, or read from the cache."""
    if run.glossary is None:
        return {}
    glossary = run.glossary
    texts = list(dict.fromkeys(segment.text for segment in source.segments))
    tags = [locale.tag for locale in run.options.locales]
    row = run.cache.row("glossary-fingerprints", glossary.digest, texts, tags)
    found = row.value(
        "fingerprints",
        (glossary_fingerprint, glossary.digest),
        lambda: [[glossary_fingerprint(glossary, text, tag) for tag in tags] for text in texts],
    )
    return {(text, tag): value for text, values in zip(texts, found) for tag, value in zip(tags, values)}


def _catalog_text(run: _Run, catalog: Catalog, on_disk: str | None, date_field: str) -> str | None:
    """``updated_text``, without rendering when the cache knows this content renders to the file as it is
    (and, for a text written now, the next build will know it)."""
    content = catalog_content(catalog)
    if on_disk is None or po.header_of(on_disk) is None:  # no header to keep: the catalog's own is written
        text = updated_text(catalog, on_disk, date_field)
    else:
        rendered: list[str | None] = []

        def unchanged() -> bool:
            rendered.append(updated_text(catalog, on_disk, date_field))
            return rendered[0] is None

        row = run.cache.row("catalog", date_field, hashlib.sha256(on_disk.encode()).hexdigest(), content)
        if row.value("unchanged", (updated_text, catalog_content), unchanged):
            return None
        text = rendered[0] if rendered else updated_text(catalog, on_disk, date_field)
    if text is not None:
        written = run.cache.row("catalog", date_field, hashlib.sha256(text.encode()).hexdigest(), content)
        written.value("unchanged", (updated_text, catalog_content), lambda: True)
    return text


def _pages(run: _Run, article: LocalizedArticle, available: Collection[str]) -> RenderedPages:
    """The article's pages, reused from the cache when the article, settings, locales and renderer are unchanged."""
    marks = known_marks()
    published = published_date(run.config, article)
    row = run.cache.row("pages", article, run.config, published, marks, sorted(available))

    def render() -> list[str | None]:
        pages = render_pages(run.config, article, marks=marks, available=available)
        return [pages.page, pages.review]

    page, review_page = row.value("pages", (render_pages,), render)
    return RenderedPages(published, page, review_page)


def _plan_article(index: int) -> tuple[dict[Locale, Plan], dict, str | None, dict, Tally]:
    """Stage 1, continued under the catalog locks: the article merged into each locale's catalog."""
    run = _state()
    source = run.sources[index]
    pot = template_path(run.config, source.document.slug)
    template_text = _catalog_text(run, source.template, read_catalog_text(pot), "POT-Creation-Date")
    plans = {}
    for locale in run.options.locales:
        existing = run.existing[catalog_path(run.config, source.document.slug, locale)]
        translator = _translator(run, locale, [source])
        plans[locale] = plan(
            source.template,
            existing,
            locale,
            translator,
            retranslate=run.options.retranslate,
            memory=run.memory.get(locale),
        )
    matches = take_matches(run.glossary) if run.glossary is not None else {}
    return plans, matches, template_text, run.cache.take_changes(), run.cache.take_tally()


@dataclass(frozen=True)
class Finished:
    """One article × locale drafted, checked and rendered, for the writer (from here or a worker)."""

    catalog_text: str | None  # None: the file already says the same
    records: tuple[Path, str] | None  # the machine-records file and its new text (None: unchanged)
    article: LocalizedArticle
    pages: RenderedPages | None
    changes: dict  # new cache rows
    tally: Tally
    settled: bool  # a rerun would find this catalog with nothing to do (workflow.settled)


@dataclass(frozen=True)
class Kept:
    """What the writer keeps of a finished item until its turn: the texts compressed, the rows gone
    to the cache."""

    catalog_text: bytes | None
    records: tuple[Path, bytes] | None
    article: LocalizedArticle
    pages: RenderedPages | None
    settled: bool


def _finish(item: tuple[int, Locale]) -> Finished:
    """Stage 3: drafts in, every entry checked, the catalog and pages rendered (not written)."""
    run = _state()
    index, locale = item
    source, planned = run.sources[index], run.plans[item]
    catalog = planned.merged.catalog
    if planned.pending:
        apply_drafts(catalog, planned.pending, run.drafts[item])
    views = review.annotate(
        catalog,
        source.segments,
        source.source_flags,
        locale,
        run.glossary,
        known_marks(),
        cache=run.cache,
        memory=run.memory.get(locale),
    )
    article = LocalizedArticle(source.document, locale, tuple(views))
    available = run.available.get(source.document.slug, set())
    pages = _pages(run, article, available) if run.options.write_html else None
    path = catalog_path(run.config, source.document.slug, locale)
    text = _catalog_text(run, catalog, run.on_disk[path], "PO-Revision-Date")
    drafts = updated_records(path, catalog)
    # A catalog this run found with nothing to do and left as it was is settled: no second plan.
    as_found = text is None and not (planned.pending or planned.from_memory or planned.redrafted)
    leaves_settled = not run.options.retranslate and (
        as_found
        or settled(
            source.template,
            run.existing[path],
            catalog,
            locale,
            _translator(run, locale, [source]),
            memory=run.memory.get(locale) if run.options.memory else None,
        )
    )
    return Finished(text, drafts, article, pages, run.cache.take_changes(), run.cache.take_tally(), leaves_settled)


def _call(task: tuple[Callable[..., Any], tuple]) -> Any:
    function, arguments = task
    return function(*arguments)


# Forking workers costs about a tenth of a second, and two workers save at most half the work left:
# tasks run here while the rest would be quick (a rebuild with everything cached), and go to the pool
# once the remaining work looks longer than this.
FORK_AFTER_SECONDS = 0.5
_WORKERS: list[int] = []  # the pools this run started, by size


def _map(
    jobs: int,
    function: Callable[..., Any],
    argument_lists: Iterable[tuple],
    settle: Callable[[Any], Any] = lambda result: result,
) -> list[Any]:
    """``function`` over every argument tuple, in order: here, or in worker processes forked when the
    work turns out to be slow (they see the run's state as it is at that point). The first task always
    runs here, so a build with nothing to compute never starts a worker; the pool is sized to the
    tasks left. Each task hands back what it changed, so where it ran never changes the result;
    ``settle`` takes each result as it arrives (and returns what to keep of it)."""
    tasks = [(function, arguments) for arguments in argument_lists]
    results: list[Any] = []
    started = time.perf_counter()
    for index, task in enumerate(tasks):
        remaining = len(tasks) - index
        expected = (time.perf_counter() - started) / index * remaining if index else 0.0
        if jobs >= 2 and remaining >= 2 and expected >= FORK_AFTER_SECONDS:
            workers = min(jobs, remaining)
            _WORKERS.append(workers)
            # Frozen, the objects the workers inherit are never visited by their garbage collector, so
            # fewer of their memory pages are copied into each worker.
            gc.freeze()
            try:
                with multiprocessing.get_context("fork").Pool(workers) as pool:
                    chunks = max(1, remaining // (4 * workers))
                    results += [settle(result) for result in pool.imap(_call, tasks[index:], chunksize=chunks)]
            finally:
                gc.unfreeze()
            break
        results.append(settle(_call(task)))
    return results


def _settle_finished(run: _Run, order: Iterator[tuple[int, Locale]], finished: Finished) -> Kept:
    """A finished item's new cache rows go to the cache (written in batches), not held to the end:
    across 200 articles they would outweigh everything else the writer keeps; so would its texts,
    and its merged catalog and drafts, let go here (results arrive in ``order``; workers forked
    later only need the items after this one)."""
    item = next(order)
    del run.plans[item]
    run.drafts.pop(item, None)
    run.cache.absorb(finished.changes, finished.tally)
    run.cache.flush_when_large()
    text, records = finished.catalog_text, finished.records
    return Kept(
        None if text is None else _pack(text),
        None if records is None else (records[0], _pack(records[1])),
        _sharing_the_source(finished.article, run.sources[item[0]]),
        finished.pages,
        finished.settled,
    )


def _sharing_the_source(article: LocalizedArticle, source: SourceArticle) -> LocalizedArticle:
    """The article as a worker sent it back (a copy of its document and segments per locale, and of the
    provenance per view), made to point at the writer's own: half the objects the writer keeps."""
    if article.document is source.document:
        return article  # made here, not in a worker
    segments = {segment: segment for segment in source.segments}
    provenances: dict[Provenance | None, Provenance | None] = {}  # one engine's drafts share one
    views = tuple(
        dataclasses.replace(
            view,
            segment=segments.get(view.segment, view.segment),
            provenance=provenances.setdefault(view.provenance, view.provenance),
        )
        for view in article.views
    )
    document = source.document if article.document == source.document else article.document
    return dataclasses.replace(article, document=document, views=views)


def _pack(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8"), 1)


def _unpack(data: bytes) -> str:
    return zlib.decompress(data).decode("utf-8")


# ---------------------------------------------------------------- the build


def build(
    config: Config, article_names: Sequence[str], options: BuildOptions, progress_factory: ProgressFactory | None = None
) -> BuildReport:
    global _RUN
    cache = (
        ResultCache.for_project(config.root, dictionary_stamp(config))
        if options.cache
        else ResultCache(None, dictionary_stamp(config))
    )
    glossary = _glossary(config, cache)
    paths = find_articles(config, article_names)
    # One engine per locale for the whole run, shared between locales that use the same one;
    # chosen before any write, so a missing engine stops the run with nothing half-done.
    shared: dict[str, Engine] = {}
    chains = dict(config.apertium_chains)
    engines = {
        locale: choose_engine(options.engine, "en", locale, apertium_chains=chains, shared=shared, **options.argos)
        for locale in options.locales
    }
    jobs = job_count(options.jobs)
    _WORKERS.clear()
    run = _RUN = _Run(config, options, glossary, cache, engines, {})
    try:
        # Every article is read and checked before the first lock file or catalog is touched.
        for source, terms, changes, tally in _map(jobs, _analyse_article, [(path,) for path in paths]):
            run.sources.append(source)
            if glossary is not None:
                remember_fingerprints(glossary, terms)
            cache.absorb(changes, tally)
    finally:
        _RUN = None
    check_writable_folder(config.resolve(config.locales_dir), "the locales folder")
    if options.write_html:
        dist = config.resolve(config.dist)
        check_writable_folder(dist, "the dist folder")
        require_no_link_out(dist, "a file in the dist folder")
        for folder in (p for p in dist.rglob("*") if p.is_dir() and not p.is_symlink()) if dist.is_dir() else ():
            check_writable_folder(folder, "a folder in dist")
        run.available = available_locales(
            read_manifest(config.resolve(config.dist)),
            [LocalizedArticle(source.document, locale, ()) for source in run.sources for locale in options.locales],
            publish_view=True,
        )
    with contextlib.ExitStack() as stack:
        catalog_paths = sorted(
            {catalog_path(config, source.document.slug, locale) for source in run.sources for locale in options.locales}
        )
        for path in catalog_paths:
            check_writable_folder(path.parent, "a catalog folder")  # all before the first write, or none
            stack.enter_context(locked(path))
        on_disk = run.on_disk
        on_disk.update({path: read_catalog_text(path) for path in catalog_paths})  # read once: parsed, compared
        run.existing.update(
            {path: None if text is None else _parsed_catalog(cache, path, text) for path, text in on_disk.items()}
        )
        if options.memory:
            run.memory = memory_matches(config, run.sources, options.locales, run.existing)
        _RUN = run
        try:
            templates: list[tuple[Path, str | None]] = []
            # (not kept in a variable: run.plans alone holds the merged catalogs, let go as items finish)
            for index, (plans, matches, template_text, changes, tally) in enumerate(
                _map(jobs, _plan_article, [(i,) for i in range(len(paths))])
            ):
                cache.absorb(changes, tally)  # the template's rows (a worker's would be lost)
                run.plans.update({(index, locale): planned for locale, planned in plans.items()})
                run.planned.update({(index, locale): PlanSummary.of(planned) for locale, planned in plans.items()})
                templates.append((template_path(config, run.sources[index].document.slug), template_text))
                if glossary is not None:
                    remember_matches(glossary, matches)
            translated = _translate(run, progress_factory, jobs)
            for function in review.check_functions():
                code_stamp(function)  # once, here: every worker inherits them
            items = [(index, locale) for index in range(len(run.sources)) for locale in options.locales]
            finished = _map(jobs, _finish, [(item,) for item in items], partial(_settle_finished, run, iter(items)))
        finally:
            _RUN = None
        results: list[LocaleResult] = []
        rendered: list[RenderedPages] = []
        locales_written: list[Path] = []  # catalogs, templates and machine records
        for folder in (config.resolve(config.locales_dir), config.resolve(config.dist)):
            remove_stale_temp_files(folder)  # a crashed run's leftovers are never shipped
        finished_items = list(zip(items, finished, strict=True))
        # Records before catalogs: after a crash between them, the old catalog's mt: comments still hold.
        settled_records = ((kept.records[0], _unpack(kept.records[1])) for _, kept in finished_items if kept.records)
        for path, text in itertools.chain(settled_records, templates):
            if text is not None:  # None: the file already says the same
                write_atomic(path, text)
                locales_written.append(path)
        all_settled = True
        for (index, locale), kept in finished_items:
            all_settled = all_settled and kept.settled
            article, pages = kept.article, kept.pages
            text = None if kept.catalog_text is None else _unpack(kept.catalog_text)
            path = catalog_path(config, article.document.slug, locale)
            count = translated[(index, locale)]
            # Replaced only if unchanged since read; a person's save meanwhile is read and merged again.
            for attempt in range(MERGE_ATTEMPTS):
                try:
                    if text is not None:  # None: the file already says the same
                        write_atomic(path, text, unchanged_since=run.on_disk[path])
                        locales_written.append(path)
                    break
                except FileChanged:
                    if attempt == MERGE_ATTEMPTS - 1:
                        raise FileChanged(
                            f"kept changing while the build merged it ({MERGE_ATTEMPTS} tries); your edits are "
                            "there, run the build again when you are done saving",
                            path,
                        ) from None
                    text, article, pages, count = _merge_again(run, index, locale)
                    all_settled = False  # planned from a save the rest of the run never saw
                    locales_written.append(path)  # its machine records, at least
            planned = run.planned[(index, locale)]
            results.append(
                LocaleResult(
                    article,
                    path,
                    count,
                    engines[locale].name,
                    planned.redrafted,
                    planned.provenance,
                    planned.from_memory,
                )
            )
            if pages is not None:
                rendered.append(pages)
        blocking = [
            (r.article, v, f) for r in results for v in r.article.views for f in v.flags if f.severity == Severity.ERROR
        ]
    cache.flush()
    publish_view = not (options.strict and blocking)
    written, unchanged, unpublished, removed = (
        write_dist(config, [r.article for r in results], publish_view, rendered, cache, known_marks())
        if options.write_html
        else ([], [], [], [])
    )
    if not publish_view:
        article, view, flag = blocking[0]
        raise ChecksFailed(
            f"publish view not written: {len(blocking)} error flag(s) remain, first: [{article.locale.tag}] "
            f"line {view.segment.line} {flag.code}: {flag.message} (catalogs and review pages were updated)",
            article.document.path,
        )
    memory_units = sum(matches.units for matches in run.memory.values())
    return BuildReport(
        tuple(results),
        tuple(written),
        Counter(cache.total),
        Counter(cache.total_computed),
        jobs,
        max(_WORKERS, default=0),
        memory_units,
        tuple(unpublished),
        tuple(removed),
        tuple(unchanged),
        tuple(locales_written),
        all_settled and not unpublished and not removed,
    )


def _merge_again(
    run: _Run, index: int, locale: Locale
) -> tuple[str | None, LocalizedArticle, RenderedPages | None, int]:
    """A person saved the catalog after the build read it: read it again and redo this article × locale
    (merge, translate what is pending, check), here in the writer, so their save is kept."""
    global _RUN
    source = run.sources[index]
    path = catalog_path(run.config, source.document.slug, locale)
    run.on_disk[path] = read_catalog_text(path)
    text = run.on_disk[path]
    run.existing[path] = None if text is None else load_catalog(path, text)
    translator = _translator(run, locale, [source])
    planned = plan(
        source.template,
        run.existing[path],
        locale,
        translator,
        retranslate=run.options.retranslate,
        memory=run.memory.get(locale),
    )
    run.plans[(index, locale)] = planned
    run.planned[(index, locale)] = PlanSummary.of(planned)
    run.drafts.pop((index, locale), None)
    if planned.pending:
        engine_texts = {(s.text, s.key): s.text_for_engine for s in source.segments}
        wanted = [engine_texts.get(key, key[0]) for key in planned.pending]
        unique = list(dict.fromkeys(wanted))
        drafts = dict(zip(unique, translator.translate(unique), strict=True))
        run.drafts[(index, locale)] = [drafts[text] for text in wanted]
    _RUN = run
    try:
        finished = _finish((index, locale))
        if finished.records is not None:  # the machine records of the new merge, before its catalog
            write_atomic(*finished.records)
    finally:
        _RUN = None
    run.cache.absorb(finished.changes, finished.tally)
    return finished.catalog_text, finished.article, finished.pages, len(planned.pending)


def memory_matches(
    config: Config, sources: Sequence[SourceArticle], locales: Sequence[Locale], parsed: Mapping[Path, Catalog | None]
) -> dict[Locale, LocaleMatches]:
    """Refresh the project's memory (reusing the catalogs already parsed) and look up every segment once.

    Runs before the stages fork: workers get the matches as plain data and never open the database.
    """
    from pipeline.memory import leverage, store

    texts = [segment.text for source in sources for segment in source.segments]
    index = store.open_memory(config, preloaded={path: c for path, c in parsed.items() if c is not None})
    try:
        return {locale: leverage.lookup(index, texts, locale) for locale in locales}
    finally:
        index.close()


def _translate(run: _Run, progress_factory: ProgressFactory | None, jobs: int) -> dict[tuple[int, Locale], int]:
    """Stage 2: per locale, one engine batch holding every article's pending entries. Locales whose
    engine runs apart (Apertium processes) run side by side, up to ``jobs`` at once, under one
    progress bar; the drafts are the same as one after another (each depends only on its input)."""
    translated: dict[tuple[int, Locale], int] = {}
    batches: list[tuple[Locale, list[tuple[tuple[int, Locale], Key, str]], list[str]]] = []
    for locale in run.options.locales:
        wanted: list[tuple[tuple[int, Locale], Key, str]] = []
        for index, source in enumerate(run.sources):
            item = (index, locale)
            pending = run.plans[item].pending
            translated[item] = len(pending)
            engine_texts = {(s.text, s.key): s.text_for_engine for s in source.segments}
            wanted += [(item, key, engine_texts.get(key, key[0])) for key in pending]
        if wanted:
            batches.append((locale, wanted, list(dict.fromkeys(text for _, _, text in wanted))))
    apart = [batch for batch in batches if run.engines[batch[0]].runs_apart]
    if jobs < 2 or len(apart) < 2:
        apart = []
    drafts: dict[Locale, list[Draft]] = {}
    side_by_side = {locale for locale, _, _ in apart}
    for locale, wanted, unique in batches:
        if locale not in side_by_side:
            translator = _translator(run, locale, run.sources)
            with _progress(progress_factory, [(locale, wanted, unique)], run) as parts:
                drafts[locale] = translator.translate(unique, progress=parts[0])
    if apart:
        translators = [_translator(run, locale, run.sources) for locale, _, _ in apart]
        with (
            _progress(progress_factory, apart, run) as parts,
            ThreadPoolExecutor(min(jobs, len(apart))) as pool,
        ):
            running = [
                pool.submit(translator.translate, unique, progress=part)
                for translator, (_, _, unique), part in zip(translators, apart, parts, strict=True)
            ]
            try:
                for (locale, _, _), future in zip(apart, running, strict=True):
                    drafts[locale] = future.result()
            except BaseException:
                for future in running:  # the locales not started yet are not started after a failure
                    future.cancel()
                raise
    for engine in {id(engine): engine for engine in run.engines.values()}.values():
        engine.release()  # every batch is done: what it kept for them goes before the check workers fork
    for locale, wanted, unique in batches:
        by_text = dict(zip(unique, drafts[locale], strict=True))
        for item, _, text in wanted:
            run.drafts.setdefault(item, []).append(by_text[text])
    return translated


@contextlib.contextmanager
def _progress(
    progress_factory: ProgressFactory | None, batches: Sequence[tuple[Locale, Sequence, Sequence[str]]], run: _Run
) -> Iterator[list[Progress | None]]:
    """One progress bar over the batches (one locale, or those running side by side); a callback for each."""
    if progress_factory is None:
        yield [None] * len(batches)
        return
    tags = ", ".join(locale.tag for locale, _, _ in batches)
    engine_names = ", ".join(dict.fromkeys(run.engines[locale].name for locale, _, _ in batches))
    articles = len({index for _, wanted, _ in batches for (index, _), _, _ in wanted})
    label = f"{tags} ({engine_names}, {articles} article(s))"
    done = [0] * len(batches)
    lock = threading.Lock()
    with progress_factory(label, sum(len(unique) for _, _, unique in batches)) as bar:

        def part(number: int) -> Progress:
            def update(finished: int) -> None:
                with lock:
                    done[number] = finished
                    bar(sum(done))

            return update

        yield [part(number) for number in range(len(batches))]
