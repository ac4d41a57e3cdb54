"""apply_plan against the sandbox: outcomes, read-back verdicts, re-plans and stale saved plans."""

from __future__ import annotations

import dataclasses
import signal
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from reconciler.applier import apply_plan
from reconciler.core.compare import fingerprint
from reconciler.core.planner import make_change
from reconciler.datacite import DataCiteClient, live_record
from reconciler.model import Action, Change, Config, DesiredRecord, FieldResult, Plan, Repository

from .conftest import METADATA
from .plan.roundtrip import create_payload, sandbox

REPO = Repository("EXAMPLE.REPO", ("10.80000",), "dois/", "DATACITE_PASSWORD", ("data.example.org",))
CONFIG = Config("doiac.yaml", repositories=(REPO,))
DOI = "10.80000/3mfp-6m52"
META: dict[str, Any] = METADATA
RECORD = DesiredRecord(DOI, "findable", "https://data.example.org/1", META, f"dois/{DOI}.yaml", REPO.id)


def _apply(
    client: DataCiteClient, *changes: Change, record: DesiredRecord = RECORD, saved: bool = False
) -> Any:
    report = apply_plan(Plan(changes, 0), {record.doi: record}, {REPO.id: client}, saved=saved)
    return report.outcomes


def _current(client: DataCiteClient, doi: str = DOI) -> Any:
    item = client.get(doi)
    return None if item is None else live_record(item)


def test_create_then_update_then_hide(tmp_path: Path) -> None:
    with sandbox(tmp_path, CONFIG) as (_, clients):
        client = clients[REPO.id]
        create = make_change(RECORD, None)
        assert create is not None
        [outcome] = _apply(client, create)
        assert (outcome.status, outcome.message) == ("done", "created, published")
        assert all(f.result is FieldResult.APPLIED for f in outcome.fields)
        renamed = RECORD.replace(attributes={**META, "titles": [{"title": "U"}]}, state="registered",
                                      url="https://data.example.org/tombstone/1")  # fmt: skip
        change = make_change(renamed, _current(client))
        assert change is not None
        [outcome] = _apply(client, change, record=renamed)
        assert (outcome.status, outcome.message, outcome.action) == ("done", "updated, hidden", Action.HIDE)
        assert _current(client).state == "registered"


@pytest.mark.parametrize(
    ("existing", "message"),
    [(META, "already created (an earlier request landed)"),
     ({**META, "titles": [{"title": "Someone else's"}]}, "already existed; updated")],
    ids=["same", "different"],
)  # fmt: skip
def test_an_already_taken_create_is_replanned_never_duplicated(
    tmp_path: Path, existing: dict[str, Any], message: str
) -> None:
    with sandbox(tmp_path, CONFIG) as (_, clients):
        client = clients[REPO.id]
        assert client.create(create_payload(RECORD.replace(attributes=existing)))[0] == 201
        create = make_change(RECORD, None)
        assert create is not None
        [outcome] = _apply(client, create)
        assert (outcome.status, outcome.message) == ("done", message)
        assert _current(client).attributes["titles"] == [{"title": "T"}]


def test_a_refusal_names_datacites_reason(tmp_path: Path) -> None:
    elsewhere = RECORD.replace(url="https://elsewhere.example.com/1")
    with sandbox(tmp_path, CONFIG) as (_, clients):
        create = make_change(elsewhere, None)
        assert create is not None
        [outcome] = _apply(clients[REPO.id], create, record=elsewhere)
    assert outcome.status == "failed"
    assert outcome.message.startswith("create refused (422 url:")
    assert "nothing else changed for this DOI" in outcome.message


def test_an_ignored_event_is_a_failure(tmp_path: Path) -> None:
    draft = RECORD.replace(state="draft")
    with sandbox(tmp_path, CONFIG) as (_, clients):
        client = clients[REPO.id]
        assert client.create(create_payload(draft))[0] == 201
        # `hide` from draft is not a transition: DataCite answers 200 and leaves the state alone.
        wrong = Change(DOI, Action.HIDE, REPO.id, RECORD.path, "draft", "registered", event="hide")
        [outcome] = _apply(client, wrong, record=RECORD.replace(state="registered"))
    assert (outcome.status, outcome.message) == (
        "failed", "DataCite ignored the hide event: the DOI is draft, not registered"
    )  # fmt: skip


def test_a_field_datacite_trims_is_reported_as_rewritten(tmp_path: Path) -> None:
    # DataCite's permit list drops affiliations inside relatedItems' creators without a word (§2.8.9).
    item = {"relationType": "IsPublishedIn", "relatedItemType": "Journal", "titles": [{"title": "J"}],
            "creators": [{"name": "Roe, Ann", "affiliation": [{"name": "U"}]}]}  # fmt: skip
    with_item = RECORD.replace(attributes={**META, "relatedItems": [item]})
    with sandbox(tmp_path, CONFIG) as (_, clients):
        client = clients[REPO.id]
        assert client.create(create_payload(RECORD))[0] == 201
        change = make_change(with_item, _current(client))
        assert change is not None
        [outcome] = _apply(client, change, record=with_item)
    assert outcome.status == "done"
    assert [(f.pointer, f.result) for f in outcome.fields] == [("/relatedItems", FieldResult.REWRITTEN)]


def test_delete_of_a_findable_doi_fails_with_datacites_answer(tmp_path: Path) -> None:
    with sandbox(tmp_path, CONFIG) as (_, clients):
        client = clients[REPO.id]
        assert client.create(create_payload(RECORD))[0] == 201
        delete = Change(DOI, Action.DELETE, REPO.id, None, "draft", None)
        [outcome] = _apply(client, delete)
    assert outcome.status == "failed"
    assert "405" in outcome.message


def test_saved_plans_refuse_what_moved(tmp_path: Path) -> None:
    with sandbox(tmp_path, CONFIG) as (_, clients):
        client = clients[REPO.id]
        create = make_change(RECORD, None)
        assert create is not None
        assert client.create(create_payload(RECORD))[0] == 201  # created by someone after the plan
        [outcome] = _apply(client, create, saved=True)
        assert outcome.status == "stale"
        assert outcome.message.startswith(
            "the DOI was created on DataCite since the plan was made (create at"
        )
        current = _current(client)
        renamed = RECORD.replace(attributes={**META, "titles": [{"title": "U"}]})
        update = make_change(renamed, current)
        assert update is not None
        assert update.fingerprint == fingerprint(current)
        [outcome] = _apply(client, update, record=renamed, saved=True)
        assert outcome.status == "done"
        gone = dataclasses.replace(update, doi="10.80000/gone-0000")
        [outcome] = _apply(client, gone, record=renamed.replace(doi="10.80000/gone-0000"), saved=True)
        assert outcome.message == "the DOI no longer exists on DataCite since the plan was made; plan again"


@pytest.mark.parametrize(
    "answer",
    [
        None,  # a proxy that strips the body
        {
            "data": {"id": "10.80000/other", "attributes": {"doi": "10.80000/other", "state": "draft"}}
        },  # another DOI's record
    ],
)
def test_an_answer_without_the_record_is_read_back_and_may_fail(answer: Any) -> None:
    """A write DataCite takes, an answer that does not carry the record, and a GET that cannot see it."""
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.method)
        if request.method == "POST":
            return httpx.Response(201, json=answer) if answer else httpx.Response(201)
        return httpx.Response(404, json={"errors": [{"status": "404", "title": "Not found"}]})

    client = DataCiteClient("http://127.0.0.1:9", REPO.id, "pw", transport=httpx.MockTransport(handler))
    create = make_change(RECORD, None)
    assert create is not None
    [outcome] = _apply(client, create)
    assert (outcome.status, outcome.message) == (
        "failed",
        "written, but DataCite cannot show it on read-back",
    )
    assert sent == ["POST", "GET"]
    client.close()


def test_the_write_s_answer_is_the_read_back_and_its_verdict(tmp_path: Path) -> None:
    """DataCite answers a write with the saved record: one request per change, and it is judged."""
    with sandbox(tmp_path, CONFIG) as (_, clients):
        client = clients[REPO.id]
        create = make_change(RECORD, None)
        assert create is not None
        before = client.requests
        [outcome] = _apply(client, create)
        assert (outcome.status, client.requests - before) == ("done", 1)
        assert outcome.updated == _current(client).updated

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.method == "POST", "no GET when the answer is the record"
        return httpx.Response(
            201, json={"data": {"id": DOI, "attributes": {"doi": DOI, "state": "findable"}}}
        )

    sparse = DataCiteClient("http://127.0.0.1:9", REPO.id, "pw", transport=httpx.MockTransport(handler))
    [outcome] = _apply(sparse, create)
    assert (outcome.status, outcome.message) == (
        "failed",
        "created, published, but not every field was applied",
    )
    sparse.close()


def test_a_draft_of_another_account_is_refused_by_datacite(tmp_path: Path) -> None:
    other = Repository("OTHER.REPO", ("10.80000",), "other/", "OTHER_PASSWORD", ("data.example.org",))
    config = dataclasses.replace(CONFIG, repositories=(REPO, other))
    with sandbox(tmp_path, config) as (_, clients):
        assert clients["OTHER.REPO"].create({"doi": DOI})[0] == 201  # a draft: invisible to EXAMPLE.REPO
        create = make_change(RECORD, None)
        assert create is not None
        [outcome] = _apply(clients[REPO.id], create)
    assert outcome.status == "failed"
    assert outcome.message.endswith("403: You are not authorized to access this resource.")


def test_an_interrupt_starts_no_further_doi() -> None:
    from reconciler.workers import run_all

    started: list[str] = []

    def run(change: Change) -> Any:
        started.append(change.doi)
        if change.doi == "10.80000/b":
            # Ctrl-C: the signal reaches the main thread, waiting on the pool, while b is in flight.
            signal.raise_signal(signal.SIGINT)
            time.sleep(1.5)  # the main thread looks every 0.2 s; a loaded machine gets the rest
        return change.doi

    batch = [Change(f"10.80000/{name}", Action.UPDATE, REPO.id, None, "draft", "draft") for name in "abcdef"]
    with pytest.raises(KeyboardInterrupt):
        run_all(run, batch, workers=1)
    assert started == ["10.80000/a", "10.80000/b"]


def test_an_interrupt_is_one_line_and_exit_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from reconciler import cli

    def interrupted(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "app", interrupted)
    assert cli.main(["apply"]) == 130
    assert capsys.readouterr().err.startswith("doiac: interrupted: requests in flight finished")
