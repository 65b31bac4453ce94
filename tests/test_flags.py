"""The flag registry: every code the pipeline raises is listed once, described, and raised where it says."""

from __future__ import annotations

import re
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path

import pytest

from pipeline import catalog, checks, flags
from pipeline.model import Flag, Severity
from pipeline.review import ENGINE_FLAG_CODES, flag_descriptions

PACKAGE = Path(flags.__file__).parent
# How modules raise a code: flags.make / registry.make("code", …), Check("code", …), _flag("code", …).
RAISED = re.compile(r"""(?:\bmake|\bCheck|\b_flag)\(\s*["']([a-z][a-z-]*)["']""")


def pipeline_sources() -> dict[str, str]:
    return {
        ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts): path.read_text(encoding="utf-8")
        for path in PACKAGE.rglob("*.py")
    }


def test_codes_are_unique_and_fully_described() -> None:
    assert len(flags.REGISTRY) == len(flags.FLAG_CODES)
    for entry in flags.FLAG_CODES:
        assert re.fullmatch(r"[a-z]+(?:-[a-z]+)*", entry.code), entry.code
        assert isinstance(entry.severity, Severity)
        assert entry.description and entry.sides and entry.raised_by, entry.code


def test_every_code_a_module_raises_is_registered() -> None:
    raised = {code for text in pipeline_sources().values() for code in RAISED.findall(text)}
    assert raised, "the pattern found no flag at all"
    assert raised <= set(flags.REGISTRY), raised - set(flags.REGISTRY)


def test_no_module_builds_a_flag_from_a_literal_code() -> None:
    """Flags are made through the registry, so each gets its registered severity."""
    literal = re.compile(r"""\bFlag\(\s*["']""")
    offenders = [name for name, text in pipeline_sources().items() if literal.search(text)]
    assert offenders == []


def test_each_registered_raiser_mentions_its_code() -> None:
    sources = pipeline_sources()
    for entry in flags.FLAG_CODES:
        for module in entry.raised_by:
            if find_spec(module) is None:
                continue  # a module another branch adds (the translation memory)
            text = sources[module]
            mentioned = f'"{entry.code}"' in text or (entry.mark and "by_mark" in text)
            assert mentioned, f"{module} is said to raise {entry.code} but never names it"


def test_unknown_codes_cannot_be_raised() -> None:
    with pytest.raises(flags.UnknownFlagCode):
        flags.make("no-such-code", "message")


def test_make_uses_the_registered_severity_unless_told() -> None:
    assert flags.make("untranslated", "no translation").severity == Severity.ERROR
    assert flags.make("spelling", "a name?", severity=Severity.INFO).severity == Severity.INFO


def test_one_code_per_problem_for_a_decoding_loop() -> None:
    assert "repetition-loop" not in flags.REGISTRY
    assert {"checks", "argos"} <= {module.rsplit(".", 1)[-1] for module in flags.info("repetition").raised_by}


def test_legend_and_engine_codes_come_from_the_registry() -> None:
    assert flag_descriptions() == flags.descriptions()
    assert set(flag_descriptions()) == set(flags.REGISTRY)
    assert {e.code for e in flags.FLAG_CODES if flags.Side.ENGINE in e.sides} == ENGINE_FLAG_CODES
    assert {"unknown-word", "low-confidence", "repetition", "input-truncated", "empty-output"} <= ENGINE_FLAG_CODES
    every_check = {check.code for check in checks.CHECKS}
    assert every_check <= set(flags.REGISTRY)


def test_marks_are_registered_with_their_symbol() -> None:
    assert {symbol: entry.code for symbol, entry in flags.by_mark().items()} == {
        "*": "unknown-word",
        "#": "generation-error",
        "@": "transfer-error",
    }


@pytest.mark.parametrize("word", ["backyard", "Lula da Silva", ""])
def test_the_word_survives_the_catalog_comment(word: str) -> None:
    flag = flags.make("unknown-word", f"Apertium does not know “{word}”", word=word)
    parsed = catalog.parse_flag(catalog.render_flag(flag))
    assert parsed == Flag(flag.code, flag.severity, flag.message, word=word)


def test_old_comments_without_a_word_still_parse() -> None:
    parsed = catalog.parse_flag("flag: glossary (warning) — expected “patio trasero” for “backyard”")
    assert parsed == Flag("glossary", Severity.WARNING, "expected “patio trasero” for “backyard”")
    # An engine mark written before flags carried their word: its quoted word is read once, at parse.
    legacy = catalog.parse_flag("flag: unknown-word (warning) — Apertium does not know “sentiment”; check this word")
    assert legacy is not None and legacy.word == "sentiment"


def test_engines_flag_the_word_itself() -> None:
    apertium = import_module("pipeline.engines.apertium")
    marks = import_module("pipeline.marks")
    clean, found = marks.strip_marks_as_flags("El *backyard de #vino", apertium.MARKS, "The backyard of wine")
    assert clean == "El backyard de vino"
    assert [(f.code, f.word) for f in found] == [("unknown-word", "backyard"), ("generation-error", "vino")]
