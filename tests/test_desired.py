"""The validation use case end to end: files on disk, defaults, every problem at once."""

from __future__ import annotations

import os

import pytest

from reconciler.commands.validate import read_desired
from reconciler.config import load_config
from reconciler.model import DesiredRecord, Severity

from .conftest import FINDABLE, Repo


def lines(repo: Repo) -> list[str]:
    desired = read_desired(load_config(repo.config))
    return [
        f"{d.path}:{d.line}:{d.column}: {d.severity.value}: {d.pointer}: {d.message}"
        for d in desired.diagnostics
    ]


def test_valid_file_becomes_a_desired_record(repo: Repo) -> None:
    repo.write("dois/10.80000/3mfp-6m52.yaml", FINDABLE)
    desired = read_desired(load_config(repo.config))
    assert desired.diagnostics == ()
    assert desired.files == 1
    assert desired.records == (
        DesiredRecord(
            doi="10.80000/3mfp-6m52",
            state="findable",
            url="https://data.example.org/records/1",
            attributes={
                "creators": [{"name": "Doe, Jane", "nameType": "Personal"}],
                "titles": [{"title": "Sensor readings 2024"}],
                "publisher": "Example Repository",
                "publicationYear": 2024,
                "types": {"resourceTypeGeneral": "Dataset"},
            },
            path="dois/10.80000/3mfp-6m52.yaml",
            repository="EXAMPLE.REPO",
        ),
    )


def test_bad_inputs_each_get_one_line_and_the_rest_is_still_checked(repo: Repo) -> None:
    repo.write("dois/10.80000/3mfp-6m52.yaml", FINDABLE)
    repo.write("dois/10.80000/malformed.yaml", "doi: [10.80000/x\nstate: draft\n")
    repo.write_bytes("dois/10.80000/latin1.yaml", b"doi: 10.80000/caf\xe9\nstate: draft\n")
    bomb = ["a0: &a0 [lol, lol, lol]"] + [
        f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 9)
    ]
    repo.write("dois/10.80000/bomb.yaml", "\n".join(bomb) + "\n")
    repo.write("dois/10.80000/list.yaml", "- doi: 10.80000/x\n- state: draft\n")
    repo.write("dois/10.80000/empty.yaml", "")
    with (repo.root / "dois" / "10.80000" / "huge.yaml").open("wb") as fh:
        fh.truncate(50 * 1000 * 1000)
    (repo.root.parent / "outside.yaml").write_text("doi: 10.80000/x\nstate: draft\n")
    os.symlink(repo.root.parent / "outside.yaml", repo.root / "dois" / "10.80000" / "link.yaml")
    repo.write("dois/10.80000/README.md", "# notes\n")
    repo.write(
        "dois/10.80000/xdwt-5h08.yaml", FINDABLE.replace("3mfp-6m52", "xdwt-5h08").replace("2024\n", "24\n")
    )
    assert lines(repo) == [
        "dois/10.80000/README.md:1:1: warning: : not a DOI file (expected .yaml or .yml); ignored",
        "dois/10.80000/bomb.yaml:1:5: error: : anchor &a0: anchors and aliases are not allowed in DOI files",
        "dois/10.80000/empty.yaml:1:1: error: : empty file: a DOI file is a mapping with at least `doi` and `state`",
        "dois/10.80000/huge.yaml:1:1: error: : file is 50.0 MB; a DOI file may be at most 8 MiB",
        "dois/10.80000/latin1.yaml:1:18: error: : not UTF-8: byte 0xe9 cannot be decoded; save the file as UTF-8",
        "dois/10.80000/link.yaml:1:1: error: : symbolic link leads outside the repository; not read",
        "dois/10.80000/list.yaml:1:1: error: : the document is a list; a DOI file must be a mapping of keys to values",
        "dois/10.80000/malformed.yaml:2:6: error: : YAML syntax: did not find expected ',' or ']'",
        "dois/10.80000/xdwt-5h08.yaml:10:18: error: /publicationYear: 24 is out of range: must be between 1000 and 9999",
    ]


def test_defaults_are_merged_and_their_problems_point_at_the_config_once(repo: Repo) -> None:
    repo.write(
        "doiac.yaml",
        """\
        repositories:
          - id: EXAMPLE.REPO
            prefixes: ["10.80000"]
            path: dois/
            domains: ["data.example.org"]
            defaults:
              language: en
        defaults:
          publisher:
            name: ""
          types:
            resourceTypeGeneral: Dataset
        """,
    )
    text = FINDABLE.replace("publisher: Example Repository\n", "").replace(
        "types:\n  resourceTypeGeneral: Dataset\n", ""
    )
    repo.write("dois/10.80000/3mfp-6m52.yaml", text)
    repo.write("dois/10.80000/xdwt-5h08.yaml", text.replace("3mfp-6m52", "xdwt-5h08"))
    repo.write(
        "dois/10.80000/000y-k980.yaml", text.replace("3mfp-6m52", "000y-k980") + "publisher: Own Publisher\n"
    )
    desired = read_desired(load_config(repo.config))
    assert [(d.path, d.line, d.column, d.pointer, d.message) for d in desired.diagnostics] == [
        ("doiac.yaml", 10, 11, "/defaults/publisher/name", "must not be empty"),
    ]
    assert [r.doi for r in desired.records] == ["10.80000/000y-k980"]
    assert desired.records[0].attributes["publisher"] == "Own Publisher"
    assert desired.records[0].attributes["language"] == "en"
    assert desired.records[0].attributes["types"] == {"resourceTypeGeneral": "Dataset"}


def test_missing_top_level_keys_point_at_state(repo: Repo) -> None:
    repo.write(
        "dois/10.80000/3mfp-6m52.yaml",
        "doi: 10.80000/3mfp-6m52\n\nstate: findable\nurl: https://data.example.org/x\n",
    )
    assert lines(repo) == [
        f"dois/10.80000/3mfp-6m52.yaml:3:1: error: /{key}: missing required key `{key}`: a findable DOI needs it"
        for key in ["creators", "publicationYear", "publisher", "titles", "types"]
    ]


def test_duplicates_and_files_outside_every_repository(repo: Repo) -> None:
    repo.write("dois/10.80000/3mfp-6m52.yaml", FINDABLE)
    repo.write("dois/10.80000/copy.yaml", FINDABLE)
    repo.write("other/x.yaml", FINDABLE)
    desired = read_desired(load_config(repo.config), [repo.root / "dois", repo.root / "other"])
    assert [(d.path, d.line, d.severity, d.message) for d in desired.diagnostics] == [
        ("dois/10.80000/3mfp-6m52.yaml", 1, Severity.ERROR,
         "DOI 10.80000/3mfp-6m52 is also declared in dois/10.80000/copy.yaml"),
        ("dois/10.80000/copy.yaml", 1, Severity.ERROR,
         "DOI 10.80000/3mfp-6m52 is also declared in dois/10.80000/3mfp-6m52.yaml"),
        ("dois/10.80000/copy.yaml", 1, Severity.ADVICE,
         "file name does not match its DOI; expected dois/10.80000/3mfp-6m52.yaml"),
        ("other/x.yaml", 1, Severity.ERROR, "not under the folder of any repository in doiac.yaml (dois/)"),
    ]  # fmt: skip
    assert desired.records == ()


def test_a_doi_file_outside_every_repository_folder_is_a_warning(repo: Repo) -> None:
    repo.write("dois/10.80000/3mfp-6m52.yaml", FINDABLE)
    repo.write("old/10.80000/x.yaml", FINDABLE.replace("3mfp-6m52", "x"))
    repo.write("notes.yaml", "title: not a DOI file\n")
    repo.write(".github/workflows/x.yml", "doi: 10.80000/not-read\n")  # hidden folders are not searched
    desired = read_desired(load_config(repo.config))
    assert [(d.path, d.severity, d.rule, d.message) for d in desired.diagnostics] == [
        ("old/10.80000/x.yaml", Severity.WARNING, "outside-repository",
         "a DOI file outside every repository folder is never read; doiac reads dois/ (EXAMPLE.REPO)"),
    ]  # fmt: skip
    assert [r.doi for r in desired.records] == ["10.80000/3mfp-6m52"]


def test_error_count_and_paths_outside_the_repository(repo: Repo, tmp_path_factory: object) -> None:
    import tempfile
    from pathlib import Path

    repo.write("dois/10.80000/3mfp-6m52.yaml", FINDABLE.replace("Dataset", "Datset"))
    outside = Path(tempfile.mkdtemp()) / "x.yaml"
    outside.write_text(FINDABLE)
    desired = read_desired(load_config(repo.config), [repo.root / "dois", outside])
    assert desired.errors == 2
    assert [d.message for d in desired.diagnostics if d.path == outside.as_posix()] == [
        "not under the folder of any repository in doiac.yaml (dois/)"
    ]


def test_parallel_and_serial_reading_agree(repo: Repo) -> None:
    for n in range(12):
        suffix = f"{n:04d}-0000"
        text = FINDABLE.replace("3mfp-6m52", suffix)
        if n % 5 == 0:
            text = text.replace("Dataset", "Datset")
        repo.write(f"dois/10.80000/{suffix}.yaml", text)
    repo.write("dois/10.80000/broken.yaml", "doi: [\n")
    config = load_config(repo.config)
    serial = read_desired(config, workers=1)
    import reconciler.commands.validate as desired_module

    original = desired_module.PARALLEL_FROM
    desired_module.PARALLEL_FROM = 2
    try:
        parallel = read_desired(config, workers=2)
    finally:
        desired_module.PARALLEL_FROM = original
    assert parallel == serial
    assert serial.errors == 4
    assert len(serial.records) == 9


def test_without_records_only_the_diagnostics_are_kept(repo: Repo) -> None:
    repo.write("dois/10.80000/3mfp-6m52.yaml", FINDABLE)
    repo.write(
        "dois/10.80000/0000-0000.yaml", FINDABLE.replace("3mfp-6m52", "0000-0000").replace("Dataset", "X")
    )
    config = load_config(repo.config)
    full, bare = read_desired(config), read_desired(config, records=False)
    assert [r.doi for r in full.records] == ["10.80000/3mfp-6m52"]
    assert bare.records == ()
    assert bare.diagnostics == full.diagnostics
    assert bare.errors == 1


def test_answers_from_workers_hold_the_config_s_repository_not_a_copy(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A copy per file came back from each worker: 100,000 files held 100,000 copies."""
    import reconciler.commands.validate as desired_module

    for n in range(4):
        repo.write(f"dois/10.80000/{n:04d}-0000.yaml", FINDABLE.replace("3mfp-6m52", f"{n:04d}-0000"))
    config = load_config(repo.config)
    monkeypatch.setattr(desired_module, "PARALLEL_FROM", 2)
    found = sorted((repo.root / "dois/10.80000").iterdir())
    held = list(desired_module._check_all(config, found, repo.root.resolve(), 2, True, encode=True))
    assert len(held) == 4
    for (kept, diagnostics), file_digest, value in held:
        assert kept is not None
        assert (diagnostics, bool(file_digest), bool(value)) == ([], True, True)
        assert kept.item.repository is config.repositories[0]
        assert kept.item.source.data == {}
