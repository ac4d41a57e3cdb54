"""The schema translator: the message for each kind of violation (the case table covers the rest)."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.core.schema_check import Problem, kind_of, short
from reconciler.schemas import check_schema

CONFIG_BASE: dict[str, Any] = {"repositories": [{"id": "A.B", "prefixes": ["10.80000"], "path": "dois/"}]}

CASES = [
    ("null", "doi", {"doi": None, "state": "draft"},
     [Problem("/doi", "expected a string, got nothing (null)")]),
    ("boolean", "doi", {"doi": "10.80000/x", "state": "draft", "version": True},
     [Problem("/version", 'version is a string: quote it, e.g. version: "1.0"')]),
    ("folded-key", "doi", {"doi": "10.80000/x", "state": "draft", "PUBLICATION_YEAR": 2024},
     [Problem("/PUBLICATION_YEAR", "unknown key `PUBLICATION_YEAR`; did you mean `publicationYear`?", key=True)]),
    ("not-a-mapping", "doi", ["doi"], [Problem("", "expected a mapping, got a list")]),
    ("empty-string", "config", {"repositories": [{"id": "A.B", "prefixes": ["10.80000"], "path": ""}]},
     [Problem("/repositories/0/path", "must not be empty")]),
    ("pattern", "config", {**CONFIG_BASE, "mailto": "nobody"},
     [Problem("/mailto", "'nobody' does not have the expected form")]),
    ("minimum-only", "config", {**CONFIG_BASE, "limits": {"max_one_way": -1}},
     [Problem("/limits/max_one_way", "-1 must be at least 0")]),
    ("unique", "config", {"repositories": [{"id": "A.B", "prefixes": ["10.80000", "10.80000"], "path": "d/"}]},
     [Problem("/repositories/0/prefixes", "has duplicate entries")]),
    ("enum-short-list", "config", {**CONFIG_BASE, "unmanaged": "loud"},
     [Problem("/unmanaged", "'loud' is not a valid unmanaged; expected one of: ignore, warn, error")]),
    ("no-close-key", "config", {**CONFIG_BASE, "zzz": 1},
     [Problem("/zzz", "unknown key `zzz`; expected one of: defaults, environment, limits, mailto, prune_drafts, "
              "repositories, unmanaged", key=True)]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("schema", "instance", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_translation(schema: str, instance: Any, expected: list[Problem]) -> None:
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
        Problem("/creators/0/nameIdentifiers/0/nameIdentifier", "expected a string, got an integer")
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
