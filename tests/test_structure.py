"""The shape DESIGN §9 asks of the package, kept by tests: thin commands, one located-problem type."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "reconciler"
CLI = PACKAGE / "cli.py"


def _functions(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.name, node.end_lineno - node.lineno + 1)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno is not None
    ]


def test_no_function_in_cli_is_longer_than_25_lines() -> None:
    assert [(name, lines) for name, lines in _functions(CLI) if lines > 25] == []


@pytest.mark.parametrize("verb", ["validate", "plan", "apply", "sandbox"])
def test_each_command_has_its_module_with_run(verb: str) -> None:
    names = {name for name, _ in _functions(PACKAGE / "commands" / f"{verb}.py")}
    assert "run" in names


def _fields(node: ast.ClassDef) -> set[str]:
    """Names a class gives its instances: annotated class attributes and `self.x = …` in methods."""
    fields = {
        t.target.id for t in node.body if isinstance(t, ast.AnnAssign) and isinstance(t.target, ast.Name)
    }
    for item in ast.walk(node):
        is_store = isinstance(item, ast.Attribute) and isinstance(item.ctx, ast.Store)
        if is_store and isinstance(item.value, ast.Name) and item.value.id == "self":
            fields.add(item.attr)
    return fields


def test_one_located_problem_type() -> None:
    """A located problem (a line and a pointer) has one type: model.Diagnostic."""
    located = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "sandbox" in path.relative_to(PACKAGE).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and {"line", "pointer"} <= _fields(node):
                located.append(f"{path.relative_to(PACKAGE).with_suffix('').as_posix()}.{node.name}")
    assert located == ["model.Diagnostic"]
