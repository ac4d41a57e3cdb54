"""The DataCite client: against the sandbox over a socket, and MockTransport for failure shapes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from reconciler.datacite import DataCiteClient, live_record
from reconciler.errors import ApiAuthError, ApiError, ApiTransportError
from reconciler.pacing import RateBudget, Retry
from reconciler.sandbox import Client, SandboxOptions, SandboxServer

from .helpers.sandbox_admin import admin

SECRET = "s3cr3t-Pa55word-do-not-print"
FULL = {"creators": [{"name": "Doe, Jane"}], "titles": [{"title": "T"}], "publisher": "P", "publicationYear": 2024,
        "types": {"resourceTypeGeneral": "Dataset"}}  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    account = Client("EXAMPLE.REPO", SECRET, ("10.80000",), ("data.example.org",))
    with SandboxServer(
        tmp_path_factory.mktemp("dc") / "s.sqlite", SandboxOptions(repositories=[account])
    ) as srv:
        yield srv


@pytest.fixture
def client(server: SandboxServer) -> Iterator[DataCiteClient]:
    httpx.post(f"{server.url}/_sandbox/reset", headers=admin(server))
    with DataCiteClient(server.url, "EXAMPLE.REPO", SECRET, sleep=lambda s: None) as dc:
        yield dc


def test_create_get_update_delete(client: DataCiteClient) -> None:
    status, created = client.create({"doi": "10.80000/3mfp-6m52", **FULL})
    assert status == 201
    assert isinstance(created, dict)
    assert created["id"] == "10.80000/3mfp-6m52"
    record = client.get("10.80000/3MFP-6M52")
    assert record is not None
    assert record["attributes"]["publisher"] == {"name": "P"}  # publisher=true
    status, updated = client.update("10.80000/3mfp-6m52", {"titles": [{"title": "New"}]})
    assert status == 200
    assert isinstance(updated, dict)
    assert updated["attributes"]["titles"] == [{"title": "New"}]
    client.delete("10.80000/3mfp-6m52")
    assert client.get("10.80000/3mfp-6m52") is None


def test_validation_errors_come_back_as_data(client: DataCiteClient) -> None:
    status, errors = client.create({"doi": "10.80000/abc", "event": "publish"})
    assert status == 422
    assert {e["source"] for e in errors} == {"url", "metadata"}  # type: ignore[index]


def test_list_walks_every_page_and_counts_requests(client: DataCiteClient, server: SandboxServer) -> None:
    records = [{"doi": f"10.80000/l{n:04d}", "client": "EXAMPLE.REPO", "state": "draft", "attributes": {}}
               for n in range(2300)]  # fmt: skip
    httpx.post(f"{server.url}/_sandbox/seed", json=records, headers=admin(server), timeout=60)
    stats = f"{server.url}/_sandbox/stats"
    before = httpx.get(stats, headers=admin(server)).json()["requests"].get("GET /dois", 0)
    listed = [r["id"] for r in client.list_dois(client_id="example.repo", page_size=1000)]
    after = httpx.get(stats, headers=admin(server)).json()["requests"]["GET /dois"]
    assert listed == [r["doi"] for r in records]
    assert after - before == 3


def test_wrong_password_is_an_auth_error_without_the_secret(server: SandboxServer) -> None:
    with DataCiteClient(server.url, "EXAMPLE.REPO", "wrong-" + SECRET) as dc:
        with pytest.raises(ApiAuthError) as caught:
            dc.create({"doi": "10.80000/x"})
        assert SECRET not in str(caught.value)
        assert SECRET not in repr(dc)
        assert caught.value.status == 401


def mock(
    handler: Callable[[httpx.Request], httpx.Response], **kwargs: Any
) -> tuple[DataCiteClient, list[float]]:
    waits: list[float] = []
    dc = DataCiteClient("https://api.example.invalid", "EXAMPLE.REPO", SECRET, transport=httpx.MockTransport(handler),
                        sleep=waits.append, **kwargs)  # fmt: skip
    return dc, waits


def test_429_honours_retry_after_then_succeeds() -> None:
    calls = iter([httpx.Response(429, headers={"Retry-After": "7"}, json={"errors": []}),
                  httpx.Response(200, json={"data": {"id": "10.80000/a"}})])  # fmt: skip
    dc, waits = mock(lambda request: next(calls))
    assert dc.get("10.80000/a") == {"id": "10.80000/a"}
    assert waits == [7.0]


def test_a_storm_of_500s_ends_in_one_clear_error() -> None:
    dc, waits = mock(lambda request: httpx.Response(503, json={"errors": [{"status": "503", "title": "Down"}]}),
                     retry=Retry(attempts=4, base=1, cap=8))  # fmt: skip
    with pytest.raises(ApiError) as caught:
        dc.get("10.80000/a")
    assert str(caught.value) == "GET https://api.example.invalid/dois/10.80000/a: 503: Down"
    assert len(waits) == 3
    assert all(0 <= w <= bound for w, bound in zip(waits, [1, 2, 4], strict=True))


def test_unreachable_api_is_a_transport_error() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    dc, waits = mock(refuse, retry=Retry(attempts=3))
    with pytest.raises(ApiTransportError) as caught:
        dc.get("10.80000/a")
    assert str(caught.value) == "GET https://api.example.invalid/dois/10.80000/a: no response: ConnectError"
    assert len(waits) == 2


def test_malformed_json_is_an_api_error() -> None:
    dc, _ = mock(lambda request: httpx.Response(200, content=b"<html>"))
    with pytest.raises(ApiError, match="the answer is not JSON"):
        dc.get("10.80000/a")


def test_a_list_whose_cursor_never_advances_stops() -> None:
    page = {
        "data": [{"id": "10.80000/a"}],
        "links": {"next": "https://api.example.invalid/dois?page%5Bcursor%5D=X"},
    }
    dc, _ = mock(lambda request: httpx.Response(200, json=page))
    with pytest.raises(ApiError, match="repeats a page already read"):
        list(dc.list_dois(client_id="example.repo"))


def test_the_list_asks_for_no_detail_and_yields_each_page_in_order() -> None:
    """`detail=true` adds only server-owned attributes (the XML above all): a plan never asks for it."""
    pages = {
        "1": {
            "data": [{"id": "a"}, {"id": "b"}],
            "links": {"next": "https://api.example.invalid/dois?page%5Bcursor%5D=2"},
        },
        "2": {"data": [{"id": "c"}], "links": "not an object"},
    }
    seen: list[httpx.QueryParams] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.params)
        return httpx.Response(200, json=pages[request.url.params["page[cursor]"]])

    dc, _ = mock(answer)
    assert [item["id"] for item in dc.list_dois(client_id="example.repo")] == ["a", "b", "c"]
    assert [params.get("detail") for params in seen] == [None, None]
    assert seen[0]["client-id"] == "example.repo"


@pytest.mark.parametrize(
    ("totals", "read", "requests"),
    [((4, 4, 4), "abcd", [1, 2]), ((4, 5, 5), "abcde", [1, 2, 3]), ((None, None, None), "abcd", [1, 2, 3])],
    ids=["total-reached", "total-grew", "no-total"],
)  # fmt: skip
def test_the_list_stops_once_it_has_read_the_total_the_page_states(
    totals: tuple[int | None, ...], read: str, requests: list[int]
) -> None:
    """DataCite links a last full page to an empty one (reference §6.3): not asked for when the
    page's meta.total is reached, asked for when the total grew while the list was read."""
    pages = [["a", "b"], ["c", "d"], ["e"] if totals[1] == 5 else []]
    asked: list[int] = []

    def answer(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params["page[cursor]"])
        asked.append(number)
        body: dict[str, Any] = {
            "data": [{"id": doi} for doi in pages[number - 1]],
            "links": {"next": f"https://api.example.invalid/dois?page%5Bcursor%5D={number + 1}"},
        }
        if totals[number - 1] is not None:
            body["meta"] = {"total": totals[number - 1]}
        return httpx.Response(200, json=body)

    dc, _ = mock(answer)
    assert "".join(item["id"] for item in dc.list_dois(client_id="example.repo", page_size=2)) == read
    assert asked == requests


def test_a_failure_of_the_page_read_ahead_is_raised_where_that_page_is_reached() -> None:
    """The next page is read in a thread while this one is compared; its failure is the caller's."""
    first = {
        "data": [{"id": "10.80000/a"}, {"id": "10.80000/b"}],
        "links": {"next": "https://api.example.invalid/dois?page%5Bcursor%5D=2"},
    }

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("page[cursor]") == "2":
            return httpx.Response(403, json={"errors": [{"title": "page two is refused"}]})
        return httpx.Response(200, json=first)

    dc, _ = mock(answer)
    pages = dc.list_dois(client_id="example.repo")
    assert [next(pages)["id"], next(pages)["id"]] == ["10.80000/a", "10.80000/b"]
    with pytest.raises(ApiError, match="403: page two is refused"):
        next(pages)


def test_403_and_object_shaped_errors() -> None:
    dc, _ = mock(lambda request: httpx.Response(403, json={"errors": {"title": "You are not authorized"}}))
    with pytest.raises(ApiError, match="403: You are not authorized"):
        dc.delete("10.80000/a")


def test_user_agent_names_doiac_and_mailto() -> None:
    seen: dict[str, str] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen.update(request.headers)
        return httpx.Response(404, json={})

    dc, _ = mock(handler, mailto="ops@example.org")
    assert dc.get("10.80000/a") is None
    assert seen["user-agent"].startswith("doiac/")
    assert seen["user-agent"].endswith("(mailto:ops@example.org)")
    assert json.dumps(seen).count(SECRET) == 0  # only base64 in Authorization, never plain


def test_rate_budget_spends_evenly_after_the_burst() -> None:
    """3 per 30 s with a 30 s burst: 0.05 a second, 1.5 at once, and 3 in any 30 s at most."""
    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    budget = RateBudget(3, window=30.0, clock=lambda: now[0], sleep=sleep, burst=30.0)
    for _ in range(5):
        budget.take()
    assert waits == pytest.approx([10.0, 20.0, 20.0, 20.0])


def test_path_quoting(tmp_path: Path) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.raw_path.decode())
        return httpx.Response(404, json={})

    dc, _ = mock(handler)
    dc.get("10.80000/A?B#C")
    assert seen == ["/dois/10.80000/a%3Fb%23c?affiliation=true&publisher=true"]


def test_rate_budget_paces_evenly_by_default() -> None:
    """3,000 per 5 minutes: a second's worth (~10) at once, then ~10 a second, never a window's worth.

    The rate leaves room for the burst: burst + a whole window of refill is exactly the budget.
    """
    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    budget = RateBudget(3000, clock=lambda: now[0], sleep=sleep)
    for _ in range(30):
        budget.take()
    rate = 3000 / 301
    assert len(waits) == 21
    assert now[0] == pytest.approx((30 - rate) / rate, rel=1e-6)
    # In any window, no more than the budget: start full, then a whole window of takes.
    now[0], waits[:] = 0.0, []
    budget = RateBudget(300, window=10.0, clock=lambda: now[0], sleep=sleep)
    for _ in range(301):
        budget.take()
    assert now[0] > 10.0


@pytest.mark.parametrize(
    ("status", "refused"), [(200, False), (422, False), (400, False), (403, False), (500, False), (401, True)],
    ids=["ok", "invalid-record", "bad-request", "forbidden", "server-error", "bad-credentials"],
)  # fmt: skip
def test_check_credentials_refuses_only_on_401(status: int, refused: bool) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert (request.method, request.url.path) == ("POST", "/dois/validate")
        return httpx.Response(status, json={"errors": [{"status": str(status), "title": "Bad credentials."}]})

    client = DataCiteClient(
        "http://127.0.0.1:9", "EXAMPLE.REPO", SECRET, transport=httpx.MockTransport(handler),
        retry=Retry(attempts=2, base=0.0, cap=0.0), sleep=lambda _: None,
    )  # fmt: skip
    if refused:
        with pytest.raises(ApiAuthError, match=r"401: Bad credentials\."):
            client.check_credentials()
    else:
        client.check_credentials()
    client.close()


def test_a_live_record_holds_no_xml_and_no_counters() -> None:
    item = {
        "id": "10.80000/a",
        "attributes": {"doi": "10.80000/a", "state": "findable", "xml": "PD94bWw=", "viewCount": 3,
                       "viewsOverTime": [{"yearMonth": "2026-01", "total": 3}], "titles": [{"title": "T"}],
                       "registered": "2026-01-01T00:00:00.000Z"},
    }  # fmt: skip
    record = live_record(item)
    assert sorted(record.attributes) == ["doi", "registered", "state", "titles"]
    assert "xml" in item["attributes"]  # the answer itself is not changed
