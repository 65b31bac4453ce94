"""Review flags in the build: source lint attached to segments, target checks on every entry.

Flags are recomputed on every run (a fixed problem's flag disappears); only the
engine's own signals (unknown words, low confidence) are carried from the run that
produced a machine draft, for as long as that draft is unchanged.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from babel.messages.catalog import Catalog

from pipeline import catalog as catalogs
from pipeline import checks, inline, lint
from pipeline import flags as registry
from pipeline import glossary as glossaries
from pipeline.marks import MarkKind
from pipeline.model import (
    MAX_SEGMENT_CHARS,
    Document,
    EntryState,
    Flag,
    Locale,
    Provenance,
    Segment,
    SegmentView,
    Severity,
    Suggestion,
)
from pipeline.pre_edit import pre_edit, title_case_words

if TYPE_CHECKING:
    from pipeline.memory.leverage import LocaleMatches

# Signals only the engine run knows; kept while the machine draft is unchanged.
ENGINE_FLAG_CODES = registry.engine_codes()
WORDS = re.compile(r"[^\W_]+(?:[’'-][^\W_]+)*")
MEMORY_CONFLICT = "tm-conflict"  # recomputed from the memory whenever a build has it


def flag_descriptions() -> dict[str, str]:
    """What every flag code means, for the review page legend."""
    return registry.descriptions()


def identity(segment: Segment) -> str:
    return segment.key + "\x00" + segment.text


def attach_to_segments(text: str, segments: Sequence[Segment], flags: Sequence[Flag]) -> dict[str, list[Flag]]:
    """Give each line-level source flag to the segment it falls in (spans re-based to it).

    A flag straddling two sentences ("cartels.These") goes to the segment where it starts:
    no flag is dropped.
    """
    lines = text.split("\n")
    on_line: dict[int, list[Segment]] = defaultdict(list)
    for segment in segments:
        on_line[segment.line].append(segment)
    by_line: dict[int | None, list[Flag]] = defaultdict(list)
    for flag in flags:
        by_line[flag.line].append(flag)
    attached: dict[str, list[Flag]] = defaultdict(list)
    # Linear in the line's length however many segments and flags it holds (a 1 MB line):
    # segments are found in order, and each takes only the flags that start within it.
    for line, line_segments in on_line.items():
        line_flags = by_line.get(line)
        if not line_flags:
            continue
        line_text = lines[line - 1] if 0 < line <= len(lines) else ""
        offsets = segment_offsets(line_text, [segment.text for segment in line_segments])
        spanless = [flag for flag in line_flags if flag.span is None]
        spanned = sorted((flag for flag in line_flags if flag.span), key=lambda flag: flag.span[0])  # type: ignore[index]
        starts = [flag.span[0] for flag in spanned]  # type: ignore[index]
        placed: set[tuple[str, str]] = set()
        stretches = _stretches(offsets, [len(segment.text) for segment in line_segments], len(line_text))
        for segment, offset, (begin, finish) in zip(line_segments, offsets, stretches):
            if offset >= 0:
                low, high = bisect.bisect_left(starts, offset), bisect.bisect_right(starts, offset + len(segment.text))
            else:  # not verbatim in the line (a URL the prose view blanks): it lies between its neighbours
                low, high = bisect.bisect_left(starts, begin), bisect.bisect_right(starts, finish)
            candidates = spanless + spanned[low:high]
            for flag in lint.flags_for_segment(candidates, line_text, segment.text, line, offset):
                attached[identity(segment)].append(replace(flag, source=True))
                placed.add((flag.code, flag.message))
        homes = [(offset, index) for index, offset in enumerate(offsets) if offset >= 0]
        home_starts = [offset for offset, _ in homes]
        for flag in line_flags:
            if (flag.code, flag.message) not in placed:
                start = flag.span[0] if flag.span else 0
                found = bisect.bisect_right(home_starts, start) - 1
                home = line_segments[homes[found][1]] if found >= 0 else line_segments[0]
                attached[identity(home)].append(replace(flag, source=True))
    return attached


def _stretches(offsets: Sequence[int], lengths: Sequence[int], line_length: int) -> list[tuple[int, int]]:
    """For each segment, the part of the line between the verbatim segments before and after it."""
    stretches, begin = [], 0
    following = [line_length] * len(offsets)
    for index in range(len(offsets) - 2, -1, -1):
        following[index] = offsets[index + 1] if offsets[index + 1] >= 0 else following[index + 1]
    for offset, length, finish in zip(offsets, lengths, following):
        stretches.append((begin, finish))
        if offset >= 0:
            begin = offset + length
    return stretches


# How far back a segment found out of order is looked for (the line before the previous segment):
# a search of the whole line for each segment not in it verbatim was quadratic on a 1 MB line.
LOOK_BACK = 4 * MAX_SEGMENT_CHARS


def segment_offsets(line_text: str, texts: Sequence[str]) -> list[int]:
    """Where each segment starts in its line (-1: not verbatim there), searching on from the previous one."""
    offsets, position = [], 0
    for text in texts:
        offset = line_text.find(text, position)
        if offset < 0:  # out of order (rare): just before
            offset = line_text.find(text, max(0, position - LOOK_BACK), position + len(text))
        offsets.append(offset)
        if offset >= position:
            position = offset + len(text)
    return offsets


def source_review(
    text: str, document: Document, segments: Sequence[Segment], glossary=None, cache=None
) -> tuple[list[Segment], dict[str, tuple[Flag, ...]]]:
    """Lint the English: flags per segment, and the pre-edited text for the engine.

    With a ``cache``, an article whose text and lint are unchanged is not linted again.
    """
    row = cache.row("lint", text, document.path) if cache else None
    memo = row or _no_memo
    linted = memo("lint", (lint.lint_text,), lambda: lint.lint_text(text, document.path))
    texts = [segment.text for segment in segments]
    words = (row.value if row else _no_memo)("title-case", (title_case_words,), lambda: sorted(title_case_words(texts)))
    lowered = frozenset(words)
    flags = [*linted, *lint.toc_mismatches(document)]
    attached = attach_to_segments(text, segments, flags)
    fixed_segments = []
    for segment in segments:
        edited = pre_edit(
            segment.text,
            attached[identity(segment)],
            verbatim_spans(segment),
            terms=term_spans(segment, glossary),
            lowered=lowered,
        )
        attached[identity(segment)].extend(replace(flag, source=True, line=segment.line) for flag in edited.flags)
        changed = edited.text != segment.text
        fixed_segments.append(
            replace(segment, engine_text=edited.text if changed else "", pre_edits=edited.kinds if changed else ())
        )
    return fixed_segments, {key: tuple(value) for key, value in attached.items()}


def verbatim_spans(segment: Segment) -> list[tuple[int, int]]:
    """Code content kept as written (code spans, translate="no"): pre-editing leaves it alone."""
    spans = []
    for code in segment.codes:
        if code.paired and not code.translate:
            found = re.search(rf"<{code.id}>.*?</{code.id}>", segment.text, re.S)
            if found:
                spans.append(found.span())
    return spans


def term_spans(segment: Segment, glossary=None) -> list[tuple[int, int]]:
    """Where the segment has glossary terms: pre-editing may only change their case."""
    if glossary is None:
        return []
    return [(match.start, match.end) for match in glossaries.find_terms(glossary, segment.text)]


def _no_memo(part: str, depends: tuple, compute):
    return compute()


def check_functions() -> tuple:
    """The code an entry's target flags come from (what the cache stamps them with)."""
    parts = (checks.check_translation, checks.run_check, *(check.run for check in checks.CHECKS))
    return (target_flags, *parts, inline.code_problems, inline.verbatim_problems, glossaries.verify)


def target_flags(
    segment: Segment,
    target: str,
    locale: Locale,
    glossary,
    engine_flags: Sequence[Flag],
    marks: Sequence[MarkKind] = (),
    memo=None,
) -> list[Flag]:
    """Every target flag of one entry; ``memo(part, depends, compute)`` may reuse a part's earlier result.

    A memo with ``whole`` (a pipeline.cache.Row) first tries the entry's assembled flags, stamped
    with every part's code and the glossary entries it holds: one lookup when nothing changed.
    """
    terms = glossaries.fingerprint(glossary, segment.text, locale) if glossary is not None else ""
    whole = getattr(memo, "whole", None)
    if whole is not None:
        depends = (*check_functions(), terms)
        return whole(
            depends, lambda: _target_flags(segment, target, locale, glossary, engine_flags, marks, memo, terms)
        )
    return _target_flags(segment, target, locale, glossary, engine_flags, marks, memo, terms)


def _target_flags(segment, target, locale, glossary, engine_flags, marks, memo, terms) -> list[Flag]:
    memo = memo or _no_memo
    accepted = glossaries.target_words(glossary, locale.tag) if glossary is not None else frozenset()
    # the dictionary checks also depend on the glossary words this target uses (accepted as correct)
    used = {part.casefold() for word in WORDS.findall(target) for part in (word, *word.split("-"))} & accepted
    words = hashlib.sha256("\n".join(sorted(used)).encode()).hexdigest()[:16]

    def run(check, pair) -> list[Flag]:
        # a check's result depends on its code and on run_check (which reads severities from the registry)
        depends = (check.run, checks.run_check, *((words,) if check.code in checks.DICTIONARY_CHECKS else ()))
        return memo(check.code, depends, lambda: checks.run_check(check, pair))

    flags = checks.check_translation(
        segment.text, target, locale, engine_flags=tuple(engine_flags), marks=marks, run=run, accepted_words=accepted
    )
    flags += memo("inline-code", (inline.code_problems,), lambda: inline.code_problems(segment.text, target))
    flags += memo(
        "do-not-translate",
        (inline.verbatim_problems,),
        lambda: inline.verbatim_problems(segment.text, target, segment.codes),
    )
    if glossary is not None:
        flags += memo(
            "glossary", (glossaries.verify, terms), lambda: glossaries.verify(segment.text, target, locale, glossary)
        )
    return flags


def annotate(
    catalog: Catalog,
    segments: Sequence[Segment],
    source_flags: dict[str, tuple[Flag, ...]],
    locale: Locale,
    glossary=None,
    marks: Sequence[MarkKind] = (),
    cache=None,
    memory: LocaleMatches | None = None,
) -> list[SegmentView]:
    """Recompute every entry's flags (and memory suggestions), write them into its comments, return the views.

    ``marks``: the engines' marks (``pipeline.engines.known_marks()``) to look for in the text.
    With a ``cache`` (pipeline.cache.ResultCache), a check whose inputs and code are
    unchanged since an earlier run is not run again: its flags are reused.
    ``memory``: what the translation memory holds for these segments; with it, ``tm-conflict``
    is recomputed (not carried) and fuzzy matches become suggestions.
    """
    views = []
    for segment in segments:
        message = catalog.get(segment.text, context=segment.key)
        assert message is not None, "the catalog is merged with the segments' template"
        state = catalogs.entry_state(message)
        record = catalogs.machine_record(message)
        # Once each: a fresh draft holds a comment per mark, the file one per distinct comment.
        engine_flags = (
            list(
                dict.fromkeys(
                    f
                    for f in catalogs.entry_flags(message)
                    if f.code in ENGINE_FLAG_CODES and not (memory is not None and f.code == MEMORY_CONFLICT)
                )
            )
            if state == EntryState.MACHINE
            else []
        )
        flags = list(source_flags.get(identity(segment), ()))
        if message.string:
            memo = (
                cache.row(
                    "target", segment.text, segment.codes, catalogs.msgstr(message), locale.tag, engine_flags, marks
                )
                if cache
                else None
            )
            flags += target_flags(segment, catalogs.msgstr(message), locale, glossary, engine_flags, marks, memo)
        suggestions: tuple[Suggestion, ...] = ()
        if memory is not None and state != EntryState.REVIEWED:
            from pipeline.memory import leverage

            if conflict := leverage.conflict_flag(memory, segment.text):
                flags.append(conflict)
            current = message.string if isinstance(message.string, str) else ""
            suggestions = leverage.suggestions(memory, segment.text, current, locale, glossary)
        silenced = checks.silenced_codes(list(message.user_comments))
        flags = checks.apply_silences(flags, silenced)
        # One flag per problem as the catalog shows it: status, check and the manifest count the same.
        unique: dict[tuple[str, Severity, str], Flag] = {}
        for flag in flags:
            unique.setdefault((flag.code, flag.severity, flag.message), flag)
        flags = list(unique.values())
        message.auto_comments = [
            *catalogs.template_comments(message),
            *([record.render()] if record and state == EntryState.MACHINE else []),
            *(catalogs.render_flag(flag) for flag in flags),
            *(catalogs.render_suggestion(suggestion) for suggestion in suggestions),
        ]
        provenance = (
            record.provenance
            if record and state == EntryState.MACHINE
            else (Provenance.translator() if state in (EntryState.REVIEWED, EntryState.DRAFT) else None)
        )
        views.append(SegmentView(segment, catalogs.msgstr(message), state, provenance, tuple(flags), suggestions))
    return views
