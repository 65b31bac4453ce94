"""Small helpers shared by CLI tests."""

import os
import shutil
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main


def invoke(project: Path, *args: str):
    """Run `newsloc ARGS` with `project` as the current folder."""
    previous = Path.cwd()
    os.chdir(project)
    try:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(previous)


def write(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))


def pseudo_project(project: Path, story: str, locales: tuple[str, ...]) -> Path:
    """``project`` with one article, the repo's glossary and the pseudo engine, built once."""
    write(project / "articles" / "story.txt", story)
    tags = ", ".join(f'"{tag}"' for tag in locales)
    write(project / "pyproject.toml", f'[tool.newsloc]\nlocales = [{tags}]\nengine = "pseudo"\n')
    shutil.copytree(Path(__file__).resolve().parent.parent / "glossary", project / "glossary")
    result = CliRunner().invoke(main, ["build", "--project", str(project)])
    assert result.exit_code == 0, result.output
    return project


# An OmegaT project for English → Spanish with its default folders (console-mode tests).
OMEGAT_PROJECT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat><project version="1.0">
  <source_dir>__DEFAULT__</source_dir><target_dir>__DEFAULT__</target_dir><tm_dir>__DEFAULT__</tm_dir>
  <glossary_dir>__DEFAULT__</glossary_dir><glossary_file>__DEFAULT__</glossary_file>
  <dictionary_dir>__DEFAULT__</dictionary_dir>
  <source_lang>en</source_lang><target_lang>es</target_lang>
  <source_tok>org.omegat.tokenizer.LuceneEnglishTokenizer</source_tok>
  <target_tok>org.omegat.tokenizer.LuceneSpanishTokenizer</target_tok>
  <sentence_seg>false</sentence_seg><support_default_translations>true</support_default_translations>
  <remove_tags>false</remove_tags>
</project></omegat>
"""
