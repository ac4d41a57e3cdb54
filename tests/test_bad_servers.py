"""Bad servers and bad answers: a clear one-line error and exit 1, never a traceback, a hang or a secret."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from reconciler import datacite
from reconciler.cli import main

from .conftest import FINDABLE, Repo

SECRET = "Recognisable-Pa55word-XYZZY"
Answer = Callable[[str, str], tuple[int, dict[str, str], bytes]]
"""(method, path) → (status, headers, body)."""


def _json(status: int, body: object, **headers: str) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "application/json", **headers}, json.dumps(body).encode()


def _page(next_url: str | None) -> tuple[int, dict[str, str], bytes]:
    item = {"id": "10.80000/aaaa-0000", "type": "dois",
            "attributes": {"doi": "10.80000/aaaa-0000", "state": "draft"},
            "relationships": {"client": {"data": {"id": "example.repo", "type": "clients"}}}}  # fmt: skip
    return _json(200, {"data": [item], "meta": {}, "links": {"next": next_url} if next_url else {}})


ANSWERS: dict[str, Answer] = {
    "401": lambda m, p: _json(401, {"errors": [{"status": "401", "title": "Bad credentials."}]}),
    "403": lambda m, p: _json(403, {"errors": [{"status": "403", "title": "You are not authorized to access this resource."}]}),
    "500-storm": lambda m, p: _json(500, {"errors": [{"status": "500", "title": "Internal Server Error"}]}),
    "429-storm": lambda m, p: _json(429, {"errors": [{"title": "Your request has been rate limited."}]}, **{"Retry-After": "0"}),
    "malformed-json": lambda m, p: (200, {"Content-Type": "application/json"}, b'{"data": [oops'),
    "not-an-object": lambda m, p: _json(200, ["a", "list"]),
    "cursor-stuck": lambda m, p: _page("http://127.0.0.1/dois?page%5Bcursor%5D=same"),
    "html": lambda m, p: (502, {"Content-Type": "text/html"}, b"<html>Bad gateway</html>"),
    # Python's json module reads NaN and Infinity, which JSON has not: a plan file would hold them.
    "nan": lambda m, p: (200, {"Content-Type": "application/json"},
                         b'{"data": [{"id": "10.80000/aaaa-0000", "attributes": {"sizes": NaN}}]}'),
    "infinity": lambda m, p: (200, {"Content-Type": "application/json"}, b'{"data": [], "meta": {"total": -Infinity}}'),
    "deep-json": lambda m, p: (200, {"Content-Type": "application/json"}, b"[" * 100_000),
}  # fmt: skip
EXPECTED = {
    "401": "401: Bad credentials.",
    "403": "403: You are not authorized",
    "500-storm": "500: Internal Server Error",
    "429-storm": "429: Your request has been rate limited.",
    "malformed-json": "the answer is not JSON",
    "not-an-object": "the answer is not a JSON object",
    "cursor-stuck": "the list's next page repeats a page already read",
    "html": "502",
    "nan": "the answer is not JSON",
    "infinity": "the answer is not JSON",
    "deep-json": "the answer is not JSON",
}


@pytest.fixture
def server() -> Iterator[tuple[str, list[Answer], list[str]]]:
    """A loopback HTTP server answering with whatever the test puts in `answer[0]`."""
    answer: list[Answer] = [ANSWERS["500-storm"]]
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def _reply(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            seen.append(f"{self.command} {self.path}")
            status, headers, body = answer[0](self.command, self.path)
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_DELETE = _reply

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", answer, seen
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(datacite, "DEFAULT_RETRY", datacite.Retry(attempts=3, base=0.01, cap=0.02))
    monkeypatch.setenv("DATACITE_PASSWORD", SECRET)


def _point_at(repo: Repo, url: str) -> None:
    repo.write("doiac.yaml", repo.config.read_text().replace("environment: sandbox", f"environment: {url}"))
    repo.write("dois/10.80000/3mfp-6m52.yaml", FINDABLE)


@pytest.mark.usefixtures("fast_retries")
@pytest.mark.parametrize("kind", sorted(ANSWERS))
@pytest.mark.parametrize("command", [["plan"], ["apply", "--auto-approve"]], ids=["plan", "apply"])
def test_bad_answers(
    repo: Repo,
    capsys: pytest.CaptureFixture[str],
    server: tuple[str, list[Answer], list[str]],
    kind: str,
    command: list[str],
) -> None:
    url, answer, seen = server
    answer[0] = ANSWERS[kind]
    _point_at(repo, url)
    code = main([*command, "--out", "plan.json"] if command == ["plan"] else command)
    out, err = capsys.readouterr()
    assert code == 1, out + err
    lines = err.splitlines()
    assert len(lines) == 1, err
    if command == ["plan"] and kind == "401":  # plan asks first whether the password is accepted
        assert lines[0] == (
            "doiac: error: DataCite refused the password of EXAMPLE.REPO (401): check DATACITE_PASSWORD;"
            " nothing was read or changed"
        )
    else:
        assert lines[0].startswith("doiac: error: GET "), err
        assert EXPECTED[kind] in lines[0]
    assert "Traceback" not in out + err
    assert SECRET not in out + err
    assert not (repo.root / "plan.json").exists()  # a failed plan leaves no plan file
    assert seen
    # Nothing is written: the password check is DataCite's dry run of a write.
    assert [s for s in seen if s.startswith(("POST", "PUT", "DELETE")) and s != "POST /dois/validate"] == []


@pytest.mark.usefixtures("fast_retries")
def test_retryable_failures_are_retried_before_giving_up(
    repo: Repo, capsys: pytest.CaptureFixture[str], server: tuple[str, list[Answer], list[str]]
) -> None:
    url, answer, seen = server
    answer[0] = ANSWERS["500-storm"]
    _point_at(repo, url)
    assert main(["plan"]) == 1
    # DEFAULT_RETRY.attempts each: the password check (a 5xx says nothing about it), then the list.
    assert seen == ["POST /dois/validate"] * 3 + [s for s in seen if s.startswith("GET")]
    assert len(seen) == 6
    answer[0] = ANSWERS["401"]
    seen.clear()
    assert main(["plan"]) == 1
    assert seen == ["POST /dois/validate"]  # terminal: no retry
    capsys.readouterr()


@pytest.mark.usefixtures("fast_retries")
def test_unreachable_api(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, never listening: connections are refused
        _point_at(repo, f"http://127.0.0.1:{port}")
        code = main(["plan"])
    out, err = capsys.readouterr()
    assert code == 1
    assert err.startswith("doiac: error: GET http://127.0.0.1:")
    assert "no response: ConnectError" in err
    assert "Traceback" not in err
    assert SECRET not in out + err
