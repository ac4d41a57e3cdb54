"""`doiac version`: the next version's draft file, and version relations stated by both files."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from reconciler.commands import version
from reconciler.commands.validate import read_desired
from reconciler.config import open_config
from reconciler.core.suffix import decode_suffix
from reconciler.errors import FileError, UsageError
from reconciler.files import read_source, write_text

from .conftest import CONFIG, Repo
from .test_tombstone import DEFAULTS, EXAMPLES, HEADING, example, without

V1, V2 = "10.80000/h0qr-8666", "10.80000/2jda-n732"
CONCEPT = "10.80000/3mfp-6m52"
FOLDER = "dois/10.80000"


def rel(kind: str, doi: str) -> dict[str, str]:
    return {"relatedIdentifier": doi, "relatedIdentifierType": "DOI", "relationType": kind}


def data(path: Path) -> dict[str, Any]:
    return read_source(path).data


def path_of(repo: Repo, doi: str) -> Path:
    return repo.root / FOLDER / f"{doi.split('/')[1]}.yaml"


# 2.0, the newest version: an end-of-line comment and a comment inside relatedIdentifiers (the
# fixture adds a heading comment after its last item, where IsPreviousVersionOf is appended).
COMMENTED = (
    ("version: \"2.0\"\n", "version: \"2.0\"  # the release of September 2024\n"),
    ("relatedIdentifiers:\n  - relatedIdentifier: 10.80000/h0qr", "relatedIdentifiers:\n  # version 1.0\n  - relatedIdentifier: 10.80000/h0qr"),
)  # fmt: skip


@pytest.fixture
def examples(repo: Repo) -> Repo:
    """Every example DOI file in a test repository, 2.0 with more comments; publisher from defaults."""
    repo.write("doiac.yaml", CONFIG + DEFAULTS)
    for path in sorted(EXAMPLES.glob("*.yaml")):
        if path.stem == "2jda-n732":
            example(repo, path.stem, *COMMENTED, heading_after="relatedIdentifiers")
        else:
            example(repo, path.stem)
    return repo


def assert_valid(repo: Repo) -> None:
    desired = read_desired(open_config(repo.config))
    assert [(d.path, d.rule, d.message) for d in desired.diagnostics if d.severity.value == "error"] == []
    assert [(d.path, d.message) for d in desired.diagnostics if d.rule == "reciprocal-version"] == []


def yaml_files(repo: Repo) -> set[str]:
    return {p.name for p in (repo.root / FOLDER).glob("*.yaml")}


def test_version_writes_both_files_with_reciprocal_relations(examples: Repo) -> None:
    assert_valid(examples)
    old_path = path_of(examples, V2)
    before = data(old_path)
    files = yaml_files(examples)

    result = version.run(examples.config, V2, offline=True)

    new_doi = result.new_doi
    prefix, suffix = new_doi.split("/")
    assert (prefix, decode_suffix(suffix) is not None, new_doi == new_doi.lower()) == ("10.80000", True, True)
    assert result == version.Versioned(
        V2, f"{FOLDER}/2jda-n732.yaml", new_doi, f"{FOLDER}/{suffix}.yaml", 1, None, None, "3.0", ()
    )
    assert yaml_files(examples) == files | {f"{suffix}.yaml"}

    new = data(examples.root / result.new_path)
    assert (new["doi"], new["state"], "url" in new, new["version"]) == (new_doi, "draft", False, "3.0")
    assert new["relatedIdentifiers"] == [*before["relatedIdentifiers"][1:], rel("IsNewVersionOf", V2)]
    assert without(new, "doi", "state", "version", "relatedIdentifiers") == without(
        before, "doi", "state", "url", "version", "relatedIdentifiers"
    )
    new_text = (examples.root / result.new_path).read_text(encoding="utf-8")
    assert new_text.startswith(
        "# yaml-language-server: $schema=../../schemas/doi-file.schema.json\n# The next version of"
    )

    after = data(old_path)
    assert after["relatedIdentifiers"] == [*before["relatedIdentifiers"], rel("IsPreviousVersionOf", new_doi)]
    assert without(after, "relatedIdentifiers") == without(before, "relatedIdentifiers")
    lines = old_path.read_text(encoding="utf-8").splitlines()
    assert lines[1].startswith("# Software, second of two versions")
    assert 'version: "2.0"  # the release of September 2024' in lines
    assert lines[lines.index("relatedIdentifiers:") + 1] == "  # version 1.0"
    heading = lines.index(HEADING)
    assert lines[heading - 4 : heading + 1] == [
        f"  - relatedIdentifier: {new_doi}",
        "    relatedIdentifierType: DOI",
        "    relationType: IsPreviousVersionOf",
        "",
        HEADING,
    ]
    assert lines[heading + 1][:1].isalpha()  # the top-level key it heads
    assert_valid(examples)


def test_an_old_version_with_a_newer_one_gets_a_note(examples: Repo) -> None:
    result = version.run(examples.config, f"https://doi.org/{V1.upper()}", version="1.1", offline=True)

    assert result.version == "1.1"
    [note] = result.notes
    assert f"{V1} already has a newer version {V2}" in note
    new = data(examples.root / result.new_path)
    # 1.0's IsPreviousVersionOf 2.0 is not true of 1.1: only its own IsNewVersionOf 1.0 is.
    assert [r for r in new["relatedIdentifiers"] if r["relatedIdentifierType"] == "DOI"] == [
        rel("IsNewVersionOf", V1)
    ]
    assert data(path_of(examples, V1))["relatedIdentifiers"][-1] == rel("IsPreviousVersionOf", result.new_doi)
    assert_valid(examples)


CONCEPT_FILE = f"""\
# The concept DOI of lakebuoy: it stands for every version.
doi: {CONCEPT}
state: findable
url: https://data.example.org/records/lakebuoy  # the project page
creators:
  - name: Okafor, Chidi
titles:
  - title: "lakebuoy: quality control for high-frequency lake sensor data"
publicationYear: 2023
types:
  resourceTypeGeneral: Software
relatedIdentifiers:
  # every version
  - relatedIdentifier: {V1}
    relatedIdentifierType: DOI
    relationType: HasVersion
  - relatedIdentifier: {V2}
    relatedIdentifierType: DOI
    relationType: HasVersion

# Licence
rightsList:
  - rightsIdentifier: MIT
"""


def _is_version_of(concept: str) -> tuple[str, str]:
    """An edit of a version's file: IsVersionOf `concept` first in its relatedIdentifiers."""
    return (
        "relatedIdentifiers:\n",
        f"relatedIdentifiers:\n  - relatedIdentifier: {concept}\n    relatedIdentifierType: DOI\n"
        "    relationType: IsVersionOf\n",
    )


def test_a_concept_doi_in_the_repository_gains_has_version(examples: Repo) -> None:
    concept_path = examples.write(f"{FOLDER}/3mfp-6m52.yaml", CONCEPT_FILE)
    example(examples, "h0qr-8666", _is_version_of(CONCEPT))
    example(examples, "2jda-n732", _is_version_of(CONCEPT))
    assert_valid(examples)

    result = version.run(examples.config, V2, offline=True)

    assert (result.concept, result.concept_path) == (CONCEPT, f"{FOLDER}/3mfp-6m52.yaml")
    new = data(examples.root / result.new_path)
    assert new["relatedIdentifiers"][0] == rel("IsVersionOf", CONCEPT)
    assert new["relatedIdentifiers"][-1] == rel("IsNewVersionOf", V2)
    concept = data(concept_path)
    assert concept["relatedIdentifiers"] == [
        rel("HasVersion", V1),
        rel("HasVersion", V2),
        rel("HasVersion", result.new_doi),
    ]
    text = concept_path.read_text(encoding="utf-8")
    assert text.startswith("# The concept DOI of lakebuoy")
    assert "url: https://data.example.org/records/lakebuoy  # the project page\n" in text
    assert "relatedIdentifiers:\n  # every version\n" in text
    assert "    relationType: HasVersion\n\n# Licence\nrightsList:\n" in text
    assert text.index(result.new_doi) < text.index("# Licence")
    assert_valid(examples)


def test_a_concept_doi_elsewhere_is_kept_and_no_file_is_edited(examples: Repo) -> None:
    zenodo = "10.5281/zenodo.1234567"
    example(examples, "2jda-n732", _is_version_of(f"https://doi.org/{zenodo}"))
    files = {p: p.read_text(encoding="utf-8") for p in (examples.root / FOLDER).glob("*.yaml")}

    result = version.run(examples.config, V2, offline=True)

    assert (result.concept, result.concept_path) == (zenodo, None)
    new = data(examples.root / result.new_path)
    assert new["relatedIdentifiers"][0]["relatedIdentifier"] == f"https://doi.org/{zenodo}"
    changed = {p.name for p, text in files.items() if p.read_text(encoding="utf-8") != text}
    assert changed == {"2jda-n732.yaml"}
    assert_valid(examples)


@pytest.mark.parametrize(
    ("old", "expected"),
    [
        (3, "4"),
        ("3", "4"),
        ("1.0", "2.0"),
        ("2.0", "3.0"),
        ("v1.2.3", "v2.0.0"),
        ("2.0.0-beta.1", "3.0.0"),
        ("1.0+build.7", "2.0"),
        (" 9 ", "10"),
        (None, None),
        (True, None),
        ("beta", None),
        ("2024-01-15", None),
        ("1.x", None),
        ("", None),
    ],
)
def test_next_version(old: Any, expected: str | None) -> None:
    assert version.next_version(old) == expected


def test_a_version_that_does_not_count_must_be_given(examples: Repo) -> None:
    path = path_of(examples, V2)
    example(examples, "2jda-n732", ('version: "2.0"\n', "version: lakebuoy-autumn\n"))
    text = path.read_text(encoding="utf-8")
    files = yaml_files(examples)
    with pytest.raises(
        UsageError, match="'lakebuoy-autumn', which doiac cannot count up from: give the new version"
    ):
        version.run(examples.config, V2, offline=True)
    assert (yaml_files(examples), path.read_text(encoding="utf-8")) == (files, text)

    result = version.run(examples.config, V2, version="lakebuoy-winter", offline=True)
    assert data(examples.root / result.new_path)["version"] == "lakebuoy-winter"


def test_a_file_without_version_needs_one_given(examples: Repo) -> None:
    with pytest.raises(UsageError, match="has no version: give the new version with --version"):
        version.run(examples.config, "10.80000/7qv1-0z56", offline=True)
    result = version.run(examples.config, "10.80000/7qv1-0z56", version="2", offline=True)
    assert data(examples.root / result.new_path)["version"] == "2"


@pytest.mark.parametrize(
    ("doi", "given", "message"),
    [
        (V2, "2.0", "already version 2.0"),
        (V2, " ", "--version is empty"),
        ("10.80000/zzzz-zzzz", None, "doiac import 10.80000/zzzz-zzzz"),
    ],
    ids=["same-version", "empty-version", "no-file"],
)
def test_refusals_write_nothing(examples: Repo, doi: str, given: str | None, message: str) -> None:
    files = {p: p.read_text(encoding="utf-8") for p in (examples.root / FOLDER).glob("*.yaml")}
    with pytest.raises(UsageError, match=message):
        version.run(examples.config, doi, version=given, offline=True)
    assert {p: p.read_text(encoding="utf-8") for p in (examples.root / FOLDER).glob("*.yaml")} == files


def test_a_failed_write_puts_back_the_new_file(examples: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {p: p.read_text(encoding="utf-8") for p in (examples.root / FOLDER).glob("*.yaml")}
    written: list[Path] = []

    def write_once(path: Path, text: str) -> None:
        if written:
            raise FileError(f"cannot write {path}: disk full")
        written.append(path)
        write_text(path, text)

    monkeypatch.setattr(version, "write_text", write_once)
    with pytest.raises(FileError, match="disk full; the files written before it were put back"):
        version.run(examples.config, V2, offline=True)
    assert len(written) == 1
    assert {p: p.read_text(encoding="utf-8") for p in (examples.root / FOLDER).glob("*.yaml")} == files


def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("offline must make no connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_offline_makes_no_network(examples: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    _no_network(monkeypatch)

    def no_connect(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("offline must not connect to DataCite")

    monkeypatch.setattr(version, "connect", no_connect)
    result = version.run(examples.config, V2, offline=True)
    assert (examples.root / result.new_path).is_file()


class FakeClient:
    """Answers GET /dois/{doi}: the first DOI asked about is taken at DataCite."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def get(self, doi: str) -> dict[str, Any] | None:
        self.asked.append(doi)
        return {"id": doi} if len(self.asked) == 1 else None


def test_online_a_doi_taken_at_datacite_is_drawn_again(
    examples: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_network(monkeypatch)
    client = FakeClient()

    @contextmanager
    def fake_connect(config: Any) -> Iterator[tuple[None, dict[str, FakeClient]]]:
        yield None, {"EXAMPLE.REPO": client}

    monkeypatch.setattr(version, "connect", fake_connect)
    result = version.run(examples.config, V2)

    assert (result.draws, len(client.asked), result.new_doi) == (2, 2, client.asked[1])
    assert client.asked[0] != client.asked[1]
    assert not path_of(examples, client.asked[0]).exists()
    assert_valid(examples)
