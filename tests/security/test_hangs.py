"""A server cannot make a run hang: `Retry-After` is parsed strictly and capped, and --deadline ends it.

A hostile or broken server (or a proxy in front of DataCite) answers `Retry-After: 1e9`, `inf` or
a date in the year 9999; a lagging one answers every request just before the timeout. Neither may
keep a CI job busy for hours: the wait is refused with one clear line, and the whole run has a
deadline after which no request starts.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from reconciler.applier import apply_plan
from reconciler.cli import main
from reconciler.commands import plan as planning
from reconciler.datacite import DataCiteClient
from reconciler.errors import ApiError, DeadlineError, ReconcilerError
from reconciler.model import Action, Change, DesiredRecord, FieldDiff, Outcome, Plan
from reconciler.pacing import Deadline, Retry
from reconciler.workers import run_all

from ..conftest import FINDABLE, Repo

NOW = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
URL = "https://api.example.invalid/dois/10.80000/a"
RECORD = {"data": {"id": "10.80000/a", "type": "dois", "attributes": {"doi": "10.80000/a"}}}
RATE_LIMITED = {"errors": [{"status": "429", "title": "Your request has been rate limited."}]}
QUICK = Retry(attempts=3, base=1.0, cap=4.0)


def _client(
    handler: Callable[[httpx.Request], httpx.Response],
    *,
    deadline: Deadline | None = None,
    retry: Retry = QUICK,
    sleep: Callable[[float], None] | None = None,
) -> tuple[DataCiteClient, list[float]]:
    waits: list[float] = []
    dc = DataCiteClient("https://api.example.invalid", "EXAMPLE.REPO", "pw", transport=httpx.MockTransport(handler),
                        retry=retry, sleep=sleep or waits.append, now=lambda: NOW, deadline=deadline)  # fmt: skip
    return dc, waits


def _then_ok(first: httpx.Response) -> Callable[[httpx.Request], httpx.Response]:
    answers = iter([first])
    return lambda request: next(answers, None) or httpx.Response(200, json=RECORD)


def _429(retry_after: str) -> httpx.Response:
    return httpx.Response(429, headers=[(b"Retry-After", retry_after.encode())], json=RATE_LIMITED)


# -- Retry-After -----------------------------------------------------------------------------------

HONOURED = [
    ("seconds", "7", 7.0),
    ("decimal", "2.5", 2.5),
    ("at-the-cap", "300", 300.0),
    ("http-date", "Wed, 01 May 2024 12:00:30 GMT", 30.0),
    ("http-date-with-offset", "Wed, 01 May 2024 14:00:30 +0200", 30.0),
]
IGNORED = [  # not delta-seconds nor an HTTP-date: the backoff decides
    ("exponent", "1e9"), ("inf", "inf"), ("minus-inf", "-inf"), ("nan", "nan"), ("negative", "-5"),
    ("garbage", "soon"), ("empty", ""), ("underscores", "1_000"), ("hex", "0x10"), ("non-ascii-digits", "٣"),
    ("zero", "0"), ("date-in-the-past", "Wed, 01 May 2024 11:00:00 GMT"), ("bad-date", "Wed, 45 Foo 2024 99:00:00 GMT"),
]  # fmt: skip
BEYOND = [  # asked for more than Retry.max_wait: the request fails at once, nobody sleeps
    ("just-beyond", "301", "301 s"),
    ("a-day", "86400", "86400 s"),
    ("overflows-a-float", "9" * 400, "more than 10^12 s"),
    ("http-date", "Wed, 01 May 2024 12:05:01 GMT", "301 s"),
    ("year-9999", "Fri, 31 Dec 9999 23:59:59 GMT", "s"),
]


@pytest.mark.parametrize(("header", "wait"), [c[1:] for c in HONOURED], ids=[c[0] for c in HONOURED])
def test_retry_after_is_honoured(header: str, wait: float) -> None:
    dc, waits = _client(_then_ok(_429(header)))
    assert dc.get("10.80000/a") == RECORD["data"]
    assert waits == [wait]


@pytest.mark.parametrize("header", [c[1] for c in IGNORED], ids=[c[0] for c in IGNORED])
def test_retry_after_that_is_no_delay_falls_back_to_backoff(header: str) -> None:
    dc, waits = _client(_then_ok(_429(header)))
    assert dc.get("10.80000/a") == RECORD["data"]
    assert len(waits) == 1
    assert 0 <= waits[0] <= QUICK.base


@pytest.mark.parametrize(("header", "shown"), [c[1:] for c in BEYOND], ids=[c[0] for c in BEYOND])
def test_retry_after_beyond_the_cap_fails_the_request_at_once(header: str, shown: str) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return _429(header)

    dc, waits = _client(handler)
    with pytest.raises(ApiError) as caught:
        dc.get("10.80000/a")
    assert waits == []
    assert len(seen) == 1
    message = str(caught.value)
    assert message.startswith(f"GET {URL}: 429: Your request has been rate limited.; DataCite asked to wait ")
    assert f"{shown} (Retry-After), beyond the cap of 300 s" in message
    assert "\n" not in message


def test_the_cap_is_a_setting() -> None:
    dc, waits = _client(_then_ok(_429("7")), retry=Retry(attempts=3, max_wait=5.0))
    with pytest.raises(ApiError, match="asked to wait 7 s \\(Retry-After\\), beyond the cap of 5 s"):
        dc.get("10.80000/a")
    assert waits == []


def test_retry_after_on_a_503_is_capped_too() -> None:
    dc, waits = _client(lambda request: httpx.Response(503, headers={"Retry-After": "3600"}))
    with pytest.raises(ApiError, match=r"503: .*asked to wait 3600 s"):
        dc.get("10.80000/a")
    assert waits == []


def test_the_date_is_read_against_the_injected_clock() -> None:
    """`now` is the seam: the real clock would make the year-2024 date a date in the past."""
    dc, waits = _client(_then_ok(_429("Wed, 01 May 2024 12:01:00 GMT")))
    dc.get("10.80000/a")
    assert waits == [60.0]


# -- the deadline ----------------------------------------------------------------------------------


class _Clock:
    """A monotonic clock that moves only when told: one second per request, and every sleep."""

    def __init__(self) -> None:
        self.now = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float = 1.0) -> None:
        with self._lock:
            self.now += seconds


def _lagging(
    clock: _Clock, answer: Callable[[httpx.Request], httpx.Response]
) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        clock.advance()
        return answer(request)

    return handler


def test_no_request_starts_after_the_deadline() -> None:
    clock = _Clock()
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return httpx.Response(200, json=RECORD)

    dc, _ = _client(_lagging(clock, answer), deadline=Deadline.after(2.5, clock))
    for _ in range(3):
        dc.get("10.80000/a")
    with pytest.raises(DeadlineError) as caught:
        dc.get("10.80000/a")
    assert len(seen) == 3
    assert (
        str(caught.value) == f"deadline of 2.5 s passed: GET {URL} was not sent; run again (apply converges)"
    )


def test_a_retry_wait_that_would_pass_the_deadline_fails_at_once() -> None:
    clock = _Clock()
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.method)
        return httpx.Response(503, headers={"Retry-After": "20"})

    dc, waits = _client(_lagging(clock, answer), deadline=Deadline.after(5, clock))
    with pytest.raises(DeadlineError, match=f"deadline of 5 s passed: GET {URL} not retried: waiting 20 s"):
        dc.get("10.80000/a")
    assert waits == []
    assert seen == ["GET"]


def test_a_retry_wait_within_the_deadline_is_made() -> None:
    clock = _Clock()
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock.advance(seconds)

    dc, _ = _client(_lagging(clock, _then_ok(_429("2"))), deadline=Deadline.after(5, clock), sleep=sleep)
    assert dc.get("10.80000/a") == RECORD["data"]
    assert waits == [2.0]


def test_a_deadline_is_an_expected_failure_but_not_an_api_error() -> None:
    """Apply records an ApiError as one DOI's failure and goes on; a deadline must end the run."""
    assert issubclass(DeadlineError, ReconcilerError)
    assert not issubclass(DeadlineError, ApiError)


def test_the_first_failure_starts_no_further_item() -> None:
    started: list[str] = []

    def run(item: str) -> str:
        started.append(item)
        if item == "b":
            raise DeadlineError(1.0, "GET /dois/b was not sent")
        return item

    with pytest.raises(DeadlineError):
        run_all(run, list("abcdef"), workers=1)
    assert started == ["a", "b"]


# -- through the command line ------------------------------------------------------------------------

OTHER = FINDABLE.replace("3mfp-6m52", "2bfx-7k41")


def _point_at(repo: Repo, url: str, monkeypatch: pytest.MonkeyPatch, **client: Any) -> None:
    """The config names `url`; every client the command makes gets `client` (transport, sleep)."""
    repo.write("doiac.yaml", repo.config.read_text().replace("environment: sandbox", f"environment: {url}"))
    repo.write("dois/10.80000/3mfp-6m52.yaml", FINDABLE)
    repo.write("dois/10.80000/2bfx-7k41.yaml", OTHER)
    monkeypatch.setenv("DATACITE_PASSWORD", "pw")
    monkeypatch.setattr(planning, "DataCiteClient", functools.partial(DataCiteClient, **client))


def _empty_account(
    writes: Callable[[httpx.Request], httpx.Response],
) -> Callable[[httpx.Request], httpx.Response]:
    """No DOI exists; writes are answered by `writes`."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and request.url.path == "/dois":
            return httpx.Response(200, json={"data": [], "meta": {}, "links": {}})
        if request.method == "GET":
            return httpx.Response(404, json={"errors": [{"status": "404", "title": "Not found"}]})
        if request.url.path == "/dois/validate":
            return httpx.Response(422, json={"errors": [{"source": "doi", "title": "can't be blank"}]})
        return writes(request)

    return handler


CLI_BEYOND = [("a-day", "86400", "86400 s"), ("year-9999", "Fri, 31 Dec 9999 23:59:59 GMT", "s")]
CLI_IGNORED = ["1e9", "inf", "nan", "-1", "soon"]


@pytest.mark.parametrize(("header", "shown"), [c[1:] for c in CLI_BEYOND], ids=[c[0] for c in CLI_BEYOND])
def test_apply_fails_each_doi_asked_to_wait_too_long_and_goes_on(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, header: str, shown: str
) -> None:
    waits: list[float] = []
    handler = _empty_account(lambda request: _429(header))
    _point_at(
        repo, "http://127.0.0.1:9", monkeypatch, transport=httpx.MockTransport(handler), sleep=waits.append
    )
    code = main(["apply", "--auto-approve"])
    out, err = capsys.readouterr()
    assert code == 1, out + err
    assert "Traceback" not in out + err
    assert not err, err
    failed = [line for line in out.splitlines() if "asked to wait" in line]
    assert len(failed) == 2, out  # one line per DOI: the second DOI was still tried
    for line in failed:
        assert line.lstrip().startswith("✗ 10.80000/"), line
        assert f"{shown} (Retry-After), beyond the cap of 300 s" in line
    assert "Apply: 0 done, 2 failed" in out
    assert waits == []


@pytest.mark.parametrize("header", CLI_IGNORED)
def test_apply_never_sleeps_for_a_retry_after_that_is_no_delay(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, header: str
) -> None:
    waits: list[float] = []
    handler = _empty_account(lambda request: _429(header))
    _point_at(
        repo, "http://127.0.0.1:9", monkeypatch, transport=httpx.MockTransport(handler), sleep=waits.append
    )
    code = main(["apply", "--auto-approve"])
    out, err = capsys.readouterr()
    assert code == 1, out + err
    assert "Traceback" not in out + err
    assert [line for line in out.splitlines() if "429: Your request has been rate limited." in line], out
    assert waits
    assert max(waits) <= Retry().cap


# The deadline through the command line: the embedded sandbox behind a transport that moves a fake
# clock one second per request, and the command's Deadline on that clock.


class _LaggingTransport(httpx.BaseTransport):
    def __init__(self, clock: _Clock) -> None:
        self.clock = clock
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.clock.advance()
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


@pytest.fixture
def lagging(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> _Clock:
    clock = _Clock()
    repo.write("dois/10.80000/3mfp-6m52.yaml", FINDABLE)
    for suffix in ("2bfx-7k41", "4ze2-9x35", "7kkp-ad20", "9h3c-1n65", "fvq4-2p69"):
        repo.write(f"dois/10.80000/{suffix}.yaml", FINDABLE.replace("3mfp-6m52", suffix))
    transport = functools.partial(_LaggingTransport, clock)
    monkeypatch.setattr(
        planning, "DataCiteClient",
        lambda *args, **kwargs: DataCiteClient(*args, transport=transport(), **kwargs),
    )  # fmt: skip
    monkeypatch.setattr(
        planning, "Deadline", SimpleNamespace(after=lambda seconds: Deadline.after(seconds, clock))
    )
    return clock


def _requests_of_a_plan(capsys: pytest.CaptureFixture[str], clock: _Clock) -> int:
    assert main(["plan"]) == 0
    capsys.readouterr()
    count, clock.now = int(clock.now), 0.0
    return count


def test_plan_past_its_deadline_is_one_line(
    repo: Repo, capsys: pytest.CaptureFixture[str], lagging: _Clock
) -> None:
    needed = _requests_of_a_plan(capsys, lagging)
    code = main(["plan", "--deadline", str(needed - 1), "--out", "plan.json"])
    out, err = capsys.readouterr()
    assert code == 1
    assert not out
    assert err.count("\n") == 1, err
    assert err.startswith(f"doiac: error: deadline of {needed - 1} s passed: GET http://127.0.0.1:")
    assert err.endswith(" was not sent; run again (apply converges)\n")
    assert not (repo.root / "plan.json").exists()


def test_the_deadline_may_come_from_the_environment(
    repo: Repo, capsys: pytest.CaptureFixture[str], lagging: _Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOIAC_DEADLINE", "1")
    assert main(["plan"]) == 1
    assert capsys.readouterr().err.startswith("doiac: error: deadline of 1 s passed: ")


def test_apply_past_its_deadline_keeps_what_finished(
    repo: Repo, capsys: pytest.CaptureFixture[str], lagging: _Clock
) -> None:
    planned = _requests_of_a_plan(capsys, lagging)
    # The plan, the password check, then 4 of the 6 creates (each answer is its read-back).
    budget = planned + 1 + 4
    code = main(["apply", "--auto-approve", "--deadline", str(budget), "--report", "report.jsonl"])
    out, err = capsys.readouterr()
    assert code == 1, out + err
    assert "Traceback" not in out + err
    assert err.count("\n") == 1, err
    assert err.startswith(f"doiac: error: deadline of {budget} s passed: ")
    assert err.endswith("; run again (apply converges)\n")
    done = [line for line in out.splitlines() if line.lstrip().startswith("✓")]
    report = (repo.root / "report.jsonl").read_text().splitlines()
    # A DOI whose write landed before the deadline is done.
    assert 1 <= len(done) <= 6, out
    assert len(report) == len(done)
    assert all('"outcome": "done"' in line for line in report)
    # The next run, with time enough, converges: what is left is created, and nothing is left to do.
    code = main(["apply", "--auto-approve", "--report", "report.jsonl"])
    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert main(["plan", "--detailed-exitcode"]) == 0


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "soon"])
def test_a_deadline_must_be_a_positive_number(
    repo: Repo, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    assert main(["plan", "--deadline", value]) == 2
    assert "--deadline" in capsys.readouterr().err


def test_a_real_deadline_cuts_a_long_retry_after_short(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real clock, real sleep: a 503 asking for 100 s (within the cap) against a 1 s deadline."""
    slow = httpx.MockTransport(lambda request: httpx.Response(503, headers={"Retry-After": "100"}))
    _point_at(repo, "http://127.0.0.1:9", monkeypatch, transport=slow)
    result: list[int] = []
    started = time.monotonic()
    thread = threading.Thread(target=lambda: result.append(main(["plan", "--deadline", "1"])), daemon=True)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "plan sleeps through its deadline"
    assert time.monotonic() - started < 10
    assert result == [1]
    # The first request of a plan is the password check (a dry-run write), so it is the one cut.
    assert (
        "deadline of 1 s passed: POST http://127.0.0.1:9/dois/validate not retried: waiting 100 s"
        in capsys.readouterr().err
    )


def test_a_write_that_lands_at_the_deadline_is_reported_done_and_nothing_else_starts() -> None:
    """The write went out in time; its read-back would start past the deadline and is not sent."""
    now = [0.0]
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.method)
        now[0] += 10  # the write takes the rest of the run's time
        return httpx.Response(200, json={"data": {"id": "10.80000/aaaa-0000", "attributes": {}}})

    client = DataCiteClient(
        "http://127.0.0.1:9", "X.Y", "pw", transport=httpx.MockTransport(handler),
        deadline=Deadline.after(5, lambda: now[0]),
    )  # fmt: skip
    change = Change("10.80000/aaaa-0000", Action.UPDATE, "X.Y", "a.yaml", "findable", "findable",
                    diffs=(FieldDiff("/titles", [{"title": "a"}], [{"title": "b"}]),))  # fmt: skip
    later = Change("10.80000/bbbb-0000", Action.UPDATE, "X.Y", "b.yaml", "findable", "findable")
    record = DesiredRecord(
        change.doi, "findable", "https://example.org", {"titles": [{"title": "b"}]}, "a.yaml", "X.Y"
    )
    seen: list[Outcome] = []
    with pytest.raises(DeadlineError, match=r"deadline of 5 s passed: stopped after 10\.80000/aaaa-0000"):
        apply_plan(
            Plan((change, later), 0), {change.doi: record}, {"X.Y": client}, workers=1, on_outcome=seen.append
        )
    assert sent == ["PUT"]
    assert [(o.doi, o.status) for o in seen] == [(change.doi, "done")]
    assert "read-back failed (deadline of 5 s passed" in seen[0].message
