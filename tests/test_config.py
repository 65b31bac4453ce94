import pytest

from pipeline.config import load_config
from pipeline.model import ConfigError


def write(tmp_path, body: str):
    (tmp_path / "pyproject.toml").write_text(f"[tool.newsloc]\n{body}\n", encoding="utf-8")


def test_defaults_without_pyproject(tmp_path):
    config = load_config(tmp_path)
    assert [l.tag for l in config.locales] == ["es", "fr", "pt-BR"] and config.engine == "auto"


def test_settings_are_read(tmp_path):
    write(tmp_path, 'locales = ["es", "pt-BR"]\nengine = "pseudo"\ndist = "out"\npublished = "2025-11-04"')
    config = load_config(tmp_path)
    assert [l.tag for l in config.locales] == ["es", "pt-BR"]
    assert config.engine == "pseudo" and config.resolve(config.dist) == tmp_path / "out"
    assert config.locale("PT-br").tag == "pt-BR"


@pytest.mark.parametrize(
    "body,expected",
    [
        ('engine = "deepl"', "unknown engine 'deepl'"),
        ('locales = ["es", "xx-QQ-zz"]', "locale 'xx-QQ-zz'"),
        ('published = "next week"', "is not a date"),
        ("locales = [", "cannot read [tool.newsloc]"),
        ('colour = "blue"', "unknown setting 'colour'"),
        ('apertium-chains = ["eng-cat"]', "[tool.newsloc] apertium-chains = ['eng-cat']: must be a table"),
        ("apertium-chains = {fr = []}", "apertium-chains = {'fr': []}: fr must be a list of Apertium modes"),
        ('apertium-chains = {fr = ["eng cat"]}', "fr must be a list of Apertium modes"),
    ],
)
def test_bad_settings_are_one_clear_error(tmp_path, body, expected):
    write(tmp_path, body)
    with pytest.raises(ConfigError) as error:
        load_config(tmp_path)
    assert expected in str(error.value) and "pyproject.toml" in str(error.value)


def test_unknown_locale_choice_names_the_configured_ones(tmp_path):
    with pytest.raises(ConfigError) as error:
        load_config(tmp_path).locale("de")
    assert "es, fr, pt-BR" in str(error.value)


def test_apertium_chains_are_read_per_locale(tmp_path):
    write(tmp_path, 'apertium-chains = {fr = ["eng-spa", "es-fr"], pt-BR = ["en-gl", "gl-pt"]}')
    config = load_config(tmp_path)
    assert dict(config.apertium_chains) == {"fr": ("eng-spa", "es-fr"), "pt-BR": ("en-gl", "gl-pt")}
    assert load_config(tmp_path / "empty").apertium_chains == ()  # no pyproject: the measured defaults
