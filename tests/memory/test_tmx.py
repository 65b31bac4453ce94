"""TMX 1.4b: what we write, what we read back, and hostile files refused in one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from pipeline.memory import tmx
from pipeline.memory.units import Origin, Unit
from pipeline.model import InputError

UNITS = [
    Unit("Share your thoughts <1>below</1>!", "¡Opine <1>abajo</1>!", "es", Origin("sample", "paragraph")),
    Unit('Tom & Jerry said "hi"', "Tom & Jerry dijeron «hola»", "es", Origin("other", "lead#2")),
    Unit("Frequently asked Questions", "Perguntas frequentes", "pt-BR", Origin("sample", "heading")),
]


def test_units_survive_a_round_trip_with_their_origin():
    parsed = tmx.parse_tmx(tmx.render_tmx(UNITS), "x.tmx")
    assert list(parsed.units) == UNITS and parsed.skipped == 0


def test_the_document_is_tmx_14b_with_english_first():
    root = etree.fromstring(tmx.render_tmx(UNITS))
    assert root.tag == "tmx" and root.get("version") == "1.4"
    header = root.find("header")
    for attribute in ("creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang", "srclang", "datatype"):
        assert header.get(attribute)
    first = root.find("body/tu")
    langs = [tuv.get(tmx.XML_LANG) for tuv in first.iterfind("tuv")]
    assert langs == ["en", "es"]
    assert first.find("tuv/seg").text == UNITS[0].source  # codes are literal text, as in the PO


def test_foreign_tmx_variants_and_inline_elements_are_read():
    data = b"""<?xml version="1.0"?>
<tmx version="1.4"><header srclang="EN-US" segtype="sentence" creationtool="x" creationtoolversion="1"
 o-tmf="x" adminlang="en" datatype="plaintext"/><body>
<tu tuid="a7"><tuv xml:lang="en-US"><seg>Click <bpt i="1">&lt;b&gt;</bpt>here<ept i="1">&lt;/b&gt;</ept></seg></tuv>
<tuv xml:lang="es-ES"><seg>Haga clic <bpt i="1">&lt;b&gt;</bpt>aqu\xc3\xad<ept i="1">&lt;/b&gt;</ept></seg></tuv>
<tuv xml:lang="fr"><seg>Cliquez ici</seg></tuv></tu>
<tu><tuv xml:lang="de"><seg>Hallo</seg></tuv><tuv xml:lang="fr"><seg>Bonjour</seg></tuv></tu>
</body></tmx>"""
    parsed = tmx.parse_tmx(data, "tm/vendor.tmx")
    assert parsed.skipped == 1
    assert [(u.locale, u.source, u.target) for u in parsed.units] == [
        ("es-ES", "Click <b>here</b>", "Haga clic <b>aquí</b>"),
        ("fr", "Click <b>here</b>", "Cliquez ici"),
    ]
    assert parsed.units[0].origin == Origin("tm/vendor.tmx", "a7")


HOSTILE = [
    (b"<tmx><body><tu>", "not well-formed XML"),
    (
        b'<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        b'<tmx><body><tu><tuv xml:lang="en"><seg>&lol2;</seg></tuv><tuv xml:lang="es"><seg>x</seg></tuv></tu></body></tmx>',
        "declares entities",
    ),
    (
        b'<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<tmx><body><tu><tuv xml:lang="en"><seg>&xxe;</seg></tuv><tuv xml:lang="es"><seg>x</seg></tuv></tu></body></tmx>',
        "declares entities",
    ),
    (
        b'<?xml version="1.0"?><!DOCTYPE tmx SYSTEM "http://example.invalid/tmx14.dtd">'
        b'<tmx><body><tu><tuv xml:lang="en"><seg>&ext;</seg></tuv><tuv xml:lang="es"><seg>x</seg></tuv></tu></body></tmx>',
        "entity reference",
    ),
    (b"<xliff><body/></xliff>", "not a TMX file"),
    (b'<tmx version="1.4"><header srclang="fr"/><body/></tmx>', "translate from English"),
]


@pytest.mark.parametrize(("data", "message"), HOSTILE)
def test_bad_or_hostile_tmx_is_one_clear_error(data, message):
    with pytest.raises(InputError) as caught:
        tmx.parse_tmx(data, "evil.tmx")
    text = str(caught.value)
    assert text.startswith("evil.tmx:") and message in text and "\n" not in text
    assert "root:" not in text  # no /etc/passwd content, no entity expanded


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path, monkeypatch):
    big = tmp_path / "big.tmx"
    with open(big, "wb") as handle:
        handle.truncate(tmx.MAX_TMX_BYTES + 1)  # sparse: no gigabyte written
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read a file over the limit"))
    with pytest.raises(InputError, match="split it"):
        tmx.read_tmx(big, "big.tmx")


def test_text_xml_cannot_hold_is_refused_on_export():
    with pytest.raises(InputError, match="cannot go into TMX"):
        tmx.render_tmx([Unit("bell \x07", "campana", "es", Origin("a", "paragraph"))])
