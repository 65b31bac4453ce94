"""XLIFF as CAT tools hand it back: OmegaT console mode, Translate Toolkit, stale and copied targets."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree
from tests_helpers import OMEGAT_PROJECT, invoke

from pipeline import catalog as catalogs
from pipeline import po, xliff
from pipeline.model import EntryState

SLUG = "mexico-rejects-us-intervention"
OMEGAT_JAR = Path("/usr/share/omegat/OmegaT.jar")


def po_path(project: Path) -> Path:
    return project / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po"


def xlf_path(project: Path) -> Path:
    return project / "locales" / "es" / f"{SLUG}.xlf"


def states(project: Path) -> dict[EntryState, int]:
    catalog = po.parse(po_path(project).read_text(encoding="utf-8"), po_path(project))
    found = {state: 0 for state in EntryState}
    for message in catalog:
        if message.id:
            found[catalogs.entry_state(message)] += 1
    return found


@pytest.fixture
def built(project: Path) -> Path:
    result = invoke(project, "build", "--engine", "pseudo", "--lang", "es")
    assert result.exit_code == 0, result.output
    return project


def export(project: Path, *extra: str) -> etree._Element:
    result = invoke(project, "xliff", "export", "--lang", "es", *extra)
    assert result.exit_code == 0, result.output
    return etree.parse(str(xlf_path(project))).getroot()


def save(project: Path, root: etree._Element) -> None:
    xlf_path(project).write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def import_(project: Path):
    return invoke(project, "xliff", "import", str(xlf_path(project)))


def test_targets_equal_to_their_sources_are_no_translation(built):
    before = states(built)
    root = export(built)
    for unit in root.iter(xliff.q("trans-unit")):
        for old in unit.findall(xliff.q("target")):
            unit.remove(old)
        target = etree.SubElement(unit, xliff.q("target"), state="translated")
        source = unit.find(xliff.q("source"))
        target.text, target[:] = source.text, [etree.fromstring(etree.tostring(child)) for child in source]
    save(built, root)
    result = import_(built)
    assert result.exit_code == 0, result.output
    assert "0 reviewed, 0 drafts" in result.output
    assert states(built) == before and states(built)[EntryState.DRAFT] == 0


def test_an_old_export_does_not_freeze_its_machine_suggestions_as_a_persons_text(built):
    export(built)
    # The drafts change after the export (a glossary fix, another model): here, another engine.
    path = po_path(built)
    catalog = po.parse(path.read_text(encoding="utf-8"), path)
    for message in catalog:
        if message.id:
            message.string = f"{message.string} (nuevo)"
            record = catalogs.machine_record(message)
            assert record is not None
            fresh = catalogs.MachineRecord(record.provenance, catalogs.text_hash(message.string), record.terms)
            message.auto_comments = [*catalogs.template_comments(message), fresh.render()]
    path.write_text(po.render(catalog), encoding="utf-8")
    (path.parent / f"{SLUG}.machine.json").unlink()
    machine_before = states(built)[EntryState.MACHINE]
    result = import_(built)
    assert result.exit_code == 0, result.output
    assert "0 reviewed, 0 drafts" in result.output
    assert states(built)[EntryState.MACHINE] == machine_before


def test_a_changed_target_is_still_a_persons_draft(built):
    root = export(built)
    unit = next(root.iter(xliff.q("trans-unit")))
    target = unit.find(xliff.q("target"))
    target.text, target[:] = "Texto de una traductora.", []
    save(built, root)
    result = import_(built)
    assert "0 reviewed, 1 drafts" in result.output
    assert states(built)[EntryState.DRAFT] == 1


def test_a_target_language_other_than_the_catalogs_is_refused(built):
    root = export(built)
    root.find(xliff.q("file")).set("target-language", "fr")
    save(built, root)
    before = po_path(built).read_bytes()
    result = import_(built)
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert "target-language “fr” disagrees with the catalog it was exported from" in result.output
    assert po_path(built).read_bytes() == before


def test_translate_toolkit_reads_every_unit_and_location_as_plain_text(built):
    from translate.convert import xliff2po

    root = export(built)
    assert root.find(xliff.q("file")).get("datatype") == "plaintext"
    converted = xliff2po.xliff2po().convertstore(xlf_path(built).read_bytes())
    entries = [unit for unit in converted.units if not unit.isheader()]
    catalog = po.parse(po_path(built).read_text(encoding="utf-8"), po_path(built))
    messages = [m for m in catalog if m.id]
    assert len(entries) == len(messages)
    assert all(unit.getlocations() for unit in entries)
    assert {loc for unit in entries for loc in unit.getlocations()} == {
        f"{path}:{line}" for m in messages for path, line in m.locations
    }


# ---------------------------------------------------------------- OmegaT


def omegat_translate(folder: Path, xlf: Path, memory: dict[str, str]) -> Path:
    """Run OmegaT's console mode on one XLIFF file with ``memory`` as exact matches; its output file."""
    for name in ("source", "target", "tm/auto", "glossary", "dictionary", "omegat"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    (folder / "omegat.project").write_text(OMEGAT_PROJECT, encoding="utf-8")
    shutil.copy(xlf, folder / "source" / xlf.name)
    tmx = etree.Element("tmx", version="1.4")
    etree.SubElement(tmx, "header", creationtool="test", creationtoolversion="1", segtype="paragraph",
                     adminlang="en", srclang="en", datatype="plaintext", **{"o-tmf": "none"})  # fmt: skip
    body = etree.SubElement(tmx, "body")
    for source, target in memory.items():
        unit = etree.SubElement(body, "tu")
        for lang, text in (("en", source), ("es", target)):
            etree.SubElement(etree.SubElement(unit, "tuv", {f"{{{xliff.XML_NS}}}lang": lang}), "seg").text = text
    (folder / "tm" / "auto" / "auto.tmx").write_bytes(etree.tostring(tmx, xml_declaration=True, encoding="UTF-8"))
    run = subprocess.run(
        ["java", "-Djava.awt.headless=true", "-jar", str(OMEGAT_JAR), "--mode=console-translate",
         f"--config-dir={folder / 'config'}", "--no-team", "--disable-project-locking", "--quiet", str(folder)],
        capture_output=True, text=True, timeout=180, env={"PATH": "/usr/bin:/bin", "HOME": str(folder)},
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    return folder / "target" / xlf.name


@pytest.mark.skipif(not OMEGAT_JAR.is_file() or shutil.which("java") is None, reason="OmegaT is not installed")
def test_an_omegat_round_trip_brings_back_its_translation_and_nothing_else(built, tmp_path):
    """OmegaT 3.6 translates the text of <target>: export with --copy-source so every unit is a segment."""
    catalog = po.parse(po_path(built).read_text(encoding="utf-8"), po_path(built))
    first = next(m for m in catalog if m.id)
    # An untranslated unit for OmegaT to fill: clear one entry (as a new sentence would arrive).
    first.string = ""
    first.flags.discard("fuzzy")
    first.auto_comments = catalogs.template_comments(first)
    po_path(built).write_text(po.render(catalog), encoding="utf-8")
    before = states(built)
    root = export(built, "--copy-source")
    unit = next(u for u in root.iter(xliff.q("trans-unit")) if u.get("id") == xliff.unit_id(first))
    assert unit.find(xliff.q("target")).get("state") == "new"  # the English, for OmegaT to translate
    translated = omegat_translate(tmp_path / "omegat", xlf_path(built), {first.id: "Traducción de OmegaT."})
    shutil.copy(translated, xlf_path(built))
    result = import_(built)
    assert result.exit_code == 0, result.output
    # Its one translation comes back as a person's draft (OmegaT sets no state); the units it left
    # alone (English copied into the target, machine drafts) change nothing.
    assert "0 reviewed, 1 drafts" in result.output
    after = states(built)
    assert after[EntryState.DRAFT] == 1 and after[EntryState.UNTRANSLATED] == before[EntryState.UNTRANSLATED] - 1
    assert after[EntryState.MACHINE] == before[EntryState.MACHINE]
    catalog = po.parse(po_path(built).read_text(encoding="utf-8"), po_path(built))
    assert catalog.get(first.id, context=first.context).string == "Traducción de OmegaT."
