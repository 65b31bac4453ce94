"""PO text: what we write is what GNU msgcat writes, and what we read we write back unchanged."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import po
from pipeline.model import InputError

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(shutil.which("msgcat") is None, reason="GNU gettext is not installed")


def msgcat(text: str, tmp_path: Path) -> str:
    path = tmp_path / "in.po"
    path.write_text(text, encoding="utf-8")
    return subprocess.run(["msgcat", str(path)], capture_output=True, text=True, check=True).stdout


COMMITTED = sorted(p for p in ROOT.glob("locales/**/*") if p.suffix in (".po", ".pot") and not p.name.startswith("."))


@pytest.mark.parametrize("path", COMMITTED, ids=lambda p: str(p.relative_to(ROOT)))
def test_committed_catalogs_are_written_as_msgcat_writes_them(path, tmp_path):
    text = path.read_text(encoding="utf-8")
    assert msgcat(text, tmp_path) == text
    assert po.render(po.parse(text, path)) == text


FOREIGN = """\
# Spanish translations.
#
msgid ""
msgstr ""
"Project-Id-Version: x 1\\n"
"PO-Revision-Date: 2026-01-02 10:00+0100\\n"
"Last-Translator: Ana <ana@example.org>\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"X-Generator: Poedit 3.4.2\\n"
"X-Poedit-SourceCharset: UTF-8\\n"

#  two spaces
#
#. extracted
#. extracted
#.
#: b.txt:1 a.txt:2
#, fuzzy, no-wrap, python-format, c-format
#| msgctxt "old"
#| msgid "older text"
msgctxt "x"
msgid "a %s b"
msgstr "c %s"

#, fuzzy
msgid "untranslated"
msgstr ""

msgid "Tab\\tquote\\" back\\\\slash and a line\\nbreak"
msgstr ""

# kept
#, fuzzy
#~| msgid "before"
#~ msgctxt "c"
#~ msgid "gone"
#~ msgstr "ido"

#~ msgid "gone, never translated"
#~ msgstr ""
"""


def test_a_file_saved_by_other_tools_comes_back_as_msgcat_writes_it(tmp_path):
    gnu = msgcat(FOREIGN, tmp_path)
    assert po.render(po.parse(FOREIGN, "x.po")) == gnu
    assert po.render(po.parse(gnu, "x.po")) == gnu
    assert "X-Poedit-SourceCharset: UTF-8" in gnu  # babel alone would drop it


def test_header_fields_change_only_where_asked():
    header = po.parse(FOREIGN, "x.po").header
    assert header is not None
    changed = header.with_field("PO-Revision-Date", "2026-12-01 09:00+0000")
    assert changed.field("PO-Revision-Date") == "2026-12-01 09:00+0000"
    assert changed.field("X-Generator") == "Poedit 3.4.2"
    assert [name for name, _ in changed.fields()] == [name for name, _ in header.fields()]
    assert changed.with_field("X-New", "1").fields()[-1] == ("X-New", "1")


TEXT = st.text(
    alphabet=st.sampled_from(list("abc xyz ,.;:!?¿¡-—–/()[]«»“”'\"\\\t\n%{}0123456789 éñ…") + ["\u00a0", "\u202f"]),
    max_size=300,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# (gettext's reader joins a comment line ending in a backslash with the next line: none here)
@given(
    msgid=TEXT.filter(bool),
    msgstr=TEXT,
    context=st.none() | TEXT,
    comment=TEXT.filter(lambda c: "\\\n" not in c + "\n"),
)
def test_any_text_wraps_as_msgcat_wraps_it(tmp_path, msgid, msgstr, context, comment):
    catalog = Catalog(locale="es", fuzzy=False)
    message = Message(msgid, msgstr, context=context, locations=[("articles/a b.txt", 3), ("c.txt", 1)])
    message.user_comments = [comment]
    message.flags = {"fuzzy"}
    message.previous_id = [msgid + " old"]
    catalog[msgid] = message
    ours = po.render(catalog)
    assert msgcat(ours, tmp_path) == ours
    assert po.render(po.parse(ours, "x.po")) == ours


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('msgid "a"\nmsgstr "b\n', 2),
        ('msgid "a"\nmsgid "b"\nmsgstr ""\n', 2),
        ('msgstr "b"\n', 1),
        ('msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n', 4),
        ('msgid "a"\nmsgstr "\\q"\n', 2),
        ('msgid "a"\nmsgstr "b"\nnonsense\n', 3),
    ],
)
def test_syntax_errors_name_their_line(text, line):
    with pytest.raises(InputError) as caught:
        po.parse(text, "locales/es/LC_MESSAGES/a.po")
    assert caught.value.line == line
    assert str(caught.value).startswith(f"locales/es/LC_MESSAGES/a.po:{line}: PO syntax error")
