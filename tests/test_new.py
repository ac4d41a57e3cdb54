"""`doiac new` (commands.new.run): mint an unused opaque DOI and write its draft file."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from reconciler.commands import new
from reconciler.commands.plan import connect
from reconciler.commands.validate import read_desired
from reconciler.config import load_config
from reconciler.core.suffix import decode_suffix, mint_suffix
from reconciler.datacite import DataCiteClient
from reconciler.errors import SourceError, UsageError
from reconciler.files import read_source
from tests.conftest import CONFIG, Repo

SEED = 7
PREFIX = "10.80000"

CITATION = """\
cff-version: 1.2.0
message: If you use this software, please cite it using these metadata.
title: Lake sensor toolkit
type: software
authors:
  - given-names: Jane
    family-names: Doe
    orcid: https://orcid.org/0000-0002-1825-0097
    affiliation: Example University
  - given-names: Richard
    family-names: Roe
    orcid: https://orcid.org/0000-0003-4925-7248
    affiliation: Lake Institute
version: 1.10
date-released: 2024-03-01
license: Apache-2.0
repository-code: https://github.com/example/lake-sensors
keywords:
  - limnology
  - sensor networks
abstract: Tools to clean and calibrate buoy sensor readings.
identifiers:
  - type: doi
    value: 10.5281/zenodo.1234567
    description: The archived snapshot of version 1.10
"""

TWO_REPOSITORIES = (
    CONFIG
    + """\
  - id: OTHER.REPO
    prefixes: ["10.80001"]
    path: other/
    password_env: OTHER_PASSWORD
"""
)


def draws(count: int) -> list[str]:
    """The first `count` DOIs a Random(SEED) mints under PREFIX."""
    rng = random.Random(SEED)
    return [f"{PREFIX}/{mint_suffix(rng)}" for _ in range(count)]


def data_of(repo: Repo, minted: new.Minted) -> dict[str, Any]:
    return read_source(repo.root / minted.path).data


def no_errors(repo: Repo, doi: str) -> None:
    desired = read_desired(load_config(repo.config))
    assert [f"{d.path}: {d.message}" for d in desired.diagnostics if d.severity.name == "ERROR"] == []
    assert doi in {record.doi for record in desired.records}


@contextmanager
def counted_gets(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every DOI looked up singly at DataCite while the block runs."""
    asked: list[str] = []
    original = DataCiteClient.get

    def get(self: DataCiteClient, doi: str) -> dict[str, Any] | None:
        asked.append(doi)
        return original(self, doi)

    monkeypatch.setattr(DataCiteClient, "get", get)
    yield asked


def test_mints_an_opaque_doi_with_a_check_digit_and_writes_a_draft(repo: Repo) -> None:
    minted = new.run(repo.config, title="Buoy readings 2024", offline=True)
    prefix, suffix = minted.doi.split("/")
    assert prefix == PREFIX
    assert decode_suffix(suffix) is not None
    assert minted.draws == 1
    assert minted.path == f"dois/{PREFIX}/{suffix}.yaml"
    assert data_of(repo, minted) == {
        "doi": minted.doi,
        "state": "draft",
        "titles": [{"title": "Buoy readings 2024"}],
        "types": {"resourceTypeGeneral": "Dataset"},
    }
    text = (repo.root / minted.path).read_text()
    assert text.startswith("# yaml-language-server: $schema=../../schemas/doi-file.schema.json\n")
    no_errors(repo, minted.doi)


def test_many_mints_all_pass_the_check_digit(repo: Repo) -> None:
    rng = random.Random(1)
    for _ in range(5):
        minted = new.run(repo.config, offline=True, rng=rng)
        assert decode_suffix(minted.doi.split("/")[1]) is not None
    assert len(list((repo.root / "dois" / PREFIX).glob("*.yaml"))) == 5


def test_a_draft_may_have_no_title(repo: Repo) -> None:
    minted = new.run(repo.config, offline=True)
    assert "titles" not in data_of(repo, minted)
    no_errors(repo, minted.doi)


def test_a_doi_that_has_a_file_is_drawn_again(repo: Repo) -> None:
    first, second = draws(2)
    # Not at its canonical path: only reading the files finds that this DOI is taken.
    repo.write("dois/older/buoy.yaml", f"doi: {first.upper()}\nstate: draft\n")
    minted = new.run(repo.config, offline=True, rng=random.Random(SEED))
    assert (minted.doi, minted.draws) == (second, 2)


def test_an_occupied_canonical_path_is_drawn_again_and_never_overwritten(repo: Repo) -> None:
    first, second = draws(2)
    occupied = repo.write(f"dois/{first}.yaml", "doi: 10.80000/someone-else\nstate: draft\n")
    minted = new.run(repo.config, offline=True, rng=random.Random(SEED))
    assert (minted.doi, minted.draws) == (second, 2)
    assert occupied.read_text() == "doi: 10.80000/someone-else\nstate: draft\n"


def test_a_doi_live_at_datacite_is_drawn_again(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = draws(2)
    config = load_config(repo.config)
    with connect(config, env={}) as (_, clients):  # the embedded sandbox, state in .doiac/
        status, _ = clients["EXAMPLE.REPO"].create({"doi": first})
        assert status == 201
    with counted_gets(monkeypatch) as asked:
        minted = new.run(repo.config, rng=random.Random(SEED))
    assert (minted.doi, minted.draws) == (second, 2)
    assert asked == [first, second]  # one GET per draw
    assert not (repo.root / f"dois/{first}.yaml").exists()


def test_offline_checks_only_the_files(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: Any, **__: Any) -> None:
        raise AssertionError("offline must not connect")

    monkeypatch.setattr(new, "connect", refuse)
    minted = new.run(repo.config, offline=True, rng=random.Random(SEED))
    assert (minted.doi, minted.draws) == (draws(1)[0], 1)


def test_from_cff_writes_the_mapped_metadata_and_validates(repo: Repo) -> None:
    cff = repo.write("CITATION.cff", CITATION)
    minted = new.run(repo.config, from_cff=cff, offline=True)
    data = data_of(repo, minted)
    assert data["state"] == "draft"
    assert data["types"] == {"resourceTypeGeneral": "Software"}  # the CFF's type over the default
    assert data["titles"] == [{"title": "Lake sensor toolkit"}]
    assert [c["name"] for c in data["creators"]] == ["Doe, Jane", "Roe, Richard"]
    assert (
        data["creators"][1]["nameIdentifiers"][0]["nameIdentifier"] == "https://orcid.org/0000-0003-4925-7248"
    )
    assert data["creators"][1]["affiliation"] == [{"name": "Lake Institute"}]
    assert data["version"] == "1.10"  # as written, not the YAML float 1.1
    assert data["publicationYear"] == 2024
    assert data["dates"] == [{"date": "2024-03-01", "dateType": "Issued"}]
    assert data["rightsList"][0]["rightsIdentifier"] == "Apache-2.0"
    assert {r["relationType"] for r in data["relatedIdentifiers"]} == {"IsSupplementTo", "IsIdenticalTo"}
    assert data["subjects"] == [{"subject": "limnology"}, {"subject": "sensor networks"}]
    assert data["descriptions"][0]["descriptionType"] == "Abstract"
    assert any("10.5281/zenodo.1234567" in note for note in minted.notes)
    no_errors(repo, minted.doi)


def test_title_and_type_options_win_over_the_cff(repo: Repo) -> None:
    cff = repo.write("CITATION.cff", CITATION)
    minted = new.run(repo.config, from_cff=cff, title="Own title", resource_type="workflow", offline=True)
    data = data_of(repo, minted)
    assert data["titles"] == [{"title": "Own title"}]
    assert data["types"] == {"resourceTypeGeneral": "Workflow"}


def test_what_the_defaults_say_is_not_written(repo: Repo) -> None:
    repo.write(
        "doiac.yaml",
        CONFIG
        + "defaults:\n  publisher: Example University\n  rightsList:\n"
        + "    - rightsIdentifier: Apache-2.0\n      rightsIdentifierScheme: SPDX\n"
        + "      schemeUri: https://spdx.org/licenses/\n",
    )
    cff = repo.write("CITATION.cff", CITATION.replace("license: Apache-2.0", "license: [Apache-2.0]"))
    minted = new.run(repo.config, from_cff=cff, offline=True)
    data = data_of(repo, minted)
    assert "publisher" not in data
    assert "rightsList" not in data
    assert "creators" in data
    no_errors(repo, minted.doi)


def test_a_cff_doi_of_this_repository_is_flagged(repo: Repo) -> None:
    repo.write("dois/10.80000/3mfp-6m52.yaml", "doi: 10.80000/3mfp-6m52\nstate: draft\n")
    cff = repo.write("CITATION.cff", CITATION.replace("10.5281/zenodo.1234567", "10.80000/3mfp-6m52"))
    minted = new.run(repo.config, from_cff=cff, offline=True)
    assert any("dois/10.80000/3mfp-6m52.yaml" in note for note in minted.notes)


def test_a_cff_that_is_not_a_mapping_is_refused(repo: Repo) -> None:
    cff = repo.write("CITATION.cff", "- just\n- a list\n")
    with pytest.raises(SourceError, match=r"a CITATION\.cff file must be a mapping"):
        new.run(repo.config, from_cff=cff, offline=True)
    assert not (repo.root / "dois").exists()


def test_an_unknown_resource_type_is_a_usage_error_listing_the_valid_ones(repo: Repo) -> None:
    with pytest.raises(UsageError, match="Spreadsheet") as caught:
        new.run(repo.config, resource_type="Spreadsheet", offline=True)
    for valid in ("Dataset", "Software", "Poster", "Presentation", "Other"):
        assert valid in str(caught.value)
    assert not (repo.root / "dois").exists()


def test_the_resource_type_is_matched_in_any_case(repo: Repo) -> None:
    minted = new.run(repo.config, resource_type="computationalnotebook", offline=True)
    assert data_of(repo, minted)["types"] == {"resourceTypeGeneral": "ComputationalNotebook"}


def test_an_ambiguous_repository_is_a_usage_error_naming_the_choices(repo: Repo) -> None:
    repo.write("doiac.yaml", TWO_REPOSITORIES)
    with pytest.raises(UsageError, match="--repository") as caught:
        new.run(repo.config, offline=True)
    assert "EXAMPLE.REPO" in str(caught.value)
    assert "OTHER.REPO" in str(caught.value)


def test_a_named_repository_mints_under_its_prefix_and_folder(repo: Repo) -> None:
    repo.write("doiac.yaml", TWO_REPOSITORIES)
    (repo.root / "dois").mkdir()
    minted = new.run(repo.config, repository="other.repo", offline=True)
    assert minted.doi.startswith("10.80001/")
    assert minted.path.startswith("other/10.80001/")
    no_errors(repo, minted.doi)


def test_an_unknown_repository_is_a_usage_error(repo: Repo) -> None:
    with pytest.raises(UsageError, match=r"EXAMPLE\.REPO"):
        new.run(repo.config, repository="NOPE.REPO", offline=True)


def test_a_prefix_outside_the_repository_is_a_usage_error(repo: Repo) -> None:
    with pytest.raises(UsageError, match=r"10\.99999"):
        new.run(repo.config, prefix="10.99999", offline=True)


def test_an_empty_title_is_a_usage_error(repo: Repo) -> None:
    with pytest.raises(UsageError, match="--title"):
        new.run(repo.config, title="  ", offline=True)


def test_the_version_as_written_is_kept_from_the_cff_text(tmp_path: Path) -> None:
    cff = tmp_path / "CITATION.cff"
    cff.write_text("title: T\nversion: 2.10  # a comment\n")
    assert new.read_cff(cff)["version"] == "2.10"
    cff.write_text("title: T\nversion: '3.0'\n")
    assert new.read_cff(cff)["version"] == "3.0"


def test_files_new_writes_pass_check_jsonschema_with_the_editor_schema(repo: Repo) -> None:
    from .test_init import FILE_SCHEMA, _run_check_jsonschema

    cff = repo.write("CITATION.cff", CITATION)
    written = [new.run(repo.config, from_cff=cff, offline=True), new.run(repo.config, offline=True)]
    paths = [repo.root / minted.path for minted in written]
    result = _run_check_jsonschema(FILE_SCHEMA, paths)
    assert result.returncode == 0, result.stdout + result.stderr
