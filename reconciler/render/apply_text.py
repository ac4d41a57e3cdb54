"""An apply's outcome per DOI and its totals, for the terminal (pure)."""

from __future__ import annotations

import json
from typing import Any

from ..model import ApplyReport, FieldResult, Outcome
from .plan_text import printable

_MARKS = {"done": "✓", "failed": "✗", "stale": "!"}
_COLOURS = {"done": "\033[32m", "failed": "\033[31m", "stale": "\033[33m"}
_RESET = "\033[0m"


def _compact(value: Any, limit: int = 80) -> str:
    text = printable(json.dumps(value, ensure_ascii=False, separators=(", ", ": ")))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _read_back(outcome: Outcome) -> str:
    if outcome.status != "done" and not outcome.fields:
        return ""
    odd = [f for f in outcome.fields if f.result is not FieldResult.APPLIED]
    if not odd:
        return "read back: all fields as sent" if outcome.fields else ""
    parts = []
    for field in odd:
        if field.result is FieldResult.REWRITTEN:
            parts.append(f"{printable(field.pointer)} rewritten by DataCite as {_compact(field.value)}")
        else:
            parts.append(f"{printable(field.pointer)} not applied (DataCite holds {_compact(field.value)})")
    return "read back: " + "; ".join(parts)


def render_outcome(outcome: Outcome, *, colour: bool = False) -> str:
    """One DOI's outcome: mark, DOI, what happened, and what the read-back found."""
    mark = _MARKS.get(outcome.status, "?")
    if colour:
        mark = f"{_COLOURS.get(outcome.status, '')}{mark}{_RESET}"
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
