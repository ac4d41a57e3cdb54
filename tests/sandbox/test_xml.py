"""The `xml` the sandbox stores and serves: a full DataCite kernel-4 document, checked by the 4.7 XSD.

Reference §2.5 (the `xml` attribute: base64 of the whole document, regenerated from the attributes) and
§3.2 (a registered or findable DOI whose XML the XSD refuses gets a 422; drafts are never checked).

Every document served here is validated with lxml against the XSD bundled in the sandbox, which is checked
to be DataCite's own 4.7 copy, and read back with the tests' XML → JSON converter: it must give the
attributes the API serves. Real records and the official examples come from ../shared/reference; without
it those tests skip.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from datacite import DataCiteRESTClient
from lxml import etree

from reconciler.core.suffix import encode_suffix
from reconciler.sandbox import Client, SandboxOptions, SandboxServer
from reconciler.sandbox.kernel import KERNEL_4, XSD_PATH

from ..conftest import REFERENCE
from ..helpers.datacite_xml import xml_to_attributes, xml_to_doi_file
from ..helpers.sandbox_admin import admin
from ..test_reference_data import real_record_as_doi_file

REPO = ("example.repo", "secret")
TOKEN = "xml-admin-token"
PREFIX = "10.80000"
URL = "https://data.example.org/records/1"
REAL = REFERENCE / "real-records"
SCHEMA_47 = REFERENCE / "datacite-schema" / "kernel-4.7"
FULL_EXAMPLE = SCHEMA_47 / "example" / "datacite-example-full-v4.xml"
# The metadata attributes the XML carries (`identifiers` is `alternateIdentifiers` there).
METADATA = ("creators", "titles", "publisher", "publicationYear", "types", "subjects", "contributors", "dates",
            "language", "identifiers", "relatedIdentifiers", "relatedItems", "sizes", "formats", "version",
            "rightsList", "descriptions", "geoLocations", "fundingReferences")  # fmt: skip
VALID = {
    "creators": [
        {"name": "Doe, Jane", "nameType": "Personal", "affiliation": [{"name": "Example University"}]}
    ],
    "titles": [{"title": "Sensor readings 2024"}],
    "publisher": "Example Repository",
    "publicationYear": 2024,
    "types": {"resourceTypeGeneral": "Dataset"},
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    accounts = [Client("EXAMPLE.REPO", "secret", (PREFIX,))]
    with SandboxServer(
        tmp_path_factory.mktemp("sbx") / "s.sqlite", SandboxOptions(repositories=accounts), admin_token=TOKEN
    ) as srv:
        yield srv


@pytest.fixture
def api(server: SandboxServer) -> Iterator[httpx.Client]:
    httpx.post(f"{server.url}/_sandbox/reset", headers=admin(TOKEN))
    with httpx.Client(base_url=server.url, auth=REPO, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD_PATH)))


def body(attributes: dict[str, Any]) -> dict[str, Any]:
    return {"data": {"type": "dois", "attributes": attributes}}


def served(api: httpx.Client, doi: str) -> dict[str, Any]:
    """The attributes as DataCite serves them with the object forms of publisher and affiliations."""
    response = api.get(f"/dois/{doi}", params={"affiliation": "true", "publisher": "true"})
    assert response.status_code == 200, response.text
    return dict(response.json()["data"]["attributes"])


def xml_of(attributes: dict[str, Any]) -> bytes:
    return base64.b64decode(attributes["xml"])


def xsd_problems(schema: etree.XMLSchema, xml: bytes) -> list[str]:
    document = etree.fromstring(xml)
    schema.validate(document)
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


def _plain(value: Any) -> Any:
    """What the converter's documented rules leave of a value: texts stripped, and null, "", [] and {}
    the same as absent (an element the XML holds empty reads back as "", an absent one as nothing)."""
    if isinstance(value, dict):
        kept = {key: _plain(item) for key, item in value.items()}
        return {key: item for key, item in kept.items() if item not in (None, "", [], {})}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value.strip() if isinstance(value, str) else value


def _with_affiliation_objects(person: dict[str, Any]) -> dict[str, Any]:
    affiliations = person.get("affiliation") or []
    return {**person, "affiliation": [{"name": a} if isinstance(a, str) else a for a in affiliations]}


def metadata_of(attributes: dict[str, Any]) -> dict[str, Any]:
    """The metadata part of served attributes, in the converter's terms: publisher and affiliations
    objects (the default view serves their names only), types without the derived schemaOrg/citeproc/
    bibtex/ris."""
    picked = {key: attributes.get(key) for key in METADATA}
    if isinstance(picked["publisher"], str):
        picked["publisher"] = {"name": picked["publisher"]}
    for key in ("creators", "contributors"):
        picked[key] = [_with_affiliation_objects(person) for person in picked[key] or []]
    types = picked["types"] if isinstance(picked["types"], dict) else {}
    picked["types"] = {k: v for k, v in types.items() if k in ("resourceTypeGeneral", "resourceType")}
    return dict(_plain(picked))


def round_trip(xml: bytes, tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / "served.xml"
    path.write_bytes(xml)
    return metadata_of(xml_to_attributes(path))


def check_served(api: httpx.Client, schema: etree.XMLSchema, tmp_path: Path, doi: str) -> dict[str, Any]:
    """The DOI's XML is valid and reads back as the attributes served; returns the served attributes."""
    attributes = served(api, doi)
    xml = xml_of(attributes)
    assert xsd_problems(schema, xml) == []
    assert f'<identifier identifierType="DOI">{doi.upper()}</identifier>' in xml.decode()
    # identifiers equal to the DOI or the url are stored and written but not served (§2.6): none here.
    assert round_trip(xml, tmp_path) == metadata_of(attributes)
    return attributes


# The bundled XSD ------------------------------------------------------------------------------------------


def test_bundled_xsd_is_datacites_4_7_and_just_what_it_includes() -> None:
    if not SCHEMA_47.is_dir():
        pytest.skip(f"reference data not found at {SCHEMA_47} (../shared is absent in a user's own clone)")
    bundled = XSD_PATH.parent
    needed = {"metadata.xsd"} | {
        location
        for path in [XSD_PATH, *bundled.glob("include/*.xsd")]
        for location in re.findall(
            r'<xs:(?:include|import)[^>]*schemaLocation="([^"]+)"', path.read_text("utf-8")
        )
    }
    files = {str(p.relative_to(bundled)) for p in bundled.rglob("*") if p.is_file()}
    assert files == needed
    for name in files:
        assert (bundled / name).read_bytes() == (SCHEMA_47 / name).read_bytes(), name


# Real records and the official example ---------------------------------------------------------------------


def _findable_real_records() -> list[tuple[str, dict[str, Any]]]:
    """Each findable real record (API-shaped, affiliations as objects) moved to the sandbox's prefix:
    some real DOIs hold characters DataCite no longer accepts in new DOIs."""
    if not REAL.is_dir():
        pytest.skip(f"reference data not found at {REAL} (../shared is absent in a user's own clone)")
    records = []
    for n, path in enumerate(sorted(REAL.glob("*.json"))):
        answer = json.loads(path.read_text("utf-8"))
        if answer.get("state", "findable") != "findable":
            continue
        record = real_record_as_doi_file(answer, n)
        records.append((path.name, {**record, "doi": f"{PREFIX}/{encode_suffix(n)}"}))
    return records


def test_every_findable_real_record_written_through_the_api_gets_valid_round_tripping_xml(
    api: httpx.Client, schema: etree.XMLSchema, tmp_path: Path
) -> None:
    records = _findable_real_records()
    assert len(records) >= 60
    for name, record in records:
        attributes = {k: v for k, v in record.items() if k not in ("doi", "state")}
        response = api.put(f"/dois/{record['doi']}", json=body({**attributes, "event": "publish"}))
        assert response.status_code == 201, f"{name}: {response.text}"
        assert check_served(api, schema, tmp_path, record["doi"])["state"] == "findable", name


def test_every_findable_real_record_seeded_gets_valid_round_tripping_xml(
    api: httpx.Client, server: SandboxServer, schema: etree.XMLSchema, tmp_path: Path
) -> None:
    records = _findable_real_records()
    seeds = [
        {"doi": r["doi"], "state": "findable", "url": r["url"],
         "attributes": {k: v for k, v in r.items() if k not in ("doi", "state", "url")}}
        for _, r in records
    ]  # fmt: skip
    response = httpx.post(f"{server.url}/_sandbox/seed", json=seeds, headers=admin(TOKEN))
    assert response.json() == {"seeded": len(records)}
    for name, record in records:
        try:
            check_served(api, schema, tmp_path, record["doi"])
        except AssertionError as exc:
            raise AssertionError(name) from exc


def test_datacites_full_example_is_published_with_valid_xml(
    api: httpx.Client, schema: etree.XMLSchema, tmp_path: Path
) -> None:
    if not FULL_EXAMPLE.is_file():
        pytest.skip(f"reference data not found at {FULL_EXAMPLE} (../shared is absent in a user's own clone)")
    record = xml_to_doi_file(FULL_EXAMPLE, url=URL)
    doi = f"{PREFIX}/{record['doi'].split('/', 1)[1]}"
    attributes = {k: v for k, v in record.items() if k not in ("doi", "state")}
    response = api.post("/dois", json=body({**attributes, "doi": doi, "event": "publish"}))
    assert response.status_code == 201, response.text
    check_served(api, schema, tmp_path, doi)
    # Every property of the example is in the served XML, in DataCite's element order.
    root = etree.fromstring(xml_of(served(api, doi)))
    assert [element.tag.split("}")[1] for element in root] == [
        "identifier", "creators", "titles", "publisher", "publicationYear", "resourceType", "subjects",
        "contributors", "dates", "language", "alternateIdentifiers", "relatedIdentifiers", "relatedItems",
        "sizes", "formats", "version", "rightsList", "descriptions", "geoLocations", "fundingReferences",
    ]  # fmt: skip


def test_a_real_record_the_xsd_refuses_is_not_published(api: httpx.Client) -> None:
    """invalid/README: ona1045 has an organisation contributor without contributorType."""
    path = REAL / "invalid" / "real-world__10.12763_ona1045.json"
    if not path.is_file():
        pytest.skip(f"reference data not found at {path} (../shared is absent in a user's own clone)")
    record = real_record_as_doi_file(json.loads(path.read_text("utf-8")), 0)
    attributes = {k: v for k, v in record.items() if k not in ("doi", "state")}
    response = api.post("/dois", json=body({**attributes, "doi": f"{PREFIX}/ona1045", "event": "publish"}))
    assert (response.status_code, response.json()["errors"]) == (
        422, [{"source": "metadata", "title": "Is invalid", "uid": f"{PREFIX}/ona1045"}]
    )  # fmt: skip
    assert api.post("/dois", json=body({**attributes, "doi": f"{PREFIX}/ona1045"})).status_code == 201


# One fault at a time ----------------------------------------------------------------------------------------

FAULTS = [
    # (name, attributes replacing VALID's, the element the XSD names → the 422 source)
    ("lower-case nameType", {"creators": [{"name": "Doe, Jane", "nameType": "personal"}]}, "creatorName"),
    ("unknown resourceTypeGeneral", {"types": {"resourceTypeGeneral": "Data"}}, "resourceType"),
    ("no resourceTypeGeneral", {"types": {"resourceType": "Measurements"}}, "xml"),
    ("bad dateType", {"dates": [{"date": "2024-01-01", "dateType": "Published"}]}, "dates"),
    ("bad titleType", {"titles": [{"title": "T", "titleType": "Subtitel"}]}, "title"),
    ("no titles", {"titles": []}, "titles"),
    ("no creators", {"creators": None}, "creators"),
    ("no publisher", {"publisher": None}, "publisher"),
    ("two-digit publicationYear", {"publicationYear": "24"}, "publication_year"),
    ("contributor without a name", {"contributors": [{"contributorType": "Editor"}]}, "contributorName"),
    ("unknown relationType",
     {"relatedIdentifiers": [{"relatedIdentifier": "10.1/x", "relatedIdentifierType": "DOI", "relationType": "Likes"}]},
     "relatedIdentifier"),
    ("relatedIdentifier without a type",
     {"relatedIdentifiers": [{"relatedIdentifier": "10.1/x", "relationType": "Cites"}]}, "relatedIdentifier"),
    ("bad descriptionType", {"descriptions": [{"description": "D", "descriptionType": "abstract"}]}, "description"),
    ("latitude beyond 90",
     {"geoLocations": [{"geoLocationPoint": {"pointLatitude": 95, "pointLongitude": 10}}]}, "pointLatitude"),
    ("funding without funderName", {"fundingReferences": [{"awardNumber": "42"}]}, "funderName"),
    ("unknown relatedItemType",
     {"relatedItems": [{"relationType": "IsPublishedIn", "relatedItemType": "Paper", "titles": [{"title": "J"}]}]},
     "relatedItem"),
]  # fmt: skip
FAULT_IDS = [name for name, _, _ in FAULTS]
TITLE = re.compile(r"^DOI 10\.80000/fault: \S.* at line \d+, column \d+$")


@pytest.mark.parametrize(("name", "fault", "source"), FAULTS, ids=FAULT_IDS)
def test_a_fault_is_refused_when_findable_or_registered_and_kept_as_a_draft(
    api: httpx.Client, name: str, fault: dict[str, Any], source: str
) -> None:
    doi = f"{PREFIX}/fault"
    record = {**VALID, **fault}
    assert api.post("/dois", json=body({**record, "doi": doi})).status_code == 201  # drafts: no XSD check
    # A JSON-only create has no schemaVersion: DataCite answers with its one generic error (§3.2).
    for event in ("publish", "register"):
        response = api.post(
            "/dois", json=body({**record, "doi": f"{PREFIX}/new", "url": URL, "event": event})
        )
        assert (response.status_code, response.json()["errors"]) == (
            422, [{"source": "metadata", "title": "Is invalid", "uid": f"{PREFIX}/new"}]
        ), name  # fmt: skip
    # An update (schemaVersion kernel-4) names the element the XSD refused.
    for event in ("publish", "register"):
        response = api.put(f"/dois/{doi}", json=body({"url": URL, "event": event}))
        assert response.status_code == 422, name
        [error] = response.json()["errors"]
        assert (error["source"], error["uid"]) == (source, doi), name
        assert TITLE.match(error["title"]), error["title"]
    assert served(api, doi)["state"] == "draft"
    # The same record without the fault is published.
    assert (
        api.put(
            f"/dois/{doi}", json=body({**VALID, **{k: None for k in fault if k not in VALID}})
        ).status_code
        == 200
    )
    assert api.put(f"/dois/{doi}", json=body({"url": URL, "event": "publish"})).status_code == 200


def test_the_xsd_error_reads_as_libxml2s_message_on_the_line_it_names(api: httpx.Client) -> None:
    doi = f"{PREFIX}/fault"
    api.post(
        "/dois", json=body({**VALID, "doi": doi, "creators": [{"name": "Doe, Jane", "nameType": "personal"}]})
    )
    response = api.put(f"/dois/{doi}", json=body({"url": URL, "event": "publish"}))
    assert response.json()["errors"] == [
        {
            "source": "creatorName",
            "title": f"DOI {doi}: [facet 'enumeration'] The value 'personal' is not an element of the set "
            "{'Organizational', 'Personal'}. at line 6, column 0",
            "uid": doi,
        }
    ]
    lines = xml_of(served(api, doi)).decode().splitlines()
    assert lines[5].strip() == '<creatorName nameType="personal">Doe, Jane</creatorName>'


def test_a_findable_doi_cannot_be_updated_into_invalid_xml(api: httpx.Client) -> None:
    doi = f"{PREFIX}/pub"
    assert (
        api.post("/dois", json=body({**VALID, "doi": doi, "url": URL, "event": "publish"})).status_code == 201
    )
    response = api.put(f"/dois/{doi}", json=body({"dates": [{"date": "2024", "dateType": "Published"}]}))
    assert (response.status_code, response.json()["errors"][0]["source"]) == (422, "dates")
    assert served(api, doi)["dates"] == []


def test_any_schema_version_is_checked(api: httpx.Client) -> None:
    """Unlike DataCite, which skips the XSD for a schemaVersion it maps to no XSD (§3.2, #1893)."""
    for version in (KERNEL_4, f"{KERNEL_4}.4", f"{KERNEL_4}.7", "kernel-4.4"):
        response = api.post(
            "/dois",
            json=body({**VALID, "doi": f"{PREFIX}/v", "url": URL, "event": "publish", "schemaVersion": version,
                       "types": {"resourceTypeGeneral": "Data"}}),
        )  # fmt: skip
        assert (response.status_code, response.json()["errors"][0]["source"]) == (422, "resourceType"), (
            version
        )


# The PyPI datacite client ------------------------------------------------------------------------------------


def test_datacite_client_reads_xml_that_parses_and_validates(tmp_path: Path, schema: etree.XMLSchema) -> None:
    account = Client("EXAMPLE.REPO", "secret", (PREFIX,), ("data.example.org",))
    metadata = {**VALID, "schemaVersion": KERNEL_4, "subjects": [{"subject": "Sensors", "lang": "en"}],
                "dates": [{"date": "2024-05-01", "dateType": "Collected"}]}  # fmt: skip
    with SandboxServer(tmp_path / "s.sqlite", SandboxOptions(repositories=[account])) as server:
        client = DataCiteRESTClient("EXAMPLE.REPO", "secret", PREFIX, url=server.url)
        doi = client.public_doi(metadata, URL)
        attributes = client.get_metadata(doi)
    xml = xml_of(attributes)
    assert xsd_problems(schema, xml) == []
    assert round_trip(xml, tmp_path) == metadata_of(attributes)
    assert etree.fromstring(xml).findtext(f"{{{KERNEL_4}}}identifier") == doi.upper()
