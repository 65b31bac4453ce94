"""Over-long input (issue 18, case 8): refused up front naming the limit, or worked on in linear time.

A 1 MB segment, PO msgstr, glossary term, XLIFF target, TMX segment or CSV cell is refused in
one line with exit 2 and nothing written; an oversized file is refused before it is opened.
Linearity is asserted by counting work, never by timing: how often a per-text computation
runs, and how many characters are copied out of an instrumented text.
"""

from __future__ import annotations

import builtins
import hashlib
import io
import os
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests_helpers import pseudo_project, write

from pipeline import checks, fileio, lint, marks, po, pre_edit, segment
from pipeline.cli import main
from pipeline.memory import tmx
from pipeline.model import (
    MAX_SEGMENT_CHARS,
    MAX_TERM_CHARS,
    MAX_TRANSLATION_CHARS,
    InputError,
    Locale,
)
from pipeline.tbx import MAX_GLOSSARY_BYTES

REPO = Path(__file__).resolve().parent.parent
MEGABYTE = 1024 * 1024
STORY = "Mexico rejects intervention\n\nThe president spoke on Tuesday. She said the plan was firm.\n"
PO_PATH = Path("locales/es/LC_MESSAGES/story.po")
FOLDERS = ("articles", "locales", "glossary", "dist", "tm")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A small project built once with the pseudo engine: catalogs, records and pages to keep intact."""
    project = pseudo_project(tmp_path_factory.mktemp("limits") / "project", STORY, ("es",))
    result = CliRunner().invoke(main, ["xliff", "export", "--project", str(project)])
    assert result.exit_code == 0, result.output
    return project


@pytest.fixture
def project(built: Path, tmp_path: Path, monkeypatch) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(built, copy)
    monkeypatch.chdir(copy)
    return copy


REAL_OPEN = io.open  # the snapshot reads even the files a test forbids newsloc to open


def digest(path: Path) -> str:
    with REAL_OPEN(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def snapshot(project: Path) -> dict[str, str]:
    return {
        str(path.relative_to(project)): digest(path)
        for folder in FOLDERS
        for path in sorted((project / folder).rglob("*"))
        if path.is_file() and not path.name.endswith(".lock")
    }


def refused(project: Path, args: tuple[str, ...], before: dict[str, str]) -> str:
    """Run the command; it must stop with exit 2, one line, no traceback, and leave every project file as it was."""
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("newsloc: "), result.stderr
    assert snapshot(project) == before
    return lines[0]


# ---------------------------------------------------------------- refused up front, limit named


def test_a_one_megabyte_segment_is_refused_with_its_line_and_the_limit(project: Path):
    write(project / "articles" / "long.txt", "Title\n\n" + "word " * (MEGABYTE // 5) + ".\n")
    before = snapshot(project)
    line = refused(project, ("build",), before)
    assert f"articles/long.txt:3: segment of {MEGABYTE:,} characters" in line
    assert f"over the limit of {MAX_SEGMENT_CHARS:,}; split it" in line


def test_a_segment_at_the_limit_is_built(project: Path):
    sentence = ("word " * (MAX_SEGMENT_CHARS // 5))[: MAX_SEGMENT_CHARS - 1].rstrip() + "."
    write(project / "articles" / "long.txt", "Title\n\n" + sentence + "\n")
    result = CliRunner().invoke(main, ["build", "articles/long.txt", "--jobs", "1"])
    assert result.exit_code == 0, result.output


def test_a_one_megabyte_msgstr_is_refused_where_it_crosses_the_limit(project: Path):
    text = (project / PO_PATH).read_text(encoding="utf-8")
    at = text.index('msgstr "', text.index('msgctxt "paragraph"'))
    end = text.index("\n\n", at)
    long_msgstr = 'msgstr ""\n' + ('"' + "a" * 76 + '"\n') * (MEGABYTE // 76)
    write(project / PO_PATH, text[:at] + long_msgstr.rstrip("\n") + text[end:])
    line_of_crossing = text[:at].count("\n") + 2 + MAX_TRANSLATION_CHARS // 76
    before = snapshot(project)
    line = refused(project, ("build",), before)
    assert f"{PO_PATH}:{line_of_crossing}: msgstr is longer than the limit of {MAX_TRANSLATION_CHARS:,}" in line


def test_a_one_megabyte_glossary_term_is_refused(project: Path):
    tbx = project / "glossary" / "newsloc.tbx"
    text = tbx.read_text(encoding="utf-8")
    start = text.index("<term>") + len("<term>")
    write(tbx, text[:start] + "x" * MEGABYTE + text[text.index("</term>", start) :])
    before = snapshot(project)
    line = refused(project, ("build",), before)
    assert f"term of {MEGABYTE:,} characters is over the limit of {MAX_TERM_CHARS:,}; shorten it" in line
    assert "glossary/newsloc.tbx:" in line


def test_a_one_megabyte_xliff_target_is_refused_and_nothing_imported(project: Path):
    xlf = project / "locales" / "es" / "story.xlf"
    text = xlf.read_text(encoding="utf-8")
    start = text.index(">", text.index("<target")) + 1
    write(xlf, text[:start] + "b" * MEGABYTE + text[text.index("</target>", start) :])
    before = snapshot(project)
    line = refused(project, ("xliff", "import", str(xlf.relative_to(project))), before)
    assert f"<target> of {MEGABYTE:,} characters is over the limit of {MAX_TRANSLATION_CHARS:,}" in line


def test_a_one_megabyte_tmx_segment_is_refused(project: Path):
    long_tmx = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="en"/><body>\n'
        '<tu><tuv xml:lang="en"><seg>The plan.</seg></tuv>\n'
        f'<tuv xml:lang="es"><seg>{"c" * MEGABYTE}</seg></tuv></tu>\n</body></tmx>\n'
    )
    write(project / "long.tmx", long_tmx)
    before = snapshot(project)
    line = refused(project, ("tm", "import", "long.tmx"), before)
    assert f"long.tmx:4: <seg> of {MEGABYTE:,} characters is over the limit" in line


def test_a_csv_term_over_the_limit_is_refused(project: Path):
    write(project / "terms.csv", f"en,es\n{'y' * (MAX_TERM_CHARS + 1)},algo\n")
    before = snapshot(project)
    line = refused(project, ("glossary", "import", "terms.csv"), before)
    assert f"terms.csv:2: column “en”: term of {MAX_TERM_CHARS + 1:,} characters is over the limit" in line


# ---------------------------------------------------------------- the size limit before reading


@pytest.fixture
def never_opened(monkeypatch) -> Callable[[Path], Path]:
    """Mark files that must be refused by their size alone: opening one fails the test."""
    guarded: set[str] = set()
    real_open, real_io_open = builtins.open, io.open

    def guard(opener):
        def guarded_open(file, *args, **kwargs):
            # The build's ledger streams project files through a hash (64 kB at a time, none over 100 MB):
            # that is no reading of the file's content into memory, which is what the limits prevent.
            hashing = sys._getframe(1).f_code.co_filename.endswith(f"pipeline{os.sep}ledger.py")
            if isinstance(file, str | os.PathLike) and os.path.realpath(file) in guarded and not hashing:
                pytest.fail(f"opened {file}, which is over its size limit")
            return opener(file, *args, **kwargs)

        return guarded_open

    monkeypatch.setattr(builtins, "open", guard(real_open))
    monkeypatch.setattr(io, "open", guard(real_io_open))

    def sparse(path: Path, size: int) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        with real_open(path, "wb") as file:
            file.truncate(size)  # takes no disk: only a size check before reading is fast
        guarded.add(os.path.realpath(path))
        return path

    return sparse


def test_read_limited_refuses_before_opening(tmp_path: Path, never_opened):
    big = never_opened(tmp_path / "big.po", 1024 + 1)
    with pytest.raises(InputError, match="larger than"):
        fileio.read_limited(big, 1024, "catalog")


@pytest.mark.parametrize("name", ["huge.txt", "huge.md", "huge.html"])
def test_an_oversized_article_is_refused_unread(project: Path, never_opened, name: str):
    never_opened(project / "articles" / name, fileio.MAX_ARTICLE_BYTES + 1)
    before = snapshot(project)
    assert "article is larger than 5 MB" in refused(project, ("build",), before)


def test_an_oversized_catalog_is_refused_unread(project: Path, never_opened):
    (project / PO_PATH).unlink()
    never_opened(project / PO_PATH, fileio.MAX_CATALOG_BYTES + 1)
    before = snapshot(project)
    assert "catalog is larger than 50 MB" in refused(project, ("build",), before)


def test_oversized_machine_records_are_refused_unread(project: Path, never_opened):
    records = next((project / "locales" / "es" / "LC_MESSAGES").glob("*.machine.json"))
    records.unlink()
    never_opened(records, fileio.MAX_CATALOG_BYTES + 1)
    before = snapshot(project)
    assert "machine records file is larger than 50 MB" in refused(project, ("build",), before)


def test_an_oversized_glossary_is_refused_unread(project: Path, never_opened):
    (project / "glossary" / "newsloc.tbx").unlink()
    never_opened(project / "glossary" / "newsloc.tbx", MAX_GLOSSARY_BYTES + 1)
    before = snapshot(project)
    assert "glossary is larger than 20 MB" in refused(project, ("build",), before)


@pytest.mark.parametrize(
    ("name", "args", "limit", "message"),
    [
        ("big.xlf", ("xliff", "import", "big.xlf"), 50 * MEGABYTE, "XLIFF file is larger than 50 MB"),
        ("big.tmx", ("tm", "import", "big.tmx"), tmx.MAX_TMX_BYTES, "TMX file is larger than 100 MB"),
        ("big.csv", ("glossary", "import", "big.csv"), MAX_GLOSSARY_BYTES, "CSV file is larger than 20 MB"),
    ],
)
def test_oversized_exchange_files_are_refused_unread(project: Path, never_opened, name, args, limit, message):
    never_opened(project / name, limit + 1)
    before = snapshot(project)
    assert message in refused(project, args, before)


def test_an_oversized_manifest_is_not_read_but_rebuilt(project: Path, never_opened):
    manifest = project / "dist" / "manifest.json"
    manifest.unlink()
    never_opened(manifest, 50 * MEGABYTE + 1)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0, result.output


# ---------------------------------------------------------------- linear: work counted, not timed


class Counted(str):
    """A text that counts the characters sliced out of it: re-slicing from the start per match is quadratic."""

    copied = 0

    def __getitem__(self, key):  # type: ignore[override]
        piece = str.__getitem__(self, key)
        Counted.copied += len(piece)
        return piece


def copied_from(function: Callable[[str], object], text: str) -> int:
    Counted.copied = 0
    function(Counted(text))
    return Counted.copied


LINE = " ".join(
    [
        "The U.S. said so.",
        "Mexico‘s plan,agreed.",
        "It moved.These routes.",
        "“Why?” she asked.",
        "Sen. Smith met the <1>press</1> on 1.5 million.",
        "lower start here.",
    ]
    * 400
)


@pytest.mark.parametrize(
    "function",
    [
        segment.split_sentences,
        lambda text: lint.parse_line(1, text),
        lint.mechanical_fixes,
        lint.engine_fixes,
        lambda text: lint._missing_spaces(lint.parse_line(1, text)),
        lambda text: lint._quote_characters(lint.parse_line(1, text)),
        lambda text: pre_edit.pre_edit(text, lint.lint_text(str(text), "a.txt")),
    ],
    ids=["segmenter", "lint parse_line", "mechanical fixes", "engine fixes", "missing-space", "quote-character",
         "pre_edit"],
)  # fmt: skip
def test_stages_copy_each_character_a_bounded_number_of_times(function):
    lint._space_offsets.cache_clear()
    assert copied_from(function, LINE) <= 4 * len(LINE)  # the old code copied ~len² / 2: 100× more here


def test_the_segmenter_reads_the_codes_once_per_text(monkeypatch):
    calls = []
    real = segment.parse_codes
    monkeypatch.setattr(segment, "parse_codes", lambda text: calls.append(len(text)) or real(text))
    sentences = segment.split_sentences(LINE)
    assert len(sentences) > 1000 and calls == [len(LINE)]


def test_engine_marks_find_every_word_in_one_pass(monkeypatch):
    calls = []
    real = checks.first_spans
    monkeypatch.setattr(checks, "first_spans", lambda text, longest: calls.append(1) or real(text, longest))
    target = " ".join(f"*palabra{i % 50:02d}x y" for i in range(2000))
    kinds = tuple(kind for kind in __import__("pipeline.engines.apertium").engines.apertium.MARKS)
    found = checks.check_translation("the words", target, Locale("es"), marks=kinds, spell=False)
    # once per kind of mark (unknown, generation, transfer), not once per marked word
    assert len(calls) == len(kinds) and sum(flag.code == "unknown-word" for flag in found) == 50


# ---------------------------------------------------------------- the same answers as the quadratic code


def _reference_token_at(text: str, offset: int) -> str:
    before = len(re.split(r"\s", text[:offset])[-1])
    end = re.search(r"\s|$", text[offset:])
    assert end is not None
    return text[offset - before : offset + end.start()]


@pytest.mark.parametrize("text", ["", "a", " a b ", "U.S.Department of\tState\u00a0x\n", LINE[:300]])
def test_token_at_finds_what_splitting_the_prefix_found(text: str):
    lint._space_offsets.cache_clear()
    for offset in range(len(text) + 1):
        assert lint.token_at(text, offset) == _reference_token_at(text, offset)
        assert lint.token_before(text, offset) == re.split(r"\s", text[:offset])[-1]


def test_first_spans_finds_what_a_search_per_word_found():
    text = "l’État y el *thier, thier-like; ab ab’s abc ‘x’ x-y-z x-y"
    words = ["thier", "ab", "ab’s", "x", "x-y", "x-y-z", "l’État", "abc", "nope", "y"]
    where = marks.first_spans(text, max(map(len, words)))
    for word in words:
        found = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)
        assert where.get(word) == (found.span() if found else None), word


@pytest.mark.parametrize(
    ("source", "target", "missing", "extra"),
    [
        ("1,500 and 2 and 2", "1.500 y 2", ["2"], []),
        ("in the 19th century, 19 times", "en el siglo XIX, 19 veces", [], []),
        ("3 and 4", "4 y 3 y 5 y 3", [], ["5", "3"]),
        ("1.5 billion", "1500 millones", [], []),
    ],
)
def test_numbers_pair_in_order_as_before(source: str, target: str, missing: list[str], extra: list[str]):
    found = checks._numbers(checks.Pair(source, target, Locale("es")))
    messages = [finding.word for finding in found]
    assert messages == missing + extra


def test_urls_pair_first_occurrences_as_before():
    source = "see https://a.example/x and https://a.example/x and https://b.example/y"
    target = "ver https://a.example/x y https://c.example/z y https://a.example/x y https://a.example/x"
    found = [
        (finding.message.split()[0], finding.word)
        for finding in checks._urls(checks.Pair(source, target, Locale("es")))
    ]
    assert found == [("URL", "https://b.example/y"), ("URL", "https://c.example/z"), ("URL", "https://a.example/x")]


def test_end_punctuation_reads_only_the_end_of_a_long_text():
    assert checks._final_mark("word " * 10_000 + "the U.S.") == "abbreviation"
    assert checks._final_mark("word " * 10_000 + "end.” ) </1>  ") == "."
    assert checks._final_mark("word." + " " * 5000) == "."  # a run of closers longer than the window


def test_po_strings_over_the_limit_are_refused_at_the_crossing_line():
    text = 'msgid "a"\nmsgstr ""\n' + ('"' + "x" * 1000 + '"\n') * (MAX_TRANSLATION_CHARS // 1000 + 5)
    with pytest.raises(InputError, match=r"story.po:\d+: msgstr is longer than the limit") as error:
        po.parse(text, "story.po")
    assert error.value.line == 2 + MAX_TRANSLATION_CHARS // 1000 + 1


def test_the_ledger_fingerprints_a_file_too_large_to_be_an_input_by_its_size(tmp_path: Path, monkeypatch):
    from pipeline import ledger

    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as file:
        file.truncate(3 * 1024**3)  # 3 GB that take no disk
    monkeypatch.setattr(builtins, "open", lambda *args, **kwargs: pytest.fail("the ledger read a 3 GB file"))
    assert ledger._content(huge) == f"size {3 * 1024**3}"


def test_a_sentence_opening_is_read_from_just_before_the_word_as_from_the_whole_text():
    import random

    rng = random.Random(3)
    pieces = ["a", "B", " ", ".", "?", "”", "“", ":", "\u00a0", "Word", "x.", "  ", "(", "¿", "\n"]
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 60)))
        text += " " * rng.choice((0, 0, pre_edit.OPENING_WINDOW + 5)) + "".join(rng.choice(pieces) for _ in range(9))
        for start in range(len(text) + 1):
            assert pre_edit._opens_sentence(text, start) == bool(pre_edit.SENTENCE_OPENING.search(text[:start]))
