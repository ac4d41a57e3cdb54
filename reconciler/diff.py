"""Field-level diffs of canonical records, as JSON pointers with before and after (deepdiff lives here).

Order matters in every list: DataCite keeps the order it is sent (creators are in order of
priority), so a list is aligned like a text diff. Items present on both sides keep their place;
an inserted creator is one added item, not every later creator changed. Items replaced one for
one are diffed field by field. deepdiff's DeepHash gives nested values a stable identity for that
alignment. Equal records take a fast path: most DOIs of a plan have no change.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from difflib import SequenceMatcher
from typing import Any

from deepdiff import DeepHash

from .model import MISSING, FieldDiff, pointer_of


def diff_records(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[FieldDiff, ...]:
    """Every difference from `before` (live) to `after` (desired), both canonical, in record order."""
    if before == after:
        return ()
    return tuple(_diff(before, after, ()))


def _diff(before: Any, after: Any, path: tuple[Any, ...]) -> Iterator[FieldDiff]:
    if isinstance(before, Mapping) and isinstance(after, Mapping):
        yield from _diff_mappings(before, after, path)
    elif _is_list(before) and _is_list(after):
        yield from _diff_lists(before, after, path)
    elif before != after or type(before) is not type(after):
        yield FieldDiff(pointer_of(path), before, after)


def _is_list(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, str | bytes)


def _diff_mappings(
    before: Mapping[str, Any], after: Mapping[str, Any], path: tuple[Any, ...]
) -> Iterator[FieldDiff]:
    # The desired record's key order first (it is the order people wrote), then keys only live has.
    keys = [*after, *(k for k in before if k not in after)]
    for key in keys:
        if key not in before:
            yield FieldDiff(pointer_of((*path, key)), MISSING, after[key])
        elif key not in after:
            yield FieldDiff(pointer_of((*path, key)), before[key], MISSING)
        elif before[key] != after[key]:
            yield from _diff(before[key], after[key], (*path, key))


def _diff_lists(before: Sequence[Any], after: Sequence[Any], path: tuple[Any, ...]) -> Iterator[FieldDiff]:
    matcher = SequenceMatcher(a=_identities(before), b=_identities(after), autojunk=False)
    for op, b0, b1, a0, a1 in matcher.get_opcodes():
        if op == "equal":
            continue
        paired = min(b1 - b0, a1 - a0) if op == "replace" else 0
        for offset in range(paired):
            # Pointers name positions in the desired list: that is the list that will be sent.
            yield from _diff(before[b0 + offset], after[a0 + offset], (*path, a0 + offset))
        for index in range(b0 + paired, b1):
            yield FieldDiff(pointer_of((*path, index)), before[index], MISSING)
        for index in range(a0 + paired, a1):
            yield FieldDiff(pointer_of((*path, index)), MISSING, after[index])


def _identities(items: Sequence[Any]) -> list[str]:
    hashes = DeepHash(list(items))
    return [str(hashes[item]) for item in items]
