"""DataCite's bulk guidance: a large apply with `limits.rate: auto` runs at 300-500 requests per
5 minutes and says so with its expected duration; an explicit rate is kept."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from reconciler.commands.apply import _bulk_pace
from reconciler.config import load_config
from reconciler.errors import ConfigErrors
from reconciler.model import Action, Change, Config, Limits, Plan
from reconciler.pacing import RateBudget

from .conftest import CONFIG, Repo


def test_the_bulk_pace_applies_only_to_auto_and_large_runs() -> None:
    assert Limits().bulk_pace(1000) is None
    assert Limits().bulk_pace(1001) == 400
    assert Limits(bulk_threshold=10, bulk_rate=300).bulk_pace(11) == 300
    assert Limits(rate=2000).bulk_pace(1_000_000) is None  # a rate the config sets is the team's choice


def test_a_budget_slows_down_and_never_speeds_up() -> None:
    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    budget = RateBudget(3000, clock=lambda: now[0], sleep=sleep)
    budget.slow_to(400)
    budget.slow_to(3000)  # ignored: slowing down only
    for _ in range(41):
        budget.take()
    assert budget.per_window == 400
    assert 29.5 < now[0] < 31.5  # 40 requests after the first at 400 per 301 s: about 30 s


def _plan(n: int) -> Plan:
    return Plan(
        tuple(
            Change(f"10.80000/{i}", Action.UPDATE, "EXAMPLE.REPO", None, "findable", "findable")
            for i in range(n)
        ),
        0,
    )


def test_apply_says_so_and_paces_every_client() -> None:
    budget = RateBudget(3000)
    clients: dict[str, Any] = {"A": SimpleNamespace(budget=budget), "B": SimpleNamespace(budget=budget)}
    said: list[str] = []
    config = Config("doiac.yaml", limits=Limits(bulk_threshold=100))
    _bulk_pace(config, _plan(1500), clients, said.append)
    assert budget.per_window == 400
    assert said == [
        "1,500 writes, more than limits.bulk_threshold (100): running at DataCite's bulk pace of 400 requests"
        " per 5 minutes, about 38 min; tell DataCite support before large runs, or set limits.rate to"
        " choose the pace"
    ]
    said.clear()
    _bulk_pace(config, _plan(100), clients, said.append)  # at the threshold: the environment's budget
    _bulk_pace(
        Config("doiac.yaml", limits=Limits(rate=3000, bulk_threshold=1)), _plan(5), clients, said.append
    )
    assert said == []
    _bulk_pace(config, _plan(20_000), clients, said.append)
    assert "about 8 h 20 min" in said[0]  # 40,000 requests at 400 per 5 minutes


def test_the_config_sets_the_threshold_and_the_pace(repo: Repo) -> None:
    repo.write("doiac.yaml", CONFIG + "limits:\n  bulk_threshold: 50\n  bulk_rate: 300\n")
    limits = load_config(repo.config).limits
    assert (limits.bulk_threshold, limits.bulk_rate) == (50, 300)
    repo.write("doiac.yaml", CONFIG + "limits:\n  bulk_rate: 0\n")
    with pytest.raises(ConfigErrors, match="bulk_rate"):
        load_config(repo.config)
