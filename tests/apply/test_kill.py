"""An apply killed with SIGKILL in the middle, then applied again: converged, nothing lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from reconciler.cli import main
from reconciler.sandbox import SandboxOptions, SandboxServer

from ..conftest import Repo
from ..helpers.sandbox_admin import admin
from . import ACCOUNT, PASSWORD, creates, held_dois, point_at, report_lines, write_dois

COUNT = 100
KILL_AFTER = 5
"""Report lines to wait for before the kill: the apply is well under way, and far from done."""


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    # 30 ms a request: 100 DOIs take a couple of seconds to apply, time enough to kill in the middle.
    options = SandboxOptions(latency_ms=30, repositories=[ACCOUNT])
    with SandboxServer(tmp_path / "sandbox.sqlite", options) as server:
        yield server


def _wait_for_lines(process: subprocess.Popen[bytes], report: Path, count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"apply ended (exit {process.returncode}) before {count} report lines were written")
        if report.exists() and report.read_bytes().count(b"\n") >= count:
            return
        time.sleep(0.01)
    pytest.fail(f"no {count} report lines within {timeout} s")


def test_apply_killed_midway_then_applied_again_converges(
    repo: Repo, sandbox: SandboxServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATACITE_PASSWORD", PASSWORD)
    states = write_dois(repo, COUNT, seed=3)
    point_at(repo, sandbox.url, max_one_way=COUNT)
    report = repo.root / "r.jsonl"
    with (repo.root / "first.out").open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "reconciler", "apply", "--auto-approve", "--report", "r.jsonl"],
            cwd=repo.root, env={**os.environ, "NO_COLOR": "1"},
            stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            _wait_for_lines(process, report, KILL_AFTER, timeout=60)
            process.send_signal(signal.SIGKILL)
            assert process.wait(timeout=10) == -signal.SIGKILL
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)

    # Every line flushed before the kill survives whole.
    before = report_lines(report)
    assert KILL_AFTER <= len(before) < COUNT, "the kill did not land in the middle of the apply"
    assert {line["outcome"] for line in before} == {"done"}
    assert len({line["doi"] for line in before}) == len(before)

    httpx.post(f"{sandbox.url}/_sandbox/config", json={"latency_ms": 0}, headers=admin(sandbox), timeout=10)
    code = main(["apply", "--auto-approve", "--report", "r.jsonl"])
    out, err = capsys.readouterr()
    assert code == 0, out[-2000:] + err
    assert main(["plan", "--detailed-exitcode"]) == 0, capsys.readouterr().out[-2000:]

    lines = report_lines(report)
    assert lines[: len(before)] == before
    again = [line["doi"] for line in lines[len(before) :]]
    assert len(set(again)) == len(again)
    assert not set(again) & {line["doi"] for line in before}, "a DOI done before the kill was applied again"
    assert {line["outcome"] for line in lines} == {"done"}
    assert held_dois(sandbox) == dict.fromkeys(states, ACCOUNT.id)
    assert {doi: creates(sandbox, doi) for doi in states} == dict.fromkeys(states, 1)
