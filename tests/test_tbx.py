"""TBX and CSV reading/writing, merge, errors, and catalogs for the report."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from pipeline.glossary import find_terms
from pipeline.glossary_report import glossary_report
from pipeline.model import InputError
from pipeline.tbx import (
    csv_text,
    export_csv,
    parse_tbx,
    read_tbx,
    tbx_text,
)
from pipeline.tbx_merge import import_csv

REPO_GLOSSARY = Path(__file__).resolve().parent.parent / "glossary" / "newsloc.tbx"

MINIMAL = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="en"><text><body>
  <termEntry id="backyard">
    <langSet xml:lang="en">
      <tig><term>backyard</term><termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig>
      <tig><term>backyards</term><note>plural</note></tig>
    </langSet>
    <langSet xml:lang="es">
      <tig><term>patio trasero</term><termNote type="grammaticalGender">masculine</termNote>
        <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig>
    </langSet>
  </termEntry>
</body></text></martif>
"""


# ---------------------------------------------------------------- the project glossary

MISSION_TERMS = {
    "backyard": {"es": "patio trasero", "fr": "arrière-cour", "pt-BR": "quintal"},
    "hugs, not bullets": {
        "es": "abrazos, no balazos",
        "fr": "des câlins, pas des balles",
        "pt-BR": "abraços, não balas",
    },
}
REQUIRED_ENGLISH = [
    "Monroe Doctrine", "sphere of influence", "land invasion", "self-determination", "National Guard",
    "drug cartels", "drug cartel", "cartels", "fentanyl", "precursor chemicals", "special forces",
    "midterm elections", "State Department", "U.S. Department of State", "Council on Foreign Relations",
    "organized crime", "drug trafficking", "national sovereignty",
]  # fmt: skip
DO_NOT_TRANSLATE = ["Andrés Manuel López Obrador", "López Obrador", "AMLO", "Lula da Silva",
                    "Le Journal de Québec", "Dijon", "Trump", "Washington"]  # fmt: skip


def test_project_glossary_has_the_mission_terms_for_every_locale():
    glossary = read_tbx(REPO_GLOSSARY)
    for english, expected in MISSION_TERMS.items():
        (match,) = find_terms(glossary, english)
        for locale, term in expected.items():
            assert match.entry.rendering(locale).form(False) == term
    for english in REQUIRED_ENGLISH:
        (match,) = find_terms(glossary, english)
        assert match.text == english
        assert all(match.entry.rendering(loc) for loc in ("es", "fr", "pt-BR")), english
    for name in DO_NOT_TRANSLATE:
        (match,) = find_terms(glossary, name)
        assert match.entry.dnt and match.text == name


def test_project_glossary_is_written_exactly_as_the_writer_lays_it_out():
    assert tbx_text(read_tbx(REPO_GLOSSARY)) == REPO_GLOSSARY.read_text(encoding="utf-8")


def test_regional_langset_overrides_the_language():
    glossary = read_tbx(REPO_GLOSSARY)
    (match,) = find_terms(glossary, "drug cartels")
    assert match.entry.rendering("pt-BR").plural == "cartéis de drogas"
    assert match.entry.rendering("pt-PT").plural == "cartéis de droga"


def test_minimal_tbx_reads_forms_plurals_and_gender():
    (entry,) = parse_tbx(MINIMAL.encode()).entries
    assert [(f.text, f.plural) for f in entry.english] == [("backyard", False), ("backyards", True)]
    assert entry.rendering("es").singular == "patio trasero"
    assert entry.rendering("es").gender == "masculine"
    assert not entry.dnt


# ---------------------------------------------------------------- malformed TBX

TWO_ENTRIES = MINIMAL.replace("</body>", MINIMAL[MINIMAL.index("  <termEntry") : MINIMAL.index("</body>")]
                              .replace('id="backyard"', 'id="other"') + "</body>")  # fmt: skip
BROKEN_TBX = [
    ("not XML", MINIMAL.replace("</langSet>", "", 1), "malformed TBX", 12),
    ("wrong root", MINIMAL.replace("martif", "tbx"), "expected <martif>", 2),
    ("no English", MINIMAL.replace('<langSet xml:lang="en">', '<langSet xml:lang="de">'), "no English term", 3),
    ("empty term", MINIMAL.replace("<term>backyards</term>", "<term> </term>"), "tig without a term", 6),
    ("duplicate English", TWO_ENTRIES, "also in entry backyard", TWO_ENTRIES[: TWO_ENTRIES.index('id="other"')].count("\n") + 1),
]  # fmt: skip


@pytest.mark.parametrize(("case", "text", "message", "line"), BROKEN_TBX, ids=[c[0] for c in BROKEN_TBX])
def test_malformed_tbx_names_file_and_line(case, text, message, line):
    with pytest.raises(InputError) as raised:
        parse_tbx(text.encode(), "g.tbx")
    assert message in raised.value.message
    assert raised.value.path == "g.tbx"
    assert raised.value.line == line


# ---------------------------------------------------------------- CSV


def test_csv_round_trip_keeps_everything_csv_can_say(tmp_path):
    first, tbx, second = tmp_path / "a.csv", tmp_path / "new.tbx", tmp_path / "b.csv"
    count = export_csv(REPO_GLOSSARY, first)
    assert import_csv(tbx, first) == (count, 0)
    export_csv(tbx, second)
    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")
    assert first.read_text(encoding="utf-8").splitlines()[0] == "en,es,fr,pt-BR,pt,variants,dnt,note"


def test_import_merges_into_existing_entries_and_adds_new_ones(tmp_path):
    tbx = tmp_path / "g.tbx"
    tbx.write_text(MINIMAL, encoding="utf-8")
    csv = tmp_path / "g.csv"
    csv.write_text("en,es,fr,pt-BR,variants,dnt,note\n"
                   "backyard,,[f] arrière-cour|pl:arrière-cours,,,,\n"
                   "Dijon,,,,,yes,City in France\n", encoding="utf-8")  # fmt: skip
    assert import_csv(tbx, csv) == (1, 1)
    backyard, dijon = read_tbx(tbx).entries
    assert backyard.rendering("es").singular == "patio trasero"  # empty cell kept the TBX value
    assert backyard.rendering("fr").plural == "arrière-cours"
    assert [f.text for f in backyard.english] == ["backyard", "backyards"]  # empty variants kept
    assert dijon.dnt and dijon.note == "City in France"
    assert "[m] patio trasero" in csv_text(read_tbx(tbx))


BROKEN_CSV = [
    ("no en column", "english,es\nbackyard,patio\n", "no “en” column", 1),
    ("unknown column", "en,es,colour\nbackyard,patio,red\n", "unknown CSV column “colour”", 1),
    ("bad dnt", "en,dnt\nbackyard,yes\nDijon,maybe\n", "dnt must be yes or no", 3),
    ("short row", "en,es,fr\nbackyard,patio\n", "row has 2 cells", 2),
    ("no English", "en,es\n,patio\n", "no English term", 2),
    ("twice", "en,es\nbackyard,a\nBackyard,b\n", "appears twice", 3),
    ("bad gender", "en,es\nbackyard,[x] patio\n", "unknown gender mark", 2),
]


@pytest.mark.parametrize(("case", "text", "message", "line"), BROKEN_CSV, ids=[c[0] for c in BROKEN_CSV])
def test_malformed_csv_names_row_and_writes_nothing(tmp_path, case, text, message, line):
    tbx = tmp_path / "g.tbx"
    tbx.write_text(MINIMAL, encoding="utf-8")
    csv = tmp_path / "bad.csv"
    csv.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        import_csv(tbx, csv)
    assert message in raised.value.message
    assert (raised.value.path, raised.value.line) == (str(csv), line)
    assert tbx.read_text(encoding="utf-8") == MINIMAL
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "g.tbx"]  # no temp file left


RICH = """<?xml version="1.0" encoding="UTF-8"?>
<!-- kept: a comment from the terminology team -->
<martif type="TBX-Basic" xml:lang="en">
  <martifHeader><fileDesc><sourceDesc><p>Newsroom terms</p></sourceDesc></fileDesc></martifHeader>
  <text>
    <body>
      <termEntry id="backyard">
        <descrip type="subjectField">politics</descrip>
        <transacGrp><transac type="transactionType">origination</transac><date>2025-01-02</date></transacGrp>
        <note>Used for US-Latin America relations.</note>
        <langSet xml:lang="en">
          <tig><term>backyard</term>
            <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote>
          </tig>
        </langSet>
        <langSet xml:lang="es">
          <descrip type="context">México no es el patio trasero de nadie.</descrip>
          <tig><term>patio trasero</term>
            <termNote type="grammaticalGender">masculine</termNote>
            <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote>
            <admin type="source">El País style guide</admin>
            <note>checked by the desk</note>
          </tig>
        </langSet>
      </termEntry>
    </body>
  </text>
</martif>
"""


def test_import_keeps_what_newsloc_does_not_model(tmp_path):
    tbx, csv = tmp_path / "g.tbx", tmp_path / "g.csv"
    tbx.write_text(RICH, encoding="utf-8")
    csv.write_text("en,es,fr\nbackyard,,[f] arrière-cour\nsovereignty,[f] soberanía,\n", encoding="utf-8")
    assert import_csv(tbx, csv) == (1, 1)
    text = tbx.read_text(encoding="utf-8")
    for kept in (
        "<!-- kept: a comment from the terminology team -->",
        "<p>Newsroom terms</p>",
        '<descrip type="subjectField">politics</descrip>',
        '<transac type="transactionType">origination</transac><date>2025-01-02</date>',
        '<descrip type="context">México no es el patio trasero de nadie.</descrip>',
        '<admin type="source">El País style guide</admin>',
        "<note>checked by the desk</note>",
        "<note>Used for US-Latin America relations.</note>",
    ):
        assert kept in text
    glossary = parse_tbx(text.encode(), tbx)
    entries = {entry.id: entry for entry in glossary.entries}
    renderings = dict(entries["backyard"].renderings)
    assert renderings["es"].singular == "patio trasero" and renderings["fr"].singular == "arrière-cour"
    assert renderings["fr"].gender == "feminine"
    assert dict(entries["sovereignty"].renderings)["es"].singular == "soberanía"
    csv.write_text("en,es\nbackyard,[m] traspatio\n", encoding="utf-8")  # a changed term: its tig is new
    assert import_csv(tbx, csv) == (0, 1)
    text = tbx.read_text(encoding="utf-8")
    assert "<term>traspatio</term>" in text and "<term>patio trasero</term>" not in text
    assert '<descrip type="context">' in text and '<descrip type="subjectField">politics</descrip>' in text


def test_export_of_a_malformed_tbx_writes_nothing(tmp_path):
    tbx = tmp_path / "g.tbx"
    tbx.write_text(MINIMAL.replace("</martif>", ""), encoding="utf-8")
    with pytest.raises(InputError):
        export_csv(tbx, tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()


# ---------------------------------------------------------------- catalogs


def write_catalog(path: Path, entries, locale=None):
    catalog = Catalog(locale=locale)
    for context, source, target in entries:
        catalog.add(source, target, context=context, locations=[("articles/a.txt", 1)])
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog)


def small_catalogs(root: Path) -> Path:
    locales = root / "locales"
    write_catalog(locales / "a.pot", [("paragraph", "The backyard.", ""), ("heading", "Drug cartels", ""),
                                      ("paragraph#2", "No terms.", "")])  # fmt: skip
    write_catalog(locales / "es" / "LC_MESSAGES" / "a.po",
                  [("paragraph", "The backyard.", "El patio trasero."), ("heading", "Drug cartels", "Cárteles"),
                   ("paragraph#2", "No terms.", "Nada.")], "es")  # fmt: skip
    write_catalog(locales / "fr" / "LC_MESSAGES" / "a.po", [("paragraph", "The backyard.", "L'arrière-cour.")], "fr")
    return locales


def test_report_reads_pot_and_po(tmp_path):
    tbx = tmp_path / "g.tbx"
    tbx.write_text(tbx_text(read_tbx(REPO_GLOSSARY)), encoding="utf-8")
    report = glossary_report(tbx, small_catalogs(tmp_path), ["es", "fr", "pt-BR"], ["a"])
    by_term = {t.term: dict(t.locales) for t in report.terms}
    assert set(by_term) == {"backyard", "drug cartel"}
    assert by_term["backyard"]["es"].adherence == 100.0
    assert by_term["drug cartel"]["es"].adherence == 0.0
    assert by_term["backyard"]["fr"].correct == 1
    assert by_term["backyard"]["pt-BR"].checked == 0  # no pt-BR catalog yet
    assert (dict(report.totals)["es"].correct, dict(report.totals)["es"].checked) == (1, 2)


def test_report_without_templates_says_so(tmp_path):
    with pytest.raises(InputError, match="no catalog templates"):
        glossary_report(REPO_GLOSSARY, tmp_path, ["es"])


def test_report_on_a_broken_po_names_the_file(tmp_path):
    locales = small_catalogs(tmp_path)
    broken = locales / "es" / "LC_MESSAGES" / "a.po"
    broken.write_text('msgid "x"\nmsgstr "y"\ngarbage line\n', encoding="utf-8")
    with pytest.raises(InputError) as raised:
        glossary_report(REPO_GLOSSARY, locales, ["es"])
    assert raised.value.path == str(broken)
