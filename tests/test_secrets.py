"""A recognisable password, run through every command, failing runs included: it never shows.

Not in stdout or stderr, not in a plan file or a report, not in an exception's text or repr,
neither as itself nor as the base64 of `user:password` that Basic auth sends. The same for a
repository API key, sent as Basic `user:key` or as `Authorization: Bearer <key>`.
"""

from __future__ import annotations

import base64
import os
import signal
import socket
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from reconciler import datacite
from reconciler.cli import main
from reconciler.datacite import DataCiteClient
from reconciler.errors import ApiAuthError, ApiError, ApiTransportError, ReconcilerError
from reconciler.pacing import Retry
from reconciler.sandbox import Client, SandboxOptions, SandboxServer

from .conftest import CONFIG, FINDABLE, Repo
from .helpers.sandbox_admin import admin

SECRET = "Pa55-Recognisable-7c1d"
KEY = "DC.Recognisable0Key0For0Tests0a1b2c"
"""A repository API key, as DataCite makes them: `DC.` and 32 letters and digits."""
USER = "EXAMPLE.REPO"
FORMS = {
    *(secret for secret in (SECRET, KEY)),
    *(
        base64.b64encode(f"{user}:{secret}".encode()).decode()
        for user in (USER, USER.lower())
        for secret in (SECRET, KEY)
    ),
}
"""The password and the key, and the Authorization header's base64 of `user:secret` as httpx sends it."""
ACCOUNT = Client(USER, SECRET, ("10.80000",), ("data.example.org",))
DOI = "10.80000/3mfp-6m52"
DRAFT = "doi: 10.80000/7kq2-9d41\nstate: draft\n"
# On a domain of the config but not of the sandbox's account: valid files, a 422 from the API.
REFUSED = FINDABLE.replace("3mfp-6m52", "9wvx-k315").replace("data.example.org", "other.example.org")
QUICK = Retry(attempts=2, base=0.001, cap=0.001)


def assert_clean(text: str | bytes, where: str) -> None:
    data = text.encode() if isinstance(text, str) else text
    found = [form for form in sorted(FORMS) if form.encode() in data]
    assert not found, f"{where} holds the password (as {found})"


def assert_files_clean(root: Path) -> list[Path]:
    """Every file under `root` is free of the password; returns the files looked at."""
    files = sorted(p for p in root.rglob("*") if p.is_file())
    for path in files:
        assert_clean(path.read_bytes(), str(path.relative_to(root)))
    return files


@pytest.fixture
def refused_port() -> Iterator[int]:
    """A port that is bound but never listens: connections to it are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield int(sock.getsockname()[1])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """A loopback sandbox whose account has the password; its own file lies outside the repository."""
    db = tmp_path_factory.mktemp("sandbox") / "sandbox.sqlite"
    with SandboxServer(db, SandboxOptions(repositories=[ACCOUNT])) as server:
        yield server


def _admin(server: SandboxServer, action: str, body: dict[str, Any]) -> None:
    response = httpx.post(f"{server.url}/_sandbox/{action}", json=body, headers=admin(server), timeout=10)
    assert response.status_code in (200, 201), response.text


def _point_at(repo: Repo, url: str) -> None:
    config = CONFIG.replace("environment: sandbox", f"environment: {url}")
    repo.write("doiac.yaml", config.replace('"*.example.org"', '"other.example.org"'))


@pytest.fixture
def world(repo: Repo, sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> Repo:
    monkeypatch.setenv("DATACITE_PASSWORD", SECRET)
    monkeypatch.setattr(datacite, "DEFAULT_RETRY", QUICK)
    _point_at(repo, sandbox.url)
    repo.write(f"dois/{DOI}.yaml", FINDABLE)
    repo.write("dois/10.80000/7kq2-9d41.yaml", DRAFT)
    return repo


Run = Callable[..., tuple[str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    """Run a command in process; check its exit code and that neither stream shows the password."""

    def run(*args: str, code: int | None = 0) -> tuple[str, str]:
        got = main(list(args))
        out, err = capsys.readouterr()
        assert code is None or got == code, f"doiac {' '.join(args)}: exit {got}\n{out}{err}"
        assert_clean(out, f"stdout of doiac {' '.join(args)}")
        assert_clean(err, f"stderr of doiac {' '.join(args)}")
        assert "Traceback" not in err
        return out, err

    return run


def _report(repo: Repo, name: str) -> list[str]:
    text = (repo.root / name).read_text(encoding="utf-8")
    assert_clean(text, name)
    return text.splitlines()


def test_every_command_keeps_the_password_out_of_outputs_and_files(
    world: Repo, sandbox: SandboxServer, run: Run, refused_port: int
) -> None:
    for command in ([], ["validate"], ["plan"], ["apply"], ["sandbox"]):
        assert "Usage" in run(*command, "--help")[0]
    run("--version")
    run("validate")
    run("validate", "--format", "json")
    run("validate", "--format", "github")
    run("validate", "--strict", code=None)
    run("plan")
    run("plan", "--format", "markdown")
    run("plan", "--format", "json", "--out", "plan.json")
    run("plan", "--detailed-exitcode", code=2)
    run("plan", "--format", "yaml", code=2)
    run("apply", "--auto-approve", "--report", "applied.jsonl")
    assert len(_report(world, "applied.jsonl")) == 2

    world.write(f"dois/{DOI}.yaml", FINDABLE.replace("Sensor readings 2024", "Sensor readings, revised"))
    run("plan", "--out", "saved.json")
    run("apply", "saved.json", "--report", "saved.jsonl")
    assert '"outcome": "done"' in _report(world, "saved.jsonl")[0]
    run("apply", "saved.json", code=1)  # stale now: every DOI refused
    run("apply", "missing.json", code=1)

    # 422: the sandbox's account does not allow the URL's domain.
    world.write("dois/10.80000/9wvx-k315.yaml", REFUSED)
    out, _ = run("apply", "--auto-approve", "--report", "refused.jsonl", code=1)
    [line] = _report(world, "refused.jsonl")
    assert '"outcome": "failed"' in line
    assert "not allowed by repository EXAMPLE.REPO domain settings" in line
    assert "not allowed by repository" in out

    # 401: the account's password is no longer the one in DATACITE_PASSWORD.
    _admin(sandbox, "repositories", {"id": USER, "password": "changed-elsewhere", "prefixes": ["10.80000"],
                                     "domains": ["data.example.org", "other.example.org"]})  # fmt: skip
    # Reads never say a password is wrong; apply asks with a dry-run write before any change.
    _, err = run("apply", "--auto-approve", "--report", "denied.jsonl", code=1)
    assert "DataCite refused the password of EXAMPLE.REPO (401): check DATACITE_PASSWORD" in err
    assert not (world.root / "denied.jsonl").exists()

    # 5xx on every request, then nothing listening at all.
    _admin(sandbox, "config", {"fail_rate": 1.0})
    assert "doiac: error: GET " in run("plan", code=1)[1]
    _point_at(world, f"http://127.0.0.1:{refused_port}")
    assert "no response: ConnectError" in run("plan", "--out", "never.json", code=1)[1]
    assert "no response: ConnectError" in run("apply", "--auto-approve", "--report", "never.jsonl", code=1)[1]

    written = {p.name for p in assert_files_clean(world.root)}
    assert {"plan.json", "saved.json", "applied.jsonl", "refused.jsonl"} <= written
    assert "never.json" not in written


def test_the_sandbox_command_never_prints_the_password(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _, err = run("sandbox", "--db", "usage.sqlite", "--repository", f"{USER}:{SECRET}", code=2)
    assert "ID:PASSWORD:PREFIX" in err
    port = _free_port()
    command = [sys.executable, "-m", "reconciler", "sandbox", "--port", str(port), "--db", "s.sqlite",
               "--repository", f"{USER}:{SECRET}:10.80000:data.example.org"]  # fmt: skip
    with (tmp_path / "out").open("wb") as out_file, (tmp_path / "err").open("wb") as err_file:
        process = subprocess.Popen(command, cwd=tmp_path, stdin=subprocess.DEVNULL, stdout=out_file,
                                   stderr=err_file, env={**os.environ, "NO_COLOR": "1"})  # fmt: skip
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while not _answers(url):
                assert process.poll() is None, (tmp_path / "err").read_text()
                assert time.monotonic() < deadline, "the sandbox did not start within 30 s"
                time.sleep(0.05)
            with DataCiteClient(url, USER, SECRET, retry=QUICK) as client:
                status, _ = client.create({"doi": DOI, "titles": [{"title": "T"}]})
                assert status == 201
            with DataCiteClient(url, USER, "wrong", retry=QUICK) as client, pytest.raises(ApiAuthError):
                client.create({"doi": "10.80000/7kq2-9d41"})
            process.send_signal(signal.SIGINT)
            process.wait(timeout=15)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
    assert "doiac sandbox on" in (tmp_path / "err").read_text()
    assert_clean((tmp_path / "out").read_bytes(), "stdout of doiac sandbox")
    assert_clean((tmp_path / "err").read_bytes(), "stderr of doiac sandbox")


def _answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/heartbeat", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


Call = Callable[[DataCiteClient], object]
CALLS: dict[str, Call] = {
    "get": lambda c: c.get(DOI),
    "activities": lambda c: c.activities(DOI),
    "list": lambda c: list(c.list_dois(client_id=USER.lower())),
    "create": lambda c: c.create({"doi": DOI, "titles": [{"title": "T"}]}),
    "update": lambda c: c.update(DOI, {"titles": [{"title": "T"}]}),
    "delete": lambda c: c.delete(DOI),
}
# (server, call) → the error it must raise. A wrong password makes reads anonymous, not 401 (§4).
FAILURES = [
    ("wrong-password", "create", ApiAuthError),
    ("wrong-password", "update", ApiAuthError),
    ("wrong-password", "delete", ApiAuthError),
    *(("failing", name, ApiError) for name in CALLS),
    *(("unreachable", name, ApiTransportError) for name in CALLS),
]


@pytest.mark.parametrize(("server", "call", "error"), FAILURES, ids=[f"{s}-{c}" for s, c, _ in FAILURES])
def test_client_errors_never_carry_the_password(
    sandbox: SandboxServer, refused_port: int, server: str, call: str, error: type[ReconcilerError]
) -> None:
    url = f"http://127.0.0.1:{refused_port}" if server == "unreachable" else sandbox.url
    if server == "wrong-password":
        _admin(sandbox, "repositories", {"id": USER, "password": "another", "prefixes": ["10.80000"]})
    if server == "failing":
        _admin(sandbox, "config", {"fail_rate": 1.0})
    with DataCiteClient(url, USER, SECRET, retry=QUICK, sleep=lambda _: None) as client:
        assert_clean(repr(client), "repr(client)")
        with pytest.raises(error) as caught:
            CALLS[call](client)
        assert_clean(repr(client), "repr(client) after the failure")
    exc = caught.value
    assert str(exc).startswith(("GET ", "POST ", "PUT ", "DELETE "))
    for where, text in {
        "str": str(exc),
        "repr": repr(exc),
        "args": repr(exc.args),
        "attributes": repr(vars(exc)),
        "traceback": "".join(traceback.format_exception(exc)),
    }.items():
        assert_clean(text, f"{where} of {type(exc).__name__}")


def test_the_embedded_sandbox_keeps_the_password_off_disk(
    repo: Repo, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATACITE_PASSWORD", SECRET)
    repo.write(f"dois/{DOI}.yaml", FINDABLE)
    run("plan", "--out", "plan.json")
    run("apply", "--auto-approve", "--report", "applied.jsonl")
    written = {p.relative_to(repo.root).as_posix() for p in assert_files_clean(repo.root)}
    assert {"plan.json", "applied.jsonl", ".doiac/sandbox.sqlite"} <= written


# -- API keys (reference §4) ---------------------------------------------------------------------

KEYED = ["api-key", "api-key-bearer"]


@pytest.fixture
def keyed_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """A loopback sandbox whose account takes KEY (and has another password)."""
    db = tmp_path_factory.mktemp("sandbox") / "sandbox.sqlite"
    account = Client(USER, "not-the-key", ("10.80000",), ("data.example.org",), api_key=KEY)
    with SandboxServer(db, SandboxOptions(repositories=[account])) as server:
        yield server


@pytest.mark.parametrize("credential", KEYED)
def test_every_command_keeps_an_api_key_out_of_outputs_and_files(
    repo: Repo, keyed_sandbox: SandboxServer, run: Run, monkeypatch: pytest.MonkeyPatch, credential: str
) -> None:
    monkeypatch.setenv("DATACITE_PASSWORD", KEY)
    monkeypatch.setattr(datacite, "DEFAULT_RETRY", QUICK)
    _point_at(repo, keyed_sandbox.url)
    config = (repo.root / "doiac.yaml").read_text(encoding="utf-8")
    repo.write(
        "doiac.yaml",
        config.replace("DATACITE_PASSWORD\n", f"DATACITE_PASSWORD\n    credential: {credential}\n"),
    )
    repo.write(f"dois/{DOI}.yaml", FINDABLE)
    repo.write("dois/10.80000/7kq2-9d41.yaml", DRAFT)
    run("plan")
    run("plan", "--format", "json", "--out", "plan.json")
    run("apply", "--auto-approve", "--report", "applied.jsonl")
    assert len(_report(repo, "applied.jsonl")) == 2
    run("plan", "--detailed-exitcode")

    # 401: the key was replaced in Fabrica; the secret still holds the old one.
    response = httpx.post(
        f"{keyed_sandbox.url}/_sandbox/api-key", json={"id": USER}, headers=admin(keyed_sandbox)
    )
    assert response.status_code == 201, response.text
    _, err = run("apply", "--auto-approve", "--report", "denied.jsonl", code=1)
    assert "(401)" in err
    _, err = run("plan", "--out", "denied.json", code=1)
    assert "(401)" in err
    written = {p.name for p in assert_files_clean(repo.root)}
    assert {"plan.json", "applied.jsonl"} <= written
    assert not {"denied.jsonl", "denied.json"} & written


KEY_FAILURES = [
    *(
        (credential, "wrong-key", name, ApiAuthError)
        for credential in KEYED
        for name in ("create", "update", "delete")
    ),
    *((credential, "failing", name, ApiError) for credential in KEYED for name in CALLS),
    *(
        (credential, "unreachable", name, ApiTransportError)
        for credential in KEYED
        for name in ("get", "create")
    ),
]


@pytest.mark.parametrize(
    ("credential", "server", "call", "error"),
    KEY_FAILURES,
    ids=[f"{c}-{s}-{n}" for c, s, n, _ in KEY_FAILURES],
)
def test_client_errors_never_carry_the_api_key(
    keyed_sandbox: SandboxServer, refused_port: int, credential: str, server: str, call: str,
    error: type[ReconcilerError],
) -> None:  # fmt: skip
    url = f"http://127.0.0.1:{refused_port}" if server == "unreachable" else keyed_sandbox.url
    if server == "wrong-key":
        response = httpx.post(f"{url}/_sandbox/api-key", json={"id": USER}, headers=admin(keyed_sandbox))
        assert response.status_code == 201
    if server == "failing":
        _admin(keyed_sandbox, "config", {"fail_rate": 1.0})
    with DataCiteClient(url, USER, KEY, credential=credential, retry=QUICK, sleep=lambda _: None) as client:
        for where, text in {
            "repr": repr(client),
            "auth": repr(vars(client._http)),
            "of auth": repr(client._http.auth),
        }.items():
            assert_clean(text, f"{where} of the client")
        with pytest.raises(error) as caught:
            CALLS[call](client)
    exc = caught.value
    for where, text in {
        "str": str(exc),
        "repr": repr(exc),
        "attributes": repr(vars(exc)),
        "traceback": "".join(traceback.format_exception(exc)),
    }.items():
        assert_clean(text, f"{where} of {type(exc).__name__}")
