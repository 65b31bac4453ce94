"""PO text: parse a file into a babel ``Catalog`` and render one exactly as GNU gettext writes it.

Catalog semantics (entry states, machine records, the merge) live in ``catalog.py``;
this module only knows the file format, as babel splits ``pofile.py`` from ``catalog.py``.

The output is byte for byte what ``msgcat`` writes (gettext's ``write-po.c``): the
same comment order, flag order and reference wrapping, and strings wrapped at 79
columns at the break opportunities of the Unicode line-breaking algorithm, computed
by the library msgcat itself uses (libunistring, which gettext depends on). A save in
Poedit or Weblate, a ``msgcat`` or a ``msgmerge`` therefore never reflows our files,
and our writes never reflow theirs. The header is kept as the file had it: only the
fields the caller changes are touched (babel would rebuild it and drop fields it does
not know, such as Poedit's).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from pipeline.model import MAX_TRANSLATION_CHARS, InputError

PAGE_WIDTH = 79
FUZZY = "fuzzy"
# gettext's order of format flags (format_language[] in message.c); no-wrap comes last.
FORMAT_LANGUAGES = [
    *("c", "objc", "python", "python-brace", "java", "java-printf", "csharp", "javascript", "scheme"),
    *("lisp", "elisp", "librep", "ruby", "sh", "awk", "lua", "object-pascal", "smalltalk", "qt", "qt-plural"),
    *("kde", "kde-kuit", "boost", "tcl", "perl", "perl-brace", "php", "gcc-internal", "gfc-internal", "ycp"),
]
FORMAT_FLAGS = [f"{prefix}{lang}-format" for lang in FORMAT_LANGUAGES for prefix in ("", "no-", "possible-")]
_FLAG_ORDER = {flag: index for index, flag in enumerate([FUZZY, *FORMAT_FLAGS])}
NO_WRAP = "no-wrap"
_ESCAPES = {"\a": "a", "\b": "b", "\f": "f", "\n": "n", "\r": "r", "\t": "t", "\v": "v", "\\": "\\", '"': '"'}
_UNESCAPES = {value: key for key, value in _ESCAPES.items()}
_ISOLATE = ("\u2068", "\u2069")  # gettext encloses file names with spaces in these


# ---------------------------------------------------------------- header


@dataclass(frozen=True)
class Header:
    """The header entry as written: its comment lines, fuzzy flag and ``Name: value`` text."""

    comments: tuple[str, ...]  # whole lines, "# Spanish translations for …"
    fuzzy: bool
    text: str  # the msgstr: "Project-Id-Version: …\n…"

    def fields(self) -> list[tuple[str, str]]:
        pairs = []
        for line in self.text.split("\n"):
            name, colon, value = line.partition(":")
            if colon:
                pairs.append((name.strip(), value.strip()))
        return pairs

    def field(self, name: str) -> str | None:
        return next((value for key, value in self.fields() if key.lower() == name.lower()), None)

    def with_field(self, name: str, value: str) -> Header:
        """The header with one field set: replaced where it is, else added at the end."""
        lines = self.text.split("\n")
        for index, line in enumerate(lines):
            if line.partition(":")[0].strip().lower() == name.lower():
                lines[index] = f"{name}: {value}"
                return replace(self, text="\n".join(lines))
        body = self.text if not self.text or self.text.endswith("\n") else self.text + "\n"
        return replace(self, text=f"{body}{name}: {value}\n")


class PoCatalog(Catalog):
    """A babel Catalog that also keeps its file's header verbatim (babel keeps only the fields it knows)."""

    header: Header | None = None


def header_from_catalog(catalog: Catalog) -> Header:
    """A new file's header, from babel's fields (without babel's Generated-By stamp)."""
    if isinstance(catalog, PoCatalog) and catalog.header is not None:
        return catalog.header
    fields = [(name, value) for name, value in catalog.mime_headers if name != "Generated-By"]
    comments = tuple(line if line.startswith("#") else f"# {line}" for line in catalog.header_comment.splitlines())
    return Header(comments, bool(catalog.fuzzy), "".join(f"{name}: {value}\n" for name, value in fields))


# ---------------------------------------------------------------- render


def render(catalog: Catalog, header: Header | None = None) -> str:
    """The catalog as msgcat writes it; ``header`` (default: the catalog's own) heads the file."""
    header = header or header_from_catalog(catalog)
    blocks = [_header_lines(header)]
    blocks += [_entry_lines(message, obsolete=False) for message in catalog if message.id]
    # msgcat drops obsolete entries without a translation.
    blocks += [_entry_lines(message, obsolete=True) for message in catalog.obsolete.values() if _has_text(message)]
    return "\n".join("".join(block) for block in blocks)


def _has_text(message: Message) -> bool:
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return bool(strings and strings[0])


def _header_lines(header: Header) -> list[str]:
    lines = [f"{line}\n" for line in header.comments]
    if header.fuzzy:
        lines.append("#, fuzzy\n")
    lines += _wrap("", "msgid", "")
    lines += _wrap("", "msgstr", header.text)
    return lines


def ordered_flags(flags: Iterable[str]) -> list[str]:
    """The flags gettext keeps, in its order; it drops the ones it does not know."""
    known = [flag for flag in flags if flag in _FLAG_ORDER or flag == NO_WRAP or flag.startswith("range:")]
    return sorted(known, key=lambda flag: (_FLAG_ORDER.get(flag, len(_FLAG_ORDER) + (flag == NO_WRAP)), flag))


def _entry_lines(message: Message, obsolete: bool) -> list[str]:
    lines = []
    for comment in message.user_comments:
        lines += _translator_comment(comment)
    lines += [f"#. {comment}\n" if comment else "#.\n" for comment in message.auto_comments]
    lines += _reference_lines(message.locations)
    flags = set(message.flags)
    if not obsolete and not _has_text(message):
        flags.discard(FUZZY)  # gettext never writes fuzzy on an untranslated entry
    if written := ordered_flags(flags):
        lines.append(f"#, {', '.join(written)}\n")
    wrap = NO_WRAP not in message.flags
    previous_prefix = "#~| " if obsolete else "#| "
    if (context := previous_context(message)) is not None:
        lines += _wrap(previous_prefix, "msgctxt", context, wrap)
    previous = message.previous_id
    previous = [previous] if isinstance(previous, str) else list(previous or [])
    for keyword, text in zip(("msgid", "msgid_plural"), previous):
        lines += _wrap(previous_prefix, keyword, text, wrap)
    prefix = "#~ " if obsolete else ""
    if message.context is not None:
        lines += _wrap(prefix, "msgctxt", message.context, wrap)
    if isinstance(message.id, (list, tuple)):
        lines += _wrap(prefix, "msgid", message.id[0], wrap)
        lines += _wrap(prefix, "msgid_plural", message.id[1], wrap)
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string or ""]
        for index, text in enumerate(strings):
            lines += _wrap(prefix, f"msgstr[{index}]", text or "", wrap)
    else:
        lines += _wrap(prefix, "msgid", str(message.id), wrap)
        lines += _wrap(prefix, "msgstr", str(message.string or ""), wrap)
    return lines


def _translator_comment(comment: str) -> list[str]:
    """One ``#`` line per line of the comment, as gettext reads it back (so msgcat changes nothing)."""
    return [f"# {line}\n" if line else "#\n" for line in comment.split("\n")]


def _reference_lines(locations: Sequence[tuple[str, int | None]]) -> list[str]:
    if not locations:
        return []
    lines, line, column = [], "#:", 2
    for path, number in locations:
        name = path.removeprefix("./") if not path.startswith("././") else re.sub(r"^(\./)+", "", path)
        suffix = f":{number}" if number is not None else ""
        width = len(name) + len(suffix) + 1
        if column > 2 and column + width > PAGE_WIDTH:
            lines.append(line + "\n")
            line, column = "#:", 2
        shown = f"{_ISOLATE[0]}{name}{_ISOLATE[1]}" if " " in name or "\t" in name else name
        line += f" {shown}{suffix}"
        column += width
    lines.append(line + "\n")
    return lines


# ---------------------------------------------------------------- wrapping


class _LineBreaker:
    """libunistring's ulc_width_linebreaks, the UAX #14 line breaking msgcat calls."""

    UNDEFINED, PROHIBITED, POSSIBLE = 0, 1, 2

    def __init__(self) -> None:
        name = ctypes.util.find_library("unistring") or "libunistring.so.2"
        try:
            library = ctypes.CDLL(name)
        except OSError:
            library = None
        self.function = getattr(library, "ulc_width_linebreaks", None) if library else None
        if self.function is not None:
            self.function.restype = ctypes.c_int
            self.function.argtypes = [
                ctypes.c_char_p,
                ctypes.c_size_t,
                ctypes.c_int,
                ctypes.c_int,
                ctypes.c_int,
                ctypes.c_char_p,
                ctypes.c_char_p,
                ctypes.c_char_p,
            ]

    def breaks(self, portion: bytes, width: int, start_column: int, overrides: bytes) -> bytes:
        if self.function is None:
            raise InputError(
                "cannot write PO files: libunistring (installed with GNU gettext) is missing; "
                "install the `gettext` package (make setup does)"
            )
        result = ctypes.create_string_buffer(len(portion))
        self.function(portion, len(portion), width, start_column, 0, overrides, b"UTF-8", result)
        return result.raw


_BREAKER = _LineBreaker()


def _escaped(portion: str) -> tuple[bytes, bytes]:
    """The portion as PO string bytes, and the breaks gettext forbids (inside escapes and characters)."""
    data, overrides = bytearray(), bytearray()
    for char in portion:
        if char in _ESCAPES:
            data += b"\\" + _ESCAPES[char].encode()
            overrides += bytes([_LineBreaker.UNDEFINED, _LineBreaker.PROHIBITED])
        else:
            encoded = char.encode("utf-8")
            data += encoded
            overrides += bytes([_LineBreaker.UNDEFINED] + [_LineBreaker.PROHIBITED] * (len(encoded) - 1))
    if portion.endswith("\n"):
        overrides[-2] = _LineBreaker.PROHIBITED  # never break right before the final "\n"
    return bytes(data), bytes(overrides)


def _portions(value: str) -> list[str]:
    """The value cut after each newline, as gettext's do-while loop cuts it."""
    if not value:
        return [""]
    return [part for part in re.split(r"(?<=\n)", value) if part]


def _wrap(prefix: str, name: str, value: str, wrap: bool = True) -> list[str]:
    """``name "value"`` lines exactly as write-po.c's wrap() (non-indented style) writes them."""
    lines: list[str] = []
    first_line = True
    portions = _portions(value)
    after_break = len(prefix) + 1
    width = (PAGE_WIDTH if wrap else 2**31 - 1) - 1 - after_break
    for number, portion in enumerate(portions):
        data, overrides = _escaped(portion)
        more = number + 1 < len(portions)
        while True:
            start = len(prefix) + (len(name) + 1 if first_line else 0) + 1 - after_break
            breaks = _BREAKER.breaks(data, width, start, overrides) if data else b""
            if first_line and data and (more or start > width or _LineBreaker.POSSIBLE in breaks):
                lines.append(f'{prefix}{name} ""\n')
                first_line = False
                continue
            break
        out = bytearray(f"{prefix}{name} ".encode() if first_line else prefix.encode())
        first_line = False
        out += b'"'
        for index, byte in enumerate(data):
            if breaks[index] == _LineBreaker.POSSIBLE:
                out += b'"\n' + prefix.encode() + b'"'
            out.append(byte)
        out += b'"\n'
        lines.append(out.decode("utf-8"))
    return lines


# ---------------------------------------------------------------- parse


def previous_context(message: Message) -> str | None:
    """The ``#| msgctxt`` of a fuzzy entry (babel's Message has no field for it)."""
    return getattr(message, "previous_context", None)


def set_previous_context(message: Message, context: str | None) -> None:
    message.previous_context = context  # type: ignore[attr-defined]


class _Syntax(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


class _TooLong(_Syntax):
    """One text of an entry over MAX_TRANSLATION_CHARS, refused at the line where it crosses the limit."""


_OCTAL = re.compile(r"[0-7]{1,3}")
_HEX = re.compile(r"[0-9a-fA-F]+")
_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr\[(\d+)\]|msgstr)\s*(\".*)$")


def _unquote(text: str, line: int) -> str:
    text = text.strip()
    if len(text) < 2 or not text.startswith('"') or not text.endswith('"'):
        raise _Syntax(line, "not a complete quoted string")
    body, out, index = text[1:-1], [], 0
    while index < len(body):
        char = body[index]
        if char == '"':
            raise _Syntax(line, "unescaped quote inside a string")
        if char != "\\":
            out.append(char)
            index += 1
            continue
        if index + 1 >= len(body):
            raise _Syntax(line, "backslash at the end of a string")
        code = body[index + 1]
        if code in _UNESCAPES:
            out.append(_UNESCAPES[code])
            index += 2
        elif code in "01234567":
            digits = _OCTAL.match(body, index + 1)  # at the offset: a slice per escape was quadratic
            assert digits is not None
            out.append(chr(int(digits.group(0), 8)))
            index += 1 + len(digits.group(0))
        elif code == "x" and (digits := _HEX.match(body, index + 2)):
            out.append(chr(int(digits.group(0), 16)))
            index += 2 + len(digits.group(0))
        else:
            raise _Syntax(line, f"unknown escape sequence \\{code}")
    return "".join(out)


@dataclass
class _Entry:
    line: int = 0
    obsolete: bool = False
    user_comments: list[str] | None = None
    auto_comments: list[str] | None = None
    locations: list[tuple[str, int | None]] | None = None
    flags: list[str] | None = None
    previous: dict[str, str] | None = None
    fields: dict[str, str] | None = None
    plural_strings: dict[int, str] | None = None
    last: tuple[str, str] | None = None  # (where, key) the next continuation line extends

    def __post_init__(self) -> None:
        self.user_comments, self.auto_comments, self.locations, self.flags = [], [], [], []
        self.previous, self.fields, self.plural_strings = {}, {}, {}

    @property
    def empty(self) -> bool:
        return not (self.fields or self.user_comments or self.auto_comments or self.locations or self.flags)


def _references(text: str) -> list[tuple[str, int | None]]:
    found: list[tuple[str, int | None]] = []
    for match in re.finditer(r"\u2068([^\u2069]*)\u2069(?::(\d+))?|(\S+)", text):
        if match.group(3) is not None:
            path, _, number = match.group(3).rpartition(":")
            if path and number.isdigit():
                found.append((path, int(number)))
            else:
                found.append((match.group(3), None))
        else:
            found.append((match.group(1), int(match.group(2)) if match.group(2) else None))
    return found


def _entries(text: str) -> list[_Entry]:
    entries: list[_Entry] = []
    entry = _Entry()

    def finish() -> None:
        nonlocal entry
        if not entry.empty:
            if "msgid" not in (entry.fields or {}):
                raise _Syntax(entry.line, "comments without an entry (msgid) after them")
            if "msgstr" not in (entry.fields or {}) and not entry.plural_strings:
                raise _Syntax(entry.line, "msgid without a msgstr")
            entries.append(entry)
        entry = _Entry()

    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.removesuffix("\r").lstrip()  # comments keep their trailing blanks, as gettext's do
        if not line.strip():
            if entry.fields:
                finish()
            continue
        obsolete = line.startswith("#~")
        if obsolete:
            line = "#" + line[2:] if line.startswith("#~|") else line[2:].lstrip()
        if line.startswith("#") and not line.startswith('#"'):
            if entry.fields and ("msgstr" in entry.fields or entry.plural_strings):
                finish()
            entry.line = entry.line or number
            entry.obsolete = entry.obsolete or obsolete
            kind, rest = line[:2], line[2:]
            rest = rest[1:] if rest.startswith(" ") else rest
            assert entry.flags is not None and entry.previous is not None
            if kind == "#,":
                entry.flags += [flag.strip() for flag in rest.split(",") if flag.strip()]
            elif kind == "#.":
                assert entry.auto_comments is not None
                entry.auto_comments.append(rest)
            elif kind == "#:":
                assert entry.locations is not None
                entry.locations += _references(rest)
            elif kind == "#|":
                match = _KEYWORD.match(rest)
                if match:
                    entry.previous[match.group(1)] = _unquote(match.group(3), number)
                    entry.last = ("previous", match.group(1))
                elif rest.startswith('"') and entry.last and entry.last[0] == "previous":
                    entry.previous[entry.last[1]] += _unquote(rest, number)
                else:
                    raise _Syntax(number, "a #| line that is not a previous msgctxt, msgid or string")
            else:
                assert entry.user_comments is not None
                body = line[1:]
                entry.user_comments.append(body[1:] if body.startswith(" ") else body)
            continue
        assert entry.fields is not None and entry.plural_strings is not None
        match = _KEYWORD.match(line)
        if match:
            keyword = match.group(1)
            if keyword in ("msgctxt", "msgid") and ("msgstr" in entry.fields or entry.plural_strings):
                finish()
                assert entry.fields is not None and entry.plural_strings is not None
            if keyword == "msgstr" and "msgid" not in entry.fields:
                raise _Syntax(number, "msgstr without a msgid before it")
            if keyword in entry.fields:
                raise _Syntax(number, f"a second {keyword} in one entry")
            entry.line = entry.line or number
            entry.obsolete = entry.obsolete or obsolete
            value = _unquote(match.group(3), number)
            if match.group(2) is not None:
                entry.plural_strings[int(match.group(2))] = value
            else:
                entry.fields[keyword] = value
            entry.last = ("field", keyword)
            _refuse_too_long(keyword, len(value), number)
        elif line.startswith('"') and entry.last and entry.last[0] == "field":
            value = _unquote(line, number)
            key = entry.last[1]
            plural = re.match(r"msgstr\[(\d+)\]", key)
            # Refused as it crosses the limit: the text is never built up to a megabyte, one copy per line.
            if plural:
                entry.plural_strings[int(plural.group(1))] += value
                _refuse_too_long(key, len(entry.plural_strings[int(plural.group(1))]), number)
            else:
                entry.fields[key] += value
                _refuse_too_long(key, len(entry.fields[key]), number)
        else:
            raise _Syntax(number, "not a comment, keyword or complete quoted string")
    finish()
    return entries


def _refuse_too_long(keyword: str, length: int, line: int) -> None:
    if length > MAX_TRANSLATION_CHARS:
        raise _TooLong(
            line, f"{keyword} is longer than the limit of {MAX_TRANSLATION_CHARS:,} characters for one entry"
        )


def _message(entry: _Entry) -> Message:
    fields, previous = entry.fields or {}, entry.previous or {}
    strings = entry.plural_strings or {}
    if "msgid_plural" in fields:
        message_id: str | tuple[str, str] = (fields["msgid"], fields["msgid_plural"])
        string: str | tuple[str, ...] = tuple(strings[index] for index in sorted(strings))
    else:
        message_id, string = fields["msgid"], fields.get("msgstr", "")
    previous_id: str | tuple[str, ...] = tuple(previous[k] for k in ("msgid", "msgid_plural") if k in previous)
    message = Message(
        message_id,
        string,
        locations=[(path, number) for path, number in entry.locations or []],  # type: ignore[misc]
        auto_comments=entry.auto_comments or [],
        user_comments=entry.user_comments or [],
        previous_id=previous_id,
        lineno=entry.line,
        context=fields.get("msgctxt"),
    )
    # As written: babel guesses python-format from the text and drops repeated comments.
    message.flags = set(entry.flags or [])
    message.auto_comments = list(entry.auto_comments or [])
    message.user_comments = list(entry.user_comments or [])
    if "msgctxt" in previous:
        set_previous_context(message, previous["msgctxt"])
    return message


def parse(text: str, path: str | Path) -> PoCatalog:
    """A PO or POT file's text as a catalog; a syntax error is one InputError naming the line."""
    try:
        entries = _entries(text.lstrip("\ufeff"))
    except _TooLong as error:
        raise InputError(f"{error.message}; shorten it (no segment is that long)", path, error.line) from None
    except _Syntax as error:
        message = f"PO syntax error ({error.message}); fix the file or restore it from git"
        raise InputError(message, path, error.line) from None
    catalog = PoCatalog(fuzzy=False)
    header_entry = next((e for e in entries if not e.obsolete and (e.fields or {}).get("msgid") == ""), None)
    if header_entry is not None and "msgctxt" not in (header_entry.fields or {}):
        entries.remove(header_entry)
        comments = tuple(f"# {c}" if c else "#" for c in header_entry.user_comments or [])
        header = Header(comments, FUZZY in (header_entry.flags or []), (header_entry.fields or {}).get("msgstr", ""))
        try:
            catalog.mime_headers = header.fields()
        except (ValueError, TypeError) as error:
            raise InputError(
                f"PO header cannot be read ({error}); fix the file or restore it from git", path, header_entry.line
            ) from None
        catalog.fuzzy = header.fuzzy
        catalog.header = header
    seen: dict[tuple[str, str | None], int] = {}
    for entry in entries:
        parsed = _message(entry)
        key = (str(parsed.id), parsed.context)
        if entry.obsolete:
            catalog.obsolete[catalog._key_for(parsed.id, parsed.context)] = parsed
            continue
        if not parsed.id:
            raise InputError("PO syntax error (an entry with an empty msgid); fix the file", path, entry.line)
        if key in seen:  # msgfmt refuses it; keeping either one could drop a reviewed translation
            raise InputError(
                f"PO syntax error (duplicate entry: the same msgctxt and msgid as the entry at line {seen[key]}; "
                "msgfmt refuses this too); keep one of the two and delete the other",
                path,
                entry.line,
            )
        seen[key] = entry.line
        catalog[parsed.id] = parsed  # stored as is: the key is new
    return catalog


def header_of(text: str | None) -> Header | None:
    """The header of a PO file's text (None when there is none): its first entry, if that is a header."""
    if text is None:
        return None
    first = re.split(r"\n[ \t]*\n", text.lstrip("\ufeff").lstrip("\n"), maxsplit=1)[0]
    try:
        return parse(first, "<header>").header
    except InputError:
        return None
