"""Engine selection: `auto` prefers an installed Argos model, then Apertium."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pipeline.engines.base import Engine
from pipeline.marks import MarkKind
from pipeline.model import EngineError, Locale

ENGINE_NAMES = ("auto", "apertium", "argos", "pseudo")


def known_marks() -> tuple[MarkKind, ...]:
    """Every mark any engine writes, for text made by whichever engine (review badges, checks)."""
    from pipeline.engines.apertium import ApertiumEngine
    from pipeline.engines.argos import ArgosEngine
    from pipeline.engines.pseudo import PseudoEngine

    return tuple(dict.fromkeys(kind for engine in (ApertiumEngine, ArgosEngine, PseudoEngine) for kind in engine.marks))


def make_engine(name: str, apertium_chains: Mapping[str, Sequence[str]] | None = None, **options: Any) -> Engine:
    """An engine by name; ``apertium_chains`` ([tool.newsloc] apertium-chains) configures Apertium,
    ``options`` the argos engine."""
    if name == "pseudo":
        from pipeline.engines.pseudo import PseudoEngine

        return PseudoEngine()
    if name == "apertium":
        from pipeline.engines.apertium import ApertiumEngine

        return ApertiumEngine(apertium_chains)
    if name == "argos":
        from pipeline.engines.argos import ArgosEngine

        return ArgosEngine(**options)
    raise EngineError(f"unknown engine '{name}': use one of {', '.join(ENGINE_NAMES)}")


def choose_engine(
    name: str,
    source: str,
    target: Locale,
    apertium_chains: Mapping[str, Sequence[str]] | None = None,
    shared: dict[str, Engine] | None = None,
    **argos_options: Any,
) -> Engine:
    """The engine to use for one pair; `auto` stops with both ways to get one when none is there.

    ``shared`` keeps one instance per engine name across calls: a build passes one dict
    for all its locales, so an engine can reuse work between them (a pivot step, a model).
    """
    instances: dict[str, Engine] = {} if shared is None else shared

    def make(candidate: str) -> Engine:
        if candidate not in instances:
            instances[candidate] = make_engine(
                candidate, apertium_chains, **(argos_options if candidate == "argos" else {})
            )
        return instances[candidate]

    if name != "auto":
        engine = make(name)
        if not engine.available(source, target):
            hint = getattr(engine, "missing_message", None)
            detail = hint(target) if hint else f"no {name} model for {source}→{target.tag} is installed"
            raise EngineError(detail)
        return engine
    for candidate in ("argos", "apertium"):
        engine = make(candidate)
        if engine.available(source, target):
            return engine
    for candidate in ("argos", "apertium"):  # a setting naming what is not installed says so
        problem = getattr(make(candidate), "configuration_problem", None)
        if problem and problem(target):
            raise EngineError(problem(target))
    raise EngineError(
        f"no engine for {source}→{target.tag}: install an Argos model (newsloc models install FILE.argosmodel) "
        f"or the Apertium pairs (make setup, or apt-get install apertium apertium-eng-spa apertium-eng-cat "
        f"apertium-fra-cat apertium-es-pt)"
    )
