"""plan and apply through the command line, against the embedded sandbox over loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from reconciler.config import load_config
from reconciler.datacite import DataCiteClient
from reconciler.environment import SANDBOX_PASSWORD, open_endpoint

from .conftest import FINDABLE, PROJECT, Repo
from .helpers.cli import run

DOI = "10.80000/3mfp-6m52"
DRAFT = "doi: 10.80000/7kq2-9d41\nstate: draft\n"
PLAN_SCHEMA = json.loads((PROJECT / "schemas" / "plan.schema.json").read_text("utf-8"))


@contextmanager
def api(repo: Repo) -> Iterator[DataCiteClient]:
    """The embedded sandbox of `repo`, as another DataCite client sees it between two commands."""
    with (
        open_endpoint(load_config(repo.config), env={}) as endpoint,
        DataCiteClient(endpoint.url, "EXAMPLE.REPO", SANDBOX_PASSWORD) as client,
    ):
        yield client


def _live(repo: Repo, doi: str) -> dict[str, Any] | None:
    with api(repo) as client:
        item = client.get(doi)
    return None if item is None else item["attributes"]


@pytest.fixture
def files(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> Repo:
    monkeypatch.delenv("DATACITE_PASSWORD", raising=False)
    repo.write(f"dois/{DOI}.yaml", FINDABLE)
    repo.write("dois/10.80000/7kq2-9d41.yaml", DRAFT)
    return repo


def test_plan_apply_plan_is_empty(files: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "plan", "--detailed-exitcode")
    assert code == 2, err
    assert "+ create" in out
    assert DOI in out
    assert "Plan: 2 to create, 0 to update, 0 to delete; 0 unchanged." in out
    code, out, err = run(capsys, "apply", "--auto-approve")
    assert code == 0, out + err
    assert "Apply: 2 done, 0 failed, 0 refused as stale." in out
    assert run(capsys, "plan", "--detailed-exitcode")[0] == 0
    live = _live(files, DOI)
    assert live is not None
    assert (live["state"], live["titles"]) == ("findable", [{"title": "Sensor readings 2024"}])


def test_every_action_end_to_end(files: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "apply", "--auto-approve")[0] == 0
    steps: list[tuple[str, str, str, str]] = [
        # (file, new text, expected plan line fragment, expected state afterwards)
        (f"dois/{DOI}.yaml", FINDABLE.replace("Sensor readings 2024", "Sensor readings, 2024 campaign"),
         "~ update", "findable"),
        (f"dois/{DOI}.yaml", FINDABLE.replace("state: findable", "state: registered")
         .replace("records/1", "tombstones/1"), "↓ hide", "registered"),
        (f"dois/{DOI}.yaml", FINDABLE, "↑ publish", "findable"),
    ]  # fmt: skip
    for path, text, fragment, state in steps:
        files.write(path, text)
        code, out, err = run(capsys, "apply", "--auto-approve")
        assert code == 0, out + err
        assert fragment in out
        live = _live(files, DOI)
        assert live is not None
        assert live["state"] == state
        assert run(capsys, "plan", "--detailed-exitcode")[0] == 0
    files.write("dois/10.80000/7kq2-9d41.yaml", FINDABLE.replace(DOI, "10.80000/7kq2-9d41"))
    code, out, _ = run(capsys, "apply", "--auto-approve")
    assert (code, "one-way" in out, "created" not in out) == (0, True, True)
    assert "published" in out


def test_draft_deletion_and_unmanaged(files: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "apply", "--auto-approve")[0] == 0
    (files.root / "dois/10.80000/7kq2-9d41.yaml").unlink()
    (files.root / f"dois/{DOI}.yaml").unlink()
    code, out, _ = run(capsys, "plan")
    assert code == 0
    assert "? unmanaged" in out
    assert "- delete" not in out
    files.write("doiac.yaml", files.config.read_text() + "prune_drafts: true\n")
    code, out, _ = run(capsys, "apply", "--auto-approve")
    assert code == 0, out
    assert "- delete" in out
    assert "deleted" in out
    assert _live(files, "10.80000/7kq2-9d41") is None
    assert _live(files, DOI) is not None  # a findable DOI whose file went is never deleted


def test_formats_and_saved_plan(files: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "plan", "--format", "json", "--out", "plan.json")
    assert code == 0
    saved = json.loads((files.root / "plan.json").read_text())
    assert json.loads(out)["changes"] == saved["changes"]
    assert not list(Draft202012Validator(PLAN_SCHEMA).iter_errors(saved))
    code, out, _ = run(capsys, "plan", "--format", "markdown")
    assert code == 0
    assert "<details>" in out
    assert f"https://doi.org/{DOI}" in out
    code, out, err = run(capsys, "apply", "plan.json")
    assert code == 0, out + err
    assert run(capsys, "plan", "--detailed-exitcode")[0] == 0


def test_a_plan_carries_its_digest_only_when_saved_or_printed_as_json(
    files: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only a plan that can be applied later needs the digest of every desired record."""
    from reconciler.commands import plan as plan_command

    code, out, _ = run(capsys, "plan", "--format", "json")
    assert code == 0
    printed = json.loads(out)["desired_digest"]
    assert run(capsys, "plan", "--out", "plan.json")[0] == 0
    saved = json.loads((files.root / "plan.json").read_text())["desired_digest"]
    assert printed == saved
    assert saved.startswith("sha256:")
    assert plan_command.run(files.config).plan.desired_digest == ""
    assert plan_command.run(files.config, digest=True).plan.desired_digest == saved


def test_stale_saved_plan_refuses_that_doi_only(files: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "apply", "--auto-approve")[0] == 0
    files.write(f"dois/{DOI}.yaml", FINDABLE.replace("Sensor readings 2024", "Renamed in git"))
    files.write("dois/10.80000/7kq2-9d41.yaml", DRAFT + "titles:\n  - title: A draft title\n")
    assert run(capsys, "plan", "--out", "plan.json")[0] == 0
    with api(files) as client:
        assert client.update(DOI, {"titles": [{"title": "Renamed through the API"}]})[0] == 200
    code, out, _ = run(capsys, "apply", "plan.json")
    assert code == 1
    assert f"! {DOI}" in out
    assert "changed on DataCite since the plan was made" in out
    assert "by example.repo" in out
    assert "Apply: 1 done, 0 failed, 1 refused as stale." in out
    live = _live(files, "10.80000/7kq2-9d41")
    assert live is not None
    assert live["titles"] == [{"title": "A draft title"}]


def test_saved_plan_of_other_files_is_refused(files: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "plan", "--out", "plan.json")[0] == 0
    files.write(f"dois/{DOI}.yaml", FINDABLE.replace("Sensor readings 2024", "Edited after the plan"))
    code, _, err = run(capsys, "apply", "plan.json")
    assert code == 1
    assert "changed since the plan was made" in err
    assert _live(files, DOI) is None


@pytest.mark.parametrize(
    ("args", "settings", "code", "message"),
    [
        (["apply"], "", 2, "refusing to apply without a terminal"),
        (["apply", "--auto-approve"], "limits: {max_one_way: 0}\n", 1, "more than limits.max_one_way (0)"),
        (["apply", "--auto-approve", "--target", "10.80000/nope-0000"], "", 2, "have no file: 10.80000/nope-0000"),
        (["plan", "--format", "yaml"], "", 2, "--format must be one of"),
    ],
    ids=["unattended", "bulk", "unknown-target", "bad-format"],
)  # fmt: skip
def test_refusals(
    files: Repo, capsys: pytest.CaptureFixture[str], args: list[str], settings: str, code: int, message: str
) -> None:
    files.write("doiac.yaml", files.config.read_text() + settings)
    got, out, err = run(capsys, *args)
    assert (got, message in err) == (code, True), out + err
    assert _live(files, DOI) is None


def test_allow_bulk_and_target(files: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    files.write("doiac.yaml", files.config.read_text() + "limits: {max_one_way: 0}\n")
    code, out, _ = run(capsys, "apply", "--auto-approve", "--allow-bulk", "--target", DOI)
    assert code == 0, out
    assert _live(files, DOI) is not None
    assert _live(files, "10.80000/7kq2-9d41") is None


def test_invalid_files_stop_the_plan(files: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    files.write(f"dois/{DOI}.yaml", FINDABLE.replace("Dataset", "Datset"))
    code, out, err = run(capsys, "plan")
    assert (code, out) == (1, "")
    assert "did you mean 'Dataset'?" in err
    assert "fix them first" in err


def test_back_to_draft_is_a_plan_error(files: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "apply", "--auto-approve")[0] == 0
    files.write(f"dois/{DOI}.yaml", FINDABLE.replace("state: findable", "state: draft"))
    code, out, _ = run(capsys, "plan")
    assert code == 1
    assert "findable → draft is impossible" in out
    code, _, err = run(capsys, "apply", "--auto-approve")
    assert code == 1
    assert "the plan has errors" in err


def test_apply_report_lines(
    files: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_ACTOR", "octocat")
    assert run(capsys, "apply", "--auto-approve", "--report", "apply.jsonl")[0] == 0
    lines = [json.loads(line) for line in (files.root / "apply.jsonl").read_text().splitlines()]
    assert sorted(line["doi"] for line in lines) == ["10.80000/3mfp-6m52", "10.80000/7kq2-9d41"]
    for line in lines:
        assert (line["actor"], line["outcome"], line["environment"]) == ("octocat", "done", "sandbox")
        assert line["payload_digest"].startswith("sha256:")
        assert line["updated"]
        assert _live(files, line["doi"])["updated"] == line["updated"]  # type: ignore[index]


def test_apply_without_a_password_is_refused_before_any_write(
    files: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with api(files) as client:
        url = client.base_url
        files.write(
            "doiac.yaml", files.config.read_text().replace("environment: sandbox", f"environment: {url}")
        )
        code, out, err = run(capsys, "apply", "--auto-approve")
    assert code == 1, out + err
    assert "no password for EXAMPLE.REPO: set DATACITE_PASSWORD" in err
    assert "only findable DOIs were compared" in out


def test_progress_only_on_a_terminal(files: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    import sys
    from unittest import mock

    with (
        mock.patch.object(sys.stderr, "isatty", return_value=True),
        mock.patch.object(sys.stdout, "isatty", return_value=True),
        mock.patch.object(sys.stdin, "isatty", return_value=False),
    ):
        code, out, err = run(capsys, "apply", "--auto-approve")
    assert code == 0, out + err
    assert "[###############...............] 1/2 DOIs" in err
    assert "reading singly: 2/2 DOIs" in err
    assert "listing EXAMPLE.REPO: 0/0 DOIs" in err
    code, _, err = run(capsys, "plan")
    assert (code, err) == (0, "")  # not a terminal: no progress at all
