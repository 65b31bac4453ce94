"""Glossary adherence with Apertium: raw, versus protect-and-restore with each placeholder style.

Run: .venv/bin/python bench/bench_glossary.py [--examples N]

Over the sample article's sentences that contain glossary terms, prints per
locale (es, fr by es-fr pivot, pt-BR by es-pt_BR pivot) the share of required
target terms present in the output:

- raw        apertium alone, no glossary
- tag        <gN/> placeholders, apertium -f html (tags act as blanks)
- token      an unknown token (Zq1x), apertium -u
- proxy      a surname apertium knows as a proper noun (Johnson), apertium -u
- hybrid     raw first; only the terms a sentence missed are protected (proxy) and retried

and, as a readability probe, how many terms written "X’s" come out as "de X"
(placeholders apertium cannot parse lose the possessive or turn it into "es").

Segments are batched one process chain per locale, separated by blank lines
(a single newline lets apertium move words from one line to the next), or in
-f html mode each wrapped in <p> (there even blank lines are mere spaces).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.engines.apertium import PROXY_PLACEHOLDERS
from pipeline.glossary import (
    PlaceholderStyle,
    find_terms,
    protect,
    required_terms,
    restore,
    unmet_matches,
)
from pipeline.tbx import read_tbx

ARTICLE = ROOT / "articles" / "mexico-rejects-us-intervention.txt"
PIVOT = {"es": [], "fr": ["es-fr"], "pt-BR": ["es-pt_BR"]}
STYLES = {"tag": PlaceholderStyle("tag"), "token": PlaceholderStyle("token"), "proxy": PROXY_PLACEHOLDERS}
MODE_FLAGS = {"tag": ["-u", "-f", "html"], "token": ["-u"], "proxy": ["-u"], "raw": ["-u"]}


def sentences(text: str) -> list[str]:
    """Naive split: lines without list/table markers, then at . ! ? followed by a space."""
    found = []
    for line in text.splitlines():
        line = re.sub(r"^\s*(?:[-*]\s+(?:\d+\.\s+)?)", "", line).strip()
        found += [s for s in re.split(r"(?<=[.!?])\s+", line) if s]
    return found


def apertium(texts: list[str], locale: str, flags: list[str]) -> list[str]:
    html = "html" in flags  # there newlines are mere spaces: each segment gets its own <p>
    lines = [t.replace("\n", " ") for t in texts]
    data = "\n".join(f"<p>{t}</p>" for t in lines) if html else "\n\n".join(lines) + "\n"
    for pair in ["eng-spa", *PIVOT[locale]]:
        data = subprocess.run(["apertium", *flags, pair], input=data, capture_output=True,
                              text=True, check=True).stdout  # fmt: skip
    if html:
        outputs = [o.strip() for o in re.findall(r"<p>(.*?)</p>", data, re.DOTALL)]
    else:
        outputs = [o.strip() for o in data.strip("\n").split("\n\n")]
    if len(outputs) != len(texts):
        raise RuntimeError(f"apertium returned {len(outputs)} segments for {len(texts)}")
    return outputs


def adherence(glossary, sources: list[str], outputs: list[str], locale: str) -> tuple[int, int]:
    met = total = 0
    for source, output in zip(sources, outputs):
        for requirement in required_terms(glossary, source, locale):
            total += 1
            met += requirement.met_by(output)
    return met, total


def possessives_kept(glossary, sources: list[str], outputs: list[str], locale: str) -> tuple[int, int]:
    """Terms written "X’s" in English that come out as "de X" / "d'X" / "du X" (how reading suffers most)."""
    kept = total = 0
    for source, output in zip(sources, outputs):
        for match in find_terms(glossary, source):
            if not re.match(r"['’]s\b", source[match.end :]):
                continue
            rendering = match.entry.rendering(locale)
            term = match.text if match.entry.dnt else rendering.form(match.form.plural) if rendering else ""
            if term:
                total += 1
                of = r"(?:de|del|do|da|dos|das|du|des)\s+(?:(?:la|le|les|el|los|las|o|a|os|as)\s+)?|d['’]|de l['’]"
                kept += bool(re.search(rf"(?i)(?<!\w)(?:{of}){re.escape(term)}", output))
    return kept, total


def run_style(glossary, sources: list[str], locale: str, style: str, raw: list[str]) -> list[str]:
    if style == "raw":
        return raw
    if style == "hybrid":
        retry = {i: unmet_matches(glossary, s, raw[i], locale) for i, s in enumerate(sources)}
        retry = {i: m for i, m in retry.items() if m}
        protected = {i: protect(sources[i], m, locale, PROXY_PLACEHOLDERS) for i, m in retry.items()}
        redone = apertium([p.text for p in protected.values()], locale, MODE_FLAGS["proxy"]) if protected else []
        outputs = list(raw)
        for (i, p), out in zip(protected.items(), redone):
            outputs[i] = restore(p, out)
        return outputs
    protected = [protect(s, find_terms(glossary, s), locale, STYLES[style]) for s in sources]
    translated = apertium([p.text for p in protected], locale, MODE_FLAGS[style])
    return [restore(p, out) for p, out in zip(protected, translated)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=0, help="print N example outputs per style")
    args = parser.parse_args()
    glossary = read_tbx(ROOT / "glossary" / "newsloc.tbx")
    sources = [s for s in sentences(ARTICLE.read_text(encoding="utf-8")) if find_terms(glossary, s)]
    styles = ["raw", "tag", "token", "proxy", "hybrid"]
    print(f"{len(sources)} sentences with glossary terms, {len(glossary.entries)} entries")
    print(f"{'locale':8}" + "".join(f"{s:>18}" for s in styles) + f"{'seconds':>9}")
    for locale in PIVOT:
        started = time.perf_counter()
        raw = apertium(sources, locale, MODE_FLAGS["raw"])
        cells, kept_cells, examples = [], [], {}
        for style in styles:
            outputs = run_style(glossary, sources, locale, style, raw)
            met, total = adherence(glossary, sources, outputs, locale)
            cells.append(f"{met}/{total} {100 * met / total:5.1f}%")
            kept, owners = possessives_kept(glossary, sources, outputs, locale)
            kept_cells.append(f"{kept}/{owners}")
            examples[style] = outputs
        print(f"{locale:8}" + "".join(f"{c:>18}" for c in cells) + f"{time.perf_counter() - started:9.1f}")
        print(f"{'  ’s kept':8}" + "".join(f"{c:>18}" for c in kept_cells))
        for i in range(min(args.examples, len(sources))):
            print(f"  en      {sources[i]}")
            for style in styles:
                print(f"  {style:7} {examples[style][i]}")
            print()


if __name__ == "__main__":
    main()
