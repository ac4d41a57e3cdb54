"""The in-sync memo: a pair of records found in sync is not compared again, and nothing else is skipped.

First the memo alone (every field of either record, the code version and the secret are in its
key), then the planner's use of it, then end to end: a plan after an out-of-band change at
DataCite or an edited file still shows the change.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from reconciler import cache as cache_module
from reconciler.cache import FILENAME, FOLDER, SyncMemo
from reconciler.core import planner
from reconciler.core.planner import plan_listed
from reconciler.model import Config, DesiredRecord, LiveRecord, Repository

from .conftest import FINDABLE, METADATA, Repo
from .helpers.cli import run
from .test_cli_reconcile import api

DOI = "10.80000/3mfp-6m52"
URL = "https://data.example.org/records/1"


def desired(**changes: Any) -> DesiredRecord:
    # Built afresh, not by `replace`: packing an unpacked copy may give other bytes for the same
    # value (another pair, a lost hit), which would hide a field missing from the memo's key.
    fields: dict[str, Any] = {
        "doi": DOI, "state": "findable", "url": URL, "attributes": dict(METADATA),
        "path": f"dois/{DOI}.yaml", "repository": "EXAMPLE.REPO",
    }  # fmt: skip
    return DesiredRecord(**(fields | changes))


def live(**changes: Any) -> LiveRecord:
    fields: dict[str, Any] = {
        "doi": DOI, "state": "findable", "url": URL, "repository": "EXAMPLE.REPO",
        "attributes": {**METADATA, "publisher": {"name": "P"}, "updated": "2026-01-01T00:00:00Z"},
        "updated": "2026-01-01T00:00:00Z",
    }  # fmt: skip
    return LiveRecord(**(fields | changes))


def remembered(root: Path, pairs: list[tuple[DesiredRecord, LiveRecord]]) -> SyncMemo:
    """A memo that has stored `pairs`, closed and opened again as the next run opens it."""
    memo = SyncMemo.open(root)
    assert memo is not None
    for pair in pairs:
        assert not memo.known(*pair)
        memo.add(*pair)
    memo.close()
    again = SyncMemo.open(root)
    assert again is not None
    return again


def test_a_pair_found_in_sync_is_known_to_the_next_run(tmp_path: Path) -> None:
    memo = remembered(tmp_path, [(desired(), live())])
    assert memo.known(desired(), live())
    memo.close()


@pytest.mark.parametrize(
    ("desired_change", "live_change"),
    [
        ({"state": "registered"}, {}),
        ({"url": URL + "?v=2"}, {}),
        ({"attributes": {**METADATA, "publicationYear": 2025}}, {}),
        ({"repository": "OTHER.REPO"}, {}),
        ({}, {"state": "registered"}),
        ({}, {"url": URL + "?v=2"}),
        ({}, {"attributes": {**METADATA, "publisher": {"name": "Q"}}}),
        ({}, {"attributes": {**METADATA, "publisher": {"name": "P"}, "publicationYear": 2024.0}}),
        ({}, {"repository": "OTHER.REPO"}),
        ({}, {"updated": "2026-02-02T00:00:00Z"}),
    ],
    ids=[
        "desired-state", "desired-url", "desired-metadata", "desired-repository", "live-state", "live-url",
        "live-metadata", "live-number-type", "live-repository", "live-updated",
    ],
)  # fmt: skip
def test_any_change_on_either_side_is_another_pair(
    tmp_path: Path, desired_change: dict[str, Any], live_change: dict[str, Any]
) -> None:
    memo = remembered(tmp_path, [(desired(), live())])
    assert not memo.known(desired(**desired_change), live(**live_change))
    memo.close()


def test_the_same_live_record_in_another_page_is_the_same_pair(tmp_path: Path) -> None:
    """json.loads shares the keys of one page, so the objects of a record differ with its page."""
    item = {"doi": DOI, "state": "findable", "url": URL, **METADATA, "publisher": {"name": "P"}}
    alone = json.loads(json.dumps([item]))[0]
    page = json.loads(json.dumps([{**item, "doi": f"10.80000/x{n}"} for n in range(3)] + [item]))
    memo = remembered(tmp_path, [(desired(), live(attributes=alone))])
    assert memo.known(desired(), live(attributes=page[-1]))  # its keys shared with the page's other items
    memo.close()


def test_another_doiac_version_or_secret_knows_no_pair(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    remembered(tmp_path, [(desired(), live())]).close()
    with monkeypatch.context() as patched:
        patched.setattr(cache_module, "code_version", lambda: b"another version")
        other = SyncMemo.open(tmp_path)
        assert other is not None
        assert not other.known(desired(), live())
        other.close()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-home"))  # another HMAC secret
    other = SyncMemo.open(tmp_path)
    assert other is not None
    assert not other.known(desired(), live())
    other.close()


def test_a_planted_row_names_no_pair_and_a_broken_table_costs_only_time(tmp_path: Path) -> None:
    remembered(tmp_path, []).close()
    with sqlite3.connect(tmp_path / FOLDER / FILENAME) as db:
        db.execute("INSERT INTO in_sync VALUES (?, ?)", (b"\0" * 32, 99999))
    memo = SyncMemo.open(tmp_path)
    assert memo is not None
    assert not memo.known(desired(), live())
    memo.close()
    with sqlite3.connect(tmp_path / FOLDER / FILENAME) as db:
        db.execute("DROP TABLE in_sync")
        db.execute("CREATE TABLE in_sync (other TEXT)")
    memo = SyncMemo.open(tmp_path)
    assert memo is not None
    assert not memo.known(desired(), live())
    memo.add(desired(), live())
    memo.close()  # the write fails inside SQLite: the pair is lost, the run is not


def test_pairs_unused_for_a_month_are_dropped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    remembered(tmp_path, [(desired(), live())]).close()
    later = cache_module.time.time() + (cache_module.KEEP_DAYS + 2) * 86400
    monkeypatch.setattr(cache_module.time, "time", lambda: later)
    memo = SyncMemo.open(tmp_path)
    assert memo is not None
    memo.add(desired(url=URL + "?v=2"), live(url=URL + "?v=2"))
    memo.close()
    with sqlite3.connect(tmp_path / FOLDER / FILENAME) as db:
        assert db.execute("SELECT COUNT(*) FROM in_sync").fetchone()[0] == 1


class Recorder:
    """A memo that knows the pairs it is given and records what the planner asks and adds."""

    def __init__(self, known: set[str]) -> None:
        self.knows, self.asked, self.added = known, [], []  # type: list[str]

    def known(self, desired: DesiredRecord, live: LiveRecord) -> bool:
        self.asked.append(desired.doi)
        return desired.doi in self.knows

    def add(self, desired: DesiredRecord, live: LiveRecord) -> None:
        self.added.append(desired.doi)


CONFIG = Config(
    "doiac.yaml", repositories=(Repository("EXAMPLE.REPO", ("10.80000",), "dois/", "DATACITE_PASSWORD"),)
)


def test_the_planner_skips_only_the_comparison_of_a_known_pair(monkeypatch: pytest.MonkeyPatch) -> None:
    other = "10.80000/4kq7-2b9z"
    wrong_prefix = "10.99999/abcd-1234"
    wanted = [desired(), desired(doi=other), desired(doi=wrong_prefix)]
    listed = [live(), live(doi=other), live(doi=wrong_prefix)]
    memo = Recorder(known={DOI, wrong_prefix})
    compared: list[str] = []
    real = planner.make_change
    monkeypatch.setattr(planner, "make_change", lambda d, c: compared.append(d.doi) or real(d, c))
    plan = plan_listed(wanted, listed, CONFIG, memo=memo)
    # A known pair is counted in sync uncompared; a problem is found before the memo is asked.
    assert compared == [other]
    assert memo.asked == [DOI, other]
    assert memo.added == [other]  # found in sync by comparing
    assert (plan.unchanged, [p.doi for p in plan.problems]) == (2, [wrong_prefix])
    # A pair that differs is compared and never added.
    memo = Recorder(known=set())
    plan = plan_listed([desired(url=URL + "?v=2")], [live()], CONFIG, memo=memo)
    assert [c.doi for c in plan.changes] == [DOI]
    assert memo.added == []


def test_a_plan_after_an_out_of_band_change_still_shows_it(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write(f"dois/{DOI}.yaml", FINDABLE)
    assert run(capsys, "apply", "--auto-approve")[0] == 0
    for _ in range(2):  # the first plan stores the pair, the second is served from it
        code, out, err = run(capsys, "plan", "--detailed-exitcode")
        assert code == 0, out + err
    with sqlite3.connect(repo.root / FOLDER / FILENAME) as db:
        assert db.execute("SELECT COUNT(*) FROM in_sync").fetchone()[0] == 1
    with api(repo) as client:
        status, body = client.update(DOI, {"titles": [{"title": "Retitled in Fabrica"}]})
        assert status == 200, body
    code, out, err = run(capsys, "plan", "--detailed-exitcode")
    assert code == 2, out + err
    assert "Retitled in Fabrica" in out
    # And an edited file, the live record unchanged since.
    with api(repo) as client:
        status, body = client.update(DOI, {"titles": [{"title": "Sensor readings 2024"}]})
    repo.write(f"dois/{DOI}.yaml", FINDABLE.replace("publicationYear: 2024", "publicationYear: 2025"))
    code, out, err = run(capsys, "plan", "--detailed-exitcode")
    assert code == 2, out + err
    assert "publicationYear" in out


def test_no_cache_neither_reads_nor_writes_the_memo(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write(f"dois/{DOI}.yaml", FINDABLE)
    assert run(capsys, "apply", "--auto-approve", "--no-cache")[0] == 0
    code, out, err = run(capsys, "plan", "--no-cache", "--detailed-exitcode")
    assert code == 0, out + err
    assert not (repo.root / FOLDER / FILENAME).exists()
