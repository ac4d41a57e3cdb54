"""plan → apply → plan empty, through the command line, for a generated corpus and for every state change."""

from __future__ import annotations

import pytest

from reconciler.cli import main

from ..conftest import CONFIG, Repo
from ..helpers.records import corpus
from ..test_reference_data import _write_doi_file


def test_a_generated_corpus_applies_and_then_plans_empty(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DATACITE_PASSWORD", raising=False)
    records = corpus(200, seed=2026)
    repo.write("doiac.yaml", CONFIG + "limits: {max_one_way: 1000}\n")
    for record in records:
        _write_doi_file(repo, record)
    assert main(["apply", "--auto-approve"]) == 0, capsys.readouterr().out[-3000:]
    out = capsys.readouterr().out
    assert f"Apply: {len(records)} done, 0 failed, 0 refused as stale." in out
    assert "not applied" not in out
    assert "rewritten by DataCite" not in out
    code = main(["plan", "--detailed-exitcode"])
    out = capsys.readouterr().out
    assert code == 0, out[-3000:]
    assert f"No changes. DataCite matches the files ({len(records)} unchanged)." in out
    assert "live read in 1 request" in out


STEPS = [
    # (state written in the file, plan line expected, state DataCite holds afterwards)
    ("draft", "+ create", "draft"),
    ("registered", "↑ register", "registered"),
    ("findable", "↑ publish", "findable"),
    ("registered", "↓ hide", "registered"),
    ("findable", "↑ publish", "findable"),
]


def test_draft_register_publish_hide_show(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DATACITE_PASSWORD", raising=False)
    [record] = corpus(1, seed=5)
    record = {**record, "url": "https://data.example.org/records/1"}
    for state, line, held in STEPS:
        _write_doi_file(repo, {**record, "state": state})
        assert main(["apply", "--auto-approve"]) == 0
        out = capsys.readouterr().out
        assert line in out, out
        assert main(["plan", "--detailed-exitcode", "--format", "json"]) == 0
        assert f'"state_after": "{held}"' not in capsys.readouterr().out  # no change left
