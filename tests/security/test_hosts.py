"""Where a password may go: DataCite's own API hosts, loopback, or hosts allowed from outside the files.

A pull request can edit doiac.yaml. Before this rule, `http://localhost@192.0.2.2:18081` passed
the loopback check (the netloc *started with* `localhost`) and sent `Authorization: Basic` with
the real password to 192.0.2.2 over plain http. Each refused URL below is one located line, no
traceback, and not one byte reaches the host it names.
"""

from __future__ import annotations

import json
import socket
import socketserver
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from reconciler.cli import main
from reconciler.config import load_config
from reconciler.environment import open_endpoint
from reconciler.errors import ConfigErrors
from reconciler.model import Config, Plan, PlanContext
from reconciler.render.plan_markdown import render_plan_markdown
from reconciler.render.plan_text import render_plan_text

from ..conftest import CONFIG, FINDABLE, Repo

SECRET = "a-real-secret"
WHERE = "doiac.yaml:1:14: /environment: "
USERINFO = "a user or password in the URL is refused: the password comes from the variable password_env names"
HTTP = "plain http is allowed only on loopback (passwords travel in it)"
QUERY = "a query or fragment in the URL is refused"
NOT_A_URL = "is not sandbox, test, production or an http(s) URL"


def foreign(host: str) -> str:
    return (
        f"doiac sends passwords only to DataCite (api.datacite.org, api.test.datacite.org) and to "
        f"loopback, not to {host}; to use {host}, set DOIAC_ALLOW_HOSTS={host} where doiac runs "
        "(a CI variable, not a file a pull request can change)"
    )


# (id, environment URL, the message at /environment); `{port}` is the listener's.
REFUSED_BY_CONFIG = [
    ("userinfo-localhost", "http://localhost@192.0.2.2:18081", USERINFO),
    ("userinfo-127", "http://127.0.0.1@192.0.2.2:18081", USERINFO),
    ("userinfo-ipv6", "http://[::1]@192.0.2.2:18081", USERINFO),
    ("userinfo-localhost-password", "http://localhost:x@192.0.2.2:18081", USERINFO),
    ("userinfo-ipv6-named-host", "http://[::1]@evil", USERINFO),
    ("userinfo-to-the-listener", "http://localhost@127.0.0.1:{port}", USERINFO),
    ("userinfo-on-datacite", "https://user:pw@api.datacite.org", USERINFO),
    ("empty-userinfo", "https://@api.datacite.org", USERINFO),
    ("127-prefix-name", "http://127.evil.example", HTTP),
    ("localhost-prefix-name", "http://localhost.evil.example", HTTP),
    ("localhost-trailing-dot", "http://localhost.:8080", HTTP),
    ("short-ipv4", "http://127.1:8080", HTTP),
    ("query", "https://api.datacite.org/?client-id=x", QUERY),
    ("fragment", "https://api.datacite.org/#x", QUERY),
    ("bad-port", "http://127.0.0.1:80x", f"'http://127.0.0.1:80x' {NOT_A_URL}"),
    ("backslash", "http://127.0.0.1\\@evil.example", USERINFO),
    ("no-host", "https:///dois", f"'https:///dois' {NOT_A_URL}"),
    (
        "backslash-before-path",
        "http://127.0.0.1:8080\\evil.example",
        f"'http://127.0.0.1:8080\\\\evil.example' {NOT_A_URL}",
    ),
    ("space-in-path", "https://api.datacite.org/a b", f"'https://api.datacite.org/a b' {NOT_A_URL}"),
    ("idn-host", "https://bücher.example", f"'https://bücher.example' {NOT_A_URL}"),
]
ALLOWED = [
    ("ipv4-loopback", "http://127.0.0.1:8080", "http://127.0.0.1:8080"),
    ("other-ipv4-loopback", "http://127.0.0.2:8080/", "http://127.0.0.2:8080"),
    ("ipv6-loopback", "http://[::1]:8080", "http://[::1]:8080"),
    ("localhost", "http://localhost:8080", "http://localhost:8080"),
    ("localhost-any-case", "http://LocalHost:8080", "http://LocalHost:8080"),
    ("datacite-url", "https://api.datacite.org/", "https://api.datacite.org"),
    ("datacite-test-url", "https://api.test.datacite.org", "https://api.test.datacite.org"),
    ("odd-port", "https://api.test.datacite.org:8443", "https://api.test.datacite.org:8443"),
]
# (id, DOIAC_ALLOW_HOSTS, refused?) for `https://evil.example`.
ALLOW_LISTS = [
    ("unset", None, True),
    ("empty", "", True),
    ("exact", "evil.example", False),
    ("among-others", "other.example, evil.example ,", False),
    ("any-case", "EVIL.example", False),
    ("suffix-is-not-enough", "example", True),
    ("longer-name-is-not-it", "evil.example.org,notevil.example", True),
]


def _write(repo: Repo, environment: str) -> None:
    repo.write(
        "doiac.yaml", CONFIG.replace("environment: sandbox", f"environment: {json.dumps(environment)}")
    )
    repo.write("dois/10.80000/3mfp-6m52.yaml", FINDABLE)


@pytest.mark.parametrize(
    ("url", "message"), [c[1:] for c in REFUSED_BY_CONFIG], ids=[c[0] for c in REFUSED_BY_CONFIG]
)
def test_config_refuses(repo: Repo, url: str, message: str) -> None:
    _write(repo, url.format(port=9))
    with pytest.raises(ConfigErrors) as caught:
        load_config(repo.config)
    assert str(caught.value) == WHERE + message


@pytest.mark.parametrize(("url", "base"), [c[1:] for c in ALLOWED], ids=[c[0] for c in ALLOWED])
def test_allowed_without_allow_list(repo: Repo, url: str, base: str) -> None:
    _write(repo, url)
    with open_endpoint(load_config(repo.config), env={}) as endpoint:
        assert (endpoint.name, endpoint.url, endpoint.embedded) == (url, base, False)


@pytest.mark.parametrize(("allow", "refused"), [c[1:] for c in ALLOW_LISTS], ids=[c[0] for c in ALLOW_LISTS])
def test_other_https_hosts_need_the_allow_list(repo: Repo, allow: str | None, refused: bool) -> None:
    _write(repo, "https://evil.example")
    config = load_config(repo.config)  # offline validation cannot know the runner's allow list
    env = {"DATACITE_PASSWORD": SECRET} | ({} if allow is None else {"DOIAC_ALLOW_HOSTS": allow})
    if refused:
        with pytest.raises(ConfigErrors) as caught, open_endpoint(config, env=env):
            pass  # pragma: no cover - never reached
        assert str(caught.value) == WHERE + foreign("evil.example")
    else:
        with open_endpoint(config, env=env) as endpoint:
            assert endpoint.url == "https://evil.example"


def test_open_endpoint_checks_the_url_itself() -> None:
    # Built by hand, past load_config: the check in open_endpoint must not rely on load_config's.
    bare = Config(path="doiac.yaml", environment="http://evil.example")
    with (
        pytest.raises(ConfigErrors) as caught,
        open_endpoint(bare, env={"DOIAC_ALLOW_HOSTS": "evil.example"}),
    ):
        pass  # pragma: no cover - never reached
    assert str(caught.value) == "doiac.yaml:1:1: /environment: " + HTTP


class _Listener(socketserver.ThreadingTCPServer):
    """A loopback TCP listener that records every connection and what came in before the headers ended."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        self.received: list[bytes] = []
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        server: Any = self.server
        self.request.settimeout(2)
        data = b""
        try:
            while b"\r\n\r\n" not in data:
                chunk = self.request.recv(4096)
                if not chunk:
                    break
                data += chunk
        except OSError:
            pass
        server.received.append(data)
        body = b'{"errors": [{"status": "401", "title": "Bad credentials."}]}'
        self.request.sendall(
            b"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nConnection: close\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
        )


@pytest.fixture
def listener(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Listener]:
    """The listener, and a resolver that sends every host name and address to it.

    So `192.0.2.2`, `evil` or `127.evil.example` would all land here, were a request ever made.
    """
    server = _Listener()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()

    def resolve(host: Any, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", ("127.0.0.1", server.port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    monkeypatch.setenv("DATACITE_PASSWORD", SECRET)
    monkeypatch.delenv("DOIAC_ALLOW_HOSTS", raising=False)
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


CLI_REFUSED = [(c[0], c[1], c[2]) for c in REFUSED_BY_CONFIG] + [
    ("https-not-allowed", "https://evil.example", foreign("evil.example")),
    ("https-not-allowed-odd-port", "https://evil.example:18443", foreign("evil.example")),
]


@pytest.mark.parametrize(("url", "message"), [c[1:] for c in CLI_REFUSED], ids=[c[0] for c in CLI_REFUSED])
def test_plan_refuses_before_any_request(
    repo: Repo, listener: _Listener, capsys: pytest.CaptureFixture[str], url: str, message: str
) -> None:
    _write(repo, url.format(port=listener.port))
    code = main(["plan", "-c", str(repo.config)])
    out, err = capsys.readouterr()
    assert listener.received == []
    assert (code, out, err) == (1, "", f"doiac: error: {WHERE}{message}\n")


def test_the_listener_sees_a_password_sent_to_loopback(
    repo: Repo, listener: _Listener, capsys: pytest.CaptureFixture[str]
) -> None:
    """The control: an allowed URL does reach the listener, with the Authorization header."""
    _write(repo, f"http://127.0.0.1:{listener.port}")
    assert main(["plan", "-c", str(repo.config)]) == 1  # the listener answers 401
    assert SECRET not in "".join(capsys.readouterr())
    assert len(listener.received) == 1
    assert b"\r\nauthorization: Basic " in listener.received[0].lower().replace(b"basic", b"Basic")


# (id, environment, endpoint, where the text plan's first line says it is, where the comment's does)
HEADERS = [
    ("sandbox", "sandbox", "http://127.0.0.1:49811",
     "sandbox (http://127.0.0.1:49811)", "sandbox (`http://127.0.0.1:49811`)"),
    ("test", "test", "https://api.test.datacite.org",
     "test (https://api.test.datacite.org)", "test (`https://api.test.datacite.org`)"),
    ("url", "https://evil.example:8443/api/", "https://evil.example:8443/api",
     "https://evil.example:8443/api", "`https://evil.example:8443/api`"),
    ("userinfo-never-shown", "http://localhost:pw@127.0.0.1:1", "http://localhost:pw@127.0.0.1:1",
     "http://127.0.0.1:1", "`http://127.0.0.1:1`"),
    ("query-never-shown", "https://h.example/?k=pw#f", "https://h.example/?k=pw#f",
     "https://h.example/", "`https://h.example/`"),
    ("controls-escaped", "https://h.example/\x1b[2J", "https://h.example/\x1b[2J",
     "https://h.example/\\u001b[2J", "`https://h.example/\\u001b[2J`"),
]  # fmt: skip


def _context(environment: str, endpoint: str) -> PlanContext:
    return PlanContext(environment, endpoint, ("A.B",), files=1, requests=1)


@pytest.mark.parametrize(("environment", "endpoint", "text", "markdown"), [c[1:] for c in HEADERS], ids=[c[0] for c in HEADERS])  # fmt: skip
def test_the_first_line_names_the_host(environment: str, endpoint: str, text: str, markdown: str) -> None:
    context = _context(environment, endpoint)
    assert render_plan_text(Plan((), 0), context).splitlines()[0] == (
        f"doiac plan · A.B on {text} · 1 file · live read in 1 request"
    )
    assert render_plan_markdown(Plan((), 0), context).splitlines()[1] == (
        f"**doiac plan** · A.B on {markdown}: No changes. DataCite matches the files (0 unchanged)."
    )
