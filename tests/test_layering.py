"""DESIGN §9: arrows point down, the pure core imports only itself, each dependency has one home.

A module is named by its path in the package (`core.rules`, `commands.plan`, `render.plan_text`);
its layer is that of its folder unless it has a row of its own. The checks work on source text,
so the last tests can show that each of them fails on a wrong import.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "reconciler"

# Lower number = lower layer. A module may import its own layer or below, never above.
LAYERS = {
    "__about__": 0, "errors": 0, "model": 0,
    "core": 1,
    "files": 2, "config": 2, "environment": 2, "datacite": 2, "pacing": 2, "applier": 2, "planfile": 2, "git": 2,
    "workers": 2, "lock": 2, "cache": 2, "schemas": 2, "yamledit": 2, "render": 2, "sandbox": 2,
    "commands": 3,
    "cli": 4, "__main__": 4,
    "__init__": 5,
}  # fmt: skip
CORE_MAY_IMPORT = {"model", "errors"}
IO_MODULES = {"os", "pathlib", "io", "socket", "subprocess", "time", "random", "httpx", "shutil", "tempfile"}
HOMES = {
    "ruamel": {"files", "yamledit"},
    "jsonschema": {"core.schema_check"},
    "referencing": {"core.schema_check"},
    "jsonschema_rs": {"core.schema_check"},
    "deepdiff": {"core.diff"},
    "httpx": {"datacite"},
    "typer": {"cli"},
    "click": {"cli"},
    "idutils": {"core.identifiers"},
    "language_tags": {"core.identifiers"},
    "pycountry": {"core.normalize"},
}
# Two modules of one folder never differ only by such an ending (apply/applying, planner/planning).
_ENDINGS = re.compile(r"(ing|ed|er|s)$")


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "sandbox" not in p.relative_to(PACKAGE).parts)


def _name(path: Path) -> str:
    """`core.rules` for reconciler/core/rules.py; `cli.app` for reconciler/cli/app.py; `render` for its __init__."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1]) if parts[-1] == "__init__" and len(parts) > 1 else ".".join(parts)


def _layer(name: str) -> int:
    return LAYERS.get(name, LAYERS.get(name.split(".", maxsplit=1)[0], 99))


def _imports(name: str, source: str) -> tuple[set[str], set[str]]:
    """(package modules by dotted name, third-party or stdlib top-level modules) that `source` imports."""
    package = name.split(".")[:-1] if "." in name and not name.endswith("__init__") else []
    if name in {"core", "commands", "render", "cli"}:  # a package's __init__ sits inside its folder
        package = [name]
    internal: set[str] = set()
    external: set[str] = set()
    tree = ast.parse(source)
    # Imports for type annotations only (`if TYPE_CHECKING:`) never run: they are no dependency.
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING"
        for inner in ast.walk(node)
    }
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "reconciler":
                    internal.add(alias.name.removeprefix("reconciler."))
                else:
                    external.add(alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                module = node.module or ""
                if module.split(".")[0] == "reconciler":
                    internal.add(module.removeprefix("reconciler").lstrip(".") or "__init__")
                else:
                    external.add(module.split(".")[0])
                continue
            base = package[: len(package) - (node.level - 1)]
            if node.module:
                internal.add(".".join([*base, node.module]))
            else:  # from . import x: x is a module of that package
                internal.update(".".join([*base, alias.name]) for alias in node.names)
    return internal, external


def violations(name: str, source: str) -> list[str]:
    """What `source`, as module `name`, does against the layering of DESIGN §9."""
    internal, external = _imports(name, source)
    found = []
    own = _layer(name)
    for target in sorted(internal):
        if _layer(target) > own:
            found.append(f"{name} imports {target}, a higher layer")
    if name.startswith("core") or name == "core":
        for target in sorted(internal):
            if target.split(".")[0] != "core" and target not in CORE_MAY_IMPORT:
                found.append(f"{name} (core) imports {target}: core imports only core, model and errors")
        found += [f"{name} (core) does I/O through {lib}" for lib in sorted(external & IO_MODULES)]
    for lib in sorted(external):
        if lib in HOMES and not any(name == home or name.startswith(f"{home}.") for home in HOMES[lib]):
            found.append(f"{name} imports {lib} outside its home {sorted(HOMES[lib])}")
    return found


def test_every_module_has_a_layer() -> None:
    assert sorted(n for n in map(_name, _modules()) if _layer(n) == 99) == []


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_layering(path: Path) -> None:
    assert violations(_name(path), path.read_text(encoding="utf-8")) == []


WRONG = [
    ("io-in-core", "core.rules", "import httpx\n", ["core.rules (core) does I/O through httpx", "core.rules imports httpx outside its home ['datacite']"]),
    ("commands-in-core", "core.planner", "from ..commands import plan\n", ["core.planner imports commands, a higher layer", "core.planner (core) imports commands: core imports only core, model and errors"]),
    ("edge-in-core", "core.compare", "from ..files import read_source\n", ["core.compare imports files, a higher layer", "core.compare (core) imports files: core imports only core, model and errors"]),
    ("absolute-edge-in-core", "core.diff", "from reconciler.datacite import live_record\n", ["core.diff imports datacite, a higher layer", "core.diff (core) imports datacite: core imports only core, model and errors"]),
    ("cli-from-an-edge", "datacite", "from .cli import main\n", ["datacite imports cli, a higher layer"]),
    ("typer-in-a-command", "commands.plan", "import typer\n", ["commands.plan imports typer outside its home ['cli']"]),
    ("typer-beside-cli", "clipboard", "import typer\n", ["clipboard imports typer outside its home ['cli']"]),
    ("ruamel-in-render", "render.plan_text", "from ruamel.yaml import YAML\n", ["render.plan_text imports ruamel outside its home ['files', 'yamledit']"]),
]  # fmt: skip


@pytest.mark.parametrize(("name", "source", "expected"), [w[1:] for w in WRONG], ids=[w[0] for w in WRONG])
def test_the_layering_test_can_fail(name: str, source: str, expected: list[str]) -> None:
    assert violations(name, source) == expected


def test_core_is_the_pure_folder() -> None:
    core = {_name(p) for p in _modules() if _name(p).startswith("core.")}
    assert {"core.rules", "core.normalize", "core.compare", "core.planner", "core.diff"} <= core


def test_no_two_names_differ_only_by_an_ending() -> None:
    by_folder: dict[tuple[str, str], list[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        stem = _ENDINGS.sub("", path.stem)
        by_folder.setdefault((str(path.parent), stem), []).append(path.stem)
    assert sorted(sorted(names) for names in by_folder.values() if len(names) > 1) == []


def test_every_exception_class_lives_in_errors() -> None:
    strays = []
    for path in _modules():
        if _name(path) == "errors":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                getattr(base, "id", "").endswith(("Error", "Exception")) for base in node.bases
            ):
                strays.append(f"{_name(path)}.{node.name}")
    assert strays == []


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
    assert outside <= {"core.suffix", "reconciler.core.suffix"}
