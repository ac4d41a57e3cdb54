"""Restarts, concurrent writers and hostile requests."""

from __future__ import annotations

import json
import os
import socket
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from reconciler.cli import main
from reconciler.config import load_config
from reconciler.environment import SANDBOX_DB, open_endpoint
from reconciler.errors import ConfigError
from reconciler.sandbox import Client, SandboxBusyError, SandboxOptions, SandboxServer

from ..conftest import Repo
from ..helpers.sandbox_admin import admin

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


def test_a_second_sandbox_on_the_same_file_refuses_to_start(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two sandboxes on one SQLite file would each think a DOI absent and both create it."""
    db = tmp_path / "s.sqlite"
    body = {"data": {"attributes": {"doi": "10.80000/once"}}}
    with SandboxServer(db, SandboxOptions(repositories=[ACCOUNT])) as first:
        busy = f"{db} is in use by another running sandbox (it holds {db}.lock, pid {os.getpid()})"
        with pytest.raises(SandboxBusyError) as refused:
            SandboxServer(db, SandboxOptions(repositories=[ACCOUNT]))
        assert str(refused.value) == busy
        # `doiac sandbox` on the held file (and on the first one's port, should it start anyway).
        code = main(
            ["sandbox", "-r", "EXAMPLE.REPO:secret:10.80000", "--db", str(db), "--port", str(first.port)]
        )
        assert (code, capsys.readouterr().err) == (
            1,
            f"doiac: error: {busy}; stop it, or give this one another --db\n",
        )
        assert httpx.post(f"{first.url}/dois", json=body, auth=AUTH).status_code == 201
    with SandboxServer(db) as second:  # released on stop
        assert httpx.post(f"{second.url}/dois", json=body, auth=AUTH).status_code == 422  # already taken
        assert len(second.store.activities("10.80000/once")) == 1


def test_the_embedded_sandbox_waits_for_no_one_but_refuses_a_held_file(repo: Repo) -> None:
    config = load_config(repo.config)
    (repo.root / SANDBOX_DB).parent.mkdir()
    with (
        SandboxServer(repo.root / SANDBOX_DB),
        pytest.raises(ConfigError, match=r"the embedded sandbox cannot start: .* is in use by another"),
        open_endpoint(config, env={}),
    ):
        pass  # pragma: no cover - the endpoint does not open
    with open_endpoint(config, env={}) as endpoint:
        assert httpx.get(f"{endpoint.url}/heartbeat").status_code == 200


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
        # One audit per update that changed the subjects, each its own version: none lost, none merged.
        trail = server.store.activities("10.80000/shared")
        assert [a["version"] for a in trail] == list(range(1, 2001))
        listed = httpx.get(f"{server.url}/dois/10.80000/shared/activities", params={"page[size]": "1"}).json()
        assert listed["meta"]["total"] == 2000


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
        config = httpx.get(f"{server.url}/_sandbox/config", headers=admin(server))
        assert json.loads(config.text)["fail_rate"] == 0
