"""The sandbox's admin endpoints answer only to its token, and only to JSON bodies.

Any web page can make a browser send a `text/plain` POST to 127.0.0.1; without a token it could
replace a repository's password, overwrite a DOI through seed, empty the sandbox or switch faults
on. `/_sandbox/…` asks for the `X-Doiac-Sandbox-Token` header (a header a page cannot set without
a CORS preflight the sandbox never grants) and refuses other body types with 415.
"""

from __future__ import annotations

import os
import re
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from reconciler.sandbox import Client, SandboxOptions, SandboxServer

from ..helpers.sandbox_admin import admin

ACCOUNT = Client("EXAMPLE.REPO", "secret", ("10.80000",), ("data.example.org",))
AUTH = ("example.repo", "secret")
DOI = "10.80000/kept"
RECORD = {
    "doi": DOI,
    "state": "draft",
    "client": "EXAMPLE.REPO",
    "attributes": {"titles": [{"title": "Kept"}]},
}
UNAUTHORIZED = {"errors": [{"status": "401", "title": "Bad credentials."}]}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[SandboxServer]:
    with SandboxServer(tmp_path / "s.sqlite", SandboxOptions(repositories=[ACCOUNT])) as running:
        assert (
            httpx.post(f"{running.url}/_sandbox/seed", json=[RECORD], headers=admin(running)).status_code
            == 200
        )
        yield running


def _state(server: SandboxServer) -> tuple[Any, ...]:
    """What an attacker would like to change: the DOI's title, the password, the faults."""
    held = httpx.get(f"{server.url}/dois/{DOI}", auth=AUTH)
    config = httpx.get(f"{server.url}/_sandbox/config", headers=admin(server)).json()
    return held.status_code, held.json()["data"]["attributes"]["titles"], config


ATTACKS = [
    ("GET", "stats", b""),
    ("GET", "config", b""),
    ("POST", "reset", b""),
    ("POST", "config", b'{"fail_rate": 1, "latency_ms": 5000}'),
    ("POST", "repositories", b'{"id": "EXAMPLE.REPO", "password": "pwned", "prefixes": ["10.80000"]}'),
    (
        "POST",
        "seed",
        b'[{"doi": "10.80000/kept", "client": "EXAMPLE.REPO", "attributes": {"titles": [{"title": "Pwned"}]}}]',
    ),
]
NO_TOKEN = {
    "none": {"Content-Type": "application/json"},
    "browser-form": {"Content-Type": "text/plain"},
    "wrong-token": {"X-Doiac-Sandbox-Token": "guess", "Content-Type": "application/json"},
    "empty-token": {"X-Doiac-Sandbox-Token": "", "Content-Type": "application/json"},
    "repository-password": {
        "Authorization": "Basic ZXhhbXBsZS5yZXBvOnNlY3JldA==",
        "Content-Type": "application/json",
    },
}


@pytest.mark.parametrize("sent", NO_TOKEN.values(), ids=NO_TOKEN.keys())
@pytest.mark.parametrize(("method", "action", "content"), ATTACKS, ids=[f"{m} {a}" for m, a, _ in ATTACKS])
def test_admin_without_the_token_is_401_and_changes_nothing(
    server: SandboxServer, method: str, action: str, content: bytes, sent: dict[str, str]
) -> None:
    before = _state(server)
    response = httpx.request(method, f"{server.url}/_sandbox/{action}", content=content, headers=sent)
    assert (response.status_code, response.json()) == (401, UNAUTHORIZED)
    assert _state(server) == before
    assert httpx.get(f"{server.url}/dois/{DOI}", auth=AUTH).status_code == 200  # the password still works


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "", "multipart/form-data"]
)
@pytest.mark.parametrize(("method", "action", "content"), ATTACKS[3:], ids=[a for _, a, _ in ATTACKS[3:]])
def test_admin_bodies_that_are_not_json_are_415(
    server: SandboxServer, method: str, action: str, content: bytes, content_type: str
) -> None:
    before = _state(server)
    headers = {**admin(server), "Content-Type": content_type}
    response = httpx.request(method, f"{server.url}/_sandbox/{action}", content=content, headers=headers)
    assert response.status_code == 415
    assert response.json()["errors"][0]["title"] == "/_sandbox/ takes Content-Type: application/json bodies"
    assert _state(server) == before


def test_admin_with_the_token_works(server: SandboxServer) -> None:
    url = f"{server.url}/_sandbox"
    headers = {**admin(server), "Content-Type": "application/json; charset=utf-8"}
    assert httpx.post(f"{url}/config", json={"latency_ms": 1}, headers=headers).json()["latency_ms"] == 1
    assert httpx.get(f"{url}/stats", headers=headers).status_code == 200
    assert httpx.post(f"{url}/reset", headers=headers).json() == {"reset": True}
    assert httpx.get(f"{server.url}/dois/{DOI}", auth=AUTH).status_code == 404


def test_the_token_is_generated_per_server_unless_given(tmp_path: Path) -> None:
    with SandboxServer(tmp_path / "a.sqlite") as one, SandboxServer(tmp_path / "b.sqlite") as two:
        assert one.admin_token != two.admin_token
        assert len(one.admin_token) >= 32
        assert httpx.get(f"{one.url}/_sandbox/stats", headers=admin(two)).status_code == 401
    with SandboxServer(tmp_path / "c.sqlite", admin_token="given-token") as given:
        assert given.admin_token == "given-token"
        assert httpx.get(f"{given.url}/_sandbox/stats", headers=admin("given-token")).status_code == 200
    with pytest.raises(ValueError, match="admin token"):
        SandboxServer(tmp_path / "d.sqlite", admin_token="")


# `doiac sandbox` in its own process ---------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Sandbox:
    """`doiac sandbox` in a child process: its URL, its command line as `ps` shows it, its stderr."""

    def __init__(self, tmp_path: Path, env: dict[str, str], *args: str) -> None:
        port = _free_port()
        command = [sys.executable, "-m", "reconciler", "sandbox", "--port", str(port),
                   "--db", str(tmp_path / "s.sqlite"), *args]  # fmt: skip
        clean = {k: v for k, v in os.environ.items() if not k.startswith("DOIAC_")}
        self.process = subprocess.Popen(command, env={**clean, **env}, stderr=subprocess.PIPE)
        self.url = f"http://127.0.0.1:{port}"
        self.err = b""
        deadline = time.monotonic() + 30
        while not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.process.kill()
                pytest.fail(f"doiac sandbox did not start: {self.stop()}")
            time.sleep(0.05)
        self.cmdline = Path(f"/proc/{self.process.pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()

    def _answers(self) -> bool:
        try:
            return httpx.get(f"{self.url}/heartbeat").status_code == 200
        except httpx.TransportError:
            return False

    def read_err(self, pattern: str, timeout: float = 10) -> re.Match[str] | None:
        """Wait for stderr to match `pattern` while the sandbox keeps running."""
        assert self.process.stderr is not None
        deadline = time.monotonic() + timeout
        while (found := re.search(pattern, self.err.decode())) is None and time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stderr], [], [], 0.1)
            if ready:
                self.err += os.read(self.process.stderr.fileno(), 4096)
        return found

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        _, rest = self.process.communicate(timeout=30)
        return (self.err + rest).decode()


def test_doiac_sandbox_takes_the_token_and_passwords_from_the_environment(tmp_path: Path) -> None:
    env = {"DOIAC_SANDBOX_TOKEN": "token-from-env", "DOIAC_SANDBOX_PASSWORD_EXAMPLE_REPO": "pw-from-env"}
    sandbox = _Sandbox(tmp_path, env, "--repository", "EXAMPLE.REPO::10.80000")
    try:
        assert "EXAMPLE.REPO::10.80000" in sandbox.cmdline
        assert "pw-from-env" not in sandbox.cmdline
        assert httpx.get(f"{sandbox.url}/_sandbox/stats", headers=admin("token-from-env")).status_code == 200
        assert httpx.get(f"{sandbox.url}/_sandbox/stats").status_code == 401
        created = httpx.put(f"{sandbox.url}/dois/10.80000/a", json={"data": {"attributes": {}}},
                            auth=("example.repo", "pw-from-env"))  # fmt: skip
        assert created.status_code == 201, created.text
    finally:
        err = sandbox.stop()
    assert "token-from-env" not in err
    assert "pw-from-env" not in err
    assert "admin token: from $DOIAC_SANDBOX_TOKEN" in err
    assert "Traceback" not in err


def test_doiac_sandbox_prints_a_token_it_generated_once(tmp_path: Path) -> None:
    sandbox = _Sandbox(tmp_path, {}, "--repository", "EXAMPLE.REPO:secret:10.80000")
    try:
        found = sandbox.read_err(r"admin token: (\S+) \(send it as X-Doiac-Sandbox-Token\)")
        assert found is not None, sandbox.err.decode()
        assert httpx.get(f"{sandbox.url}/_sandbox/stats", headers=admin(found[1])).status_code == 200
        assert httpx.get(f"{sandbox.url}/_sandbox/stats").status_code == 401
    finally:
        err = sandbox.stop()
    assert err.count(found[1]) == 1
    assert "secret" not in err
    assert "Traceback" not in err
