"""The memory in the build: reviewed work of one article fills the next without an engine call."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest
from conftest import SAMPLE_SLUG
from lxml import etree
from tests_helpers import invoke

from pipeline import catalog as catalogs
from pipeline import po
from pipeline.build import BuildOptions, build
from pipeline.config import load_config
from pipeline.engines.pseudo import PseudoEngine
from pipeline.model import EntryState, Locale, ProvenanceKind

ES = Locale("es")
XLIFF = "{urn:oasis:names:tc:xliff:document:1.2}"
# Five entries of the sample a translator reviews (English as the article writes it).
REVIEWED = {
    "Share your thoughts in the comments below!": "¡Comparta su opinión en los comentarios!",
    "Historical Context of U.S. Intervention": "Contexto histórico de la intervención de EE. UU.",
    "Andrés Manuel López Obrador’s Firm Stance": "La firme postura de Andrés Manuel López Obrador",
    "Balancing Destabilization and Support": "Entre la desestabilización y el apoyo",
    "Details of the Le Journal de Québec Report": "Detalles del informe de Le Journal de Québec",
}
REPEATED = ["Share your thoughts in the comments below!", "Andrés Manuel López Obrador’s Firm Stance"]
PARAPHRASE = "Balancing Destabilization and Economic Support"
SECOND = f"""Follow-up on the summit
{REPEATED[1]}
The talks resumed on Monday with a new agenda for the region.
{PARAPHRASE}
Observers expect a joint statement before the end of the week.
{REPEATED[0]}
"""


class CountingEngine(PseudoEngine):
    """The pseudo engine, remembering every text it was asked to translate."""

    def __init__(self) -> None:
        self.inputs: list[str] = []

    def translate(self, texts, source, target, progress=None):
        self.inputs.extend(texts)
        return super().translate(texts, source, target, progress)


@pytest.fixture
def counting(monkeypatch) -> CountingEngine:
    import pipeline.build

    engine = CountingEngine()
    monkeypatch.setattr(pipeline.build, "choose_engine", lambda *args, **kwargs: engine)
    return engine


def po_path(project: Path, slug: str) -> Path:
    return project / "locales" / "es" / "LC_MESSAGES" / f"{slug}.po"


def review_entries(path: Path, translations: dict[str, str]) -> None:
    """What a translator does in Poedit: write the text, clear fuzzy."""
    catalog = po.parse(path.read_text(encoding="utf-8"), path)
    for message in catalog:
        if message.id in translations:
            message.string = translations[message.id]
            message.flags.discard("fuzzy")
    path.write_text(po.render(catalog), encoding="utf-8")


def entries(path: Path) -> dict[str, object]:
    catalog = po.parse(path.read_text(encoding="utf-8"), path)
    return {message.id: message for message in catalog if message.id}


def run(project: Path, **options):
    return build(load_config(project), [], BuildOptions(locales=(ES,), engine="pseudo", **options))


@pytest.fixture
def second_article(project: Path, counting: CountingEngine) -> Path:
    """The sample built and five entries reviewed, then a follow-up article repeating some of them."""
    run(project)
    review_entries(po_path(project, SAMPLE_SLUG), REVIEWED)
    (project / "articles" / "summit-follow-up.txt").write_text(SECOND, encoding="utf-8")
    counting.inputs.clear()
    return project


def test_exact_matches_fill_the_entry_without_an_engine_call(second_article, counting):
    report = run(second_article)
    # What the engine read, in lower case: a Title-Case heading reaches it pre-edited to sentence case.
    engine_read = [text.casefold() for text in counting.inputs]
    for sentence in REPEATED:
        assert sentence.casefold() not in engine_read
    assert PARAPHRASE.casefold() in engine_read  # a fuzzy match is a suggestion, not a translation
    follow_up = entries(po_path(second_article, "summit-follow-up"))
    for sentence in REPEATED:
        message = follow_up[sentence]
        assert message.string == REVIEWED[sentence]
        assert message.fuzzy  # still for a person to confirm
        record = catalogs.machine_record(message)
        assert record.provenance.kind == ProvenanceKind.MEMORY and record.provenance.model == SAMPLE_SLUG
        assert not record.provenance.is_machine
        assert record.provenance.version in ("paragraph", "heading", "toc-entry")
    [result] = [r for r in report.results if r.article.document.slug == "summit-follow-up"]
    assert result.from_memory == 2
    assert result.translated == len(result.article.views) - 2
    views = {view.segment.text: view for view in result.article.views}
    assert views[REPEATED[0]].provenance.describe().startswith(f"tm {SAMPLE_SLUG} ")


def test_the_paraphrase_is_a_suggestion_in_the_po_the_xliff_and_the_review_page(second_article):
    run(second_article)
    message = entries(po_path(second_article, "summit-follow-up"))[PARAPHRASE]
    [suggestion] = catalogs.entry_suggestions(message)
    assert suggestion.target == REVIEWED["Balancing Destabilization and Support"]
    assert 75 <= suggestion.score < 100
    assert any(line.startswith(f"#. tm {suggestion.score}%: ") for line in
               po_path(second_article, "summit-follow-up").read_text(encoding="utf-8").splitlines())  # fmt: skip

    assert invoke(second_article, "xliff", "export", "--lang", "es").exit_code == 0
    xlf = etree.parse(str(second_article / "locales" / "es" / "summit-follow-up.xlf"))
    [unit] = [u for u in xlf.iter(f"{XLIFF}trans-unit") if u.findtext(f"{XLIFF}source") == PARAPHRASE]
    [alt] = unit.findall(f"{XLIFF}alt-trans")
    assert alt.get("match-quality") == str(suggestion.score)
    assert alt.findtext(f"{XLIFF}target") == suggestion.target
    assert alt.findtext(f"{XLIFF}source") == "Balancing Destabilization and Support"

    page = lxml.html.parse(str(second_article / "dist" / "es" / "summit-follow-up.review.html")).getroot()
    [heading] = page.cssselect("#h-balancing-destabilization-and-economic-support")
    [hint] = heading.cssselect(".tm-suggestion")  # beside the segment, in its heading
    assert hint.get("data-score") == str(suggestion.score)
    assert suggestion.target in hint.text_content()


def test_reviewed_translations_that_disagree_are_not_used(second_article, counting):
    # The same sentence reviewed differently in another article: neither wins silently.
    (second_article / "articles" / "other.txt").write_text(f"{REPEATED[0]}\n", encoding="utf-8")
    run(second_article)
    review_entries(po_path(second_article, "other"), {REPEATED[0]: "¡Díganos qué piensa!"})
    po_path(second_article, "summit-follow-up").unlink()
    counting.inputs.clear()
    report = run(second_article)
    assert REPEATED[0] in counting.inputs
    [result] = [r for r in report.results if r.article.document.slug == "summit-follow-up"]
    view = next(v for v in result.article.views if v.segment.text == REPEATED[0])
    [conflict] = [flag for flag in view.flags if flag.code == "tm-conflict"]
    assert "¡Díganos qué piensa!" in conflict.message and REVIEWED[REPEATED[0]] in conflict.message
    assert view.provenance.engine == "pseudo"


def test_a_suggestion_whose_numbers_differ_says_so(project, counting):
    (project / "articles" / "a.txt").write_text("The deficit grew by 12 percent in 2024 across the region.\n")
    run(project)
    review_entries(po_path(project, "a"), {"The deficit grew by 12 percent in 2024 across the region.":
                                           "El déficit creció un 12 % en 2024 en la región."})  # fmt: skip
    (project / "articles" / "b.txt").write_text("The deficit grew by 15 percent in 2024 across the region.\n")
    run(project)
    [suggestion] = catalogs.entry_suggestions(
        entries(po_path(project, "b"))["The deficit grew by 15 percent in 2024 across the region."]
    )
    assert "numbers differ: 12 2024 → 15 2024" in suggestion.notes


def test_a_reviewed_entry_is_never_replaced_and_no_memory_means_no_reuse(second_article, counting):
    run(second_article, memory=False)
    assert REPEATED[0] in counting.inputs
    before = entries(po_path(second_article, SAMPLE_SLUG))
    run(second_article)
    after = entries(po_path(second_article, SAMPLE_SLUG))
    for sentence, text in REVIEWED.items():
        assert after[sentence].string == text and catalogs.entry_state(after[sentence]) == EntryState.REVIEWED
    assert {k: m.string for k, m in before.items()} == {k: m.string for k, m in after.items()}


def test_build_summary_counts_the_memory(second_article):
    result = invoke(second_article, "build", "--engine", "pseudo", "--lang", "es")
    assert result.exit_code == 0, result.output
    assert "summit-follow-up [es] 6 segments, 4 translated now (pseudo), 2 from memory" in result.output
    assert "2 segment(s) filled from memory (2 engine input(s) saved), 1 with fuzzy suggestions" in result.output


def test_the_cache_can_be_deleted_and_is_rebuilt(second_article, counting):
    run(second_article)
    cache = second_article / ".newsloc" / "memory.sqlite3"
    assert cache.exists()
    cache.unlink()
    po_path(second_article, "summit-follow-up").unlink()
    counting.inputs.clear()
    run(second_article)
    assert not set(REPEATED) & set(counting.inputs)
