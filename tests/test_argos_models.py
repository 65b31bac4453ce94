import io
import json
import subprocess
import sys
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from support.argos_tiny import argos_dir, build_argosmodel, rebuild_without, tiny_argosmodel  # noqa: F401 (fixtures)

from pipeline.cli.models import models
from pipeline.engines.argos_packages import (
    argos_codes,
    install_from_index,
    install_package_file,
    installed_packages,
    package_for,
    packages_dir,
    remove_package,
)
from pipeline.model import EngineError, InputError, Locale


def everything_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# ---------------------------------------------------------------- where packages live


def test_packages_dir_prefers_env_then_project_setting_then_argos_default(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "env"))
    assert packages_dir(tmp_path / "configured") == tmp_path / "env"
    monkeypatch.delenv("ARGOS_PACKAGES_DIR")
    assert packages_dir(tmp_path / "configured") == tmp_path / "configured"
    assert packages_dir(None) == tmp_path / "data" / "argos-translate" / "packages"


@pytest.mark.parametrize(
    "tag, codes",
    [
        ("es", ("es",)),
        ("fr", ("fr",)),
        ("pt", ("pt",)),
        ("pt-BR", ("pb", "pt")),
        ("pt-br", ("pb", "pt")),
        ("pt-PT", ("pt",)),
        ("zh-Hant", ("zt", "zh")),
    ],
)
def test_argos_codes_try_the_regional_package_first(tag, codes):
    assert argos_codes(Locale(tag)) == codes


# ---------------------------------------------------------------- install, list, remove


def test_install_from_file_lists_the_package(argos_dir, tiny_argosmodel):
    installed = install_package_file(tiny_argosmodel, argos_dir)
    assert (installed.name, installed.from_code, installed.to_code, installed.version) == (
        "translate-en_es",
        "en",
        "es",
        "1.0",
    )
    assert installed.path == argos_dir / "translate-en_es"
    assert (installed.path / "model" / "model.bin").is_file()
    assert installed_packages(argos_dir) == [installed]
    assert everything_in(argos_dir) == ["translate-en_es"]  # no work folders left behind
    assert package_for("en", Locale("es"), argos_dir) == installed
    assert package_for("en", Locale("fr"), argos_dir) is None


def test_installing_a_newer_file_replaces_the_old_package(argos_dir, tiny_argosmodel, tmp_path):
    install_package_file(tiny_argosmodel, argos_dir)
    newer = build_argosmodel(tmp_path, version="1.1")
    install_package_file(newer, argos_dir)
    assert [(p.name, p.version) for p in installed_packages(argos_dir)] == [("translate-en_es", "1.1")]


def test_pt_br_uses_the_brazilian_package_where_installed_else_portuguese(argos_dir, tmp_path):
    install_package_file(build_argosmodel(tmp_path / "pt", to_code="pt"), argos_dir)
    assert package_for("en", Locale("pt-BR"), argos_dir).to_code == "pt"
    install_package_file(build_argosmodel(tmp_path / "pb", to_code="pb"), argos_dir)
    assert package_for("en", Locale("pt-BR"), argos_dir).to_code == "pb"
    assert package_for("en", Locale("pt"), argos_dir).to_code == "pt"


def test_remove_deletes_the_package_folder(argos_dir, tiny_argosmodel):
    install_package_file(tiny_argosmodel, argos_dir)
    removed = remove_package("translate-en_es", argos_dir)
    assert [p.name for p in removed] == ["translate-en_es"]
    assert everything_in(argos_dir) == []


def test_removing_an_unknown_package_names_what_is_installed(argos_dir, tiny_argosmodel):
    install_package_file(tiny_argosmodel, argos_dir)
    with pytest.raises(InputError, match="translate-en_fr.*installed: translate-en_es"):
        remove_package("translate-en_fr", argos_dir)


# ---------------------------------------------------------------- broken package files


def not_a_zip(archive: Path, dest: Path) -> Path:
    dest.write_bytes(b"this is not a zip archive\n")
    return dest


def without_metadata(archive: Path, dest: Path) -> Path:
    return rebuild_without(archive, dest, "metadata.json")


def without_model(archive: Path, dest: Path) -> Path:
    return rebuild_without(archive, dest, "model/")


def without_tokenizer(archive: Path, dest: Path) -> Path:
    return rebuild_without(archive, dest, "sentencepiece.model")


def with_bad_metadata(archive: Path, dest: Path) -> Path:
    rebuild_without(archive, dest, "metadata.json")
    with zipfile.ZipFile(dest, "a") as zipped:
        zipped.writestr("translate-en_es-1_0/metadata.json", json.dumps({"package_version": "1.0"}))
    return dest


def loose_files(archive: Path, dest: Path) -> Path:
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(dest, "w") as target:
        for member in source.infolist():
            target.writestr(member.filename.split("/", 1)[1], source.read(member))
    return dest


@pytest.mark.parametrize(
    "breaks, problem",
    [
        (not_a_zip, "not a zip archive"),
        (without_metadata, "no metadata.json"),
        (without_model, "model folder missing"),
        (without_tokenizer, "no tokenizer"),
        (with_bad_metadata, "metadata.json has no from_code; metadata.json has no to_code"),
        (loose_files, "one top-level folder"),
    ],
)
def test_a_broken_package_file_is_refused_and_nothing_is_installed(
    argos_dir, tiny_argosmodel, tmp_path, breaks, problem
):
    broken = breaks(tiny_argosmodel, tmp_path / "broken.argosmodel")
    with pytest.raises(InputError) as raised:
        install_package_file(broken, argos_dir)
    assert raised.value.path == str(broken)
    assert problem in str(raised.value)
    assert everything_in(argos_dir) == []


def test_a_missing_package_file_is_an_input_error(argos_dir, tmp_path):
    with pytest.raises(InputError, match="no such Argos package file"):
        install_package_file(tmp_path / "nowhere.argosmodel", argos_dir)


# ---------------------------------------------------------------- the Argos index


def offline(*args, **kwargs):
    raise urllib.error.URLError("no network")


def fake_internet(index: list[dict], files: dict[str, bytes]):
    def urlopen(url, timeout=None):
        if url.endswith("index.json"):
            return io.BytesIO(json.dumps(index).encode())
        if url in files:
            return io.BytesIO(files[url])
        raise urllib.error.URLError(f"404 {url}")

    return urlopen


def index_entry(to_code: str) -> dict:
    return {
        "type": "translate",
        "from_code": "en",
        "to_code": to_code,
        "package_version": "1.0",
        "links": [f"https://example.org/translate-en_{to_code}.argosmodel"],
    }


def test_offline_install_from_index_says_how_to_install_a_file(argos_dir, monkeypatch):
    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(EngineError) as raised:
        install_from_index("en", Locale("es"), argos_dir)
    message = str(raised.value)
    assert "\n" not in message
    assert "no network" in message and "newsloc models install PATH.argosmodel" in message
    assert everything_in(argos_dir) == []


@pytest.mark.parametrize("offered, installed_code", [(["pt", "pb"], "pb"), (["pt"], "pt")])
def test_install_from_index_prefers_the_brazilian_package_for_pt_br(
    argos_dir, tmp_path, monkeypatch, offered, installed_code
):
    files = {
        index_entry(code)["links"][0]: build_argosmodel(tmp_path / code, to_code=code).read_bytes() for code in offered
    }
    monkeypatch.setattr(urllib.request, "urlopen", fake_internet([index_entry(c) for c in offered], files))
    installed = install_from_index("en", Locale("pt-BR"), argos_dir)
    assert installed.to_code == installed_code
    assert [p.name for p in installed_packages(argos_dir)] == [f"translate-en_{installed_code}"]


def test_install_from_index_without_the_pair_names_the_codes_it_tried(argos_dir, monkeypatch):
    monkeypatch.setattr(urllib.request, "urlopen", fake_internet([index_entry("es")], {}))
    with pytest.raises(EngineError, match="en→pb/pt"):
        install_from_index("en", Locale("pt-BR"), argos_dir)


# ---------------------------------------------------------------- the `models` command group


def run(*args: str):
    return CliRunner().invoke(models, list(args))


def test_cli_install_list_remove(argos_dir, tiny_argosmodel):
    installed = run("install", str(tiny_argosmodel))
    assert installed.exit_code == 0, installed.output
    assert installed.output.startswith("installed translate-en_es\ten → es\t1.0")
    listed = run("list")
    assert listed.exit_code == 0
    assert listed.output == f"translate-en_es\ten → es\t1.0\t{argos_dir / 'translate-en_es'}\n"
    removed = run("remove", "translate-en_es")
    assert removed.exit_code == 0 and removed.output.startswith("removed translate-en_es 1.0")
    assert run("list").output == f"no Argos packages installed in {argos_dir}\n"


def test_cli_packages_dir_option_wins_over_the_environment(argos_dir, tiny_argosmodel, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    assert run("--packages-dir", str(elsewhere), "install", str(tiny_argosmodel)).exit_code == 0
    assert everything_in(elsewhere) == ["translate-en_es"]
    assert everything_in(argos_dir) == []


def test_cli_broken_file_is_one_line_and_exit_2(argos_dir, tmp_path):
    broken = not_a_zip(Path(), tmp_path / "broken.argosmodel")
    result = run("install", str(broken))
    assert result.exit_code == 2
    assert result.stderr == f"newsloc: {broken}: not an Argos model package: not a zip archive\n"


def test_cli_offline_from_index_is_one_clear_line(argos_dir, monkeypatch):
    monkeypatch.setattr(urllib.request, "urlopen", offline)
    result = run("install", "--from-index", "en", "pt-BR")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("newsloc: cannot download the Argos package index")
    assert "newsloc models install PATH.argosmodel" in result.stderr


def test_cli_install_from_index_reports_the_code_used(argos_dir, tmp_path, monkeypatch):
    files = {index_entry("pb")["links"][0]: build_argosmodel(tmp_path, to_code="pb").read_bytes()}
    monkeypatch.setattr(urllib.request, "urlopen", fake_internet([index_entry("pb")], files))
    result = run("install", "--from-index", "en", "pt-BR")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "pt-BR uses the Argos package for 'pb'"


@pytest.mark.parametrize("args", [("install",), ("install", "x.argosmodel", "--from-index", "en", "es")])
def test_cli_install_needs_exactly_one_source(argos_dir, args):
    result = run(*args)
    assert result.exit_code == 2
    assert "give either a package file" in result.stderr


def test_cli_remove_unknown_package_exits_2(argos_dir):
    result = run("remove", "translate-en_xx")
    assert result.exit_code == 2 and "no Argos package named 'translate-en_xx'" in result.stderr


def test_importing_the_argos_modules_loads_neither_argostranslate_nor_ctranslate2():
    # `newsloc --help` imports these modules: the heavy libraries must wait for a real command.
    code = (
        "import sys, pipeline.cli.models, pipeline.engines.argos_packages, pipeline.engines.argos; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('argostranslate', 'ctranslate2')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout == "[]\n"
