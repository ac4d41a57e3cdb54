"""The sandbox app, in process (Starlette's TestClient) and over a real loopback socket.

Focused on the paths a reconciler leans on: the state machine, delete rules, who may see and
write what, listing (cursor walk, lagging index), and the switches for 429 and dropped
connections. Reference sections are named in the test names' docstrings where they help.
"""

from __future__ import annotations

import base64
import gzip
import socket
import time
import warnings
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.exceptions import StarletteDeprecationWarning

from reconciler.sandbox import Client, Faults, SandboxOptions, SandboxServer, Store, create_app
from reconciler.sandbox.faults import DroppedConnection

from ..helpers.sandbox_admin import admin

with warnings.catch_warnings():
    # Starlette 1.x would rather drive its TestClient with the `httpx2` fork; plain httpx still works.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

OWNER = Client("EXAMPLE.REPO", "secret", ("10.80000",), ("data.example.org",), api_key="DC.key-1")
OTHER = Client("OTHER.REPO", "secret2", ("10.80002",))
URL = "https://data.example.org/records/1"
FULL = {
    "creators": [{"name": "Doe, Jane", "affiliation": [{"name": "Example University"}]}],
    "titles": [{"title": "Sensor readings 2024"}],
    "publisher": "Example Repository",
    "publicationYear": 2024,
    "types": {"resourceTypeGeneral": "Dataset"},
}
DOI = "10.80000/abc"
TOKEN = "in-process-admin-token"
ADMIN = admin(TOKEN)


def body(**attributes: Any) -> dict[str, Any]:
    return {"data": {"type": "dois", "attributes": attributes}}


def attrs(response: httpx.Response) -> dict[str, Any]:
    return dict(response.json()["data"]["attributes"])


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


@pytest.fixture
def api() -> Iterator[TestClient]:
    store = Store(":memory:")
    for account in (OWNER, OTHER):
        store.put_client(account)
    app = create_app(store, Faults(), admin_token=TOKEN)
    with TestClient(app, headers=basic("example.repo", "secret")) as client:
        yield client
    store.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    db = tmp_path_factory.mktemp("sandbox") / "s.sqlite"
    with SandboxServer(db, SandboxOptions(repositories=[OWNER, OTHER])) as running:
        yield running


@pytest.fixture
def remote(server: SandboxServer) -> Iterator[httpx.Client]:
    httpx.post(f"{server.url}/_sandbox/reset", headers=admin(server))
    httpx.post(
        f"{server.url}/_sandbox/config",
        json={"rate_limit": None, "fail_rate": 0, "index_lag": 0},
        headers=admin(server),
    )
    with httpx.Client(base_url=server.url, auth=("example.repo", "secret"), timeout=30) as client:
        yield client


# §3.1 states and events -----------------------------------------------------------------------


def test_lifecycle_draft_register_publish_hide_show(api: TestClient) -> None:
    created = api.post("/dois", json=body(doi=DOI, url=URL, **FULL))
    assert (created.status_code, attrs(created)["state"], attrs(created)["registered"]) == (
        201,
        "draft",
        None,
    )
    assert attrs(created)["schemaVersion"] is None  # a JSON-only create (datacite issue #2015)
    seen = []
    for event in ("register", "publish", "hide", "show", "teleport", "register"):
        response = api.put(f"/dois/{DOI}", json=body(event=event))
        assert response.status_code == 200
        seen.append((attrs(response)["state"], attrs(response)["isActive"]))
    assert seen == [
        ("registered", False),
        ("findable", True),
        ("registered", False),
        ("findable", True),
        ("findable", True),  # unknown event: silently ignored
        ("findable", True),  # register from findable: not a transition, ignored
    ]
    final = attrs(api.get(f"/dois/{DOI}"))
    assert final["schemaVersion"] == "http://datacite.org/schema/kernel-4"
    assert final["registered"] is not None
    assert final["published"] == "2024"


def test_put_creates_then_updates_and_patch_is_put(api: TestClient) -> None:
    assert api.put(f"/dois/{DOI}", json=body(titles=[{"title": "A"}])).status_code == 201
    assert api.patch(f"/dois/{DOI}", json=body(titles={"title": "B"})).status_code == 200
    assert attrs(api.get(f"/dois/{DOI}"))["titles"] == [{"title": "B"}]


def test_sent_schema_version_is_kept_and_decides_the_checks(api: TestClient) -> None:
    """§2.2: schemaVersion is writable and names the errors. An unmapped one, which lets DataCite skip the
    XSD check (§3.2, #1893), is checked all the same: the sandbox refuses what the 4.7 XSD refuses."""
    response = api.post(
        "/dois",
        json=body(doi=DOI, url=URL, event="publish", schemaVersion="http://datacite.org/schema/kernel-4"),
    )
    assert response.json()["errors"][0] == {
        "source": "creators",
        "title": "DOI 10.80000/abc: Missing child element(s). Expected is "
        "( {http://datacite.org/schema/kernel-4}creator ). at line 4, column 0",
        "uid": DOI,
    }
    odd = "http://datacite.org/schema/kernel-4.4"
    response = api.post("/dois", json=body(doi=DOI, url=URL, event="publish", schemaVersion=odd))
    assert (response.status_code, response.json()["errors"][0]["source"]) == (422, "creators")
    response = api.post("/dois", json=body(doi=DOI, schemaVersion=odd))
    assert (response.status_code, attrs(response)["schemaVersion"]) == (201, odd)


def test_retired_schema_versions_are_refused(api: TestClient) -> None:
    response = api.post("/dois", json=body(doi=DOI, schemaVersion="http://datacite.org/schema/kernel-3"))
    assert response.json()["errors"] == [
        {
            "source": "xml",
            "title": "DOI 10.80000/abc: Schema http://datacite.org/schema/kernel-3 is no longer supported",
            "uid": DOI,
        }
    ]


# §3.3 delete -------------------------------------------------------------------------------------


def test_delete_rules(api: TestClient) -> None:
    api.post("/dois", json=body(doi=DOI))
    api.post("/dois", json=body(doi="10.80000/pub", url=URL, event="publish", **FULL))
    api.post("/dois", json=body(doi="10.80002/theirs"), headers=basic("other.repo", "secret2"))
    anonymous = api.delete(f"/dois/{DOI}", headers={"Authorization": ""})
    published = api.delete("/dois/10.80000/pub")
    assert [
        (anonymous.status_code, anonymous.json()["errors"][0]["title"]),
        (published.status_code, published.headers["allow"], published.json()),
        api.delete("/dois/10.80002/theirs").status_code,
        api.delete("/dois/10.80000/none").status_code,
    ] == [
        (401, "Bad credentials."),
        (
            405,
            "HEAD, GET, POST, PATCH, PUT, OPTIONS",
            {"errors": [{"status": "405", "title": "Method not allowed"}]},
        ),
        403,
        404,
    ]
    deleted = api.delete(f"/dois/{DOI}")
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert api.get(f"/dois/{DOI}").status_code == 404


# §1.2, §4 who may see and write what ---------------------------------------------------------------

NOBODY = {"Authorization": ""}
WRONG = basic("example.repo", "wrong")
STRANGER = basic("other.repo", "secret2")
KEY_BEARER = {"Authorization": "Bearer DC.key-1"}
KEY_AS_PASSWORD = basic("EXAMPLE.REPO", "DC.key-1")
KEY_AS_USER = basic("DC.key-1", "")


@pytest.mark.parametrize(
    ("method", "path", "headers", "status"),
    [
        ("GET", "/dois/10.80000/draft", NOBODY, 404),
        ("GET", "/dois/10.80000/draft", WRONG, 404),  # no 401 on reads: the anonymous view
        ("GET", "/dois/10.80000/draft", STRANGER, 404),  # another repository: 404, not 403
        ("GET", "/dois/10.80000/draft", {}, 200),
        ("GET", "/dois/10.80000/DRAFT", {}, 200),
        ("GET", "/dois/10.80000%2Fdraft", {}, 200),
        ("GET", "/dois/10.80000/draft", KEY_BEARER, 200),
        ("GET", "/dois/10.80000/findable", NOBODY, 200),
        ("PUT", "/dois/10.80000/draft", NOBODY, 401),
        ("PUT", "/dois/10.80000/draft", WRONG, 401),
        ("PUT", "/dois/10.80000/draft", {"Authorization": "Bearer not-a-key"}, 401),
        ("PUT", "/dois/10.80000/draft", STRANGER, 403),
        ("PUT", "/dois/10.80002/new", {}, 403),  # a prefix the repository does not hold
        ("PUT", "/dois/10.80000/draft", KEY_BEARER, 200),
        ("PUT", "/dois/10.80000/draft", KEY_AS_PASSWORD, 200),
        ("PUT", "/dois/10.80000/draft", KEY_AS_USER, 200),
        ("PUT", "/dois/10.80000/draft", basic("Example.Repo", "secret"), 200),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_auth_matrix(api: TestClient, method: str, path: str, headers: dict[str, str], status: int) -> None:
    api.post("/dois", json=body(doi="10.80000/draft"))
    api.post("/dois", json=body(doi="10.80000/findable", url=URL, event="publish", **FULL))
    response = api.request(method, path, headers=headers, json=body(titles=[{"title": "T"}]))
    assert response.status_code == status
    if status >= 400:
        assert response.json()["errors"][0]["status"] == str(status)


def test_consumer_headers(api: TestClient) -> None:
    api.post("/dois", json=body(doi="10.80000/findable", url=URL, event="publish", **FULL))
    path = "/dois/10.80000/findable"
    assert api.get(path, headers=NOBODY).headers["x-anonymous-consumer"] == "true"
    assert api.get(path).headers["x-credential-username"] == "example.repo"
    wrong = api.get(path, headers=WRONG).headers
    assert ("x-anonymous-consumer" in wrong, "x-credential-username" in wrong) == (False, False)
    assert api.get("/heartbeat").headers["x-credential-username"] == "example.repo"


def test_landing_page_only_for_the_owner(api: TestClient) -> None:
    api.post("/dois", json=body(doi="10.80000/findable", url=URL, event="publish", **FULL))
    assert attrs(api.get("/dois/10.80000/findable"))["landingPage"] is None
    assert "landingPage" not in attrs(api.get("/dois/10.80000/findable", headers=NOBODY))
    assert "landingPage" in api.get("/dois").json()["data"][0]["attributes"]
    assert "landingPage" not in api.get("/dois", headers=STRANGER).json()["data"][0]["attributes"]
    detail = api.get("/dois", params={"detail": "true", "affiliation": "true"}).json()["data"][0]
    assert detail["attributes"]["landingPage"] is None


@pytest.mark.parametrize(
    "flags",
    [{}, {"detail": "true", "affiliation": "true", "publisher": "true"}, {"affiliation": "true", "publisher": "true"},
     {"affiliation": "true"}, {"detail": "true"}],
    ids=["plain", "full", "expanded", "affiliation-only", "detail-only"],
)  # fmt: skip
def test_a_pre_rendered_list_view_is_the_item_rebuilt(
    api: TestClient, flags: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Listing splices views rendered at write time; each must be what rebuilding the item gives."""
    creator = {"name": "Doe, Jane", "affiliation": [{"name": "Example University", "affiliationIdentifier":
               "https://ror.org/04wxnsj81", "affiliationIdentifierScheme": "ROR"}]}  # fmt: skip
    api.post(
        "/dois", json=body(doi="10.80000/mine", url=URL, event="publish", **{**FULL, "creators": [creator]})
    )
    api.post("/dois", json=body(doi="10.80002/theirs"), headers=STRANGER)
    with monkeypatch.context() as patched:
        if len(flags) != 1:  # a view kept at write time: listing rebuilds no item
            patched.setattr("reconciler.sandbox.listing.resource", lambda *a, **k: pytest.fail("rebuilt"))
        spliced = api.get("/dois", params=flags)
    monkeypatch.setattr("reconciler.sandbox.listing.VIEWS", {})  # no view pre-rendered: each item rebuilt
    rebuilt = api.get("/dois", params=flags)
    assert spliced.status_code == rebuilt.status_code == 200
    assert spliced.json() == rebuilt.json()
    assert len(spliced.json()["data"]) == 2


def test_a_store_written_before_a_view_was_pre_rendered_still_lists() -> None:
    store = Store(":memory:")
    store.put_client(OWNER)
    with TestClient(
        create_app(store, Faults(), admin_token=TOKEN), headers=basic("example.repo", "secret")
    ) as api:
        api.post("/dois", json=body(doi="10.80000/old", url=URL, event="publish", **FULL))
        flags = {"affiliation": "true", "publisher": "true", "page[cursor]": "1"}
        now = api.get("/dois", params=flags).json()
        with store.transaction() as db:  # as a store of an earlier sandbox holds it: no such view
            db.execute("UPDATE list_index SET document = json_remove(document, '$.views.expanded')")
        assert api.get("/dois", params=flags).json() == now
    store.close()


def test_authenticated_lists_show_other_repositories_drafts(api: TestClient) -> None:
    """§1.2 / datacite issue #1448: filter by client-id."""
    api.post("/dois", json=body(doi="10.80000/mine"))
    api.post("/dois", json=body(doi="10.80002/theirs"), headers=STRANGER)
    listed = {d["id"] for d in api.get("/dois").json()["data"]}
    assert listed == {"10.80000/mine", "10.80002/theirs"}
    mine = api.get("/dois", params={"client_id": "EXAMPLE.repo"}).json()["data"]
    assert [d["id"] for d in mine] == ["10.80000/mine"]
    assert api.get("/dois", headers=NOBODY, params={"state": "draft"}).json()["data"] == []


def test_next_link_is_built_like_lupo_builds_it(api: TestClient) -> None:
    for n in range(3):
        api.post("/dois", json=body(doi=f"10.80000/n{n}"))
    query = "updated:[2000-01-01 TO *]"
    listed = api.get(f"/dois?client_id=example.repo&disable-facets=true&page[size]=2&query={query}").json()
    assert listed["meta"] == {"total": 3, "totalPages": 2, "page": 1}
    assert listed["links"]["next"] == (
        "http://testserver/dois?client-id=example.repo&disable-facets=true"
        "&page%5Bnumber%5D=2&page%5Bsize%5D=2&query=updated%3A%5B2000-01-01+TO+%2A%5D"
    )


# §2.1, §7 bodies and errors ---------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_compressed_bodies(api: TestClient, encoding: str) -> None:
    raw = httpx.Request("POST", "/", json=body(doi=DOI, titles=[{"title": "Z"}])).content
    packed = gzip.compress(raw) if encoding == "gzip" else zlib.compress(raw)
    response = api.post("/dois", content=packed, headers={"Content-Encoding": encoding})
    assert (response.status_code, attrs(response)["titles"]) == (201, [{"title": "Z"}])


def test_oversized_and_unpacking_bodies_are_413(api: TestClient) -> None:
    assert api.post("/dois", content=b" " * (10 * 1024 * 1024 + 1)).status_code == 413
    bomb = gzip.compress(b" " * (20 * 1024 * 1024))
    assert api.post("/dois", content=bomb, headers={"Content-Encoding": "gzip"}).status_code == 413


def test_hostile_admin_and_random_requests_are_not_500(api: TestClient) -> None:
    assert api.post("/_sandbox/config", content=b"{oops", headers=ADMIN).status_code == 400
    assert api.post("/_sandbox/repositories", json={"id": "X.Y"}, headers=ADMIN).status_code == 422
    assert api.post("/_sandbox/config", json=[1], headers=ADMIN).status_code == 422
    assert len(api.get("/dois/random", params={"prefix": "10.80000", "number": "lots"}).json()["dois"]) == 1


def test_seed_takes_the_url_from_the_record_or_its_attributes(api: TestClient) -> None:
    records = [
        {
            "doi": "10.80000/s1",
            "state": "findable",
            "client": "EXAMPLE.REPO",
            "attributes": {**FULL, "url": URL},
        },
        {"doi": "10.80000/s2", "state": "findable", "url": URL, "attributes": FULL},  # client from the prefix
    ]
    assert api.post("/_sandbox/seed", json=records, headers=ADMIN).json() == {"seeded": 2}
    assert attrs(api.get("/dois/10.80000/s1", headers=NOBODY))["url"] == URL
    refused = api.post(
        "/_sandbox/seed",
        json=[{"doi": "10.80000/s3", "state": "findable", "attributes": FULL}],
        headers=ADMIN,
    )
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {"source": "url", "title": "Can't be blank", "uid": "10.80000/s3", "record": 0}
    ]


def test_an_injected_drop_raises_in_process(api: TestClient) -> None:
    api.post("/_sandbox/config", json={"fail_rate": 1.0, "seed": 0}, headers=ADMIN)
    failures = []
    for _ in range(50):
        try:
            failures.append(api.get("/heartbeat").status_code)
        except DroppedConnection:
            failures.append(0)
    assert 0 in failures
    assert set(failures) <= {0, 500, 502, 503, 504}


# Over a real socket: §6.3 cursor walk, §11.1 index lag, §9 rate limit, faults, restarts -------------


def test_cursor_walk_over_2500_records(remote: httpx.Client, server: SandboxServer) -> None:
    records = [
        {
            "doi": f"10.80000/c{n:04d}",
            "client": "EXAMPLE.REPO",
            "state": "findable",
            "url": URL,
            "attributes": FULL,
        }
        for n in range(2500)
    ]
    seeded = httpx.post(f"{server.url}/_sandbox/seed", json=records, headers=admin(server), timeout=60)
    assert seeded.json() == {"seeded": 2500}
    url: str | None = "/dois?client-id=example.repo&page[cursor]=1&page[size]=1000"
    seen: list[str] = []
    pages = 0
    while url:
        page = remote.get(url).json()
        assert page["meta"] == {"total": 2500, "totalPages": 3}
        seen += [d["id"] for d in page["data"]]
        url = page["links"].get("next")
        pages += 1
    assert (pages, len(seen), len(set(seen))) == (3, 2500, 2500)
    assert seen == sorted(seen)  # created ascending, then the DOI
    garbage = remote.get(
        "/dois", params={"client-id": "example.repo", "page[cursor]": "no!", "page[size]": 2}
    ).json()
    assert [d["id"] for d in garbage["data"]] == ["10.80000/c0000", "10.80000/c0001"]
    assert remote.get("/dois?page[cursor]=1&random=true").status_code == 400


def test_the_list_lags_behind_writes_but_deletes_leave_at_once(
    remote: httpx.Client, server: SandboxServer
) -> None:
    httpx.post(f"{server.url}/_sandbox/config", json={"index_lag": 0.5}, headers=admin(server))
    remote.post("/dois", json=body(doi=DOI))
    assert remote.get(f"/dois/{DOI}").status_code == 200  # the single GET reads the database
    assert remote.get("/dois").json()["meta"]["total"] == 0
    time.sleep(0.6)
    assert remote.get("/dois").json()["meta"]["total"] == 1
    remote.put(f"/dois/{DOI}", json=body(titles=[{"title": "New"}]))
    assert remote.get("/dois").json()["data"][0]["attributes"]["titles"] == []  # the old snapshot
    remote.delete(f"/dois/{DOI}")
    assert remote.get("/dois").json()["meta"]["total"] == 0


def test_rate_limit_answers_429_with_retry_after(remote: httpx.Client, server: SandboxServer) -> None:
    httpx.post(f"{server.url}/_sandbox/config", json={"rate_limit": "3/60"}, headers=admin(server))
    codes = [remote.get("/heartbeat").status_code for _ in range(4)]
    limited = remote.get("/heartbeat")
    assert (codes, limited.status_code) == ([200, 200, 200, 429], 429)
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert limited.json() == {
        "errors": [
            {
                "status": "429",
                "title": "Your request has been rate limited. See https://support.datacite.org/docs/rate-limit.",
            }
        ]
    }


def test_a_dropped_connection_answers_nothing(remote: httpx.Client, server: SandboxServer) -> None:
    httpx.post(f"{server.url}/_sandbox/config", json={"fail_rate": 1.0, "seed": 0}, headers=admin(server))
    answers = []
    for _ in range(40):
        with socket.create_connection((server.host, server.port), timeout=5) as sock:
            sock.sendall(b"GET /heartbeat HTTP/1.1\r\nHost: sandbox\r\n\r\n")
            try:
                answers.append(sock.recv(64)[:12])
            except ConnectionResetError:
                answers.append(b"")
    assert b"" in answers  # closed without a status line
    assert set(answers) <= {b"", b"HTTP/1.1 500", b"HTTP/1.1 502", b"HTTP/1.1 503", b"HTTP/1.1 504"}
    outcomes: set[int | str] = set()
    for _ in range(40):
        try:
            outcomes.add(remote.get("/heartbeat").status_code)
        except httpx.TransportError as exc:  # what a client sees: "disconnected without a response"
            outcomes.add(type(exc).__name__)
    assert outcomes & {"RemoteProtocolError", "ReadError"}


def test_state_survives_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    with SandboxServer(db, SandboxOptions(repositories=[OWNER])) as first:
        httpx.post(
            f"{first.url}/dois",
            auth=("example.repo", "secret"),
            json=body(doi=DOI, url=URL, event="publish", **FULL),
        )
    with SandboxServer(db) as second:
        assert attrs(httpx.get(f"{second.url}/dois/{DOI}"))["state"] == "findable"
        assert (
            httpx.get(f"{second.url}/dois", headers={"Authorization": "Bearer DC.key-1"}).json()["meta"][
                "total"
            ]
            == 1
        )
