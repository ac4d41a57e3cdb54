"""The plan as a versioned JSON document (schemas/plan.schema.json), and back: apply reads saved plans.

A diff's missing side has no key at all, because JSON null is a value a field can really have.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .__about__ import __version__
from .core.doi import path_problem
from .model import MISSING, Action, Change, FieldDiff, Plan, PlanContext, Problem, Severity, Unmanaged

FORMAT_VERSION = 1
_COUNTED = (Action.CREATE, Action.UPDATE, Action.PUBLISH, Action.REGISTER, Action.HIDE, Action.DELETE)
_KINDS: dict[str, Callable[[Any], bool]] = {
    "a string": lambda v: isinstance(v, str),
    "a string or null": lambda v: v is None or isinstance(v, str),
    # bool is an int in Python, never in JSON.
    "an integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "a boolean": lambda v: isinstance(v, bool),
    "an array": lambda v: isinstance(v, list),
    "an object": lambda v: isinstance(v, dict),
}
# bool before int: True is an int in Python.
_JSON_TYPES = (
    (bool, "a boolean"),
    (int | float, "a number"),
    (str, "a string"),
    (list, "an array"),
    (dict, "an object"),
    (type(None), "null"),
)


def render_plan_json(plan: Plan, context: PlanContext) -> str:
    """The JSON plan, indented, with a trailing newline."""
    return json.dumps(plan_to_dict(plan, context), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def plan_summary(plan: Plan) -> dict[str, int]:
    """Counts per action, unchanged DOIs, one-way changes and errors."""
    summary = {action.value: plan.count(action) for action in _COUNTED}
    summary["unchanged"] = plan.unchanged
    summary["one_way"] = sum(change.is_one_way for change in plan.changes)
    summary["errors"] = sum(problem.severity is Severity.ERROR for problem in plan.problems)
    return summary


def plan_to_dict(plan: Plan, context: PlanContext) -> dict[str, Any]:
    """The JSON plan as plain data (format_version 1)."""
    return {
        "format_version": FORMAT_VERSION,
        "doiac_version": __version__,
        "created": context.created,
        "environment": context.environment,
        "endpoint": context.endpoint,
        "repositories": list(context.repositories),
        "commit": context.commit,
        "desired_digest": plan.desired_digest,
        "files": context.files,
        "requests": context.requests,
        "applyable": plan.is_applyable,
        "summary": plan_summary(plan),
        "changes": [_change_to_dict(change) for change in plan.changes],
        "problems": [
            {"severity": p.severity.value, "doi": p.doi, "path": p.path, "message": p.message}
            for p in plan.problems
        ],
        "unmanaged": [{"doi": u.doi, "state": u.state, "repository": u.repository} for u in plan.unmanaged],
        "anonymous": list(context.anonymous),
    }


def _change_to_dict(change: Change) -> dict[str, Any]:
    diffs = []
    for diff in change.diffs:
        item: dict[str, Any] = {"pointer": diff.pointer}
        if diff.before is not MISSING:
            item["before"] = diff.before
        if diff.after is not MISSING:
            item["after"] = diff.after
        diffs.append(item)
    return {
        "doi": change.doi,
        "action": change.action.value,
        "repository": change.repository,
        "path": change.path,
        "state_before": change.state_before,
        "state_after": change.state_after,
        "event": change.event,
        "one_way": change.is_one_way,
        "fingerprint": change.fingerprint,
        "notes": list(change.notes),
        "diffs": diffs,
        **({"cited": {"before": change.cited[0], "after": change.cited[1]}} if change.cited else {}),
    }


def plan_from_dict(data: Any) -> tuple[Plan, PlanContext]:
    """A saved plan read back; ValueError names the first thing that is not format_version 1."""
    if not isinstance(data, dict):
        raise ValueError(f"a plan is a JSON object, got {_json_type(data)}")
    version = data.get("format_version")
    if type(version) is not int or version != FORMAT_VERSION:
        raise ValueError(
            f"/format_version: doiac {__version__} reads plans of format_version {FORMAT_VERSION},"
            f" got {json.dumps(version)}; make the plan again with this doiac"
        )
    summary = _get(data, "summary", "an object", "")
    context = PlanContext(
        environment=_get(data, "environment", "a string", ""),
        endpoint=_get(data, "endpoint", "a string", ""),
        repositories=_strings(data, "repositories", ""),
        files=_get(data, "files", "an integer", ""),
        requests=_get(data, "requests", "an integer", ""),
        commit=_get(data, "commit", "a string or null", ""),
        created=_get(data, "created", "a string or null", ""),
        anonymous=_strings(data, "anonymous", ""),
    )
    plan = Plan(
        changes=tuple(_change(c, f"/changes/{i}") for i, c in _items(data, "changes", "")),
        unchanged=_get(summary, "unchanged", "an integer", "/summary"),
        problems=tuple(_problem(p, f"/problems/{i}") for i, p in _items(data, "problems", "")),
        unmanaged=tuple(_unmanaged(u, f"/unmanaged/{i}") for i, u in _items(data, "unmanaged", "")),
        desired_digest=_get(data, "desired_digest", "a string", ""),
    )
    # The derived fields must agree with the changes: a hand-edited plan is not the plan shown.
    expected = plan_summary(plan)
    if {key: summary.get(key) for key in expected} != expected:
        raise ValueError(f"/summary: does not match the changes; expected {json.dumps(expected)}")
    if _get(data, "applyable", "a boolean", "") is not plan.is_applyable:
        raise ValueError(f"/applyable: does not match the problems; expected {json.dumps(plan.is_applyable)}")
    return plan, context


def _change(data: dict[str, Any], where: str) -> Change:
    action = _get(data, "action", "a string", where)
    if action not in {a.value for a in Action}:
        raise ValueError(
            f"{where}/action: expected one of {', '.join(a.value for a in Action)}, got {action!r}"
        )
    return Change(
        doi=_doi(data, where),
        action=Action(action),
        repository=_get(data, "repository", "a string", where),
        path=_get(data, "path", "a string or null", where),
        state_before=_get(data, "state_before", "a string or null", where),
        state_after=_get(data, "state_after", "a string or null", where),
        diffs=tuple(_diff(d, f"{where}/diffs/{i}") for i, d in _items(data, "diffs", where)),
        event=_get(data, "event", "a string or null", where),
        notes=_strings(data, "notes", where),
        fingerprint=_get(data, "fingerprint", "a string or null", where),
        cited=_cited(data.get("cited"), f"{where}/cited"),
    )


def _cited(data: Any, where: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    if data is None:
        return None
    if not (
        isinstance(data, dict)
        and isinstance(data.get("before"), dict)
        and isinstance(data.get("after"), dict)
    ):
        raise ValueError(f"{where}: expected an object with objects before and after")
    return data["before"], data["after"]


def _diff(data: dict[str, Any], where: str) -> FieldDiff:
    pointer = _get(data, "pointer", "a string", where)
    return FieldDiff(pointer, data.get("before", MISSING), data.get("after", MISSING))


def _problem(data: dict[str, Any], where: str) -> Problem:
    severity = _get(data, "severity", "a string", where)
    if severity not in {s.value for s in Severity}:
        raise ValueError(f"{where}/severity: expected error, warning or info, got {severity!r}")
    return Problem(
        severity=Severity(severity),
        doi=_get(data, "doi", "a string", where),
        message=_get(data, "message", "a string", where),
        path=_get(data, "path", "a string or null", where),
    )


def _unmanaged(data: dict[str, Any], where: str) -> Unmanaged:
    return Unmanaged(
        doi=_get(data, "doi", "a string", where),
        state=_get(data, "state", "a string", where),
        repository=_get(data, "repository", "a string", where),
    )


def _doi(data: dict[str, Any], where: str) -> str:
    """A change's DOI: one that a request path names exactly, or the plan is refused."""
    doi: str = _get(data, "doi", "a string", where)
    if problem := path_problem(doi):
        raise ValueError(f"{where}/doi: {doi!r} {problem}")
    return doi


def _get(data: dict[str, Any], key: str, kind: str, where: str) -> Any:
    if key not in data:
        raise ValueError(f"{where}/{key}: missing")
    value = data[key]
    if not _KINDS[kind](value):
        raise ValueError(f"{where}/{key}: expected {kind}, got {_json_type(value)}")
    return value


def _items(data: dict[str, Any], key: str, where: str) -> list[tuple[int, dict[str, Any]]]:
    """The objects of an array, with their index for messages."""
    items: list[Any] = _get(data, key, "an array", where)
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise ValueError(f"{where}/{key}/{index}: expected an object, got {_json_type(item)}")
    return list(enumerate(items))


def _strings(data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    items: list[Any] = _get(data, key, "an array", where)
    for index, item in enumerate(items):
        if not isinstance(item, str):
            raise ValueError(f"{where}/{key}/{index}: expected a string, got {_json_type(item)}")
    return tuple(items)


def _json_type(value: Any) -> str:
    return next((name for kind, name in _JSON_TYPES if isinstance(value, kind)), type(value).__name__)
