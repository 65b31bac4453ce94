"""`newsloc tm export|import|stats`, and the exported TMX in Translate Toolkit and OmegaT."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import SAMPLE_SLUG
from tests_helpers import OMEGAT_PROJECT, invoke

from pipeline import catalog as catalogs
from pipeline import po
from pipeline.memory import tmx
from pipeline.memory.units import Origin, Unit

from .test_build_memory import REVIEWED, po_path, review_entries


@pytest.fixture
def reviewed(project: Path) -> Path:
    """The sample built in Spanish and French (pseudo), five Spanish and one French entry reviewed."""
    assert invoke(project, "build", "--engine", "pseudo", "--lang", "es").exit_code == 0
    assert invoke(project, "build", "--engine", "pseudo", "--lang", "fr").exit_code == 0
    review_entries(po_path(project, SAMPLE_SLUG), REVIEWED)
    french = project / "locales" / "fr" / "LC_MESSAGES" / f"{SAMPLE_SLUG}.po"
    review_entries(french, {"Share your thoughts in the comments below!": "Donnez votre avis ci-dessous !"})
    return project


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
            and ".newsloc" not in p.parts}  # fmt: skip


def test_export_writes_one_unit_per_reviewed_translation(reviewed: Path, tmp_path: Path):
    target = tmp_path / "out" / "memory.tmx"
    result = invoke(reviewed, "tm", "export", str(target))
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"wrote {target} (6 units)"
    units = tmx.parse_tmx(target.read_bytes(), "memory.tmx").units
    assert {(u.locale, u.source, u.target) for u in units} == {("es", s, t) for s, t in REVIEWED.items()} | {
        ("fr", "Share your thoughts in the comments below!", "Donnez votre avis ci-dessous !")
    }
    assert all(u.origin.document == SAMPLE_SLUG for u in units)
    only_es = invoke(reviewed, "tm", "export", "--lang", "es", str(target))
    assert "(5 units)" in only_es.output


def test_reimporting_the_export_changes_nothing(reviewed: Path, tmp_path: Path):
    target = tmp_path / "memory.tmx"
    invoke(reviewed, "tm", "export", str(target))
    before = snapshot(reviewed)
    stats_before = invoke(reviewed, "tm", "stats", "--json").output
    result = invoke(reviewed, "tm", "import", str(target))
    assert result.exit_code == 0, result.output
    assert "0 new unit(s), 6 already known; nothing written" in result.output
    assert snapshot(reviewed) == before
    assert invoke(reviewed, "tm", "stats", "--json").output == stats_before


def test_import_adds_new_units_to_tm_and_the_next_build_uses_them(reviewed: Path, tmp_path: Path):
    vendor = tmp_path / "vendor.tmx"
    units = [
        Unit("Mexico rejects US intervention", "México rechaza la intervención de EE. UU.", "es-ES", Origin("x", "1")),
        Unit(next(iter(REVIEWED)), REVIEWED[next(iter(REVIEWED))], "es", Origin("y", "2")),
    ]
    vendor.write_bytes(tmx.render_tmx(units))
    result = invoke(reviewed, "tm", "import", str(vendor))
    assert result.exit_code == 0, result.output
    assert "1 new unit(s), 1 already known; wrote tm/vendor.tmx" in result.output
    stored = tmx.parse_tmx((reviewed / "tm" / "vendor.tmx").read_bytes(), "tm/vendor.tmx").units
    assert [(u.locale, u.source) for u in stored] == [("es", "Mexico rejects US intervention")]
    stats = invoke(reviewed, "tm", "stats")
    assert stats.exit_code == 0
    assert "7 unit(s) from 3 file(s): 6 from catalogs, 1 from TMX" in stats.output and "es: 6" in stats.output
    (reviewed / "articles" / "short.txt").write_text("Mexico rejects US intervention\n", encoding="utf-8")
    assert invoke(reviewed, "build", "--engine", "pseudo", "--lang", "es", "articles/short.txt").exit_code == 0
    message = po.parse(po_path(reviewed, "short").read_text(encoding="utf-8"), po_path(reviewed, "short"))
    entry = next(m for m in message if m.id == "Mexico rejects US intervention")
    assert entry.string == "México rechaza la intervención de EE. UU." and entry.fuzzy
    assert catalogs.machine_record(entry).provenance.model == "x"


@pytest.mark.parametrize(
    "content",
    [
        b"<tmx><body><tu>",
        b'<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<tmx version="1.4"><body><tu><tuv xml:lang="en"><seg>&b;</seg></tuv>'
        b'<tuv xml:lang="es"><seg>x</seg></tuv></tu></body></tmx>',
    ],
)
def test_a_bad_tmx_is_one_line_and_nothing_is_written(reviewed: Path, tmp_path: Path, content: bytes):
    bad = tmp_path / "bad.tmx"
    bad.write_bytes(content)
    before = snapshot(reviewed)
    result = invoke(reviewed, "tm", "import", str(bad))
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1 and result.output.startswith(f"newsloc: {bad}:")
    assert snapshot(reviewed) == before and not (reviewed / "tm").exists()


def test_a_bad_tmx_in_tm_stops_the_build_before_any_write(reviewed: Path):
    (reviewed / "tm").mkdir()
    (reviewed / "tm" / "broken.tmx").write_text("<tmx><body>", encoding="utf-8")
    before = snapshot(reviewed)
    result = invoke(reviewed, "build", "--engine", "pseudo", "--lang", "es")
    assert result.exit_code == 2 and "tm/broken.tmx:" in result.output and "not well-formed" in result.output
    assert snapshot(reviewed) == before


def test_missing_file_is_one_line(project: Path):
    result = invoke(project, "tm", "import", "nowhere.tmx")
    assert result.exit_code == 2 and "no such TMX file" in result.output


def test_translate_toolkit_reads_the_same_number_of_units(reviewed: Path, tmp_path: Path):
    from translate.storage.tmx import tmxfile

    target = tmp_path / "memory.tmx"
    invoke(reviewed, "tm", "export", str(target))
    with open(target, "rb") as handle:
        store = tmxfile(handle)
    ours = tmx.parse_tmx(target.read_bytes(), "memory.tmx").units
    assert len(store.units) == len(ours) == 6
    assert {(u.source, u.target) for u in store.units} == {(u.source, u.target) for u in ours}


# Runs on OmegaT's project events: prints how many entries each memory in tm/ holds.
COUNT_SCRIPT = """if (eventType.toString() == "LOAD") {
  project.getTransMemories().each { k, v -> println("TMCOUNT\\t" + k + "\\t" + v.getEntries().size()) }
}
"""
OMEGAT_JAR = Path("/usr/share/omegat/OmegaT.jar")


@pytest.mark.skipif(not OMEGAT_JAR.exists() or not shutil.which("java"), reason="OmegaT (Debian omegat) missing")
def test_omegat_loads_the_export_from_a_project_tm_folder(reviewed: Path, tmp_path: Path):
    omegat = tmp_path / "omegat-project"
    for folder in ("source", "target", "tm", "glossary", "dictionary", "omegat"):
        (omegat / folder).mkdir(parents=True)
    (omegat / "omegat.project").write_text(OMEGAT_PROJECT, encoding="utf-8")
    (omegat / "source" / "a.txt").write_text("Nothing to translate here.\n", encoding="utf-8")
    script = tmp_path / "count.groovy"
    script.write_text(COUNT_SCRIPT, encoding="utf-8")
    exported = omegat / "tm" / "newsloc.tmx"
    assert invoke(reviewed, "tm", "export", "--lang", "es", str(exported)).exit_code == 0
    run = subprocess.run(
        ["java", "-Djava.awt.headless=true", "-jar", str(OMEGAT_JAR), "--mode=console-translate",
         f"--config-dir={tmp_path / 'omcfg'}", "--no-team", "--disable-project-locking", "--quiet",
         f"--script={script}", str(omegat)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert run.returncode == 0 and "TF_TM_LOAD_ERROR" not in run.stderr, run.stderr[-2000:]
    counts = {
        Path(line.split("\t")[1]).name: int(line.split("\t")[2])
        for line in run.stdout.splitlines()
        if line.startswith("TMCOUNT\t")
    }
    assert counts == {"newsloc.tmx": len(tmx.parse_tmx(exported.read_bytes(), "x").units)} == {"newsloc.tmx": 5}


def test_a_tmx_linked_from_outside_the_project_is_refused(reviewed: Path, tmp_path: Path):
    outside = tmp_path.parent / f"{tmp_path.name}-outside.tmx"
    outside.write_bytes(tmx.render_tmx([Unit("A", "B", "es", Origin("x", "1"))]))
    (reviewed / "tm").mkdir()
    (reviewed / "tm" / "linked.tmx").symlink_to(outside)
    result = invoke(reviewed, "tm", "stats")
    assert result.exit_code == 2 and "tm/linked.tmx: lies outside the project" in result.output


def test_a_huge_tmx_is_refused_on_import_without_reading_it(reviewed: Path, tmp_path: Path):
    big = tmp_path / "big.tmx"
    with open(big, "wb") as handle:
        handle.truncate(tmx.MAX_TMX_BYTES + 1)
    result = invoke(reviewed, "tm", "import", str(big))
    assert result.exit_code == 2 and "larger than 100 MB" in result.output
    assert not (reviewed / "tm").exists()
