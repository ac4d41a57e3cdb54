"""The DataCite REST API client (httpx lives here): list, get, create, update, delete.

Retryable failures (429, 5xx, transport errors) are retried with exponential backoff and full
jitter, honouring `Retry-After`; everything else is terminal and becomes an ApiError at once.
Every request first takes a token from a rate budget (DataCite: 3,000 requests per 5 minutes in
production, 750 on the test system). The password is handed to httpx's Basic auth and appears
in no message, log, repr or exception.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

from .__about__ import __version__
from .errors import ApiAuthError, ApiError, ApiTransportError

BUDGETS = {"production": 3000, "test": 750}
WINDOW_SECONDS = 300.0
RETRYABLE = {429, 500, 502, 503, 504}
ENDPOINTS = {"production": "https://api.datacite.org", "test": "https://api.test.datacite.org"}


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


DEFAULT_RETRY = Retry()


class DataCiteClient:
    """One repository account on one DataCite API (or the sandbox)."""

    def __init__(
        self,
        base_url: str,
        repository: str,
        password: str | None,
        *,
        budget: RateBudget | None = None,
        retry: Retry | None = None,
        mailto: str | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
        rng: random.Random | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.repository = repository
        self.has_password = bool(password)
        self.budget = budget
        self.retry = retry or DEFAULT_RETRY
        self.rng = rng or random.Random()
        self.sleep = sleep
        self.requests = 0
        """Requests sent, retries included."""
        self._count_lock = threading.Lock()
        agent = f"doiac/{__version__}" + (f" (mailto:{mailto})" if mailto else "")
        self._http = httpx.Client(
            base_url=self.base_url,
            auth=httpx.BasicAuth(repository, password) if password else None,
            headers={"User-Agent": agent, "Accept": "application/vnd.api+json"},
            timeout=timeout,
            transport=transport,
        )

    def __repr__(self) -> str:
        return f"DataCiteClient({self.base_url!r}, {self.repository!r}, password={'set' if self.has_password else 'none'})"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> DataCiteClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- requests ------------------------------------------------------------------------------

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send with retries; return a final response (2xx, or a terminal 4xx the caller may read)."""
        url = f"{self.base_url}{path}"
        for attempt in range(1, self.retry.attempts + 1):
            if self.budget is not None:
                self.budget.take()
            with self._count_lock:
                self.requests += 1
            try:
                response = self._http.request(method, path, **kwargs)
            except httpx.TransportError as exc:
                if attempt == self.retry.attempts:
                    raise ApiTransportError(method, url, None, [], type(exc).__name__) from None
                self.sleep(self._backoff(attempt))
                continue
            if response.status_code not in RETRYABLE:
                return response
            if attempt == self.retry.attempts:
                raise ApiError(method, url, response.status_code, _titles(response))
            self.sleep(self._retry_after(response) or self._backoff(attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    def _backoff(self, attempt: int) -> float:
        # Full jitter: a random wait up to the exponential bound, so parallel clients spread out.
        return self.rng.uniform(0, min(self.retry.cap, self.retry.base * 2 ** (attempt - 1)))

    @staticmethod
    def _retry_after(response: httpx.Response) -> float | None:
        value = response.headers.get("retry-after")
        try:
            return max(0.0, float(value)) if value is not None else None
        except ValueError:
            return None

    def _checked(self, method: str, path: str, ok: set[int], **kwargs: Any) -> httpx.Response:
        response = self._request(method, path, **kwargs)
        if response.status_code in ok:
            return response
        error = ApiAuthError if response.status_code == 401 else ApiError
        raise error(method, f"{self.base_url}{path}", response.status_code, _titles(response))

    # -- DOIs -----------------------------------------------------------------------------------

    def get(self, doi: str) -> dict[str, Any] | None:
        """One DOI from DataCite's database (read-your-writes), or None when it does not exist."""
        response = self._checked(
            "GET", _doi_path(doi), {200, 404}, params={"affiliation": "true", "publisher": "true"}
        )
        return None if response.status_code == 404 else _data(response)

    def check_credentials(self) -> None:
        """Raise ApiAuthError when DataCite refuses the password, with a request that writes nothing.

        A wrong password is no error on a read: DataCite answers as to an anonymous caller
        (reference §1.2, §11.7), so only a write-side endpoint tells. `POST /dois/validate` is a
        dry run of a write.
        """
        # Only a 401 answers the question; anything else (a 4xx for the empty record, a 5xx after
        # every retry) says nothing about the password, and must not stop an apply.
        try:
            response = self._request(
                "POST", "/dois/validate", json={"data": {"type": "dois", "attributes": {}}},
                headers={"Content-Type": "application/vnd.api+json"},
            )  # fmt: skip
        except ApiError:
            return
        if response.status_code == 401:
            raise ApiAuthError("POST", f"{self.base_url}/dois/validate", 401, _titles(response))

    def activities(self, doi: str) -> list[dict[str, Any]]:
        """The audit trail of one DOI (who changed it, when), oldest first; [] when it cannot be seen."""
        response = self._checked("GET", _doi_path(doi) + "/activities", {200, 404})
        if response.status_code == 404:
            return []
        data = _json(response, "GET", _doi_path(doi) + "/activities").get("data")
        return [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []

    def list_dois(self, *, client_id: str, page_size: int = 1000) -> Iterator[dict[str, Any]]:
        """Every DOI of a repository account, all states, with cursor pagination.

        The list reads DataCite's search index, which lags behind writes: use it to find what
        differs, then re-read those DOIs singly.
        """
        params: dict[str, Any] | None = {
            "client-id": client_id, "page[cursor]": "1", "page[size]": page_size, "detail": "true",
            "affiliation": "true", "publisher": "true", "disable-facets": "true",
        }  # fmt: skip
        path = "/dois"
        seen_cursors: set[str] = set()
        while True:
            response = self._checked("GET", path, {200}, params=params)
            body = _json(response, "GET", path)
            yield from body.get("data", [])
            following = (body.get("links") or {}).get("next")
            if not following or not body.get("data"):
                return
            if following in seen_cursors:
                raise ApiError("GET", following, 200, [], "the list's next page repeats a page already read")
            seen_cursors.add(following)
            path, params = _relative(following, self.base_url), None

    def create(self, attributes: dict[str, Any]) -> tuple[int, dict[str, Any] | list[dict[str, Any]]]:
        """POST /dois: (201, the record) or (422, DataCite's errors)."""
        return self._write("POST", "/dois", attributes)

    def update(
        self, doi: str, attributes: dict[str, Any]
    ) -> tuple[int, dict[str, Any] | list[dict[str, Any]]]:
        """PUT /dois/{doi}: (200 or 201, the record) or (422, DataCite's errors)."""
        return self._write("PUT", _doi_path(doi), attributes)

    def delete(self, doi: str) -> None:
        """DELETE /dois/{doi}: drafts only (DataCite answers 405 for any other state)."""
        self._checked("DELETE", _doi_path(doi), {204})

    def _write(self, method: str, path: str, attributes: dict[str, Any]) -> tuple[int, Any]:
        body = {"data": {"type": "dois", "attributes": attributes}}
        response = self._checked(
            method, path, {200, 201, 422}, json=body, params={"affiliation": "true", "publisher": "true"},
            headers={"Content-Type": "application/vnd.api+json"},
        )  # fmt: skip
        if response.status_code == 422:
            return 422, _json(response, method, path).get("errors", [])
        return response.status_code, _data(response)


def _doi_path(doi: str) -> str:
    return "/dois/" + quote(doi.lower(), safe="/")


def _relative(url: str, base: str) -> str:
    """links.next is absolute; keep requests on our base URL (a proxy may rewrite the host)."""
    tail = url.split("/dois", 1)
    return "/dois" + tail[1] if len(tail) == 2 else url.removeprefix(base)


def _json(response: httpx.Response, method: str, path: str) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        raise ApiError(
            method, str(response.request.url), response.status_code, [], "the answer is not JSON"
        ) from None
    if not isinstance(body, dict):
        raise ApiError(
            method, str(response.request.url), response.status_code, [], "the answer is not a JSON object"
        )
    return body


def _data(response: httpx.Response) -> dict[str, Any]:
    data = _json(response, response.request.method, response.request.url.path).get("data")
    if not isinstance(data, dict):
        raise ApiError(
            response.request.method, str(response.request.url), response.status_code, [], "no data object"
        )
    return data


def _titles(response: httpx.Response) -> list[str]:
    try:
        errors = response.json().get("errors")
    except (ValueError, AttributeError):
        return [response.reason_phrase] if response.reason_phrase else []
    if isinstance(errors, dict):  # DataCite answers some 400s with an object, not a list
        errors = [errors]
    titles = []
    for error in errors if isinstance(errors, list) else []:
        if isinstance(error, dict) and error.get("title"):
            source = error.get("source")
            titles.append(f"{source}: {error['title']}" if isinstance(source, str) else str(error["title"]))
    return titles
