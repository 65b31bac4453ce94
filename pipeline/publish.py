"""What goes to dist/: the pages of one localized article (publish and review views)."""

from __future__ import annotations

from pathlib import PurePosixPath

from pipeline.config import Config
from pipeline.model import LocalizedArticle
from pipeline.render import build_page, serialize


def page_files(config: Config, article: LocalizedArticle) -> list[tuple[PurePosixPath, str]]:
    """(path under dist/, content) for each file of this article and locale."""
    folder = PurePosixPath(article.locale.folder)
    slug = article.document.slug
    return [
        (folder / f"{slug}.html", serialize(build_page(article, review=False))),
        (folder / f"{slug}.review.html", serialize(build_page(article, review=True))),
    ]
