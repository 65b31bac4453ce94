"""`newsloc xliff export|import` and `newsloc status` on a real project (pseudo engine)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from pipeline import catalog as catalogs
from pipeline import po, xliff
from pipeline.build import BuildOptions, build
from pipeline.cli.segments import status
from pipeline.cli.segments import xliff as xliff_group
from pipeline.config import load_config
from pipeline.model import EntryState, Locale

ES = Locale("es")
SLUG = "mexico-rejects-us-intervention"


@pytest.fixture
def built(project: Path) -> Path:
    build(load_config(project), [], BuildOptions(locales=(ES,), engine="pseudo", write_html=False))
    return project


def po_path(project: Path) -> Path:
    return project / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po"


def xlf_path(project: Path) -> Path:
    return project / "locales" / "es" / f"{SLUG}.xlf"


def read_po(project: Path):
    return po.parse(po_path(project).read_text(encoding="utf-8"), po_path(project))


def invoke(command, *args: str):
    return CliRunner().invoke(command, list(args))


def export(project: Path):
    result = invoke(xliff_group, "export", "--lang", "es", "--project", str(project))
    assert result.exit_code == 0, result.output
    return result


def units(project: Path) -> list[etree._Element]:
    return list(etree.parse(str(xlf_path(project))).getroot().iter(xliff.q("trans-unit")))


def save(project: Path, tree_root: etree._Element) -> None:
    xlf_path(project).write_bytes(etree.tostring(tree_root, xml_declaration=True, encoding="UTF-8"))


# ---------------------------------------------------------------- export


def test_export_writes_one_unit_per_catalog_entry(built):
    result = export(built)
    entries = [m for m in read_po(built) if m.id]
    assert result.output.strip() == f"wrote locales/es/{SLUG}.xlf ({len(entries)} units)"
    assert [u.get("id") for u in units(built)] == [xliff.unit_id(m) for m in entries]
    assert not [p for p in built.rglob("*.tmp")]


def test_export_before_any_build_says_what_to_run(project):
    result = invoke(xliff_group, "export", "--lang", "es", "--project", str(project))
    assert result.exit_code == 2
    assert result.stderr.strip().endswith("no catalog yet; run `newsloc build --lang es` first")
    assert not xlf_path(project).exists()


def test_export_of_every_locale_skips_the_ones_not_built_yet(built):
    result = invoke(xliff_group, "export", "--project", str(built))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:] == [
        f"skipped locales/{tag}/LC_MESSAGES/{SLUG}.po: not built yet" for tag in ("fr", "pt-BR")
    ]
    assert xlf_path(built).exists() and not (built / "locales" / "fr").exists()


# ---------------------------------------------------------------- import


def test_import_brings_approvals_and_edits_back_and_a_rebuild_keeps_them(built):
    export(built)
    root = etree.parse(str(xlf_path(built))).getroot()
    first, second, third = list(root.iter(xliff.q("trans-unit")))[:3]
    first.set("approved", "yes")
    first.find(xliff.q("target")).set("state", "final")
    second.find(xliff.q("target")).text = "Esta afirmación llega en un momento de escrutinio."
    second.find(xliff.q("target")).set("state", "translated")
    save(built, root)
    before = {catalogs.key_of(m): (m.string, catalogs.entry_state(m)) for m in read_po(built) if m.id}

    result = invoke(xliff_group, "import", str(xlf_path(built)), "--project", str(built))
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        f"locales/es/LC_MESSAGES/{SLUG}.po: 1 reviewed, 1 drafts, 0 comments updated, from {len(before)} units"
    )
    if shutil.which("msgfmt"):
        subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po_path(built))], check=True)
    build(load_config(built), [], BuildOptions(locales=(ES,), engine="pseudo", write_html=False))
    after = {catalogs.key_of(m): (m.string, catalogs.entry_state(m)) for m in read_po(built) if m.id}
    ids = {xliff.unit_id(m): catalogs.key_of(m) for m in read_po(built) if m.id}
    approved, edited = ids[first.get("id")], ids[second.get("id")]
    assert after[approved] == (before[approved][0], EntryState.REVIEWED)
    assert after[edited] == ("Esta afirmación llega en un momento de escrutinio.", EntryState.DRAFT)
    assert {k: v for k, v in after.items() if k not in (approved, edited)} == {
        k: v for k, v in before.items() if k not in (approved, edited)
    }
    assert ids[third.get("id")] in after


def break_id(root):
    next(root.iter(xliff.q("trans-unit"))).set("id", "ffffffffffffffff")


def break_source(root):
    next(root.iter(xliff.q("trans-unit"))).find(xliff.q("source")).text = "Someone edited the English."


@pytest.mark.parametrize(
    "damage, words",
    [
        (break_id, "is not in the catalog"),
        (break_source, "differs from the catalog's English"),
        (None, "not well-formed XML"),
    ],
)
def test_a_bad_import_is_one_line_naming_the_file_and_line_and_writes_nothing(built, damage, words):
    export(built)
    if damage is None:
        xlf_path(built).write_bytes(xlf_path(built).read_bytes().replace(b"</body>", b"</bod>"))
    else:
        root = etree.parse(str(xlf_path(built))).getroot()
        damage(root)
        root.iter(xliff.q("trans-unit")).__next__().set("approved", "yes")
        save(built, root)
    before = po_path(built).read_bytes()
    result = invoke(xliff_group, "import", str(xlf_path(built)), "--project", str(built))
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert re.match(rf"newsloc: {re.escape(str(xlf_path(built)))}:\d+: ", line), line
    assert words in line
    assert po_path(built).read_bytes() == before


def test_an_export_older_than_the_article_is_refused(built):
    export(built)
    article = built / "articles" / f"{SLUG}.txt"
    article.write_text(
        article.read_text(encoding="utf-8").replace("firmly dismissed", "firmly rejected"), encoding="utf-8"
    )
    build(load_config(built), [], BuildOptions(locales=(ES,), engine="pseudo", write_html=False))
    before = po_path(built).read_bytes()
    result = invoke(xliff_group, "import", str(xlf_path(built)), "--project", str(built))
    assert result.exit_code == 2 and "is not in the catalog" in result.stderr
    assert po_path(built).read_bytes() == before


def test_import_of_a_missing_file_is_one_line(built):
    result = invoke(xliff_group, "import", str(built / "nope.xlf"), "--project", str(built))
    assert result.exit_code == 2 and "no such XLIFF file" in result.stderr


# ---------------------------------------------------------------- status


def test_status_prints_a_table_and_json(built):
    table = invoke(status, "--project", str(built))
    assert table.exit_code == 0, table.output
    lines = table.output.strip().splitlines()
    assert lines[0].split()[:4] == ["article", "locale", "segments", "words"]
    assert [line.split()[1] for line in lines[1:]] == ["es", "fr", "pt-BR"]
    as_json = invoke(status, "--json", "--lang", "es", "--project", str(built))
    [row] = json.loads(as_json.output)
    entries = [m for m in read_po(built) if m.id]
    assert (row["slug"], row["locale"], row["segments"], row["machine"], row["reviewed"]) == (
        SLUG,
        "es",
        len(entries),
        len(entries),
        0,
    )
    assert row["percent_reviewed"] == 0.0 and row["warnings"] > 0
