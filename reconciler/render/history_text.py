"""`doiac history` for a terminal: commits, applies and DataCite's activities, the out-of-band ones flagged."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..core.provenance import account_of
from ..model import MISSING, AppliedDoi, ApplyNote, FieldDiff
from .plan_text import format_change
from .text import compact, plural, printable, truncate

if TYPE_CHECKING:  # the command's result type; a view imports no use case at run time
    from ..commands.history import Audit, Commit, History, Traced

_FETCH = "In a clone, fetch the records first: git fetch origin refs/notes/doiac:refs/notes/doiac"
_CHANGE_LIMIT = 100
"""Characters of one activity change shown; a create lists every column of the record."""


def render_history(history: History) -> str:
    """Plain text: the DOI and its file, each commit newest first with its diffs, the applies git
    records, then DataCite's activities, each out-of-band one flagged."""
    where = printable(history.path) if history.path else "no file"
    lines = [f"History of {printable(history.doi)} ({where})", ""]
    if history.commits:
        lines.append(f"{plural(len(history.commits), 'commit')} touched its file, newest first:")
        for commit in history.commits:
            lines += ["", *_commit(commit)]
    elif history.path:
        lines.append("No commits touched its file (not in a git work tree, or not committed yet).")
    else:
        lines.append("No DOI file: no commits to show.")
    lines.append("")
    if history.applies:
        applies = "1 apply" if len(history.applies) == 1 else f"{len(history.applies):,} applies"
        lines.append(f"{applies} recorded in git (refs/notes/doiac), newest first:")
        lines += ["", *(_apply(note, applied) for note, applied in history.applies), ""]
    else:
        lines += [
            "No apply of it recorded in git (refs/notes/doiac; in a clone: git fetch origin",
            _FETCH,
            "",
        ]
    if history.activities:
        count = len(history.activities)
        foreign = sum(t.out_of_band for t in history.activities)
        flagged = (
            f"; {foreign:,} out-of-band (no recorded apply explains {'it' if foreign == 1 else 'them'})"
            if foreign
            else ""
        )
        lines.append(
            f"DataCite: {count:,} {'activity' if count == 1 else 'activities'}, newest first{flagged}:"
        )
        for traced in history.activities:
            lines += ["", *_activity(traced)]
    else:
        lines.append("DataCite: no activities shown.")
    return "\n".join(lines) + "\n"


def render_audit(audit: Audit) -> str:
    """`doiac history --all`: every out-of-band change, newest first, one line each."""
    since = f" since {printable(audit.since)}" if audit.since else ""
    head = (
        f"Out-of-band changes{since}: {len(audit.found):,} in the activities of {plural(audit.dois, 'DOI')}."
    )
    lines = [head]
    for item in audit.found:
        activity = item.traced.activity
        fields = (
            ", ".join(printable(str(k)) for k, v in activity.changes.items() if v is not None)
            or "(no fields)"
        )
        where = f" ({printable(item.path)})" if item.path else ""
        lines.append(
            f"  {printable(activity.date)}  {printable(item.doi)}{where}  {printable(activity.action)}"
            f"{_by(item.traced)}: {fields}"
        )
    if audit.found:
        lines += [
            "",
            "Each changed DataCite outside any recorded apply. See `doiac history DOI`; then take the change",
            "into the file (doiac import --force DOI) or undo it (doiac apply --target DOI).",
        ]
    return "\n".join(lines) + "\n"


def history_data(history: History) -> dict[str, Any]:
    """`doiac history DOI --format json`: the same as the text, as plain data."""
    return {
        "doi": history.doi,
        "path": history.path,
        "commits": [
            {"sha": c.sha, "author": c.author, "date": c.date, "subject": c.subject,
             "pull_request": c.pull_request, "diffs": [_diff_data(d) for d in c.diffs]}
            for c in history.commits
        ],
        "applies": [_apply_data(note, applied) for note, applied in history.applies],
        "activities": [_traced_data(t) for t in history.activities],
    }  # fmt: skip


def audit_data(audit: Audit) -> dict[str, Any]:
    """`doiac history --all --format json`."""
    return {
        "since": audit.since,
        "dois": audit.dois,
        "out_of_band": [{"doi": f.doi, "path": f.path, **_traced_data(f.traced)} for f in audit.found],
    }


def _diff_data(diff: FieldDiff) -> dict[str, Any]:
    data: dict[str, Any] = {"pointer": diff.pointer}
    if diff.before is not MISSING:
        data["before"] = diff.before
    if diff.after is not MISSING:
        data["after"] = diff.after
    return data


def _apply_data(note: ApplyNote, applied: AppliedDoi) -> dict[str, Any]:
    return {"commit": note.commit, "time": note.time, "environment": note.environment,
            "actor": note.actor, "run": note.run, "action": applied.action, "outcome": applied.outcome,
            "updated": applied.updated}  # fmt: skip


def _traced_data(traced: Traced) -> dict[str, Any]:
    activity = traced.activity
    return {
        "date": activity.date, "action": activity.action, "by": activity.by, "channel": traced.channel,
        "changes": activity.changes, "out_of_band": traced.out_of_band,
        "apply_commit": traced.apply.commit if traced.apply is not None else None,
    }  # fmt: skip


def _apply(note: ApplyNote, applied: AppliedDoi) -> str:
    who = f" by {printable(note.actor)}" if note.actor else ""
    run = f"  {printable(note.run)}" if note.run else ""
    return (f"  {printable(note.time)}  {printable(applied.action)} {printable(applied.outcome)}"
            f"  commit {printable(note.commit[:12])}{who}{run}")  # fmt: skip


def _by(traced: Traced) -> str:
    account = account_of(traced.activity.by)
    by = f" by {printable(account)}" if account else " (no account recorded)"
    return by + (f" through {printable(traced.channel)}" if traced.channel else "")


def _commit(commit: Commit) -> list[str]:
    pr = f"  PR #{commit.pull_request}" if commit.pull_request is not None else ""
    lines = [
        f"commit {printable(commit.sha[:12])}  {printable(commit.date)}  {printable(commit.author)}{pr}",
        f"    {printable(commit.subject)}",
    ]
    lines += [f"    {_diff(d)}" for d in commit.diffs] or ["    (no change to the file's data)"]
    return lines


def _diff(diff: FieldDiff) -> str:
    pointer = printable(diff.pointer) or "(file)"
    if diff.before is MISSING and diff.after is MISSING:
        return f"  {pointer}"
    if diff.before is MISSING:
        return f"+ {pointer}: {format_change(diff.after, diff.after)[1]}"
    if diff.after is MISSING:
        return f"- {pointer}: {format_change(diff.before, diff.before)[0]}"
    before, after = format_change(diff.before, diff.after)
    return f"~ {pointer}: {before} → {after}"


def _activity(traced: Traced) -> list[str]:
    activity = traced.activity
    if traced.apply is not None:
        verdict = f"  (the apply of commit {printable(traced.apply.commit[:12])})"
    else:
        verdict = "  OUT-OF-BAND: no recorded apply made this change"
    lines = [f"{printable(activity.date)}  {printable(activity.action)}{_by(traced)}{verdict}"]
    for key, value in activity.changes.items():
        if value is None and activity.action == "create":  # a create lists every column, nulls too
            continue
        lines.append(f"    {printable(str(key))}: {_activity_change(activity.action, value)}")
    return lines


def _activity_change(action: str, value: Any) -> str:
    """An update's [old, new] as `old → new`; a create's value as it is."""
    if action == "update" and isinstance(value, list) and len(value) == 2:
        before, after = format_change(value[0], value[1])
        return f"{before} → {after}"
    return truncate(compact(value), _CHANGE_LIMIT)
