"""A careful human translation gets no warning or error about its target text.

tests/data/sample-reference.json is a reviewer's translation of the sample in es, fr
and pt-BR (glossary terms and correctly cased names included); the bench articles'
references are clean too. Any target warning or error on them is a false alarm.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.model import Locale, Severity
from pipeline.project import load_glossary
from pipeline.review import target_flags
from pipeline.source import analyse

REPO = Path(__file__).resolve().parent.parent
REFERENCES = [
    ("articles/mexico-rejects-us-intervention.txt", "tests/data/sample-reference.json"),
    ("bench/data/articles/latam-summit-security-pact.txt", "bench/data/articles/latam-summit-security-pact.refs.json"),
    ("bench/data/articles/brazil-amazon-trade-talks.md", "bench/data/articles/brazil-amazon-trade-talks.refs.json"),
]


@pytest.fixture(scope="module")
def analysed():
    config = load_config(REPO)
    glossary = load_glossary(config)
    return glossary, {article: analyse(config, REPO / article, glossary) for article, _ in REFERENCES}


@pytest.mark.parametrize("tag", ["es", "fr", "pt-BR"])
@pytest.mark.parametrize(("article", "references"), REFERENCES)
def test_a_clean_human_translation_gets_no_target_warning(analysed, article: str, references: str, tag: str) -> None:
    glossary, sources = analysed
    rows = json.loads((REPO / references).read_text(encoding="utf-8"))
    by_entry = {(row["msgctxt"] or "", row["msgid"]): row[tag] for row in rows}
    segments = sources[article].segments
    assert len(segments) == len(by_entry)
    alarms = [
        (segment.key, flag.code, flag.message)
        for segment in segments
        for flag in target_flags(segment, by_entry[(segment.key, segment.text)], Locale(tag), glossary, [])
        if flag.severity != Severity.INFO
    ]
    assert alarms == []
