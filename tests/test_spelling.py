"""Hunspell through enchant (spylls as fallback): dictionary choice, lazy loading, word splitting, the word list."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from pipeline import spelling
from pipeline.model import ConfigError


@pytest.mark.parametrize(
    ("tag", "name"),
    [("en", "en_US"), ("es", "es_ES"), ("es-MX", "es_MX"), ("fr", "fr_FR"), ("pt-BR", "pt_BR"), ("fr-CA", "fr_CA")],
)
def test_dictionary_for_each_locale(tag: str, name: str) -> None:
    assert spelling.dictionary_name(tag) == name
    assert spelling.available(tag)


def test_missing_dictionary_is_a_config_error_naming_the_locale() -> None:
    with pytest.raises(ConfigError, match="xx-YY"):
        spelling.dictionary_name("xx-YY")
    assert not spelling.available("xx-YY")
    with pytest.raises(ConfigError, match="zz_ZZ"):
        spelling.load_dictionary("zz_ZZ")


def test_dictionary_is_loaded_once_and_regions_sharing_files_share_it() -> None:
    first = spelling.load_dictionary("es_ES")
    assert spelling.load_dictionary("es_ES") is first
    assert spelling.load_dictionary("es_MX") is first  # es_MX.dic is a symlink to es_ES.dic


def test_native_hunspell_checks_words_when_enchant_is_installed() -> None:
    assert spelling.backend() == "enchant"
    assert spelling.backend_note() == ""
    assert spelling.load_dictionary("en_US").backend == "enchant"


def test_a_dictionary_is_loaded_only_when_a_word_needs_checking() -> None:
    spelling.forget_dictionaries()
    assert spelling.misspellings("AMLO 4th EE UU", "pt_BR") == []  # nothing here needs a dictionary
    assert spelling.proper_stems("en_US")  # read from the .dic file, no load
    assert spelling.LOADED == []
    assert not spelling.is_correct("intervençãoo", "pt_BR")
    assert spelling.LOADED == ["pt_BR"]


def test_spylls_is_the_fallback_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(spelling.SPELLER_VARIABLE, "spylls")
    spelling._enchant_broker.cache_clear()
    spelling.forget_dictionaries()
    try:
        assert spelling.backend() == "spylls"
        assert "spylls" in spelling.backend_note() and "libenchant-2-2" in spelling.backend_note()
        assert spelling.load_dictionary("en_US").backend == "spylls"
        assert spelling.is_correct("their", "en_US") and not spelling.is_correct("thier", "en_US")
        assert spelling.suggestions("thier", "en_US", limit=1) == ("their",)
    finally:
        monkeypatch.delenv(spelling.SPELLER_VARIABLE)
        spelling._enchant_broker.cache_clear()
        spelling.forget_dictionaries()
        spelling.fingerprint.cache_clear()


def test_dictionary_fingerprint_names_the_backend_and_files() -> None:
    assert spelling.fingerprint("es_ES") == spelling.fingerprint("es_MX")  # one file
    assert spelling.fingerprint("es_ES") != spelling.fingerprint("fr_FR")


def test_words_skip_codes_urls_emails_and_brackets() -> None:
    text = "See <1>the report</1> at https://example.com/a-b or mail press@example.org [Insert name] now’s"
    assert [word.text for word in spelling.words(text)] == ["See", "the", "report", "at", "or", "mail", "now’s"]
    word = next(spelling.words("  Brazil’s"))
    assert (word.start, word.end) == (2, 10)


@pytest.mark.parametrize("word", ["their", "Washington’s", "anti-communist", "fentanyl-related", "Obrador’s", "Québec"])
def test_correct_words(word: str) -> None:
    assert spelling.is_correct(word, "en_US")


@pytest.mark.parametrize("word", ["thier", "andrés", "Xqzzyv"])
def test_incorrect_words(word: str) -> None:
    assert not spelling.is_correct(word, "en_US")


@pytest.mark.parametrize("word", ["AMLO", "AMLO’s", "4th", "19th", "a", "EE"])
def test_acronyms_numbers_and_letters_are_not_checked(word: str) -> None:
    assert not spelling.needs_checking(word)


def test_misspellings_report_offsets_and_honour_ignore() -> None:
    text = "Leaders express concern over thier affairs and Zorblatt."
    found = spelling.misspellings(text, "en_US")
    assert [(m.word, text[m.start : m.end]) for m in found] == [("thier", "thier"), ("Zorblatt", "Zorblatt")]
    assert [m.word for m in spelling.misspellings(text, "en_US", ignore=frozenset({"zorblatt"}))] == ["thier"]


def test_suggestions_are_limited() -> None:
    hints = spelling.suggestions("thier", "en_US", limit=2)
    assert hints[0] == "their" and len(hints) == 2


def test_project_word_list_holds_names_and_phrases() -> None:
    assert {"Obrador", "López", "Québec", "da"} <= spelling.project_words()
    assert "Lula da Silva" in spelling.project_names()
    assert "Council on Foreign Relations" in spelling.project_names()
    assert "Québec" in spelling.project_single_names()
    assert not any(" " in name for name in spelling.project_single_names())


def test_proper_stems_are_the_capitalized_dictionary_entries() -> None:
    stems = spelling.proper_stems("en_US")
    assert {"Brazil", "American", "Latin"} <= stems
    assert "president" not in stems


def test_target_dictionaries_know_their_language() -> None:
    assert spelling.is_correct("intervención", "es_ES")
    assert spelling.is_correct("l’intervention", "fr_FR")
    assert not spelling.is_correct("intervenção", "es_ES")


def test_a_personal_enchant_word_list_changes_no_flag(tmp_path):
    if spelling.backend() != "enchant":
        pytest.skip("native Hunspell (libenchant-2-2) is not installed")
    (tmp_path / "enchant").mkdir()
    (tmp_path / "enchant" / "en_US.dic").write_text("thier\n", encoding="utf-8")  # gedit's "Add to dictionary"
    # A fresh process: glib reads the user's config folder once per process.
    probe = "from pipeline import spelling; d = spelling.load_dictionary('en_US'); print(d.lookup('thier'), d.lookup('their'))"
    environment = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path), "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", probe], env=environment, capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "True"]
