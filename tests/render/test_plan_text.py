"""The terminal plan. The golden plan built here is shared with the markdown and JSON tests.

Regenerate the golden files with `DOIAC_UPDATE_GOLDEN=1 pytest tests/render`, then read the diff.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from reconciler.model import (
    MISSING,
    Action,
    Change,
    Drift,
    FieldDiff,
    Plan,
    PlanContext,
    PlanProblem,
    Severity,
    Unmanaged,
)
from reconciler.render.plan_text import (
    format_change,
    format_value,
    render_plan_text,
    state_text,
    summarise_plan,
)

GOLDEN = Path(__file__).parent / "golden"
REPO = "EXAMPLE.REPO"
LONG = "Hourly air temperature, humidity and pressure from 24 rooftop sensors in the city centre. " * 3


def assert_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("DOIAC_UPDATE_GOLDEN") == "1":
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8")


def golden_context(**overrides: Any) -> PlanContext:
    values: dict[str, Any] = {
        "environment": "sandbox",
        "endpoint": "http://127.0.0.1:49811",
        "repositories": (REPO, "EXAMPLE.OTHER"),
        "files": 8,
        "requests": 1,
        "commit": "3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f",
        "created": "2025-03-14T09:26:53Z",
        "anonymous": ("EXAMPLE.OTHER",),
    }
    return PlanContext(**{**values, **overrides})


def golden_plan() -> Plan:
    """Every action, a one-way create, an update with add/remove/change, problems, a drift, an unmanaged DOI."""
    create = Change(
        "10.80000/3mfp-6m52", Action.CREATE, REPO, "dois/10.80000/3mfp-6m52.yaml", None, "findable",
        (
            FieldDiff("/creators", MISSING, [{"name": "Doe, Jane", "nameType": "Personal"}]),
            FieldDiff("/titles", MISSING, [{"title": "Sensor readings 2024"}]),
            FieldDiff("/publisher", MISSING, {"name": "Example Repository"}),
            FieldDiff("/publicationYear", MISSING, 2024),
            FieldDiff("/types", MISSING, {"resourceTypeGeneral": "Dataset"}),
            FieldDiff("/rightsList", MISSING, [{"rightsIdentifier": "cc-by-4.0"}]),
            FieldDiff("/url", MISSING, "https://data.example.org/records/1"),
        ),
        "publish",
        ("DataCite will store rightsList[0] as the full SPDX record for cc-by-4.0",),
    )  # fmt: skip
    publish = Change(
        "10.80000/ght6-q343", Action.PUBLISH, REPO, "dois/10.80000/ght6-q343.yaml", "draft", "findable",
        (FieldDiff("/url", "https://data.example.org/drafts/7", "https://data.example.org/records/7"),),
        "publish", fingerprint="sha256:41c8e0a7d2b9f6e3",
    )  # fmt: skip
    hide = Change(
        "10.80000/k2tq-8a31", Action.HIDE, REPO, "dois/10.80000/k2tq-8a31.yaml", "findable", "registered",
        (FieldDiff("/url", "https://data.example.org/records/3", "https://data.example.org/tombstones/3"),),
        "hide", fingerprint="sha256:0be3c1f5a9d7e2b4",
    )  # fmt: skip
    register = Change(
        "10.80000/r3g1-5t3r", Action.REGISTER, REPO, "dois/10.80000/r3g1-5t3r.yaml", "draft", "registered",
        event="register", fingerprint="sha256:7d1e9a3c5b2f8e60",
    )  # fmt: skip
    update = Change(
        "10.80000/xdwt-5h08", Action.UPDATE, REPO, "dois/10.80000/xdwt-5h08.yaml", "findable", "findable",
        (
            FieldDiff("/titles/0/title", "Sensor readings 2024", "Sensor readings, 2024 campaign"),
            FieldDiff("/creators/1", MISSING, {"name": "Roe, Ann", "affiliation": [{"name": "Example University"}]}),
            FieldDiff("/subjects/2", {"subject": "sensors"}, MISSING),
            FieldDiff("/descriptions/0/description", LONG[:120], LONG),
            FieldDiff("/version", None, "2.0"),
        ),
        notes=('DataCite will store language "en-GB" as "en"',),
        fingerprint="sha256:c3a5e7f9b1d2c4e6",
        cited=(
            {"creators": [{"name": "Doe, Jane", "nameType": "Personal", "givenName": "Jane", "familyName": "Doe"}],
             "titles": [{"title": "Sensor readings 2024"}], "publicationYear": 2024, "publisher": {"name": "Example Repository"}},
            {"creators": [{"name": "Doe, Jane", "nameType": "Personal", "givenName": "Jane", "familyName": "Doe"},
                          {"name": "Roe, Ann", "affiliation": [{"name": "Example University"}]}],
             "titles": [{"title": "Sensor readings, 2024 campaign"}], "publicationYear": 2024,
             "publisher": {"name": "Example Repository"}},
        ),
    )  # fmt: skip
    delete = Change(
        "10.80000/dr4f-t001", Action.DELETE, REPO, None, "draft", None, fingerprint="sha256:e5f7a9c1b3d5e7f9"
    )
    return Plan(
        changes=(create, publish, hide, register, update, delete),
        unchanged=3,
        problems=(
            PlanProblem(
                Severity.ERROR,
                "10.80000/zz9x-1r40",
                "findable → draft is impossible: DataCite never takes a DOI back to draft; keep it"
                " registered and point url at a tombstone page",
                "dois/10.80000/zz9x-1r40.yaml",
            ),
            PlanProblem(
                Severity.WARNING,
                "10.80000/w4rn-0001",
                "not visible without EXAMPLE.OTHER's password: draft and registered DOIs need it; not compared",
                "dois/other/10.80000/w4rn-0001.yaml",
            ),
        ),
        unmanaged=(Unmanaged("10.80000/old0-0017", "findable", REPO),),
        desired_digest="sha256:5b1f3d7e9a2c4e6f8a0b2c4d6e8f0a1b",
        drifted=(
            Drift(
                "10.80000/d71f-0002",
                REPO,
                "dois/10.80000/d71f-0002.yaml",
                (
                    FieldDiff("/titles/0/title", "Sensor readings, corrected", "Sensor readings"),
                    FieldDiff("/state", "registered", "findable"),
                ),
                "4f2c9e1a7b3d5f608192a3b4c5d6e7f8a9b0c1d2",
                "2025-03-01T08:00:11.907Z",
                "2025-03-04T10:15:02.482Z",
                "example.repo",
                "2025-03-04T10:15:02.482Z",
                "fabricaForm",
            ),
        ),
    )


def update(doi: str, *diffs: FieldDiff, **kwargs: Any) -> Change:
    return Change(doi, Action.UPDATE, REPO, f"dois/{doi}.yaml", "findable", "findable", diffs, **kwargs)


def big_plan(n: int = 5_000) -> Plan:
    changes = tuple(
        update(
            f"10.80000/b{i:05d}",
            FieldDiff("/titles/0/title", f"Reading {i}", f"Reading {i}, corrected"),
            FieldDiff("/subjects/0", MISSING, {"subject": "air temperature", "lang": "en"}),
            fingerprint=f"sha256:{i:016x}",
        )
        for i in range(n)
    )
    return Plan(changes, 12_345, desired_digest="sha256:00")


def test_golden() -> None:
    assert_golden("plan.txt", render_plan_text(golden_plan(), golden_context()))


def test_empty_plan() -> None:
    context = golden_context(repositories=(REPO,), anonymous=(), files=9_994, requests=10)
    assert render_plan_text(Plan((), 9_994), context) == (
        "doiac plan · EXAMPLE.REPO on sandbox (http://127.0.0.1:49811) · 9,994 files · live read in 10 requests\n"
        "\n"
        "No changes. DataCite matches the files (9,994 unchanged).\n"
    )


def test_unmanaged_only_is_no_change_and_no_repository_is_named() -> None:
    context = golden_context(repositories=(), anonymous=(), files=1, requests=1)
    plan = Plan((), 0, unmanaged=(Unmanaged("10.80000/old0-0017", "registered", REPO),))
    assert render_plan_text(plan, context) == (
        "doiac plan · no repository on sandbox (http://127.0.0.1:49811) · 1 file · live read in 1 request\n"
        "\n"
        "  ? unmanaged 10.80000/old0-0017  live registered DOI with no file (doiac import 10.80000/old0-0017)\n"
        "\n"
        "No changes. DataCite matches the files (0 unchanged).\n"
    )


COLOUR_PLAN = Plan(
    (
        Change(
            "10.80000/a", Action.CREATE, REPO, "a.yaml", None, "draft", (FieldDiff("/url", MISSING, "u"),)
        ),
        update("10.80000/b", FieldDiff("/x", MISSING, 1), FieldDiff("/y", 2, MISSING)),
        Change("10.80000/c", Action.HIDE, REPO, "c.yaml", "findable", "registered", event="hide"),
        Change("10.80000/d", Action.DELETE, REPO, None, "draft", None),
    ),
    0,
    (PlanProblem(Severity.ERROR, "10.80000/e", "bad"), PlanProblem(Severity.WARNING, "10.80000/f", "odd")),
)
COLOUR_TEXT = """\
doiac plan · EXAMPLE.REPO on sandbox (http://127.0.0.1:49811) · 8 files · live read in 1 request
{Y}warning:{Z} EXAMPLE.REPO read without a password: its drafts and registered DOIs cannot be seen, only findable DOIs were compared

  {G}+ create{Z}    10.80000/a  draft                  a.yaml
      (1 attribute)
  {Y}~ update{Z}    10.80000/b                         dois/10.80000/b.yaml
      /x                       {G}+{Z} 1
      /y                       {R}-{Z} 2
  {C}↓ hide{Z}      10.80000/c  findable → registered  c.yaml
  {R}- delete{Z}    10.80000/d  draft                  (no file)             one-way
  {R}! error{Z}     10.80000/e  bad
  {Y}! warning{Z}   10.80000/f  odd

Plan: 1 to create, 1 to update, 1 to hide, 1 to delete; 0 unchanged. 1 error.
This plan cannot be applied until the error is fixed.
"""
ESC = {"G": "\x1b[32m", "Y": "\x1b[33m", "C": "\x1b[36m", "R": "\x1b[31m", "Z": "\x1b[0m"}


@pytest.mark.parametrize(
    ("colour", "expected"),
    [(True, COLOUR_TEXT.format(**ESC)), (False, COLOUR_TEXT.format(**dict.fromkeys(ESC, "")))],
    ids=["colour", "plain"],
)
def test_colour(colour: bool, expected: str) -> None:
    context = golden_context(repositories=(REPO,), anonymous=(REPO,))
    assert render_plan_text(COLOUR_PLAN, context, colour=colour) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Sensor readings", '"Sensor readings"'),
        ("Zoë “quoted”", '"Zoë “quoted”"'),
        ("two\nlines\x1b[31m", '"two\\nlines\\u001b[31m"'),
        (2024, "2024"),
        (1.5, "1.5"),
        (None, "null"),
        (True, "true"),
        ([], "[]"),
        ({}, "{}"),
        ({"name": "Roe, Ann", "nameType": "Personal"}, '{name: "Roe, Ann", nameType: "Personal"}'),
        ({"xml:lang": "en", "2nd": 1, 3: "x"}, '{"xml:lang": "en", "2nd": 1, "3": "x"}'),
        ([{"name": "A"}, ["b", 1]], '[{name: "A"}, ["b", 1]]'),
        (("a", "b"), '["a", "b"]'),
        ("x" * 98, '"' + "x" * 98 + '"'),
        ("x" * 99, '"' + "x" * 98 + "…"),
        ({"description": "y" * 200}, '{description: "' + "y" * 84 + "…"),
    ],
    ids=[
        "string", "unicode", "control", "int", "float", "null", "bool", "empty-list", "empty-object",
        "object", "quoted-keys", "nested", "tuple", "exactly-100", "101-truncated", "object-truncated",
    ],
)  # fmt: skip
def test_format_value(value: Any, expected: str) -> None:
    assert format_value(value) == expected


def test_truncated_value_is_exactly_the_limit() -> None:
    assert len(format_value("z" * 10_000)) == 100
    assert format_value([1, 2, 3], limit=5) == "[1, …"


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ("a", "b", ('"a"', '"b"')),
        (1, "1", ("1", '"1"')),
        ("x" * 50 + "a", "x" * 50 + "b", ('"' + "x" * 50 + 'a"', '"' + "x" * 50 + 'b"')),
        # Short enough to show whole: never cut, even when the difference is late.
        ("x" * 51 + "a", "x" * 51 + "b", ('"' + "x" * 51 + 'a"', '"' + "x" * 51 + 'b"')),
        ("x" * 120 + "a", "x" * 120 + "b", ('"…' + "x" * 20 + 'a"', '"…' + "x" * 20 + 'b"')),
        ("x" * 60, "x" * 60 + "y" * 200, ('"…' + "x" * 20 + '"', '"…' + "x" * 20 + "y" * 77 + "…")),
    ],
    ids=["short", "not-strings", "differs-early", "short-differs-late", "differs-late", "prefix"],
)
def test_format_change(before: Any, after: Any, expected: tuple[str, str]) -> None:
    assert format_change(before, after) == expected


def _counts(**counts: int) -> Plan:
    changes = tuple(
        Change(f"10.80000/{action}{i}", Action(action), REPO, None, "draft", "findable")
        for action, n in counts.items()
        for i in range(n)
    )
    return Plan(changes, 9_994)


@pytest.mark.parametrize(
    ("plan", "expected"),
    [
        (_counts(), "0 to create, 0 to update, 0 to delete; 9,994 unchanged."),
        (
            _counts(create=2, register=1),
            "2 to create, 0 to update, 1 to register, 0 to delete; 9,994 unchanged.",
        ),
        (_counts(hide=1), "0 to create, 0 to update, 1 to hide, 0 to delete; 9,994 unchanged."),
        (
            Plan((), 1_000, (PlanProblem(Severity.ERROR, "a", "x"), PlanProblem(Severity.ERROR, "b", "y"))),
            "0 to create, 0 to update, 0 to delete; 1,000 unchanged. 2 errors.",
        ),
        (
            Plan((), 1, (PlanProblem(Severity.WARNING, "a", "x"),)),
            "0 to create, 0 to update, 0 to delete; 1 unchanged.",
        ),
    ],
    ids=["nothing", "register-shown", "hide-shown", "errors-plural", "warnings-not-counted"],
)
def test_summary(plan: Plan, expected: str) -> None:
    assert summarise_plan(plan) == expected


@pytest.mark.parametrize(
    ("before", "after", "action", "expected"),
    [
        (None, "findable", Action.CREATE, "findable"),
        (None, None, Action.CREATE, ""),
        ("draft", None, Action.DELETE, "draft"),
        ("findable", "findable", Action.UPDATE, ""),
        ("registered", "findable", Action.PUBLISH, "registered → findable"),
    ],
    ids=["create", "create-without-state", "delete", "same-state", "transition"],
)
def test_state_text(before: str | None, after: str | None, action: Action, expected: str) -> None:
    assert state_text(Change("10.80000/x", action, REPO, None, before, after)) == expected


def test_problem_messages_wrap_under_the_message_and_errors_plural() -> None:
    message = "word " * 40
    plan = Plan(
        (),
        0,
        (PlanProblem(Severity.ERROR, "10.80000/a", message), PlanProblem(Severity.ERROR, "10.80000/b", "")),
    )
    context = golden_context(repositories=(REPO,), anonymous=())
    assert render_plan_text(plan, context).splitlines()[2:] == [
        "  ! error     10.80000/a  " + "word " * 14 + "word",
        "                          " + "word " * 14 + "word",
        "                          " + "word " * 9 + "word",
        "  ! error     10.80000/b  ",
        "",
        "Plan: 0 to create, 0 to update, 0 to delete; 0 unchanged. 2 errors.",
        "This plan cannot be applied until the errors are fixed.",
    ]


@pytest.mark.parametrize(
    ("diffs", "expected"),
    [
        ((FieldDiff("", MISSING, {"a": 1, "b": 2, "url": "u"}),), "(3 attributes)"),
        ((FieldDiff("/a", MISSING, 1), FieldDiff("/a/b", MISSING, 2)), "(1 attribute)"),
        ((), "(0 attributes)"),
        ((FieldDiff("", MISSING, "odd"),), "(1 attribute)"),
    ],
    ids=["whole-record", "nested-pointers", "none", "whole-non-object"],
)
def test_create_counts_attributes(diffs: tuple[FieldDiff, ...], expected: str) -> None:
    change = Change("10.80000/a", Action.CREATE, REPO, "a.yaml", None, "draft", diffs)
    text = render_plan_text(Plan((change,), 0), golden_context(anonymous=()))
    assert text.splitlines()[3] == f"      {expected}"


def test_long_pointer_pushes_the_value_and_controls_are_escaped() -> None:
    pointer = "/relatedIdentifiers/12/relatedMetadataScheme"
    change = update("10.80000/a\x1b", FieldDiff(pointer, "a", "b"), notes=("line\nbreak",))
    text = render_plan_text(Plan((change,), 0), golden_context(anonymous=()))
    assert text.splitlines()[2:5] == [
        "  ~ update    10.80000/a\\u001b    dois/10.80000/a\x1b.yaml".replace("a\x1b.yaml", "a\\u001b.yaml"),
        f'      {pointer} "a" → "b"',
        "      note: line\\nbreak",
    ]
