"""The plan over 10,000 DOIs of one repository account: requests sent, wall time, and a naive baseline.

The sandbox runs over a real loopback socket, seeded through `POST /_sandbox/seed` with the
records of `bench/corpus.py`; the desired records are those same files, read and validated by
`read_desired` as `doiac plan` reads them (setup here; bench_validate measures it). Then:

- a plan with no change, and a plan after 100 titles were changed through the API, each counted
  by the client (`DataCiteClient.requests`) and by the sandbox (`GET /_sandbox/stats`, which does
  not count its own admin calls), against the budget of one list page per 1,000 DOIs (+1 for the
  empty page after the last) plus one single read per changed DOI;
- their wall time with 0 ms and 50 ms of sandbox latency, side by side with a naive client that
  GETs every DOI singly with as many threads as `read_each` uses. At 50 ms that client needs
  ≥ 125 s for 10,000 DOIs, so it reads an evenly spread sample and its time is extrapolated
  linearly (BENCH_PLAN_BASELINE_SAMPLE=10000 measures it whole);
- where a plan's time goes without latency, and how much the process grows during one plan.
"""

from __future__ import annotations

import os
import resource
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.corpus import write_corpus
from reconciler.commands.validate import read_desired
from reconciler.config import load_config
from reconciler.core.compare import desired_form, is_in_sync, live_form
from reconciler.core.diff import diff_records
from reconciler.core.planner import confirmations, make_plan, replan
from reconciler.datacite import DataCiteClient, live_record, read_each, read_listed
from reconciler.model import Action, Config, DesiredRecord, Plan
from reconciler.sandbox import TOKEN_HEADER, Client, SandboxOptions, SandboxServer

COUNT = int(os.environ.get("BENCH_PLAN_DOIS", "10000"))
SAMPLE = min(COUNT, int(os.environ.get("BENCH_PLAN_BASELINE_SAMPLE", "1000")))
REPEATS = int(os.environ.get("BENCH_PLAN_REPEATS", "1"))
CHANGED = 100
LATENCY_MS = 50
WORKERS = 4
"""read_each's default number of single-read threads; the baseline gets the same."""
PAGE = 1000
"""DataCiteClient.list_dois's page size."""
REPOSITORY = "BENCH.REPO"
PASSWORD = "bench-secret"
SHOWN = 5
"""Unexpected re-reads or changes listed in the result, at most."""


@dataclass(frozen=True)
class _Run:
    plan: Plan
    read_live_seconds: float
    make_plan_seconds: float
    cpu_seconds: float
    """Process CPU time, the sandbox thread's included: less moved by other load than wall time."""
    client_requests: int
    sandbox_requests: dict[str, int]

    @property
    def seconds(self) -> float:
        return self.read_live_seconds + self.make_plan_seconds


class _Bench:
    """The sandbox's admin endpoints, the plan's client, and the config and desired records."""

    def __init__(
        self,
        url: str,
        admin: httpx.Client,
        client: DataCiteClient,
        config: Config,
        desired: list[DesiredRecord],
    ) -> None:
        self.url, self.admin, self.client, self.config, self.desired = url, admin, client, config, desired

    def stats(self) -> Counter[str]:
        response = self.admin.get("/_sandbox/stats")
        response.raise_for_status()
        return Counter(response.json()["requests"])

    def latency(self, ms: float) -> None:
        response = self.admin.post("/_sandbox/config", json={"latency_ms": ms})
        response.raise_for_status()
        assert response.json()["latency_ms"] == ms, response.json()

    def seed(self) -> None:
        for offset in range(0, len(self.desired), 1000):
            batch = [
                {
                    "doi": r.doi,
                    "state": r.state,
                    "client": REPOSITORY,
                    "attributes": r.attributes,
                    "url": r.url,
                }
                for r in self.desired[offset : offset + 1000]
            ]
            response = self.admin.post("/_sandbox/seed", json=batch)
            assert response.status_code == 200, response.text[:500]

    def plan(self) -> _Run:
        """One `doiac plan` as commands.plan.plan_live makes it, its reading and planning timed apart."""
        client_before, sandbox_before = self.client.requests, self.stats()
        clients = {REPOSITORY: self.client}
        cpu, start = time.process_time(), time.perf_counter()
        listed = read_listed(clients)
        t_list = time.perf_counter()
        first = make_plan(self.desired, listed, self.config)
        t_plan = time.perf_counter()
        fresh = read_each(clients, confirmations(first, self.desired), workers=WORKERS)
        t_read = time.perf_counter()
        plan = replan(first, self.desired, fresh, self.config)
        end = time.perf_counter()
        reading, planning = (t_list - start) + (t_read - t_plan), (t_plan - t_list) + (end - t_read)
        cpu = time.process_time() - cpu
        sandbox = self.stats() - sandbox_before
        requests = self.client.requests - client_before
        return _Run(plan, reading, planning, cpu, requests, dict(sorted(sandbox.items())))

    def plans(self) -> list[_Run]:
        return [self.plan() for _ in range(REPEATS)]

    def baseline(self, dois: Sequence[str]) -> tuple[float, int]:
        """A simple client: GET each DOI singly, WORKERS threads sharing one client, as read_each does."""
        with DataCiteClient(self.url, REPOSITORY, PASSWORD) as client:
            start = time.perf_counter()
            with ThreadPoolExecutor(WORKERS) as pool:
                items = list(pool.map(client.get, dois))
            found = [live_record(item) for item in items if item is not None]
            seconds = time.perf_counter() - start
            assert len(found) == len(dois), (len(found), len(dois))
            return seconds, client.requests

    def list_walk(self) -> float:
        start = time.perf_counter()
        listed = [live_record(item) for item in self.client.list_dois(client_id=REPOSITORY.lower())]
        seconds = time.perf_counter() - start
        assert len(listed) == len(self.desired), len(listed)
        return seconds

    def out_of_sync(self) -> list[str]:
        """Every desired DOI the list shows as different, with its first diffs: what plan re-reads singly."""
        listed = {r.doi: r for r in map(live_record, self.client.list_dois(client_id=REPOSITORY.lower()))}
        found = []
        for record in self.desired:
            live = listed.get(record.doi)
            if live is None:
                found.append(f"{record.doi}: not in the list")
            elif not is_in_sync(record, live):
                diffs = diff_records(live_form(live, desired_form(record)), desired_form(record))
                shown = [(d.pointer, d.before, d.after) for d in diffs][:3]
                found.append(f"{record.doi}: state {live.state} → {record.state}, {shown}")
        return found

    def change_titles(self, records: Sequence[DesiredRecord]) -> None:
        """What another DataCite client would do: PUT a new main title, leaving the rest as it is."""
        for record in records:
            titles = [dict(t) for t in record.attributes["titles"]]
            titles[0]["title"] = f"{titles[0]['title']} (revised)"
            status, body = self.client.update(record.doi, {"titles": titles})
            assert status == 200, (record.doi, body)


def _describe(changes: Sequence[Any]) -> list[str]:
    return [
        f"{c.doi} {c.action.value} {[(d.pointer, d.before, d.after) for d in c.diffs][:3]}" for c in changes
    ]


def _wrong_changes(plan: Plan, changed: Sequence[DesiredRecord]) -> list[str]:
    """Everything in the plan that is not exactly 'set the main title back' on a changed DOI."""
    expected = {r.doi for r in changed}
    wrong = [
        c
        for c in plan.changes
        if c.doi not in expected
        or c.action is not Action.UPDATE
        or [d.pointer for d in c.diffs] != ["/titles/0/title"]
    ]
    missing = sorted(expected - {c.doi for c in plan.changes})
    return [*(f"{doi}: no change planned" for doi in missing), *_describe(wrong)]


def _summary(runs: list[_Run], goal: int) -> dict[str, Any]:
    """Requests of the worst run: every run must keep to the budget."""
    client = max(r.client_requests for r in runs)
    sandbox = max(sum(r.sandbox_requests.values()) for r in runs)
    return {
        "requests_client": client,
        "requests_sandbox": sandbox,
        "sandbox_routes": runs[0].sandbox_requests,
        "goal_requests": goal,
        "goal_met": client <= goal and sandbox <= goal,
    }


def _seconds(runs: list[_Run]) -> float:
    return round(statistics.median(r.seconds for r in runs), 2)


def _cpu(runs: list[_Run]) -> float:
    return round(statistics.median(r.cpu_seconds for r in runs), 2)


def _max_rss_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)  # KiB on Linux


def run() -> dict[str, Any]:
    assert COUNT >= CHANGED, f"BENCH_PLAN_DOIS must be at least {CHANGED}"
    list_requests = -(-COUNT // PAGE) + 1  # the page after the last full one comes back empty
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        old = os.getcwd()
        start = time.perf_counter()
        config_path = write_corpus(root, COUNT)
        t_write = time.perf_counter() - start
        os.chdir(root)
        try:
            config = load_config(config_path)
            start = time.perf_counter()
            read = read_desired(config)
            t_read = time.perf_counter() - start
            assert read.errors == 0, read.diagnostics[:3]
            desired = list(read.records)
            assert len(desired) == COUNT, len(desired)
            account = Client(REPOSITORY, PASSWORD, ("10.80000",), ("data.example.org",))
            with (
                SandboxServer(root / "sandbox.sqlite", SandboxOptions(repositories=[account])) as server,
                httpx.Client(
                    base_url=server.url, headers={TOKEN_HEADER: server.admin_token}, timeout=600
                ) as admin,
                DataCiteClient(server.url, REPOSITORY, PASSWORD) as client,
            ):
                bench = _Bench(server.url, admin, client, config, desired)
                start = time.perf_counter()
                bench.seed()
                t_seed = time.perf_counter() - start
                sample = [r.doi for r in desired[:: COUNT // SAMPLE][:SAMPLE]]
                changed = desired[:: COUNT // CHANGED][:CHANGED]

                bench.latency(0)
                rss_before = _max_rss_mb()
                same_0 = bench.plans()
                rss_after = _max_rss_mb()
                t_list = bench.list_walk()
                base_0, base_requests = bench.baseline(sample)
                bench.latency(LATENCY_MS)
                same_50 = bench.plans()
                base_50, _ = bench.baseline(sample)
                bench.latency(0)
                bench.change_titles(changed)
                bench.latency(LATENCY_MS)
                diff_50 = bench.plans()
                bench.latency(0)
                diff_0 = bench.plans()
                rereads = sum(r.sandbox_requests.get("GET /dois/{doi}", 0) for r in same_0 + same_50)
                # Only when the no-change plan re-read DOIs: name them and say how they differ.
                out_of_sync = bench.out_of_sync() if rereads else []
        finally:
            os.chdir(old)
    counts = {len(r.plan.changes) for r in diff_0 + diff_50}
    wrong = [w for r in diff_0 + diff_50 for w in _wrong_changes(r.plan, changed)]
    assert counts == {CHANGED}, (counts, wrong[:SHOWN])
    unexpected = [c for r in same_0 + same_50 for c in _describe(r.plan.changes)]
    scale = COUNT / SAMPLE
    baseline = {
        "sample": SAMPLE,
        "extrapolated": SAMPLE < COUNT,
        "requests": round(base_requests * scale),
        "sample_seconds_0ms": round(base_0, 2),
        "sample_seconds_50ms": round(base_50, 2),
        "seconds_0ms": round(base_0 * scale, 1),
        "seconds_50ms": round(base_50 * scale, 1),
    }
    no_change = {
        **_summary(same_0 + same_50, list_requests),
        "seconds_0ms": _seconds(same_0),
        "seconds_50ms": _seconds(same_50),
        "cpu_seconds_0ms": _cpu(same_0),
        "cpu_seconds_50ms": _cpu(same_50),
        "unexpected_changes": len(unexpected),
        "unexpected_changes_shown": unexpected[:SHOWN],
        "out_of_sync_in_list": len(out_of_sync),
        "out_of_sync_shown": out_of_sync[:SHOWN],
    }
    with_changes = {
        **_summary(diff_0 + diff_50, list_requests + CHANGED),
        "changes": CHANGED,
        "seconds_0ms": _seconds(diff_0),
        "seconds_50ms": _seconds(diff_50),
        "cpu_seconds_0ms": _cpu(diff_0),
        "cpu_seconds_50ms": _cpu(diff_50),
        "wrong_changes": len(wrong),
        "wrong_changes_shown": wrong[:SHOWN],
    }
    read_live_0 = statistics.median(r.read_live_seconds for r in same_0)
    return {
        "dois": COUNT,
        "desired": "read_desired over bench/corpus.py files (setup, outside the plan's time)",
        "workers": WORKERS,
        "latency_ms": LATENCY_MS,
        "repeats": REPEATS,
        "setup_seconds": {
            "write files": round(t_write, 1),
            "read_desired": round(t_read, 1),
            "seed": round(t_seed, 1),
        },
        "no_change": no_change,
        "changed": with_changes,
        "baseline": baseline,
        "ratio_baseline_to_plan": {
            "no change, 0 ms": round(baseline["seconds_0ms"] / no_change["seconds_0ms"], 1),
            "no change, 50 ms": round(baseline["seconds_50ms"] / no_change["seconds_50ms"], 1),
            f"{CHANGED} changed, 0 ms": round(baseline["seconds_0ms"] / with_changes["seconds_0ms"], 1),
            f"{CHANGED} changed, 50 ms": round(baseline["seconds_50ms"] / with_changes["seconds_50ms"], 1),
        },
        "no_change_0ms_seconds": {
            "list walk (GET /dois pages, JSON, LiveRecords)": round(t_list, 2),
            "reading singly (rest of reading)": round(max(0.0, read_live_0 - t_list), 2),
            "make_plan + replan": round(statistics.median(r.make_plan_seconds for r in same_0), 2),
        },
        "max_rss_mb": {
            "before the first plan": rss_before,
            "after it": rss_after,
            "at the end": _max_rss_mb(),
        },
    }


def _verdict(summary: dict[str, Any]) -> str:
    used = f"client {summary['requests_client']}, sandbox {summary['requests_sandbox']} requests"
    if summary["goal_met"]:
        return f"{used} (goal ≤ {summary['goal_requests']}: met)"
    return f"{used} — FAIL: goal ≤ {summary['goal_requests']} missed, {summary['sandbox_routes']}"


def _times(summary: dict[str, Any], latency: int) -> str:
    return (
        f"{summary['seconds_0ms']} s at 0 ms, {summary['seconds_50ms']} s at {latency} ms "
        f"(process CPU {summary['cpu_seconds_0ms']} s, {summary['cpu_seconds_50ms']} s)"
    )


def markdown(result: dict[str, Any]) -> str:
    same, diff, base = result["no_change"], result["changed"], result["baseline"]
    latency, rss = result["latency_ms"], result["max_rss_mb"]
    how = (
        f"EXTRAPOLATED ×{result['dois'] / base['sample']:g} from {base['sample']:,} DOIs read singly "
        f"({base['sample_seconds_0ms']} s at 0 ms, {base['sample_seconds_50ms']} s at {latency} ms)"
        if base["extrapolated"]
        else "measured over every DOI"
    )
    lines = [
        f"- {result['dois']:,} DOIs; {result['workers']} single-read threads for the plan and the baseline; "
        f"median of {result['repeats']} plan(s) each",
        f"- plan, no change: {_verdict(same)}; {_times(same, latency)}",
        f"- plan, {diff['changes']} DOIs changed: {_verdict(diff)}; {diff['changes']} changes; "
        f"{_times(diff, latency)}",
        f"- naive baseline, one GET per DOI ({base['requests']:,} requests, {how}): "
        f"{base['seconds_0ms']} s at 0 ms, {base['seconds_50ms']} s at {latency} ms",
        "- baseline time / plan time: "
        + ", ".join(f"{k} ×{v}" for k, v in result["ratio_baseline_to_plan"].items()),
        "- no-change plan at 0 ms: "
        + ", ".join(f"{k} {v} s" for k, v in result["no_change_0ms_seconds"].items()),
        f"- max RSS of the process (sandbox thread included): {rss['before the first plan']} MB before the "
        f"first plan, {rss['after it']} MB after it",
    ]
    if same["unexpected_changes"] or same["out_of_sync_in_list"]:
        lines.append(
            f"- FAIL: the no-change plan is not empty: {same['unexpected_changes']} changes "
            f"{same['unexpected_changes_shown']}; {same['out_of_sync_in_list']} DOIs re-read "
            f"{same['out_of_sync_shown']}"
        )
    if diff["wrong_changes"]:
        lines.append(
            f"- FAIL: unexpected changes in the {diff['changes']}-change plan: {diff['wrong_changes_shown']}"
        )
    return "\n".join(lines)
