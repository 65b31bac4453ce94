"""Review flags as rows, for `newsloc lint` and `newsloc check` (nothing is translated or written)."""

from __future__ import annotations

import codecs
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from pipeline import catalog as catalogs
from pipeline import lint
from pipeline.config import Config
from pipeline.engines import known_marks
from pipeline.fileio import MAX_ARTICLE_BYTES, decode_article, read_article_text, read_limited, write_atomic
from pipeline.model import Flag, InputError, Locale, Severity
from pipeline.project import catalog_path, find_articles, load_glossary, read_catalog, relative
from pipeline.readers import prose_view, read_document
from pipeline.review import annotate
from pipeline.source import analyse


@dataclass(frozen=True)
class FlagRow:
    """One flag of one entry; ``msgctxt`` + ``msgid`` name the entry, as in the PO file."""

    article: str
    locale: str  # "en" for source flags
    msgctxt: str
    line: int
    code: str
    severity: str
    message: str
    msgid: str = ""  # the English source of the entry ("" for a lint row of the whole file)
    target: str = ""  # the translation the flag was raised on ("" for source flags and untranslated entries)
    word: str = ""  # the word or term the flag is about, when there is one

    def as_dict(self) -> dict:
        return asdict(self)

    def format(self) -> str:
        return f"{self.article}:{self.line}: [{self.locale}] {self.severity} {self.code}: {self.message}"


def lint_article(path: Path, display_path: str | None = None) -> list[Flag]:
    """Every problem in the English copy of one article, in line order."""
    text, document = read_document(path, display_path)
    flags = [*lint.lint_text(prose_view(text, path), document.path), *lint.toc_mismatches(document)]
    return sorted(flags, key=lambda flag: (flag.line or 0, flag.span or (0, 0)))


def fix_article_file(path: Path) -> int:
    """Apply the unambiguous fixes to the article file itself; the number of lines changed."""
    text = read_article_text(path)
    fixed = lint.fix_article(text, prose_view(text, path))
    changed = sum(a != b for a, b in zip(text.split("\n"), fixed.split("\n")))
    if fixed != text:
        data = read_limited(path, MAX_ARTICLE_BYTES, "article")
        write_atomic(path, same_layout(data, decode_article(data, path), fixed))
    return changed


def same_layout(data: bytes, as_written: str, fixed: str) -> bytes:
    """``fixed`` (\\n line ends) written back as the file was: its line ends (CRLF, CR), BOM and encoding,
    so a fix touches only the lines it fixes."""
    endings = re.findall(r"\r\n|\r|\n", as_written)
    lines = fixed.split("\n")
    body = "".join(line + (endings[i] if i < len(endings) else "") for i, line in enumerate(lines[:-1])) + lines[-1]
    if len(lines) - 1 != len(endings):  # the fix changed the line count: keep the file's main line end
        main = max(set(endings), key=endings.count) if endings else "\n"
        body = fixed.replace("\n", main)
    if data.startswith(codecs.BOM_UTF16_LE):
        return codecs.BOM_UTF16_LE + body.encode("utf-16-le")
    if data.startswith(codecs.BOM_UTF16_BE):
        return codecs.BOM_UTF16_BE + body.encode("utf-16-be")
    bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
    body = body.removeprefix("\ufeff")
    return bom + body.encode("utf-8")


def check_rows(config: Config, article_names: Sequence[str], locales: Sequence[Locale]) -> list[FlagRow]:
    """Every flag of every segment, recomputed from the article and the current catalogs."""
    glossary = load_glossary(config)
    rows: list[FlagRow] = []
    for path in find_articles(config, article_names):
        source = analyse(config, path, glossary)
        for locale in locales:
            po = catalog_path(config, source.document.slug, locale)
            existing = read_catalog(po)
            if existing is None:
                raise InputError(f"no catalog yet; run newsloc build --lang {locale.tag} first", relative(config, po))
            merged = catalogs.merge(source.template, existing, locale).catalog
            for view in annotate(merged, source.segments, source.source_flags, locale, glossary, known_marks()):
                for flag in view.flags:
                    rows.append(
                        FlagRow(
                            source.document.path,
                            "en" if flag.source else locale.tag,
                            view.segment.key,
                            view.segment.line,
                            flag.code,
                            flag.severity.value,
                            flag.message,
                            msgid=view.segment.text,
                            target=view.target,
                            word=flag.word,
                        )
                    )
    return rows


def has_errors(rows: Sequence[FlagRow]) -> bool:
    return any(row.severity == Severity.ERROR.value for row in rows)
