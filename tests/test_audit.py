"""The auditor's questions on a real git repository: which commits, which applies, and which changes
at DataCite no apply explains. A pull request merged with a merge commit, an apply recorded in git,
then a change through the sandbox API by another client: `history`, `history --all` and `plan`
all flag it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconciler.commands import history

from .conftest import FINDABLE, Repo
from .helpers.cli import run
from .helpers.gitrepo import commit, git, isolate_git
from .test_cli_reconcile import api

DOI = "10.80000/3mfp-6m52"
FILE = f"dois/{DOI}.yaml"


@pytest.fixture(autouse=True)
def _quiet_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_git(monkeypatch, tmp_path)


@pytest.fixture
def audited(repo: Repo, capsys: pytest.CaptureFixture[str]) -> tuple[Repo, str]:
    """Add a DOI; retitle it on a branch merged as pull request #12; apply; edit it in "Fabrica"."""
    git(repo.root, "init", "-q", "-b", "main")
    repo.write(".gitignore", ".doiac/\n")
    repo.write(FILE, FINDABLE)
    commit(repo.root, "Ann", "Add sensor readings", ".")
    git(repo.root, "checkout", "-q", "-b", "retitle")
    repo.write(FILE, FINDABLE.replace("Sensor readings 2024", "Sensor readings, 2024 campaign"))
    commit(repo.root, "Bob", "Retitle the readings", FILE)
    git(repo.root, "checkout", "-q", "main")
    git(repo.root, "-c", "user.name=GitHub", "-c", "user.email=noreply@github.com",
        "merge", "-q", "--no-ff", "retitle", "-m", "Merge pull request #12 from org/retitle")  # fmt: skip
    merge = git(repo.root, "rev-parse", "HEAD").strip()
    code, out, err = run(capsys, "apply", "--auto-approve")
    assert code == 0, out + err
    with api(repo) as client:
        status, body = client.update(DOI, {"creators": [{"name": "Roe, Ann"}], "source": "fabricaForm"})
        assert status == 200, body
    return repo, merge


def test_history_flags_the_change_no_apply_explains(audited: tuple[Repo, str]) -> None:
    repo, merge = audited
    found = history.run(repo.config, DOI)
    retitled, added = sorted(found.commits, key=lambda c: c.author, reverse=True)  # one second apart at most
    assert (retitled.author, retitled.pull_request) == ("Bob", 12)  # the PR of the merge that brought it in
    assert added.pull_request is None
    ((note, applied),) = found.applies
    assert (note.commit, applied.action, applied.outcome) == (merge, "create", "done")
    edited, created = found.activities
    assert created.activity.action == "create"
    assert created.apply is not None
    assert created.apply.commit == merge
    assert edited.out_of_band
    assert (edited.channel, edited.activity.changes["creators"][1]) == ("fabricaForm", [{"name": "Roe, Ann"}])


def test_history_text_and_json(audited: tuple[Repo, str], capsys: pytest.CaptureFixture[str]) -> None:
    _, merge = audited
    code, out, err = run(capsys, "history", DOI)
    assert code == 0, out + err
    assert "PR #12" in out
    assert f"create done  commit {merge[:12]}" in out
    assert "1 out-of-band (no recorded apply explains it)" in out
    assert "by example.repo through fabricaForm  OUT-OF-BAND: no recorded apply made this change" in out
    assert f"(the apply of commit {merge[:12]})" in out
    code, out, err = run(capsys, "history", DOI, "--format", "json")
    assert code == 0, out + err
    data = json.loads(out)
    assert [a["out_of_band"] for a in data["activities"]] == [True, False]
    assert data["activities"][1]["apply_commit"] == merge
    assert data["applies"][0]["commit"] == merge
    assert sorted(c["pull_request"] or 0 for c in data["commits"]) == [0, 12]


def test_history_all_lists_every_out_of_band_change(
    audited: tuple[Repo, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "history", "--all", "--since", "2000-01-01")
    assert code == 0, out + err
    assert out.startswith("Out-of-band changes since 2000-01-01: 1 in the activities of 1 DOI.\n")
    assert f"{DOI} ({FILE})  update by example.repo through fabricaForm: creators, " in out
    code, out, _ = run(capsys, "history", "--all", "--format", "json")
    (found,) = json.loads(out)["out_of_band"]
    assert (found["doi"], found["channel"], found["apply_commit"]) == (DOI, "fabricaForm", None)
    code, out, _ = run(capsys, "history", "--all", "--since", "2999-01-01")
    assert out.startswith("Out-of-band changes since 2999-01-01: 0 in the activities of 1 DOI.\n")


def test_the_plan_shows_the_same_change_as_drift(
    audited: tuple[Repo, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "plan")
    assert code == 0, out + err
    assert f"≠ drift     {DOI}" in out
    assert "by example.repo through fabricaForm" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "name a DOI, or pass --all (not both)"),
        ((DOI, "--all"), "name a DOI, or pass --all (not both)"),
        ((DOI, "--since", "2026-01-01"), "--since goes with --all"),
        (("--all", "--offline"), "cannot be --offline"),
        (("--all", "--since", "last week"), "--since 'last week' is not a date"),
    ],
)
def test_history_usage_errors(
    repo: Repo, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    code, _, err = run(capsys, "history", *args)
    assert code == 2
    assert message in err
