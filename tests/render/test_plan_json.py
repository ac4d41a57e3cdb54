"""The JSON plan: golden output, the schema, an exact round trip, and clear refusals."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from reconciler.__about__ import __version__
from reconciler.model import MISSING, Action, Change, FieldDiff, Plan, Problem, Severity
from reconciler.planfile import plan_from_dict, plan_to_dict, render_plan_json

from .test_plan_text import REPO, assert_golden, big_plan, golden_context, golden_plan

SCHEMA = json.loads((Path(__file__).parents[2] / "schemas" / "plan.schema.json").read_text(encoding="utf-8"))
VALIDATOR = Draft202012Validator(SCHEMA)


def test_schema_is_valid_draft_2020_12() -> None:
    Draft202012Validator.check_schema(SCHEMA)


def test_golden() -> None:
    # The version moves with releases; the golden file pins everything else.
    version = f'"doiac_version": "{__version__}"'
    text = render_plan_json(golden_plan(), golden_context()).replace(version, '"doiac_version": "0.0.0"', 1)
    assert_golden("plan.json", text)


def test_golden_summary_and_missing_sides() -> None:
    data = plan_to_dict(golden_plan(), golden_context())
    assert data["summary"] == {
        "create": 1, "update": 1, "publish": 1, "register": 1, "hide": 1, "delete": 1,
        "unchanged": 3, "one_way": 4, "errors": 1,
    }  # fmt: skip
    assert (data["format_version"], data["doiac_version"], data["applyable"]) == (1, __version__, False)
    diffs = data["changes"][4]["diffs"]
    assert diffs[1:3] == [
        {
            "pointer": "/creators/1",
            "after": {"name": "Roe, Ann", "affiliation": [{"name": "Example University"}]},
        },
        {"pointer": "/subjects/2", "before": {"subject": "sensors"}},
    ]
    assert diffs[4] == {"pointer": "/version", "before": None, "after": "2.0"}


@pytest.mark.parametrize(
    ("plan", "context"),
    [
        (golden_plan(), golden_context()),
        (big_plan(5_000), golden_context(anonymous=(), commit=None, created=None)),
        (Plan((), 0), golden_context(repositories=(), anonymous=())),
    ],
    ids=["golden", "5000-changes", "empty"],
)
def test_validates_against_the_schema_and_round_trips(plan: Plan, context: Any) -> None:
    text = render_plan_json(plan, context)
    data = json.loads(text)
    assert sorted(str(e) for e in VALIDATOR.iter_errors(data)) == []
    assert plan_from_dict(data) == (plan, context)


def test_round_trip_keeps_missing_and_null_apart() -> None:
    change = Change(
        "10.80000/a", Action.UPDATE, REPO, "a.yaml", "findable", "findable",
        (FieldDiff("/a", MISSING, None), FieldDiff("/b", None, MISSING), FieldDiff("/c", [1], {"x": None})),
    )  # fmt: skip
    plan, _ = plan_from_dict(json.loads(render_plan_json(Plan((change,), 0), golden_context())))
    assert [(d.before, d.after) for d in plan.changes[0].diffs] == [
        (MISSING, None),
        (None, MISSING),
        ([1], {"x": None}),
    ]


VERSION = f"/format_version: doiac {__version__} reads plans of format_version 1, got {{}}; make the plan again with this doiac"
SUMMARY = plan_to_dict(golden_plan(), golden_context())["summary"]


def _broken(edit: Any) -> dict[str, Any]:
    data = copy.deepcopy(plan_to_dict(golden_plan(), golden_context()))
    edit(data)
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "a plan is a JSON object, got an array"),
        (_broken(lambda d: d.update(format_version=2)), VERSION.format("2")),
        (_broken(lambda d: d.update(format_version=True)), VERSION.format("true")),
        (_broken(lambda d: d.pop("format_version")), VERSION.format("null")),
        (_broken(lambda d: d.pop("environment")), "/environment: missing"),
        (_broken(lambda d: d.update(files="8")), "/files: expected an integer, got a string"),
        (_broken(lambda d: d.update(files=True)), "/files: expected an integer, got a boolean"),
        (_broken(lambda d: d.update(commit=1.5)), "/commit: expected a string or null, got a number"),
        (_broken(lambda d: d.update(repositories="X")), "/repositories: expected an array, got a string"),
        (_broken(lambda d: d.update(anonymous=[None])), "/anonymous/0: expected a string, got null"),
        (_broken(lambda d: d.update(summary=[])), "/summary: expected an object, got an array"),
        (_broken(lambda d: d["summary"].pop("unchanged")), "/summary/unchanged: missing"),
        (_broken(lambda d: d.update(changes=[1])), "/changes/0: expected an object, got a number"),
        (_broken(lambda d: d["changes"][2].update(action="creat")), "/changes/2/action: expected one of create, update, publish, register, hide, delete, no-op, got 'creat'"),
        (_broken(lambda d: d["changes"][4]["diffs"][0].pop("pointer")), "/changes/4/diffs/0/pointer: missing"),
        (_broken(lambda d: d["changes"][0].update(notes=[{}])), "/changes/0/notes/0: expected a string, got an object"),
        (_broken(lambda d: d["problems"][1].update(severity="fatal")), "/problems/1/severity: expected error, warning or info, got 'fatal'"),
        (_broken(lambda d: d["unmanaged"][0].update(state=object())), "/unmanaged/0/state: expected a string, got object"),
        (_broken(lambda d: d["summary"].update(create=2)), "/summary: does not match the changes; expected " + json.dumps(SUMMARY)),
        (_broken(lambda d: d.update(applyable=True)), "/applyable: does not match the problems; expected false"),
        (_broken(lambda d: d.update(applyable="no")), "/applyable: expected a boolean, got a string"),
    ],
    ids=[
        "not-object", "version-2", "version-bool", "version-missing", "key-missing", "wrong-type", "bool-not-int",
        "not-string-or-null", "not-array", "array-item", "summary-type", "summary-key", "item-not-object",
        "action-unknown", "diff-key", "notes-item", "severity-unknown", "python-type", "summary-edited",
        "applyable-edited", "applyable-type",
    ],
)  # fmt: skip
def test_refuses_what_is_not_a_plan(data: Any, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        plan_from_dict(data)


def test_problem_and_unmanaged_round_trip_field_by_field() -> None:
    plan, _ = plan_from_dict(plan_to_dict(golden_plan(), golden_context()))
    assert plan.problems[1] == Problem(
        Severity.WARNING,
        "10.80000/w4rn-0001",
        "not visible without EXAMPLE.OTHER's password: draft and registered DOIs need it; not compared",
        "dois/other/10.80000/w4rn-0001.yaml",
    )
