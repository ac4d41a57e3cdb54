"""The run-time settings (latency, rate limit, failure rates, seed, index lag) and their limits.

Every way in (`POST /_sandbox/config`, `SandboxOptions`, `doiac sandbox`'s options) goes through
`check_settings`, which checks every value before any is used: a request that cannot work (a rate
limit of no request, a NaN failure rate, a latency longer than any client waits) is refused
whole, so the sandbox never serves with half of a change.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

MAX_LATENCY_MS = 60_000.0
MAX_INDEX_LAG = 3600.0
MAX_WINDOW = 86_400.0
MAX_REQUESTS = 1_000_000


class SettingsError(ValueError):
    """Settings that cannot be used; `problems` maps each bad setting's name to what is wrong."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(f"{name}: {problem}" for name, problem in problems.items()))
        self.problems = problems


def _number(value: Any, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number from {low:g} to {high:g}, got {value!r}")
    if not (math.isfinite(value) and low <= value <= high):
        raise ValueError(f"expected a number from {low:g} to {high:g}, got {value!r}")
    return float(value)


def _share(value: Any) -> float:
    return _number(value, 0, 1)


def _latency(value: Any) -> float:
    return _number(value, 0, MAX_LATENCY_MS)


def _index_lag(value: Any) -> float:
    return _number(value, 0, MAX_INDEX_LAG)


def _seed(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected an integer, got {value!r}")
    return value


def parse_rate(text: str) -> tuple[int, float]:
    """`300/10` → (300, 10.0): 300 requests per 10 seconds (`300` alone: per second)."""
    count, _, seconds = text.partition("/")
    try:
        return _pair(int(count), float(seconds or 1))
    except ValueError:
        raise ValueError(
            f"expected N/SECONDS with N from 1 to {MAX_REQUESTS} and SECONDS above 0, up to"
            f" {MAX_WINDOW:g}, got {text!r}"
        ) from None


def _rate(value: Any) -> tuple[int, float] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return parse_rate(value)
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise ValueError(f"expected null, N/SECONDS or [N, SECONDS], got {value!r}")
    return _pair(*value)


def _pair(count: Any, window: Any) -> tuple[int, float]:
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_REQUESTS:
        raise ValueError(f"expected from 1 to {MAX_REQUESTS} requests, got {count!r}")
    seconds = _number(window, 0, MAX_WINDOW)
    if seconds <= 0:
        raise ValueError(f"expected a window above 0 seconds, got {window!r}")
    return count, seconds


CHECKS: dict[str, Callable[[Any], Any]] = {
    "latency_ms": _latency,
    "rate_limit": _rate,
    "fail_rate": _share,
    "lose_rate": _share,
    "seed": _seed,
    "index_lag": _index_lag,
}
"""Each setting and the check that turns a raw value into the one used, or raises ValueError."""


def check_settings(changes: Mapping[str, Any]) -> dict[str, Any]:
    """The checked values of `changes`; SettingsError naming every bad or unknown setting."""
    checked: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for name, value in changes.items():
        check = CHECKS.get(name)
        if check is None:
            problems[name] = f"unknown setting; known are {', '.join(CHECKS)}"
            continue
        try:
            checked[name] = check(value)
        except ValueError as exc:
            problems[name] = str(exc)
    if problems:
        raise SettingsError(problems)
    return checked
