from pipeline.engines.pseudo import PseudoEngine, pseudo_localize
from pipeline.model import Locale


def test_pseudo_is_deterministic_accented_longer_and_keeps_tags():
    text = "Read <1>the report</1> on <g2/> today."
    out = pseudo_localize(text)
    assert out == pseudo_localize(text)
    assert out.startswith("[") and out.endswith("]")
    assert "<1>" in out and "</1>" in out and "<g2/>" in out
    assert "ŕéàđ" in out.lower() or "Ŕéàđ" in out
    assert len(out) > len(text)


def test_engine_batch():
    hypotheses = PseudoEngine().translate(["One.", "Two."], "en", Locale("fr"))
    assert [h.provenance.engine for h in hypotheses] == ["pseudo", "pseudo"]
    assert hypotheses[0].text != hypotheses[1].text
