"""An apply's outcome per DOI and its totals, for the terminal (pure)."""

from __future__ import annotations

from typing import Any

from ..model import ApplyReport, FieldResult, Outcome
from .text import GREEN, RED, YELLOW, compact, paint, printable, truncate

_MARKS = {"done": "✓", "failed": "✗", "stale": "!"}
_COLOURS = {"done": GREEN, "failed": RED, "stale": YELLOW}
_VALUE_LIMIT = 80


def _value(value: Any) -> str:
    return truncate(compact(value), _VALUE_LIMIT)


def _read_back(outcome: Outcome) -> str:
    if outcome.status != "done" and not outcome.fields:
        return ""
    odd = [f for f in outcome.fields if f.result is not FieldResult.APPLIED]
    if not odd:
        return "read back: all fields as sent" if outcome.fields else ""
    parts = []
    for field in odd:
        if field.result is FieldResult.REWRITTEN:
            parts.append(f"{printable(field.pointer)} rewritten by DataCite as {_value(field.value)}")
        else:
            parts.append(f"{printable(field.pointer)} not applied (DataCite holds {_value(field.value)})")
    return "read back: " + "; ".join(parts)


def render_outcome(outcome: Outcome, *, colour: bool = False) -> str:
    """One DOI's outcome: mark, DOI, what happened, and what the read-back found."""
    mark = _MARKS.get(outcome.status, "?")
    mark = paint(mark, _COLOURS.get(outcome.status, ""), colour=colour)
    # DataCite's messages and the read-back values come from the network: escaped like the plan.
    line = f"  {mark} {printable(outcome.doi):<28} {printable(outcome.message)}"
    read_back = _read_back(outcome)
    if read_back:
        line += f"\n      {read_back}"
    return line + "\n"


def render_apply_summary(report: ApplyReport) -> str:
    """Totals, and what to do next when something did not go through."""
    done, failed, stale = report.count("done"), report.count("failed"), report.count("stale")
    line = f"Apply: {done:,} done, {failed:,} failed, {stale:,} refused as stale."
    if failed:
        line += " Fix what failed (the files or the repository settings) and run `doiac apply` again."
    elif stale:
        line += " Plan again: the stale DOIs changed on DataCite after the plan was made."
    return line + "\n"
