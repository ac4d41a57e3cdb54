"""DESIGN §9: arrows point down, the pure core does no I/O, each dependency has one home."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "reconciler"

# Lower number = lower layer. A module may import its own layer or below, never above.
LAYERS = {
    "__about__": 0, "doi": 0, "errors": 0, "model": 0, "schemas": 0, "suffix": 0,
    "validate": 1, "payload": 1, "identifiers": 1, "rules": 1, "crossfile": 1, "normalize": 1, "diff": 1, "planner": 1,
    "render": 1,
    "files": 2, "config": 2, "datacite": 2, "lock": 2, "apply": 2, "sandbox": 2, "environment": 2, "live": 2, "git": 2, "workers": 2,
    "desired": 3, "planning": 3, "applying": 3,
    "cli": 4, "__main__": 4, "__init__": 5,
}  # fmt: skip
PURE = {name for name, layer in LAYERS.items() if layer == 1}
IO_MODULES = {"os", "pathlib", "io", "socket", "subprocess", "time", "random", "httpx", "shutil", "tempfile"}
HOMES = {
    "ruamel": {"files"},
    "jsonschema": {"validate"},
    "referencing": {"validate"},
    "jsonschema_rs": {"validate"},
    "deepdiff": {"diff"},
    "httpx": {"datacite"},
    "typer": {"cli"},
    "click": {"cli"},
    "idutils": {"identifiers"},
    "language_tags": {"identifiers"},
    "pycountry": {"normalize"},
}


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "sandbox" not in p.relative_to(PACKAGE).parts)


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def _imports(path: Path) -> tuple[set[str], set[str]]:
    """(reconciler modules, third-party or stdlib top-level modules) imported by `path`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    internal: set[str] = set()
    external: set[str] = set()
    depth = len(path.relative_to(PACKAGE).parts) - 1
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                if top == "reconciler":
                    internal.add(alias.name.split(".")[1])
                else:
                    external.add(top)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module:
                top = node.module.split(".")[0]
                if top == "reconciler":
                    internal.add(node.module.split(".")[1])
                else:
                    external.add(top)
            elif node.level > depth:
                module = (node.module or "").split(".")[0]
                internal.update([module] if module else [a.name for a in node.names])
    return internal, external


def test_every_module_has_a_layer() -> None:
    assert {_name(p) for p in _modules()} <= set(LAYERS)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_arrows_point_down(path: Path) -> None:
    internal, _ = _imports(path)
    own = LAYERS[_name(path)]
    upward = sorted(m for m in internal if LAYERS.get(m, 99) > own and m != _name(path))
    assert upward == [], f"{path.name} imports higher layers: {upward}"


@pytest.mark.parametrize("path", [p for p in _modules() if _name(p) in PURE], ids=lambda p: p.name)
def test_pure_core_does_no_io(path: Path) -> None:
    _, external = _imports(path)
    assert sorted(external & IO_MODULES) == []


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_each_dependency_has_one_home(path: Path) -> None:
    _, external = _imports(path)
    strays = sorted(lib for lib in external if lib in HOMES and _name(path) not in HOMES[lib])
    assert strays == [], f"{path.name} imports {strays} outside their home modules"


SANDBOX = sorted((PACKAGE / "sandbox").glob("*.py"))


@pytest.mark.parametrize("path", SANDBOX, ids=lambda p: p.name)
def test_sandbox_shares_nothing_with_the_reconciler_but_suffix(path: Path) -> None:
    """DESIGN §8: neither side's normalisation can hide the other's bugs."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    outside = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.ImportFrom) and node.level >= 2) or (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and (node.module or "").startswith("reconciler")
        ):
            outside.add(node.module or "")
        elif isinstance(node, ast.Import):
            outside.update(a.name for a in node.names if a.name.startswith("reconciler"))
    assert outside <= {"suffix", "reconciler.suffix"}
