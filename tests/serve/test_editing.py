"""Edits applied to the PO: text, reviewed/draft, silenced flags, conflicts, refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.serving import FIXED_TEXT, FLAGGED_SOURCE, SLUG, po_path

from pipeline.catalog import entry_state
from pipeline.config import load_config
from pipeline.model import MAX_TRANSLATION_CHARS, EntryState, InputError, Locale
from pipeline.po import parse as parse_catalog
from pipeline.serve.editing import Edit, EditConflict, Silence, Workspace, version_of

ES = Locale("es")


def workspace(project: Path) -> Workspace:
    return Workspace(load_config(project), (ES,))


def view_of(state, source: str = FLAGGED_SOURCE):
    return next(view for view in state.article.views if view.segment.text == source)


def entry(project: Path, source: str = FLAGGED_SOURCE):
    catalog = parse_catalog(po_path(project).read_text(encoding="utf-8"), po_path(project))
    return next(message for message in catalog if message.id == source)


def test_reviewed_edit_is_stored_not_fuzzy_and_its_engine_flag_is_gone(served_project):
    space = workspace(served_project)
    before = space.load(SLUG, ES)
    assert "unknown-word" in {flag.code for flag in view_of(before).flags}
    after = space.save(SLUG, ES, Edit("paragraph", FLAGGED_SOURCE, FIXED_TEXT, reviewed=True), before.version)
    view = view_of(after)
    assert (view.target, view.state, view.flags) == (FIXED_TEXT, EntryState.REVIEWED, ())
    message = entry(served_project)
    assert message.string == FIXED_TEXT and not message.fuzzy
    assert after.version == version_of(po_path(served_project).read_text(encoding="utf-8")) != before.version
    assert sum(v.state == EntryState.REVIEWED for v in after.article.views) == 1  # nothing else touched


def test_back_to_draft_keeps_the_text_fuzzy(served_project):
    space = workspace(served_project)
    state = space.save(
        SLUG, ES, Edit("paragraph", FLAGGED_SOURCE, FIXED_TEXT, reviewed=True), space.load(SLUG, ES).version
    )
    state = space.save(SLUG, ES, Edit("paragraph", FLAGGED_SOURCE, reviewed=False), state.version)
    assert view_of(state).state == EntryState.DRAFT
    message = entry(served_project)
    assert message.fuzzy and message.string == FIXED_TEXT and entry_state(message) == EntryState.DRAFT


def test_an_edit_that_adds_a_problem_is_flagged_at_once(served_project):
    space = workspace(served_project)
    text = "El sentimiento no se limita a México"  # the full stop is gone
    state = space.save(SLUG, ES, Edit("paragraph", FLAGGED_SOURCE, text, reviewed=False), space.load(SLUG, ES).version)
    assert "end-punctuation" in {flag.code for flag in view_of(state).flags}
    assert "end-punctuation" in po_path(served_project).read_text(encoding="utf-8")


def test_silencing_a_flag_writes_the_ignore_comment_with_its_reason(served_project):
    space = workspace(served_project)
    state = space.load(SLUG, ES)
    edit = Edit("paragraph", FLAGGED_SOURCE, silence=Silence("unknown-word", "checked: the desk keeps it"))
    state = space.save(SLUG, ES, edit, state.version)
    assert "unknown-word" not in {flag.code for flag in view_of(state).flags}
    message = entry(served_project)
    assert "newsloc: ignore unknown-word — checked: the desk keeps it" in message.user_comments
    assert message.fuzzy  # silencing is no review
    state = space.save(SLUG, ES, edit, state.version)  # twice: one comment
    assert entry(served_project).user_comments.count("newsloc: ignore unknown-word — checked: the desk keeps it") == 1


def test_a_save_after_another_tool_changed_the_po_is_refused_and_nothing_is_overwritten(served_project):
    space = workspace(served_project)
    state = space.load(SLUG, ES)
    po = po_path(served_project)
    theirs = po.read_text(encoding="utf-8").replace(
        'msgstr "El sentiment no es aislado a México."', 'msgstr "Poedit: su texto."'
    )
    po.write_text(theirs, encoding="utf-8")
    with pytest.raises(EditConflict) as refused:
        space.save(SLUG, ES, Edit("paragraph", FLAGGED_SOURCE, FIXED_TEXT, reviewed=True), state.version)
    assert "changed on disk since this page was loaded" in str(refused.value)
    assert refused.value.current is not None and refused.value.current.text == "Poedit: su texto."
    assert po.read_text(encoding="utf-8") == theirs


def test_a_poedit_save_made_just_before_the_browser_saves_replace_is_kept(served_project, monkeypatch):
    """Poedit saves after every check of ours but before the rename: write_atomic's last compare keeps it."""
    import pipeline.project as project_module

    space = workspace(served_project)
    state = space.load(SLUG, ES)
    po = po_path(served_project)
    records = po.with_name(f"{SLUG}.machine.json")
    records_before = records.read_bytes()
    theirs = po.read_text(encoding="utf-8").replace(
        'msgstr "El sentiment no es aislado a México."', 'msgstr "Poedit: guardado a la vez."'
    )
    real_write = project_module.write_if_changed

    def poedit_saves_first(*args, **kwargs):
        po.write_text(theirs, encoding="utf-8")  # no lock of ours: Poedit does not know about it
        return real_write(*args, **kwargs)

    monkeypatch.setattr(project_module, "write_if_changed", poedit_saves_first)
    with pytest.raises(EditConflict) as refused:
        space.save(SLUG, ES, Edit("paragraph", FLAGGED_SOURCE, FIXED_TEXT, reviewed=True), state.version)
    assert refused.value.current is not None and refused.value.current.text == "Poedit: guardado a la vez."
    assert po.read_text(encoding="utf-8") == theirs
    assert records.read_bytes() == records_before  # Poedit's drafts keep their machine records
    assert [p.name for p in po.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_hostile_text_is_stored_as_text(served_project):
    space = workspace(served_project)
    hostile = '<script>alert(1)</script> <a href="javascript:alert(2)">mira</a> & <1>x</1>'
    state = space.save(
        SLUG, ES, Edit("paragraph", FLAGGED_SOURCE, hostile, reviewed=True), space.load(SLUG, ES).version
    )
    assert entry(served_project).string == hostile
    assert view_of(state).target == hostile


REFUSED = [
    (Edit("paragraph", FLAGGED_SOURCE, "", reviewed=True), "empty translation cannot be marked reviewed"),
    (Edit("paragraph", "Not in the article.", "x"), "no longer in the article"),
    (Edit("paragraph", FLAGGED_SOURCE, "a\x00b"), "control characters"),
    (Edit("paragraph", FLAGGED_SOURCE, "x" * (MAX_TRANSLATION_CHARS + 1)), "longer than"),
    (Edit("paragraph", FLAGGED_SOURCE, silence=Silence("unknown-word", " ")), "give a reason"),
    (Edit("paragraph", FLAGGED_SOURCE, silence=Silence("unknown-word", "two\nlines")), "give a reason"),
    (Edit("paragraph", FLAGGED_SOURCE, silence=Silence("Bad Code!", "why")), "flag code"),
]


@pytest.mark.parametrize(("edit", "message"), REFUSED)
def test_bad_edits_are_refused_before_any_write(served_project, edit, message):
    space = workspace(served_project)
    state = space.load(SLUG, ES)
    before = po_path(served_project).read_bytes()
    with pytest.raises(InputError, match=message):
        space.save(SLUG, ES, edit, state.version)
    assert po_path(served_project).read_bytes() == before


def test_an_unbuilt_locale_says_to_build_it(served_project):
    space = Workspace(load_config(served_project), (Locale("de"),))
    with pytest.raises(InputError, match="run newsloc build --lang de first"):
        space.load(SLUG, Locale("de"))


def test_a_page_is_recomputed_exactly_when_its_catalog_or_article_changed(served_project):
    space = workspace(served_project)
    first = space.load(SLUG, ES)
    assert space.load(SLUG, ES) is first
    po = po_path(served_project)
    po.write_text(po.read_text(encoding="utf-8").replace("El sentiment no es", "El sentir no es"), encoding="utf-8")
    second = space.load(SLUG, ES)
    assert second is not first and view_of(second).target == "El sentir no es aislado a México."
    article = served_project / "articles" / f"{SLUG}.txt"
    article.write_text(article.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    third = space.load(SLUG, ES)
    assert len(third.article.views) == len(second.article.views) + 1
