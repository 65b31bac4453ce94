"""Source flags reach the segments; target flags are recomputed and written into the catalog."""

from pipeline import lint
from pipeline.readers.text import read_text
from pipeline.review import attach_to_segments, source_review
from pipeline.segment import segment_document


def test_every_source_flag_lands_on_a_segment(sample_text):
    document = read_text(sample_text, "a.txt", "a")
    segments = segment_document(document)
    flags = lint.lint_text(sample_text, "a.txt")
    attached = attach_to_segments(sample_text, segments, flags)
    landed = {(f.code, f.message, f.line) for fs in attached.values() for f in fs}
    assert landed == {(f.code, f.message, f.line) for f in flags}


def test_straddling_flag_goes_to_the_segment_where_it_starts(sample_text):
    document = read_text(sample_text, "a.txt", "a")
    segments = segment_document(document)
    fixed, flags = source_review(sample_text, document, segments)
    by_text = {s.text: s for s in fixed}
    glued = by_text[
        "The report, published November 4th, 2025, detailed alleged proposals from US Republicans "
        "advocating for direct military action against Mexican drug cartels."
    ]
    codes = [f.code for f in flags[glued.key + "\x00" + glued.text]]
    assert "missing-space" in codes


def test_engine_gets_the_fixed_text(sample_text):
    document = read_text(sample_text, "a.txt", "a")
    fixed, _ = source_review(sample_text, document, segment_document(document))
    lead = fixed[0]
    assert lead.text.startswith("Mexico‘s") and lead.text_for_engine.startswith("Mexico’s")


def test_every_flag_code_the_pipeline_raises_is_described():
    from pipeline.review import flag_descriptions

    described = flag_descriptions()
    for code in (
        "glossary",
        "inline-code",
        "low-confidence",
        "unknown-word",
        "placeholder",
        "target-spelling",
        "french-spacing",
        "toc-mismatch",
        "house-style",
    ):
        assert described[code]
