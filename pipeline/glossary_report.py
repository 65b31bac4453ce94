"""How consistently the built catalogs render the glossary's terms, per term and locale."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline import catalog as catalogs
from pipeline.fileio import require_inside
from pipeline.glossary import Glossary, find_terms, required_terms
from pipeline.model import InputError
from pipeline.project import read_catalog


@dataclass(frozen=True)
class Tally:
    checked: int = 0  # translated segments that need the term
    correct: int = 0  # ... whose translation has it

    @property
    def adherence(self) -> float | None:
        return 100.0 * self.correct / self.checked if self.checked else None

    def plus(self, met: bool) -> Tally:
        return Tally(self.checked + 1, self.correct + met)


@dataclass(frozen=True)
class TermReport:
    entry_id: str
    term: str
    occurrences: int  # matches in the source texts
    locales: tuple[tuple[str, Tally], ...]


@dataclass(frozen=True)
class AdherenceReport:
    terms: tuple[TermReport, ...]
    totals: tuple[tuple[str, Tally], ...]

    def as_dict(self) -> dict[str, object]:
        def tally(t: Tally) -> dict[str, object]:
            return {"checked": t.checked, "correct": t.correct, "adherence": t.adherence}

        return {
            "terms": [
                {"id": t.entry_id, "term": t.term, "occurrences": t.occurrences,
                 "locales": {tag: tally(x) for tag, x in t.locales}}
                for t in self.terms
            ],
            "totals": {tag: tally(x) for tag, x in self.totals},
        }  # fmt: skip


def measure_adherence(
    glossary: Glossary,
    units: Iterable[tuple[str, dict[str, str]]],
    locales: Sequence[str],
) -> AdherenceReport:
    """Per term and locale, how many translations (source, {locale: target}) carry the term."""
    occurrences: dict[str, int] = {}
    tallies: dict[tuple[str, str], Tally] = {}
    for source, targets in units:
        for match in find_terms(glossary, source):
            occurrences[match.entry.id] = occurrences.get(match.entry.id, 0) + 1
        for locale in locales:
            target = targets.get(locale, "")
            if not target.strip():
                continue
            for requirement in required_terms(glossary, source, locale):
                key = (requirement.entry_id, locale)
                tallies[key] = tallies.get(key, Tally()).plus(requirement.met_by(target))
    terms = tuple(
        TermReport(e.id, e.canonical, occurrences[e.id],
                   tuple((loc, tallies.get((e.id, loc), Tally())) for loc in locales))
        for e in glossary.entries
        if e.id in occurrences
    )  # fmt: skip
    totals = tuple(
        (loc, Tally(sum(t.checked for (_, lang), t in tallies.items() if lang == loc),
                    sum(t.correct for (_, lang), t in tallies.items() if lang == loc)))
        for loc in locales
    )  # fmt: skip
    return AdherenceReport(terms, totals)


def read_catalog_units(
    locales_dir: str | Path, locales: Sequence[str], slugs: Sequence[str] = ()
) -> list[tuple[str, dict[str, str]]]:
    """(English msgid, {locale: msgstr}) for every POT entry of the chosen articles."""
    locales_dir = Path(locales_dir)
    templates = [locales_dir / f"{s}.pot" for s in slugs] or sorted(locales_dir.glob("*.pot"))
    if not templates:
        raise InputError("no catalog templates (*.pot) here (run the build first)", locales_dir)
    units = []
    for template in templates:
        messages = _read_catalog(template, locales_dir)
        if messages is None:
            raise InputError("no such catalog template (run the build first)", template)
        translations = {
            locale: _read_catalog(locales_dir / locale / "LC_MESSAGES" / f"{template.stem}.po", locales_dir) or {}
            for locale in locales
        }
        for key, source in messages.items():
            units.append((source, {loc: translations[loc].get(key, "") for loc in locales}))
    return units


def _read_catalog(path: Path, locales_dir: Path) -> dict[tuple[str | None, str], str] | None:
    """(msgctxt, msgid) → msgstr of a PO (msgid of a POT); None when the file is missing."""
    catalog = read_catalog(require_inside(path, locales_dir, "catalog"))
    if catalog is None:
        return None
    template = path.suffix == ".pot"
    return {
        (m.context, catalogs.msgid(m)): (catalogs.msgid(m) if template else catalogs.msgstr(m)) for m in catalog if m.id
    }


def glossary_report(
    tbx_path: str | Path, locales_dir: str | Path, locales: Sequence[str], slugs: Sequence[str] = ()
) -> AdherenceReport:
    """Adherence of the built catalogs to the glossary, per term and locale."""
    from pipeline.tbx import read_tbx

    return measure_adherence(read_tbx(tbx_path), read_catalog_units(locales_dir, locales, slugs), locales)
