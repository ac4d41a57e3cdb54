"""doiac fmt: canonical layout with comments kept, idempotent, --check writes nothing, bad files reported."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from reconciler.commands import fmt
from reconciler.commands.fmt import Formatted
from reconciler.files import parse_source, write_text

from .conftest import PROJECT, Repo

EXAMPLES = PROJECT / "dois"

UNORDERED = """\
# yaml-language-server: $schema=../../schemas/doi.schema.json
# Head comment: what this DOI is for.
titles:
  # inside the list
  - title: Lake data  # end of line
state: findable
doi: 10.80000/abcd-ef12
url: https://data.example.org/1
"""

ORDERED = """\
doi: 10.80000/wxyz-0001
state: draft
titles:
  - title: Already in order
"""

BROKEN = """\
doi: 10.80000/bad1-0000
state: [draft
"""


def _keys(text: str) -> list[str]:
    return [line.split(":")[0] for line in text.splitlines() if line[:1].isalpha()]


def _data(path: Path) -> dict[str, object]:
    return parse_source(path.read_bytes(), str(path)).data


def test_keys_are_reordered_and_comments_survive(repo: Repo) -> None:
    path = repo.write("dois/10.80000/abcd-ef12.yaml", UNORDERED)
    before = _data(path)

    results = fmt.run(repo.config)

    assert results == (Formatted("dois/10.80000/abcd-ef12.yaml", True),)
    text = path.read_text(encoding="utf-8")
    assert _keys(text) == ["doi", "state", "url", "titles"]
    assert text.startswith("# yaml-language-server: $schema=../../schemas/doi.schema.json\n# Head comment:")
    assert "  # inside the list\n  - title: Lake data  # end of line\n" in text
    assert _data(path) == before


def test_the_default_config_is_found_from_the_working_folder(repo: Repo) -> None:
    repo.write("dois/10.80000/abcd-ef12.yaml", UNORDERED)
    assert fmt.run(None) == (Formatted("dois/10.80000/abcd-ef12.yaml", True),)


def test_a_second_run_changes_nothing(repo: Repo) -> None:
    path = repo.write("dois/10.80000/abcd-ef12.yaml", UNORDERED)
    repo.write("dois/10.80000/wxyz-0001.yaml", ORDERED)
    assert [r.changed for r in fmt.run(repo.config)] == [True, False]
    once = path.read_bytes()

    assert [r.changed for r in fmt.run(repo.config)] == [False, False]
    assert path.read_bytes() == once


def test_every_example_file_is_formatted_idempotently(repo: Repo) -> None:
    examples = sorted(EXAMPLES.rglob("*.yaml"))
    assert examples, f"no example DOI files under {EXAMPLES}"
    copies = []
    for example in examples:
        copy = repo.root / example.relative_to(PROJECT)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(example, copy)
        copies.append(copy)

    first = fmt.run(repo.config)
    assert [r.error for r in first] == [""] * len(examples)
    once = {copy: copy.read_bytes() for copy in copies}
    second = fmt.run(repo.config)

    assert len(second) == len(examples)
    assert [r for r in second if r.changed or r.error] == []
    assert {copy: copy.read_bytes() for copy in copies} == once
    for example, copy in zip(examples, copies, strict=True):
        assert _data(copy) == _data(example), copy.name


def test_check_writes_nothing_and_reports_what_would_change(repo: Repo) -> None:
    unordered = repo.write("dois/10.80000/abcd-ef12.yaml", UNORDERED)
    ordered = repo.write("dois/10.80000/wxyz-0001.yaml", ORDERED)
    before = {path: os.stat(path) for path in (unordered, ordered)}

    results = fmt.run(repo.config, check=True)

    assert results == (
        Formatted("dois/10.80000/abcd-ef12.yaml", True),
        Formatted("dois/10.80000/wxyz-0001.yaml", False),
    )
    assert unordered.read_text(encoding="utf-8") == UNORDERED
    assert ordered.read_text(encoding="utf-8") == ORDERED
    for path, status in before.items():
        assert (os.stat(path).st_ino, os.stat(path).st_mtime_ns) == (status.st_ino, status.st_mtime_ns)
    assert sorted(p.name for p in unordered.parent.iterdir()) == ["abcd-ef12.yaml", "wxyz-0001.yaml"]


def test_only_files_whose_text_changes_are_written(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    repo.write("dois/10.80000/abcd-ef12.yaml", UNORDERED)
    repo.write("dois/10.80000/wxyz-0001.yaml", ORDERED)
    written: list[str] = []

    def spy(path: Path, text: str) -> None:
        written.append(Path(path).name)
        write_text(path, text)

    monkeypatch.setattr(fmt, "write_text", spy)
    fmt.run(repo.config)
    assert written == ["abcd-ef12.yaml"]


def test_a_broken_file_is_reported_and_the_others_are_still_formatted(repo: Repo) -> None:
    broken = repo.write("dois/10.80000/bad1-0000.yaml", BROKEN)
    good = repo.write("dois/10.80000/abcd-ef12.yaml", UNORDERED)
    listed = repo.write("dois/10.80000/list.yaml", "- just a list\n")

    results = {r.path: r for r in fmt.run(repo.config)}

    assert results["dois/10.80000/abcd-ef12.yaml"] == Formatted("dois/10.80000/abcd-ef12.yaml", True)
    assert _keys(good.read_text(encoding="utf-8"))[:2] == ["doi", "state"]
    bad = results["dois/10.80000/bad1-0000.yaml"]
    assert not bad.changed
    assert bad.error.startswith("line 3, column 1: YAML syntax")
    assert "must be a mapping" in results["dois/10.80000/list.yaml"].error
    assert broken.read_text(encoding="utf-8") == BROKEN
    assert listed.read_text(encoding="utf-8") == "- just a list\n"


def test_a_file_nested_too_deep_is_an_error_not_a_crash(repo: Repo) -> None:
    repo.write("dois/10.80000/deep.yaml", "doi: 10.80000/deep\nstate: draft\nx: " + "[" * 3000 + "]" * 3000)
    (result,) = fmt.run(repo.config)
    assert "nested deeper than" in result.error


def test_skipped_paths_are_reported_with_their_reason(repo: Repo) -> None:
    repo.write("dois/10.80000/abcd-ef12.yaml", UNORDERED)
    (repo.root / "dois" / "10.80000" / "odd.yaml").mkdir()

    results = fmt.run(repo.config, [repo.root / "dois", repo.root / "dois" / "missing.yaml"])

    errors = {r.path: r.error for r in results if r.error}
    assert errors == {
        "dois/10.80000/odd.yaml": "a directory named like a DOI file; not read",
        str(repo.root / "dois" / "missing.yaml"): "no such file or directory",
    }
    assert [r.path for r in results if r.changed] == ["dois/10.80000/abcd-ef12.yaml"]


def test_explicit_paths_limit_the_run(repo: Repo) -> None:
    chosen = repo.write("dois/10.80000/abcd-ef12.yaml", UNORDERED)
    other = repo.write("dois/10.80000/other.yaml", UNORDERED)
    elsewhere = repo.write("dois/10.80001/abcd-ef13.yaml", UNORDERED)

    results = fmt.run(repo.config, [chosen, elsewhere.parent])

    assert [r.path for r in results] == ["dois/10.80000/abcd-ef12.yaml", "dois/10.80001/abcd-ef13.yaml"]
    assert chosen.read_text(encoding="utf-8") != UNORDERED
    assert elsewhere.read_text(encoding="utf-8") != UNORDERED
    assert other.read_text(encoding="utf-8") == UNORDERED


def test_yaml_files_outside_the_repository_folders_are_left_alone(repo: Repo) -> None:
    """The pre-commit hook passes every staged YAML file: doiac.yaml and CI files are no DOI files."""
    workflow = repo.write(".github/workflows/ci.yml", "on: push\njobs:\n  test:\n    steps:\n    - run: x\n")
    config_text = repo.config.read_text(encoding="utf-8")
    doi = repo.write("dois/10.80000/abcd-ef12.yaml", UNORDERED)

    results = fmt.run(repo.config, [workflow, repo.config, doi])

    assert [r.path for r in results] == ["dois/10.80000/abcd-ef12.yaml"]
    assert workflow.read_text(encoding="utf-8").endswith("    - run: x\n")
    assert repo.config.read_text(encoding="utf-8") == config_text


def test_a_linked_file_is_formatted_and_the_link_kept(repo: Repo) -> None:
    target = repo.write("dois/10.80000/abcd-ef12.yaml", UNORDERED)
    link = repo.root / "dois" / "10.80000" / "link.yaml"
    link.symlink_to(target.name)

    fmt.run(repo.config, [link])

    assert link.is_symlink()
    assert _keys(target.read_text(encoding="utf-8"))[:2] == ["doi", "state"]
