"""The schema translator: the message for each kind of violation (the case table covers the rest)."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.core.schema_check import kind_of, short
from reconciler.model import Diagnostic
from reconciler.schemas import check_schema

CONFIG_BASE: dict[str, Any] = {"repositories": [{"id": "A.B", "prefixes": ["10.80000"], "path": "dois/"}]}

CASES = [
    ("null", "doi", {"doi": None, "state": "draft"},
     [Diagnostic(pointer="/doi", message="expected a string, got nothing (null)", rule="schema")]),
    ("boolean", "doi", {"doi": "10.80000/x", "state": "draft", "version": True},
     [Diagnostic(pointer="/version", message='version is a string: quote it, e.g. version: "1.0"', rule="schema")]),
    ("folded-key", "doi", {"doi": "10.80000/x", "state": "draft", "PUBLICATION_YEAR": 2024},
     [Diagnostic(pointer="/PUBLICATION_YEAR", rule="schema", key=True,
                 message="unknown key `PUBLICATION_YEAR`; did you mean `publicationYear`?")]),
    ("not-a-mapping", "doi", ["doi"], [Diagnostic(pointer="", message="expected a mapping, got a list", rule="schema")]),
    ("empty-string", "config", {"repositories": [{"id": "A.B", "prefixes": ["10.80000"], "path": ""}]},
     [Diagnostic(pointer="/repositories/0/path", message="must not be empty", rule="schema")]),
    ("pattern", "config", {**CONFIG_BASE, "mailto": "nobody"},
     [Diagnostic(pointer="/mailto", message="'nobody' does not have the expected form", rule="schema")]),
    ("minimum-only", "config", {**CONFIG_BASE, "limits": {"max_one_way": -1}},
     [Diagnostic(pointer="/limits/max_one_way", message="-1 must be at least 0", rule="schema")]),
    ("unique", "config", {"repositories": [{"id": "A.B", "prefixes": ["10.80000", "10.80000"], "path": "d/"}]},
     [Diagnostic(pointer="/repositories/0/prefixes", message="has duplicate entries", rule="schema")]),
    ("enum-short-list", "config", {**CONFIG_BASE, "unmanaged": "loud"},
     [Diagnostic(pointer="/unmanaged", rule="schema",
                 message="'loud' is not a valid unmanaged; expected one of: ignore, warn, error")]),
    ("no-close-key", "config", {**CONFIG_BASE, "zzz": 1},
     [Diagnostic(pointer="/zzz", rule="schema", key=True,
                 message="unknown key `zzz`; expected one of: defaults, environment, limits, mailto, prune_drafts, "
                         "repositories, rules, sandbox_in_ci, unmanaged")]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("schema", "instance", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_translation(schema: str, instance: Any, expected: list[Diagnostic]) -> None:
    assert check_schema(schema, instance) == expected


def test_error_wins_over_warning_at_the_same_place() -> None:
    # An empty nameIdentifier is a documentation-level warning; a number there is an error.
    record = {
        "doi": "10.80000/x",
        "state": "draft",
        "creators": [{"name": "A", "nameIdentifiers": [{"nameIdentifier": 5}]}],
    }
    problems = check_schema("doi", record)
    assert (
        Diagnostic(
            pointer="/creators/0/nameIdentifiers/0/nameIdentifier",
            rule="schema",
            message="expected a string, got an integer",
        )
        in problems
    )


@pytest.mark.parametrize(
    ("value", "kind"),
    [(None, "nothing (null)"), (True, "a boolean"), (1, "an integer"), (1.5, "a number"), ("x", "a string"),
     ([], "a list"), ({}, "a mapping")],
)  # fmt: skip
def test_kind_of(value: Any, kind: str) -> None:
    assert kind_of(value) == kind


def test_short_truncates() -> None:
    assert short("x" * 100) == "'" + "x" * 58 + "…"
    assert short([1, 2]) == "[1, 2]"
