"""Every stage that touches a segment's text, on one long line of growing length (linear: ~8×, quadratic: ~64×).

Issue 18: a 1 MB line ran for more than 10 minutes (the segmenter, source lint, the
repetition check, Apertium mark search, glossary restore, review summary grew with the
square of the length). Each stage runs on a line of length L, 2L, 4L and 8L, interleaved
(L 2L 4L 8L, stage after stage, several rounds), and the ratio 8L/L of each round's times
is printed with its min and median: near 8× is linear, 64× quadratic; a stage above
8×·1.5 is marked. Then, unless --no-e2e, whole builds in a fresh process (`newsloc build
--lang es`, Apertium) of a project whose article is one line: 128 kB and 1 MB of
sentences (their ratio: linear ≈ 8×), and the refusals of a 1 MB segment, PO msgstr,
glossary term and XLIFF target (each must stop at once with exit 2).

Run: .venv/bin/python bench/bench_long_line.py [--short 12000] [--rounds 3] [--only NAME] [--no-e2e]
"""

from __future__ import annotations

import argparse
import gc
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from babel.messages.catalog import Catalog
from lxml import etree

from pipeline import checks, glossary, inline, lint, marks, po, pre_edit, review, segment, spelling, typography, xliff
from pipeline.catalog import new_catalog
from pipeline.engines import apertium
from pipeline.engines.apertium import MARKS
from pipeline.model import EntryState, Locale, LocalizedArticle, Provenance, SegmentView
from pipeline.publish import pages
from pipeline.readers import parse_document, prose_view
from pipeline.tbx import read_tbx

FACTORS = (1, 2, 4, 8)
SUPER_LINEAR = 8 * 1.5
MIN_TIME = 0.02  # seconds: a stage faster than this at L is repeated
ES, FR = Locale("es"), Locale("fr")
GLOSSARY = read_tbx(ROOT / "glossary" / "newsloc.tbx")
# Sentences with what the checks look for: abbreviations, numbers, URLs, e-mail addresses, quotes,
# an apostrophe typed as a quote, a glued sentence, a doubled word, glossary terms, inline codes.
SENTENCES = (
    "The president said that Mexico would reject any intervention by the U.S. government.",
    "Officials in Washington agreed on 1,250 new agents and $3.5 billion for the border.",
    "“We will not accept it,” said Andrés Manuel López Obrador on Tuesday.",
    "Mexico‘s sovereignty is not negotiable, the the minister added.",
    "Read the <1>statement</1> at https://www.gob.mx/presidencia or write to prensa@gob.mx today.",
    "Drug cartels moved fentanyl across the border.These routes are known.",
    "Is this the backyard policy of the United States?",
    "Lula da Silva and Sen. Smith met in 2024 to talk (again) about trade.",
    "The bill passed by 52 votes to 48, the Senate said.",
)
WORDS = [
    "the",
    "president",
    "said",
    "that",
    "Mexico",
    "would",
    "reject",
    "any",
    "intervention",
    "by",
    "zzyzx",
    "officials",
    "agreed",
]


def english(length: int, seed: int = 1, distinct: bool = False) -> str:
    """One line of about ``length`` characters: the sentences above, shuffled (``distinct``: each numbered,
    so that no two segments are the same and nothing is translated or checked once for many)."""
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    while size < length:
        sentence = rng.choice(SENTENCES)
        if distinct:
            sentence = f"On day {len(parts) + 1}, {sentence[0].lower()}{sentence[1:]}"
        parts.append(sentence)
        size += len(parts[-1]) + 1
    return " ".join(parts)


def unsplit(length: int, seed: int = 2) -> str:
    """One sentence of about ``length`` characters (no sentence end inside): a single huge segment."""
    rng = random.Random(seed)
    words: list[str] = []
    size = 0
    while size < length:
        words.append(rng.choice(WORDS))
        size += len(words[-1]) + 1
    return " ".join(words) + "."


def spanish(text: str) -> str:
    """Engine-like output: Spanish punctuation, every seventh word marked unknown, quotes inside."""
    words = text.replace("?", "?").split()
    marked = [("*" + word) if i % 7 == 0 and word[:1].isalpha() else word for i, word in enumerate(words)]
    return "¿" + " ".join(marked).replace(" the ", " el ").replace(" and ", " y ") + "»."


def pair_for(source: str, target: str, locale: Locale = ES) -> checks.Pair:
    return checks.Pair(source, target, locale, raw_output=target, marks=tuple(MARKS))


def _check(check: checks.Check, pair: checks.Pair) -> Callable[[], object]:
    def run() -> object:
        checks._unknown_words.cache_clear()  # the dictionary checks share one cached result per pair
        return checks.run_check(check, pair)

    return run


def _find_terms(text: str) -> tuple[glossary.TermMatch, ...]:
    glossary.take_matches(GLOSSARY)  # find_terms caches per text: forget, so every round matches again
    return glossary.find_terms(GLOSSARY, text)


def _catalog(source: str, target: str) -> Catalog:
    catalog = new_catalog(ES)
    catalog.add(source, target, context="paragraph", auto_comments=["newsloc: checked"])
    return catalog


def _article(line: str, target: str) -> LocalizedArticle:
    """A title and one long segment (``line`` has no sentence end inside), machine-translated, with its flags."""
    document = parse_document("Title\n\n" + line + "\n", Path("long.txt"), "articles/long.txt")
    title, body = segment.segment_document(document)
    provenance = Provenance("apertium", "eng-spa", "1")
    found = tuple(checks.check_translation(body.text, target, ES, spell=False, marks=MARKS))
    views = (
        SegmentView(title, "Título", EntryState.MACHINE, provenance),
        SegmentView(body, target, EntryState.MACHINE, provenance, found),
    )
    return LocalizedArticle(document, ES, views)


def cases(length: int) -> dict[str, Callable[[], object]]:
    line = english(length)
    single = unsplit(length)
    target = spanish(line)
    single_target = spanish(single)
    article_text = "Mexico rejects intervention\n\n" + line + "\n"
    markdown = "# Mexico rejects intervention\n\n" + line.replace("statement", "*statement*") + "\n"
    html = (
        "<html><body><h1>Mexico</h1><p>" + line.replace("<1>", "<em>").replace("</1>", "</em>") + "</p></body></html>"
    )
    parsed = [lint.parse_line(1, line)]
    names = lint.collect_names(parsed)
    source_flags = lint.lint_text(line, "long.txt")
    document = parse_document(article_text, Path("long.txt"), "articles/long.txt")
    segments = segment.segment_document(document)
    pair = pair_for(line, target)
    fr_pair = pair_for(line, target.replace("¿", "").replace(" ?", "?"), FR)
    matches = _find_terms(line)
    protected = glossary.protect(line, matches, ES)
    output = protected.text.replace(" the ", " el ")
    catalog = _catalog(line, target)
    po_text = po.render(catalog)
    xliff_data = xliff.export_xliff(catalog, ES, "locales/es/LC_MESSAGES/long.po")
    article = _article(single, single_target)
    raw_marks = marks.find_marks(target, MARKS, line)
    run: dict[str, Callable[[], object]] = {
        "reader txt": lambda: parse_document(article_text, Path("long.txt"), "long.txt"),
        "reader md": lambda: parse_document(markdown, Path("long.md"), "long.md"),
        "reader html": lambda: parse_document(html, Path("long.html"), "long.html"),
        "prose view (html)": lambda: prose_view(html, Path("long.html")),
        "segmenter": lambda: segment.split_sentences(line),
        "segment_document": lambda: segment.segment_document(document),
        "lint (whole)": lambda: lint.lint_text(line, "long.txt"),
        "lint --fix": lambda: lint.fix_article(article_text, article_text),
        "lint parse_line": lambda: lint.parse_line(1, line),
        "lint collect_names": lambda: lint.collect_names(parsed),
        "lint placeholder": lambda: lint._placeholders(parsed[0]),
        "lint missing-space": lambda: lint._missing_spaces(parsed[0]),
        "lint link-residue": lambda: lint._link_residue(parsed[0]),
        "lint name-casing": lambda: lint._name_casing(parsed[0], names),
        "lint lowercase-start": lambda: lint._lowercase_starts(parsed[0], names, ()),
        "lint spelling": lambda: lint._spelling(parsed[0], []),
        "lint doubled-word": lambda: lint._doubled_words(parsed[0]),
        "lint quote-character": lambda: lint._quote_characters(parsed[0]),
        "lint house-style": lambda: lint._house_style(parsed[0]),
        "engine_fixes": lambda: lint.engine_fixes(line),
        "attach source flags": lambda: review.attach_to_segments(article_text, segments, source_flags),
        "pre_edit (long segment)": lambda: pre_edit.pre_edit(line, source_flags),
        "pre_edit title-case words": lambda: pre_edit.title_case_words([single]),
        "source_review": lambda: review.source_review(article_text, document, segments, GLOSSARY),
        "spelling en": lambda: spelling.misspellings(line, "en_US"),
        "spelling es": lambda: spelling.misspellings(target, "es_ES"),
        "glossary find_terms": lambda: _find_terms(line),
        "glossary protect": lambda: glossary.protect(line, matches, ES),
        "glossary restore": lambda: glossary.restore(protected, output),
        "glossary verify": lambda: glossary.verify(line, output, ES, GLOSSARY),
        "glossary fingerprint": lambda: glossary.fingerprint(glossary.Glossary(GLOSSARY.entries), line, ES),
        "marks strip (flags)": lambda: marks.strip_marks_as_flags(target, MARKS, line),
        "marks mark_flags": lambda: apertium.mark_flags(raw_marks, target),
        "apertium to/from html": lambda: apertium.from_html(apertium.to_html(0, line)),
        "post-edits es": lambda: apertium.post_edit(target, "eng-spa"),
        "post-edits pt": lambda: apertium.post_edit(target, "es-pt"),
        "typography es": lambda: typography.typeset(target, ES),
        "typography fr": lambda: typography.typeset(target, FR),
        "inline parse_codes": lambda: inline.parse_codes(line),
        "inline code_problems": lambda: inline.code_problems(line, target),
        "inline escape+unescape": lambda: inline.unescape_text(inline.escape_text(line)),
        "inline render (lxml)": lambda: inline.append_coded_text(etree.Element("p"), target, ()),
        "PO render (wrapping)": lambda: po.render(catalog),
        "PO parse": lambda: po.parse(po_text, "long.po"),
        "XLIFF export": lambda: xliff.export_xliff(catalog, ES, "locales/es/LC_MESSAGES/long.po"),
        "XLIFF parse": lambda: xliff.parse_xliff(xliff_data, Path("long.xlf")),
        "review summary": lambda: pages.review_summary(etree.Element("body"), article),
        "page (publish)": lambda: pages.serialize(pages.build_page(article, review=False, marks=MARKS)),
        "page (review)": lambda: pages.serialize(pages.build_page(article, review=True, marks=MARKS)),
        "checks (all, one segment)": lambda: checks.check_translation(single, single_target, ES, marks=MARKS),
    }
    for check in checks.CHECKS:
        run[f"check {check.code}"] = _check(check, pair)
    run["check french-spacing (fr)"] = _check(next(c for c in checks.CHECKS if c.code == "french-spacing"), fr_pair)
    return run


def fresh() -> None:
    """Forget what the stages cache per text, so a repeated call costs what the first one does in a build."""
    for cache in (getattr(lint, "_space_offsets", None), checks._unknown_words):
        if cache is not None:
            cache.cache_clear()
    glossary.take_matches(GLOSSARY)


def timed(function: Callable[[], object], repeat: int = 1) -> float:
    """Seconds for ``repeat`` calls, each on fresh caches, the garbage collector off (its passes grow with
    the heap, not with the stage)."""
    gc.collect()
    gc.disable()
    total = 0.0
    try:
        for _ in range(repeat):
            fresh()
            start = time.perf_counter()
            function()
            total += time.perf_counter() - start
        return total
    finally:
        gc.enable()


def stage_ratios(short: int, rounds: int, only: str) -> None:
    # The stages themselves are measured past the build's refusal of a segment over the limit.
    segment.MAX_SEGMENT_CHARS = po.MAX_TRANSLATION_CHARS = xliff.MAX_TRANSLATION_CHARS = 10**9  # type: ignore[misc]
    lengths = [short * factor for factor in FACTORS]
    sized = [cases(length) for length in lengths]
    names = [name for name in sized[0] if only.lower() in name.lower()]
    print(f"one line of {short // 1000} kB … {lengths[-1] // 1000} kB ({FACTORS[-1]}×); linear ≈ 8×, quadratic ≈ 64×")
    print(f"  {'stage':28} {'at L':>9}   8L/L min  median", flush=True)
    for name in names:
        # a stage too fast to time at L runs several times in a row, as often at every length
        timed(sized[0][name])  # warm: caches, first imports
        repeat = max(1, min(200, round(MIN_TIME / max(timed(sized[0][name]), 1e-6))))
        times: list[list[float]] = [[] for _ in FACTORS]
        for _ in range(rounds):  # L 2L 4L 8L, round after round: load drifts alike on every length
            for index, case in enumerate(sized):
                times[index].append(timed(case[name], repeat) / repeat)
        ratios = [large / max(small, 1e-9) for small, large in zip(times[0], times[-1])]
        mark = "  ← super-linear" if statistics.median(ratios) > SUPER_LINEAR else ""
        at_short = statistics.median(times[0]) * 1000
        print(
            f"  {name:28} {at_short:7.1f}ms  {min(ratios):6.1f}×  {statistics.median(ratios):6.1f}×{mark}", flush=True
        )


# ---------------------------------------------------------------- end to end


def _project(folder: Path, article: str) -> Path:
    (folder / "articles").mkdir(parents=True)
    shutil.copytree(ROOT / "glossary", folder / "glossary")
    shutil.copy(ROOT / "pyproject.toml", folder / "pyproject.toml")
    (folder / "articles" / "long.txt").write_text(article, encoding="utf-8")
    return folder


def _newsloc(folder: Path, *args: str) -> tuple[float, int, str]:
    start = time.perf_counter()
    done = subprocess.run(
        [str(Path(sys.executable).parent / "newsloc"), *args], cwd=folder, capture_output=True, text=True
    )
    last = (done.stderr.strip() or done.stdout.strip()).splitlines()[-1:] or [""]
    return time.perf_counter() - start, done.returncode, last[0]


def end_to_end() -> None:
    print("end to end (fresh process each, Apertium es, --jobs 1):")
    megabyte = 1024 * 1024
    with tempfile.TemporaryDirectory(prefix="newsloc-long-") as temp:
        builds = {}
        for size in (megabyte // 8, megabyte):
            article = "Mexico rejects intervention\n\n" + english(size, distinct=True)[:size].rstrip() + "\n"
            folder = _project(Path(temp) / f"line-{size}", article)
            seconds, code, last = _newsloc(folder, "build", "--lang", "es", "--jobs", "1")
            builds[size] = seconds
            print(f"  build, one line of {size // 1024:5d} kB of sentences: {seconds:7.1f} s  exit {code}  {last[:90]}")
        print(f"  1 MB / 128 kB time ratio: {builds[megabyte] / builds[megabyte // 8]:.1f}× (linear ≈ 8×)")
        refusals = _refusal_projects(Path(temp), megabyte)
        for what, (folder, args) in refusals.items():
            seconds, code, last = _newsloc(folder, *args)
            print(f"  refused, 1 MB {what:14}: {seconds:5.1f} s  exit {code}  {last[:110]}")


def _refusal_projects(temp: Path, size: int) -> dict[str, tuple[Path, tuple[str, ...]]]:
    sample = (ROOT / "articles" / "mexico-rejects-us-intervention.txt").read_text(encoding="utf-8")
    one_segment = _project(temp / "segment", "Title\n\n" + unsplit(size) + "\n")
    po_file = _project(temp / "po", sample)
    _newsloc(po_file, "build", "--lang", "es", "--engine", "pseudo")
    catalog_path = po_file / "locales" / "es" / "LC_MESSAGES" / "long.po"
    text = catalog_path.read_text(encoding="utf-8")
    at = text.index('msgstr "', text.index("msgctxt", text.index("msgctxt") + 1))
    catalog_path.write_text(text[:at] + 'msgstr "' + "a" * size + '"' + text[text.index("\n", at) :], "utf-8")
    term = _project(temp / "term", sample)
    tbx = term / "glossary" / "newsloc.tbx"
    tbx_text = tbx.read_text(encoding="utf-8")
    first = tbx_text.index("<term>") + len("<term>")
    tbx.write_text(tbx_text[:first] + "x" * size + tbx_text[tbx_text.index("</term>", first) :], "utf-8")
    xlf = _project(temp / "xliff", sample)
    _newsloc(xlf, "build", "--lang", "es", "--engine", "pseudo")
    _newsloc(xlf, "xliff", "export", "--lang", "es")
    xlf_path = xlf / "locales" / "es" / "long.xlf"
    data = xlf_path.read_text(encoding="utf-8")
    start = data.index("<target")
    start = data.index(">", start) + 1
    xlf_path.write_text(data[:start] + "b" * size + data[data.index("</target>", start) :], "utf-8")
    return {
        "segment": (one_segment, ("build", "--lang", "es")),
        "PO msgstr": (po_file, ("build", "--lang", "es", "--engine", "pseudo")),
        "glossary term": (term, ("build", "--lang", "es", "--engine", "pseudo")),
        "XLIFF target": (xlf, ("xliff", "import", "locales/es/long.xlf")),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", type=int, default=12_000, help="L, the shortest line (characters)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", default="", help="only the stages whose name contains this")
    parser.add_argument("--no-e2e", action="store_true", help="skip the end-to-end builds")
    options = parser.parse_args()
    stage_ratios(options.short, options.rounds, options.only)
    if not options.no_e2e:
        end_to_end()


if __name__ == "__main__":
    main()
