"""The catalog merge: nobody's work is lost, machine drafts are told from human text."""

from pathlib import Path

from babel.messages.catalog import Catalog

from pipeline import catalog as catalogs
from pipeline import po
from pipeline.model import Block, BlockKind, Document, EntryState, Locale, Provenance
from pipeline.project import write_catalog
from pipeline.segment import segment_document

ES = Locale("es")
APERTIUM = Provenance("apertium", "eng-spa", "0.8.1")


def template_for(*paragraphs: str) -> Catalog:
    blocks = tuple(Block(BlockKind.PARAGRAPH, text, number) for number, text in enumerate(paragraphs, start=1))
    document = Document("a", "articles/a.txt", blocks)
    return catalogs.build_template(document, segment_document(document))


def machine(catalog: Catalog, msgid: str, text: str, context: str = "paragraph") -> None:
    message = catalog.get(msgid, context=context)
    message.string = text
    message.flags.add("fuzzy")
    message.auto_comments.append(catalogs.MachineRecord(APERTIUM, catalogs.text_hash(text)).render())


def review(catalog: Catalog, msgid: str, text: str, context: str = "paragraph") -> None:
    message = catalog.get(msgid, context=context)
    message.string = text
    message.flags.discard("fuzzy")


def roundtrip(catalog: Catalog) -> Catalog:
    return po.parse(po.render(catalog), Path("x.po"))


def state(catalog: Catalog, msgid: str, context: str = "paragraph") -> EntryState:
    return catalogs.entry_state(catalog.get(msgid, context=context))


def test_first_merge_makes_everything_pending():
    result = catalogs.merge(template_for("One. Two."), None, ES)
    assert result.pending == (("One.", "paragraph"), ("Two.", "paragraph"))
    assert all(state(result.catalog, *key) == EntryState.UNTRANSLATED for key in result.pending)


def test_merge_keeps_a_reviewed_translation_and_does_not_send_it_again():
    first = catalogs.merge(template_for("One. Two."), None, ES).catalog
    review(first, "One.", "Uno.")
    machine(first, "Two.", "Dos.")
    second = catalogs.merge(template_for("One. Two."), roundtrip(first), ES)
    assert second.pending == ()
    assert second.catalog.get("One.", context="paragraph").string == "Uno."
    assert state(second.catalog, "One.") == EntryState.REVIEWED
    assert state(second.catalog, "Two.") == EntryState.MACHINE


def test_retranslate_sends_machine_drafts_only():
    first = catalogs.merge(template_for("One. Two."), None, ES).catalog
    review(first, "One.", "Uno.")
    machine(first, "Two.", "Dos.")
    again = catalogs.merge(template_for("One. Two."), roundtrip(first), ES, retranslate=True)
    assert again.pending == (("Two.", "paragraph"),)


def test_edited_machine_draft_still_fuzzy_is_a_human_draft():
    first = catalogs.merge(template_for("One."), None, ES).catalog
    machine(first, "One.", "Uno.")
    first.get("One.", context="paragraph").string = "Uno, corregido."
    again = catalogs.merge(template_for("One."), roundtrip(first), ES)
    assert state(again.catalog, "One.") == EntryState.DRAFT
    assert again.pending == ()


def test_changed_sentence_keeps_the_human_text_as_fuzzy_draft_with_previous_msgid():
    first = catalogs.merge(template_for("The president spoke on Monday."), None, ES).catalog
    review(first, "The president spoke on Monday.", "El presidente habló el lunes.")
    again = catalogs.merge(template_for("The president spoke on Tuesday."), roundtrip(first), ES)
    message = again.catalog.get("The president spoke on Tuesday.", context="paragraph")
    assert message.string == "El presidente habló el lunes."
    assert message.fuzzy and list(message.previous_id) == ["The president spoke on Monday."]
    assert again.pending == ()
    reread = roundtrip(again.catalog).get("The president spoke on Tuesday.", context="paragraph")
    assert list(reread.previous_id) == ["The president spoke on Monday."]
    assert reread.user_comments == []


def test_changed_sentence_of_a_machine_draft_is_translated_again():
    first = catalogs.merge(template_for("The president spoke on Monday."), None, ES).catalog
    machine(first, "The president spoke on Monday.", "El presidente habló el lunes.")
    again = catalogs.merge(template_for("The president spoke on Tuesday."), roundtrip(first), ES)
    assert again.pending == (("The president spoke on Tuesday.", "paragraph"),)


def test_translator_comments_survive_where_no_translation_is_kept():
    first = catalogs.merge(template_for("One. Two is here."), None, ES).catalog
    first.get("One.", context="paragraph").user_comments = ["ask the desk about this"]
    machine(first, "Two is here.", "Dos está aquí.")
    first.get("Two is here.", context="paragraph").user_comments = ["newsloc: ignore length"]
    second = catalogs.merge(template_for("One. Two is here now."), roundtrip(first), ES)
    assert second.pending == (("One.", "paragraph"), ("Two is here now.", "paragraph"))
    assert second.catalog.get("One.", context="paragraph").user_comments == ["ask the desk about this"]
    changed = second.catalog.get("Two is here now.", context="paragraph")
    assert changed.user_comments == ["newsloc: ignore length"] and changed.previous_id == ["Two is here."]


def test_removed_sentence_becomes_obsolete_and_comes_back():
    first = catalogs.merge(template_for("Keep me. Drop me."), None, ES).catalog
    review(first, "Keep me.", "Quédate.")
    review(first, "Drop me.", "Suéltame.")
    removed = catalogs.merge(template_for("Keep me."), roundtrip(first), ES)
    assert removed.obsoleted == 1
    text = po.render(removed.catalog)
    assert '#~ msgid "Drop me."' in text
    back = catalogs.merge(template_for("Keep me. Drop me."), roundtrip(removed.catalog), ES)
    assert back.catalog.get("Drop me.", context="paragraph").string == "Suéltame."
    assert back.revived == 1 and back.pending == ()


def test_written_catalog_passes_msgfmt(tmp_path):
    import shutil
    import subprocess

    import pytest

    if shutil.which("msgfmt") is None:
        pytest.skip("GNU gettext is not installed")
    first = catalogs.merge(template_for("One. Two."), None, Locale("pt-BR")).catalog
    machine(first, "One.", "Um.")
    path = tmp_path / "a.po"
    write_catalog(path, first, None)
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    text = path.read_text(encoding="utf-8")
    for header in (
        "Language: pt_BR",
        "Plural-Forms:",
        "charset=utf-8",
        "Project-Id-Version: newsloc",
        "X-Generator: newsloc",
    ):
        assert header in text


def test_po_syntax_error_names_file_and_line():
    import pytest

    from pipeline.model import InputError

    broken = 'msgid ""\nmsgstr ""\n\nmsgid "One."\nmsgstr "Uno.\n'
    with pytest.raises(InputError) as error:
        po.parse(broken, Path("locales/es/LC_MESSAGES/a.po"))
    assert "locales/es/LC_MESSAGES/a.po" in str(error.value)
