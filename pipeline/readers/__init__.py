"""Read an article file into a Document, choosing the reader by file type."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.fileio import read_article_text
from pipeline.model import Block, BlockKind, Document, InputError

SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
RESERVED_SLUGS = {"index", "feed", "manifest"}
SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


def slug_for(path: Path) -> str:
    """The slug is the file name without its suffix; it must be safe as a file and URL name."""
    slug = path.stem.lower()
    if not SLUG.fullmatch(slug) or ".." in slug:
        raise InputError(
            "article file name must be letters, digits, '-', '_' or '.' (it becomes the URL slug); rename the file",
            path,
        )
    if slug in RESERVED_SLUGS or slug.endswith(".review"):
        raise InputError(f"'{slug}' would collide with a file newsloc writes in dist/; rename the article", path)
    return slug


def parse_document(text: str, path: Path, display_path: str) -> Document:
    suffix = path.suffix.lower()
    slug = slug_for(path)
    if suffix == ".txt":
        from pipeline.readers.text import read_text

        document = read_text(text, display_path, slug)
    elif suffix in (".md", ".markdown"):
        from pipeline.readers.markdown import read_markdown

        document = read_markdown(text, display_path, slug)
    elif suffix in (".html", ".htm"):
        from pipeline.readers.html import read_html

        document = read_html(text, display_path, slug)
    else:
        raise InputError(f"unsupported article type '{suffix}'; use one of {', '.join(SUFFIXES)}", path)
    if not any(block.kind != BlockKind.CODE and block.text.strip() for block in document.blocks):
        raise InputError("article has no text to translate", path)
    return with_title_block(document)


def with_title_block(document: Document) -> Document:
    """Make a title that is not one of the headings a translatable block of its own."""
    kinds = {block.kind for block in document.blocks}
    headings = {block.text for block in document.blocks if block.kind == BlockKind.HEADING}
    if BlockKind.TITLE in kinds or not document.title or document.title in headings:
        return document
    title = Block(BlockKind.TITLE, document.title, line=document.blocks[0].line if document.blocks else 1)
    return Document(document.slug, document.path, (title, *document.blocks), document.source_lang, document.title)


def prose_view(text: str, path: Path) -> str:
    """The article text with its markup blanked (same length, same lines): what source lint reads."""
    suffix = path.suffix.lower()
    if suffix in (".md", ".markdown"):
        from pipeline.readers.markdown import prose_view as markdown_prose

        return markdown_prose(text)
    if suffix in (".html", ".htm"):
        from pipeline.readers.html import prose_view as html_prose

        return html_prose(text)
    return text


def read_document(path: Path, display_path: str | None = None) -> tuple[str, Document]:
    if path.is_dir():
        raise InputError("is a folder; name the article files in it (or name none to build every article)", path)
    if path.suffix.lower() not in SUFFIXES:
        raise InputError(f"unsupported article type '{path.suffix}'; use one of {', '.join(SUFFIXES)}", path)
    text = read_article_text(path)
    return text, parse_document(text, path, display_path or str(path))
