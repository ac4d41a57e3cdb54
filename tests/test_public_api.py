from __future__ import annotations

import shutil
import subprocess
import sys
import types
from pathlib import Path

import reconciler


def test_all_is_sorted_and_complete() -> None:
    assert reconciler.__all__ == sorted(reconciler.__all__)
    # Submodules become attributes of the package once imported; they are not its API.
    public = {
        name
        for name, value in vars(reconciler).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    # Names whose modules load on first use are public too, before and after that first use.
    public |= set(reconciler._LAZY)
    assert public == set(reconciler.__all__) - {"__version__"}


def test_importing_the_package_loads_no_heavy_module() -> None:
    """`import reconciler` (and `doiac --help`) must not pay for httpx, jsonschema or the sandbox."""
    code = (
        "import sys, reconciler, reconciler.cli; heavy = ('httpx', 'jsonschema', 'language_tags', 'starlette',"
        " 'lxml', 'idutils', 'pycountry', 'reconciler.sandbox.app'); print(sorted(m for m in heavy if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"
    lazy = subprocess.run(
        [sys.executable, "-c", "import reconciler; print(reconciler.read_desired.__module__)"],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    assert lazy.stdout.strip() == "reconciler.commands.validate"


def test_validating_a_few_cached_files_loads_no_heavy_module(tmp_path: Path) -> None:
    """A warm `doiac validate` runs on a start-up budget (0.2 s): no pydantic (typer 0.28 and later
    import it on every run), no jsonschema, idutils or httpx; the cached answers stand in for them."""
    example = Path(__file__).resolve().parents[1]
    shutil.copytree(example / "dois", tmp_path / "dois")
    shutil.copy(example / "doiac.yaml", tmp_path / "doiac.yaml")
    code = (
        "import sys; from reconciler.cli import main; code = main(['validate']);"
        " heavy = ('pydantic', 'httpx', 'jsonschema', 'idutils', 'reconciler.sandbox.app');"
        " print(code, sorted(m for m in heavy if m in sys.modules), file=sys.stderr)"
    )
    cold = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True, timeout=60
    )
    assert cold.stderr.strip().splitlines()[-1].startswith("0 [")
    assert "idutils" in cold.stderr  # the first run checked identifiers: the probe sees imports
    warm = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True, timeout=60
    )
    assert warm.stderr.strip().splitlines()[-1] == "0 []"


def test_every_name_in_all_exists() -> None:
    for name in reconciler.__all__:
        assert hasattr(reconciler, name), name
