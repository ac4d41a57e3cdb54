"""The plan as a terminal shows it: Terraform-like, one line per change and its field diffs under it.

The helpers `format_value`, `state_text` and `summarise_plan` are shared with the markdown
renderer, so both say the same thing in the same words; plurals, escapes and colour come from
`text`.
"""

from __future__ import annotations

import textwrap
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..core.drift import changed_text
from ..model import Action, Change, Drift, FieldDiff, Plan, PlanContext, Severity
from .text import CYAN, GREEN, MAGENTA, RED, YELLOW, compact, paint, plural, printable, truncate

SYMBOLS = {
    Action.CREATE: "+",
    Action.UPDATE: "~",
    Action.PUBLISH: "↑",
    Action.REGISTER: "↑",
    Action.HIDE: "↓",
    Action.DELETE: "-",
    Action.NOOP: " ",
}
DRIFT_SYMBOL = "≠"
VALUE_LIMIT = 100
"""Characters of one value shown in a diff; a description can be pages long."""

_WIDTH = 100
_LEAD = len("? unmanaged")
_POINTER = 24
_COLOURS = {
    Action.CREATE: GREEN,
    Action.UPDATE: YELLOW,
    Action.PUBLISH: CYAN,
    Action.REGISTER: CYAN,
    Action.HIDE: CYAN,
    Action.DELETE: RED,
    Action.NOOP: "",
}
_SUMMARISED = (Action.CREATE, Action.UPDATE, Action.PUBLISH, Action.REGISTER, Action.HIDE, Action.DELETE)
_OPTIONAL = (Action.PUBLISH, Action.REGISTER, Action.HIDE)
"""State events, shown when there are some: create, update and delete always are (as Terraform's three)."""


def format_value(value: Any, limit: int = VALUE_LIMIT) -> str:
    """A JSON value in one compact line: strings JSON-quoted, `{name: "Roe, Ann", year: 2024}`."""
    return truncate(compact(value), limit)


def format_change(before: Any, after: Any) -> tuple[str, str]:
    """Both sides of a change; two strings that differ late are shown from just before the difference.

    Otherwise two long descriptions that differ past the cut would look the same.
    """
    if isinstance(before, str) and isinstance(after, str):
        same = next(
            (i for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b),
            min(len(before), len(after)),
        )
        # Only values too long to show whole are cut; a short title is shown whole.
        if same > VALUE_LIMIT // 2 and max(len(before), len(after)) > VALUE_LIMIT - 2:
            cut = same - 20
            return (
                f'"…{format_value(before[cut:], VALUE_LIMIT - 1)[1:]}',
                f'"…{format_value(after[cut:], VALUE_LIMIT - 1)[1:]}',
            )
    return format_value(before), format_value(after)


def state_text(change: Change) -> str:
    """`findable` for a create, `draft` for a delete, `registered → findable` for a transition."""
    before, after = change.state_before, change.state_after
    if before is None:
        return after or ""
    if after is None:
        return before
    return "" if after == before else f"{before} → {after}"


def summarise_plan(plan: Plan) -> str:
    """`1 to create, 0 to update, 0 to delete; 3 unchanged.` and ` 1 error.`."""
    counts = [
        f"{plan.count(action):,} to {action.value}"
        for action in _SUMMARISED
        if action not in _OPTIONAL or plan.count(action)
    ]
    drifted = f"; {plan.unchanged:,} unchanged; {len(plan.drifted):,} drifted at DataCite (not applied)."
    text = f"{', '.join(counts)}" + (drifted if plan.drifted else f"; {plan.unchanged:,} unchanged.")
    errors = error_count(plan)
    return f"{text} {plural(errors, 'error')}." if errors else text


def error_count(plan: Plan) -> int:
    """Problems of severity error: each one blocks the plan."""
    return sum(p.severity is Severity.ERROR for p in plan.problems)


def blocked_text(plan: Plan) -> str:
    """Why the plan cannot be applied, or "" when it can."""
    if plan.is_applyable:
        return ""
    return f"This plan cannot be applied until the {'error is' if error_count(plan) == 1 else 'errors are'} fixed."


def header_text(context: PlanContext) -> str:
    """`EXAMPLE.REPO on sandbox (http://127.0.0.1:49811) · 8 files · live read in 1 request`."""
    repositories = ", ".join(context.repositories) or "no repository"
    return printable(
        f"{repositories} on {where_text(context)} · {plural(context.files, 'file')}"
        f" · live read in {plural(context.requests, 'request')}"
    )


def where_text(context: PlanContext) -> str:
    """`test (https://api.test.datacite.org)`, or a URL environment's URL: the host the plan read.

    Shown without any user, password, query or fragment (the config refuses them anyway).
    """
    url = endpoint_url(context.endpoint)
    return url if is_url(context.environment) else f"{context.environment} ({url})"


def is_url(environment: str) -> bool:
    """Whether the environment is a URL rather than sandbox, test or production."""
    return "://" in environment


def endpoint_url(url: str) -> str:
    """`url` as the plan header shows it: scheme, host, port and path, nothing before the host."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], parts.path, "", ""))


def anonymous_text(repository: str) -> str:
    """The warning for a repository account read without its password."""
    return (
        f"{printable(repository)} read without a password: its drafts and registered DOIs cannot be"
        " seen, only findable DOIs were compared"
    )


def scope_text(context: PlanContext) -> str | None:
    """What a `--changed-since` plan compared: only the changed files' DOIs, or all (config changed)."""
    if context.changed_since is None:
        return None
    since = printable(context.changed_since)
    if context.compared is None:
        return f"the config changed since {since}: every DOI was compared"
    dois = "DOI" if context.compared == 1 else "DOIs"
    return (
        f"partial plan: only the {context.compared:,} {dois} whose files changed since {since} were"
        " compared; the others were not read (a full plan, as the scheduled drift run makes, compares them)"
    )


def no_changes_text(plan: Plan, context: PlanContext) -> str:
    """The verdict of a plan with nothing to do."""
    if context.partial:
        return f"No changes. DataCite matches the changed files ({plan.unchanged:,} unchanged)."
    return f"No changes. DataCite matches the files ({plan.unchanged:,} unchanged)."


def render_plan_text(plan: Plan, context: PlanContext, *, colour: bool = False) -> str:
    """The plan for a terminal or a log; `colour` adds ANSI colours (the caller knows if it is a TTY)."""
    lines = [f"doiac plan · {header_text(context)}"]
    lines += [f"{paint('warning:', YELLOW, colour=colour)} {anonymous_text(r)}" for r in context.anonymous]
    if scope := scope_text(context):
        lines.append(f"{paint('note:', YELLOW, colour=colour)} {scope}")
    lines.append("")
    rows = _rows(plan, colour)
    if rows:
        lines += [*rows, ""]
    if plan.changes or plan.problems or plan.drifted:
        lines.append(f"Plan: {summarise_plan(plan)}")
    else:
        lines.append(no_changes_text(plan, context))
    if blocked := blocked_text(plan):
        lines.append(blocked)
    return "\n".join(lines) + "\n"


def _rows(plan: Plan, colour: bool) -> list[str]:
    dois = [c.doi for c in plan.changes] + [p.doi for p in plan.problems] + [u.doi for u in plan.unmanaged]
    dois += [d.doi for d in plan.drifted]
    doi_width = max((len(printable(d)) for d in dois), default=0)
    states = [state_text(c) for c in plan.changes]
    paths = [printable(c.path) if c.path is not None else "(no file)" for c in plan.changes]
    state_width = max(map(len, states), default=0)
    path_width = max(map(len, paths), default=0)

    def lead(symbol: str, word: str, code: str, doi: str) -> str:
        text = f"{symbol} {word}"
        painted = paint(text, code, colour=colour)
        return f"  {painted}{' ' * (_LEAD - len(text))} {printable(doi):<{doi_width}}  "

    rows: list[str] = []
    for change, state, path in zip(plan.changes, states, paths, strict=True):
        flag = "one-way" if change.is_one_way else ""
        head = lead(SYMBOLS[change.action], change.action.value, _COLOURS[change.action], change.doi)
        rows.append(f"{head}{state:<{state_width}}  {path:<{path_width}}  {flag}".rstrip())
        rows += _details(change, colour)
    for drift in plan.drifted:
        path = printable(drift.path) if drift.path is not None else "(no file)"
        rows.append(f"{lead(DRIFT_SYMBOL, 'drift', MAGENTA, drift.doi)}{'':<{state_width}}  {path}".rstrip())
        rows += _drift_details(drift, colour)
    indent = " " * (2 + _LEAD + 1 + doi_width + 2)
    wrap_width = max(_WIDTH, len(indent) + 40)
    for problem in plan.problems:
        error = problem.severity is Severity.ERROR
        head = lead("!", problem.severity.value, RED if error else YELLOW, problem.doi)
        message = textwrap.wrap(printable(problem.message), wrap_width - len(indent)) or [""]
        rows.append(head + message[0])
        rows += [indent + line for line in message[1:]]
    for item in plan.unmanaged:
        hint = f"live {printable(item.state)} DOI with no file (doiac import {printable(item.doi)})"
        rows.append(lead("?", "unmanaged", "", item.doi) + hint)
    return rows


def _details(change: Change, colour: bool) -> list[str]:
    """The field diffs under a change; a create shows its size, not the whole record."""
    if change.action is Action.CREATE:
        lines = [f"      ({plural(attribute_count(change), 'attribute')})"]
    else:
        width = max([_POINTER, *(len(printable(d.pointer)) for d in change.diffs)])
        lines = []
        for diff in change.diffs:
            first, *rest = _diff_text(diff, colour)
            lines.append(f"      {printable(diff.pointer):<{width}} {first}")
            lines += [f"      {'':<{width}} {line}" for line in rest]
    return lines + [f"      note: {printable(note)}" for note in change.notes]


def drift_text(drift: Drift) -> str:
    """`changed at DataCite at … by example.repo through fabricaForm, after the apply of commit abc…`."""
    when = changed_text(drift.changed_at or drift.live_updated, drift.changed_by, drift.channel)
    return printable(f"changed at DataCite {when}, after the apply of commit {drift.applied_commit[:12]}")


def ways_out(doi: str) -> tuple[str, str]:
    """The two commands that end a drift: take DataCite's values into the file, or write the file's."""
    return f"doiac import --force {printable(doi)}", f"doiac apply --target {printable(doi)}"


def _drift_details(drift: Drift, colour: bool) -> list[str]:
    """When and by whom, each field as DataCite → the file (what keeping the file writes), the ways out."""
    width = max([_POINTER, *(len(printable(d.pointer)) for d in drift.diffs)])
    lines = [f"      {line}" for line in textwrap.wrap(drift_text(drift), _WIDTH - 6)]
    for diff in drift.diffs:
        first, *rest = _diff_text(diff, colour)
        lines.append(f"      {printable(diff.pointer):<{width}} {first}")
        lines += [f"      {'':<{width}} {line}" for line in rest]
    adopt, keep = ways_out(drift.doi)
    return [*lines, f"      take DataCite's values: {adopt}", f"      keep the file's (→):    {keep}"]


def attribute_count(change: Change) -> int:
    """Top-level fields a change sets: one diff per attribute, or one diff of the whole record."""
    names: set[str] = set()
    for diff in change.diffs:
        if diff.pointer == "" and isinstance(diff.after, dict):
            names.update(diff.after)
        else:
            names.add(diff.attribute)
    return len(names)


def _diff_text(diff: FieldDiff, colour: bool) -> list[str]:
    """`before → after` on one line, or `- before` and `+ after` on two when that is too wide."""
    if diff.kind == "add":
        return [f"{paint('+', GREEN, colour=colour)} {format_value(diff.after)}"]
    if diff.kind == "remove":
        return [f"{paint('-', RED, colour=colour)} {format_value(diff.before)}"]
    before, after = format_change(diff.before, diff.after)
    if len(before) + len(after) <= VALUE_LIMIT:
        return [f"{before} → {after}"]
    return [f"{paint('-', RED, colour=colour)} {before}", f"{paint('+', GREEN, colour=colour)} {after}"]
