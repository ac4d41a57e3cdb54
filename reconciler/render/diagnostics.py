"""Diagnostics as text (file:line:col: severity: /pointer: message), GitHub annotations or JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..core.levels import RULES
from ..model import Diagnostic, Severity
from .text import plural, printable

FORMATS = ("text", "github", "json")
_GITHUB_LEVEL = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.ADVICE: "notice",
    Severity.INFO: "notice",
}


def render_text(diagnostics: Sequence[Diagnostic]) -> str:
    # Paths, keys and quoted values come from files a pull request wrote: escaped like the plan.
    return "".join(
        printable(f"{d.path}:{d.line}:{d.column}: {d.severity.value}: {d.pointer or '/'}: {d.message}") + "\n"
        for d in diagnostics
    )


def _escape_data(text: str) -> str:
    return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(diagnostics: Sequence[Diagnostic]) -> str:
    """GitHub Actions workflow commands, so problems show on the pull request's changed lines."""
    lines = []
    for d in diagnostics:
        props = f"file={_escape_property(d.path)},line={d.line},col={d.column},title={_escape_property('doiac ' + (d.rule or 'validate'))}"
        lines.append(
            f"::{_GITHUB_LEVEL[d.severity]} {props}::{_escape_data((d.pointer or '/') + ': ' + d.message)}\n"
        )
    return "".join(lines)


def render_json(diagnostics: Sequence[Diagnostic], files: int) -> str:
    payload = {
        "files": files,
        "errors": sum(d.severity is Severity.ERROR for d in diagnostics),
        "warnings": sum(d.severity is Severity.WARNING for d in diagnostics),
        "advice": sum(d.severity is Severity.ADVICE for d in diagnostics),
        "diagnostics": [
            {
                "path": d.path,
                "line": d.line,
                "column": d.column,
                "severity": d.severity.value,
                "pointer": d.pointer,
                "message": d.message,
                "rule": d.rule,
            }
            for d in diagnostics
        ],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def summary(diagnostics: Sequence[Diagnostic], files: int) -> str:
    counts = {s: sum(d.severity is s for d in diagnostics) for s in Severity}
    return (
        f"{plural(files, 'file')} checked: {plural(counts[Severity.ERROR], 'error')}, "
        f"{plural(counts[Severity.WARNING], 'warning')}, {counts[Severity.ADVICE]:,} advice,"
        f" {counts[Severity.INFO]:,} info\n"
    )


_LEVELS = {
    "xsd": "DataCite's XSD",
    "api": "DataCite's API",
    "documentation": "4.7 documentation",
    "practice": "best practice",
    "doiac": "this repository",
}
_LEGEND = (
    "XSD and API rules are errors: DataCite refuses the record (or, where it silently drops a value, a\n"
    "warning that says so). Documentation rules are warnings, errors with --strict. Best practice is\n"
    "advice, never an error. --select and --ignore (or `rules:` in doiac.yaml) take these ids.\n\n"
)


def render_rules() -> str:
    """The rule catalogue: id, where it comes from, what it checks."""
    width = max(map(len, RULES))
    lines = [f"{rule:<{width}}  {_LEVELS[info.level]:<17}  {info.checks}" for rule, info in RULES.items()]
    return _LEGEND + "\n".join(lines) + "\n"
