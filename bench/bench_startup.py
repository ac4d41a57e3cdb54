"""Start-up: `doiac --help` and `doiac validate` on a few files, whole processes side by side.

On a copy of the example repository (`doiac.yaml`, `dois/`, 9 files), in turn for ROUNDS rounds:
the bare interpreter (`python -c pass`, the floor no Python tool goes under), `doiac --help`,
`doiac validate` with its cache filled by an earlier run (what the pre-commit hook pays on a
commit that touches a few files), `doiac validate --no-cache` (every file parsed and checked), and
`check-jsonschema` over the same files with doiac's DOI file schema (schema only: no YAML
positions, identifiers or cross-file rules). The issue's goal is 0.2 s for the first two doiac
runs. Each figure is a median; ratios to check-jsonschema are taken round by round. CPU time and
peak resident memory are the child's own (`os.wait4`).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.bench_scale import LAUNCHER

ROUNDS = int(os.environ.get("BENCH_STARTUP_ROUNDS", "15"))
PROJECT = Path(__file__).resolve().parents[1]
CHECK_JSONSCHEMA = Path(sys.executable).with_name("check-jsonschema")


def _commands(root: Path) -> dict[str, list[str]]:
    files = sorted(str(path) for path in (root / "dois").rglob("*.yaml"))
    schema = str(PROJECT / "schemas" / "doi-file.schema.json")
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "doiac --help": [sys.executable, "-m", "reconciler", "--help"],
        "doiac validate (warm)": [sys.executable, "-m", "reconciler", "validate"],
        "doiac validate --no-cache": [sys.executable, "-m", "reconciler", "validate", "--no-cache"],
        "check-jsonschema": [str(CHECK_JSONSCHEMA), "--schemafile", schema, *files],
    }


def _measure(command: list[str], cwd: Path) -> tuple[float, float, float]:
    """Wall s, CPU s and peak resident MiB of one whole run, which must succeed.

    Spawned from bench_scale's small launcher, so that the peak is the command's own and not
    this process's size (exec keeps the spawner's high-water mark)."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "usage"
        launcher = [sys.executable, "-S", "-c", LAUNCHER, str(report), *command]
        subprocess.run(launcher, cwd=cwd, env=env, capture_output=True, check=True, timeout=120)
        _, wall, cpu, maxrss = report.read_text().split()
    return float(wall), float(cpu), int(maxrss) / 1024


def run() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(PROJECT / "dois", root / "dois")
        shutil.copy(PROJECT / "doiac.yaml", root / "doiac.yaml")
        commands = _commands(root)
        _measure(commands["doiac validate (warm)"], root)  # fills the cache
        runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in commands}
        for _ in range(ROUNDS):
            for name, command in commands.items():
                runs[name].append(_measure(command, root))
    baseline = [wall for wall, _, _ in runs["check-jsonschema"]]
    return {
        "rounds": ROUNDS,
        "files": len(commands["check-jsonschema"]) - 3,
        "median": {
            name: {
                "wall s": round(statistics.median(r[0] for r in values), 3),
                "cpu s": round(statistics.median(r[1] for r in values), 3),
                "peak MiB": round(statistics.median(r[2] for r in values), 1),
                "/ check-jsonschema": round(
                    statistics.median(r[0] / b for r, b in zip(values, baseline, strict=True)), 2
                ),
            }
            for name, values in runs.items()
        },
    }


def markdown(result: dict[str, Any]) -> str:
    lines = [
        f"Start-up, {result['files']} example files, whole process, median of {result['rounds']} rounds:",
        "",
        "| command | wall | CPU | peak RSS | wall / check-jsonschema |",
        "|---|---|---|---|---|",
    ]
    for name, row in result["median"].items():
        lines.append(
            f"| `{name}` | {row['wall s']:.3f} s | {row['cpu s']:.3f} s | {row['peak MiB']:.1f} MiB"
            f" | {row['/ check-jsonschema']:.2f}× |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(run()))
