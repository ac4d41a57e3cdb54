"""Whole commands at scale: `doiac validate` and `doiac plan`, cold and warm, against two baselines.

For each size N in BENCH_SCALE_SIZES (comma-separated, default "1000,10000"), `bench/scale.py`
prepares N generated DOI files and a sandbox seeded with the same records (so a plan has nothing
to change), serves it on loopback in its own process with no added latency, and runs, each once
as a whole child process (interpreter start included):

- `doiac validate --no-cache` (cold: every file parsed and checked) and `doiac validate` (warm:
  after one unmeasured run that fills the check cache);
- `doiac plan --no-cache` and `doiac plan` (likewise, after one unmeasured filling run);
- `bench/yardstick.py`, PyYAML's C loader and jsonschema-rs in a plain loop, held against validate;
- `bench/naive_datacite.py`, one GET per DOI in turn with the PyPI `datacite` client and a naive
  compare: what a user without doiac would write, held against plan.

Each gets its wall time, its CPU time (user + system) and its peak RSS, the last two from
`os.wait4` on that command's process (spawned from a small launcher, see `LAUNCHER`), and the
number of requests the sandbox counted while it ran. doiac checks many files in worker processes
(one per CPU): a command's CPU time includes its workers', and its peak RSS is that of its largest
process, not their sum. The ratios are of wall times from the same run. Every command must exit 0
(a plan with no changes does), or the benchmark stops with its output. Run it with:

    BENCH_SCALE_SIZES=1000,10000,50000,100000 python bench/run.py scale
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.scale import PASSWORD, TOKEN, _serve, _wait, prepare
from reconciler.sandbox import TOKEN_HEADER

PROJECT = Path(__file__).resolve().parents[1]
TIMEOUT_S = 3600
"""A command still running after this long is killed, and the benchmark fails."""
LAUNCHER = """\
import os, sys, time
report, argv = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.posix_spawn(argv[0], argv, os.environ)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
code = os.waitstatus_to_exitcode(status)
with open(report, "w") as file:
    file.write(f"{code} {wall} {usage.ru_utime + usage.ru_stime} {usage.ru_maxrss}")
sys.exit(1 if code else 0)
"""
"""Runs the command (argv[2:]) and writes its exit code, wall, CPU and peak RSS to argv[1].

On Linux a child's ru_maxrss starts at the resident size of the process that spawned it (exec
keeps the old image's high-water mark), so a command spawned straight from this benchmark would
show this process's size, some 70 MiB, as its floor. The launcher is a bare `python -S` of about
8 MiB, which is then the floor; every command measured here peaks well above it."""
_DOIAC = [sys.executable, "-m", "reconciler"]
COMMANDS: dict[str, list[str]] = {
    "validate cold": [*_DOIAC, "validate", "--no-cache"],
    "validate warm": [*_DOIAC, "validate"],
    "plan cold": [*_DOIAC, "plan", "--no-cache"],
    "plan warm": [*_DOIAC, "plan"],
    "yardstick": [sys.executable, "-m", "bench.yardstick", "."],
    "naive datacite": [sys.executable, "-m", "bench.naive_datacite", "."],
}
FILLED_FIRST = {"validate warm", "plan warm"}
"""Measured after one unmeasured run of the same command, which fills the check cache."""
LABELS = {
    "validate cold": "`doiac validate --no-cache`",
    "validate warm": "`doiac validate` (warm)",
    "plan cold": "`doiac plan --no-cache`",
    "plan warm": "`doiac plan` (warm)",
    "yardstick": "yardstick (PyYAML C + jsonschema-rs loop)",
    "naive datacite": "naive plan (PyPI `datacite`, one GET per DOI)",
}
RATIOS = {
    "validate warm / cold": ("validate warm", "validate cold"),
    "plan warm / cold": ("plan warm", "plan cold"),
    "validate cold / yardstick": ("validate cold", "yardstick"),
    "validate warm / yardstick": ("validate warm", "yardstick"),
    "plan cold / naive": ("plan cold", "naive datacite"),
    "plan warm / naive": ("plan warm", "naive datacite"),
}


def _sizes() -> list[int]:
    text = os.environ.get("BENCH_SCALE_SIZES", "1000,10000")
    return [int(part) for part in text.split(",") if part.strip()]


def _env(root: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(PROJECT),
        "BENCH_PASSWORD": PASSWORD,
        "XDG_CACHE_HOME": str(root.parent / "xdg-cache"),  # the check cache's key, kept out of $HOME
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
    }


def _requests(admin: httpx.Client) -> int:
    response = admin.get("/_sandbox/stats")
    response.raise_for_status()
    total: int = response.json()["total"]
    return total


def _measure(command: list[str], root: Path, admin: httpx.Client) -> dict[str, Any]:
    """Run command in root as one child; its wall, CPU, peak RSS and the sandbox requests it made."""
    before = _requests(admin)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        report = root.parent / "usage"
        launcher = [sys.executable, "-S", "-c", LAUNCHER, str(report), *command]
        child = subprocess.Popen(
            launcher, cwd=root, env=_env(root), stdout=out, stderr=err, start_new_session=True
        )
        try:
            child.wait(TIMEOUT_S)
        finally:
            if child.returncode is None:
                os.killpg(child.pid, signal.SIGKILL)  # the launcher and the command under it
                child.wait()
        usage = report.read_text().split() if report.exists() else []
        report.unlink(missing_ok=True)
        if child.returncode != 0 or len(usage) != 4:
            out.seek(0)
            err.seek(0)
            stdout = out.read().decode(errors="replace")[-2000:]
            stderr = err.read().decode(errors="replace")
            raise RuntimeError(
                f"{' '.join(command[1:])} in {root} exited {usage[0] if usage else child.returncode}\n"
                f"stderr:\n{stderr}\nstdout (end):\n{stdout}"
            )
    wall, cpu, maxrss = float(usage[1]), float(usage[2]), int(usage[3])
    return {
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu, 3),
        "peak_mib": round(maxrss / 1024, 1),  # ru_maxrss is in KiB on Linux
        "requests": _requests(admin) - before,
    }


def _one_size(count: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix=f"bench-scale-{count}-") as tmp:
        root = Path(tmp) / "repo"  # beside it: the launcher's report and $XDG_CACHE_HOME
        start = time.perf_counter()
        prepare(root, count)
        prepared = time.perf_counter() - start
        url = f"http://127.0.0.1:{(root / 'port').read_text().strip()}"
        server = _serve(root)
        try:
            _wait(url)
            with httpx.Client(
                base_url=url, headers={TOKEN_HEADER: TOKEN}, timeout=60, trust_env=False
            ) as admin:
                admin.post("/_sandbox/config", json={"latency_ms": 0}).raise_for_status()
                commands: dict[str, dict[str, Any]] = {}
                for name, command in COMMANDS.items():
                    if name in FILLED_FIRST:
                        _measure(command, root, admin)
                    commands[name] = _measure(command, root, admin)
        finally:
            server.terminate()
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    ratios = {
        name: round(commands[top]["wall_s"] / commands[bottom]["wall_s"], 3)
        for name, (top, bottom) in RATIOS.items()
    }
    return {"prepare_s": round(prepared, 1), "commands": commands, "wall ratios": ratios}


def run() -> dict[str, Any]:
    return {"sizes": {str(count): _one_size(count) for count in _sizes()}}


def markdown(result: dict[str, Any]) -> str:
    lines: list[str] = []
    for size, figures in result["sizes"].items():
        lines += [
            f"{int(size):,} DOI files, seeded loopback sandbox (latency 0), one run each, whole processes:",
            "",
            "| command | wall | CPU | peak MiB | requests |",
            "|---|---|---|---|---|",
        ]
        for name, m in figures["commands"].items():
            lines.append(
                f"| {LABELS.get(name, name)} | {m['wall_s']:.2f} s | {m['cpu_s']:.2f} s "
                f"| {m['peak_mib']:.0f} | {m['requests']:,} |"
            )
        ratios = ", ".join(f"{name}: **{value:.2f}×**" for name, value in figures["wall ratios"].items())
        lines += ["", f"Wall ratios: {ratios}", ""]
    return "\n".join(lines).rstrip("\n")


if __name__ == "__main__":
    print(markdown(run()))
