"""The check cache: a warm run parses nothing, and no change can make it serve a stale answer."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from reconciler import cache as cache_module
from reconciler.cache import FILENAME, FOLDER, code_version
from reconciler.cli import app
from reconciler.commands import validate as validate_module
from reconciler.commands.validate import Desired, read_desired
from reconciler.config import load_config

from .conftest import CONFIG, FINDABLE, Repo

SECOND = FINDABLE.replace("3mfp-6m52", "4kq7-2b9z").replace("records/1", "records/2")


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files parsed in this test, in order."""
    seen: list[str] = []
    real = validate_module.parse_source

    def counting(raw: bytes, name: str) -> Any:
        seen.append(name)
        return real(raw, name)

    monkeypatch.setattr(validate_module, "parse_source", counting)
    return seen


def desired(repo: Repo, *, cache: bool = True) -> Desired:
    return read_desired(load_config(repo.config), cache=cache)


def two_files(repo: Repo) -> None:
    repo.write("dois/10.80000/3mfp-6m52.yaml", FINDABLE)
    repo.write("dois/10.80000/4kq7-2b9z.yaml", SECOND)


def rows(repo: Repo) -> list[tuple[bytes, bytes, bytes, int]]:
    with sqlite3.connect(repo.root / FOLDER / FILENAME) as db:
        return db.execute("SELECT key, value, mac, used FROM entry").fetchall()


def test_a_warm_run_parses_nothing_and_answers_as_the_cold_one(repo: Repo, parses: list[str]) -> None:
    two_files(repo)
    repo.write("dois/10.80000/broken.yaml", "doi: 10.80000/abcd-1234\nstate: findable\nurl: [\n")
    uncached = desired(repo, cache=False)
    assert len(parses) == 3
    cold = desired(repo)
    warm = desired(repo)
    assert len(parses) == 6, "the cold run parses each file once, the warm run none"
    assert cold == uncached
    assert warm == uncached
    assert [d.rule for d in warm.diagnostics] == ["yaml"], "a file that does not parse is remembered too"
    assert (repo.root / FOLDER / ".gitignore").read_text().splitlines()[-1] == "*"


def test_a_cache_filled_by_validate_serves_a_plan_without_parsing_or_merging(
    repo: Repo, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """validate keeps no records, but the cache keeps each file's record, its defaults merged: the
    plan after it parses no file and merges no defaults again, and holds what a cold run holds."""
    two_files(repo)
    repo.write("dois/10.80000/copy.yaml", SECOND)  # a duplicate DOI: a cross-file error, located
    uncached = desired(repo, cache=False)
    read_desired(load_config(repo.config), cache=True, records=False)
    merges: list[str] = []
    real = validate_module._merge

    def counting(*args: Any) -> Any:
        merges.append(args[-1].path)
        return real(*args)

    monkeypatch.setattr(validate_module, "_merge", counting)
    parses.clear()
    warm = desired(repo)
    assert (parses, merges) == ([], [])
    assert warm == uncached
    assert [d.rule for d in warm.diagnostics].count("duplicate-doi") == 2
    assert [r.doi for r in warm.records] == ["10.80000/3mfp-6m52"]


def test_an_edited_file_is_read_again_and_only_it(repo: Repo, parses: list[str]) -> None:
    two_files(repo)
    desired(repo)
    repo.write("dois/10.80000/4kq7-2b9z.yaml", SECOND.replace("Sensor readings 2024", "Edited title"))
    parses.clear()
    after = desired(repo)
    assert parses == ["dois/10.80000/4kq7-2b9z.yaml"]
    titles = {r.doi: r.attributes["titles"][0]["title"] for r in after.records}
    assert titles == {"10.80000/3mfp-6m52": "Sensor readings 2024", "10.80000/4kq7-2b9z": "Edited title"}


def test_a_renamed_file_is_read_again_under_its_new_name(repo: Repo, parses: list[str]) -> None:
    repo.write("dois/10.80000/3mfp-6m52.yaml", FINDABLE)
    desired(repo)
    os.rename(repo.root / "dois/10.80000/3mfp-6m52.yaml", repo.root / "dois/10.80000/renamed.yaml")
    parses.clear()
    after = desired(repo)
    assert parses == ["dois/10.80000/renamed.yaml"]
    assert [r.path for r in after.records] == ["dois/10.80000/renamed.yaml"]


def test_another_doiac_version_trusts_nothing_of_this_one(
    repo: Repo, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    two_files(repo)
    desired(repo)
    monkeypatch.setattr(cache_module, "code_version", lambda: b"rules or schemas of another version")
    parses.clear()
    desired(repo)
    assert len(parses) == 2


def test_another_python_trusts_nothing_of_this_one(
    repo: Repo, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Answers are marshalled, and marshal's format is Python's own: a new interpreter parses afresh."""
    two_files(repo)
    desired(repo)
    monkeypatch.setattr(cache_module.sys, "version", "3.99.0 (another interpreter)")
    parses.clear()
    desired(repo)
    assert len(parses) == 2


def test_the_version_digest_covers_the_schemas_and_the_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = code_version.__wrapped__()
    assert before == code_version.__wrapped__(), "the digest is stable"
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    for schema in cache_module.schema_dir().glob("*.json"):
        (schemas / schema.name).write_bytes(schema.read_bytes())
    monkeypatch.setattr(cache_module, "schema_dir", lambda: schemas)
    assert code_version.__wrapped__() == before, "the same schemas elsewhere give the same digest"
    doi_schema = schemas / "doi.schema.json"
    doi_schema.write_text(doi_schema.read_text().replace('"type"', '"type" ', 1))
    assert code_version.__wrapped__() != before


def test_changed_defaults_in_doiac_yaml_are_seen(repo: Repo, parses: list[str]) -> None:
    repo.write("doiac.yaml", CONFIG + "defaults:\n  language: en\n")
    repo.write("dois/10.80000/3mfp-6m52.yaml", FINDABLE)
    assert desired(repo).records[0].attributes["language"] == "en"
    repo.write("doiac.yaml", CONFIG + "defaults:\n  language: de\n")
    parses.clear()
    assert desired(repo).records[0].attributes["language"] == "de"
    assert parses == ["dois/10.80000/3mfp-6m52.yaml"]


def test_a_default_moved_in_doiac_yaml_is_reported_at_its_new_line(repo: Repo) -> None:
    repo.write("doiac.yaml", CONFIG + "defaults:\n  publicationYear: 99\n")
    repo.write("dois/10.80000/3mfp-6m52.yaml", FINDABLE.replace("publicationYear: 2024\n", ""))
    first = [d for d in desired(repo).diagnostics if d.path.endswith("doiac.yaml")]
    repo.write("doiac.yaml", CONFIG + "\n\ndefaults:\n  publicationYear: 99\n")
    moved = [d for d in desired(repo).diagnostics if d.path.endswith("doiac.yaml")]
    assert first, "the bad default is reported in doiac.yaml"
    assert [d.line + 2 for d in first] == [d.line for d in moved]


def test_a_forged_entry_is_not_served(repo: Repo, parses: list[str]) -> None:
    """A pull request can commit .doiac/cache.sqlite; without the key outside the repository its
    entries are worthless: a value changed under a valid MAC is read from the file instead."""
    repo.write("dois/10.80000/3mfp-6m52.yaml", FINDABLE)
    desired(repo)
    ((key, value, _mac, _used),) = rows(repo)
    forged = value.replace(b"https://data.example.org/records/1", b"https://evil.example.org/")
    assert forged != value
    with sqlite3.connect(repo.root / FOLDER / FILENAME) as db:
        db.execute("UPDATE entry SET value = ? WHERE key = ?", (forged, key))
    parses.clear()
    assert desired(repo).records[0].url == "https://data.example.org/records/1"
    assert len(parses) == 1


def test_a_cache_made_under_another_key_is_not_served(
    repo: Repo, parses: list[str], tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.write("dois/10.80000/3mfp-6m52.yaml", FINDABLE)
    desired(repo)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("another-machine")))
    parses.clear()
    desired(repo)
    assert len(parses) == 1


def test_a_planted_link_is_not_followed(
    repo: Repo, parses: list[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside") / "precious"
    outside.write_bytes(b"not a database")
    (repo.root / FOLDER).mkdir()
    for name in (FILENAME, f"{FILENAME}-journal"):
        link = repo.root / FOLDER / name
        link.symlink_to(outside)
        repo.write("dois/10.80000/3mfp-6m52.yaml", FINDABLE)
        assert len(desired(repo).records) == 1
        assert len(desired(repo).records) == 1
        link.unlink()
    assert outside.read_bytes() == b"not a database"
    assert len(parses) == 4, "no run used the cache"


def test_a_corrupt_cache_costs_a_cold_run_not_a_failure(repo: Repo, parses: list[str]) -> None:
    repo.write("dois/10.80000/3mfp-6m52.yaml", FINDABLE)
    repo.write_bytes(f"{FOLDER}/{FILENAME}", b"SQLite format 3\x00" + b"\xff" * 4000)
    assert len(desired(repo).records) == 1
    assert len(parses) == 1


def test_cross_file_checks_still_run_over_answers_from_the_cache(repo: Repo) -> None:
    repo.write("dois/10.80000/3mfp-6m52.yaml", FINDABLE)
    repo.write("dois/10.80000/copy.yaml", FINDABLE)
    cold = desired(repo)
    warm = desired(repo)
    assert warm == cold
    assert any(d.rule == "duplicate-doi" for d in warm.diagnostics)


def test_entries_unused_for_a_month_are_dropped(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    two_files(repo)
    desired(repo)
    (repo.root / "dois/10.80000/4kq7-2b9z.yaml").unlink()
    later = time.time() + 86400 * (cache_module.KEEP_DAYS + 2)
    monkeypatch.setattr(cache_module.time, "time", lambda: later)
    desired(repo)
    assert len(rows(repo)) == 1, "the entry of the deleted file is gone, the used one kept"


def test_no_cache_on_the_command_line_reads_and_writes_no_cache(repo: Repo) -> None:
    repo.write("dois/10.80000/3mfp-6m52.yaml", FINDABLE)
    result = CliRunner().invoke(app, ["validate", "--no-cache"])
    assert result.exit_code == 0, result.output
    assert not (repo.root / FOLDER).exists()
    result = CliRunner().invoke(app, ["validate"])
    assert result.exit_code == 0, result.output
    assert len(rows(repo)) == 1


def test_answers_are_read_a_batch_at_a_time(
    repo: Repo, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    two_files(repo)
    cold = desired(repo)
    monkeypatch.setattr(validate_module, "_CACHE_BATCH", 1)
    parses.clear()
    assert desired(repo) == cold
    assert parses == []


def test_a_doiac_folder_that_is_a_link_or_a_file_is_not_used(
    repo: Repo, parses: list[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A pull request can commit `.doiac` as a link to a folder outside the repository."""
    repo.write("dois/10.80000/3mfp-6m52.yaml", FINDABLE)
    outside = tmp_path_factory.mktemp("outside-folder")
    (repo.root / FOLDER).symlink_to(outside, target_is_directory=True)
    assert len(desired(repo).records) == 1
    assert len(desired(repo).records) == 1
    assert list(outside.iterdir()) == [], "nothing was written through the link"
    (repo.root / FOLDER).unlink()
    (repo.root / FOLDER).write_text("a file where the folder would be\n")
    assert len(desired(repo).records) == 1
    assert len(parses) == 3, "no run used a cache"


def test_a_key_that_is_not_doiac_s_turns_the_cache_off(repo: Repo, parses: list[str]) -> None:
    repo.write("dois/10.80000/3mfp-6m52.yaml", FINDABLE)
    key = Path(os.environ["XDG_CACHE_HOME"]) / "doiac" / "cache.key"
    key.parent.mkdir(parents=True, exist_ok=True)
    saved = key.read_bytes() if key.exists() else None
    key.write_bytes(b"short")
    try:
        desired(repo)
        desired(repo)
    finally:
        key.unlink()
        if saved is not None:
            key.write_bytes(saved)
    assert len(parses) == 2
    assert not (repo.root / FOLDER / FILENAME).exists()


def test_a_second_warm_run_the_same_day_writes_nothing_and_the_next_day_marks_again(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    two_files(repo)
    desired(repo)
    written = rows(repo)
    statements: list[str] = []
    connect = sqlite3.connect

    def traced(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        db = connect(*args, **kwargs)
        db.set_trace_callback(statements.append)
        return db

    monkeypatch.setattr(cache_module.sqlite3, "connect", traced)
    desired(repo)
    assert rows(repo) == written
    assert [s for s in statements if s.split()[0] in ("INSERT", "UPDATE", "DELETE", "BEGIN")] == []
    assert any("WHERE key IN" in s for s in statements), "the run read the cache"
    tomorrow = time.time() + 86400
    monkeypatch.setattr(cache_module.time, "time", lambda: tomorrow)
    desired(repo)
    assert {used for *_, used in rows(repo)} == {int(tomorrow // 86400)}
