"""Today's build, frozen as data: the drafts an older newsloc makes of the reference articles.

Run: .venv/bin/python bench/make_baseline.py CHECKOUT

CHECKOUT is a checkout of the commit to compare with (issue 15's baseline is 3b6e6b2, the commit
the round started from: ``git worktree add --detach /tmp/base 3b6e6b2 && (cd /tmp/base && uv sync
--frozen)``). Its own newsloc (CHECKOUT/.venv/bin/newsloc) builds the reference articles of
bench/data/articles/ in a scratch project with its own chains, glossary and default config, engine
apertium; the drafts are written to bench/data/baseline/<locale>.json ({commit, drafts: [{msgctxt,
msgid, msgstr}]}), which bench/bench_quality.py scores beside the raw chain and the current build.
The drafts are data, so the bench does not need the old checkout.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "bench" / "data" / "articles"
BASELINE = ROOT / "bench" / "data" / "baseline"
LOCALES = ("es", "fr", "pt-BR")


def build_drafts(checkout: Path, project: Path) -> dict[str, list[dict[str, str]]]:
    """Build the reference articles with the checkout's newsloc; the drafts per locale, in catalog order."""
    (project / "articles").mkdir(parents=True)
    for article in sorted(ARTICLES.iterdir()):
        if article.suffix in (".txt", ".md", ".html"):
            shutil.copy(article, project / "articles" / article.name)
    shutil.copytree(checkout / "glossary", project / "glossary")
    tags = ", ".join(f'"{tag}"' for tag in LOCALES)
    (project / "pyproject.toml").write_text(f"[tool.newsloc]\nlocales = [{tags}]\n", encoding="utf-8")
    program = checkout / ".venv" / "bin" / "newsloc"
    if not program.exists():
        raise SystemExit(f"{program} is missing: run uv sync --frozen in {checkout}")
    command = [str(program), "build", "--lang", "all", "--engine", "apertium", "--project", str(project)]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    drafts: dict[str, list[dict[str, str]]] = {}
    for tag in LOCALES:
        rows = drafts.setdefault(tag, [])
        for catalog in sorted((project / "locales" / tag / "LC_MESSAGES").glob("*.po")):
            for entry in polib.pofile(str(catalog)):
                if entry.msgid and not entry.obsolete:
                    rows.append({"msgctxt": entry.msgctxt or "", "msgid": entry.msgid, "msgstr": entry.msgstr})
    return drafts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkout", type=Path, help="a checkout of the baseline commit, with its .venv")
    args = parser.parse_args()
    checkout = args.checkout.resolve()
    commit = subprocess.run(
        ["git", "-C", str(checkout), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="newsloc-baseline-") as folder:
        drafts = build_drafts(checkout, Path(folder) / "project")
    BASELINE.mkdir(parents=True, exist_ok=True)
    for tag, rows in drafts.items():
        path = BASELINE / f"{tag}.json"
        document = {"commit": commit, "drafts": rows}
        path.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"{path.relative_to(ROOT)}: {len(rows)} drafts of {commit[:7]}", file=sys.stderr)


if __name__ == "__main__":
    main()
