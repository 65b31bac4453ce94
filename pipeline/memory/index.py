"""The memory's SQLite index: a cache over the files that feed it, refreshed file by file.

Exact matches come from a plain index on (locale, source). Fuzzy candidates come from
one FTS5 word index per locale: the query's rarest words (document frequencies kept in
``terms``, a B-tree, because counting them in ``fts5vocab`` reads whole posting lists)
are looked up, units holding two of them become candidates, and rapidfuzz scores those.
Common words are left out on purpose: they match half the memory and say little about
similarity; leaving them out keeps a lookup fast at 100,000 units.

The database holds nothing that is not in a catalog or a TMX file. One that cannot be
opened, or was written by another schema version, is deleted and rebuilt.
"""

from __future__ import annotations

import contextlib
import itertools
import re
import sqlite3
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz

from pipeline.memory.units import Origin, Unit, locale_key

SCHEMA_VERSION = "2"
FUZZY_THRESHOLD = 75  # percent: what CAT tools show as a fuzzy match by default
RARE_WORDS = 4  # the query's rarest words; a candidate holds at least two of them
# A word in more than this share of the units (or this many, in a small memory) says nothing.
COMMON_SHARE, COMMON_FLOOR = 0.02, 50
RANKED_MATCHES = 2_000  # BM25 ranks the matches only up to this many (its cost is per match)
CANDIDATES = 300  # units rapidfuzz scores per lookup, at most
# Similarity ≥ 75 % (Indel ratio) needs the shorter text to be at least 60 % of the longer one.
LENGTH_SLACK = 0.6

SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files(path TEXT PRIMARY KEY, stamp TEXT NOT NULL);
CREATE TABLE units(
    id INTEGER PRIMARY KEY,
    file TEXT NOT NULL,
    locale TEXT NOT NULL,      -- locale_key(): 'pt-br'
    tag TEXT NOT NULL,         -- as the project writes it: 'pt-BR'
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    document TEXT NOT NULL,
    entry TEXT NOT NULL,
    length INTEGER NOT NULL
);
CREATE INDEX units_exact ON units(locale, source);
CREATE INDEX units_file ON units(file, locale);
-- One word index per locale (words_<number>), so a lookup never wades through other locales.
CREATE TABLE locales(key TEXT PRIMARY KEY, number INTEGER NOT NULL UNIQUE);
CREATE TABLE terms(number INTEGER NOT NULL, term TEXT NOT NULL, df INTEGER NOT NULL,
                   PRIMARY KEY (number, term)) WITHOUT ROWID;
"""
WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Match:
    score: int  # percent, 0–100
    unit: Unit


@dataclass(frozen=True)
class Counts:
    files: int
    units: int
    by_locale: tuple[tuple[str, int], ...]  # (tag, units)
    catalog_units: int
    tmx_units: int


def comparable(text: str) -> str:
    """What the scorer compares: case and runs of spaces do not make two sentences different."""
    return " ".join(text.casefold().split())


def query_words(text: str) -> list[str]:
    """The text's words as unicode61 (remove_diacritics 2) tokenizes them: folded, no accents."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in folded if not unicodedata.combining(char))
    return list(dict.fromkeys(WORD.findall(plain)))  # distinct: a document frequency counts a word once


class MemoryIndex:
    """The SQLite cache; ``path=None`` keeps it in memory (tests, benches)."""

    def __init__(self, path: Path | None = None):
        self.path = path
        self.db = self._connect()
        self._sizes: dict[str, int] = {}

    def _connect(self) -> sqlite3.Connection:
        if self.path is None:
            return self._initialised(sqlite3.connect(":memory:"))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return self._initialised(sqlite3.connect(self.path, timeout=30))
        except sqlite3.DatabaseError:
            # Only a cache: a damaged or foreign file is rebuilt from the catalogs, not reported.
            self.path.unlink(missing_ok=True)
            return self._initialised(sqlite3.connect(self.path, timeout=30))

    def _initialised(self, db: sqlite3.Connection) -> sqlite3.Connection:
        db.execute("PRAGMA journal_mode=WAL" if self.path else "PRAGMA journal_mode=MEMORY")
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        version = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone() if "meta" in tables else None
        if version != (SCHEMA_VERSION,):
            with db:
                names = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
                for name in names:
                    if not name.startswith("sqlite_") and "_" not in name.removeprefix("words_"):
                        db.execute(f'DROP TABLE IF EXISTS "{name}"')
                db.executescript(SCHEMA)
                db.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        return db

    def _words_table(self, locale: str, create: bool = False) -> str | None:
        """The word index of a locale (``words_<n>``), made on first use when ``create``."""
        row = self.db.execute("SELECT number FROM locales WHERE key = ?", (locale,)).fetchone()
        if row is None:
            if not create:
                return None
            number = self.db.execute("SELECT COALESCE(MAX(number), 0) + 1 FROM locales").fetchone()[0]
            self.db.execute("INSERT INTO locales VALUES (?, ?)", (locale, number))
            self.db.execute(
                f"CREATE VIRTUAL TABLE words_{number} USING fts5(source, content='units', content_rowid='id', "
                "tokenize='unicode61 remove_diacritics 2')"
            )
            return f"words_{number}"
        return f"words_{row[0]}"

    def close(self) -> None:
        self.db.close()

    # ------------------------------------------------------------ refresh

    def stamps(self) -> dict[str, str]:
        """Each indexed file and the stamp (size, mtime) it had when it was read."""
        return dict(self.db.execute("SELECT path, stamp FROM files"))

    def replace_files(self, changed: Iterable[tuple[str, str, Sequence[Unit]]], removed: Iterable[str] = ()) -> None:
        """Swap in the units of changed files and forget removed ones, in one transaction."""
        self._sizes.clear()
        with self.db:
            for path in removed:
                self._forget(path)
                self.db.execute("DELETE FROM files WHERE path = ?", (path,))
            for path, stamp, units in changed:
                self._forget(path)
                self._add(path, units)
                self.db.execute("INSERT OR REPLACE INTO files VALUES (?, ?)", (path, stamp))

    def _terms(self, table: str, sources: Iterable[str], sign: int) -> None:
        frequencies = Counter(word for source in sources for word in query_words(source))
        number = int(table.removeprefix("words_"))
        self.db.executemany(
            "INSERT INTO terms VALUES (?, ?, ?) ON CONFLICT (number, term) DO UPDATE SET df = df + excluded.df",
            ((number, term, sign * count) for term, count in frequencies.items()),
        )

    def _forget(self, path: str) -> None:
        for (locale,) in self.db.execute("SELECT DISTINCT locale FROM units WHERE file = ?", (path,)).fetchall():
            table = self._words_table(locale)
            query = "SELECT id, source FROM units WHERE file = ? AND locale = ?"
            rows = self.db.execute(query, (path, locale)).fetchall()
            if table:
                self.db.executemany(f"INSERT INTO {table}({table}, rowid, source) VALUES ('delete', ?, ?)", rows)
                self._terms(table, (source for _, source in rows), -1)
        self.db.execute("DELETE FROM units WHERE file = ?", (path,))

    def _add(self, path: str, units: Sequence[Unit]) -> None:
        self.db.executemany(
            "INSERT INTO units(file, locale, tag, source, target, document, entry, length) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    path,
                    locale_key(u.locale),
                    u.locale,
                    u.source,
                    u.target,
                    u.origin.document,
                    u.origin.entry,
                    len(comparable(u.source)),
                )
                for u in units
            ),
        )
        for locale in sorted({locale_key(u.locale) for u in units}):
            table = self._words_table(locale, create=True)
            assert table is not None
            self.db.execute(
                f"INSERT INTO {table}(rowid, source) SELECT id, source FROM units WHERE file = ? AND locale = ?",
                (path, locale),
            )
            self._terms(table, (u.source for u in units if locale_key(u.locale) == locale), +1)

    # ------------------------------------------------------------ lookup

    @staticmethod
    def _unit(row: tuple) -> Unit:
        tag, source, target, document, entry = row
        return Unit(source, target, tag, Origin(document, entry))

    def exact(self, source: str, locale: str) -> list[Unit]:
        """Every unit with this very English in this locale, ordered by origin."""
        rows = self.db.execute(
            "SELECT tag, source, target, document, entry FROM units WHERE locale = ? AND source = ? "
            "ORDER BY document, entry",
            (locale_key(locale), source),
        )
        return [self._unit(row) for row in rows]

    def _candidates(self, table: str, words: list[str]) -> list[int]:
        """Units holding at least two of the query's rarest words (three, when two match too many).

        A sentence at least 75 % similar keeps most of its rare words, so two of the four
        rarest survive an edit of a word or two. FTS5 answers "(a AND b) OR (a AND c) …" by merging
        posting lists in C; BM25 (which costs per matching unit) ranks the matches only when
        they are few enough, so that a query of common words cannot make a lookup slow.
        """
        if not words:
            return []
        marks = ",".join("?" * len(words))
        frequency = dict(
            self.db.execute(
                f"SELECT term, df FROM terms WHERE number = ? AND df > 0 AND term IN ({marks})",
                (int(table.removeprefix("words_")), *words),
            )
        )
        common = max(COMMON_FLOOR, int(self._size(table) * COMMON_SHARE))
        by_rarity = sorted(frequency, key=lambda w: (frequency[w], w))
        usable = [word for word in by_rarity if frequency[word] <= common]
        # A short sentence of everyday words has no rare ones: its three rarest have to do.
        rarest = [f'"{word}"' for word in (usable if len(usable) >= 3 else by_rarity[:3])[:RARE_WORDS]]
        if len(rarest) < 2:
            return (
                [
                    row[0]
                    for row in self.db.execute(
                        f"SELECT rowid FROM {table} WHERE {table} MATCH ? LIMIT ?", (rarest[0], CANDIDATES)
                    )
                ]
                if rarest
                else []
            )
        query = ""
        for size in (2, 3):
            groups = [" AND ".join(group) for group in itertools.combinations(rarest, size)]
            if not groups:
                break
            query = " OR ".join(f"({group})" for group in groups)
            matched = self.db.execute(f"SELECT count(*) FROM {table} WHERE {table} MATCH ?", (query,)).fetchone()[0]
            if matched <= RANKED_MATCHES:
                ranked = f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rank LIMIT ?"
                return [row[0] for row in self.db.execute(ranked, (query, CANDIDATES))]
        unranked = f"SELECT rowid FROM {table} WHERE {table} MATCH ? LIMIT ?"
        return [row[0] for row in self.db.execute(unranked, (query, CANDIDATES))]

    def size(self, locale: str) -> int:
        """How many units a locale has (every file's, duplicates included)."""
        table = self._words_table(locale_key(locale))
        return self._size(table) if table else 0

    def _size(self, table: str) -> int:
        """Units in a word index (cached until the index changes)."""
        if table not in self._sizes:
            self._sizes[table] = self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        return self._sizes[table]

    def fuzzy(self, source: str, locale: str, threshold: int = FUZZY_THRESHOLD, limit: int = 3) -> list[Match]:
        """The most similar units (score ≥ threshold, the exact source itself excluded), best first."""
        wanted = comparable(source)
        table = self._words_table(locale_key(locale))
        candidates = self._candidates(table, query_words(source)) if table and wanted else []
        if not candidates:
            return []
        marks = ",".join("?" * len(candidates))
        rows = self.db.execute(
            f"SELECT tag, source, target, document, entry FROM units WHERE id IN ({marks}) AND length BETWEEN ? AND ?",
            (*candidates, int(len(wanted) * LENGTH_SLACK), int(len(wanted) / LENGTH_SLACK) + 1),
        )
        matches: dict[tuple[str, str], Match] = {}
        for row in rows:
            unit = self._unit(row)
            if unit.source == source:
                continue
            score = int(fuzz.ratio(wanted, comparable(unit.source)))
            if score >= threshold and (unit.source, unit.target) not in matches:
                matches[(unit.source, unit.target)] = Match(min(score, 99), unit)
        ranked = sorted(matches.values(), key=lambda m: (-m.score, m.unit.origin, m.unit.target))
        return ranked[:limit]

    # ------------------------------------------------------------ whole memory

    def units(self) -> Iterator[Unit]:
        """Every unit once per (locale, source, target), catalogs' units first, in a stable order."""
        rows = self.db.execute(
            "SELECT tag, source, target, document, entry FROM units "
            "GROUP BY locale, source, target ORDER BY file LIKE '%.tmx', document, entry, locale, source"
        )
        for row in rows:
            yield self._unit(row)

    def known(self, units: Iterable[Unit]) -> set[tuple[str, str, str]]:
        """Which of these (locale, source, target) triples the memory already holds."""
        found = set()
        for unit in units:
            row = self.db.execute(
                "SELECT 1 FROM units WHERE locale = ? AND source = ? AND target = ? LIMIT 1",
                (locale_key(unit.locale), unit.source, unit.target),
            ).fetchone()
            if row:
                found.add((locale_key(unit.locale), unit.source, unit.target))
        return found

    def counts(self) -> Counts:
        distinct = "SELECT DISTINCT locale, tag, source, target, file LIKE '%.tmx' AS tmx FROM units"
        by_locale = self.db.execute(
            "SELECT MIN(tag), COUNT(*) FROM (SELECT DISTINCT locale, tag, source, target FROM units) "
            "GROUP BY locale ORDER BY locale"
        ).fetchall()
        catalog_units, tmx_units = self.db.execute(
            f"SELECT COALESCE(SUM(tmx = 0), 0), COALESCE(SUM(tmx), 0) FROM ({distinct})"
        ).fetchone()
        total = sum(count for _, count in by_locale)
        files = self.db.execute("SELECT COUNT(*) FROM files").fetchone()[0]
        return Counts(files, total, tuple(by_locale), catalog_units, tmx_units)


@contextlib.contextmanager
def opened(path: Path | None) -> Iterator[MemoryIndex]:
    index = MemoryIndex(path)
    try:
        yield index
    finally:
        index.close()
