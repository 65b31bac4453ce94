"""Engine selection: `auto` prefers an installed Argos model, then Apertium."""

from __future__ import annotations

from typing import Any

from pipeline.engines.base import Engine
from pipeline.model import EngineError, Locale

ENGINE_NAMES = ("auto", "apertium", "argos", "pseudo")


def make_engine(name: str, **options: Any) -> Engine:
    if name == "pseudo":
        from pipeline.engines.pseudo import PseudoEngine

        return PseudoEngine()
    if name == "apertium":
        from pipeline.engines.apertium import ApertiumEngine

        return ApertiumEngine()
    if name == "argos":
        from pipeline.engines.argos import ArgosEngine

        return ArgosEngine(**options)
    raise EngineError(f"unknown engine '{name}': use one of {', '.join(ENGINE_NAMES)}")


def choose_engine(name: str, source: str, target: Locale, **argos_options: Any) -> Engine:
    """The engine to use for one pair; `auto` stops with both ways to get one when none is there."""
    if name != "auto":
        engine = make_engine(name, **(argos_options if name == "argos" else {}))
        if not engine.available(source, target):
            hint = getattr(engine, "missing_message", None)
            detail = hint(target) if hint else f"no {name} model for {source}→{target.tag} is installed"
            raise EngineError(detail)
        return engine
    for candidate in ("argos", "apertium"):
        engine = make_engine(candidate, **(argos_options if candidate == "argos" else {}))
        if engine.available(source, target):
            return engine
    raise EngineError(
        f"no engine for {source}→{target.tag}: install an Argos model (newsloc models install FILE.argosmodel) "
        f"or the Apertium pairs (make setup, or apt-get install apertium apertium-eng-spa apertium-fr-es "
        f"apertium-es-pt)"
    )
