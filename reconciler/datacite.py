"""The DataCite REST API client (httpx lives here): list, get, create, update, delete; many reads.

Retryable failures (429, 5xx, transport errors) are retried with exponential backoff and full
jitter, honouring `Retry-After` up to a cap; everything else is terminal and becomes an ApiError
at once. With a Deadline, no request starts and no retry waits past it. Every request first takes
a token from a rate budget (DataCite: 3,000 requests per 5 minutes in production, 750 on the test
system); `pacing` holds the budget, the retry settings and the deadline. The password or API key
is handed to httpx's auth (Basic, or Bearer for a key) and appears in no message, log, repr or
exception.
"""

from __future__ import annotations

import gc
import json
import random
import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote

import httpx

from .__about__ import __version__
from .core.doi import path_problem
from .errors import ApiAuthError, ApiError, ApiTransportError, UnsafeDoiError
from .model import LiveRecord
from .pacing import DEFAULT_RETRY, Deadline, RateBudget, Retry, retry_after_seconds, seconds_text, utc_now
from .workers import run_all

BUDGETS = {"production": 3000, "test": 750}
RETRYABLE = {429, 500, 502, 503, 504}
ENDPOINTS = {"production": "https://api.datacite.org", "test": "https://api.test.datacite.org"}
CREDENTIALS = ("password", "api-key", "api-key-bearer")
"""What a client's secret is and how it is sent (reference §4): a password or an API key as HTTP
Basic `repository:secret`, or an API key as `Authorization: Bearer <key>`."""


class _BearerAuth(httpx.Auth):
    """`Authorization: Bearer <key>` on every request; the key shows in no repr."""

    def __init__(self, key: str) -> None:
        self._header = f"Bearer {key}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header
        yield request

    def __repr__(self) -> str:
        return "_BearerAuth(key=set)"


def _auth(repository: str, secret: str | None, credential: str) -> httpx.Auth | None:
    if credential not in CREDENTIALS:
        raise ValueError(f"credential is one of {', '.join(CREDENTIALS)}, not {credential!r}")
    if not secret:
        return None
    return _BearerAuth(secret) if credential == "api-key-bearer" else httpx.BasicAuth(repository, secret)


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
        now: Callable[[], datetime] = utc_now,
        deadline: Deadline | None = None,
        credential: str = "password",
    ) -> None:
        """`password` is the password or the API key, as `credential` (one of CREDENTIALS) says."""
        self.base_url = base_url.rstrip("/")
        self.repository = repository
        self.has_password = bool(password)
        """A password or an API key is sent (what DataCite shows depends on it, not on which)."""
        self.credential = credential
        self.budget = budget
        self.retry = retry or DEFAULT_RETRY
        self.rng = rng or random.Random()
        self.sleep = sleep
        self.now = now
        """The wall clock an HTTP-date in `Retry-After` is read against."""
        self.deadline = deadline
        self.requests = 0
        """Requests sent, retries included."""
        self._count_lock = threading.Lock()
        agent = f"doiac/{__version__}" + (f" (mailto:{mailto})" if mailto else "")
        self._http = httpx.Client(
            base_url=self.base_url,
            auth=_auth(repository, password, credential),
            headers={"User-Agent": agent, "Accept": "application/vnd.api+json"},
            timeout=timeout,
            transport=transport,
        )

    def __repr__(self) -> str:
        secret = "set" if self.has_password else "none"
        return f"DataCiteClient({self.base_url!r}, {self.repository!r}, {self.credential}={secret})"

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
            self._before_sending(method, url)
            with self._count_lock:
                self.requests += 1
            try:
                response = self._http.request(method, path, **kwargs)
            except httpx.TransportError as exc:
                if attempt == self.retry.attempts:
                    raise ApiTransportError(method, url, None, [], type(exc).__name__) from None
                self._pause(self._backoff(attempt), method, url)
                continue
            if response.status_code not in RETRYABLE:
                return response
            if attempt == self.retry.attempts:
                raise ApiError(method, url, response.status_code, _titles(response))
            self._pause(self._retry_wait(response, attempt, method, url), method, url)
        raise AssertionError("unreachable")  # pragma: no cover

    def _before_sending(self, method: str, url: str) -> None:
        if self.deadline is not None:
            self.deadline.check(f"{method} {url} was not sent")
        if self.budget is not None:
            self.budget.take()
            if self.deadline is not None:  # taking a token may have waited
                self.deadline.check(f"{method} {url} was not sent")

    def _pause(self, seconds: float, method: str, url: str) -> None:
        if self.deadline is not None:
            what = f"{method} {url} not retried: waiting {seconds_text(seconds)} would pass it"
            self.deadline.check(what, seconds)
        self.sleep(seconds)

    def _backoff(self, attempt: int) -> float:
        # Full jitter: a random wait up to the exponential bound, so parallel clients spread out.
        return self.rng.uniform(0, min(self.retry.cap, self.retry.base * 2 ** (attempt - 1)))

    def _retry_wait(self, response: httpx.Response, attempt: int, method: str, url: str) -> float:
        """The server's `Retry-After` if it is one, else the backoff; an ApiError beyond the cap.

        A wait beyond `Retry.max_wait` is not made: a broken or hostile server (or proxy) could
        otherwise hold a CI job for days. The request fails now; the next run converges.
        """
        asked = retry_after_seconds(response.headers.get("retry-after"), self.now())
        if asked is not None and asked > self.retry.max_wait:
            detail = (
                f"DataCite asked to wait {seconds_text(asked)} (Retry-After), beyond the cap of"
                f" {seconds_text(self.retry.max_wait)}; run again later"
            )
            raise ApiError(method, url, response.status_code, [*_titles(response), detail])
        return asked or self._backoff(attempt)

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

    def activities(self, doi: str, *, page_size: int = 1000) -> list[dict[str, Any]]:
        """The audit trail of one DOI (who changed it, when), in DataCite's order; [] when none is shown.

        Pages are asked for by number, never through `links.next`, which drops the DOI filter
        (reference §13.1); DataCite serves at most 10,000 results of one query.
        """
        path = _doi_path(doi) + "/activities"
        items: list[dict[str, Any]] = []
        for number in range(1, 10_000 // page_size + 1):
            params = {"page[size]": str(page_size), "page[number]": str(number)}
            response = self._checked("GET", path, {200, 404}, params=params)
            if response.status_code == 404:
                break
            data = _json(response, "GET", path).get("data")
            page = [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []
            items += page
            if len(page) < page_size:
                break
        return items

    def list_dois(
        self, *, client_id: str, page_size: int = 1000, filters: Mapping[str, str] | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every DOI of a repository account, all states, with cursor pagination.

        The list reads DataCite's search index, which lags behind writes: use it to find what
        differs, then re-read those DOIs singly. `filters` adds list filters (`state`, `query`).
        Without `detail=true`: what only it adds (`xml`, `prefix`, `suffix`, `alternateIdentifiers`,
        usage over time, relationships other than the client; reference §2.4) is all server-owned,
        never compared, and the XML alone was a fifth to a half of each page's bytes. The walk ends
        when a page is not full, has no next link, or brings the DOIs read to the `meta.total` it
        states: DataCite links a last full page to an empty one (reference §6.3), a request saved.
        """
        params: dict[str, Any] | None = {
            **(filters or {}),
            "client-id": client_id, "page[cursor]": "1", "page[size]": page_size,
            "affiliation": "true", "publisher": "true", "disable-facets": "true",
        }  # fmt: skip
        seen_cursors: set[str] = set()
        path = "/dois"
        read = 0
        fetched: httpx.Response | None = self._checked("GET", path, {200}, params=params)
        while fetched is not None:
            data, following, total = _list_page(fetched, path)
            read += len(data)
            if total is not None and read >= total:
                following = None
            fetched = None
            # An httpx Response and its stream refer to each other, so a page's answer is freed only
            # by a collection of its generation, which the tuned collector runs rarely: collected
            # here, a plan of 10,000 peaked at 156 MiB, not 232 (with detail mode), at no cost seen.
            gc.collect(1)
            ahead = None
            if following and data:
                if following in seen_cursors:
                    raise ApiError(
                        "GET", following, 200, [], "the list's next page repeats a page already read"
                    )
                seen_cursors.add(following)
                # The next page is fetched while this one is compared: the wait for DataCite overlaps
                # it. It is decoded only when reached, so one page at a time is held decoded.
                path = _relative(following, self.base_url)
                ahead = _Ahead(self._checked, "GET", path, {200})
            data.reverse()
            while data:  # each DOI let go once the caller is done with it, not at the page's end
                yield data.pop()
            if ahead is not None:
                fetched = ahead.result()

    def create(self, attributes: dict[str, Any]) -> tuple[int, dict[str, Any] | list[dict[str, Any]]]:
        """POST /dois: (201, the record as saved, or {} when the answer lacks it) or (422, DataCite's errors)."""
        return self._write("POST", "/dois", attributes)

    def update(
        self, doi: str, attributes: dict[str, Any]
    ) -> tuple[int, dict[str, Any] | list[dict[str, Any]]]:
        """PUT /dois/{doi}: (200 or 201, the record) or (422, DataCite's errors)."""
        return self._write("PUT", _doi_path(doi, "PUT"), attributes)

    def delete(self, doi: str) -> None:
        """DELETE /dois/{doi}: drafts only (DataCite answers 405 for any other state)."""
        self._checked("DELETE", _doi_path(doi, "DELETE"), {204})

    def _write(self, method: str, path: str, attributes: dict[str, Any]) -> tuple[int, Any]:
        body = {"data": {"type": "dois", "attributes": attributes}}
        response = self._checked(
            method, path, {200, 201, 422}, json=body, params={"affiliation": "true", "publisher": "true"},
            headers={"Content-Type": "application/vnd.api+json"},
        )  # fmt: skip
        if response.status_code == 422:
            return 422, _json(response, method, path).get("errors", [])
        try:
            return response.status_code, _data(response)
        except ApiError:  # the write landed; an answer without the record is read back by GET
            return response.status_code, {}


class _Ahead:
    """One call run in a daemon thread while the caller goes on; `result()` waits for it.

    A daemon, and a wait that wakes every fifth of a second: Ctrl-C is seen at once, and an
    interrupted run does not wait at exit for a read nobody will use.
    """

    def __init__(self, call: Callable[..., httpx.Response], *args: Any) -> None:
        self._done = threading.Event()
        self._value: httpx.Response | None = None
        self._error: BaseException | None = None
        threading.Thread(target=self._run, args=(call, args), daemon=True, name="doiac-list-ahead").start()

    def _run(self, call: Callable[..., httpx.Response], args: tuple[Any, ...]) -> None:
        try:
            self._value = call(*args)
        except BaseException as exc:  # handed to the caller, who sees it as if it had made the call
            self._error = exc
        finally:
            self._done.set()

    def result(self) -> httpx.Response:
        """The call's answer, handed over: this object keeps no reference to it."""
        while not self._done.wait(0.2):
            pass
        if self._error is not None:
            raise self._error
        value, self._value = self._value, None
        assert value is not None  # set when no error was
        return value


_BULKY = frozenset({
    "xml", "viewsOverTime", "downloadsOverTime", "citationsOverTime", "viewCount", "downloadCount",
    "citationCount", "referenceCount", "partCount", "partOfCount", "versionCount", "versionOfCount",
})  # fmt: skip
"""Attributes no comparison reads (the XML, about a fifth of a list page, and usage counters):
a LiveRecord does not hold them."""


def live_record(item: Mapping[str, Any]) -> LiveRecord:
    """A JSON:API resource of the /dois endpoints → LiveRecord, without the XML and counters."""
    attributes = item.get("attributes")
    if not isinstance(attributes, dict):
        raise ApiError("GET", "/dois", 200, [], "a DOI without attributes in DataCite's answer")
    attributes = {key: value for key, value in attributes.items() if key not in _BULKY}
    doi = str(attributes.get("doi") or item.get("id") or "").lower()
    if not doi:
        raise ApiError("GET", "/dois", 200, [], "a DOI without its name in DataCite's answer")
    client = ((item.get("relationships") or {}).get("client") or {}).get("data") or {}
    return LiveRecord(
        doi=doi,
        state=str(attributes.get("state") or "draft"),
        url=attributes.get("url"),
        attributes=attributes,
        repository=str(client.get("id") or "").upper(),
        updated=attributes.get("updated"),
    )


# Reading many DOIs. DataCite's list endpoint reads a search index that lags behind writes
# (reference §11.1): a plan is made from the list first, and every DOI it would change, or could
# not plan, is re-read singly from DataCite's database, the authoritative read. A plan of N DOIs
# with k changes costs about N/1000 list pages + k single reads. Nothing here compares records.

Progress = Callable[[str, int, int | None], None]
"""(what, done, total or None when unknown): the list walk per repository, then the single reads."""
_PAGE = 1000


def read_listed(
    clients: Mapping[str, DataCiteClient], *, progress: Progress | None = None
) -> dict[str, LiveRecord]:
    """Every DOI the list shows for each repository account in `clients`, by lower-case DOI."""
    return {record.doi: record for record in iter_listed(clients, progress=progress)}


def iter_listed(
    clients: Mapping[str, DataCiteClient], *, progress: Progress | None = None
) -> Iterator[LiveRecord]:
    """Every DOI the list shows for each repository account in `clients`, page by page as it comes."""
    for repository, client in clients.items():
        count = 0
        for record in _list(client, repository):
            yield record
            count += 1
            if progress is not None and count % _PAGE == 0:
                progress(f"listing {repository}", count, None)
        if progress is not None:
            progress(f"listing {repository}", count, count)


def read_each(
    clients: Mapping[str, DataCiteClient],
    jobs: Sequence[tuple[str, str]],
    *,
    workers: int = 4,
    progress: Progress | None = None,
) -> dict[str, LiveRecord | None]:
    """Each (repository, DOI) of `jobs` read singly, by DOI; None for a DOI DataCite does not have."""
    done = [0]
    lock = threading.Lock()

    def read(job: tuple[str, str]) -> tuple[str, LiveRecord | None]:
        repository, doi = job
        item = clients[repository].get(doi)
        if progress is not None:
            with lock:
                done[0] += 1
                progress("reading singly", done[0], len(jobs))
        return doi, None if item is None else live_record(item)

    return dict(run_all(read, list(jobs), workers))


def anonymous_repositories(clients: Mapping[str, DataCiteClient]) -> frozenset[str]:
    """The repository accounts without a password: DataCite shows them only findable DOIs."""
    return frozenset(repo for repo, client in clients.items() if not client.has_password)


def _list(client: DataCiteClient, repository: str) -> Iterable[LiveRecord]:
    for item in client.list_dois(client_id=repository.lower()):
        record = live_record(item)
        # Listing by client-id should give only this account's DOIs; keep that true if it did not.
        if not record.repository or record.repository == repository.upper():
            yield record


def _doi_path(doi: str, method: str = "GET") -> str:
    """`/dois/{doi}`, built so that the path names exactly `doi` and nothing a server could rewrite.

    Defence in depth behind validation: httpx, proxies and DataCite's web server resolve `..`
    and decode `%2e`, so an unchecked `10.x/q/../victim` would write to `10.x/victim`.
    """
    if problem := path_problem(doi):
        raise UnsafeDoiError(method, doi, problem)
    path = "/dois/" + quote(doi.lower(), safe="/")
    # What httpx will send: the path must survive URL parsing unchanged.
    if httpx.URL(f"http://host{path}").raw_path.decode("ascii") != path:  # pragma: no cover - path_problem
        raise UnsafeDoiError(method, doi, "would be rewritten by URL normalisation")
    return path


def _relative(url: str, base: str) -> str:
    """links.next is absolute; keep requests on our base URL (a proxy may rewrite the host)."""
    tail = url.split("/dois", 1)
    return "/dois" + tail[1] if len(tail) == 2 else url.removeprefix(base)


def _json(response: httpx.Response, method: str, path: str) -> dict[str, Any]:
    try:
        body = json.loads(response.content, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        raise ApiError(
            method, str(response.request.url), response.status_code, [], "the answer is not JSON"
        ) from None
    if not isinstance(body, dict):
        raise ApiError(
            method, str(response.request.url), response.status_code, [], "the answer is not a JSON object"
        )
    return body


def _list_page(response: httpx.Response, path: str) -> tuple[list[Any], str | None, int | None]:
    """A list page's DOIs, the address of the next page, and the total the page states, if any."""
    body = _json(response, "GET", path)
    links, meta = body.get("links"), body.get("meta")
    following = links.get("next") if isinstance(links, dict) else None
    total = meta.get("total") if isinstance(meta, dict) else None
    data = body.get("data")
    return (
        data if isinstance(data, list) else [],
        following if isinstance(following, str) else None,
        total if type(total) is int else None,
    )


def _no_constant(name: str) -> None:
    """NaN and Infinity are not JSON: an answer holding them is refused, never planned or saved."""
    raise ValueError(f"{name} is not JSON")


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
