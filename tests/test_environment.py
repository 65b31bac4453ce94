"""The environment `make setup` creates stays lean: argostranslate without its heavy extras."""

from importlib import metadata

import pytest


@pytest.mark.parametrize("heavy", ["torch", "stanza", "spacy"])
def test_heavy_packages_are_not_installed(heavy):
    with pytest.raises(metadata.PackageNotFoundError):
        metadata.distribution(heavy)


def test_the_engines_libraries_are_installed():
    for needed in ("argostranslate", "ctranslate2", "sentencepiece", "babel", "lxml", "click", "spylls"):
        assert metadata.distribution(needed)
