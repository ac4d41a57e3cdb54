"""Every value the sandbox takes is checked before it is used: admin settings, CLI options, JSON.

A setting that cannot work (a rate limit of 0 requests, a NaN fail rate, a latency of thirty
years) is refused whole with 422, and nothing of the request is applied. JSON that no real
client sends (NaN, Infinity, 64-bit-overflowing integers, 100 000 nested arrays) is a 400 on
every endpoint, never a 500 and never stored.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from reconciler.cli import main
from reconciler.sandbox import Client, SandboxOptions, SandboxServer

from ..helpers.sandbox_admin import admin

ACCOUNT = Client("EXAMPLE.REPO", "secret", ("10.80000",), ("data.example.org",))
AUTH = ("example.repo", "secret")
CLEAN = {"latency_ms": 0, "rate_limit": None, "fail_rate": 0, "lose_rate": 0, "seed": 0, "index_lag": 0}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    db = tmp_path_factory.mktemp("input") / "s.sqlite"
    with SandboxServer(db, SandboxOptions(repositories=[ACCOUNT])) as running:
        yield running


@pytest.fixture
def sandbox(server: SandboxServer) -> SandboxServer:
    httpx.post(f"{server.url}/_sandbox/reset", headers=admin(server))
    httpx.post(f"{server.url}/_sandbox/config", json=CLEAN, headers=admin(server))
    return server


def _config(server: SandboxServer) -> dict[str, object]:
    return dict(httpx.get(f"{server.url}/_sandbox/config", headers=admin(server)).json())


# POST /_sandbox/config -----------------------------------------------------------------------------

BAD_SETTINGS = {
    "rate-limit-of-no-request": ('{"rate_limit": "0/1"}', 422, "rate_limit"),
    "rate-limit-in-no-time": ('{"rate_limit": "1/0"}', 422, "rate_limit"),
    "rate-limit-negative": ('{"rate_limit": "-1/1"}', 422, "rate_limit"),
    "rate-limit-not-a-rate": ('{"rate_limit": "lots"}', 422, "rate_limit"),
    "rate-limit-infinite-window": ('{"rate_limit": "1/inf"}', 422, "rate_limit"),
    "rate-limit-nan-window": ('{"rate_limit": "1/nan"}', 422, "rate_limit"),
    "rate-limit-list-of-zero": ('{"rate_limit": [0, 1]}', 422, "rate_limit"),
    "rate-limit-list-of-three": ('{"rate_limit": [1, 1, 1]}', 422, "rate_limit"),
    "fail-rate-above-1": ('{"fail_rate": 1.5}', 422, "fail_rate"),
    "fail-rate-negative": ('{"fail_rate": -0.1}', 422, "fail_rate"),
    "fail-rate-as-text": ('{"fail_rate": "0.5"}', 422, "fail_rate"),
    "fail-rate-boolean": ('{"fail_rate": true}', 422, "fail_rate"),
    "fail-rate-nan": ('{"fail_rate": NaN}', 400, "NaN"),
    "lose-rate-above-1": ('{"lose_rate": 2}', 422, "lose_rate"),
    "latency-of-thirty-years": ('{"latency_ms": 1e12}', 422, "latency_ms"),
    "latency-negative": ('{"latency_ms": -1}', 422, "latency_ms"),
    "latency-overflowing": ('{"latency_ms": 1e999}', 400, "number"),
    "index-lag-negative": ('{"index_lag": -1}', 422, "index_lag"),
    "index-lag-over-an-hour": ('{"index_lag": 3601}', 422, "index_lag"),
    "index-lag-infinity": ('{"index_lag": Infinity}', 400, "Infinity"),
    "seed-fraction": ('{"seed": 1.5}', 422, "seed"),
    "seed-text": ('{"seed": "x"}', 422, "seed"),
    "unknown-setting": ('{"fail-rate": 0.5}', 422, "fail-rate"),
    "not-an-object": ("[1]", 422, "object"),
    "one-bad-of-three": ('{"latency_ms": 5, "fail_rate": 0.5, "rate_limit": "0/1"}', 422, "rate_limit"),
    "nan-after-a-good-one": ('{"latency_ms": 5, "fail_rate": NaN}', 400, "NaN"),
}


@pytest.mark.parametrize(("content", "status", "named"), BAD_SETTINGS.values(), ids=BAD_SETTINGS.keys())
def test_a_bad_setting_is_refused_and_nothing_is_applied(
    sandbox: SandboxServer, content: str, status: int, named: str
) -> None:
    before = _config(sandbox)
    response = httpx.post(f"{sandbox.url}/_sandbox/config", content=content, headers=admin(sandbox))
    assert response.status_code == status, response.text
    [problem] = response.json()["errors"]
    assert problem["status"] == str(status)
    assert named in problem["title"]
    assert _config(sandbox) == before
    # The sandbox still serves: no setting left behind that makes every request a 500 or a hang.
    assert httpx.get(f"{sandbox.url}/heartbeat", timeout=5).status_code == 200
    created = httpx.put(f"{sandbox.url}/dois/10.80000/after", json={"data": {"attributes": {}}}, auth=AUTH)
    assert created.status_code == 201


def test_good_settings_are_applied_together(sandbox: SandboxServer) -> None:
    changes = {"latency_ms": 60_000, "rate_limit": [2, 0.5], "fail_rate": 1, "lose_rate": 0.25, "seed": 7,
               "index_lag": 3600}  # fmt: skip
    response = httpx.post(f"{sandbox.url}/_sandbox/config", json=changes, headers=admin(sandbox))
    assert response.status_code == 200, response.text
    expected = {**changes, "rate_limit": "2/0.5"}
    assert response.json() == expected
    assert _config(sandbox) == expected
    assert httpx.post(f"{sandbox.url}/_sandbox/config", json=CLEAN, headers=admin(sandbox)).json() == CLEAN


# JSON bodies, on every endpoint ---------------------------------------------------------------------


def _nested(depth: int) -> bytes:
    return (
        b'{"data": {"attributes": {"doi": "10.80000/bad", "subjects": ' + b"[" * depth + b"]" * depth + b"}}}"
    )


def _with(value: bytes) -> bytes:
    return b'{"data": {"attributes": {"doi": "10.80000/bad", "publicationYear": ' + value + b"}}}"


BAD_JSON = {
    "nan": (_with(b"NaN"), "NaN"),
    "infinity": (_with(b"Infinity"), "Infinity"),
    "minus-infinity": (_with(b"-Infinity"), "-Infinity"),
    "float-overflowing-to-infinity": (_with(b"1e999"), "number"),
    "integer-beyond-64-bits": (_with(b"9223372036854775808"), "integer"),
    "integer-below-64-bits": (_with(b"-9223372036854775809"), "integer"),
    "integer-of-5000-digits": (_with(b"9" * 5000), "integer"),
    "nested-101-deep": (_nested(98), "nested"),
    "nested-100000-deep": (b"[" * 100_000, "nested"),
}
ENDPOINTS = {
    "create": ("POST", "/dois"),
    "update": ("PUT", "/dois/10.80000/bad"),
    "validate": ("POST", "/dois/validate"),
    "seed": ("POST", "/_sandbox/seed"),
}


@pytest.mark.parametrize(("method", "path"), ENDPOINTS.values(), ids=ENDPOINTS.keys())
@pytest.mark.parametrize(("content", "named"), BAD_JSON.values(), ids=BAD_JSON.keys())
def test_json_no_client_sends_is_400_and_never_stored(
    sandbox: SandboxServer, method: str, path: str, content: bytes, named: str
) -> None:
    if path == "/_sandbox/seed":  # a seed record, of the same shape
        content = content.replace(
            b'{"data": {"attributes": {"doi": "10.80000/bad", ', b'[{"doi": "10.80000/bad", "attributes": {'
        )
        content = content[:-1] + b"]" if content.startswith(b"[{") else content
    headers = (
        admin(sandbox) if path.startswith("/_sandbox/") else {"Content-Type": "application/vnd.api+json"}
    )
    response = httpx.request(method, f"{sandbox.url}{path}", content=content, headers=headers, auth=AUTH)
    assert response.status_code == 400, response.text[:500]
    [problem] = response.json()["errors"]
    assert problem["title"].startswith("The request body is not valid JSON")
    assert named in problem["title"]
    assert httpx.get(f"{sandbox.url}/dois/10.80000/bad", auth=AUTH).status_code == 404
    listed = httpx.get(f"{sandbox.url}/dois", auth=AUTH)
    assert (listed.status_code, listed.json()["meta"]["total"]) == (200, 0)


def test_json_at_the_limits_is_taken(sandbox: SandboxServer) -> None:
    for value in (b"9223372036854775807", b"-9223372036854775808", b"1e308"):
        response = httpx.put(f"{sandbox.url}/dois/10.80000/edge", content=_with(value).replace(b"bad", b"edge"),
                             auth=AUTH, headers={"Content-Type": "application/json"})  # fmt: skip
        assert response.status_code in (200, 201), response.text
    deep = _nested(97).replace(b"bad", b"deep")  # the body, data, attributes and 97 arrays: 100 levels
    assert httpx.post(f"{sandbox.url}/dois", content=deep, auth=AUTH).status_code in (201, 422)


# `doiac sandbox` options ------------------------------------------------------------------------------


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port already listened on: a sandbox that wrongly starts fails at once instead of serving."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


BAD_OPTIONS = {
    "latency-of-thirty-years": ("--latency-ms", "1e12"),
    "latency-negative": ("--latency-ms", "-1"),
    "latency-nan": ("--latency-ms", "nan"),
    "rate-limit-of-no-request": ("--rate-limit", "0/1"),
    "rate-limit-in-no-time": ("--rate-limit", "1/0"),
    "rate-limit-not-a-rate": ("--rate-limit", "lots"),
    "rate-limit-infinite-window": ("--rate-limit", "1/inf"),
    "fail-rate-nan": ("--fail-rate", "nan"),
    "fail-rate-above-1": ("--fail-rate", "1.5"),
    "lose-rate-negative": ("--lose-rate", "-0.5"),
    "index-lag-negative": ("--index-lag", "-1"),
    "index-lag-infinite": ("--index-lag", "inf"),
}


@pytest.mark.parametrize(("option", "value"), BAD_OPTIONS.values(), ids=BAD_OPTIONS.keys())
def test_bad_sandbox_options_are_usage_errors(
    tmp_path: Path, taken_port: int, capsys: pytest.CaptureFixture[str], option: str, value: str
) -> None:
    args = ["sandbox", "-r", "EXAMPLE.REPO:secret:10.80000", "--port", str(taken_port),
            "--db", str(tmp_path / "s.sqlite"), f"{option}={value}"]  # fmt: skip
    code = main(args)
    out, err = capsys.readouterr()
    assert code == 2, err
    assert err.startswith(f"doiac: usage error: {option}: ")
    assert "Traceback" not in out + err


def test_a_repository_password_from_a_missing_variable_is_a_usage_error(
    tmp_path: Path, taken_port: int, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DOIAC_SANDBOX_PASSWORD_EXAMPLE_REPO", raising=False)
    code = main(["sandbox", "-r", "example.repo::10.80000", "--port", str(taken_port),
                 "--db", str(tmp_path / "s.sqlite")])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2
    assert err == (
        "doiac: usage error: --repository example.repo::10.80000: no password; set"
        " DOIAC_SANDBOX_PASSWORD_EXAMPLE_REPO\n"
    )
