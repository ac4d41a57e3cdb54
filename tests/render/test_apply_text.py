"""Each DOI's apply line, its read-back and the totals, as the terminal shows them."""

from __future__ import annotations

import pytest

from reconciler.model import Action, ApplyReport, FieldOutcome, FieldResult, Outcome
from reconciler.render.apply_text import render_apply_summary, render_outcome

DOI = "10.80000/3mfp-6m52"
REWRITTEN = FieldOutcome("/titles", FieldResult.REWRITTEN, [{"title": "Readings", "xml:lang": "en"}])
MISSING = FieldOutcome("/subjects", FieldResult.NOT_APPLIED, "s" * 100)


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [
        (Outcome(DOI, Action.CREATE, "done", "created"), f"  ✓ {DOI:<28} created\n"),
        (
            Outcome(DOI, Action.UPDATE, "done", "updated", (FieldOutcome("/titles", FieldResult.APPLIED),)),
            f"  ✓ {DOI:<28} updated\n      read back: all fields as sent\n",
        ),
        (
            Outcome(DOI, Action.UPDATE, "done", "updated", (REWRITTEN, MISSING)),
            f"  ✓ {DOI:<28} updated\n      read back: /titles rewritten by DataCite as"
            ' [{title: "Readings", "xml:lang": "en"}];'
            f' /subjects not applied (DataCite holds "{"s" * 78}…)\n',
        ),
        (Outcome(DOI, Action.UPDATE, "failed", "update failed: 422"), f"  ✗ {DOI:<28} update failed: 422\n"),
        (Outcome(DOI, Action.UPDATE, "odd", "?"), f"  ? {DOI:<28} ?\n"),
    ],
    ids=["done", "all-as-sent", "read-back-values-cut", "failed", "unknown-status"],
)
def test_render_outcome(outcome: Outcome, expected: str) -> None:
    assert render_outcome(outcome) == expected


@pytest.mark.parametrize(
    ("status", "mark"),
    [
        ("done", "\x1b[32m✓\x1b[0m"),
        ("failed", "\x1b[31m✗\x1b[0m"),
        ("stale", "\x1b[33m!\x1b[0m"),
        ("odd", "?"),
    ],
    ids=["done", "failed", "stale", "unknown"],
)
def test_render_outcome_colours_the_mark(status: str, mark: str) -> None:
    assert render_outcome(Outcome(DOI, Action.UPDATE, status, "x"), colour=True) == f"  {mark} {DOI:<28} x\n"


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (("done",), "Apply: 1 done, 0 failed, 0 refused as stale.\n"),
        (
            ("done", "failed", "stale"),
            "Apply: 1 done, 1 failed, 1 refused as stale. Fix what failed (the files or the repository"
            " settings) and run `doiac apply` again.\n",
        ),
        (
            ("stale",),
            "Apply: 0 done, 0 failed, 1 refused as stale. Plan again: the stale DOIs changed on DataCite"
            " after the plan was made.\n",
        ),
    ],
    ids=["done", "failed", "stale"],
)
def test_render_apply_summary(statuses: tuple[str, ...], expected: str) -> None:
    report = ApplyReport(tuple(Outcome(DOI, Action.UPDATE, s, "") for s in statuses))
    assert render_apply_summary(report) == expected
