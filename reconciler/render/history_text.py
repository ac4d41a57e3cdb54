"""`doiac history DOI` as a terminal shows it: one block per commit with its field diffs, then DataCite's activities."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..model import MISSING, FieldDiff
from .plan_text import format_change
from .text import compact, plural, printable, truncate

if TYPE_CHECKING:  # the command's result type; a view imports no use case at run time
    from ..commands.history import Activity, Commit, History

_CHANGE_LIMIT = 100
"""Characters of one activity change shown; a create lists every column of the record."""


def render_history(history: History) -> str:
    """Plain text: the DOI and its file, each commit newest first with its diffs, then DataCite's activities."""
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
    if history.activities:
        count = len(history.activities)
        lines.append(f"DataCite: {count:,} {'activity' if count == 1 else 'activities'}, newest first:")
        for activity in history.activities:
            lines += ["", *_activity(activity)]
    else:
        lines.append("DataCite: no activities shown.")
    return "\n".join(lines) + "\n"


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


def _activity(activity: Activity) -> list[str]:
    by = f" by {printable(activity.by)}" if activity.by else " (no account recorded)"
    lines = [f"{printable(activity.date)}  {printable(activity.action)}{by}"]
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
