"""`doiac history DOI`: the commits that touched a DOI's file (real git in a temporary repository) and DataCite's activities."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.commands import history
from reconciler.commands.plan import connect
from reconciler.config import load_config
from reconciler.errors import UsageError
from reconciler.model import MISSING, FieldDiff
from reconciler.render.history_text import render_history

from .conftest import FINDABLE, METADATA, Repo
from .helpers import gitrepo
from .helpers.gitrepo import isolate_git

DOI = "10.80000/3mfp-6m52"
FIRST = f"dois/{DOI}.yaml"
MOVED = "dois/2024/3mfp-6m52.yaml"


@pytest.fixture(autouse=True)
def _quiet_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_git(monkeypatch, tmp_path)


def git(repo: Repo, *args: str) -> None:
    gitrepo.git(repo.root, *args)


def commit(repo: Repo, author: str, subject: str, *paths: str) -> None:
    gitrepo.commit(repo.root, author, subject, *paths)


@pytest.fixture
def three(repo: Repo) -> Repo:
    """Create the DOI file, change its title, move it to another folder: three authors, three commits."""
    git(repo, "init", "-q")
    repo.write(FIRST, FINDABLE)
    commit(repo, "Ann Create", "Add sensor readings", FIRST)
    repo.write(FIRST, FINDABLE.replace("Sensor readings 2024", "Sensor readings 2025"))
    commit(repo, "Bob Title", "Fix title (#7)", FIRST)
    (repo.root / MOVED).parent.mkdir()
    git(repo, "mv", FIRST, MOVED)
    commit(repo, "Cy Move", "Merge pull request #12 from x/y", MOVED)
    return repo


def test_three_commits_newest_first_with_their_field_diffs_across_a_rename(three: Repo) -> None:
    found = history.run(three.config, DOI, offline=True)
    assert found.path == MOVED
    assert [c.author for c in found.commits] == ["Cy Move", "Bob Title", "Ann Create"]
    moved, retitled, created = found.commits
    assert moved.diffs == ()  # read from the file's old name: a pure move changes no data
    assert retitled.diffs == (FieldDiff("/titles/0/title", "Sensor readings 2024", "Sensor readings 2025"),)
    assert all(d.before is MISSING for d in created.diffs)
    assert [d.pointer for d in created.diffs][:3] == ["/doi", "/state", "/url"]
    assert FieldDiff("/doi", MISSING, DOI) in created.diffs
    assert all(len(c.sha) == 40 and c.date[:2] == "20" for c in found.commits)
    assert found.activities == ()


def test_pull_request_numbers_from_merge_and_squash_subjects(three: Repo) -> None:
    found = history.run(three.config, DOI, offline=True)
    assert [c.pull_request for c in found.commits] == [12, 7, None]
    assert history.pull_request("Add (#7) to the notes") is None
    assert history.pull_request("Merge branch 'main' into x") is None


def test_limit_keeps_the_newest_commits(three: Repo) -> None:
    found = history.run(three.config, DOI, offline=True, limit=2)
    assert [c.subject for c in found.commits] == ["Merge pull request #12 from x/y", "Fix title (#7)"]


def test_a_version_that_does_not_parse_is_a_note_not_a_crash(repo: Repo) -> None:
    git(repo, "init", "-q")
    repo.write(FIRST, FINDABLE)
    commit(repo, "Ann", "good", FIRST)
    repo.write(FIRST, "doi: [unclosed\n")
    commit(repo, "Bob", "broken", FIRST)
    repo.write(FIRST, FINDABLE.replace("2024", "2025"))
    commit(repo, "Cy", "mended", FIRST)
    mended, broken, good = history.run(repo.config, DOI, offline=True).commits
    for unreadable in (mended, broken):
        (note,) = unreadable.diffs
        assert (note.pointer, note.before) == ("", MISSING)
        assert "could not be read" in note.after
        assert "YAML syntax" in note.after
    assert good.diffs
    assert "could not be read" not in str(good.diffs)


def test_outside_a_git_work_tree_there_are_no_commits(repo: Repo) -> None:
    repo.write(FIRST, FINDABLE)
    found = history.run(repo.config, DOI, offline=True)
    assert (found.path, found.commits) == (FIRST, ())


def test_without_git_there_are_no_commits(three: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    assert history.run(three.config, DOI, offline=True).commits  # the same repository, with git
    monkeypatch.setenv("PATH", str(three.root / "no-bin"))
    assert history.run(three.config, DOI, offline=True).commits == ()


def test_an_uncommitted_file_has_no_commits(repo: Repo) -> None:
    git(repo, "init", "-q")
    repo.write(FIRST, FINDABLE)
    assert history.run(repo.config, DOI, offline=True).commits == ()


def test_a_doi_without_a_file_has_no_path_and_no_commits(three: Repo) -> None:
    found = history.run(three.config, "10.80000/no-such-file", offline=True)
    assert (found.path, found.commits, found.activities) == (None, (), ())


def test_a_prefix_of_no_repository_is_a_usage_error(repo: Repo) -> None:
    with pytest.raises(UsageError, match=r"10\.99999"):
        history.run(repo.config, "10.99999/abc", offline=True)


def test_datacite_activities_newest_first_from_the_sandbox(three: Repo) -> None:
    config = load_config(three.config)
    with connect(config, env={}) as (_, clients):  # the embedded sandbox, state in .doiac/
        status, body = clients["EXAMPLE.REPO"].create({"doi": DOI, **METADATA})
        assert status == 201, body
        status, body = clients["EXAMPLE.REPO"].update(
            DOI, {"url": "https://data.example.org/records/1", "event": "publish"}
        )
        assert status in {200, 201}, body
    found = history.run(three.config, DOI)
    assert [t.activity.action for t in found.activities] == ["update", "create"]
    update, create = (t.activity for t in found.activities)
    assert update.changes["url"] == [None, "https://data.example.org/records/1"]
    assert update.date >= create.date
    assert update.by
    assert len(found.commits) == 3  # online, the commits are there as well
    # Written by a client, not by an apply git records: both are out-of-band.
    assert [t.out_of_band for t in found.activities] == [True, True]
    assert found.applies == ()


def test_activities_of_a_doi_without_a_file(repo: Repo) -> None:
    config = load_config(repo.config)
    with connect(config, env={}) as (_, clients):
        assert clients["EXAMPLE.REPO"].create({"doi": "10.80000/only-live"})[0] == 201
    found = history.run(repo.config, "10.80000/only-live")
    assert (found.path, found.commits) == (None, ())
    assert [t.activity.action for t in found.activities] == ["create"]


def test_activities_are_ordered_by_version_then_time() -> None:
    def item(version: int, at: str, action: str) -> dict[str, object]:
        return {"attributes": {"version": version, "prov:generatedAtTime": at, "action": action}}

    parsed = history.parse_activities(
        [
            item(1, "2025-01-01T00:00:00Z", "create"),
            item(3, "2025-01-01T00:00:00Z", "b"),
            item(2, "2025-01-01T00:00:00.000Z", "a"),
        ]
    )
    assert [a.action for a in parsed] == ["b", "a", "create"]
    assert parsed[0].by is None
    assert parsed[0].changes == {}


def test_render_shows_subjects_pointers_and_activities(three: Repo) -> None:
    found = history.run(three.config, DOI, offline=True)
    activity = history.Activity(
        "2025-03-04T10:15:02Z", "update", "https://api/repositories/x.y", {"url": ["a", "b"]}
    )
    text = render_history(
        history.History(found.doi, found.path, found.commits, (history.Traced(activity, None),))
    )
    for subject in ("Add sensor readings", "Fix title (#7)", "Merge pull request #12 from x/y"):
        assert subject in text
    assert '~ /titles/0/title: "Sensor readings 2024" → "Sensor readings 2025"' in text
    assert "+ /doi:" in text
    assert MOVED in text
    assert text.index("Merge pull request #12") < text.index("Fix title (#7)") < text.index("Add sensor")
    assert 'url: "a" → "b"' in text
    assert "by x.y  OUT-OF-BAND: no recorded apply made this change" in text


def test_render_without_commits_or_activities() -> None:
    text = render_history(history.History(DOI, None, (), ()))
    assert DOI in text
    assert "No DOI file" in text
    assert "no activities" in text
