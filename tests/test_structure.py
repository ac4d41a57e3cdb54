"""The shape DESIGN §9 asks of the package, kept by tests: thin commands, one located-problem type."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "reconciler"
CLI = sorted((PACKAGE / "cli").glob("*.py"))


def _functions(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.name, node.end_lineno - node.lineno + 1)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno is not None
    ]


def test_no_function_in_cli_is_longer_than_25_lines() -> None:
    assert CLI, "the cli folder has modules"
    assert [(path.name, name, lines) for path in CLI for name, lines in _functions(path) if lines > 25] == []


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


def _modules() -> list[tuple[str, str]]:
    """(dotted module name, source) of every module of the package but the sandbox, which keeps its own."""
    return [
        (
            path.relative_to(PACKAGE).with_suffix("").as_posix().replace("/", "."),
            path.read_text(encoding="utf-8"),
        )
        for path in sorted(PACKAGE.rglob("*.py"))
        if "sandbox" not in path.relative_to(PACKAGE).parts
    ]


def _classes_with(names: set[str], modules: list[tuple[str, str]]) -> list[str]:
    """`module.Class` for each class whose instances have all of `names` among their fields."""
    return [
        f"{module}.{node.name}"
        for module, source in modules
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ClassDef) and names <= _fields(node)
    ]


def test_one_located_problem_type() -> None:
    """A located problem has one type, model.Diagnostic: no other class has a pointer with a line
    or with a message (as Finding, FileFinding and the schema's Problem once had)."""
    modules = _modules()
    assert _classes_with({"line", "pointer"}, modules) == ["model.Diagnostic"]
    assert _classes_with({"pointer", "message"}, modules) == ["model.Diagnostic"]


FINDING_LIKE = """
class Finding(NamedTuple):
    severity: Severity
    pointer: str
    message: str


class Problem:
    def __init__(self, pointer: str, message: str) -> None:
        self.pointer = pointer
        self.message = message


@dataclass(frozen=True)
class FieldDiff:
    pointer: str
    before: Any
"""


def test_the_guard_catches_a_second_located_problem_type() -> None:
    # A field diff has a pointer but no message: it is not a problem.
    caught = _classes_with({"pointer", "message"}, [*_modules(), ("core.rules", FINDING_LIKE)])
    assert caught == ["model.Diagnostic", "core.rules.Finding", "core.rules.Problem"]


@pytest.mark.parametrize("command", [[], ["validate"], ["plan"], ["apply"], ["sandbox"]])
def test_help_shows_value_names_and_fits_80_columns(command: list[str]) -> None:
    """Choices and value names (`PATH`, `--format [text|…]`), never Python types, and no cut lines."""
    import re

    from typer.testing import CliRunner

    from reconciler.cli import app

    result = CliRunner().invoke(app, [*command, "-h"], terminal_width=80, env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert [line for line in result.output.splitlines() if len(line) > 80] == []
    assert re.findall(r"<[a-z][\w\[\]]*>", result.output) == []
    if command:
        assert "Examples:" in result.output
