"""One DOI file with a very long list: plan time against list length, and validate's output size.

A file of at most 8 MiB can hold 300,000 subjects. Every step doiac takes for one file has to stay
linear (or n log n) in the length of its lists, or one pull request stalls CI. For each shape of
list and each length, in one process:

- validate: `read_desired` on a repository holding that one file (YAML, schema, rules, locating);
- compare, no change: `make_change` against a live record equal to the file (canonical forms of
  both sides, then equality), as for most DOIs of a plan;
- compare, one change: `make_change` against a live record that lacks the middle item, so the
  list is aligned and diffed; it must find exactly that item;
- plan = validate + compare with one change; and the ratio plan(300k) / plan(30k), ≈ 10 if linear.

Files larger than the 8 MiB limit are measured with the limit lifted (doiac refuses them); the
table marks them. At BENCH_LONG_LISTS_BEFORE items (default 30,000; empty to skip) each shape is
also planned with the code as it was before: subjects deduplicated with `not in` over a list, and
lists aligned by difflib's SequenceMatcher over deepdiff hashes, side by side in the same run.

Last, validate of a file with that many unknown top-level keys: its time and the size of its text
output, capped at 100 problems per file, beside the size the same output had without the cap.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from reconciler import files as files_module
from reconciler.commands import validate as desired_module
from reconciler.commands.validate import read_desired
from reconciler.config import load_config
from reconciler.core import diff as diff_module
from reconciler.core import normalize as normalize_module
from reconciler.core.compare import desired_form
from reconciler.core.planner import make_change
from reconciler.model import MISSING, Diagnostic, FieldDiff, LiveRecord, pointer_of
from reconciler.render.diagnostics import render_text

SIZES = tuple(
    int(size)
    for size in os.environ.get("BENCH_LONG_LISTS_SIZES", "1000,10000,30000,100000,300000").split(",")
)
BEFORE = int(os.environ.get("BENCH_LONG_LISTS_BEFORE", "30000") or 0)
REPOSITORY = "BENCH.REPO"
CONFIG = f"""\
environment: sandbox
repositories:
  - id: {REPOSITORY}
    prefixes: ["10.80000"]
    path: dois/
    domains: ["data.example.org"]
"""
DOI = "10.80000/3mfp-6m52"
HEAD = f"""\
doi: {DOI}
state: findable
url: https://data.example.org/records/1
publisher: Example University Research Data Repository
publicationYear: 2024
types:
  resourceTypeGeneral: Dataset
"""
CREATORS = "creators:\n  - name: Doe, Jane\n"
TITLES = "titles:\n  - title: Sensor readings 2024\n"

# (list field, item n as YAML): each shape's list is the only long thing in its file.
SHAPES: dict[str, tuple[str, Callable[[int, int], str]]] = {
    # Every subject twice, so that the subjects-unique rule removes half of them.
    "subjects": ("subjects", lambda i, n: f"  - subject: topic {i % max(1, n // 2)}\n"),
    "creators": ("creators", lambda i, n: f"  - name: Person {i}\n"),
    "relatedIdentifiers": (
        "relatedIdentifiers",
        lambda i, n: (
            f"  - {{relatedIdentifier: 10.1234/r{i}, relatedIdentifierType: DOI, relationType: Cites}}\n"
        ),
    ),
    # One creator repeated: the list alignment's worst case before the fix.
    "creators, one name repeated": ("creators", lambda i, n: "  - name: Doe, Jane\n"),
}


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def _write(root: Path, field: str, item: Callable[[int, int], str], count: int) -> int:
    others = "".join(part for part in (CREATORS, TITLES) if not part.startswith(f"{field}:"))
    text = HEAD + others + f"{field}:\n" + "".join(item(i, count) for i in range(count))
    data = text.encode()
    path = root / "dois" / "10.80000" / "3mfp-6m52.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return len(data)


def _live(attributes: dict[str, Any], url: str | None, **changed: Any) -> LiveRecord:
    served = {**attributes, "doi": DOI, "state": "findable", "url": url, **changed}
    return LiveRecord(DOI, "findable", url, served, REPOSITORY)


def _plan_once(root: Path, field: str) -> dict[str, float]:
    config = load_config(root / "doiac.yaml")
    t_validate, read = _timed(lambda: read_desired(config))
    assert read.errors == 0, read.diagnostics[:3]
    [record] = read.records
    items = desired_form(record)[field]  # subjects without their duplicates
    middle = len(items) // 2
    same, changed = (
        _live(record.attributes, record.url),
        _live(record.attributes, record.url, **{field: items[:middle] + items[middle + 1 :]}),
    )
    t_same, none = _timed(lambda: make_change(record, same))
    assert none is None, none.diffs[:3]
    t_changed, change = _timed(lambda: make_change(record, changed))
    assert change is not None
    assert len(change.diffs) == 1, change.diffs[:3]
    return {
        "validate": t_validate,
        "compare_same": t_same,
        "compare_changed": t_changed,
        "plan": t_validate + t_changed,
    }


def _old_subjects_unique(record: dict[str, Any]) -> dict[str, Any]:
    subjects = record.get("subjects")
    if not isinstance(subjects, list):
        return record
    unique: list[Any] = []
    for subject in subjects:
        if subject not in unique:
            unique.append(subject)
    return {**record, "subjects": unique}


def _old_diff_lists(
    before: Sequence[Any], after: Sequence[Any], path: tuple[Any, ...]
) -> Iterator[FieldDiff]:
    from deepdiff import DeepHash  # only the old code used it; imported where it runs

    def identities(items: Sequence[Any]) -> list[str]:
        hashes = DeepHash(list(items))
        return [str(hashes[item]) for item in items]

    matcher = SequenceMatcher(a=identities(before), b=identities(after), autojunk=False)
    for op, b0, b1, a0, a1 in matcher.get_opcodes():
        if op == "equal":
            continue
        paired = min(b1 - b0, a1 - a0) if op == "replace" else 0
        for offset in range(paired):
            yield from diff_module._diff(before[b0 + offset], after[a0 + offset], (*path, a0 + offset))
        for index in range(b0 + paired, b1):
            yield FieldDiff(pointer_of((*path, index)), before[index], MISSING)
        for index in range(a0 + paired, a1):
            yield FieldDiff(pointer_of((*path, index)), MISSING, after[index])


@contextmanager
def _old_code() -> Iterator[None]:
    """The quadratic subject dedupe and the SequenceMatcher alignment, swapped back in."""
    rules, lists = normalize_module.RULES, diff_module._diff_lists
    normalize_module.RULES = tuple(
        dataclasses.replace(r, apply=_old_subjects_unique) if r.name == "subjects-unique" else r
        for r in rules
    )
    diff_module._diff_lists = _old_diff_lists
    try:
        yield
    finally:
        normalize_module.RULES, diff_module._diff_lists = rules, lists


@contextmanager
def _uncapped() -> Iterator[None]:
    capped = desired_module._capped

    def every(diagnostics: set[Diagnostic]) -> tuple[Diagnostic, ...]:
        return tuple(sorted(diagnostics))

    desired_module._capped = every
    try:
        yield
    finally:
        desired_module._capped = capped


def _unknown_keys(root: Path, count: int) -> dict[str, Any]:
    path = root / "dois" / "10.80000" / "3mfp-6m52.yaml"
    text = HEAD + CREATORS + TITLES + "".join(f"key{i}: {i}\n" for i in range(count))
    path.write_text(text)
    config = load_config(root / "doiac.yaml")
    seconds, read = _timed(lambda: read_desired(config))
    with _uncapped():
        every = read_desired(config)
    return {
        "keys": count,
        "file_bytes": len(text.encode()),
        "seconds": round(seconds, 2),
        "diagnostics": len(read.diagnostics),
        "output_bytes": len(render_text(read.diagnostics).encode()),
        "uncapped_output_bytes": len(render_text(every.diagnostics).encode()),
    }


def run() -> dict[str, Any]:
    limit = files_module.MAX_FILE_BYTES
    shapes: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "doiac.yaml").write_text(CONFIG)
        old = os.getcwd()
        os.chdir(root)
        files_module.MAX_FILE_BYTES = 2**31  # measure past the limit; doiac refuses such files
        try:
            for name, (field, item) in SHAPES.items():
                rows = []
                for count in SIZES:
                    size = _write(root, field, item, count)
                    times = _plan_once(root, field)
                    rows.append(
                        {"items": count, "file_bytes": size, **{k: round(v, 3) for k, v in times.items()}}
                    )
                    print(f"  {name} {count:,}: {rows[-1]}", flush=True)
                before = None
                if BEFORE:
                    _write(root, field, item, BEFORE)
                    with _old_code():
                        before = {k: round(v, 3) for k, v in _plan_once(root, field).items()}
                    print(f"  {name} {BEFORE:,}, before the fix: {before}", flush=True)
                shapes[name] = {"rows": rows, "before": before}
            files_module.MAX_FILE_BYTES = limit
            unknown = [_unknown_keys(root, count) for count in SIZES]
        finally:
            files_module.MAX_FILE_BYTES = limit
            os.chdir(old)
    return {
        "sizes": list(SIZES),
        "before_items": BEFORE,
        "limit_bytes": limit,
        "shapes": shapes,
        "unknown_keys": unknown,
    }


def _ratio(rows: list[dict[str, Any]], large: int, small: int) -> str:
    by_items = {row["items"]: row for row in rows}
    if large not in by_items or small not in by_items:
        return "n/a"
    return f"×{by_items[large]['plan'] / by_items[small]['plan']:.1f}"


def markdown(result: dict[str, Any]) -> str:
    limit = result["limit_bytes"]
    lines = [
        "| list | items | file | validate | compare, no change | compare, one change | plan |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for name, shape in result["shapes"].items():
        for row in shape["rows"]:
            over = " (over the limit)" if row["file_bytes"] > limit else ""
            lines.append(
                f"| {name} | {row['items']:,} | {row['file_bytes'] / 2**20:.2f} MiB{over} | {row['validate']} s "
                f"| {row['compare_same']} s | {row['compare_changed']} s | {row['plan']} s |"
            )
        if shape["before"]:
            b = shape["before"]
            lines.append(
                f"| {name}, before the fix | {result['before_items']:,} | | {b['validate']} s | {b['compare_same']} s "
                f"| {b['compare_changed']} s | {b['plan']} s |"
            )
    lines.append("")
    for name, shape in result["shapes"].items():
        lines.append(
            f"- {name}: plan(300k) / plan(30k) = {_ratio(shape['rows'], 300_000, 30_000)} (≈10 if linear)"
        )
    lines += [
        "",
        "| unknown keys | file | validate | diagnostics | output | output without the cap |",
        "|--:|--:|--:|--:|--:|--:|",
    ]
    for row in result["unknown_keys"]:
        lines.append(
            f"| {row['keys']:,} | {row['file_bytes'] / 2**20:.2f} MiB | {row['seconds']} s | {row['diagnostics']:,} "
            f"| {row['output_bytes']:,} B | {row['uncapped_output_bytes'] / 1e6:.1f} MB |"
        )
    return "\n".join(lines)
