"""The PO guarantees, through merge + translate (pipeline.workflow) and the PO text format.

A translator's work is never lost or sent to an engine; changed English turns it into a
fuzzy draft with the previous msgid; removed sentences go obsolete and come back.
The last test drives random edit sequences (hypothesis) through the same functions.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from pipeline import catalog as catalogs
from pipeline import po, xliff
from pipeline.engines.pseudo import PseudoEngine
from pipeline.model import Block, BlockKind, Document, EntryState, Locale, Provenance
from pipeline.segment import segment_document
from pipeline.translate import Translator
from pipeline.workflow import refresh

ES = Locale("es")
PO_PATH = Path("locales/es/LC_MESSAGES/a.po")


class RecordingEngine(PseudoEngine):
    """The pseudo engine, remembering every text it was asked to translate."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def translate(self, texts, source, target, progress=None):
        self.asked += list(texts)
        return super().translate(texts, source, target, progress)


def template_for(*blocks: str | tuple[BlockKind, str]) -> Catalog:
    """One block per argument: a paragraph's text, or (kind, text)."""
    built = []
    for line, block in enumerate(blocks, start=1):
        kind, text = block if isinstance(block, tuple) else (BlockKind.PARAGRAPH, block)
        built.append(Block(kind, text, line))
    document = Document("a", "articles/a.txt", tuple(built))
    return catalogs.build_template(document, segment_document(document))


def as_file(catalog: Catalog) -> Catalog:
    """What the next run reads: the catalog written and parsed again."""
    return po.parse(po.render(catalog), PO_PATH)


def run(template: Catalog, existing: Catalog | None, engine=None, **options) -> Catalog:
    translator = Translator(engine or PseudoEngine(), ES)
    return as_file(refresh(template, existing, ES, translator, **options).catalog)


def translator_edit(catalog: Catalog, msgid: str, text: str, context: str = "paragraph", review: bool = True):
    """A translator in Poedit: new msgstr, fuzzy cleared when they are done; saved to disk."""
    message = catalog.get(msgid, context=context)
    message.string = text
    if review:
        message.flags.discard("fuzzy")
        message.previous_id = ()
    else:
        message.flags.add("fuzzy")
    return as_file(catalog)


def entry(catalog: Catalog, msgid: str, context: str = "paragraph"):
    return catalog.get(msgid, context=context)


def state(catalog: Catalog, msgid: str, context: str = "paragraph") -> EntryState:
    return catalogs.entry_state(entry(catalog, msgid, context))


def obsolete(catalog: Catalog, msgid: str, context: str = "paragraph"):
    return catalog.obsolete.get((msgid, context))


# ---------------------------------------------------------------- the guarantees, one by one


def test_a_reviewed_edit_survives_every_rerun_and_is_never_sent_again():
    template = template_for("One thing happened.", "Another thing happened.")
    catalog = run(template, None)
    catalog = translator_edit(catalog, "One thing happened.", "Pasó una cosa.")
    engine = RecordingEngine()
    for _ in range(3):
        catalog = run(template, catalog, engine)
    catalog = run(template, catalog, engine, retranslate=True)
    assert entry(catalog, "One thing happened.").string == "Pasó una cosa."
    assert state(catalog, "One thing happened.") == EntryState.REVIEWED
    assert engine.asked == ["Another thing happened."]  # only the machine draft, only on --retranslate


def test_a_human_draft_still_fuzzy_is_never_sent_again():
    template = template_for("One thing happened.")
    catalog = translator_edit(run(template, None), "One thing happened.", "Pasó algo (borrador).", review=False)
    engine = RecordingEngine()
    catalog = run(template, catalog, engine, retranslate=True)
    assert state(catalog, "One thing happened.") == EntryState.DRAFT
    assert entry(catalog, "One thing happened.").string == "Pasó algo (borrador)."
    assert engine.asked == []


def test_changed_english_makes_the_reviewed_text_a_fuzzy_draft_with_the_previous_msgid():
    before = template_for("The president spoke on Monday.", "Nothing else changed.")
    catalog = translator_edit(run(before, None), "The president spoke on Monday.", "El presidente habló el lunes.")
    others = entry(catalog, "Nothing else changed.").string
    engine = RecordingEngine()
    after = template_for("The president spoke on Tuesday.", "Nothing else changed.")
    catalog = run(after, catalog, engine)
    changed = entry(catalog, "The president spoke on Tuesday.")
    assert changed.string == "El presidente habló el lunes."
    assert changed.fuzzy and list(changed.previous_id) == ["The president spoke on Monday."]
    assert catalogs.entry_state(changed) == EntryState.DRAFT
    assert engine.asked == []  # no engine overwrites the translator's text
    assert entry(catalog, "Nothing else changed.").string == others
    assert '#| msgid "The president spoke on Monday."' in po.render(catalog)
    # Later runs leave the draft alone, previous msgid included.
    catalog = run(after, catalog, engine, retranslate=True)
    assert list(entry(catalog, "The president spoke on Tuesday.").previous_id) == ["The president spoke on Monday."]
    assert entry(catalog, "The president spoke on Tuesday.").string == "El presidente habló el lunes."


def test_a_changed_machine_drafted_sentence_is_translated_again_and_shows_the_previous_msgid():
    catalog = run(template_for("The president spoke on Monday."), None)
    engine = RecordingEngine()
    catalog = run(template_for("The president spoke on Tuesday."), catalog, engine)
    message = entry(catalog, "The president spoke on Tuesday.")
    assert engine.asked == ["The president spoke on Tuesday."]
    assert catalogs.entry_state(message) == EntryState.MACHINE
    assert message.fuzzy and list(message.previous_id) == ["The president spoke on Monday."]
    assert not catalog.obsolete  # the old machine draft is replaced, not kept around


def test_removed_sentences_go_obsolete_and_come_back_in_the_state_they_left():
    full = template_for("Keep me here.", "Drop me now.", "A machine draft only.")
    catalog = translator_edit(run(full, None), "Drop me now.", "Suéltame ya.")
    machine_text = entry(catalog, "A machine draft only.").string
    catalog = run(template_for("Keep me here."), catalog)
    text = po.render(catalog)
    assert '#~ msgid "Drop me now."' in text and '#~ msgid "A machine draft only."' in text
    assert obsolete(catalog, "Drop me now.").string == "Suéltame ya."
    engine = RecordingEngine()
    catalog = run(full, catalog, engine)
    assert state(catalog, "Drop me now.") == EntryState.REVIEWED
    assert entry(catalog, "Drop me now.").string == "Suéltame ya."
    # babel's own writer dropped `#, fuzzy` on obsolete entries: a machine draft came back "reviewed".
    assert state(catalog, "A machine draft only.") == EntryState.MACHINE
    assert entry(catalog, "A machine draft only.").string == machine_text
    assert engine.asked == []


def test_reordering_paragraphs_loses_nothing():
    paragraphs = ["First things first.", "Second is here.", "Third goes last."]
    catalog = run(template_for(*paragraphs), None)
    catalog = translator_edit(catalog, "Second is here.", "El segundo está aquí.")
    before = {catalogs.key_of(m): (m.string, catalogs.entry_state(m)) for m in catalog if m.id}
    engine = RecordingEngine()
    catalog = run(template_for(*reversed(paragraphs)), catalog, engine)
    after = {catalogs.key_of(m): (m.string, catalogs.entry_state(m)) for m in catalog if m.id}
    assert after == before and engine.asked == [] and not catalog.obsolete


def test_identical_sentences_in_different_places_keep_their_own_translations():
    template = template_for((BlockKind.HEADING, "Background"), "Background", "Background")
    catalog = run(template, None)
    assert sorted(m.context for m in catalog if m.id) == ["heading", "paragraph", "paragraph#2"]
    catalog = translator_edit(catalog, "Background", "Antecedentes", context="heading")
    catalog = translator_edit(catalog, "Background", "Contexto", context="paragraph")
    catalog = run(template, catalog)
    assert entry(catalog, "Background", "heading").string == "Antecedentes"
    assert entry(catalog, "Background", "paragraph").string == "Contexto"
    assert state(catalog, "Background", "paragraph#2") == EntryState.MACHINE


def test_machine_records_are_never_wrapped_so_they_parse_again():
    template = template_for("A sentence.")
    catalog = run(template, None)
    message = entry(catalog, "A sentence.")
    long_provenance = Provenance("argos", "translate-en_es-with-a-rather-long-model-name", "1.9.6-post1")
    record = catalogs.MachineRecord(long_provenance, catalogs.text_hash(message.string), "0123456789")
    message.auto_comments = [c for c in message.auto_comments if not catalogs.MachineRecord.parse(c)] + [
        record.render()
    ]
    again = as_file(catalog)
    assert catalogs.machine_record(entry(again, "A sentence.")) == record
    assert state(again, "A sentence.") == EntryState.MACHINE


# Translator text: letters, accents, quotes, backslashes, code-like markup, newlines, tabs.
TRANSLATIONS = st.text(
    alphabet=st.sampled_from(list("aeñ ÁÜ«»\"'\\<>/12&#\n\t.:;~%") + ["\r"]), min_size=1, max_size=40
)


@settings(max_examples=60, deadline=None)
@given(TRANSLATIONS, TRANSLATIONS, st.booleans())
def test_any_translator_text_reads_back_exactly_from_the_po_file(text, previous, fuzzy):
    catalog = catalogs.merge(template_for("One sentence here."), None, ES).catalog
    message = entry(catalog, "One sentence here.")
    message.string = text
    message.user_comments = ["newsloc: ignore glossary"]
    if fuzzy:
        message.flags.add("fuzzy")
        message.previous_id = [previous]
    catalog.obsolete[("Gone" + previous, "paragraph")] = catalogs.Message(
        "Gone" + previous, text, flags={"fuzzy"} if fuzzy else set(), context="paragraph"
    )
    again = as_file(catalog)
    reread = entry(again, "One sentence here.")
    assert reread.string == text and reread.fuzzy == fuzzy
    assert list(reread.previous_id) == ([previous] if fuzzy else [])
    assert reread.user_comments == ["newsloc: ignore glossary"]
    gone = obsolete(again, "Gone" + previous)
    assert gone.string == text and gone.fuzzy == fuzzy
    assert po.render(again) == po.render(catalog)


# ---------------------------------------------------------------- random sequences

SUBJECTS = ["The minister", "Mexico's president", "A regional outlet", "The <1>senate</1>"]
VERBS = ["rejected", "welcomed", "discussed"]
OBJECTS = ["the plan", "any intervention", "new tariffs<2/>"]
DAYS = ["Monday", "Tuesday", "Friday"]


def sentence(subject: int, verb: int, obj: int, day: int) -> str:
    return f"{SUBJECTS[subject]} {VERBS[verb]} {OBJECTS[obj]} on {DAYS[day]}."


SENTENCE = st.tuples(
    st.integers(0, len(SUBJECTS) - 1),
    st.integers(0, len(VERBS) - 1),
    st.integers(0, len(OBJECTS) - 1),
    st.integers(0, len(DAYS) - 1),
)


def human_work(catalog: Catalog) -> dict[tuple[str, str], str]:
    """Every translation a person wrote or approved, active and obsolete: key → text."""
    return {
        catalogs.key_of(message): message.string
        for message in [*catalog.obsolete.values(), *(m for m in catalog if m.id)]
        if catalogs.entry_state(message) in (EntryState.REVIEWED, EntryState.DRAFT)
    }


def _get(key: tuple[str, str]) -> tuple[str, str | None]:
    return key[0], key[1] or None


class Newsroom(RuleBasedStateMachine):
    """An article edited, re-run and translated in every order; nobody's work may be lost.

    ``approved`` is the model: what translators approved (key → text), kept by the test
    from their actions alone, never read back from the catalog it checks.
    """

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[tuple[int, int, int, int]] = []
        self.removed: list[tuple[int, int, int, int]] = []
        self.catalog: Catalog | None = None
        self.translator = Translator(RecordingEngine(), ES)
        self.approved: dict[tuple[str, str], str] = {}

    def template(self) -> Catalog:
        return template_for(*(sentence(*block) for block in self.blocks))

    @initialize(
        blocks=st.lists(SENTENCE, min_size=2, max_size=6),
        reviews=st.lists(st.one_of(st.none(), TRANSLATIONS), min_size=6, max_size=6),
    )
    def first_build_and_review(self, blocks, reviews):
        """A first build, then a translator reviews most entries (None: left as the machine's)."""
        self.blocks = list(blocks)
        self.rerun(retranslate=False)
        for at, text in enumerate(reviews[: len(self.blocks)]):
            if text is not None:
                self.translator_edits_po(at, text, review=True)

    # English changes, each maybe followed by a build
    @rule(block=SENTENCE, at=st.integers(0, 20), build=st.booleans())
    def add_sentence(self, block, at, build):
        self.blocks.insert(at % (len(self.blocks) + 1), block)
        self.maybe_rerun(build)

    @precondition(lambda self: self.blocks)
    @rule(at=st.integers(0, 20), slot=st.integers(0, 3), value=st.integers(0, 3), build=st.booleans())
    def edit_sentence(self, at, slot, value, build):
        block = list(self.blocks[at % len(self.blocks)])
        block[slot] = value % (len(SUBJECTS), len(VERBS), len(OBJECTS), len(DAYS))[slot]
        self.blocks[at % len(self.blocks)] = tuple(block)
        self.maybe_rerun(build)

    @precondition(lambda self: self.blocks)
    @rule(at=st.integers(0, 20), build=st.booleans())
    def remove_sentence(self, at, build):
        self.removed.append(self.blocks.pop(at % len(self.blocks)))
        self.maybe_rerun(build)

    @precondition(lambda self: self.removed)
    @rule(at=st.integers(0, 20), build=st.booleans())
    def restore_sentence(self, at, build):
        self.blocks.insert(at % (len(self.blocks) + 1), self.removed.pop())
        self.maybe_rerun(build)

    @rule(seed=st.randoms(use_true_random=False), build=st.booleans())
    def reorder(self, seed, build):
        seed.shuffle(self.blocks)
        self.maybe_rerun(build)

    def maybe_rerun(self, build: bool) -> None:
        if build:
            self.rerun(retranslate=False)

    # Runs: merge + translate pending, written and read back
    @rule(retranslate=st.booleans())
    def rerun(self, retranslate):
        before = self.catalog
        work = human_work(before) if before is not None else {}
        asked_before = len(self.translator.engine.asked)
        template = self.template()
        result = refresh(template, before, ES, self.translator, retranslate=retranslate)
        after = as_file(result.catalog)
        # Only untranslated entries and machine drafts go to the engine.
        for key in result.translated:
            old = before.get(*_get(key)) if before is not None else None
            assert old is None or catalogs.entry_state(old) in (EntryState.UNTRANSLATED, EntryState.MACHINE), key
        assert len(self.translator.engine.asked) == asked_before + len(result.translated)
        for name in ("fuzzy_matched", "revived", "obsoleted"):
            event(f"{name}: {'yes' if getattr(result.merged, name) else 'no'}")
        self.check_nothing_lost(work, template, after)
        self.catalog = after

    def check_nothing_lost(self, work, template: Catalog, after: Catalog) -> None:
        """Each person's text is where the guarantees say; nothing unapproved is shown as reviewed."""
        in_template = {catalogs.key_of(m) for m in template if m.id}
        for key, text in work.items():
            current = after.get(*_get(key))
            if key in in_template:  # same English: same text, same state
                assert current is not None and current.string == text, key
                expected = EntryState.REVIEWED if self.approved.get(key) == text else EntryState.DRAFT
                assert catalogs.entry_state(current) == expected, key
                continue
            carried = [m for m in after if m.id and m.fuzzy and m.string == text and list(m.previous_id) == [key[0]]]
            gone = after.obsolete.get(key)
            assert carried or (gone is not None and gone.string == text), f"lost {key}: {text!r}"
            if not (gone is not None and gone.string == text):
                self.approved.pop(key, None)  # now a draft of another sentence
        for message in after:
            if message.id and catalogs.entry_state(message) == EntryState.REVIEWED:
                key = catalogs.key_of(message)
                assert self.approved.get(key) == message.string, f"{key} shown reviewed, never approved"

    # Translators
    def pick(self, at: int):
        messages = [m for m in self.catalog if m.id]
        return messages[at % len(messages)]

    @precondition(lambda self: self.catalog is not None and any(m.id for m in self.catalog))
    @rule(at=st.integers(0, 50), text=TRANSLATIONS, review=st.booleans())
    def translator_edits_po(self, at, text, review):
        message = self.pick(at)
        key = catalogs.key_of(message)
        self.catalog = translator_edit(self.catalog, message.id, text, message.context, review=review)
        if review:
            self.approved[key] = text
        else:
            self.approved.pop(key, None)

    @precondition(lambda self: self.catalog is not None and any(m.id for m in self.catalog))
    @rule(at=st.integers(0, 50), text=TRANSLATIONS, approve=st.booleans())
    def translator_edits_xliff(self, at, text, approve):
        data = xliff.export_xliff(self.catalog, ES, str(PO_PATH))
        untouched = xliff.import_units(self.catalog, xliff.parse_xliff(data, Path("a.xlf")), Path("a.xlf"))
        assert untouched.changed == 0
        assert po.render(untouched.catalog) == po.render(self.catalog)
        message = self.pick(at)
        key, old_text = catalogs.key_of(message), xliff.canonical(message.string or "")
        edited = edit_one_unit(data, at, text, approve)
        result = xliff.import_units(self.catalog, xliff.parse_xliff(edited, Path("a.xlf")), Path("a.xlf"))
        self.catalog = as_file(result.catalog)
        new_text = self.catalog.get(*_get(key)).string
        assert new_text == xliff.canonical(text.replace("\r", "\n"))
        if approve:
            self.approved[key] = new_text
        elif new_text != old_text:
            self.approved.pop(key, None)
        event(f"xliff import: {'approved' if approve else 'changed' if new_text != old_text else 'untouched'}")

    @invariant()
    def catalog_reads_back_identically(self):
        if self.catalog is not None:
            text = po.render(self.catalog)
            assert po.render(po.parse(text, PO_PATH)) == text


def edit_one_unit(data: bytes, at: int, text: str, approve: bool) -> bytes:
    """A CAT tool: one unit's target replaced (plain text), approved or left for review."""
    from lxml import etree

    root = etree.fromstring(data)
    units = root.findall(f".//{xliff.q('trans-unit')}")
    unit = units[at % len(units)]
    target = unit.find(xliff.q("target"))
    if target is None:
        target = etree.Element(xliff.q("target"))
        unit.find(xliff.q("source")).addnext(target)
    for child in list(target):
        target.remove(child)
    target.text = text.replace("\r", "\n")  # XML parsers turn a bare CR into LF
    target.set("state", "final" if approve else "translated")
    if approve:
        unit.set("approved", "yes")
    elif "approved" in unit.attrib:
        del unit.attrib["approved"]
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


Newsroom.TestCase.settings = settings(
    max_examples=30, stateful_step_count=14, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
test_nobody_loses_work = Newsroom.TestCase
