import pytest
from support.argos_tiny import argos_dir, article_sentences, build_argosmodel, tiny_argosmodel  # noqa: F401 (fixtures)

from pipeline.engines.argos import ArgosEngine, ArgosOptions, _compute_type, loop_message, repeated_run
from pipeline.engines.argos_packages import install_package_file
from pipeline.engines.base import FROZEN_TAG
from pipeline.model import ConfigError, EngineError, Locale, Provenance

ES = Locale("es")

TAGGED = [
    "<1>Mexico</1> rejects any <2/> intervention, says <g3/>.",
    "The <1>United States</1> and <f4/> Latin America.",
    "<g1/>",
    "<1>AMLO</1>, <2/>",
    "",
    "   ",
]


@pytest.fixture
def engine(argos_dir, tiny_argosmodel) -> ArgosEngine:
    install_package_file(tiny_argosmodel, argos_dir)
    return ArgosEngine()


def engine_with(argos_dir, tmp_path, favour, **options) -> ArgosEngine:
    install_package_file(build_argosmodel(tmp_path, favour=favour), argos_dir)
    return ArgosEngine(options=ArgosOptions(**options))


def codes(hypothesis) -> set[str]:
    return {flag.code for flag in hypothesis.flags}


# ---------------------------------------------------------------- availability


def test_available_only_for_installed_pairs(argos_dir, engine, tmp_path):
    assert engine.available("en", ES)
    assert not engine.available("en", Locale("fr"))
    assert not engine.available("en", Locale("pt-BR"))
    install_package_file(build_argosmodel(tmp_path, to_code="pb"), argos_dir)
    assert engine.available("en", Locale("pt-BR"))


def test_translating_without_a_package_says_how_to_install_one(argos_dir):
    with pytest.raises(EngineError, match="no Argos package for en→fr.*newsloc models install PATH.argosmodel"):
        ArgosEngine().translate(["Hello."], "en", Locale("fr"))


def test_the_project_setting_is_used_when_the_environment_names_no_folder(
    argos_dir, tiny_argosmodel, tmp_path, monkeypatch
):
    monkeypatch.delenv("ARGOS_PACKAGES_DIR")
    install_package_file(tiny_argosmodel, tmp_path / "configured")
    assert ArgosEngine(tmp_path / "configured").available("en", ES)


# ---------------------------------------------------------------- translation


def test_every_sentence_of_the_article_gets_a_translation_with_provenance(engine):
    sentences = article_sentences()
    done = []
    hypotheses = engine.translate(sentences, "en", ES, progress=done.append)
    assert len(hypotheses) == len(sentences)
    assert all(h.text.strip() for h in hypotheses)
    assert {h.provenance for h in hypotheses} == {Provenance("argos", "translate-en_es", "1.0")}
    assert done == list(range(1, len(sentences) + 1))
    assert engine.last_run.texts == len(sentences) and engine.last_run.pieces == len(sentences)


def test_output_is_the_same_on_a_second_run(engine, argos_dir):
    sentences = article_sentences()[:40] + TAGGED
    assert engine.translate(sentences, "en", ES) == ArgosEngine().translate(sentences, "en", ES)


def test_tags_come_back_exactly_in_their_original_order(engine):
    for source, hypothesis in zip(TAGGED, engine.translate(TAGGED, "en", ES)):
        assert FROZEN_TAG.findall(hypothesis.text) == FROZEN_TAG.findall(source)


def test_only_runs_of_words_are_sent_to_the_model(engine):
    hypotheses = engine.translate(TAGGED, "en", ES)
    # 3 + 4 + 1 stretches of words; ".", ", " after a tag, a lone tag and blank texts are kept as written.
    assert engine.last_run.pieces == 8
    assert hypotheses[0].text.endswith("<g3/>.")
    assert hypotheses[3].text.startswith("<1>") and hypotheses[3].text.endswith("</1>, <2/>")
    assert [h.text for h in hypotheses[2:3] + hypotheses[4:]] == ["<g1/>", "", "   "]
    assert hypotheses[2].score is None and hypotheses[4].alternatives == ()


def test_n_best_alternatives_start_with_the_best(argos_dir, tiny_argosmodel):
    install_package_file(tiny_argosmodel, argos_dir)
    engine = ArgosEngine(options=ArgosOptions(num_hypotheses=3))
    for hypothesis in engine.translate(article_sentences()[:10], "en", ES):
        assert hypothesis.alternatives[0] == (hypothesis.text, hypothesis.score)
        assert 1 < len(hypothesis.alternatives) <= 3
        assert len({text for text, _ in hypothesis.alternatives}) == len(hypothesis.alternatives)


# ---------------------------------------------------------------- flags


def test_a_random_model_is_flagged_as_low_confidence(engine):
    hypotheses = engine.translate(article_sentences()[:5], "en", ES)
    assert all("low-confidence" in codes(h) for h in hypotheses)
    assert all(h.score < -1.5 for h in hypotheses)


def test_the_confidence_threshold_is_configurable(argos_dir, tiny_argosmodel):
    install_package_file(tiny_argosmodel, argos_dir)
    hypotheses = ArgosEngine(options=ArgosOptions(low_confidence=-100.0)).translate(article_sentences()[:5], "en", ES)
    assert not any("low-confidence" in codes(h) for h in hypotheses)


def test_a_model_stuck_on_one_word_is_flagged_as_a_loop_and_stopped_at_the_cap(argos_dir, tmp_path):
    engine = engine_with(argos_dir, tmp_path, {"▁the": 12.0})
    for text in ("Mexico rejects intervention.", "Share your thoughts in the comments below!"):
        [hypothesis] = engine.translate([text], "en", ES)
        assert "repetition" in codes(hypothesis)
        assert "low-confidence" not in codes(hypothesis)  # sure of itself, and still wrong
        assert engine.last_run.target_tokens == 3 * engine.last_run.source_tokens + 10  # capped relative to input


def test_a_model_that_ends_promptly_is_not_flagged_as_a_loop(argos_dir, tmp_path):
    engine = engine_with(argos_dir, tmp_path, {"</s>": 12.0})
    hypotheses = engine.translate(article_sentences()[:20], "en", ES)
    assert not any("repetition" in codes(h) for h in hypotheses)


def passes(source: str, output: str, cap: int = 100) -> bool:
    return loop_message(source.split(), output.split(), cap) == ""


def fails(source: str, output: str, cap: int = 100) -> bool:
    return not passes(source, output, cap)


def test_loop_detection():
    assert passes("a b c d", "w x y z")
    assert passes("a b c d", "w w w x")  # three in a row can be real
    assert fails("a b c d", "w w w w")
    assert fails("a b c d", "x w v w v w v y")
    assert passes("1 0 0 0 0 0 0", "1 0 0 0 0 0 0")  # the source repeats it too
    assert fails("a b", "w x y z", cap=4)  # never ended
    assert repeated_run(["x", "a", "b", "a", "b", "a", "b", "y"]) == (("a", "b"), 3)
    assert repeated_run(["a", "b", "c"]) == ((), 0)


# ---------------------------------------------------------------- device and compute type


@pytest.mark.parametrize("options", [ArgosOptions(device="tpu"), ArgosOptions(compute_type="int3")])
def test_impossible_device_or_compute_type_is_a_config_error(argos_dir, tiny_argosmodel, options):
    install_package_file(tiny_argosmodel, argos_dir)
    with pytest.raises(ConfigError):
        ArgosEngine(options=options).translate(["Hello."], "en", ES)


def test_int8_is_chosen_on_cpu():
    assert _compute_type("auto", "cpu") == "int8"


def test_cli_shortcuts_override_the_options(argos_dir, tmp_path):
    engine = ArgosEngine(
        tmp_path / "configured", ArgosOptions(beam_size=2), device="cpu", threads=1, low_confidence=-9.0
    )
    assert engine.options == ArgosOptions(beam_size=2, device="cpu", intra_threads=1, low_confidence=-9.0)
    assert engine.packages_dir == argos_dir  # $ARGOS_PACKAGES_DIR wins over the project setting


def test_auto_selection_picks_argos_when_its_package_is_installed(argos_dir, tiny_argosmodel):
    from pipeline.engines import choose_engine

    install_package_file(tiny_argosmodel, argos_dir)
    assert choose_engine("auto", "en", ES, device="cpu", threads=0, low_confidence=-1.5).name == "argos"
