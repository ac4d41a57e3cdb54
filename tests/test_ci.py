"""The GitOps loop's guards: exit codes a pipeline can trust, credentials never silently missing,
and the embedded sandbox never mistaken for DataCite under CI=true (tested both ways)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from reconciler.config import load_config
from reconciler.sandbox import Client, SandboxOptions, SandboxServer

from .conftest import FINDABLE, Repo
from .helpers.cli import run

DOI = "10.80000/3mfp-6m52"
PASSWORD = "s3cret-ci"


@pytest.fixture
def files(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> Repo:
    monkeypatch.chdir(repo.root)
    monkeypatch.delenv("DATACITE_PASSWORD", raising=False)
    repo.write(f"dois/{DOI}.yaml", FINDABLE)
    return repo


@contextmanager
def served(repo: Repo) -> Iterator[SandboxServer]:
    """A sandbox in its own server, and the repository's config pointed at it over loopback."""
    config = load_config(repo.config)
    accounts = [Client(r.id.upper(), PASSWORD, r.prefixes, r.domains or ("*",)) for r in config.repositories]
    with SandboxServer(repo.root / "served.sqlite", SandboxOptions(repositories=accounts)) as server:
        text = repo.config.read_text()
        repo.write("doiac.yaml", text.replace("environment: sandbox", f"environment: {server.url}"))
        yield server


# -- exit codes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [["--bogus"], ["--format", "yaml"], ["--target", "10.80000/typo"], ["--deadline", "-1"]],
    ids=["unknown-option", "bad-format", "target-without-file", "bad-deadline"],
)
def test_a_usage_error_is_1_under_detailed_exitcode_and_2_otherwise(
    files: Repo, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    assert run(capsys, "plan", *args)[0] == 2
    assert run(capsys, "plan", "--detailed-exitcode", *args)[0] == 1


def test_detailed_exitcode_is_2_only_for_changes(files: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "plan", "--detailed-exitcode")[0] == 2
    assert run(capsys, "apply", "--auto-approve")[0] == 0
    assert run(capsys, "plan", "--detailed-exitcode")[0] == 0


# -- credentials -----------------------------------------------------------------------------------


def test_a_missing_password_is_an_error_unless_anonymous(
    files: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    with served(files):
        code, out, err = run(capsys, "plan", "--detailed-exitcode")
        assert (code, out) == (1, "")
        assert "no password for EXAMPLE.REPO: set DATACITE_PASSWORD" in err
        assert "--anonymous" in err
        code, out, err = run(capsys, "plan", "--anonymous")
    assert code == 0, err
    assert "EXAMPLE.REPO" in out.splitlines()[1]  # the plan's head says what it could not see
    assert "password" in out.splitlines()[1]


def test_a_refused_password_is_an_error(
    files: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATACITE_PASSWORD", "not-the-password")
    with served(files):
        code, out, err = run(capsys, "plan", "--detailed-exitcode")
    assert (code, out) == (1, "")
    assert "DataCite refused the password of EXAMPLE.REPO (401): check DATACITE_PASSWORD" in err


def test_the_right_password_plans(
    files: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATACITE_PASSWORD", PASSWORD)
    with served(files):
        code, out, err = run(capsys, "plan", "--detailed-exitcode")
    assert code == 2, err
    assert f"+ create    {DOI}" in out


def test_anonymous_sends_no_password_even_when_one_is_set(
    files: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATACITE_PASSWORD", "not-the-password")  # refused, but never sent
    with served(files):
        code, out, err = run(capsys, "plan", "--anonymous")
    assert code == 0, err
    assert "password" in out.splitlines()[1]


# -- the embedded sandbox under CI=true ------------------------------------------------------------


def test_ci_refuses_the_embedded_sandbox_without_the_config_saying_so(
    files: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    for command in (["plan"], ["apply", "--auto-approve"]):
        code, out, err = run(capsys, *command)
        assert (code, out) == (1, "")
        assert "environment: sandbox under CI (CI=true)" in err
        assert "sandbox_in_ci: true" in err
    assert not (files.root / ".doiac" / "sandbox.sqlite").exists()


def test_ci_plans_against_the_sandbox_when_the_config_says_so(
    files: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    files.write("doiac.yaml", files.config.read_text() + "sandbox_in_ci: true\n")
    code, out, err = run(capsys, "plan")
    assert code == 0, err
    assert "on sandbox" in out


@pytest.mark.parametrize("value", ["", "false", "0"])
def test_outside_ci_the_sandbox_needs_no_key(
    files: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("CI", value)
    code, _, err = run(capsys, "plan")
    assert code == 0, err


def test_a_missing_config_path_names_where_it_came_from(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOIAC_CONFIG", str(tmp_path / "nope.yaml"))
    code, _, err = run(capsys, "validate")
    assert code == 1
    assert (
        err
        == f"doiac: error: {tmp_path / 'nope.yaml'}: no such file; --config (or the DOIAC_CONFIG variable) names it\n"
    )


def test_ctrl_c_during_apply_says_what_finished(capsys: pytest.CaptureFixture[str]) -> None:
    from reconciler.cli.reconcile import _ApplyView

    view = _ApplyView(auto_approve=True)
    view.total, view.done = 5, 2
    with pytest.raises(KeyboardInterrupt), view.totals_if_interrupted():
        raise KeyboardInterrupt
    assert capsys.readouterr().err == "Apply interrupted: 2 of 5 DOIs finished (above), 3 not.\n"
    view.total = 0  # interrupted before any write: nothing to count
    with pytest.raises(KeyboardInterrupt), view.totals_if_interrupted():
        raise KeyboardInterrupt
    assert capsys.readouterr().err == ""


def test_a_saved_plan_with_errors_names_them(files: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "apply", "--auto-approve")[0] == 0
    files.write(f"dois/{DOI}.yaml", FINDABLE.replace("state: findable", "state: draft"))
    assert run(capsys, "plan", "--out", "plan.json")[0] == 1
    code, _, err = run(capsys, "apply", "plan.json")
    assert code == 1
    lines = err.splitlines()
    assert lines[0] == "doiac: error: the saved plan has errors; fix them and plan again:"
    assert lines[1].startswith(f"doiac: error: {DOI}: findable → draft is impossible")


def test_the_plan_never_names_a_commit_that_is_not_what_it_read(
    files: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import json
    import subprocess

    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(name, raising=False)

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "-c", "user.name=T", "-c", "user.email=t@example.org", *args],
            cwd=files.root, capture_output=True, text=True, check=True,
        )  # fmt: skip
        return done.stdout.strip()

    def commit() -> str:
        assert run(capsys, "plan", "--out", "plan.json")[0] == 0
        return str(json.loads((files.root / "plan.json").read_text())["commit"])

    git("init", "-q")
    (files.root / ".gitignore").write_text(".doiac/\nplan.json\n")
    git("add", "-A")
    git("commit", "-qm", "files")
    head = git("rev-parse", "HEAD")
    assert commit() == head
    (files.root / "notes.txt").write_text("not a file doiac reads\n")
    assert commit() == head
    files.write(f"dois/{DOI}.yaml", FINDABLE + "version: '2'\n")
    assert commit() == f"{head}+uncommitted"
    git("commit", "-qam", "version 2")
    files.write("dois/10.80000/new-draft.yaml", "doi: 10.80000/new-draft\nstate: draft\n")
    assert commit() == git("rev-parse", "HEAD") + "+uncommitted"


def test_quiet_apply_prints_only_failures_and_the_totals(
    files: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "apply", "--auto-approve", "--quiet")
    assert code == 0, err
    assert "read back" not in out  # an outcome's second line; without --quiet every DOI has one
    assert f"✓ {DOI}" not in out
    assert "Apply: 1 done, 0 failed" in out
