"""Operational switches: latency, rate limiting (429 + Retry-After), injected failures, lost answers.

All of them can change at run time (POST /_sandbox/config). A failure is one of DataCite's
transient 5xx answers or a dropped connection: over a socket the connection is closed without a
single byte of response (the server offers an abort under the `DROP_EXTENSION` ASGI extension);
in process, where there is no connection, the request raises `DroppedConnection` instead. A lost
answer is a dropped connection after a write ran to the end: the change landed, the client never
hears of it.
"""

from __future__ import annotations

import asyncio
import json
import random
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .settings import check_settings

RATE_LIMITED = "Your request has been rate limited. See https://support.datacite.org/docs/rate-limit."
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


DROP_EXTENSION = "doiac.drop_connection"
"""scope["extensions"][DROP_EXTENSION]["abort"](): close the connection without answering."""


class DroppedConnection(Exception):
    """An injected dropped connection where no server can close one (an in-process client)."""


@dataclass
class Faults:
    latency_ms: float = 0.0
    rate_limit: tuple[int, float] | None = None
    """At most N requests per SECONDS window, else 429."""
    fail_rate: float = 0.0
    seed: int = 0
    lose_rate: float = 0.0
    """Share of writes under /dois whose answer is lost after they ran."""
    lost: int = field(default=0, init=False)
    """How many answers were lost so far."""
    _rng: random.Random = field(default_factory=random.Random, repr=False)
    _recent: deque[float] = field(default_factory=deque, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        check_settings({"latency_ms": self.latency_ms, "rate_limit": self.rate_limit, "fail_rate": self.fail_rate,
                        "lose_rate": self.lose_rate, "seed": self.seed})  # fmt: skip
        self._rng.seed(self.seed)

    def update(self, checked: dict[str, Any]) -> None:
        """Apply settings that `check_settings` returned, all at once."""
        with self._lock:
            for name in ("latency_ms", "fail_rate", "lose_rate"):
                if name in checked:
                    setattr(self, name, checked[name])
            if "rate_limit" in checked:
                self.rate_limit = checked["rate_limit"]
                self._recent.clear()
            if "seed" in checked:
                self.seed = checked["seed"]
                self._rng.seed(self.seed)

    def describe(self) -> dict[str, Any]:
        rate = f"{self.rate_limit[0]}/{self.rate_limit[1]:g}" if self.rate_limit else None
        return {
            "latency_ms": self.latency_ms,
            "rate_limit": rate,
            "fail_rate": self.fail_rate,
            "lose_rate": self.lose_rate,
            "seed": self.seed,
        }

    def retry_after(self, now: float) -> int | None:
        """Seconds to wait if this request is over the budget, else None (and it is counted)."""
        if self.rate_limit is None:
            return None
        limit, window = self.rate_limit
        with self._lock:
            while self._recent and self._recent[0] <= now - window:
                self._recent.popleft()
            if len(self._recent) >= limit:
                return max(1, int(self._recent[0] + window - now + 0.999))
            self._recent.append(now)
        return None

    def failure(self) -> int | None:
        """A status to fail with (0 = drop the connection), or None."""
        with self._lock:
            if self.fail_rate <= 0 or self._rng.random() >= self.fail_rate:
                return None
            return self._rng.choice([500, 502, 503, 504, 0])

    def lose(self) -> bool:
        """Whether to lose the answer to this write (and count it)."""
        with self._lock:
            if self.lose_rate <= 0 or self._rng.random() >= self.lose_rate:
                return False
            self.lost += 1
            return True


class FaultMiddleware:
    """Counts requests per route, then applies latency, the rate limit and injected failures."""

    def __init__(self, app: ASGIApp, faults: Faults, counters: Counter[str]) -> None:
        self.app = app
        self.faults = faults
        self.counters = counters

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/_sandbox/"):
            await self.app(scope, receive, send)
            return
        self.counters[f"{scope['method']} {_route(scope['path'])}"] += 1
        if self.faults.latency_ms:
            await asyncio.sleep(self.faults.latency_ms / 1000)
        wait = self.faults.retry_after(time.monotonic())
        if wait is not None:
            await _send(
                send, 429, {"errors": [{"status": "429", "title": RATE_LIMITED}]}, {"retry-after": str(wait)}
            )
            return
        status = self.faults.failure()
        if status == 0:
            await _drop(scope, "injected: connection dropped")
            return
        if status is not None:
            titles = {
                500: "Internal server error",
                502: "Bad gateway",
                503: "Service unavailable",
                504: "Gateway timeout",
            }
            await _send(send, status, {"errors": [{"status": str(status), "title": titles[status]}]}, {})
            return
        if _is_write(scope) and self.faults.lose():

            async def unheard(message: Message) -> None:
                pass

            await self.app(scope, receive, unheard)
            await _drop(scope, "injected: answer lost after the write ran")
            return
        await self.app(scope, receive, send)


def _is_write(scope: Scope) -> bool:
    """A request that changes a DOI: /dois/validate changes nothing, its answer is not lost."""
    path = str(scope["path"])
    return (
        scope["method"] in WRITES
        and (path == "/dois" or path.startswith("/dois/"))
        and path != "/dois/validate"
    )


async def _drop(scope: Scope, why: str) -> None:
    """Close the connection without an answer; in process, raise DroppedConnection."""
    drop = scope.get("extensions", {}).get(DROP_EXTENSION)
    if drop is None:
        raise DroppedConnection(why)
    drop["abort"]()
    # Let the server see the connection go before this request returns, so it does not
    # answer for us ("ASGI callable returned without starting response" → 500).
    await asyncio.sleep(0.01)


def _route(path: str) -> str:
    if path.startswith("/dois/"):
        rest = path[len("/dois/") :]
        if rest in ("random", "validate"):
            return path
        return "/dois/{doi}/activities" if rest.endswith("/activities") else "/dois/{doi}"
    return path


async def _send(send: Send, status: int, body: dict[str, Any], headers: dict[str, str]) -> None:
    raw = json.dumps(body).encode()
    pairs = [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode())]
    pairs += [(k.encode(), v.encode()) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": pairs})
    await send({"type": "http.response.body", "body": raw})
