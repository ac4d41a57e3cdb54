"""Drift: a change made at DataCite since doiac last applied a DOI is shown, not silently reverted.

End to end on a real git repository, the embedded sandbox and another client writing through the
API as Fabrica would; then the pure separation on its own.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconciler.core.drift import Baseline, changed_keys, separate
from reconciler.model import Action, Change, FieldDiff, Plan, Severity

from .conftest import FINDABLE, Repo
from .helpers.cli import run
from .helpers.gitrepo import commit, git, isolate_git
from .test_cli_reconcile import api

DOI = "10.80000/3mfp-6m52"
FILE = f"dois/{DOI}.yaml"
FABRICA_TITLE = [{"title": "Sensor readings 2024, corrected in Fabrica"}]


@pytest.fixture(autouse=True)
def _quiet_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_git(monkeypatch, tmp_path)


@pytest.fixture
def applied(repo: Repo, capsys: pytest.CaptureFixture[str]) -> Repo:
    """A DOI created by an apply of a commit, then retitled through the API as Fabrica does."""
    git(repo.root, "init", "-q")
    repo.write(".gitignore", ".doiac/\n")
    repo.write(FILE, FINDABLE)
    commit(repo.root, "Ann", "Add a DOI", "doiac.yaml", FILE, ".gitignore")
    code, out, err = run(capsys, "apply", "--auto-approve")
    assert code == 0, out + err
    with api(repo) as client:
        status, body = client.update(DOI, {"titles": FABRICA_TITLE, "source": "fabricaForm"})
        assert status == 200, body
    return repo


def test_a_change_at_datacite_is_drift_not_an_update(
    applied: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "plan", "--detailed-exitcode")
    assert code == 2, out + err  # drift is a difference: a scheduled run must see it
    assert f"≠ drift     {DOI}" in out
    assert "by example.repo through fabricaForm" in out
    assert '"Sensor readings 2024, corrected in Fabrica" → "Sensor readings 2024"' in out
    assert f"doiac import --force {DOI}" in out
    assert f"doiac apply --target {DOI}" in out
    assert "0 to update" in out
    assert "1 drifted at DataCite (not applied)" in out
    # Apply leaves it alone: nothing the files changed, nothing to write.
    code, out, err = run(capsys, "apply", "--auto-approve")
    assert code == 0, out + err
    assert out.endswith("Nothing to apply.\n")
    with api(applied) as client:
        assert client.get(DOI)["attributes"]["titles"] == FABRICA_TITLE


def test_a_merge_that_would_revert_drift_is_a_plan_error(
    applied: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    applied.write(FILE, FINDABLE.replace("publicationYear: 2024", "publicationYear: 2025"))
    commit(applied.root, "Bob", "Fix the year (#3)", FILE)
    code, out, err = run(capsys, "plan", "--detailed-exitcode")
    assert code == 1, out + err
    assert "this change would also revert titles, changed at DataCite" in out
    assert "This plan cannot be applied until the error is fixed." in out
    assert run(capsys, "apply", "--auto-approve")[0] == 1
    with api(applied) as client:
        assert client.get(DOI)["attributes"]["publicationYear"] in (2024, "2024")  # nothing written


def test_target_keeps_the_file_and_says_so(applied: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "plan", "--target", DOI)
    assert code == 0, out + err
    assert f"~ update    {DOI}" in out
    assert "note: keeps the file's titles over DataCite's change at" in out
    code, out, err = run(capsys, "apply", "--auto-approve", "--target", DOI)
    assert code == 0, out + err
    with api(applied) as client:
        assert client.get(DOI)["attributes"]["titles"] == [{"title": "Sensor readings 2024"}]
    code, out, err = run(capsys, "plan", "--detailed-exitcode")
    assert code == 0, out + err
    assert "No changes." in out


def test_import_force_takes_datacites_values_and_ends_the_drift(
    applied: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "import", "--force", DOI)
    assert code == 0, out + err
    assert "corrected in Fabrica" in (applied.root / FILE).read_text("utf-8")
    code, out, err = run(capsys, "plan", "--detailed-exitcode")
    assert code == 0, out + err
    assert "No changes." in out


def test_a_field_git_changed_too_is_gits_change(applied: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    applied.write(FILE, FINDABLE.replace("Sensor readings 2024", "Sensor readings, 2024 campaign"))
    commit(applied.root, "Bob", "Retitle (#4)", FILE)
    code, out, err = run(capsys, "plan", "--detailed-exitcode")
    assert code == 2, out + err
    assert f"~ update    {DOI}" in out
    assert "drift" not in out


def test_the_json_and_markdown_plans_carry_the_drift(
    applied: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "plan", "--out", "plan.json")[0] == 0
    saved = json.loads((applied.root / "plan.json").read_text("utf-8"))
    (drift,) = saved["drift"]
    assert (drift["doi"], drift["changed_by"], drift["channel"]) == (DOI, "example.repo", "fabricaForm")
    assert drift["diffs"] == [{"pointer": "/titles/0/title", "before": FABRICA_TITLE[0]["title"],
                               "after": "Sensor readings 2024"}]  # fmt: skip
    code, out, err = run(capsys, "apply", "--auto-approve", "plan.json")
    assert code == 0, out + err
    assert "Nothing to apply." in out  # a saved plan's drift is not applied
    code, out, _ = run(capsys, "plan", "--format", "markdown")
    assert "### Changed at DataCite since the last apply (not applied)" in out
    assert "<code>≠ drift</code>" in out
    assert f"`doiac apply --target {DOI}`" in out


def test_without_a_recorded_apply_there_is_no_drift_to_see(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write(FILE, FINDABLE)  # no git: applied, but not recorded
    assert run(capsys, "apply", "--auto-approve")[0] == 0
    with api(repo) as client:
        assert client.update(DOI, {"titles": FABRICA_TITLE})[0] == 200
    _code, out, _ = run(capsys, "plan")
    assert f"~ update    {DOI}" in out
    assert "drift" not in out


# -- the pure separation ------------------------------------------------------------------------

TITLE = FieldDiff("/titles/0/title", "live", "file")
YEAR = FieldDiff("/publicationYear", 2024, 2025)


def _update(*diffs: FieldDiff, before: str = "findable", after: str = "findable") -> Change:
    return Change(DOI, Action.UPDATE, "EXAMPLE.REPO", FILE, before, after, diffs)


def _base(*in_git: str) -> Baseline:
    return Baseline(
        "c" * 40, "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z", frozenset(in_git), "example.repo"
    )


def test_separate_leaves_a_doi_without_baseline_alone() -> None:
    plan = Plan((_update(TITLE),), 0)
    assert separate(plan, {}) == plan


def test_separate_takes_pure_drift_out_of_the_changes() -> None:
    result = separate(Plan((_update(TITLE),), 0), {DOI: _base()})
    assert result.changes == ()
    assert result.problems == ()
    (drift,) = result.drifted
    assert drift.fields == ("titles",)
    assert drift.changed_by == "example.repo"


def test_a_state_change_at_datacite_is_drift_of_state() -> None:
    hidden = Change(DOI, Action.PUBLISH, "EXAMPLE.REPO", FILE, "registered", "findable", (), event="publish")
    (drift,) = separate(Plan((hidden,), 0), {DOI: _base()}).drifted
    assert drift.diffs == (FieldDiff("/state", "registered", "findable"),)
    # The file's state changed in git too: publishing is git's change.
    assert separate(Plan((hidden,), 0), {DOI: _base("state")}).changes == (hidden,)


def test_separate_refuses_a_change_that_reverts_drift() -> None:
    result = separate(Plan((_update(TITLE, YEAR),), 0), {DOI: _base("publicationYear")})
    (problem,) = result.problems
    assert problem.severity is Severity.ERROR
    assert "would also revert titles" in problem.message
    assert not result.is_applyable


def test_separate_keeps_targets_with_a_note() -> None:
    result = separate(Plan((_update(TITLE, YEAR),), 0), {DOI: _base("publicationYear")}, frozenset({DOI}))
    (change,) = result.changes
    assert result.problems == ()
    assert "keeps the file's titles" in change.notes[-1]


def test_creates_and_deletes_never_drift() -> None:
    create = Change(DOI, Action.CREATE, "EXAMPLE.REPO", FILE, None, "findable", (TITLE,))
    delete = Change(DOI, Action.DELETE, "EXAMPLE.REPO", None, "draft", None)
    for change in (create, delete):
        assert separate(Plan((change,), 0), {DOI: _base()}).changes == (change,)


def test_changed_keys_of_two_versions() -> None:
    assert changed_keys({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == {"b", "c"}
    assert changed_keys(None, {"a": 1}) == {"a", "state", "url"}
