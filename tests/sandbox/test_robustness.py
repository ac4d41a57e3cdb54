"""Restarts, concurrent writers and hostile requests."""

from __future__ import annotations

import json
import socket
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from reconciler.sandbox import Client, SandboxOptions, SandboxServer

ACCOUNT = Client("EXAMPLE.REPO", "secret", ("10.80000",), ("data.example.org",))
AUTH = ("example.repo", "secret")


def test_state_survives_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    with SandboxServer(db, SandboxOptions(repositories=[ACCOUNT])) as server:
        httpx.post(
            f"{server.url}/dois",
            auth=AUTH,
            json={"data": {"attributes": {"doi": "10.80000/a", "titles": [{"title": "T"}]}}},
        )
    with SandboxServer(db) as server:
        response = httpx.get(f"{server.url}/dois/10.80000/a", auth=AUTH)
        assert response.json()["data"]["attributes"]["titles"] == [{"title": "T"}]
        assert httpx.get(f"{server.url}/dois", auth=AUTH).json()["meta"]["total"] == 1


@pytest.mark.slow
def test_sixteen_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    with SandboxServer(tmp_path / "s.sqlite", SandboxOptions(repositories=[ACCOUNT])) as server:

        def writer(worker: int) -> list[int]:
            codes = []
            with httpx.Client(base_url=server.url, auth=AUTH, timeout=30) as client:
                for n in range(125):
                    doi = f"10.80000/w{worker:02d}-{n:03d}"
                    body = {"data": {"attributes": {"titles": [{"title": f"{worker} {n}"}]}}}
                    codes.append(client.put(f"/dois/{doi}", json=body).status_code)
                    # Every writer also updates one shared DOI: updates must serialise, not clobber rows.
                    shared = {"data": {"attributes": {"subjects": [{"subject": f"{worker}-{n}"}]}}}
                    codes.append(client.put("/dois/10.80000/shared", json=shared).status_code)
            return codes

        with ThreadPoolExecutor(16) as pool:
            codes = [code for result in pool.map(writer, range(16)) for code in result]
        assert len(codes) == 4000
        assert set(codes) <= {200, 201}
        listed = httpx.get(f"{server.url}/dois", params={"client-id": "example.repo"}, auth=AUTH).json()
        assert listed["meta"]["total"] == 16 * 125 + 1
        activities = httpx.get(f"{server.url}/dois/10.80000/shared/activities", auth=AUTH).json()["data"]
        assert len(activities) == 2000


@pytest.mark.parametrize(
    ("method", "path", "content", "status"),
    [
        ("POST", "/dois", b"{not json", 400),
        ("POST", "/dois", b"[1, 2]", 400),
        ("POST", "/dois", b'{"data": "x"}', 400),
        ("PUT", "/dois/10.80000/a", b'{"data": {"attributes": []}}', 201),
        ("POST", "/dois", b'{"data": {"attributes": {"doi": 5}}}', 422),
        ("POST", "/dois", b'{"data": {"attributes": {"titles": "x", "doi": "10.80000/t"}}}', 422),
        ("GET", "/nope", b"", 404),
        ("PUT", "/heartbeat", b"", 405),
    ],
)
def test_bad_requests_get_datacite_errors_never_500(
    tmp_path: Path, method: str, path: str, content: bytes, status: int
) -> None:
    with SandboxServer(tmp_path / "s.sqlite", SandboxOptions(repositories=[ACCOUNT])) as server:
        response = httpx.request(method, f"{server.url}{path}", content=content, auth=AUTH,
                                 headers={"Content-Type": "application/json"})  # fmt: skip
        assert response.status_code == status
        if status >= 400:
            assert "errors" in response.json()
            assert "Traceback" not in response.text


def test_garbage_on_the_socket_does_not_kill_the_server(tmp_path: Path) -> None:
    with SandboxServer(tmp_path / "s.sqlite", SandboxOptions(repositories=[ACCOUNT])) as server:
        with socket.create_connection((server.host, server.port)) as sock:
            sock.sendall(b"\x00\x01garbage\r\n\r\n")
            sock.recv(1024)
        assert httpx.get(f"{server.url}/heartbeat").status_code == 200
        assert json.loads(httpx.get(f"{server.url}/_sandbox/config").text)["fail_rate"] == 0
