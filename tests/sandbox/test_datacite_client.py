"""The `datacite` package from PyPI, the widely used Python client of this API, works unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from datacite import DataCiteRESTClient
from datacite.errors import DataCiteError

from reconciler.sandbox import Client, SandboxOptions, SandboxServer

METADATA = {
    "creators": [{"name": "Doe, Jane", "nameType": "Personal"}],
    "titles": [{"title": "Sensor readings 2024"}],
    "publisher": "Example Repository",
    "publicationYear": "2024",
    "types": {"resourceTypeGeneral": "Dataset", "resourceType": "Measurements"},
    "schemaVersion": "http://datacite.org/schema/kernel-4",
}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[DataCiteRESTClient]:
    account = Client("EXAMPLE.REPO", "secret", ("10.80000",), ("data.example.org",))
    with SandboxServer(tmp_path / "s.sqlite", SandboxOptions(repositories=[account])) as server:
        yield DataCiteRESTClient("EXAMPLE.REPO", "secret", "10.80000", url=server.url)


def test_full_lifecycle(client: DataCiteRESTClient) -> None:
    doi = client.draft_doi(METADATA)
    assert doi.startswith("10.80000/")
    assert client.get_metadata(doi)["state"] == "draft"
    client.update_doi(doi, {**METADATA, "titles": [{"title": "Renamed"}]})
    assert client.get_metadata(doi)["titles"] == [{"title": "Renamed"}]
    client.update_doi(doi, url="https://data.example.org/records/1")
    assert client.get_doi(doi) == "https://data.example.org/records/1"
    client.show_doi(doi)  # the client's show sends event=publish
    assert client.get_metadata(doi)["state"] == "findable"
    client.hide_doi(doi)
    assert client.get_metadata(doi)["state"] == "registered"
    client.show_doi(doi)
    assert client.get_metadata(doi)["state"] == "findable"
    with pytest.raises(DataCiteError):
        client.delete_doi(doi)  # findable DOIs cannot be deleted: 405
    with pytest.raises(DataCiteError):
        client.public_doi(METADATA, "https://data.example.org/records/2", doi=doi)  # POST: already taken


def test_public_doi(client: DataCiteRESTClient) -> None:
    doi = client.public_doi(METADATA, "https://data.example.org/records/2")
    assert client.get_metadata(doi)["state"] == "findable"


def test_private_doi_and_draft_deletion(client: DataCiteRESTClient) -> None:
    registered = client.private_doi(METADATA, "https://data.example.org/records/3")
    assert client.get_metadata(registered)["state"] == "registered"
    draft = client.draft_doi(doi="10.80000/3mfp-6m52")
    assert draft == "10.80000/3mfp-6m52"
    client.delete_doi(draft)
    with pytest.raises(DataCiteError):
        client.get_metadata(draft)


def test_refusals_surface_as_datacite_errors(client: DataCiteRESTClient) -> None:
    with pytest.raises(DataCiteError):
        client.public_doi(METADATA, "https://evil.org/x")  # domain not allowed: 422
    wrong = DataCiteRESTClient("EXAMPLE.REPO", "wrong", "10.80000", url=client.api_url)
    with pytest.raises(DataCiteError):
        wrong.draft_doi()
