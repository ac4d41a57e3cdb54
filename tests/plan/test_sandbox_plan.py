"""Plans against the sandbox over loopback: round trips of real and example records, and each action."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reconciler.commands.plan import plan_live
from reconciler.commands.validate import read_desired
from reconciler.config import load_config
from reconciler.core.compare import desired_form, is_in_sync, live_form
from reconciler.core.diff import diff_records
from reconciler.datacite import DataCiteClient
from reconciler.model import MISSING, Action, Config, DesiredRecord, FieldDiff, LiveRecord, Severity
from reconciler.sandbox import SandboxOptions

from ..conftest import FINDABLE, PROJECT, REFERENCE, Repo
from ..test_reference_data import _write_doi_file, real_record_as_doi_file
from .roundtrip import create_all, create_payload, describe, plan_against, sandbox

DOI = "10.80000/3mfp-6m52"


def _records(config: Config) -> list[DesiredRecord]:
    desired = read_desired(config)
    assert desired.errors == 0, [d for d in desired.diagnostics if d.severity is Severity.ERROR]
    return list(desired.records)


def test_example_repository_round_trips_in_one_request(tmp_path: Path) -> None:
    config = load_config(PROJECT / "doiac.yaml")
    records = _records(config)
    with sandbox(tmp_path, config) as (_, clients):
        create_all(clients, records)
        plan, requests = plan_against(clients, records, config)
    assert describe(plan) == []
    assert (plan.unchanged, plan.problems, plan.unmanaged, requests) == (len(records), (), (), 1)


def test_real_records_round_trip(repo: Repo) -> None:
    folder = REFERENCE / "real-records"
    if not folder.is_dir():
        pytest.skip(f"reference data not found at {folder} (../shared is absent in a user's own clone)")
    files = sorted(folder.glob("*.json"))
    # Two files are the same DOI read at two dates: one DOI file each is all git can hold.
    by_doi = {}
    for n, path in enumerate(files):
        record = real_record_as_doi_file(json.loads(path.read_text("utf-8")), n)
        by_doi[record["doi"].lower()] = record
    records = list(by_doi.values())
    prefixes = sorted({r["doi"].split("/")[0].lower() for r in records})
    repo.write(
        "doiac.yaml",
        f"repositories:\n  - id: REAL.REPO\n    prefixes: {json.dumps(prefixes)}\n    path: dois/\n",
    )
    for record in records:
        _write_doi_file(repo, record)
    config = load_config(repo.config)
    desired = _records(config)
    assert len(desired) == len(records) >= 60
    with sandbox(repo.root, config) as (_, clients):
        refused = create_all(clients, desired)
        created = [r for r in desired if r not in refused]
        plan, requests = plan_against(clients, created, config)
    assert [r.doi for r in refused] == ["10.5067/terra+aqua/ceres/cldtyphist_l3.004"]
    assert describe(plan) == []
    assert (plan.unchanged, requests) == (len(created), 1)


def test_real_answers_match_their_own_files(repo: Repo) -> None:
    """DataCite's real answers as live records against the DOI files made from them: no change."""
    folder = REFERENCE / "real-records"
    if not folder.is_dir():
        pytest.skip(f"reference data not found at {folder} (../shared is absent in a user's own clone)")
    answers = [json.loads(p.read_text("utf-8")) for p in sorted(folder.glob("*.json"))]
    answers = [a for a in answers if "doi" in a]  # submission-shaped files are not API answers
    repo.write(
        "doiac.yaml", 'repositories:\n  - id: REAL.REPO\n    prefixes: ["10.80000"]\n    path: dois/\n'
    )
    load_config(repo.config)
    mismatches = []
    for n, answer in enumerate(answers):
        record = real_record_as_doi_file(dict(answer), n)
        desired = DesiredRecord(
            record["doi"].lower(), record["state"], record.get("url"),
            {k: v for k, v in record.items() if k not in ("doi", "state", "url")}, "x.yaml", "REAL.REPO",
        )  # fmt: skip
        live = LiveRecord(
            answer["doi"].lower(), answer.get("state", "findable"), answer.get("url"), answer, "REAL.REPO"
        )
        if not is_in_sync(desired, live):
            mismatches.append(
                (answer["doi"], diff_records(live_form(live, desired_form(desired)), desired_form(desired)))
            )
    assert len(answers) >= 60
    assert mismatches == []


@pytest.fixture
def one(repo: Repo) -> tuple[Repo, Config, list[DesiredRecord]]:
    repo.write(f"dois/{DOI}.yaml", FINDABLE)
    config = load_config(repo.config)
    return repo, config, _records(config)


def _plan(clients: dict[str, DataCiteClient], config: Config, records: list[DesiredRecord], **kw: Any) -> Any:
    return plan_live(clients, records, config, **kw)


@pytest.mark.parametrize(
    ("change", "pointer", "before", "after"),
    [
        ({"titles": [{"title": "Renamed"}]}, "/titles/0/title", "Renamed", "Sensor readings 2024"),
        ({"url": "https://data.example.org/records/9"}, "/url", "https://data.example.org/records/9",
         "https://data.example.org/records/1"),
        ({"publicationYear": 2023}, "/publicationYear", 2023, 2024),
        ({"subjects": [{"subject": "Added"}]}, "/subjects", [{"subject": "Added"}], MISSING),
        ({"creators": [{"name": "Doe, Jane", "nameType": "Personal"}, {"name": "Roe, Ann"}]}, "/creators/1",
         {"name": "Roe, Ann"}, MISSING),
    ],
    ids=["title", "url", "year", "subject-added", "creator-added"],
)  # fmt: skip
def test_a_change_through_the_api_is_exactly_that_field(
    one: tuple[Repo, Config, list[DesiredRecord]],
    change: dict[str, Any],
    pointer: str,
    before: Any,
    after: Any,
) -> None:
    repo, config, records = one
    with sandbox(repo.root, config) as (_, clients):
        create_all(clients, records)
        assert _plan(clients, config, records).changes == ()
        status, _ = clients["EXAMPLE.REPO"].update(DOI, change)
        assert status == 200
        plan = _plan(clients, config, records)
    [only] = plan.changes
    assert (only.doi, only.action, only.event, only.diffs) == (
        DOI,
        Action.UPDATE,
        None,
        (FieldDiff(pointer, before, after),),
    )
    assert only.fingerprint
    assert only.fingerprint.startswith("sha256:")


@pytest.mark.parametrize(
    ("live_state", "wanted", "action", "event", "one_way"),
    [
        ("draft", "findable", Action.PUBLISH, "publish", True),
        ("draft", "registered", Action.REGISTER, "register", True),
        ("registered", "findable", Action.PUBLISH, "publish", False),
        ("findable", "registered", Action.HIDE, "hide", False),
    ],
    ids=["draft-publish", "draft-register", "show", "hide"],
)  # fmt: skip
def test_state_changes(
    one: tuple[Repo, Config, list[DesiredRecord]],
    live_state: str,
    wanted: str,
    action: Action,
    event: str,
    one_way: bool,
) -> None:
    repo, config, [record] = one
    with sandbox(repo.root, config) as (_, clients):
        create_all(clients, [record.replace(state=live_state)])
        plan = _plan(clients, config, [record.replace(state=wanted)])
    [only] = plan.changes
    assert (only.action, only.event, only.state_before, only.state_after, only.diffs, only.is_one_way) == (
        action, event, live_state, wanted, (), one_way
    )  # fmt: skip


def test_back_to_draft_is_an_error_not_a_change(one: tuple[Repo, Config, list[DesiredRecord]]) -> None:
    repo, config, [record] = one
    with sandbox(repo.root, config) as (_, clients):
        create_all(clients, [record])
        plan = _plan(clients, config, [record.replace(state="draft")])
    assert plan.changes == ()
    assert not plan.is_applyable
    assert "findable → draft is impossible" in plan.problems[0].message


def test_create_is_planned_for_a_missing_doi(one: tuple[Repo, Config, list[DesiredRecord]]) -> None:
    repo, config, records = one
    with sandbox(repo.root, config) as (_, clients):
        plan, requests = plan_against(clients, records, config)
    [only] = plan.changes
    assert (only.action, only.event, only.state_before, only.is_one_way, requests) == (
        Action.CREATE,
        "publish",
        None,
        True,
        2,
    )
    assert FieldDiff("/titles", MISSING, [{"title": "Sensor readings 2024"}]) in only.diffs


@pytest.mark.parametrize(
    ("settings", "unmanaged", "deleted", "errors"),
    [
        ("", ["10.80000/draft-1", "10.80000/pub-1"], [], 0),
        ("unmanaged: ignore\n", [], [], 0),
        ("unmanaged: error\n", ["10.80000/draft-1", "10.80000/pub-1"], [], 2),
        ("prune_drafts: true\n", ["10.80000/pub-1"], ["10.80000/draft-1"], 0),
    ],
    ids=["warn", "ignore", "error", "prune"],
)  # fmt: skip
def test_live_dois_without_a_file(
    one: tuple[Repo, Config, list[DesiredRecord]],
    settings: str,
    unmanaged: list[str],
    deleted: list[str],
    errors: int,
) -> None:
    repo, _, records = one
    repo.write("doiac.yaml", repo.config.read_text() + settings)
    config = load_config(repo.config)
    with sandbox(repo.root, config) as (_, clients):
        create_all(clients, records)
        client = clients["EXAMPLE.REPO"]
        assert client.create({"doi": "10.80000/draft-1"})[0] == 201
        assert client.create({**create_payload(records[0]), "doi": "10.80000/pub-1"})[0] == 201
        plan = _plan(clients, config, records)
    assert [u.doi for u in plan.unmanaged] == unmanaged
    assert [(c.doi, c.action, c.is_one_way) for c in plan.changes] == [
        (d, Action.DELETE, True) for d in deleted
    ]
    assert sum(p.severity is Severity.ERROR for p in plan.problems) == errors


def test_the_lagging_list_is_caught_by_single_reads(one: tuple[Repo, Config, list[DesiredRecord]]) -> None:
    repo, config, records = one
    with sandbox(repo.root, config, options=SandboxOptions(index_lag=600)) as (_, clients):
        create_all(clients, records)
        plan, requests = plan_against(clients, records, config)
    assert (plan.changes, plan.unchanged, requests) == ((), 1, 2)


def test_a_doi_of_another_repository_account(repo: Repo) -> None:
    repo.write("doiac.yaml", repo.config.read_text() + (
        "  - id: OTHER.REPO\n    prefixes: [\"10.80001\"]\n    path: other/\n"
        "    domains: [\"data.example.org\"]\n"
    ))  # fmt: skip
    repo.write(f"dois/{DOI}.yaml", FINDABLE)
    (repo.root / "other").mkdir()
    config = load_config(repo.config)
    records = _records(config)
    with sandbox(repo.root, config) as (_, clients):
        create_all(clients, records)
        # The same DOI now claimed from OTHER.REPO's folder (the prefix check aside).
        moved = [records[0].replace(repository="OTHER.REPO")]
        plan = _plan(clients, config, moved)
    messages = [p.message for p in plan.problems]
    assert any("not one of OTHER.REPO's prefixes" in m for m in messages), messages


def test_without_a_password_only_findable_dois_are_compared(
    one: tuple[Repo, Config, list[DesiredRecord]],
) -> None:
    repo, config, [record] = one
    draft = record.replace(doi="10.80000/draft-2", state="draft", path="dois/10.80000/draft-2.yaml")
    with sandbox(repo.root, config) as (server, clients):
        create_all(clients, [record, draft])
        with DataCiteClient(server.url, "EXAMPLE.REPO", None) as client:
            plan = _plan({"EXAMPLE.REPO": client}, config, [record, draft])
    assert (plan.changes, plan.unchanged) == ((), 1)
    [problem] = plan.problems
    assert (problem.severity, problem.doi) == (Severity.WARNING, "10.80000/draft-2")


def test_targets_read_only_those_dois(one: tuple[Repo, Config, list[DesiredRecord]]) -> None:
    repo, config, records = one
    with sandbox(repo.root, config) as (_, clients):
        create_all(clients, records)
        client = clients["EXAMPLE.REPO"]
        assert client.create({"doi": "10.80000/draft-1"})[0] == 201
        before = client.requests
        targets = frozenset([DOI])
        plan = plan_live(clients, records, config, targets=targets)
    assert (plan.changes, plan.unmanaged, plan.unchanged, client.requests - before) == ((), (), 1, 1)
