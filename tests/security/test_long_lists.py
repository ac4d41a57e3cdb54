"""One DOI file with very long lists: every step stays linear, and the output stays bounded.

Before the fix, deduplicating subjects compared each subject with every one kept (30,000 subjects
planned in 20.6 s, 300,000 ran past 180 s, within the 8 MiB file limit); aligning two long lists
for a diff did up to cubic work (1,000 creators against 2,000 took 32 s); and 200,000 unknown keys
turned a 3 MB file into 69 MB of output.

These tests count work instead of timing it: speed belongs to bench/bench_long_lists.py, which
runs the real plan path up to 300,000 list items and is the guard against slow steps coming back.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

import pytest

from reconciler.commands.validate import read_desired
from reconciler.config import load_config
from reconciler.core.compare import desired_form
from reconciler.core.diff import diff_records
from reconciler.core.normalize import canonical
from reconciler.core.planner import make_change
from reconciler.model import MISSING, DesiredRecord, FieldDiff, LiveRecord

from ..conftest import FINDABLE, Repo
from ..helpers.cli import run

PATH = "dois/10.80000/3mfp-6m52.yaml"
LONG = 50_000
"""Long enough that comparing every item with every other would take minutes; linear takes seconds."""


class _Counted(dict[str, Any]):
    """A subject that counts how often it is compared with another."""

    compared = 0

    def __eq__(self, other: object) -> bool:
        _Counted.compared += 1
        return super().__eq__(other)

    __hash__ = None  # type: ignore[assignment]


def test_deduplicating_subjects_compares_each_one_a_bounded_number_of_times() -> None:
    count = 2_000
    subjects = [_Counted(subject=f"s{i % (count // 2)}") for i in range(count)]
    _Counted.compared = 0
    form = canonical({"subjects": subjects})
    assert form["subjects"] == [{"subject": f"s{i}"} for i in range(count // 2)]
    assert _Counted.compared <= count  # was 1,000,000 here: each subject against every one kept


# Python's == decides what is a duplicate, as before: 1, 1.0 and True are one value, key order and
# nesting are compared as values, and the first of equal subjects stays where it was.
DEDUPE = [
    ("key-order", [{"subject": "a", "lang": "en"}, {"lang": "en", "subject": "a"}], [0]),
    ("numbers", [{"subject": 1}, {"subject": 1.0}, {"subject": True}, {"subject": 2}], [0, 3]),
    ("nested", [{"s": [1, {"a": "b"}]}, {"s": [1, {"a": "b"}]}, {"s": [{"a": "b"}, 1]}], [0, 2]),
    ("scalars", ["a", {"subject": "a"}, "a", None, None, 3], [0, 1, 3, 5]),
    ("first-seen-order", [{"subject": "b"}, {"subject": "a"}, {"subject": "b"}], [0, 1]),
    ("string-is-not-number", [{"subject": "1"}, {"subject": 1}], [0, 1]),
]


@pytest.mark.parametrize(("subjects", "kept"), [c[1:] for c in DEDUPE], ids=[c[0] for c in DEDUPE])
def test_subjects_unique_keeps_the_first_of_equal_subjects(subjects: list[Any], kept: list[int]) -> None:
    assert canonical({"subjects": subjects})["subjects"] == [subjects[i] for i in kept]


class _OverBudgetError(Exception):
    pass


def _calls(action: Callable[[], object], budget: int) -> int:
    """How many Python and C function calls `action` makes, stopping past `budget`: work, not time."""
    calls = 0

    def profile(frame: object, event: str, arg: object) -> None:
        nonlocal calls
        calls += 1
        if calls > budget:
            raise _OverBudgetError

    sys.setprofile(profile)
    try:
        action()
    except _OverBudgetError:
        pass
    finally:
        sys.setprofile(None)
    return calls


def _names(*names: str) -> list[dict[str, str]]:
    return [{"name": name} for name in names]


ALIGN: dict[str, Callable[[int], tuple[list[Any], list[Any]]]] = {
    # n → (live, desired): shapes that made the old alignment do quadratic or cubic work.
    "repeated-against-alternating": lambda n: (_names(*["x"] * n), _names(*["x", "y"] * n)),
    "all-equal-one-changed": lambda n: (_names(*["x"] * n), _names(*["x"] * (n - 1), "y")),
    "reversed": lambda n: (_names(*map(str, range(n))), _names(*map(str, reversed(range(n))))),
    "every-other-changed": lambda n: (
        _names(*map(str, range(n))),
        _names(*(str(i + i % 2 * n) for i in range(n))),
    ),
    "two-values-swapped": lambda n: (_names(*["a", "b"] * n), _names(*["b", "a"] * n)),
}


@pytest.mark.parametrize("shape", list(ALIGN))
def test_aligning_long_lists_does_linear_work(shape: str) -> None:
    def work(n: int, budget: int) -> int:
        live, wanted = ALIGN[shape](n)
        return _calls(lambda: diff_records({"creators": live}, {"creators": wanted}), budget)

    # 64 times the items: about 64 times the work when linear (n log n: a little more); quadratic
    # work grows 4,096 times, cubic 262,144 (the old alignment: stopped at the budget here).
    small = work(25, 10**9)
    large = work(1600, 160 * small)
    assert large <= 160 * small, (small, large)


@pytest.mark.parametrize(
    ("live", "wanted", "expected"),
    [
        (_names("a", "b", "c"), _names("a", "b", "c"), []),
        (_names("a", "b", "c"), _names("a", "x", "c"), [FieldDiff("/creators/1/name", "b", "x")]),
        (
            _names("a", "b", "c"),
            _names("a", "x", "b", "c"),
            [FieldDiff("/creators/1", MISSING, {"name": "x"})],
        ),
        (_names("a", "b", "c"), _names("a", "c"), [FieldDiff("/creators/1", {"name": "b"}, MISSING)]),
        # Live holds B, A where the file says A, B: A is added in front and removed behind B.
        (
            _names("b", "a", "c"),
            _names("a", "b", "c"),
            [
                FieldDiff("/creators/0", MISSING, {"name": "a"}),
                FieldDiff("/creators/1", {"name": "a"}, MISSING),
            ],
        ),
        (
            _names(*["x"] * 5),
            _names(*["x"] * 3, "y", "x"),
            [FieldDiff("/creators/3/name", "x", "y")],
        ),
    ],
    ids=["equal", "one-changed", "one-inserted", "one-removed", "swapped", "repeated-one-changed"],
)
def test_list_alignment_keeps_equal_items_in_place(
    live: list[Any], wanted: list[Any], expected: list[FieldDiff]
) -> None:
    assert list(diff_records({"creators": live}, {"creators": wanted})) == expected


ITEMS = {
    "subjects": lambda i: f"  - subject: s{i % (LONG // 2)}\n",  # every subject twice
    "creators": lambda i: f"  - name: c{i}\n",
    "relatedIdentifiers": lambda i: (
        f"  - {{relatedIdentifier: 10.1234/r{i}, relatedIdentifierType: DOI, relationType: Cites}}\n"
    ),
}


def _long_file(repo: Repo, field: str) -> None:
    text = FINDABLE
    if field == "creators":  # the long list replaces the one creator
        text = text.replace("creators:\n  - name: Doe, Jane\n    nameType: Personal\n", "")
    repo.write_bytes(PATH, (text + f"{field}:\n" + "".join(ITEMS[field](i) for i in range(LONG))).encode())


def _live(record: DesiredRecord, **attributes: Any) -> LiveRecord:
    served = {**record.attributes, "doi": record.doi, "state": record.state, "url": record.url, **attributes}
    return LiveRecord(record.doi, record.state, record.url, served, "EXAMPLE.REPO")


@pytest.mark.parametrize("field", list(ITEMS))
def test_a_long_list_validates_and_plans(repo: Repo, capsys: pytest.CaptureFixture[str], field: str) -> None:
    _long_file(repo, field)
    assert run(capsys, "validate") == (0, "1 file checked: 0 errors, 0 warnings, 0 advice, 0 info\n", "")
    [record] = read_desired(load_config(repo.config)).records
    items = desired_form(record)[field]
    assert len(items) == (LONG // 2 if field == "subjects" else LONG)
    assert items[-1] == record.attributes[field][len(items) - 1]
    assert make_change(record, _live(record)) is None
    # DataCite serves the list without one item in the middle: the plan adds exactly that one back.
    middle = len(items) // 2
    change = make_change(record, _live(record, **{field: items[:middle] + items[middle + 1 :]}))
    assert change is not None
    assert change.diffs == (FieldDiff(f"/{field}/{middle}", MISSING, items[middle]),)


UNKNOWN = 20_000


def _unknown_keys(count: int) -> bytes:
    return (FINDABLE + "".join(f"key{i}: {i}\n" for i in range(count))).encode()


def test_problems_beyond_a_hundred_per_file_are_one_line(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write_bytes(PATH, _unknown_keys(UNKNOWN))
    code, out, err = run(capsys, "validate")
    assert (code, err) == (1, "")
    lines = out.splitlines()
    assert len(lines) == 102  # 100 problems, the line about the rest, the summary
    assert all(line.startswith(f"{PATH}:") and "unknown key `key" in line for line in lines[:100])
    assert [int(line.split(":")[1]) for line in lines[:100]] == list(range(13, 113))  # by line
    assert lines[100] == (
        f"{PATH}:1:1: error: /: … and {UNKNOWN - 100:,} more problems in this file (fix these and run again)"
    )
    assert len(out) < 60_000  # was 69 MB for 200,000 keys


def test_json_and_github_carry_the_same_lines(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write_bytes(PATH, _unknown_keys(UNKNOWN))
    code, out, _ = run(capsys, "validate", "--format", "json")
    payload = json.loads(out)
    assert (code, payload["files"], payload["errors"], len(payload["diagnostics"])) == (1, 1, 101, 101)
    assert payload["diagnostics"][-1] == {
        "path": PATH,
        "line": 1,
        "column": 1,
        "severity": "error",
        "pointer": "",
        "message": f"… and {UNKNOWN - 100:,} more problems in this file (fix these and run again)",
        "rule": "too-many-problems",
    }
    code, out, _ = run(capsys, "validate", "--format", "github")
    lines = out.splitlines()
    assert (code, len(lines)) == (1, 101)
    assert lines[-1] == (
        f"::error file={PATH},line=1,col=1,title=doiac too-many-problems::/: … and {UNKNOWN - 100:,} more "
        "problems in this file (fix these and run again)"
    )


PADDED = "  - subject: ' padded '\n"
BOGUS = "  - {subject: ok, bogus: 1}\n"


@pytest.mark.parametrize(
    ("subjects", "tail", "code", "last"),
    [
        (100, "", 0, None),
        (101, "", 0, f"{PATH}:1:1: advice: /: … and 1 more problem in this file (fix these and run again)"),
        # The line about the rest is as severe as the worst problem it stands for.
        (150, BOGUS, 1, f"{PATH}:1:1: error: /: … and 51 more problems in this file (fix these and run again)"),
    ],
    ids=["100-all-shown", "101-one-more", "error-left-out"],
)  # fmt: skip
def test_the_line_about_the_rest(
    repo: Repo, capsys: pytest.CaptureFixture[str], subjects: int, tail: str, code: int, last: str | None
) -> None:
    repo.write_bytes(PATH, (FINDABLE + "subjects:\n" + PADDED * subjects + tail).encode())
    found, out, _ = run(capsys, "validate")
    lines = out.splitlines()
    assert found == code
    assert len(lines) == min(subjects + len(tail.splitlines()), 100) + (last is not None) + 1
    assert lines[-2] == last if last is not None else "more problems" not in out


def test_each_file_has_its_own_hundred(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    other = "dois/10.80000/7kq2-9d41.yaml"
    repo.write_bytes(PATH, _unknown_keys(150))
    repo.write_bytes(other, _unknown_keys(120).replace(b"3mfp-6m52", b"7kq2-9d41"))
    code, out, _ = run(capsys, "validate")
    lines = out.splitlines()
    assert code == 1
    assert sum(line.startswith(f"{PATH}:") for line in lines) == 101
    assert sum(line.startswith(f"{other}:") for line in lines) == 101
    assert f"{PATH}:1:1: error: /: … and 50 more problems" in out
    assert f"{other}:1:1: error: /: … and 20 more problems" in out
