"""Draft quality: chrF and BLEU (sacrebleu) of Apertium drafts against careful human translations.

Run: .venv/bin/python bench/bench_quality.py [--no-rules]

The reference set is bench/data/articles/: two articles that are not the sample, each with
<slug>.refs.json ([{msgctxt, msgid, es, fr, pt-BR}], a human translation of every segment).
For every locale and candidate chain it prints:

- raw     the Apertium chain alone on the English as written (the engine strips its marks;
          no pre-edits, no post-edits, no glossary, no typography)
- today   today's build: the drafts newsloc made of the same articles when issue 15 was filed
          (commit 3b6e6b2, its own chains, glossary and config), stored as data in
          bench/data/baseline/<locale>.json by bench/make_baseline.py; one per locale
- build   a full `newsloc build` of the articles in a scratch project with that chain:
          pre-edited engine input, glossary, post-edits, typography — what translators get

and then every post-edit rule group and every pre-edit kind switched off one at a time: a rule
stays in newsloc only while the build scores better with it than without. The reference articles
are clean English, so pre-edits are measured on a defective copy of them: the defects real input
has (house-style garbles, names and sentences in lower case, "‘" for "’", no space after a comma)
injected by rule, scored against the same human references. Title case needs no injection (the
articles' headings are written in it), so that pre-edit is measured on the clean articles. Rules are
developed on the reference articles; each rule's gain is also printed on the sample (its real defects,
scored against tests/data/sample-reference.json), to show it holds beyond the articles it was made on.
Scores are deterministic (no timing), so each configuration runs once; the builds share one memo
of Apertium's steps (mode, text → output), so a step any earlier build ran is not run again.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sacrebleu

from pipeline import formats, lint, pre_edit, spelling
from pipeline.build import BuildOptions, build
from pipeline.config import load_config
from pipeline.engines import apertium
from pipeline.engines.apertium import DEFAULT_CHAINS, ApertiumEngine
from pipeline.model import Locale
from pipeline.project import catalog_path, read_catalog

DATA = ROOT / "bench" / "data" / "articles"
BASELINE = ROOT / "bench" / "data" / "baseline"
# The check set: the sample (real defects) and a reviewer's translation of it. Rules are developed on
# the reference articles; a rule's gain on the sample says whether it holds beyond them.
SAMPLE = ROOT / "articles" / "mexico-rejects-us-intervention.txt"
SAMPLE_REFERENCES = ROOT / "tests" / "data" / "sample-reference.json"
LOCALES = ("es", "fr", "pt-BR")
CANDIDATES: dict[str, tuple[tuple[str, ...], ...]] = {
    "es": (("eng-spa",),),
    "fr": (("eng-spa", "es-fr"), ("eng-cat", "cat-fra")),
    "pt-BR": (("eng-spa", "es-pt_BR"), ("en-gl", "gl-pt")),
}


# Defects of real input (the sample article has each), injected into the clean reference articles.
HOUSE_STYLE_GARBLES = [(re.compile(rf"\b{re.escape(rule.replacement)}\b"), rule.phrase) for rule in lint.house_style()]
WORD_DEFECTS = [
    *HOUSE_STYLE_GARBLES,  # "often" → "frequently enough"
    *[(re.compile(rf"\b{re.escape(name)}\b"), name[:1].lower() + name[1:]) for name in spelling.project_names()],
    (re.compile(r"(?<=\w)’(?=s\b)"), "‘"),  # Mexico‘s
    (re.compile(r"(?<=[a-z]), (?=[a-z])"), ","),  # resolute,emphasizing
]


# The pre-edit kinds that fix the injected defects; title case is in the clean articles' headings.
INJECTED = ("quote-character", "missing-space", "house-style", "name-casing", "lowercase-start")


def with_defects(text: str, starts_line: bool) -> str:
    for pattern, replacement in WORD_DEFECTS:
        text = pattern.sub(replacement, text)
    return re.sub(r"^(The|This|It) ", lambda m: m.group().lower(), text) if starts_line else text


def plain_opening(line: str) -> bool:
    """Lines whose first 40 characters have no markup: there the first sentence's msgid is the line's start."""
    return not re.search(r"[*_\[`<]", line[:40])


def defective_article(text: str) -> str:
    return "\n".join(with_defects(line, starts_line=plain_opening(line)) for line in text.split("\n"))


@dataclass(frozen=True)
class Reference:
    slug: str
    context: str
    source: str
    targets: dict[str, str]


def references() -> list[Reference]:
    found = []
    for path in sorted(DATA.glob("*.refs.json")):
        found += _read_references(path, path.name.removesuffix(".refs.json"))
    return found


def sample_references() -> list[Reference]:
    return _read_references(SAMPLE_REFERENCES, SAMPLE.stem)


def _read_references(path: Path, slug: str) -> list[Reference]:
    rows = json.loads(path.read_text(encoding="utf-8"))
    return [Reference(slug, row["msgctxt"], row["msgid"], {tag: row[tag] for tag in LOCALES}) for row in rows]


def scores(hypotheses: Sequence[str], refs: Sequence[Reference], tag: str) -> tuple[float, float]:
    wanted = [[ref.targets[tag] for ref in refs]]
    return sacrebleu.corpus_chrf(list(hypotheses), wanted).score, sacrebleu.corpus_bleu(list(hypotheses), wanted).score


def baseline(tag: str, refs: Sequence[Reference]) -> tuple[str, list[str]] | None:
    """Today's build (bench/make_baseline.py): its commit and its drafts in reference order."""
    path = BASELINE / f"{tag}.json"
    if not path.is_file():
        return None
    stored = json.loads(path.read_text(encoding="utf-8"))
    drafts = {(row["msgctxt"], row["msgid"]): row["msgstr"] for row in stored["drafts"]}
    missing = [ref for ref in refs if (ref.context, ref.source) not in drafts]
    if missing:
        raise SystemExit(
            f"{path}: {len(missing)} references have no draft (run bench/make_baseline.py), first: {missing[0]}"
        )
    return stored["commit"], [drafts[(ref.context, ref.source)] for ref in refs]


@contextlib.contextmanager
def memoized_steps() -> Iterator[None]:
    """Every build of the bench shares one memo of Apertium steps: only texts no build has run yet are run."""
    memo: dict[tuple[str, str], str] = {}
    run_mode = ApertiumEngine.run_mode

    def remembered(mode: str, texts: Sequence[str]) -> list[str]:
        missing = [text for text in dict.fromkeys(texts) if (mode, text) not in memo]
        if missing:
            memo.update(zip(((mode, text) for text in missing), run_mode(mode, missing), strict=True))
        return [memo[(mode, text)] for text in texts]

    ApertiumEngine.run_mode = staticmethod(remembered)  # type: ignore[method-assign]
    try:
        yield
    finally:
        ApertiumEngine.run_mode = staticmethod(run_mode)  # type: ignore[method-assign]


def raw(chain: tuple[str, ...], tag: str, refs: Sequence[Reference]) -> list[str]:
    engine = ApertiumEngine({tag: chain}, post_edit=False)
    return [hypothesis.text for hypothesis in engine.translate([ref.source for ref in refs], "en", Locale(tag))]


@contextlib.contextmanager
def rules_off(kind: str = "", post_edits: tuple[apertium.PostEdit, ...] = (), money: bool = False) -> Iterator[None]:
    """Build with one pre-edit kind, one group of post-edit rules or dollar amounts switched off."""
    kinds, rules, amounts = pre_edit.PRE_EDITS, apertium.post_edits, formats._money
    pre_edit.PRE_EDITS = tuple(k for k in kinds if k != kind)
    apertium.post_edits = lambda: tuple(rule for rule in rules() if rule not in post_edits)  # type: ignore[assignment]
    if money:
        formats._money = lambda text: []  # the amount's numbers are still localized, "$" and "billion" go through
    try:
        yield
    finally:
        pre_edit.PRE_EDITS, apertium.post_edits, formats._money = kinds, rules, amounts


def built(
    chain: tuple[str, ...],
    tag: str,
    refs: Sequence[Reference],
    scratch: Path,
    defects: bool = False,
    articles: Sequence[Path] = (),
) -> list[str]:
    """A full build of the reference articles (or their defective copies; or ``articles``) in a fresh
    scratch project; the drafts in reference order."""
    project = Path(tempfile.mkdtemp(dir=scratch))
    (project / "articles").mkdir()
    lines: dict[str, list[str]] = {}
    for article in articles or sorted(DATA.iterdir()):
        if article.suffix in (".txt", ".md", ".html"):
            text = article.read_text(encoding="utf-8")
            lines[article.stem] = text.split("\n")
            (project / "articles" / article.name).write_text(defective_article(text) if defects else text, "utf-8")
    shutil.copytree(ROOT / "glossary", project / "glossary")
    (project / "pyproject.toml").write_text(
        f'[tool.newsloc]\nlocales = ["{tag}"]\napertium-chains = {{"{tag}" = {json.dumps(list(chain))}}}\n',
        encoding="utf-8",
    )
    config = load_config(project)
    build(config, [], BuildOptions(locales=(Locale(tag),), engine="apertium", write_html=False))
    drafts: dict[tuple[str, str, str], str] = {}
    for slug in {ref.slug for ref in refs}:
        catalog = read_catalog(catalog_path(config, slug, Locale(tag)))
        assert catalog is not None
        for message in catalog:
            if message.id:
                drafts[(slug, message.context or "", str(message.id))] = str(message.string)

    def key(ref: Reference) -> tuple[str, str, str]:
        if not defects:
            return (ref.slug, ref.context, ref.source)
        opening = ref.source[:40]
        starts_line = plain_opening(opening) and any(line.startswith(opening) for line in lines[ref.slug])
        return (ref.slug, ref.context, with_defects(ref.source, starts_line))

    missing = [ref for ref in refs if key(ref) not in drafts]
    if missing:
        raise SystemExit(f"{len(missing)} references match no catalog entry, first: {missing[0]}")
    return [drafts[key(ref)] for ref in refs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-rules", action="store_true", help="skip the one-rule-off runs")
    args = parser.parse_args()
    if not ApertiumEngine().available("en", Locale("es")):
        print("bench_quality: Apertium is not installed (make setup); skipped")
        return
    refs = references()
    print(f"Draft quality against human references: {len(refs)} segments of {len({r.slug for r in refs})} articles")
    today = {tag: baseline(tag, refs) for tag in LOCALES}
    commits = sorted({found[0][:7] for found in today.values() if found})
    label = f"today's build ({', '.join(commits)})" if commits else "today's build (no bench/data/baseline)"
    print(f"| locale | Apertium chain | chrF raw | BLEU raw | chrF {label} | BLEU {label} | chrF build | BLEU build |")
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="newsloc-bench-quality-") as folder, memoized_steps():
        scratch = Path(folder)
        for tag in LOCALES:
            found = today[tag]
            today_chrf, today_bleu = (f"{value:.1f}" for value in scores(found[1], refs, tag)) if found else ("", "")
            for chain in CANDIDATES[tag]:
                if not set(chain) <= apertium.installed_pairs():
                    print(f"| {tag} | {' → '.join(chain)} | not installed | | | | | |")
                    continue
                raw_chrf, raw_bleu = scores(raw(chain, tag, refs), refs, tag)
                build_chrf, build_bleu = scores(built(chain, tag, refs, scratch), refs, tag)
                default = " (default)" if chain == DEFAULT_CHAINS[tag] else ""
                print(
                    f"| {tag} | {' → '.join(chain)}{default} | {raw_chrf:.1f} | {raw_bleu:.1f} "
                    f"| {today_chrf} | {today_bleu} | {build_chrf:.1f} | {build_bleu:.1f} |"
                )
        if args.no_rules:
            return
        print()
        print("Each rule off in turn: build chrF with the rule, without it, and the gain; then the gain on the sample")
        print("(post-edits on every chain whose last mode has rules; pre-edits on the default chains, defective copy)")
        print("| locale | chain | rule | chrF with | chrF without | gain | gain on the sample |")
        print("|---|---|---|---|---|---|---|")
        checks = sample_references()
        for tag in LOCALES:
            for chain in CANDIDATES[tag]:
                switches = rule_switches(chain, with_pre_edits=chain == DEFAULT_CHAINS[tag])
                if not switches or not set(chain) <= apertium.installed_pairs():
                    continue
                defects = chain == DEFAULT_CHAINS[tag]
                with_all = scores(built(chain, tag, refs, scratch), refs, tag)[0]
                with_all_defects = scores(built(chain, tag, refs, scratch, defects), refs, tag)[0]
                sample_with = scores(built(chain, tag, checks, scratch, articles=[SAMPLE]), checks, tag)[0]
                for label, switch in switches:
                    on_defects = switch.get("kind") in INJECTED  # these pre-edits only fire on defective input
                    with rules_off(**switch):
                        without = scores(built(chain, tag, refs, scratch, on_defects), refs, tag)[0]
                        sample_without = scores(built(chain, tag, checks, scratch, articles=[SAMPLE]), checks, tag)[0]
                    with_rule = with_all_defects if on_defects else with_all
                    label += " (defective copy)" if on_defects else ""
                    print(
                        f"| {tag} | {' → '.join(chain)} | {label} | {with_rule:.2f} | {without:.2f} "
                        f"| {with_rule - without:+.2f} | {sample_with - sample_without:+.2f} |"
                    )


def rule_switches(chain: tuple[str, ...], with_pre_edits: bool) -> list[tuple[str, dict]]:
    """Each pre-edit kind, and each group of post-edit rules (one note: one switch), for one chain."""
    switches: list[tuple[str, dict]] = []
    if with_pre_edits:
        switches += [(f"pre-edit {kind}", {"kind": kind}) for kind in pre_edit.PRE_EDITS]
        switches.append(("dollar amounts as one span (pipeline/formats.py)", {"money": True}))
    groups: dict[str, list[apertium.PostEdit]] = {}
    for rule in apertium.post_edits():
        if rule.mode == chain[-1]:
            groups.setdefault(rule.note, []).append(rule)
    for note, rules in groups.items():
        if len(rules) == 1 and not rules[0].regex:
            label = f"{rules[0].find} → {rules[0].replace} ({note})"
        else:
            label = f"{len(rules)} rule{'s' if len(rules) > 1 else ''} ({note})"
        switches.append((f"post-edit {label}", {"post_edits": tuple(rules)}))
    return switches


if __name__ == "__main__":
    main()
