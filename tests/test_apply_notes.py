"""Each apply records itself in git: a note on the applied commit (refs/notes/doiac), read back as ApplyNotes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reconciler.core.provenance import last_applied, note_line, parse_notes, same_instant
from reconciler.git import NOTES_REF, append_note, notes
from reconciler.model import AppliedDoi, ApplyNote, Outcome

from .conftest import FINDABLE, Repo
from .helpers.cli import run
from .helpers.gitrepo import commit, git, isolate_git

DOI = "10.80000/3mfp-6m52"
FILE = f"dois/{DOI}.yaml"


@pytest.fixture(autouse=True)
def _quiet_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_git(monkeypatch, tmp_path)
    for name in (
        "GITHUB_ACTOR",
        "GITHUB_SERVER_URL",
        "GITHUB_REPOSITORY",
        "GITHUB_RUN_ID",
        "GITHUB_RUN_ATTEMPT",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def committed(repo: Repo) -> str:
    git(repo.root, "init", "-q")
    repo.write(".gitignore", ".doiac/\n")
    repo.write(FILE, FINDABLE)
    return commit(repo.root, "Ann", "Add a DOI", "doiac.yaml", FILE, ".gitignore")


def test_an_apply_notes_the_applied_commit_with_each_doi(
    repo: Repo, committed: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_ACTOR", "octocat")
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
    monkeypatch.setenv("GITHUB_REPOSITORY", "org/dois")
    monkeypatch.setenv("GITHUB_RUN_ID", "42")
    code, out, err = run(capsys, "apply", "--auto-approve")
    assert code == 0, out + err
    assert f"Recorded on commit {committed[:12]} in {NOTES_REF}; share it: git push origin {NOTES_REF}" in out
    (line,) = git(repo.root, "notes", f"--ref={NOTES_REF}", "show", committed).splitlines()
    document = json.loads(line)
    assert document["format"] == "doiac-apply/1"
    assert (document["environment"], document["actor"]) == ("sandbox", "octocat")
    assert document["run"] == "https://github.com/org/dois/actions/runs/42"
    assert document["plan_commit"] is None
    (applied,) = document["dois"]
    assert (applied["doi"], applied["action"], applied["outcome"]) == (DOI, "create", "done")
    assert applied["updated"]
    assert git(repo.root, "status", "--porcelain") == ""  # a note is no change to the work tree


def test_a_second_apply_on_the_same_commit_appends(
    repo: Repo, committed: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "apply", "--auto-approve")[0] == 0
    assert run(capsys, "apply", "--auto-approve")[1].endswith("Nothing to apply.\n")  # nothing noted
    assert len(parse_notes(notes(repo.root))) == 1
    # Another environment's apply of the same commit is recorded beside the first.
    assert append_note(
        repo.root, committed, note_line(ApplyNote(committed, "2030-01-01T00:00:00Z", "test", None, None, ()))
    )
    assert [n.environment for n in parse_notes(notes(repo.root))] == ["sandbox", "test"]


def test_uncommitted_files_are_not_recorded_on_any_commit(
    repo: Repo, committed: str, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write(FILE, FINDABLE.replace("2024", "2025"))
    code, out, err = run(capsys, "apply", "--auto-approve")
    assert code == 0, out + err
    assert "not recorded in git: the DOI files differ from the last commit" in err
    assert notes(repo.root) == {}


def test_outside_git_there_is_nothing_to_record(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write(FILE, FINDABLE)
    code, out, err = run(capsys, "apply", "--auto-approve")
    assert code == 0, out + err
    assert "Recorded" not in out
    assert err == ""


def test_notes_read_back_oldest_first_and_skip_what_is_not_doiac() -> None:
    later = ApplyNote("b" * 40, "2026-02-01T00:00:00.000Z", "sandbox", None, None,
                      (AppliedDoi(DOI, "update", "done", "2026-02-01T00:00:00Z"),))  # fmt: skip
    earlier = ApplyNote("a" * 40, "2026-01-01T00:00:00Z", "sandbox", "ann", None,
                        (AppliedDoi(DOI.upper(), "create", "done", "2026-01-01T00:00:00Z"),
                         AppliedDoi("10.80000/x", "create", "failed", None)))  # fmt: skip
    found = parse_notes({
        "b" * 40: note_line(later),
        "a" * 40: "hand-written remark\n" + note_line(earlier) + '\n{"format": "other"}\n{not json\n[1]',
    })  # fmt: skip
    assert [n.commit for n in found] == ["a" * 40, "b" * 40]
    assert found[0].dois[0].doi == DOI  # DOIs are compared in lower case
    latest = last_applied(found, "sandbox")
    assert latest[DOI][0].commit == "b" * 40
    assert "10.80000/x" not in latest  # a failed write records no state to compare with
    assert last_applied(found, "production") == {}


def test_instants_compare_across_precisions() -> None:
    assert same_instant("2026-01-01T10:00:00Z", "2026-01-01T10:00:00.000Z")
    assert not same_instant("2026-01-01T10:00:00Z", "2026-01-01T10:00:01Z")
    assert not same_instant(None, None)
    assert not same_instant("junk", "other junk")


def test_without_a_git_identity_the_note_is_written_as_doiac(repo: Repo, committed: str) -> None:
    assert append_note(repo.root, committed, "{}")
    author = git(repo.root, "log", "-1", "--format=%an <%ae>", NOTES_REF).strip()
    assert author == "doiac <doiac@localhost>"


def test_notes_outside_a_repository_are_none(tmp_path: Path) -> None:
    assert notes(tmp_path) == {}
    assert not append_note(tmp_path, "0" * 40, "{}")


def test_an_interrupted_apply_records_what_it_wrote(
    repo: Repo, committed: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from reconciler.commands import apply as apply_command

    repo.write("dois/10.80000/7kq2-9d41.yaml", "doi: 10.80000/7kq2-9d41\nstate: draft\n")
    head = commit(repo.root, "Ann", "Add a draft", "dois/10.80000/7kq2-9d41.yaml")
    real = apply_command.apply_plan

    def first_then_interrupt(*args: Any, on_outcome: Callable[[Outcome], None], **kwargs: Any) -> Any:
        def once(outcome: Outcome) -> None:
            on_outcome(outcome)
            raise KeyboardInterrupt

        return real(*args, on_outcome=once, workers=1, **{k: v for k, v in kwargs.items() if k != "workers"})

    monkeypatch.setattr(apply_command, "apply_plan", first_then_interrupt)
    assert run(capsys, "apply", "--auto-approve")[0] == 130
    (note,) = parse_notes(notes(repo.root))
    assert note.commit == head
    assert len(note.dois) == 1
