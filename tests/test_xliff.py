"""XLIFF 1.2 export and import: stable units, states CAT tools read, codes as <g>/<x>, no lost work."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from pipeline import catalog as catalogs
from pipeline import po, xliff
from pipeline.inline import escape_text
from pipeline.model import EntryState, Flag, InputError, Locale, Provenance, Severity

ES = Locale("es")
XLF = Path("locales/es/a.xlf")
LINK = ("Read <1>the report</1> now.<2/>", "paragraph")
MACHINE = ("The minister spoke.", "paragraph")
DRAFT = ("The senate voted.", "paragraph")
CHANGED = ("The president spoke on Tuesday.", "paragraph")
REVIEWED = ("Background", "heading")
UNTRANSLATED = ("Nobody touched this.", "paragraph")
PSEUDO = Provenance("pseudo", "en-es", "1")


def sample_catalog() -> Catalog:
    """One entry in each state, with inline codes, a flag, a previous msgid and a translator comment."""
    catalog = catalogs.new_catalog(ES)
    machine_text = "[Ţĥé ɱîñîšţéŕ šþöķé. ~~~~]"
    catalog.add(
        LINK[0],
        "Lee <1>el informe</1> ya.<2/>",
        context=LINK[1],
        flags=["fuzzy"],
        locations=[("articles/a.txt", 3)],
        auto_comments=["paragraph, body 1", 'code <1>…</1> = <a href="https://example.org">', "code <2/> = <br>"],
    )
    catalog.add(
        MACHINE[0],
        machine_text,
        context=MACHINE[1],
        flags=["fuzzy"],
        auto_comments=[
            catalogs.MachineRecord(PSEUDO, catalogs.text_hash(machine_text)).render(),
            catalogs.render_flag(Flag("glossary", Severity.ERROR, "“minister” must be “ministro”")),
        ],
    )
    catalog.add(
        DRAFT[0],
        "El senado votó (borrador).",
        context=DRAFT[1],
        flags=["fuzzy"],
        user_comments=["newsloc: ignore length"],
    )
    catalog.add(
        CHANGED[0],
        "El presidente habló el lunes.",
        context=CHANGED[1],
        flags=["fuzzy"],
        previous_id=["The president spoke on Monday."],
    )
    catalog.add(REVIEWED[0], "Antecedentes", context=REVIEWED[1])
    catalog.add(UNTRANSLATED[0], "", context=UNTRANSLATED[1])
    return catalog


def unit_for(data: bytes, key: tuple[str, str]) -> etree._Element:
    root = etree.fromstring(data)
    message = sample_catalog().get(key[0], context=key[1])
    return root.find(f".//{xliff.q('trans-unit')}[@id='{xliff.unit_id(message)}']")


def reimport(catalog: Catalog, data: bytes) -> xliff.ImportResult:
    return xliff.import_units(catalog, xliff.parse_xliff(data, XLF), XLF)


def edited(data: bytes, key: tuple[str, str], change) -> bytes:
    root = etree.fromstring(data)
    message = sample_catalog().get(key[0], context=key[1])
    change(root.find(f".//{xliff.q('trans-unit')}[@id='{xliff.unit_id(message)}']"))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def state_of(catalog: Catalog, key: tuple[str, str]) -> EntryState:
    return catalogs.entry_state(catalog.get(key[0], context=key[1]))


# ---------------------------------------------------------------- export


def test_export_has_one_unit_per_entry_with_stable_ids_and_languages():
    data = xliff.export_xliff(sample_catalog(), ES, "locales/es/LC_MESSAGES/a.po")
    root = etree.fromstring(data)
    file = root.find(xliff.q("file"))
    assert root.get("version") == "1.2"
    assert (file.get("source-language"), file.get("target-language"), file.get("original")) == (
        "en",
        "es",
        "locales/es/LC_MESSAGES/a.po",
    )
    ids = [unit.get("id") for unit in root.iter(xliff.q("trans-unit"))]
    assert len(ids) == 6 == len(set(ids))
    reordered = catalogs.new_catalog(ES)  # same entries, other order, other translations
    for message in reversed(list(sample_catalog())[1:]):
        reordered.add(message.id, "x", context=message.context)
    again = [
        unit.get("id")
        for unit in etree.fromstring(xliff.export_xliff(reordered, ES, "a.po")).iter(xliff.q("trans-unit"))
    ]
    assert sorted(again) == sorted(ids)


@pytest.mark.parametrize(
    "key, state, qualifier, approved",
    [
        (UNTRANSLATED, None, None, None),
        (MACHINE, "needs-review-translation", "mt-suggestion", None),
        (DRAFT, "translated", None, None),
        (CHANGED, "needs-review-translation", "leveraged-inexact", None),
        (REVIEWED, "final", None, "yes"),
    ],
)
def test_each_entry_state_becomes_the_state_a_cat_tool_understands(key, state, qualifier, approved):
    unit = unit_for(xliff.export_xliff(sample_catalog(), ES, "a.po"), key)
    target = unit.find(xliff.q("target"))
    assert unit.get("approved") == approved
    if state is None:
        assert target is None
    else:
        assert (target.get("state"), target.get("state-qualifier")) == (state, qualifier)


def test_inline_codes_are_g_and_x_with_their_kind():
    unit = unit_for(xliff.export_xliff(sample_catalog(), ES, "a.po"), LINK)
    source = etree.tostring(unit.find(xliff.q("source")), encoding="unicode")
    assert '>Read <g id="1" ctype="link">the report</g> now.<x id="2" ctype="lb"/></source>' in source
    target = unit.find(xliff.q("target"))
    assert [(child.tag.split("}")[1], child.get("id")) for child in target] == [("g", "1"), ("x", "2")]


def test_flags_machine_record_previous_english_and_comments_travel_as_notes():
    data = xliff.export_xliff(sample_catalog(), ES, "a.po")
    notes = [(n.get("from"), n.get("priority"), n.text) for n in unit_for(data, MACHINE).iter(xliff.q("note"))]
    assert ("newsloc", "1", "glossary (error) — “minister” must be “ministro”") in notes
    assert ("newsloc", "9", "machine draft: pseudo en-es 1") in notes
    draft_notes = [(n.get("from"), n.text) for n in unit_for(data, DRAFT).iter(xliff.q("note"))]
    assert draft_notes == [("translator", "newsloc: ignore length")]
    alt = unit_for(data, CHANGED).find(xliff.q("alt-trans"))
    assert alt.get("alttranstype") == "previous-version"
    assert alt.find(xliff.q("source")).text == "The president spoke on Monday."


def test_translate_toolkit_reads_the_same_units_and_states():
    from translate.storage.xliff import xlifffile

    catalog = sample_catalog()
    store = xlifffile.parsestring(xliff.export_xliff(catalog, ES, "a.po"))
    units = [unit for unit in store.unit_iter()]
    by_id = {unit.getid().rsplit("\x04", 1)[-1]: unit for unit in units}
    assert len(units) == 6
    expected = {
        UNTRANSLATED: (xlifffile.UnitClass.S_UNTRANSLATED, False, False),
        MACHINE: (xlifffile.UnitClass.S_NEEDS_REVIEW, False, True),
        CHANGED: (xlifffile.UnitClass.S_NEEDS_REVIEW, False, True),
        DRAFT: (xlifffile.UnitClass.S_TRANSLATED, False, True),
        REVIEWED: (xlifffile.UnitClass.statemap["final"], True, False),
    }
    for key, (state, approved, fuzzy) in expected.items():
        unit = by_id[xliff.unit_id(catalog.get(key[0], context=key[1]))]
        assert (unit.get_state_n(), unit.isapproved(), unit.isfuzzy()) == (state, approved, fuzzy), key
        assert unit.source == key[0]
    link = by_id[xliff.unit_id(catalog.get(*LINK))]
    assert (link.source, link.target) == ("Read the report now.", "Lee el informe ya.")


# ---------------------------------------------------------------- import


def test_untouched_export_imports_as_no_change():
    catalog = sample_catalog()
    result = reimport(catalog, xliff.export_xliff(catalog, ES, "a.po"))
    assert result.changed == 0
    assert po.render(result.catalog) == po.render(catalog)


def approve(unit):
    unit.set("approved", "yes")
    unit.find(xliff.q("target")).set("state", "final")


def retarget(text, state="translated"):
    def change(unit):
        target = unit.find(xliff.q("target"))
        if target is None:
            target = etree.SubElement(unit, xliff.q("target"))
            unit.find(xliff.q("source")).addnext(target)
        for child in list(target):
            target.remove(child)
        target.text, target.attrib["state"] = text, state

    return change


def test_an_approved_unit_becomes_reviewed_with_its_exact_text():
    catalog = sample_catalog()
    data = edited(xliff.export_xliff(catalog, ES, "a.po"), MACHINE, approve)
    result = reimport(catalog, data)
    assert result.reviewed == 1 and result.drafted == 0
    assert state_of(result.catalog, MACHINE) == EntryState.REVIEWED
    assert result.catalog.get(*MACHINE).string == catalog.get(*MACHINE).string
    assert state_of(catalog, MACHINE) == EntryState.MACHINE  # the input catalog is left alone


def test_a_changed_target_of_a_machine_draft_becomes_a_human_draft():
    catalog = sample_catalog()
    data = edited(
        xliff.export_xliff(catalog, ES, "a.po"), MACHINE, retarget("El ministro habló.", "needs-review-translation")
    )
    result = reimport(catalog, data)
    message = result.catalog.get(*MACHINE)
    assert (result.drafted, message.string, catalogs.entry_state(message)) == (
        1,
        "El ministro habló.",
        EntryState.DRAFT,
    )
    assert catalogs.machine_record(message) is None
    assert all(state_of(result.catalog, key) == state_of(catalog, key) for key in (DRAFT, CHANGED, REVIEWED))


def test_a_target_added_to_an_untranslated_unit_with_codes_is_a_draft_with_po_codes():
    catalog = sample_catalog()

    def add_link(unit):
        target = etree.SubElement(unit, xliff.q("target"), state="translated")
        target.text = "Nadie "
        link = etree.SubElement(target, xliff.q("g"), id="1")
        link.text = "tocó <esto> & \\<1>"
        link.tail = "."

    result = reimport(catalog, edited(xliff.export_xliff(catalog, ES, "a.po"), UNTRANSLATED, add_link))
    assert result.catalog.get(*UNTRANSLATED).string == "Nadie <1>tocó <esto> & \\\\\\<1></1>."
    assert state_of(result.catalog, UNTRANSLATED) == EntryState.DRAFT


def test_a_state_moved_back_or_an_emptied_target_changes_nothing():
    catalog = sample_catalog()

    def unapprove(unit):
        del unit.attrib["approved"]
        unit.find(xliff.q("target")).set("state", "needs-review-translation")

    data = edited(xliff.export_xliff(catalog, ES, "a.po"), REVIEWED, unapprove)
    data = edited(data, DRAFT, retarget("", "final"))
    result = reimport(catalog, data)
    assert result.changed == 0
    assert state_of(result.catalog, REVIEWED) == EntryState.REVIEWED


def test_translator_notes_come_back_as_translator_comments():
    catalog = sample_catalog()

    def note(unit):
        etree.SubElement(unit, xliff.q("note"), {"from": "Ana"}).text = "newsloc: ignore glossary"

    result = reimport(catalog, edited(xliff.export_xliff(catalog, ES, "a.po"), MACHINE, note))
    assert result.noted == 1
    assert result.catalog.get(*MACHINE).user_comments == ["newsloc: ignore glossary"]


def test_a_tool_that_drops_notes_does_not_erase_translator_comments():
    catalog = sample_catalog()

    def drop_notes(unit):
        for note in unit.findall(xliff.q("note")):
            unit.remove(note)

    result = reimport(catalog, edited(xliff.export_xliff(catalog, ES, "a.po"), DRAFT, drop_notes))
    assert result.changed == 0
    assert result.catalog.get(*DRAFT).user_comments == ["newsloc: ignore length"]


def test_draft_with_codes_that_do_not_nest_goes_out_as_bx_ex_and_comes_back():
    catalog = sample_catalog()
    catalog.get(*LINK).string = "</1>Lee<1> el informe.<2/>"
    data = xliff.export_xliff(catalog, ES, "a.po")
    target = unit_for(data, LINK).find(xliff.q("target"))
    assert [child.tag.split("}")[1] for child in target] == ["ex", "bx", "x"]
    assert reimport(catalog, data).changed == 0


@pytest.mark.parametrize(
    "broken, line, words",
    [
        (lambda d: d.replace(b"</body>", b""), None, "not well-formed XML"),
        (lambda d: edited(d, MACHINE, lambda unit: unit.set("id", "0000000000000000")), 9, "not in the catalog"),
        (
            lambda d: edited(d, MACHINE, lambda unit: setattr(unit.find(xliff.q("source")), "text", "Edited.")),
            9,
            "differs from the catalog's English",
        ),
        (
            lambda d: edited(d, LINK, lambda unit: etree.SubElement(unit.find(xliff.q("target")), xliff.q("ph"))),
            None,
            "unsupported inline element <ph",
        ),
        (lambda d: b"<html><body/></html>", 1, "not an XLIFF 1.2 file"),
    ],
)
def test_a_bad_file_is_one_input_error_naming_file_and_line(broken, line, words):
    catalog = sample_catalog()
    data = broken(xliff.export_xliff(catalog, ES, "a.po"))
    with pytest.raises(InputError) as error:
        reimport(catalog, data)
    assert error.value.path == str(XLF) and words in error.value.message
    assert error.value.line is not None
    if line is not None:
        assert error.value.line >= line


def test_an_entity_bomb_is_refused_not_expanded():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
        b'<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"><file original="a.po" '
        b'source-language="en" target-language="es"><body><trans-unit id="x"><source>&b;</source>'
        b"</trans-unit></body></file></xliff>"
    )
    with pytest.raises(InputError, match="DOCTYPE is refused") as raised:
        xliff.parse_xliff(bomb, XLF)
    assert "aaaaaaaaaa" not in str(raised.value)


# ---------------------------------------------------------------- escaping


TEXT = st.text(alphabet=st.sampled_from(list("ab <>/12gf\\&\n")), max_size=30)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            TEXT.map(lambda t: ("text", t)),
            st.integers(1, 3).map(lambda i: ("empty", i)),
            st.integers(1, 3).map(lambda i: ("pair", i)),
        ),
        max_size=6,
    )
)
def test_any_coded_text_survives_export_and_import(pieces):
    coded = ""
    for kind, value in pieces:
        if kind == "text":
            coded += escape_text(value)
        elif kind == "empty":
            coded += f"<{value}/>"
        else:
            coded += f"<{value}>x</{value}>"
    canonical = xliff.canonical(coded)
    assert xliff.canonical(canonical) == canonical
    catalog = catalogs.new_catalog(ES)
    catalog.add("Source <1>a</1> <2/> <3>b</3>", coded or "x", context="paragraph")
    unit = xliff.parse_xliff(xliff.export_xliff(catalog, ES, "a.po"), XLF).units[0]
    assert unit.target == xliff.canonical(coded or "x")
    assert reimport(catalog, xliff.export_xliff(catalog, ES, "a.po")).changed == 0
