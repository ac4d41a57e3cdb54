"""When a request may go: the rate budget, how patiently to retry, and the run's deadline.

No HTTP here (that is `datacite`): values and clocks only, passed in so that tests can drive them.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from .errors import DeadlineError

WINDOW_SECONDS = 300.0


@dataclass
class RateBudget:
    """A token bucket: `per_window` requests per `window` seconds, spent evenly.

    At most `burst` seconds' worth of requests go at once. DataCite does not say whether its
    windows are fixed or rolling (reference §13): requests paced evenly stay inside either, where
    a whole window's budget sent in one burst would trip a shorter window. A bucket of capacity C
    filling at rate r admits at most C + r·T requests in any T seconds, so r is chosen such that
    a full bucket plus a whole window of refill is the budget: r = per_window / (window + burst).
    Without that, the bucket refilled during a Retry-After sleep would overrun the next window.
    """

    per_window: int
    window: float = WINDOW_SECONDS
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    burst: float = 1.0
    _tokens: float = field(init=False)
    _capacity: float = field(init=False)
    _rate: float = field(init=False)
    _last: float = field(init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        self._rate = self.per_window / (self.window + self.burst)
        self._capacity = max(1.0, self._rate * self.burst)
        self._tokens = self._capacity
        self._last = self.clock()

    def slow_to(self, per_window: int) -> None:
        """Spend at most `per_window` requests per window from now on (a bulk run's pace)."""
        with self._lock:
            if per_window >= self.per_window:
                return
            self.per_window = per_window
            self._rate = per_window / (self.window + self.burst)
            self._capacity = max(1.0, self._rate * self.burst)
            self._tokens = min(self._tokens, self._capacity)

    def take(self) -> None:
        """Wait, if need be, until a request may go."""
        while True:
            with self._lock:
                now = self.clock()
                rate = self._rate
                self._tokens = min(self._capacity, self._tokens + (now - self._last) * rate)
                self._last = now
                # A hair under one token is one: float refills can land at 0.999…, and a wait too
                # small to move the clock would loop for ever.
                if self._tokens >= 1 - 1e-9:
                    self._tokens = max(0.0, self._tokens - 1)
                    return
                wait = (1 - self._tokens) / rate
            self.sleep(wait)


@dataclass(frozen=True)
class Retry:
    """How often and how patiently a retryable failure is tried again."""

    attempts: int = 6
    base: float = 0.5
    cap: float = 30.0
    max_wait: float = 300.0
    """The longest `Retry-After` honoured: a server asking for more fails the request at once."""


DEFAULT_RETRY = Retry()


@dataclass(frozen=True)
class Deadline:
    """When a run must end: past `at` on `clock`, no request starts and no retry waits."""

    seconds: float
    at: float
    clock: Callable[[], float] = time.monotonic

    @classmethod
    def after(cls, seconds: float, clock: Callable[[], float] = time.monotonic) -> Deadline:
        return cls(seconds, clock() + seconds, clock)

    def check(self, what: str, wait: float = 0.0) -> None:
        """Raise DeadlineError when `what`, `wait` seconds from now, would come at or past the deadline."""
        if self.clock() + wait >= self.at:
            raise DeadlineError(self.seconds, what)


def utc_now() -> datetime:
    return datetime.now(UTC)


_DELTA_SECONDS = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """`Retry-After` in seconds from `now`; None when it is neither delay-seconds nor an HTTP-date.

    RFC 9110 §10.2.3: a non-negative integer, or an HTTP-date. A decimal is accepted too; `1e9`,
    `inf`, `nan`, negative numbers and garbage are not delays at all, and the backoff decides.
    A date in the past is no wait. Digits too many for a float are an infinite wait (beyond any cap).
    """
    if value is None:
        return None
    text = value.strip()
    if _DELTA_SECONDS.fullmatch(text):
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # `-0000`: UTC, says RFC 5322
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def seconds_text(value: float) -> str:
    """A duration for a message: `86400 s`, `2.5 s`."""
    return f"{value:.1f}".removesuffix(".0") + " s" if value < 1e12 else "more than 10^12 s"
