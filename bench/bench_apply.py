"""An apply of 1,000 updates under DataCite's rate budget, scaled down: share of it used, and 429s.

DataCite allows 3,000 requests per 5 minutes per caller; here the sandbox allows 300 per 10 s
(`POST /_sandbox/config {"rate_limit": "300/10"}`, a rolling window answering 429 with
`Retry-After`), and the client's budget is scaled down with it: `RateBudget(300, window=10)`, the
bucket `planning.connect` builds for DataCite's 3,000 per 300 s with both numbers divided by 30.
(Scaling the count alone, `RateBudget(9000)` per 300 s, would keep a one-second burst that is a
tenth of the sandbox's 10-second window instead of 1/300 of DataCite's.)

Each configuration gets its own sandbox over a real loopback socket, seeded through
`POST /_sandbox/seed` with the records of `bench/corpus.py` whose main title is changed, so that
the desired records (the files, read by `read_desired` as `doiac plan` reads them) plan as one
update of `/titles/0/title` per DOI. The plan is made before the rate limit is switched on; then
`apply_plan` runs it with 4 workers (one PUT per DOI, its answer the read-back) and a plan afterwards
must be empty.

Every attempt goes through a recording transport: (thread, method, path, status, time). A
logical request is one call of the client: its attempts on one thread, in a row, on the same
method and path, each after a retryable answer. Requests are also counted by the client
(`DataCiteClient.requests`) and by the sandbox (`GET /_sandbox/stats`, which counts 429s too).
Goals: accepted requests per second ≥ 90 % of the budget, and no logical request answered 429
more than once. Beside it, the same apply with no budget at all (DEFAULT_RETRY, honouring
`Retry-After`), to show what the budget saves.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.corpus import write_corpus
from reconciler.applier import apply_plan
from reconciler.commands.plan import plan_live
from reconciler.commands.validate import read_desired
from reconciler.config import load_config
from reconciler.datacite import RETRYABLE, DataCiteClient
from reconciler.model import Action, Config, DesiredRecord, Plan
from reconciler.pacing import DEFAULT_RETRY, WINDOW_SECONDS, RateBudget
from reconciler.sandbox import TOKEN_HEADER, Client, SandboxOptions, SandboxServer

COUNT = int(os.environ.get("BENCH_APPLY_DOIS", "1000"))
UNBUDGETED = min(COUNT, int(os.environ.get("BENCH_APPLY_UNBUDGETED_DOIS", str(COUNT))))
"""Updates for the comparison without a budget (the same number unless cut to save time)."""
LIMIT = (300, 10.0)
"""The sandbox's rate limit: 300 requests per rolling 10 s, DataCite's 3,000 per 5 min scaled down."""
BUDGET = round(LIMIT[0] * WINDOW_SECONDS / LIMIT[1])
"""The same rate as `limits.rate` (requests per 5 minutes): 9,000."""
WORKERS = 4
"""apply_plan's default."""
GOAL_SHARE = 0.90
GOAL_429_PER_REQUEST = 1
REPOSITORY = "BENCH.REPO"
PASSWORD = "bench-secret"
SHOWN = 40
"""Moments of 429s listed in the result, at most."""
SLICE = 10.0
"""Seconds per row of the timeline: one window of the sandbox's limit."""


@dataclass(frozen=True)
class _Attempt:
    thread: int
    method: str
    path: str
    status: int | None
    """None: a transport error."""
    start: float
    retry_after: str | None


class _Recorder(httpx.HTTPTransport):
    """httpx's transport, noting every attempt that goes through it."""

    def __init__(self) -> None:
        super().__init__()
        self.attempts: list[_Attempt] = []
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        start = time.monotonic()
        status: int | None = None
        retry_after = None
        try:
            response = super().handle_request(request)
            status, retry_after = response.status_code, response.headers.get("retry-after")
            return response
        finally:
            attempt = _Attempt(
                threading.get_ident(), request.method, request.url.path, status, start, retry_after
            )
            with self._lock:
                self.attempts.append(attempt)


def _logical(attempts: Sequence[_Attempt], tries: int) -> list[list[_Attempt]]:
    """Attempts grouped into the client calls that made them (see the module's docstring)."""
    open_calls: dict[int, list[_Attempt]] = {}
    calls: list[list[_Attempt]] = []
    for attempt in sorted(attempts, key=lambda a: a.start):
        current = open_calls.get(attempt.thread)
        last = current[-1] if current else None
        if (
            current is not None
            and last is not None
            and (last.method, last.path) == (attempt.method, attempt.path)
            and (last.status is None or last.status in RETRYABLE)
            and len(current) < tries
        ):
            current.append(attempt)
        else:
            current = [attempt]
            open_calls[attempt.thread] = current
            calls.append(current)
    return calls


def _max_in_window(times: Sequence[float], window: float) -> int:
    ordered, best, first = sorted(times), 0, 0
    for last, moment in enumerate(ordered):
        while ordered[first] <= moment - window:
            first += 1
        best = max(best, last - first + 1)
    return best


class _Sandbox:
    """One sandbox with the seeded DOIs, its admin endpoints, and the desired records."""

    def __init__(self, server: SandboxServer, admin: httpx.Client, config: Config) -> None:
        self.server, self.admin, self.config = server, admin, config

    def stats(self) -> Counter[str]:
        response = self.admin.get("/_sandbox/stats")
        response.raise_for_status()
        return Counter(response.json()["requests"])

    def limit(self, rate: str | None) -> None:
        # Setting the limit also empties the sandbox's window: the apply starts with a full one.
        response = self.admin.post("/_sandbox/config", json={"rate_limit": rate})
        response.raise_for_status()
        assert response.json()["rate_limit"] == rate, response.json()

    def seed(self, desired: Sequence[DesiredRecord]) -> None:
        """The desired records as they were before: each with another main title."""
        for offset in range(0, len(desired), 1000):
            batch = []
            for r in desired[offset : offset + 1000]:
                titles = [dict(t) for t in r.attributes["titles"]]
                titles[0]["title"] = f"{titles[0]['title']} (draft title)"
                attributes = {**r.attributes, "titles": titles}
                batch.append(
                    {
                        "doi": r.doi,
                        "state": r.state,
                        "client": REPOSITORY,
                        "attributes": attributes,
                        "url": r.url,
                    }
                )
            response = self.admin.post("/_sandbox/seed", json=batch)
            assert response.status_code == 200, response.text[:500]

    def client(
        self, budget: RateBudget | None, transport: httpx.BaseTransport | None = None
    ) -> DataCiteClient:
        # As planning.connect builds it; the transport is the bench's only addition.
        return DataCiteClient(
            self.server.url,
            REPOSITORY,
            PASSWORD,
            budget=budget,
            mailto=self.config.mailto,
            transport=transport,
        )

    def plan(self, client: DataCiteClient, desired: Sequence[DesiredRecord]) -> Plan:
        """As `doiac plan` makes it: the list, then single reads of what differs."""
        return plan_live({REPOSITORY: client}, desired, self.config)


def _wrong(plan: Plan, desired: Sequence[DesiredRecord]) -> list[str]:
    """Anything in the plan other than one update of the main title per desired DOI."""
    wrong = [
        f"{c.doi} {c.action.value} {[d.pointer for d in c.diffs]}"
        for c in plan.changes
        if c.action is not Action.UPDATE or [d.pointer for d in c.diffs] != ["/titles/0/title"]
    ]
    missing = {r.doi for r in desired} - {c.doi for c in plan.changes}
    return [*(f"{doi}: no change planned" for doi in sorted(missing)), *wrong, *map(str, plan.problems)]


def _timeline(attempts: Sequence[_Attempt], start: float) -> list[dict[str, int]]:
    rows: list[dict[str, int]] = []
    for attempt in attempts:
        slot = int((attempt.start - start) // SLICE)
        while len(rows) <= slot:
            rows.append({"from_s": round(len(rows) * SLICE), "accepted": 0, "429": 0})
        rows[slot]["429" if attempt.status == 429 else "accepted"] += 1
    return rows


def _configuration(
    root: Path, config: Config, desired: Sequence[DesiredRecord], budget: int | None
) -> dict[str, Any]:
    """Seed, plan, limit the rate, apply with or without the budget, plan again."""
    account = Client(REPOSITORY, PASSWORD, ("10.80000",), ("data.example.org",))
    name = f"sandbox-{budget or 'none'}.sqlite"
    with (
        SandboxServer(root / name, SandboxOptions(repositories=[account])) as server,
        httpx.Client(base_url=server.url, headers={TOKEN_HEADER: server.admin_token}, timeout=600) as admin,
    ):
        sandbox = _Sandbox(server, admin, config)
        sandbox.seed(desired)
        with sandbox.client(None) as planner:
            plan = sandbox.plan(planner, desired)
        wrong = _wrong(plan, desired)
        assert (len(plan.changes), wrong[:5]) == (len(desired), [])
        records = {r.doi: r for r in desired}

        sandbox.limit(f"{LIMIT[0]}/{LIMIT[1]:g}")
        recorder = _Recorder()
        rate_budget = RateBudget(LIMIT[0], window=LIMIT[1]) if budget else None
        with sandbox.client(rate_budget, recorder) as client:
            before = sandbox.stats()
            start = time.monotonic()
            report = apply_plan(plan, records, {REPOSITORY: client}, workers=WORKERS)
            seconds = time.monotonic() - start
            sandbox_requests = sandbox.stats() - before
            client_requests = client.requests
            attempts = list(recorder.attempts)
            again = sandbox.plan(client, desired)
            again_requests = client.requests - client_requests

    calls = _logical(attempts, DEFAULT_RETRY.attempts)
    per_call = Counter(sum(a.status == 429 for a in call) for call in calls)
    accepted = [a for a in attempts if a.status is not None and a.status != 429]
    limited = [a for a in attempts if a.status == 429]
    rate = len(accepted) / seconds
    budget_rate = LIMIT[0] / LIMIT[1]
    return {
        "updates": len(desired),
        "budget_per_5min": budget,
        "apply_seconds": round(seconds, 1),
        "outcomes": dict(Counter(o.status for o in report.outcomes)),
        "failures_shown": [o.message for o in report.outcomes if not o.ok][:3],
        "requests_client": client_requests,
        "requests_sandbox": sum(sandbox_requests.values()),
        "requests_recorded": len(attempts),
        "sandbox_routes": dict(sorted(sandbox_requests.items())),
        "accepted": len(accepted),
        "rate_limited": len(limited),
        "transport_errors": sum(a.status is None for a in attempts),
        "retry_after_seconds": dict(sorted(Counter(a.retry_after or "none" for a in limited).items())),
        "logical_requests": len(calls),
        "logical_by_429s": {str(k): per_call[k] for k in sorted(per_call)},
        "max_429_per_logical": max(per_call),
        "gave_up": sum(
            len(c) == DEFAULT_RETRY.attempts and (c[-1].status is None or c[-1].status in RETRYABLE)
            for c in calls
        ),
        "accepted_per_second": round(rate, 2),
        "budget_per_second": budget_rate,
        "share_of_budget": round(rate / budget_rate, 3),
        "max_accepted_in_10s": _max_in_window([a.start for a in accepted], LIMIT[1]),
        "max_accepted_in_1s": _max_in_window([a.start for a in accepted], 1.0),
        "sent_in_first_10s": sum(a.start - start < LIMIT[1] for a in attempts),
        "rate_limited_at_s": [round(a.start - start, 2) for a in sorted(limited, key=lambda a: a.start)][
            :SHOWN
        ],
        "timeline": _timeline(attempts, start),
        "following_plan_changes": len(again.changes),
        "following_plan_requests": again_requests,
    }


def run() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        old = os.getcwd()
        config_path = write_corpus(root, COUNT)
        os.chdir(root)
        try:
            config = load_config(config_path)
            read = read_desired(config)
            assert read.errors == 0, read.diagnostics[:3]
            desired = sorted(read.records, key=lambda r: r.doi)
            assert len(desired) == COUNT, len(desired)
            budgeted = _configuration(root, config, desired, BUDGET)
            unbudgeted = _configuration(root, config, desired[:UNBUDGETED], None)
        finally:
            os.chdir(old)
    # Every update must land under the budget, and DataCite must then match the files.
    assert budgeted["outcomes"] == {"done": COUNT}, budgeted["outcomes"]
    assert budgeted["following_plan_changes"] == 0, budgeted["following_plan_changes"]
    goals = {
        "share_of_budget": budgeted["share_of_budget"] >= GOAL_SHARE,
        "max_429_per_logical": budgeted["max_429_per_logical"] <= GOAL_429_PER_REQUEST,
    }
    return {
        "dois": COUNT,
        "workers": WORKERS,
        "sandbox_limit": f"{LIMIT[0]} per {LIMIT[1]:g} s",
        "budget": f"RateBudget({LIMIT[0]}, window={LIMIT[1]:g}): {LIMIT[0] / (LIMIT[1] + 1):.3g}/s, burst 1 s",
        "budgeted": budgeted,
        "unbudgeted": unbudgeted,
        "goals_met": goals,
    }


def _line(label: str, r: dict[str, Any]) -> str:
    return (
        f"- {label}: {r['updates']:,} updates in {r['apply_seconds']} s, outcomes {r['outcomes']}; "
        f"requests client {r['requests_client']:,} / sandbox {r['requests_sandbox']:,} / recorded "
        f"{r['requests_recorded']:,}; {r['accepted']:,} accepted = {r['accepted_per_second']}/s = "
        f"{r['share_of_budget']:.1%} of {r['budget_per_second']:g}/s; {r['rate_limited']} answered 429 "
        f"(Retry-After {r['retry_after_seconds']}); {r['logical_requests']:,} logical requests by 429s "
        f"{r['logical_by_429s']}, at most {r['max_429_per_logical']}, {r['gave_up']} given up; "
        f"sent in the first 10 s {r['sent_in_first_10s']}, most accepted in any 10 s "
        f"{r['max_accepted_in_10s']}, in any 1 s {r['max_accepted_in_1s']}; 429s at "
        f"{r['rate_limited_at_s']} s; following plan {r['following_plan_changes']} changes in "
        f"{r['following_plan_requests']} requests"
    )


def markdown(result: dict[str, Any]) -> str:
    on, off, goals = result["budgeted"], result["unbudgeted"], result["goals_met"]
    lines = [
        f"- {result['dois']:,} DOIs, {result['workers']} workers; sandbox limit {result['sandbox_limit']}; "
        f"{result['budget']}",
        _line("with the budget", on),
        _line("without a budget", off),
        "- timeline with the budget (per 10 s: accepted/429): "
        + ", ".join(f"{t['from_s']}s {t['accepted']}/{t['429']}" for t in on["timeline"]),
        "- timeline without a budget: "
        + ", ".join(f"{t['from_s']}s {t['accepted']}/{t['429']}" for t in off["timeline"]),
    ]
    if goals["share_of_budget"]:
        lines.append(f"- share of the budget {on['share_of_budget']:.1%} (goal ≥ {GOAL_SHARE:.0%}: met)")
    else:
        lines.append(f"- FAIL: share of the budget {on['share_of_budget']:.1%}, goal ≥ {GOAL_SHARE:.0%}")
    if goals["max_429_per_logical"]:
        lines.append(
            f"- at most {on['max_429_per_logical']} 429 per logical request (goal ≤ {GOAL_429_PER_REQUEST}: met)"
        )
    else:
        lines.append(
            f"- FAIL: a logical request was answered 429 {on['max_429_per_logical']} times, goal ≤ "
            f"{GOAL_429_PER_REQUEST} ({on['logical_by_429s']})"
        )
    return "\n".join(lines)
