"""Apply what was reviewed: a saved plan is applied exactly, or, with --replan-if-changed, set aside
(saying why) when it was not made from these files, this environment and real passwords."""

from __future__ import annotations

import json

import pytest

from .conftest import FINDABLE, Repo
from .helpers.cli import run

DOI = "10.80000/3mfp-6m52"
FILE = f"dois/{DOI}.yaml"


@pytest.fixture
def planned(repo: Repo, capsys: pytest.CaptureFixture[str]) -> Repo:
    repo.write(FILE, FINDABLE)
    assert run(capsys, "plan", "--out", "plan.json")[0] == 0
    return repo


def test_the_reviewed_plan_is_applied_as_it_is(planned: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "apply", "--auto-approve", "--replan-if-changed", "plan.json")
    assert code == 0, out + err
    assert "Planning afresh" not in out
    assert "doiac plan ·" not in out  # the saved plan was not shown again: it is the one reviewed
    assert "Apply: 1 done" in out


def test_files_changed_since_review_plan_afresh_and_say_so(
    planned: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    planned.write(FILE, FINDABLE.replace("2024", "2025"))
    code, out, err = run(capsys, "apply", "--auto-approve", "plan.json")
    assert code == 1
    assert "the DOI files (or the config's defaults) changed since the plan was made; plan again" in err
    code, out, err = run(capsys, "apply", "--auto-approve", "--replan-if-changed", "plan.json")
    assert code == 0, out + err
    assert out.startswith(
        "the saved plan does not match: the DOI files (or the config's defaults) changed since the plan was made."
        " Planning afresh.\n"
    )
    assert "doiac plan ·" in out  # the fresh plan is shown before it is applied
    assert "Apply: 1 done" in out


def test_an_anonymous_plan_is_never_applied(planned: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "plan", "--anonymous", "--out", "anonymous.json")[0] == 0
    assert json.loads((planned.root / "anonymous.json").read_text("utf-8"))["anonymous"] == ["EXAMPLE.REPO"]
    code, _, err = run(capsys, "apply", "--auto-approve", "anonymous.json")
    assert code == 1
    assert "the plan was made without the password of EXAMPLE.REPO (--anonymous); plan again" in err
    code, out, err = run(capsys, "apply", "--auto-approve", "--replan-if-changed", "anonymous.json")
    assert code == 0, out + err
    assert "without the password of EXAMPLE.REPO (--anonymous). Planning afresh." in out


def test_replan_needs_a_saved_plan(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "apply", "--replan-if-changed")
    assert code == 2
    assert "--replan-if-changed needs a saved PLAN" in err
