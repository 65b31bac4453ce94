"""What the editor does to a catalog: one entry's text, state or silenced flag, saved like every write.

A save is refused when the PO changed on disk since the page was loaded (a translator
saved in Poedit meanwhile): the page carries the catalog's ``version`` (a hash of its
text) and the save compares it under the catalog lock, and once more just before the
atomic replace. Nothing here knows about HTTP.
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from pipeline import catalog as catalogs
from pipeline import records, review
from pipeline.checks import silence_comment, silenced_codes
from pipeline.config import Config
from pipeline.engines import known_marks
from pipeline.fileio import FileChanged, locked
from pipeline.glossary import Glossary
from pipeline.memory.leverage import LocaleMatches
from pipeline.model import MAX_TRANSLATION_CHARS, EntryState, InputError, Locale, LocalizedArticle, NewslocError
from pipeline.project import (
    catalog_path,
    find_articles,
    load_catalog,
    load_glossary,
    read_catalog_text,
    relative,
    write_catalog,
)
from pipeline.readers import slug_for
from pipeline.source import SourceArticle, analyse

MAX_TEXT = MAX_TRANSLATION_CHARS  # what a catalog entry may hold, so the editor accepts what the PO does
MAX_REASON = 300
FLAG_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # tab and newline are text; the rest cannot be stored


def version_of(text: str | None) -> str:
    """The catalog's version as the page carries it: a hash of its text ("none" before the first build)."""
    return "none" if text is None else hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Silence:
    code: str
    reason: str


@dataclass(frozen=True)
class Edit:
    """One change to one entry, named by its msgctxt and msgid; None keeps what is there."""

    context: str
    msgid: str
    text: str | None = None
    reviewed: bool | None = None  # True: reviewed; False: back to draft
    silence: Silence | None = None


@dataclass(frozen=True)
class EntryOnDisk:
    text: str
    state: EntryState


class EditConflict(NewslocError):
    """The catalog changed on disk since the page was loaded; ``current`` is the entry as it is now."""

    def __init__(self, message: str, path: str, current: EntryOnDisk | None):
        super().__init__(message, path)
        self.current = current


@dataclass(frozen=True)
class ArticleState:
    """One article in one locale as the editor shows it, and the catalog version it was read from."""

    source: SourceArticle
    article: LocalizedArticle
    catalog_path: Path
    version: str


class Workspace:
    """A project's articles and catalogs for the editor; analysed sources are kept while their files are unchanged.

    One lock serialises loads and saves in this process (the spelling dictionaries are not
    thread-safe); the catalog lock keeps other newsloc runs out.
    """

    def __init__(self, config: Config, locales: tuple[Locale, ...]):
        self.config = config
        self.locales = locales
        self._lock = threading.Lock()
        self._sources: dict[Path, tuple[tuple[int, int, int], SourceArticle]] = {}
        self._glossary_stamp: tuple[int, int] | None = None
        self._glossary: Glossary | None = None
        # The last state shown, per article and locale, with what it was computed from.
        self._states: dict[tuple[str, str], tuple[SourceArticle, tuple[str, int | None], ArticleState]] = {}

    # ------------------------------------------------------------ reading

    def articles(self) -> dict[str, Path]:
        """Slug → article file, as the build finds them (the URL never names a path)."""
        return {slug_for(path): path for path in find_articles(self.config, [])}

    def locale(self, tag: str) -> Locale:
        for locale in self.locales:
            if locale.tag.lower() == tag.lower():
                return locale
        raise InputError(f"locale '{tag}' is not served; serve it with --lang {tag}")

    def load(self, slug: str, locale: Locale) -> ArticleState:
        with self._lock:
            return self._load(slug, locale)

    def _load(self, slug: str, locale: Locale) -> ArticleState:
        source = self._source(slug)
        path = catalog_path(self.config, slug, locale)
        text = read_catalog_text(path)
        if text is None:
            raise InputError(
                f"no catalog yet; run newsloc build --lang {locale.tag} first", relative(self.config, path)
            )
        records_file = records.records_path(path)
        records_stamp = records_file.stat().st_mtime_ns if records_file.exists() else None
        key = (slug, locale.tag)
        cached = self._states.get(key)
        if cached is not None and cached[0] is source and cached[1] == (version_of(text), records_stamp):
            return cached[2]  # same article, glossary, catalog and records: the same page (a save's reload asks)
        existing = load_catalog(path, text)
        merged = catalogs.merge(source.template, existing, locale).catalog
        memory = self._memory([s.text for s in source.segments], locale, {path: existing})
        views = review.annotate(
            merged, source.segments, source.source_flags, locale, self._current_glossary(), known_marks(), memory=memory
        )
        article = LocalizedArticle(source.document, locale, tuple(views))
        state = ArticleState(source, article, path, version_of(text))
        self._states[key] = (source, (version_of(text), records_stamp), state)
        return state

    def _memory(self, texts: list[str], locale: Locale, parsed: dict[Path, Catalog]) -> LocaleMatches:
        """What the project's translation memory holds for these texts (suggestions, conflicts), as the build sees it."""
        from pipeline.memory import leverage, store

        index = store.open_memory(self.config, preloaded=parsed)
        try:
            return leverage.lookup(index, texts, locale)
        finally:
            index.close()

    def _source(self, slug: str) -> SourceArticle:
        path = self.articles().get(slug)
        if path is None:
            raise InputError(f"no article '{slug}' in {self.config.articles}/")
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        glossary = self._current_glossary()
        cached = self._sources.get(path)
        if cached is None or cached[0] != stamp:
            cached = (stamp, analyse(self.config, path, glossary))
            self._sources[path] = cached
        return cached[1]

    def _current_glossary(self) -> Glossary | None:
        path = self.config.resolve(self.config.glossary)
        stamp = (path.stat().st_mtime_ns, path.stat().st_size) if path.exists() else None
        if stamp != self._glossary_stamp:
            self._glossary = load_glossary(self.config)
            self._glossary_stamp = stamp
            self._sources.clear()  # source flags depend on the glossary
        return self._glossary

    # ------------------------------------------------------------ saving

    def save(self, slug: str, locale: Locale, edit: Edit, expected_version: str) -> ArticleState:
        """Apply ``edit`` to its entry and write the catalog, unless it changed since ``expected_version``."""
        validate(edit)
        with self._lock:
            source = self._source(slug)
            segment = next((s for s in source.segments if s.text == edit.msgid and s.key == edit.context), None)
            if segment is None:
                raise InputError("this segment is no longer in the article; reload the page", source.document.path)
            path = catalog_path(self.config, slug, locale)
            shown = relative(self.config, path)
            with locked(path):
                text = read_catalog_text(path)
                catalog = load_catalog(path, text) if text is not None else None
                message = catalog.get(edit.msgid, context=edit.context) if catalog is not None else None
                if version_of(text) != expected_version:
                    raise conflict(shown, message)
                if catalog is None or message is None:
                    raise InputError(
                        f"this segment is not in the catalog yet; run newsloc build --lang {locale.tag}", shown
                    )
                apply(message, edit)
                memory = self._memory([segment.text], locale, {path: catalog})
                review.annotate(
                    catalog,
                    [segment],
                    source.source_flags,
                    locale,
                    self._current_glossary(),
                    known_marks(),
                    memory=memory,
                )
                # Poedit takes no lock of ours: the replace happens only if the file still holds the text
                # this edit was applied to (write_atomic's unchanged_since, checked just before the rename).
                if read_catalog_text(path) != text:
                    raise conflict(shown, self._entry_now(path, edit))
                try:
                    write_catalog(path, catalog, text)
                except FileChanged:
                    raise conflict(shown, self._entry_now(path, edit)) from None
            return self._load(slug, locale)

    @staticmethod
    def _entry_now(path: Path, edit: Edit) -> Message | None:
        """The edited entry as the file on disk has it now (after another tool's save)."""
        try:
            text = read_catalog_text(path)
            catalog = load_catalog(path, text) if text is not None else None
        except NewslocError:  # the other tool left something we cannot read: no entry to show
            return None
        return catalog.get(edit.msgid, context=edit.context) if catalog is not None else None


def conflict(shown: str, message: Message | None) -> EditConflict:
    current = EntryOnDisk(str(message.string or ""), catalogs.entry_state(message)) if message is not None else None
    return EditConflict(
        "the catalog changed on disk since this page was loaded (another tool saved it); "
        "your edit was not saved: reload the page to see the current text",
        shown,
        current,
    )


def validate(edit: Edit) -> None:
    """Refuse an edit that cannot be stored as PO text, before anything is read or written."""
    if edit.text is not None:
        if len(edit.text) > MAX_TEXT:
            raise InputError(f"the translation is longer than {MAX_TEXT} characters; shorten it")
        if CONTROL.search(edit.text.replace("\r\n", "\n")):
            raise InputError("the translation contains control characters; remove them")
    if edit.silence is not None:
        if not FLAG_CODE.fullmatch(edit.silence.code):
            raise InputError("a flag code is lowercase letters, digits and '-' (such as target-spelling)")
        reason = edit.silence.reason.strip()
        if not reason or len(reason) > MAX_REASON or "\n" in reason or CONTROL.search(reason):
            raise InputError(f"give a reason for silencing the flag: one line, at most {MAX_REASON} characters")


def apply(message: Message, edit: Edit) -> None:
    """Change one entry as the edit says: text, reviewed or draft (fuzzy), a silencing comment."""
    if edit.text is not None:
        message.string = edit.text.replace("\r\n", "\n")
    if edit.reviewed is True:
        if not message.string:
            raise InputError("an empty translation cannot be marked reviewed; write the text first")
        message.flags.discard("fuzzy")
        message.previous_id = []  # the change it pointed at has been reviewed
    elif edit.reviewed is False and message.string:
        message.flags.add("fuzzy")
    if not message.string:
        message.flags.discard("fuzzy")  # nothing to review: untranslated
    if edit.silence is not None and edit.silence.code not in silenced_codes(list(message.user_comments)):
        message.user_comments = [
            *message.user_comments,
            silence_comment(edit.silence.code, edit.silence.reason.strip()),
        ]
