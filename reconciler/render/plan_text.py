"""The plan as a terminal shows it: Terraform-like, one line per change and its field diffs under it.

The helpers `format_value`, `printable`, `state_text`, `summarise_plan` and `plural` are shared
with the markdown renderer, so both say the same thing in the same words.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..model import Action, Change, FieldDiff, Plan, PlanContext, Severity

SYMBOLS = {
    Action.CREATE: "+",
    Action.UPDATE: "~",
    Action.PUBLISH: "↑",
    Action.REGISTER: "↑",
    Action.HIDE: "↓",
    Action.DELETE: "-",
    Action.NOOP: " ",
}
VALUE_LIMIT = 100
"""Characters of one value shown in a diff; a description can be pages long."""

_WIDTH = 100
_LEAD = len("? unmanaged")
_POINTER = 24
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# C0 and C1 controls: a value from a file or from DataCite must not move the cursor or start an
# escape sequence on the terminal (C1 includes CSI, U+009B). Bidirectional overrides, embeddings
# and isolates must not reorder what a reviewer reads (a DOI or URL shown reversed: "Trojan
# Source"); line and paragraph separators must not break a line; zero-width characters must not
# hide a difference between two values that look equal.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]")
_GREEN, _YELLOW, _CYAN, _RED = "32", "33", "36", "31"
_COLOURS = {
    Action.CREATE: _GREEN,
    Action.UPDATE: _YELLOW,
    Action.PUBLISH: _CYAN,
    Action.REGISTER: _CYAN,
    Action.HIDE: _CYAN,
    Action.DELETE: _RED,
    Action.NOOP: "",
}
_SUMMARISED = (Action.CREATE, Action.UPDATE, Action.PUBLISH, Action.REGISTER, Action.HIDE, Action.DELETE)
_OPTIONAL = (Action.REGISTER, Action.HIDE)

Paint = Callable[[str, str], str]


def plural(n: int, word: str) -> str:
    """`1 file`, `9,994 files`."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def printable(text: str) -> str:
    """`text` on one line with control characters shown as escapes (`\\n`, `\\u001b`)."""
    return _CONTROL.sub(lambda m: json.dumps(m.group())[1:-1], text)


def truncate(text: str, limit: int) -> str:
    """`text`, or its first `limit - 1` characters and an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def format_value(value: Any, limit: int = VALUE_LIMIT) -> str:
    """A JSON value in one compact line: strings JSON-quoted, `{name: "Roe, Ann", year: 2024}`."""
    return truncate(_compact(value), limit)


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


def _compact(value: Any) -> str:
    if isinstance(value, dict):
        items = (f"{_key(str(k))}: {_compact(v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_compact(v) for v in value) + "]"
    # json.dumps escapes C0 controls and printable() the rest, so a value can never break the line
    # it sits on nor reorder it.
    return printable(json.dumps(value, ensure_ascii=False, default=str))


def _key(key: str) -> str:
    return key if _KEY.match(key) else printable(json.dumps(key, ensure_ascii=False))


def state_text(change: Change) -> str:
    """`findable` for a create, `draft` for a delete, `registered → findable` for a transition."""
    before, after = change.state_before, change.state_after
    if before is None:
        return after or ""
    if after is None:
        return before
    return "" if after == before else f"{before} → {after}"


def summarise_plan(plan: Plan) -> str:
    """`1 to create, 0 to update, 0 to publish, 0 to delete; 3 unchanged.` and ` 1 error.`."""
    counts = [
        f"{plan.count(action):,} to {action.value}"
        for action in _SUMMARISED
        if action not in _OPTIONAL or plan.count(action)
    ]
    text = f"{', '.join(counts)}; {plan.unchanged:,} unchanged."
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
    return f"{printable(repository)} read without a password: only findable DOIs were compared"


def render_plan_text(plan: Plan, context: PlanContext, *, colour: bool = False) -> str:
    """The plan for a terminal or a log; `colour` adds ANSI colours (the caller knows if it is a TTY)."""

    def paint(text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if colour and code else text

    lines = [f"doiac plan · {header_text(context)}"]
    lines += [f"{paint('warning:', _YELLOW)} {anonymous_text(r)}" for r in context.anonymous]
    lines.append("")
    rows = _rows(plan, paint)
    if rows:
        lines += [*rows, ""]
    if plan.changes or plan.problems:
        lines.append(f"Plan: {summarise_plan(plan)}")
    else:
        lines.append(f"No changes. DataCite matches the files ({plan.unchanged:,} unchanged).")
    if blocked := blocked_text(plan):
        lines.append(blocked)
    return "\n".join(lines) + "\n"


def _rows(plan: Plan, paint: Paint) -> list[str]:
    dois = [c.doi for c in plan.changes] + [p.doi for p in plan.problems] + [u.doi for u in plan.unmanaged]
    doi_width = max((len(printable(d)) for d in dois), default=0)
    states = [state_text(c) for c in plan.changes]
    paths = [printable(c.path) if c.path is not None else "(no file)" for c in plan.changes]
    state_width = max(map(len, states), default=0)
    path_width = max(map(len, paths), default=0)

    def lead(symbol: str, word: str, code: str, doi: str) -> str:
        text = f"{symbol} {word}"
        return f"  {paint(text, code)}{' ' * (_LEAD - len(text))} {printable(doi):<{doi_width}}  "

    rows: list[str] = []
    for change, state, path in zip(plan.changes, states, paths, strict=True):
        flag = "one-way" if change.is_one_way else ""
        head = lead(SYMBOLS[change.action], change.action.value, _COLOURS[change.action], change.doi)
        rows.append(f"{head}{state:<{state_width}}  {path:<{path_width}}  {flag}".rstrip())
        rows += _details(change, paint)
    indent = " " * (2 + _LEAD + 1 + doi_width + 2)
    wrap_width = max(_WIDTH, len(indent) + 40)
    for problem in plan.problems:
        error = problem.severity is Severity.ERROR
        head = lead("!", problem.severity.value, _RED if error else _YELLOW, problem.doi)
        message = textwrap.wrap(printable(problem.message), wrap_width - len(indent)) or [""]
        rows.append(head + message[0])
        rows += [indent + line for line in message[1:]]
    for item in plan.unmanaged:
        hint = f"live {printable(item.state)} DOI with no file (doiac import {printable(item.doi)})"
        rows.append(lead("?", "unmanaged", "", item.doi) + hint)
    return rows


def _details(change: Change, paint: Paint) -> list[str]:
    """The field diffs under a change; a create shows its size, not the whole record."""
    if change.action is Action.CREATE:
        lines = [f"      ({plural(attribute_count(change), 'attribute')})"]
    else:
        width = max([_POINTER, *(len(printable(d.pointer)) for d in change.diffs)])
        lines = []
        for diff in change.diffs:
            first, *rest = _diff_text(diff, paint)
            lines.append(f"      {printable(diff.pointer):<{width}} {first}")
            lines += [f"      {'':<{width}} {line}" for line in rest]
    return lines + [f"      note: {printable(note)}" for note in change.notes]


def attribute_count(change: Change) -> int:
    """Top-level fields a change sets: one diff per attribute, or one diff of the whole record."""
    names: set[str] = set()
    for diff in change.diffs:
        if diff.pointer == "" and isinstance(diff.after, dict):
            names.update(diff.after)
        else:
            names.add(diff.attribute)
    return len(names)


def _diff_text(diff: FieldDiff, paint: Paint) -> list[str]:
    """`before → after` on one line, or `- before` and `+ after` on two when that is too wide."""
    if diff.kind == "add":
        return [f"{paint('+', _GREEN)} {format_value(diff.after)}"]
    if diff.kind == "remove":
        return [f"{paint('-', _RED)} {format_value(diff.before)}"]
    before, after = format_change(diff.before, diff.after)
    if len(before) + len(after) <= VALUE_LIMIT:
        return [f"{before} → {after}"]
    return [f"{paint('-', _RED)} {before}", f"{paint('+', _GREEN)} {after}"]
