"""The write landed but its answer was lost: apply neither creates twice nor loses a change.

`lose_rate` runs a write (POST, PUT, PATCH or DELETE under /dois) to the end, then drops the
connection instead of answering: the client sees a transport error for a change the sandbox
holds, the one fault that tempts a client to create a DOI twice.
"""

from __future__ import annotations

import base64
import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.exceptions import StarletteDeprecationWarning

from reconciler import datacite
from reconciler.cli import main
from reconciler.sandbox import Faults, SandboxOptions, SandboxServer, Store, create_app
from reconciler.sandbox.faults import DroppedConnection

from ..apply import ACCOUNT, PASSWORD, creates, held_dois, point_at, write_dois
from ..conftest import Repo
from ..helpers.sandbox_admin import admin

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

COUNT = 40
RUNS = 10
FAST_RETRY = datacite.Retry(attempts=4, base=0.001, cap=0.005)
BODY = {"data": {"attributes": {"titles": [{"title": "Landed"}]}}}
AUTH = (ACCOUNT.id, PASSWORD)


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    with SandboxServer(tmp_path / "sandbox.sqlite", SandboxOptions(repositories=[ACCOUNT])) as server:
        yield server


def _configure(server: SandboxServer, **changes: object) -> None:
    response = httpx.post(f"{server.url}/_sandbox/config", json=changes, headers=admin(server))
    assert response.status_code == 200, response.text


def _lost(server: SandboxServer) -> int:
    return int(httpx.get(f"{server.url}/_sandbox/stats", headers=admin(server)).json()["lost"])


def test_in_process_a_lost_answer_raises_after_the_write_ran() -> None:
    store = Store(":memory:")
    store.put_client(ACCOUNT)
    credentials = base64.b64encode(f"{ACCOUNT.id}:{PASSWORD}".encode()).decode()
    app = create_app(store, Faults(lose_rate=1.0))
    with TestClient(app, headers={"Authorization": f"Basic {credentials}"}) as api:
        with pytest.raises(DroppedConnection, match="answer lost"):
            api.put("/dois/10.80000/landed", json=BODY)
        shown = api.get("/dois/10.80000/landed")  # reads are never lost
        assert (shown.status_code, shown.json()["data"]["attributes"]["titles"]) == (
            200,
            [{"title": "Landed"}],
        )
        assert api.post("/dois/validate", json=BODY).status_code == 200  # writes nothing: answered
    store.close()


def test_over_a_socket_a_lost_answer_is_a_dropped_connection(sandbox: SandboxServer) -> None:
    _configure(sandbox, lose_rate=1.0)
    with pytest.raises(httpx.TransportError):
        httpx.put(f"{sandbox.url}/dois/10.80000/landed", json=BODY, auth=AUTH)
    assert [a["action"] for a in sandbox.store.activities("10.80000/landed")] == ["create"]  # it landed
    with pytest.raises(httpx.TransportError):
        httpx.delete(f"{sandbox.url}/dois/10.80000/landed", auth=AUTH)
    assert httpx.get(f"{sandbox.url}/dois/10.80000/landed", auth=AUTH).status_code == 404  # deleted
    assert _lost(sandbox) == 2
    assert sandbox.store.activities("10.80000/landed") == []  # a deleted draft takes its history along


def test_apply_converges_when_half_the_answers_to_writes_are_lost(
    repo: Repo, sandbox: SandboxServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(datacite, "DEFAULT_RETRY", FAST_RETRY)
    monkeypatch.setenv("DATACITE_PASSWORD", PASSWORD)
    states = write_dois(repo, COUNT, seed=5)
    titles = {doi: _title(repo.root / "dois" / f"{doi}.yaml") for doi in states}
    point_at(repo, sandbox.url, max_one_way=COUNT)
    _configure(sandbox, lose_rate=0.5, seed=20240601)

    codes = []
    for _ in range(RUNS):
        codes.append(main(["apply", "--auto-approve"]))
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        if codes[-1] == 0 and "Nothing to apply." in out:
            break
    assert codes[-1] == 0, f"exit codes {codes}; last run:\n{out[-2000:]}{err[-2000:]}"
    assert _lost(sandbox) > COUNT // 4, "the faults did not strike the writes"

    _configure(sandbox, lose_rate=0)
    assert main(["plan", "--detailed-exitcode"]) == 0, capsys.readouterr().out[-2000:]
    assert held_dois(sandbox) == dict.fromkeys(states, ACCOUNT.id)
    assert {doi: creates(sandbox, doi) for doi in states} == dict.fromkeys(states, 1)
    with datacite.DataCiteClient(sandbox.url, ACCOUNT.id, PASSWORD) as client:
        live = {doi: (client.get(doi) or {}).get("attributes", {}) for doi in states}
    assert {doi: (a.get("state"), a["titles"][0]["title"]) for doi, a in live.items()} == {
        doi: (states[doi], titles[doi]) for doi in states
    }


def _title(path: Path) -> str:
    found = re.search(r'- title: "?([^"\n]*)"?', path.read_text(encoding="utf-8"))
    assert found is not None
    return found[1]
