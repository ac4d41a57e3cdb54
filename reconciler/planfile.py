"""The plan as a versioned JSON document (schemas/plan.schema.json), and back: apply reads saved plans.

A diff's missing side has no key at all, because JSON null is a value a field can really have.
"""

from __future__ import annotations

import json
from typing import Any

from .__about__ import __version__
from .core.doi import path_problem
from .model import (
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
from .schemas import check_schema

FORMAT_VERSION = 1
_COUNTED = (Action.CREATE, Action.UPDATE, Action.PUBLISH, Action.REGISTER, Action.HIDE, Action.DELETE)
_SHOWN = 10
"""Problems a refusal names; the rest are counted."""


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
        "drift": [_drift_to_dict(drift) for drift in plan.drifted],
        **_scope(context),
    }


def _scope(context: PlanContext) -> dict[str, Any]:
    """`changed_since` and `compared` of a `--changed-since` plan; nothing for a plain full plan."""
    if context.changed_since is None:
        return {}
    return {"changed_since": context.changed_since, "compared": context.compared}


def _diffs_to_list(diffs: tuple[FieldDiff, ...]) -> list[dict[str, Any]]:
    listed = []
    for diff in diffs:
        item: dict[str, Any] = {"pointer": diff.pointer}
        if diff.before is not MISSING:
            item["before"] = diff.before
        if diff.after is not MISSING:
            item["after"] = diff.after
        listed.append(item)
    return listed


def _diffs_from_list(data: list[dict[str, Any]]) -> tuple[FieldDiff, ...]:
    return tuple(FieldDiff(d["pointer"], d.get("before", MISSING), d.get("after", MISSING)) for d in data)


def _drift_to_dict(drift: Drift) -> dict[str, Any]:
    return {
        "doi": drift.doi,
        "repository": drift.repository,
        "path": drift.path,
        "applied_commit": drift.applied_commit,
        "applied_updated": drift.applied_updated,
        "live_updated": drift.live_updated,
        "changed_by": drift.changed_by,
        "changed_at": drift.changed_at,
        "channel": drift.channel,
        "diffs": _diffs_to_list(drift.diffs),
    }


def _drift(data: dict[str, Any]) -> Drift:
    return Drift(
        doi=data["doi"],
        repository=data["repository"],
        path=data["path"],
        diffs=_diffs_from_list(data["diffs"]),
        applied_commit=data["applied_commit"],
        applied_updated=data["applied_updated"],
        live_updated=data["live_updated"],
        changed_by=data["changed_by"],
        changed_at=data["changed_at"],
        channel=data["channel"],
    )


def _change_to_dict(change: Change) -> dict[str, Any]:
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
        "diffs": _diffs_to_list(change.diffs),
        **({"cited": {"before": change.cited[0], "after": change.cited[1]}} if change.cited else {}),
    }


def plan_from_dict(data: Any) -> tuple[Plan, PlanContext]:
    """A saved plan read back, checked against schemas/plan.schema.json and against itself.

    ValueError names the problems on one line, `pointer: message` each as for a DOI file (ten, then a count).
    """
    if isinstance(data, dict):
        _check_version(data.get("format_version"))
    _refuse([(p.pointer, p.message) for p in check_schema("plan", data)])
    plan, context = _plan(data), _context(data)
    # What a schema cannot say: a DOI a request path names exactly, and derived fields that agree
    # with the changes (a hand-edited plan is not the plan that was shown).
    problems = [
        (f"/changes/{index}/doi", f"{change.doi!r} {problem}")
        for index, change in enumerate(plan.changes)
        if (problem := path_problem(change.doi))
    ]
    if data["summary"] != (expected := plan_summary(plan)):
        problems.append(("/summary", f"does not match the changes; expected {json.dumps(expected)}"))
    if data["applyable"] is not plan.is_applyable:
        problems.append(
            ("/applyable", f"does not match the problems; expected {json.dumps(plan.is_applyable)}")
        )
    _refuse(problems)
    return plan, context


def _check_version(version: Any) -> None:
    """Checked before the schema: another version has another shape; say the one thing that helps."""
    if type(version) is not int or version != FORMAT_VERSION:
        raise ValueError(
            f"/format_version: doiac {__version__} reads plans of format_version {FORMAT_VERSION},"
            f" got {json.dumps(version)}; make the plan again with this doiac"
        )


def _refuse(problems: list[tuple[str, str]]) -> None:
    """Raise ValueError naming the problems on one line (the CLI prints it as one), if there are any."""
    if not problems:
        return
    shown = [f"{pointer or '/'}: {message}" for pointer, message in problems[:_SHOWN]]
    if len(problems) > _SHOWN:
        shown.append(f"and {len(problems) - _SHOWN} more")
    # Keys and values come from the file: show control characters escaped, never to the terminal.
    raise ValueError("".join(c if c.isprintable() else repr(c)[1:-1] for c in "; ".join(shown)))


def _context(data: dict[str, Any]) -> PlanContext:
    # int(): JSON Schema counts 1.0 as an integer, Python does not.
    return PlanContext(
        environment=data["environment"],
        endpoint=data["endpoint"],
        repositories=tuple(data["repositories"]),
        files=int(data["files"]),
        requests=int(data["requests"]),
        commit=data["commit"],
        created=data["created"],
        anonymous=tuple(data["anonymous"]),
        changed_since=data.get("changed_since"),
        compared=None if data.get("compared") is None else int(data["compared"]),
    )


def _plan(data: dict[str, Any]) -> Plan:
    return Plan(
        changes=tuple(_change(change) for change in data["changes"]),
        unchanged=int(data["summary"]["unchanged"]),
        problems=tuple(
            PlanProblem(Severity(p["severity"]), p["doi"], p["message"], p["path"]) for p in data["problems"]
        ),
        unmanaged=tuple(Unmanaged(u["doi"], u["state"], u["repository"]) for u in data["unmanaged"]),
        desired_digest=data["desired_digest"],
        drifted=tuple(_drift(drift) for drift in data.get("drift", ())),
    )


def _change(data: dict[str, Any]) -> Change:
    cited = data.get("cited")
    return Change(
        doi=data["doi"],
        action=Action(data["action"]),
        repository=data["repository"],
        path=data["path"],
        state_before=data["state_before"],
        state_after=data["state_after"],
        diffs=_diffs_from_list(data["diffs"]),
        event=data["event"],
        notes=tuple(data["notes"]),
        fingerprint=data["fingerprint"],
        cited=(cited["before"], cited["after"]) if cited is not None else None,
    )
