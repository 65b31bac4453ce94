"""An article read, segmented, linted and templated: everything that does not depend on a locale."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog

from pipeline import catalog as catalogs
from pipeline import review
from pipeline.config import Config
from pipeline.glossary import Glossary
from pipeline.model import Document, Flag, Segment
from pipeline.project import relative
from pipeline.readers import prose_view, read_document
from pipeline.segment import segment_document


@dataclass(frozen=True)
class SourceArticle:
    """One article read and analysed, before any locale."""

    path: Path
    text: str
    document: Document
    segments: tuple[Segment, ...]
    source_flags: dict[str, tuple[Flag, ...]]  # by segment key
    template: Catalog


def analyse(config: Config, path: Path, glossary: Glossary | None = None, cache=None) -> SourceArticle:
    """Read, segment, lint (``cache``: a pipeline.cache.ResultCache to reuse lint results) and template."""
    text, document = read_document(path, relative(config, path))
    segments = segment_document(document)
    segments, source_flags = review.source_review(prose_view(text, path), document, segments, glossary, cache)
    template = catalogs.build_template(document, segments)
    return SourceArticle(path, text, document, tuple(segments), source_flags, template)
