"""The SQLite index: exact and fuzzy lookups, incremental refresh, a cache that rebuilds itself."""

from __future__ import annotations

from pathlib import Path

from pipeline.memory.index import MemoryIndex
from pipeline.memory.leverage import LocaleMatches, conflict_flag, differences, reuse, suggestions
from pipeline.memory.units import Origin, Unit
from pipeline.model import Locale

ES = Locale("es")


def unit(source: str, target: str, document: str = "a", entry: str = "paragraph", locale: str = "es") -> Unit:
    return Unit(source, target, locale, Origin(document, entry))


def filled(*units: Unit, file: str = "locales/es/LC_MESSAGES/a.po") -> MemoryIndex:
    index = MemoryIndex()
    index.replace_files([(file, "1:1", list(units))])
    return index


def test_exact_lookup_is_per_locale_and_case_sensitive():
    index = filled(
        unit("The summit ended.", "La cumbre terminó."), unit("The summit ended.", "Le sommet.", locale="fr")
    )
    assert [u.target for u in index.exact("The summit ended.", "es")] == ["La cumbre terminó."]
    assert index.exact("the summit ended.", "es") == []
    assert [u.target for u in index.exact("The summit ended.", "FR")] == ["Le sommet."]


def test_fuzzy_lookup_ranks_similar_sentences_and_drops_the_rest():
    index = filled(
        unit("Balancing Destabilization and Support", "Entre la desestabilización y el apoyo"),
        unit("Balancing the budget is hard", "Equilibrar el presupuesto es difícil"),
        unit("A completely different sentence about fishing.", "Otra frase."),
    )
    [match] = index.fuzzy("Balancing Destabilization and Economic Support", "es")
    assert match.unit.target == "Entre la desestabilización y el apoyo" and 75 <= match.score < 100
    assert index.fuzzy("Balancing Destabilization and Support", "es") == []  # the exact source is no suggestion
    assert index.fuzzy("Balancing Destabilization and Economic Support", "fr") == []


def test_refresh_replaces_a_changed_file_and_forgets_a_removed_one():
    index = filled(unit("Old sentence here.", "Frase vieja."))
    index.replace_files([("locales/es/LC_MESSAGES/a.po", "2:2", [unit("New sentence here.", "Frase nueva.")])])
    assert index.exact("Old sentence here.", "es") == []
    assert index.stamps() == {"locales/es/LC_MESSAGES/a.po": "2:2"}
    # the word index forgot it too
    assert [m.unit.target for m in index.fuzzy("Old sentence here!", "es")] == ["Frase nueva."]
    index.replace_files([], removed=["locales/es/LC_MESSAGES/a.po"])
    assert index.counts().units == 0 and index.stamps() == {}


def test_a_damaged_cache_file_is_rebuilt(tmp_path: Path):
    path = tmp_path / "memory.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    index = MemoryIndex(path)
    index.replace_files([("a.po", "1:1", [unit("Hello there.", "Hola.")])])
    index.close()
    assert [u.target for u in MemoryIndex(path).exact("Hello there.", "es")] == ["Hola."]


def test_counts_are_distinct_translations():
    index = filled(unit("A b c d.", "X."), unit("A b c d.", "X.", document="b"), unit("E f g h.", "Y.", locale="fr"))
    counts = index.counts()
    assert counts.units == 2 and dict(counts.by_locale) == {"es": 1, "fr": 1}


# ---------------------------------------------------------------- leverage (pure)


def matches(exact=(), fuzzy=()) -> LocaleMatches:
    return LocaleMatches("es", {"S": tuple(exact)}, {"S": tuple(fuzzy)})


def test_agreeing_translations_are_reused_and_disagreeing_ones_are_a_conflict():
    agree = matches([unit("S", "T", "b"), unit("S", "T", "a")])
    assert reuse(agree, "S").origin == Origin("a", "paragraph") and conflict_flag(agree, "S") is None
    disagree = matches([unit("S", "T1", "a"), unit("S", "T2", "b", "lead")])
    assert reuse(disagree, "S") is None
    flag = conflict_flag(disagree, "S")
    assert flag.code == "tm-conflict" and "“T1” (a paragraph)" in flag.message and "“T2” (b lead)" in flag.message


def test_differences_name_numbers_codes_and_glossary_terms():
    from pipeline.glossary import load

    glossary = load(Path(__file__).resolve().parents[2] / "glossary" / "newsloc.tbx")
    old = unit("In <1>2024</1> the summit met.", "En <1>2024</1> la cumbre se reunió.")
    notes = differences("In 2025 the summit met.", old, ES)
    assert "numbers differ: 2024 → 2025" in notes and "codes differ: </1><1> → none" in notes
    faq = unit("Frequently asked Questions today", "Preguntas hoy")
    assert any(note.startswith("glossary: ") for note in differences("Frequently asked Questions", faq, ES, glossary))


def test_a_suggestion_equal_to_the_current_text_is_not_repeated():
    from pipeline.memory.index import Match

    found = matches(fuzzy=[Match(90, unit("S2", "T"))])
    assert suggestions(found, "S", "T", ES) == ()
    assert [s.target for s in suggestions(found, "S", "other", ES)] == ["T"]


def test_words_the_memory_never_saw_find_nothing():
    index = filled(unit("The summit ended.", "La cumbre terminó."))
    assert index.fuzzy("Zzyzx qwerty", "es") == [] and index.fuzzy("!!!", "es") == []


def test_a_sentence_of_common_words_still_finds_its_paraphrase(monkeypatch):
    import pipeline.memory.index as index_module

    monkeypatch.setattr(index_module, "COMMON_FLOOR", 0)  # every word counts as common
    monkeypatch.setattr(index_module, "RANKED_MATCHES", 1)  # and no match set is small enough to rank
    index = filled(
        unit("Share your thoughts in the comments below!", "¡Opine abajo!"),
        *(unit(f"Share item {n} in the list.", f"Elemento {n}.") for n in range(20)),
    )
    [match] = index.fuzzy("Share your thoughts in the comments below.", "es")
    assert match.unit.target == "¡Opine abajo!"
