"""`plan --changed-since REF`: a pull request's plan compares only the DOIs whose files it changed.

End to end on a real git repository and the embedded sandbox: five DOIs applied from a base
commit, then one kind of change each (committed or only in the work tree), planned partially and
compared with what a full plan says of the same DOIs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .conftest import FINDABLE, Repo
from .helpers.cli import run
from .helpers.gitrepo import commit, git, isolate_git

CONFIG = """\
environment: sandbox
repositories:
  - id: EXAMPLE.REPO
    prefixes: ["10.80000", "10.80001"]
    path: dois/
    password_env: DATACITE_PASSWORD
    domains: ["data.example.org"]
"""
SUFFIXES = ("3mfp-6m52", "2bfx-7k41", "4ze2-9x35", "7kkp-ad20", "9h3c-1n65")
DOIS = [f"10.80000/{suffix}" for suffix in SUFFIXES]


def _file(doi: str) -> str:
    return f"dois/{doi}.yaml"


def _text(doi: str) -> str:
    return FINDABLE.replace("10.80000/3mfp-6m52", doi)


@pytest.fixture(autouse=True)
def _quiet_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_git(monkeypatch, tmp_path)


@pytest.fixture
def base(repo: Repo, capsys: pytest.CaptureFixture[str]) -> str:
    """Five findable DOIs, committed and applied: the sha of that commit (a PR's base)."""
    git(repo.root, "init", "-q")
    repo.write("doiac.yaml", CONFIG)
    repo.write(".gitignore", ".doiac/\n*.json\n")
    for doi in DOIS:
        repo.write(_file(doi), _text(doi))
    sha = commit(repo.root, "Ann", "Five DOIs", "doiac.yaml", ".gitignore", "dois")
    code, out, err = run(capsys, "apply", "--auto-approve")
    assert code == 0, out + err
    return sha


def _plan(capsys: pytest.CaptureFixture[str], repo: Repo, *args: str) -> tuple[str, dict[str, Any]]:
    code, out, err = run(capsys, "plan", "--out", "plan.json", *args)
    assert code == 0, out + err
    return out, json.loads((repo.root / "plan.json").read_text("utf-8"))


def _changes(saved: dict[str, Any]) -> list[tuple[str, str]]:
    return [(c["action"], c["doi"]) for c in saved["changes"]]


def test_an_edited_file_is_read_singly_and_planned_as_a_full_plan_would(
    repo: Repo, base: str, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write(_file(DOIS[2]), _text(DOIS[2]).replace("Sensor readings 2024", "Sensor readings, 2024"))
    out, partial = _plan(capsys, repo, "--changed-since", base)
    assert _changes(partial) == [("update", DOIS[2])]
    # One single read (the password check before it aside): not the list of every DOI.
    assert (partial["requests"], partial["compared"]) == (1, 1)
    assert partial["changed_since"] == base[:8]
    assert f"note: partial plan: only the 1 DOI whose files changed since {base[:8]} were compared" in out
    _, full = _plan(capsys, repo)
    assert _changes(full) == _changes(partial)
    assert full["changes"][0]["diffs"] == partial["changes"][0]["diffs"]
    assert "changed_since" not in full


def test_a_committed_change_and_an_added_file_are_found(
    repo: Repo, base: str, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write(_file(DOIS[0]), _text(DOIS[0]).replace("publicationYear: 2024", "publicationYear: 2025"))
    commit(repo.root, "Bob", "Fix a year", _file(DOIS[0]))
    new = "10.80000/new1-0001"
    repo.write(_file(new), _text(new))  # untracked: a file the PR adds and git does not ignore
    git(repo.root, "branch", "-q", "main-base", base)
    out, partial = _plan(capsys, repo, "--changed-since", "main-base")
    assert _changes(partial) == [("update", DOIS[0]), ("create", new)]
    assert partial["compared"] == 2
    assert f"since main-base ({base[:8]})" in out


def test_a_removed_file_leaves_its_doi_unmanaged(
    repo: Repo, base: str, capsys: pytest.CaptureFixture[str]
) -> None:
    git(repo.root, "rm", "-q", _file(DOIS[1]))
    _, partial = _plan(capsys, repo, "--changed-since", base)
    assert partial["changes"] == []
    assert partial["unmanaged"] == [{"doi": DOIS[1], "state": "findable", "repository": "EXAMPLE.REPO"}]
    assert partial["compared"] == 1
    _, full = _plan(capsys, repo)
    assert full["unmanaged"] == partial["unmanaged"]


def test_a_renamed_file_is_compared_and_unchanged(
    repo: Repo, base: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo.root / "dois/moved").mkdir()
    git(repo.root, "mv", _file(DOIS[3]), "dois/moved/renamed.yaml")
    out, partial = _plan(capsys, repo, "--changed-since", base)
    assert (partial["changes"], partial["unmanaged"], partial["compared"]) == ([], [], 1)
    assert "No changes. DataCite matches the changed files (1 unchanged)." in out


def test_a_rename_across_prefixes_creates_the_new_doi_and_leaves_the_old_one(
    repo: Repo, base: str, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = DOIS[4], "10.80001/9h3c-1n65"
    (repo.root / "dois/10.80001").mkdir()
    git(repo.root, "mv", _file(old), _file(new))
    (repo.root / _file(new)).write_text(_text(new), encoding="utf-8")
    _, partial = _plan(capsys, repo, "--changed-since", base)
    assert _changes(partial) == [("create", new)]
    assert [u["doi"] for u in partial["unmanaged"]] == [old]
    assert partial["compared"] == 2
    _, full = _plan(capsys, repo)
    assert (_changes(full), full["unmanaged"]) == (_changes(partial), partial["unmanaged"])


def test_a_doi_changed_inside_its_file_compares_both(
    repo: Repo, base: str, capsys: pytest.CaptureFixture[str]
) -> None:
    new = "10.80000/zzzz-0000"
    repo.write(_file(DOIS[0]), _text(new))  # same path, another DOI
    _, partial = _plan(capsys, repo, "--changed-since", base)
    assert _changes(partial) == [("create", new)]
    assert [u["doi"] for u in partial["unmanaged"]] == [DOIS[0]]


def test_a_changed_config_makes_the_plan_full_and_says_why(
    repo: Repo, base: str, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("doiac.yaml", CONFIG + "defaults:\n  language: en\n")
    out, planned = _plan(capsys, repo, "--changed-since", base)
    assert sorted(doi for _, doi in _changes(planned)) == sorted(DOIS)
    assert planned["compared"] is None
    assert f"note: the config changed since {base[:8]}: every DOI was compared" in out


def test_the_markdown_comment_says_the_plan_is_partial(
    repo: Repo, base: str, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write(_file(DOIS[2]), _text(DOIS[2]).replace("Sensor readings 2024", "Sensor readings, 2024"))
    code, out, err = run(capsys, "plan", "--changed-since", base, "--format", "markdown")
    assert code == 0, out + err
    assert (
        f"> **note**: partial plan: only the 1 DOI whose files changed since {base[:8]} were compared" in out
    )


def test_a_saved_partial_plan_applies_what_it_shows(
    repo: Repo, base: str, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write(_file(DOIS[2]), _text(DOIS[2]).replace("Sensor readings 2024", "Sensor readings, 2024"))
    _plan(capsys, repo, "--changed-since", base)
    code, out, err = run(capsys, "apply", "plan.json")
    assert code == 0, out + err
    assert "1 done" in out
    code, out, err = run(capsys, "plan", "--detailed-exitcode")
    assert code == 0, out + err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--changed-since", "no-such-branch"],
            "--changed-since 'no-such-branch' names no commit of this repository",
        ),
        (["--changed-since", "--output=x"], "names no commit"),
        (["--changed-since", "HEAD", "--target", DOIS[0]], "give one of them"),
    ],
)
def test_usage_errors(
    repo: Repo, base: str, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(capsys, "plan", *args)
    assert code == 2, out + err
    assert message in err


def test_outside_git_is_a_usage_error(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write(_file(DOIS[0]), _text(DOIS[0]))
    code, out, err = run(capsys, "plan", "--changed-since", "main")
    assert code == 2, out + err
    assert "is not in a git work tree" in err
