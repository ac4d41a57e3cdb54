"""Views of the commands that write DOI files: import, show, fmt, new, tombstone, version, init."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .plan_text import format_change
from .text import plural, printable

if TYPE_CHECKING:  # the commands' result types; a view imports no use case at run time
    from ..commands.adopt import ImportReport
    from ..commands.show import Shown

_SIGNS = {"written": "+", "would write": "+", "replaced": "~", "has a file": "=", "not imported": "!"}


def render_import(report: ImportReport, *, dry_run: bool) -> str:
    """One line per DOI that was written, or not, then a summary line."""
    lines = []
    for item in report.items:
        if item.outcome.value == "has a file":  # counted below: a repository of 10,000 files needs no list
            continue
        sign = _SIGNS[item.outcome.value]
        where = f"  {printable(item.path)}" if item.path else ""
        why = f"  ({printable(item.reason)})" if item.reason and item.outcome.value != "has a file" else ""
        lines.append(f"  {sign} {item.outcome.value:<12} {printable(item.doi)}{where}{why}")
    counts: dict[str, int] = {}
    for item in report.items:
        counts[item.outcome.value] = counts.get(item.outcome.value, 0) + 1
    verb = "would write" if dry_run else "written"
    parts = [f"{counts.get('would write' if dry_run else 'written', 0)} {verb}"]
    for outcome in ("replaced", "has a file", "not imported"):
        if counts.get(outcome):
            parts.append(f"{counts[outcome]} {'already have a file' if outcome == 'has a file' else outcome}")
    tail = f" ({plural(report.requests, 'request')} to DataCite)"
    head = "" if report.items else "No live DOIs matched.\n"
    hint = ""
    if counts.get("has a file"):
        hint = "DOIs that have a file were left alone: `doiac import --force DOI` re-imports over a file, keeping its comments.\n"
    return head + "\n".join(lines) + ("\n" if lines else "") + f"Import: {', '.join(parts)}{tail}.\n" + hint


def render_shown(shown: Shown) -> str:
    """The live record as a DOI file, then what the next plan would change for it."""
    out = [f"# {shown.doi} at DataCite: {shown.state}, repository {shown.repository}\n", shown.text]
    if shown.problem:
        out.append(f"\nnote: {printable(shown.problem)}\n")
    if shown.path is None:
        out.append(f"\nNo file: `doiac import {shown.doi}` writes the above.\n")
    elif shown.change is None and not shown.problem:
        out.append(f"\n{shown.path} matches DataCite: the next plan changes nothing for this DOI.\n")
    elif shown.change is not None:
        change = shown.change
        out.append(f"\n{shown.path} differs from DataCite; the next plan would {change.action.value}:\n")
        for diff in change.diffs:
            before, after = format_change(diff.before, diff.after)
            out.append(f"  {printable(diff.pointer) or '/'}  {before} → {after}\n")
        if change.event:
            out.append(f"  state  {change.state_before} → {change.state_after}\n")
    return "".join(out)


def render_lines(title: str, lines: Sequence[str]) -> str:
    """A title and an indented line each, for the commands that report a few facts."""
    return title + "\n" + "".join(f"  {printable(line)}\n" for line in lines)
