"""NaN, infinities and huge numbers are located errors, never tracebacks or bare NaN in JSON (issue 9, 4).

Before the fix `pointLongitude: .nan` passed validate (a range check on NaN is false), `plan --out`
wrote bare `NaN`, apply crashed, and a 5000-digit integer stopped the whole validate run.
"""

from __future__ import annotations

import json

import pytest

from ..conftest import FINDABLE, Repo
from ..helpers.cli import run

GEO = "geoLocations:\n  - geoLocationPoint: {{pointLongitude: {value}, pointLatitude: 10.5}}\n"

CASES = [
    ("nan", GEO.format(value=".nan"), 14, ".nan is not a finite number"),
    ("infinity", GEO.format(value=".inf"), 14, ".inf is not a finite number"),
    ("minus-infinity", GEO.format(value="-.Inf"), 14, "-.Inf is not a finite number"),
    ("float-overflow", GEO.format(value="1e999"), 14, "the number 1e999 is too large"),
    ("int-5000-digits", "sizes: [" + "7" * 5000 + "]\n", 13, "(5,000 characters) is out of range"),
    ("int-over-64-bits", "publicationYear2: 99999999999999999999\n", 13, "out of range"),
]


@pytest.mark.parametrize(("extra", "line", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_number_json_cannot_hold_is_one_located_error(
    repo: Repo, capsys: pytest.CaptureFixture[str], extra: str, line: int, message: str
) -> None:
    repo.write("dois/10.80000/3mfp-6m52.yaml", FINDABLE + extra)
    repo.write("dois/10.80000/7kq2-9d41.yaml", 'doi: 10.80000/7kq2-9d41\nstate: draft\nsizes: ["12 kB"]\n')
    code, out, err = run(capsys, "validate")
    assert code == 1
    errors = [entry for entry in out.splitlines() if ": error: " in entry]
    assert len(errors) == 1, out
    assert errors[0].startswith(f"dois/10.80000/3mfp-6m52.yaml:{line}:")
    assert message in errors[0]
    assert "2 files checked" in out  # the other file was still checked
    assert "Traceback" not in out + err
    code, out, err = run(capsys, "plan", "--out", "plan.json")
    assert code == 1
    assert "Traceback" not in out + err
    assert not (repo.root / "plan.json").exists()


def test_a_huge_integer_in_the_config_is_a_located_error(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("doiac.yaml", repo.config.read_text("utf-8") + "limits:\n  max_one_way: " + "9" * 5000 + "\n")
    code, out, err = run(capsys, "validate")
    assert code == 1
    assert err.splitlines()[0].startswith("doiac: error: doiac.yaml:")
    assert "out of range" in err
    assert "Traceback" not in out + err


def test_a_plan_file_holds_only_json(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    """Numbers DataCite can hold go into the plan as numbers, and `json` with NaN refused reads it."""
    repo.write("dois/10.80000/3mfp-6m52.yaml", FINDABLE + GEO.format(value="-1.5e2"))
    code, _, err = run(capsys, "plan", "--out", "plan.json")
    assert code == 0, err
    text = (repo.root / "plan.json").read_text("utf-8")
    json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} in the plan file"))


def test_a_saved_plan_with_nan_is_refused(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("dois/10.80000/3mfp-6m52.yaml", FINDABLE)
    assert run(capsys, "plan", "--out", "plan.json")[0] == 0
    path = repo.root / "plan.json"
    path.write_text(path.read_text("utf-8").replace('"files": 1', '"files": NaN'), "utf-8")
    code, out, err = run(capsys, "apply", "--auto-approve", "plan.json")
    assert code == 2
    assert err.strip() == "doiac: usage error: plan.json is not a doiac plan file: NaN is not a JSON value"
    path.write_text("[" * 100_000, "utf-8")
    code, out, err = run(capsys, "apply", "--auto-approve", "plan.json")
    assert code == 2
    assert "not a doiac plan file" in err
    assert "Traceback" not in out + err
