"""Write a random-weight Argos package (.argosmodel) to try the argos engine offline.

The output is gibberish, but it exercises the real path end to end: model
management, tokenization, batched CTranslate2 decoding, glossary enforcement.

    .venv/bin/python bench/make_argos_model.py --to es OUT_FOLDER
    .venv/bin/newsloc models install OUT_FOLDER/translate-en_es-1_0.argosmodel
    .venv/bin/newsloc build --engine argos --lang es
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from support.argos_tiny import build_argosmodel


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="folder to write the .argosmodel into")
    parser.add_argument("--from", dest="source", default="en")
    parser.add_argument("--to", dest="target", default="es", help="target code as Argos names it (es, fr, pb, pt)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    archive = build_argosmodel(args.out, args.source, args.target, favour={"</s>": 1.5})
    print(archive)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
