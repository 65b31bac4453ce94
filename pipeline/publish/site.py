"""dist/ on disk: what ``dist_files`` gives, written where it changed, and the pages of retracted
articles removed: the build's last stage, which alone writes pages, listings and the manifest."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from pipeline.cache import ResultCache
from pipeline.config import Config
from pipeline.fileio import lies_inside, now, require_inside, require_no_link_out, write_atomic
from pipeline.marks import MarkKind
from pipeline.model import Locale, LocalizedArticle
from pipeline.project import project_articles
from pipeline.publish.dist import RenderedPages, dist_files, index_page, read_manifest, retracted
from pipeline.readers import slug_for


def write_dist(
    config: Config,
    articles: Sequence[LocalizedArticle],
    publish_view: bool,
    rendered: Sequence[RenderedPages] | None = None,
    cache: ResultCache | None = None,
    marks: Sequence[MarkKind] = (),
) -> tuple[list[Path], list[Path], list[str], list[Path]]:
    """Bring everything outlets take from dist/ up to date: pages, review pages, the files that list them.

    An unchanged file is left alone. dist/ mirrors the articles: the pages of an article gone from
    articles/ are deleted and it leaves the manifest, indexes and feeds. Returns (the run's files
    written now; those already as they should be; unpublished slugs; removed files).
    """
    dist = config.resolve(config.dist)
    require_no_link_out(dist, "a file in the dist folder")  # checked by build() first; write_dist runs alone too
    previous = read_manifest(dist)
    current: set[str] | None = None
    if config.resolve(config.articles).is_dir():
        current = {slug_for(path) for path in project_articles(config)} | {a.document.slug for a in articles}
    written, unchanged = [], []
    files = list(
        dist_files(
            config,
            articles,
            previous_manifest=previous,
            publish_view=publish_view,
            now=now(),
            rendered=rendered,
            marks=marks,
            current_slugs=current,
            memo=partial(_index_page, cache, config) if cache is not None else lambda *inputs: inputs[-1](),
        )
    )
    for relative_path, _ in files:  # names come from slugs and tags: checked, yet never trusted to stay inside
        require_inside(dist / relative_path, dist, "a file in the dist folder")
    for relative_path, text in files:
        target = dist / relative_path
        content = text()  # one page at a time: a newsroom's site is never all in memory
        if _same_file(target, content):  # an unchanged page is left alone (no rewrite, no fsync)
            unchanged.append(target)
        else:
            write_atomic(target, content)
            written.append(target)
    gone = retracted(previous, current) if current is not None else {}
    removed = []
    for relative_path in (path for paths in gone.values() for path in paths):
        target = dist / relative_path
        if target.is_file() and lies_inside(target, dist):
            target.unlink()
            removed.append(target)
    if cache is not None:
        cache.flush()
    return written, unchanged, sorted(gone), removed


def _index_page(
    cache: ResultCache,
    config: Config,
    locale: Locale,
    listed: list[dict],
    indexed: set[str],
    render: Callable[[], str],
) -> str:
    """A locale's index page, reused from the cache when its listing, settings and renderer are unchanged."""
    row = cache.row("index", config, locale, listed, sorted(indexed))
    return row.value("index", (index_page,), render)


def _same_file(path: Path, content: str) -> bool:
    data = content.encode("utf-8")
    try:  # the size first: whatever lies in dist/ (a huge or sparse file) is never read whole
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False
