"""Drift: tell a change made in git from one made at DataCite since doiac last applied the DOI (pure).

Like a three-way merge, with the last apply as the base. For a DOI the plan would write, whose
DataCite `updated` moved since its last recorded apply:
- a field git changed since that apply is git's change, applied as usual;
- a field git did not change is DataCite's change (Fabrica, MDS, another tool): drift.
A DOI with drift only is not written; it is shown, with both ways out. A DOI with both would
revert DataCite's change along with git's: a plan error, unless the DOI is named with --target
(keep git). The caller works out the baselines from git notes and DataCite's answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from ..model import Action, Change, Drift, FieldDiff, Plan, PlanProblem, Severity


@dataclass(frozen=True)
class Baseline:
    """A DOI's last recorded apply, and what changed since: in git (top-level keys) and at DataCite."""

    commit: str
    applied_updated: str | None
    live_updated: str | None
    in_git: frozenset[str]
    """Top-level keys of the file (state and url included) that differ from the applied commit's."""
    changed_by: str | None = None
    changed_at: str | None = None
    channel: str | None = None


def touched(change: Change) -> frozenset[str]:
    """The top-level keys a change writes; `state` for a state event."""
    keys = {diff.attribute for diff in change.diffs}
    if change.state_before != change.state_after:
        keys.add("state")
    return frozenset(keys)


def could_drift(change: Change) -> bool:
    """Only a DOI that exists and is kept can have drifted: not a create, not a draft's deletion."""
    return change.state_before is not None and change.action is not Action.DELETE


def changed_keys(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> frozenset[str]:
    """Top-level keys whose values differ between two versions of a file's merged data."""
    if before is None:
        return frozenset(after) | {"state", "url"}
    return frozenset(key for key in set(before) | set(after) if before.get(key) != after.get(key))


def separate(plan: Plan, baselines: Mapping[str, Baseline], keep: frozenset[str] = frozenset()) -> Plan:
    """The plan with drift taken out of its changes; `keep` names DOIs whose file wins regardless."""
    changes: list[Change] = []
    drifted: list[Drift] = []
    problems: list[PlanProblem] = []
    for change in plan.changes:
        base = baselines.get(change.doi)
        foreign = touched(change) - base.in_git if base is not None and could_drift(change) else frozenset()
        if base is None or not foreign:
            changes.append(change)
        elif change.doi in keep:
            changes.append(replace(change, notes=(*change.notes, _kept_note(foreign, base))))
        elif touched(change) & base.in_git:
            changes.append(change)
            problems.append(
                PlanProblem(Severity.ERROR, change.doi, _revert_message(change, foreign, base), change.path)
            )
        else:
            drifted.append(_drift(change, base))
    return replace(
        plan, changes=tuple(changes), problems=(*plan.problems, *problems), drifted=(*plan.drifted, *drifted)
    )


def _drift(change: Change, base: Baseline) -> Drift:
    diffs = list(change.diffs)
    if change.state_before != change.state_after:
        diffs.append(FieldDiff("/state", change.state_before, change.state_after))
    return Drift(
        doi=change.doi,
        repository=change.repository,
        path=change.path,
        diffs=tuple(diffs),
        applied_commit=base.commit,
        applied_updated=base.applied_updated,
        live_updated=base.live_updated,
        changed_by=base.changed_by,
        changed_at=base.changed_at,
        channel=base.channel,
    )


def changed_text(at: str | None, by: str | None, channel: str | None) -> str:
    """`at 2026-03-04T10:15:02Z by example.repo through fabricaForm`: what DataCite says of a change."""
    who = f" by {by}" if by else ""
    through = f" through {channel}" if channel else ""
    return f"at {at or 'an unknown time'}{who}{through}"


def _changed(base: Baseline) -> str:
    return changed_text(base.changed_at or base.live_updated, base.changed_by, base.channel)


def _fields(keys: frozenset[str]) -> str:
    return ", ".join(sorted(keys))


def _kept_note(foreign: frozenset[str], base: Baseline) -> str:
    return f"keeps the file's {_fields(foreign)} over DataCite's change {_changed(base)} (--target)"


def _revert_message(change: Change, foreign: frozenset[str], base: Baseline) -> str:
    return (
        f"this change would also revert {_fields(foreign)}, changed at DataCite {_changed(base)} since the"
        f" last apply (commit {base.commit[:12]}); take DataCite's values into the file with"
        f" `doiac import --force {change.doi}`, or keep the file's with `doiac apply --target {change.doi}`"
    )
