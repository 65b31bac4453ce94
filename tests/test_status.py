"""Status counts: segments by state, source words, flags by severity, share reviewed."""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from pathlib import Path

from babel.messages.catalog import Catalog

from pipeline import catalog as catalogs
from pipeline import po, review
from pipeline.build import BuildOptions, build
from pipeline.config import load_config
from pipeline.model import Block, BlockKind, Document, Flag, Locale, Provenance, Severity
from pipeline.segment import segment_document
from pipeline.source import SourceArticle
from pipeline.status import StatusRow, format_table, row_for, source_words, status_rows

ES = Locale("es")
SLUG = "mexico-rejects-us-intervention"


def source_for(*paragraphs: str) -> SourceArticle:
    blocks = tuple(Block(BlockKind.PARAGRAPH, text, line) for line, text in enumerate(paragraphs, start=1))
    document = Document("a", "articles/a.txt", blocks)
    segments = segment_document(document)
    template = catalogs.build_template(document, segments)
    return SourceArticle(Path("articles/a.txt"), "\n".join(paragraphs), document, tuple(segments), {}, template)


def template_for(*paragraphs: str) -> Catalog:
    return source_for(*paragraphs).template


def test_source_words_do_not_count_codes():
    assert source_words("Read <1>the full report</1> now.<2/>") == 5


def test_row_counts_every_state_and_the_flags_a_build_would_give():
    source = source_for("One two three.", "Four five.", "Six.", "Seven eight nine ten.")
    catalog = catalogs.merge(source.template, None, ES).catalog
    machine = catalog.get("One two three.", context="paragraph")
    machine.string, machine.flags = "[Uno dos tres]", {"fuzzy"}
    machine.auto_comments += [
        catalogs.MachineRecord(Provenance("pseudo"), catalogs.text_hash(machine.string)).render(),
        # an engine's signal is kept with its draft; a stale check result is not believed
        catalogs.render_flag(Flag("unknown-word", Severity.WARNING, "Apertium does not know “tres”", word="tres")),
        catalogs.render_flag(Flag("glossary", Severity.ERROR, "a term is missing")),
    ]
    draft = catalog.get("Four five.", context="paragraph")
    draft.string, draft.flags = "Cuatro cinco (borrador).", {"fuzzy"}
    draft.auto_comments.append(catalogs.render_flag(Flag("length", Severity.INFO, "longer than usual")))
    catalog.get("Six.", context="paragraph").string = "Seis."
    existing = po.parse(po.render(catalog), Path("a.po"))
    row = row_for(source, ES, existing)
    views = review.annotate(existing, source.segments, {}, ES)
    expected = Counter(flag.severity for view in views for flag in view.flags)
    assert expected[Severity.WARNING] >= 1 and expected[Severity.ERROR] == 0
    assert row == StatusRow(
        slug="a",
        locale="es",
        segments=4,
        words=10,
        reviewed=1,
        machine=1,
        draft=1,
        untranslated=1,
        errors=expected[Severity.ERROR],
        warnings=expected[Severity.WARNING],
        infos=expected[Severity.INFO],
    )
    assert row.percent_reviewed == 25.0


def test_row_without_a_catalog_is_all_untranslated():
    row = row_for(source_for("One. Two."), ES, None)
    assert (row.segments, row.untranslated, row.reviewed, row.percent_reviewed) == (2, 2, 0, 0.0)


def test_row_counts_what_the_next_build_starts_from():
    """A sentence added to the article since the last build counts as untranslated."""
    catalog = catalogs.merge(template_for("One."), None, ES).catalog
    catalog.get("One.", context="paragraph").string = "Uno."
    row = row_for(source_for("One.", "Two."), ES, catalog)
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
    if shutil.which("msgmerge"):  # a gettext merge drops every flag comment: the count stays
        pot = project / "locales" / f"{SLUG}.pot"
        subprocess.run(["msgmerge", "-q", "--previous", "-U", "--backup=none", str(po_path), str(pot)], check=True)
        assert "#. flag:" not in po_path.read_text(encoding="utf-8")
        assert status_rows(config, (), (ES,)) == [es]


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
