"""The JSON plan: golden output, the schema, an exact round trip, and clear refusals."""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from reconciler.__about__ import __version__
from reconciler.model import MISSING, Action, Change, FieldDiff, Plan, PlanProblem, Severity
from reconciler.planfile import plan_from_dict, plan_to_dict, render_plan_json
from reconciler.schemas import check_schema

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
    assert check_schema("plan", data) == []
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


def _many(data: dict[str, Any]) -> None:
    data["changes"] = [{}] * 2


MISSING_KEYS = "; ".join(
    f"/changes/0/{key}: missing required key `{key}`"
    for key in ("doi", "action", "repository", "path", "state_before", "state_after", "event", "one_way",
                "fingerprint", "notes")
)  # fmt: skip
TOP_KEYS = ", ".join(sorted(SCHEMA["properties"]))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        # Before the schema: a plan of another version has another shape.
        (_broken(lambda d: d.update(format_version=2)), VERSION.format("2")),
        (_broken(lambda d: d.update(format_version=True)), VERSION.format("true")),
        (_broken(lambda d: d.pop("format_version")), VERSION.format("null")),
        # schemas/plan.schema.json, in the words DOI files get.
        ([], "/: expected a mapping, got a list"),
        (_broken(lambda d: d.pop("environment")), "/environment: missing required key `environment`"),
        (_broken(lambda d: d.update(files="8")), "/files: expected an integer, got a string"),
        (_broken(lambda d: d.update(files=True)), "/files: expected an integer, got a boolean"),
        (_broken(lambda d: d.update(files=1.5)), "/files: expected an integer, got a number"),
        (_broken(lambda d: d.update(requests=-1)), "/requests: -1 must be at least 0"),
        (_broken(lambda d: d.update(commit=1.5)), "/commit: expected a string, got a number"),
        (_broken(lambda d: d.update(repositories="X")), "/repositories: expected a list, got a string"),
        (_broken(lambda d: d.update(anonymous=[None])), "/anonymous/0: expected a string, got nothing (null)"),
        (_broken(lambda d: d.update(applyable="no")), "/applyable: expected true or false, got a string"),
        (_broken(lambda d: d.update(desired_digest="md5:x")), "/desired_digest: expected `sha256:` and a hex digest"),
        (_broken(lambda d: d.update(extra=1)), f"/extra: unknown key `extra`; expected one of: {TOP_KEYS}"),
        (_broken(lambda d: d.update(summary=[])), "/summary: expected a mapping, got a list"),
        (_broken(lambda d: d["summary"].pop("unchanged")), "/summary/unchanged: missing required key `unchanged`"),
        (_broken(lambda d: d["summary"].update(onway=0)), "/summary/onway: unknown key `onway`; did you mean `one_way`?"),
        (_broken(lambda d: d.update(changes=[1])), "/changes/0: expected a mapping, got an integer"),
        (_broken(lambda d: d["changes"][2].update(action="creat")), "/changes/2/action: 'creat' is not a valid action; did you mean 'create'?"),
        (_broken(lambda d: d["changes"][2].update(action="x")), "/changes/2/action: 'x' is not a valid action; expected one of: create, update, publish, register, hide, delete, no-op"),
        (_broken(lambda d: d["changes"][0].update(actoin="x")), "/changes/0/actoin: unknown key `actoin`; did you mean `action`?"),
        (_broken(lambda d: d["changes"][0].update(doi="")), "/changes/0/doi: must not be empty"),
        (_broken(lambda d: d["changes"][0].update(state_before="drafty")), "/changes/0/state_before: 'drafty' is not a valid state_before; did you mean 'draft'?"),
        (_broken(lambda d: d["changes"][0].update(event="delete")), "/changes/0/event: 'delete' is not a valid event; expected one of: publish, register, hide"),
        (_broken(lambda d: d["changes"][1].update(fingerprint="abc")), "/changes/1/fingerprint: expected `sha256:` and a hex digest"),
        (_broken(lambda d: d["changes"][0].update(cited=None)), "/changes/0/cited: expected a mapping, got nothing (null)"),
        (_broken(lambda d: d["changes"][0].update(notes=[{}])), "/changes/0/notes/0: expected a string, got a mapping"),
        (_broken(lambda d: d["changes"][4]["diffs"][0].pop("pointer")), "/changes/4/diffs/0/pointer: missing required key `pointer`"),
        (_broken(lambda d: d["changes"][4]["diffs"][1].pop("after")), "/changes/4/diffs/1: needs `before`, `after` or both"),
        (_broken(lambda d: d["changes"][4]["diffs"][0].update(pointer="titles")), "/changes/4/diffs/0/pointer: 'titles' does not have the expected form"),
        (_broken(lambda d: d["problems"][1].update(severity="fatal")), "/problems/1/severity: 'fatal' is not a valid severity; expected one of: error, warning, info"),
        (_broken(lambda d: d["unmanaged"][0].update(state=None)), "/unmanaged/0/state: null is not a valid state; expected one of: draft, registered, findable"),
        # Every problem at once, on one line, the first ten named; the file's text never reaches a terminal raw.
        (_broken(lambda d: d.update(files="8", requests=None)), "/files: expected an integer, got a string; /requests: expected an integer, got nothing (null)"),
        (_broken(_many), f"{MISSING_KEYS}; and 12 more"),
        (_broken(lambda d: d.update({"\x1b[2J": 1})), "/\\x1b[2J: unknown key `\\x1b[2J`; expected one of: " + TOP_KEYS),
        # After the schema: what it cannot say.
        (_broken(lambda d: d["changes"][3].update(doi="10.80000/q/../x")), "/changes/3/doi: '10.80000/q/../x' has a '.' or '..' segment in its suffix, which a request path resolves to another DOI"),
        (_broken(lambda d: d["summary"].update(create=2)), "/summary: does not match the changes; expected " + json.dumps(SUMMARY)),
        (_broken(lambda d: d.update(applyable=True)), "/applyable: does not match the problems; expected false"),
        (_broken(lambda d: (d["summary"].update(create=2), d.update(applyable=True))), "/summary: does not match the changes; expected " + json.dumps(SUMMARY) + "; /applyable: does not match the problems; expected false"),
    ],
    ids=[
        "version-2", "version-bool", "version-missing",
        "not-object", "key-missing", "wrong-type", "bool-not-int", "float-not-int", "negative-count",
        "not-string-or-null", "not-array", "array-item", "not-boolean", "digest-form", "extra-key", "summary-type",
        "summary-key", "summary-extra-key", "item-not-object", "action-misspelt", "action-unknown", "change-extra-key",
        "doi-empty", "state-unknown", "event-unknown", "fingerprint-form", "cited-null", "notes-item", "diff-key",
        "diff-no-side", "diff-pointer-form", "severity-unknown", "unmanaged-state",
        "two-problems", "ten-shown", "control-characters",
        "unsafe-doi", "summary-edited", "applyable-edited", "both-edited",
    ],
)  # fmt: skip
def test_refuses_what_is_not_a_plan(data: Any, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        plan_from_dict(data)


def test_a_whole_number_written_as_a_float_reads_as_an_integer() -> None:
    """JSON Schema counts 1.0 as an integer; the plan holds ints all the same."""
    data = plan_to_dict(golden_plan(), golden_context())
    data.update(files=float(data["files"]), requests=float(data["requests"]))
    data["summary"]["unchanged"] = float(data["summary"]["unchanged"])
    plan, context = plan_from_dict(data)
    assert (type(context.files), type(context.requests), type(plan.unchanged)) == (int, int, int)
    assert (plan, context) == (golden_plan(), golden_context())


def test_problem_and_unmanaged_round_trip_field_by_field() -> None:
    plan, _ = plan_from_dict(plan_to_dict(golden_plan(), golden_context()))
    assert plan.problems[1] == PlanProblem(
        Severity.WARNING,
        "10.80000/w4rn-0001",
        "not visible without EXAMPLE.OTHER's password: draft and registered DOIs need it; not compared",
        "dois/other/10.80000/w4rn-0001.yaml",
    )


def test_a_partial_plan_keeps_its_scope_through_the_file() -> None:
    for changed_since, compared in (("origin/main (1a2b3c4d)", 3), ("origin/main (1a2b3c4d)", None)):
        context = dataclasses.replace(golden_context(), changed_since=changed_since, compared=compared)
        data = plan_to_dict(golden_plan(), context)
        assert sorted(str(e) for e in VALIDATOR.iter_errors(data)) == []
        _, back = plan_from_dict(json.loads(render_plan_json(golden_plan(), context)))
        assert (back.changed_since, back.compared, back.partial) == (
            changed_since,
            compared,
            compared is not None,
        )
    assert "changed_since" not in plan_to_dict(golden_plan(), golden_context())
