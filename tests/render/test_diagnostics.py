from __future__ import annotations

import json

from reconciler.model import Diagnostic, Severity
from reconciler.render.diagnostics import render_github, render_json, render_text, summary

DIAGS = [
    Diagnostic(
        "dois/a.yaml", 3, 5, Severity.ERROR, "/titles/0/title", "expected a string, got a list", "schema"
    ),
    Diagnostic("dois/b, c.yaml", 1, 1, Severity.WARNING, "", "50% done: a:b\nnext", ""),
    Diagnostic("dois/d.yaml", 2, 6, Severity.INFO, "/url", "tombstone?", "tombstone-url"),
]


def test_text() -> None:
    assert render_text(DIAGS) == (
        "dois/a.yaml:3:5: error: /titles/0/title: expected a string, got a list\n"
        "dois/b, c.yaml:1:1: warning: /: 50% done: a:b\\nnext\n"
        "dois/d.yaml:2:6: info: /url: tombstone?\n"
    )


def test_github_escapes_properties_and_data() -> None:
    assert render_github(DIAGS).splitlines() == [
        "::error file=dois/a.yaml,line=3,col=5,title=doiac schema::/titles/0/title: expected a string, got a list",
        "::warning file=dois/b%2C c.yaml,line=1,col=1,title=doiac validate::/: 50%25 done: a:b%0Anext",
        "::notice file=dois/d.yaml,line=2,col=6,title=doiac tombstone-url::/url: tombstone?",
    ]


def test_json() -> None:
    payload = json.loads(render_json(DIAGS, 7))
    assert (payload["files"], payload["errors"], payload["warnings"]) == (7, 1, 1)
    assert payload["diagnostics"][0] == {
        "path": "dois/a.yaml",
        "line": 3,
        "column": 5,
        "severity": "error",
        "pointer": "/titles/0/title",
        "message": "expected a string, got a list",
        "rule": "schema",
    }


def test_summary_plurals() -> None:
    assert summary(DIAGS, 1) == "1 file checked: 1 error, 1 warning, 0 advice, 1 info\n"
    assert summary([], 10_000) == "10,000 files checked: 0 errors, 0 warnings, 0 advice, 0 info\n"
