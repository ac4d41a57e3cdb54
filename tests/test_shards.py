"""`--repository ID` on plan and apply: one shard of a consortium's accounts, as a CI matrix runs them."""

from __future__ import annotations

import pytest

from .conftest import CONFIG, FINDABLE, Repo
from .helpers.cli import run

OTHER = """\
  - id: EXAMPLE.OTHER
    prefixes: ["10.80001"]
    path: other/
    password_env: DATACITE_PASSWORD
    domains: ["data.example.org"]
"""


@pytest.fixture
def consortium(repo: Repo) -> Repo:
    repo.write("doiac.yaml", CONFIG + OTHER)
    repo.write("dois/10.80000/3mfp-6m52.yaml", FINDABLE)
    repo.write("other/10.80001/3mfp-6m52.yaml", FINDABLE.replace("10.80000", "10.80001"))
    return repo


def test_a_shard_plans_and_applies_its_own_account(
    consortium: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "plan", "-r", "example.other")  # ids match in any case, as DataCite's
    assert code == 0, out + err
    assert out.startswith("doiac plan · EXAMPLE.OTHER on sandbox")
    assert "10.80001/3mfp-6m52" in out
    assert "10.80000/3mfp-6m52" not in out
    code, out, err = run(capsys, "apply", "--auto-approve", "--repository", "EXAMPLE.OTHER")
    assert code == 0, out + err
    assert "Apply: 1 done" in out
    # The other shard still has its change to make; this one is done.
    _, out, _ = run(capsys, "plan")
    assert "+ create    10.80000/3mfp-6m52" in out
    assert "10.80001/3mfp-6m52" not in out
    _, out, _ = run(capsys, "plan", "-r", "EXAMPLE.OTHER")
    assert "No changes." in out


def test_several_shards_and_an_unknown_one(consortium: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "plan", "-r", "EXAMPLE.OTHER", "-r", "EXAMPLE.REPO")
    assert "2 to create" in out
    code, _, err = run(capsys, "plan", "-r", "EXAMPLE.NONE")
    assert code == 2
    assert (
        "--repository EXAMPLE.NONE: no such repository account in doiac.yaml (it has EXAMPLE.REPO, EXAMPLE.OTHER)"
        in err
    )
    code, _, err = run(capsys, "apply", "--auto-approve", "-r", "EXAMPLE.NONE")
    assert code == 2
