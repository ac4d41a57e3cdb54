"""The check cache: `doiac validate` cold, warm, and against the yardstick, whole commands side by side.

On one generated corpus (BENCH_CACHE_FILES files, default 10,000), in turn for ROUNDS rounds:
`doiac validate --no-cache` (cold: every file parsed and checked), `doiac validate` with the cache
filled by an earlier run (warm: every file's bytes hashed, nothing parsed), and `bench/yardstick.py`
(PyYAML's C loader and jsonschema-rs in a plain loop, the scale issue's yardstick). Each run is a
whole process, interpreter start included; the figures are medians, and the ratios are taken
round by round so that a machine that drifts during the run moves both sides.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.corpus import write_corpus

COUNT = int(os.environ.get("BENCH_CACHE_FILES", "10000"))
ROUNDS = 3
PROJECT = Path(__file__).resolve().parents[1]


def _wall(command: list[str], cwd: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True, timeout=900)
    return time.perf_counter() - start


def run() -> dict[str, Any]:
    commands = {
        "cold": [sys.executable, "-m", "reconciler", "validate", "--no-cache"],
        "warm": [sys.executable, "-m", "reconciler", "validate"],
        "yardstick": [sys.executable, "-m", "bench.yardstick", "."],
    }
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_corpus(root, COUNT)
        fill = _wall(commands["warm"], root)  # the first cached run fills the cache
        walls: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(ROUNDS):
            for name, command in commands.items():
                walls[name].append(_wall(command, root))
    ratios = {
        "warm / cold": [w / c for w, c in zip(walls["warm"], walls["cold"], strict=True)],
        "cold / yardstick": [c / y for c, y in zip(walls["cold"], walls["yardstick"], strict=True)],
        "warm / yardstick": [w / y for w, y in zip(walls["warm"], walls["yardstick"], strict=True)],
    }
    return {
        "files": COUNT,
        "rounds": ROUNDS,
        "first cached run (fills the cache) s": round(fill, 3),
        "median wall s": {name: round(statistics.median(v), 3) for name, v in walls.items()},
        "median ratio": {name: round(statistics.median(v), 3) for name, v in ratios.items()},
    }


def markdown(result: dict[str, Any]) -> str:
    walls = result["median wall s"]
    ratios = result["median ratio"]
    lines = [
        f"`doiac validate`, {result['files']:,} files, whole process, median of {result['rounds']} rounds:",
        "",
        "| run | wall |",
        "|---|---|",
        f"| cold (`--no-cache`) | {walls['cold']:.2f} s |",
        f"| first cached run (fills the cache) | {result['first cached run (fills the cache) s']:.2f} s |",
        f"| warm | {walls['warm']:.2f} s |",
        f"| yardstick (PyYAML C + jsonschema-rs loop) | {walls['yardstick']:.2f} s |",
        "",
        ", ".join(f"{name}: **{value:.2f}×**" for name, value in ratios.items()),
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(run()))
