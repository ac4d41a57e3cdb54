"""The plan as a pull request comment (GitHub markdown), never longer than the comment limit.

GitHub refuses comments over 65,536 characters, so the comment holds whole blocks until the next
one would not fit, then points at the JSON plan; a block is never cut, so tags stay balanced.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from typing import Any
from urllib.parse import quote

from ..model import (
    CITED_FIELDS,
    MISSING,
    Action,
    Change,
    Drift,
    FieldDiff,
    Plan,
    PlanContext,
    PlanProblem,
    Unmanaged,
)
from .plan_text import (
    DRIFT_SYMBOL,
    SYMBOLS,
    anonymous_text,
    attribute_count,
    blocked_text,
    drift_text,
    endpoint_url,
    format_change,
    format_value,
    header_text,
    is_url,
    no_changes_text,
    scope_text,
    state_text,
    summarise_plan,
    ways_out,
)
from .text import plural, printable, truncate

MARKER = "<!-- doiac plan -->"
"""First line of the comment, so a workflow can find and replace its previous comment."""

DIFF_LIMIT = 40
"""Field diffs shown per DOI; one record with hundreds of edits must not crowd out the others."""

_TABLED = (Action.CREATE, Action.UPDATE, Action.PUBLISH, Action.REGISTER, Action.HIDE, Action.DELETE)
# Markdown punctuation that could start emphasis, a link, raw HTML, an entity, a mention or an
# issue reference when it comes from a file or from DataCite.
_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~#@!])")
_WORDS = {"change": "change", "problem": "problem", "drift": "drifted DOI", "unmanaged": "unmanaged DOI"}
_HEADINGS = {
    "change": "### Changes",
    "problem": "### Problems",
    "drift": "### Changed at DataCite since the last apply (not applied)",
    "unmanaged": "### Unmanaged DOIs",
}


def render_plan_markdown(
    plan: Plan, context: PlanContext, *, limit: int = 60_000, files_url: str | None = None
) -> str:
    """The PR comment: verdict, summary table, problems, one `<details>` per change, unmanaged DOIs.

    With `files_url` (the folder of doiac.yaml at the pull request's head commit, such as
    `https://github.com/org/dois/blob/<sha>/`), each DOI's file is a link to it there.
    """
    head = _head(plan, context)
    footer = _footer(context)
    blocks = _blocks(plan, _Files(files_url))
    totals = Counter(kind for kind, _ in blocks)
    reserve = len(_omitted_text(totals)) if blocks else 0
    # Two characters for the blank line that closes the body.
    budget = limit - len(head) - len(footer) - 2
    shown: list[str] = []
    used = 0
    omitted: Counter[str] = Counter()
    for index, (kind, block) in enumerate(blocks):
        after = 0 if index == len(blocks) - 1 else reserve
        if used + len(block) + after > budget:
            omitted = Counter(kind for kind, _ in blocks[index:])
            break
        shown.append(block)
        used += len(block)
    body = "".join(shown).rstrip("\n") + "\n\n" if shown else ""
    text = head + body + (_omitted_text(omitted) if omitted else "") + footer
    # Only a limit too small for the verdict itself gets here; the cap is a promise to GitHub.
    return truncate(text, limit)


def _head(plan: Plan, context: PlanContext) -> str:
    url = _code(endpoint_url(context.endpoint))  # a code span: GitHub must not make it a link
    place = url if is_url(context.environment) else f"{_escape(printable(context.environment))} ({url})"
    where = f"{_escape(printable(', '.join(context.repositories) or 'no repository'))} on {place}"
    if plan.changes or plan.problems or plan.drifted:
        verdict = f"{_escape(summarise_plan(plan))} {_escape(blocked_text(plan))}".rstrip()
    else:
        verdict = _escape(no_changes_text(plan, context))
    lines = [MARKER, f"**doiac plan** · {where}: {verdict}", ""]
    for repository in context.anonymous:
        # One quote each: consecutive quoted lines would run together into one paragraph.
        lines += [f"> **warning**: {_escape(anonymous_text(repository))}.", ""]
    if scope := scope_text(context):
        lines += [f"> **note**: {_escape(scope)}.", ""]
    counted = [a for a in _TABLED if plan.count(a)]
    if counted:
        lines += ["| action | count | one-way |", "|:--|--:|--:|"]
        for action in counted:
            one_way = sum(c.is_one_way for c in plan.changes if c.action is action)
            lines.append(f"| `{SYMBOLS[action]}` {action.value} | {plan.count(action):,} | {one_way:,} |")
        lines.append("")
    return "\n".join(lines) + "\n"


def _footer(context: PlanContext) -> str:
    parts = ["Made by `doiac plan`", _escape(header_text(context))]
    if context.commit:
        parts.append(f"commit {_code(context.commit[:12])}")
    if context.created:
        parts.append(_escape(printable(context.created)))
    return "---\n" + " · ".join(parts) + "\n"


class _Files:
    """A DOI file as the comment shows it: its path in code, a link to it when the URL is known."""

    def __init__(self, url: str | None) -> None:
        self.url = url.rstrip("/") + "/" if url else None

    def __call__(self, path: str) -> str:
        if self.url is None:
            return _code(path)
        target = self.url + quote(path, safe="/")
        return f"[{_code(path)}]({target.replace('(', '%28').replace(')', '%29')})"


def _blocks(plan: Plan, file: _Files) -> list[tuple[str, str]]:
    """(kind, markdown) in the order shown: problems first, they are why a plan cannot be applied."""
    sections: list[list[tuple[str, str]]] = [
        [("problem", _problem(p, file)) for p in plan.problems],
        [("drift", _drift(d, file)) for d in plan.drifted],
        [("change", _change(c, file)) for c in plan.changes],
        [("unmanaged", _unmanaged(u)) for u in plan.unmanaged],
    ]
    blocks: list[tuple[str, str]] = []
    for section in sections:
        if section:
            kind, first = section[0]
            section[0] = (kind, f"{_HEADINGS[kind]}\n\n{first}")
            # A blank line ends a list (a <details> block ends with one already).
            last_kind, last = section[-1]
            section[-1] = (last_kind, last if last.endswith("\n\n") else last + "\n")
            blocks += section
    return blocks


def _omitted_text(omitted: Counter[str]) -> str:
    parts = [plural(omitted[kind], f"more {word}") for kind, word in _WORDS.items() if omitted[kind]]
    listed = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
    return (
        f"… {listed} not shown. A comment has a size limit; every change is in the JSON plan"
        " (`doiac plan --out plan.json`; the plan workflow keeps it as an artifact).\n\n"
    )


def _problem(problem: PlanProblem, file: _Files) -> str:
    where = f" {file(problem.path)}" if problem.path else ""
    return (
        f"- **{problem.severity.value}** {_link(problem.doi)}{where}: {_escape(printable(problem.message))}\n"
    )


def _unmanaged(item: Unmanaged) -> str:
    hint = _code(f"doiac import {printable(item.doi)}")
    return f"- {_link(item.doi)}: live {_escape(printable(item.state))} DOI with no file ({hint})\n"


def _change(change: Change, file: _Files) -> str:
    # Markdown is not parsed inside an HTML block's first line, so the summary is HTML throughout.
    summary = [f"<code>{SYMBOLS[change.action]} {change.action.value}</code>", _anchor(change.doi)]
    if state := state_text(change):
        summary.append(html.escape(state))
    if change.is_one_way:
        summary.append("<b>one-way</b>")
    lines = [f"<details><summary>{' · '.join(summary)}</summary>", ""]
    lines.append(f"File {file(change.path)}" if change.path else "No file: a live draft without one.")
    lines.append("")
    if change.action is Action.CREATE:
        lines += [f"New DOI with {plural(attribute_count(change), 'attribute')}:", ""]
    if change.diffs:
        lines += _diff(change.diffs)
    lines += [f"- note: {_escape(printable(note))}" for note in change.notes]
    if change.notes:
        lines.append("")
    citations = _citations(change)
    if citations:
        lines += [*citations, ""]
    # Every part above ends with a blank line, so </details> closes the markdown cleanly.
    return "\n".join(lines) + "\n</details>\n\n"


def _drift(drift: Drift, file: _Files) -> str:
    summary = f"<code>{DRIFT_SYMBOL} drift</code> · {_anchor(drift.doi)}"
    lines = [f"<details><summary>{summary}</summary>", ""]
    lines += [f"File {file(drift.path)}" if drift.path else "No file.", ""]
    lines += [_escape(drift_text(drift)) + ". Each field: DataCite's value (-), the file's (+).", ""]
    lines += _diff(drift.diffs)
    adopt, keep = ways_out(drift.doi)
    lines += [
        f"- take DataCite's values into the file: {_code(adopt)}",
        f"- keep the file's: {_code(keep)}",
        "",
    ]
    return "\n".join(lines) + "\n</details>\n\n"


def _diff(diffs: tuple[FieldDiff, ...]) -> list[str]:
    # A fenced diff needs no escaping: every line starts with @, - or +, so none can close the fence.
    lines = ["```diff"]
    for diff in diffs[:DIFF_LIMIT]:
        lines.append(f"@@ {printable(diff.pointer) or '/'} @@")
        if diff.kind == "change":
            before, after = format_change(diff.before, diff.after)
            lines += [f"- {before}", f"+ {after}"]
        else:
            lines.append(
                f"- {format_value(diff.before)}" if diff.kind == "remove" else f"+ {format_value(diff.after)}"
            )
    lines += ["```", ""]
    hidden = len(diffs) - DIFF_LIMIT
    if hidden > 0:
        lines += [f"… {plural(hidden, 'more field')}, in the JSON plan.", ""]
    return lines


def _citations(change: Change) -> list[str]:
    """Before/after citations: from the planner's cited fields (an update), else from whole diffs (a create)."""
    if change.cited is not None:
        lines = []
        for side, fields in zip(("before", "after"), change.cited, strict=True):
            if cited := citation(fields):
                lines.append(f"- citation {side}: {_escape(cited)} <{_url(change.doi)}>")
        return lines
    if not any(d.attribute in CITED_FIELDS or not d.attribute for d in change.diffs):
        return []
    lines = []
    for side in ("before", "after"):
        record: dict[str, Any] = {}
        for diff in change.diffs:
            value = getattr(diff, side)
            if value is MISSING:
                continue
            if diff.pointer == "" and isinstance(value, dict):
                record.update(value)
            elif diff.pointer.count("/") == 1:
                record[diff.pointer[1:]] = value
        if cited := citation(record):
            lines.append(f"- citation {side}: {_escape(cited)} <{_url(change.doi)}>")
    return lines


def citation(record: dict[str, Any]) -> str | None:
    """`Doe, J., & Roe, A. (2024). Title. Publisher.` from DataCite attributes, or None if one is absent."""
    creators, titles = record.get("creators"), record.get("titles")
    year, publisher = record.get("publicationYear"), record.get("publisher")
    if isinstance(publisher, dict):
        publisher = publisher.get("name")
    if not (isinstance(creators, list) and creators and isinstance(titles, list) and titles):
        return None
    names = [_cited_name(c) for c in creators]
    plain = [t.get("title") for t in titles if isinstance(t, dict) and not t.get("titleType")]
    title = plain[0] if plain else None
    cited = [n for n in names if n]
    if len(cited) < len(names) or year is None or not (isinstance(title, str) and isinstance(publisher, str)):
        return None
    # APA: "Doe, J., & Roe, A."; past three names, the first and "et al.".
    who = ", & ".join([", ".join(cited[:-1]), cited[-1]]) if len(cited) > 1 else cited[0]
    if len(cited) > 3:
        who = f"{cited[0]} et al."
    return truncate(printable(f"{who} ({year}). {title}. {publisher}."), 300)


def _cited_name(creator: Any) -> str | None:
    if not isinstance(creator, dict):
        return None
    name, family, given = creator.get("name"), creator.get("familyName"), creator.get("givenName")
    personal = creator.get("nameType") != "Organizational"
    if not isinstance(family, str) and isinstance(name, str) and "," in name and personal:
        family, _, given = name.partition(",")
    if isinstance(family, str) and family.strip():
        initials = " ".join(f"{part[0]}." for part in given.split()) if isinstance(given, str) else ""
        return f"{family.strip()}, {initials}" if initials else family.strip()
    return name if isinstance(name, str) and name else None


def _escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text)


def _code(text: str) -> str:
    """An inline code span that survives backticks in `text` (CommonMark: a longer fence)."""
    text = printable(text)
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith(("`", " ")) or text.endswith(("`", " ")) else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _url(doi: str) -> str:
    # DataCite's display guidelines: always https://doi.org/, the DOI percent-encoded.
    return "https://doi.org/" + quote(doi, safe="/")


def _link(doi: str) -> str:
    return f"[{_escape(printable(doi))}]({_url(doi)})"


def _anchor(doi: str) -> str:
    return f'<a href="{html.escape(_url(doi))}">{html.escape(printable(doi))}</a>'
