"""Status counts: segments by state, source words, flags by severity, share reviewed."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog

from pipeline import catalog as catalogs
from pipeline import po
from pipeline.build import BuildOptions, build
from pipeline.config import load_config
from pipeline.model import Block, BlockKind, Document, Flag, Locale, Provenance, Severity
from pipeline.segment import segment_document
from pipeline.status import StatusRow, format_table, row_for, source_words, status_rows

ES = Locale("es")
SLUG = "mexico-rejects-us-intervention"


def template_for(*paragraphs: str) -> Catalog:
    blocks = tuple(Block(BlockKind.PARAGRAPH, text, line) for line, text in enumerate(paragraphs, start=1))
    document = Document("a", "articles/a.txt", blocks)
    return catalogs.build_template(document, segment_document(document))


def test_source_words_do_not_count_codes():
    assert source_words("Read <1>the full report</1> now.<2/>") == 5


def test_row_counts_every_state_and_flag():
    template = template_for("One two three.", "Four five.", "Six.", "Seven eight nine ten.")
    catalog = catalogs.merge(template, None, ES).catalog
    machine = catalog.get("One two three.", context="paragraph")
    machine.string, machine.flags = "[Uno dos tres]", {"fuzzy"}
    machine.auto_comments += [
        catalogs.MachineRecord(Provenance("pseudo"), catalogs.text_hash(machine.string)).render(),
        catalogs.render_flag(Flag("glossary", Severity.ERROR, "a term is missing")),
        catalogs.render_flag(Flag("end-punctuation", Severity.WARNING, "no final punctuation")),
    ]
    draft = catalog.get("Four five.", context="paragraph")
    draft.string, draft.flags = "Cuatro cinco (borrador).", {"fuzzy"}
    draft.auto_comments.append(catalogs.render_flag(Flag("length", Severity.INFO, "longer than usual")))
    catalog.get("Six.", context="paragraph").string = "Seis."
    existing = po.parse(po.render(catalog), Path("a.po"))
    row = row_for("a", ES, template, existing)
    assert row == StatusRow(
        slug="a",
        locale="es",
        segments=4,
        words=10,
        reviewed=1,
        machine=1,
        draft=1,
        untranslated=1,
        errors=1,
        warnings=1,
        infos=1,
    )
    assert row.percent_reviewed == 25.0


def test_row_without_a_catalog_is_all_untranslated():
    row = row_for("a", ES, template_for("One. Two."), None)
    assert (row.segments, row.untranslated, row.reviewed, row.percent_reviewed) == (2, 2, 0, 0.0)


def test_row_counts_what_the_next_build_starts_from():
    """A sentence added to the article since the last build counts as untranslated."""
    catalog = catalogs.merge(template_for("One."), None, ES).catalog
    catalog.get("One.", context="paragraph").string = "Uno."
    row = row_for("a", ES, template_for("One.", "Two."), catalog)
    assert (row.segments, row.reviewed, row.untranslated) == (2, 1, 1)


def test_status_of_a_built_project_matches_its_catalog(project):
    config = load_config(project)
    build(config, [], BuildOptions(locales=(ES,), engine="pseudo", write_html=False))
    po_path = project / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po"
    catalog = po.parse(po_path.read_text(encoding="utf-8"), po_path)
    entries = [m for m in catalog if m.id]
    first = entries[0]
    first.flags.discard("fuzzy")
    po_path.write_text(po.render(catalog), encoding="utf-8")

    rows = status_rows(config, (), (ES, Locale("fr")))
    assert [(row.slug, row.locale) for row in rows] == [(SLUG, "es"), (SLUG, "fr")]
    es, fr = rows
    assert (es.segments, es.reviewed, es.machine, es.draft, es.untranslated) == (
        len(entries),
        1,
        len(entries) - 1,
        0,
        0,
    )
    assert es.words == sum(source_words(m.id) for m in entries)
    flags = [flag for m in entries for flag in catalogs.entry_flags(m)]
    assert (es.errors, es.warnings, es.infos) == tuple(
        sum(flag.severity == severity for flag in flags)
        for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO)
    )
    assert es.warnings > 0
    assert (fr.untranslated, fr.reviewed) == (len(entries), 0)
    assert not (project / "locales" / "fr").exists()  # status reads, never writes


def test_table_has_a_header_and_one_aligned_line_per_row():
    rows = [
        StatusRow("a", "es", 4, 10, 1, 1, 1, 1, 1, 1, 1),
        StatusRow("a-longer-slug", "pt-BR", 12, 100, 12, 0, 0, 0, 0, 0, 0),
    ]
    lines = format_table(rows).splitlines()
    assert len(lines) == 3 and lines[0].startswith("article")
    assert lines[1].endswith("25.0") and lines[2].endswith("100.0")
    assert lines[0].index("locale") == lines[1].index("es") == lines[2].index("pt-BR")
    assert len({len(line) for line in lines}) == 1  # numbers right-aligned to the last column
