"""Real DataCite data through the whole validator.

- every real record DataCite returned validates with no error (DataCite accepted it: anything odd
  is at most a warning);
- the 17 official schema 4.7 examples (XML, converted by a test helper) validate with no error;
- every real invalid input is rejected with file and line, at the place its README names.

The data is read from ../shared/reference at test time; without it these tests skip.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from reconciler.commands.validate import Desired, read_desired
from reconciler.config import load_config
from reconciler.core.suffix import encode_suffix
from reconciler.model import Severity
from reconciler.schemas import load_schema

from .conftest import PROJECT, REFERENCE, Repo
from .helpers.datacite_xml import XmlConversionError, xml_to_doi_file

REAL = REFERENCE / "real-records"
INVALID = REAL / "invalid"
EXAMPLES = REFERENCE / "datacite-schema" / "kernel-4.7" / "example"
REFUSED = set(load_schema("doi")["x-doiac-refused"]) | {"id"}


def _names(folder: Path, pattern: str) -> list[str]:
    return sorted(p.name for p in folder.glob(pattern)) if folder.is_dir() else []


def _config(prefixes: set[str]) -> str:
    listed = ", ".join(f'"{p}"' for p in sorted(prefixes))
    return f"repositories:\n  - id: EXAMPLE.REPO\n    prefixes: [{listed}]\n    path: dois/\n"


def _write_doi_file(repo: Repo, record: dict[str, Any]) -> str:
    prefix, _, suffix = record["doi"].lower().partition("/")
    relative = f"dois/{prefix}/{suffix.replace('/', '__')}.yaml"
    path = repo.root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    with path.open("w", encoding="utf-8") as fh:
        yaml.dump(record, fh)
    return relative


def _validate(repo: Repo, records: list[dict[str, Any]]) -> tuple[Desired, list[str]]:
    repo.write("doiac.yaml", _config({r["doi"].split("/")[0] for r in records}))
    paths = [_write_doi_file(repo, r) for r in records]
    return read_desired(load_config(repo.config)), paths


def _errors(desired: Desired) -> list[str]:
    return [
        f"{d.path}:{d.line}: {d.pointer}: {d.message}"
        for d in desired.diagnostics
        if d.severity is Severity.ERROR
    ]


def real_record_as_doi_file(attributes: dict[str, Any], n: int) -> dict[str, Any]:
    """A GET response's attributes as a DOI file: server-owned keys dropped, affiliations as objects."""
    record = {k: v for k, v in attributes.items() if k not in REFUSED}
    for key in ("creators", "contributors"):
        people = record.get(key)
        for person in people if isinstance(people, list) else []:
            affiliations = person.get("affiliation") if isinstance(person, dict) else None
            if isinstance(affiliations, list):
                person["affiliation"] = [{"name": a} if isinstance(a, str) else a for a in affiliations]
    if "doi" not in record:  # submission-shaped records (CaltechDATA) carry no DOI of their own
        record = {
            "doi": f"10.80000/{encode_suffix(n)}",
            "state": "findable",
            "url": "https://data.example.org/r",
            **record,
        }
    # One record from DataCite's support documentation omits `state`; it was shown as published.
    return {"state": "findable", **record}


@pytest.mark.parametrize("name", _names(REAL, "*.json"))
def test_real_record_validates_without_error(repo: Repo, reference: Path, name: str) -> None:
    attributes = json.loads((REAL / name).read_text(encoding="utf-8"))
    desired, _ = _validate(repo, [real_record_as_doi_file(attributes, 1)])
    assert _errors(desired) == []
    assert len(desired.records) == 1


@pytest.mark.parametrize("name", _names(EXAMPLES, "*.xml"))
def test_official_example_validates_without_error(repo: Repo, reference: Path, name: str) -> None:
    record = xml_to_doi_file(EXAMPLES / name, url="https://data.example.org/records/1")
    desired, _ = _validate(repo, [record])
    assert _errors(desired) == []


# What `--strict` finds in DataCite's own examples: only identifiers that are genuinely wrong there
# (placeholders with failing check digits, a doubled ORCID resolver, a Handle without its `/`,
# an affiliation identifier without its scheme). Best-practice advice is never promoted.
EXAMPLE_DEFECTS: dict[str, set[str]] = {
    "datacite-example-award-v4.xml": {"/creators/0/nameIdentifiers/0/nameIdentifier", "/publisher/publisherIdentifier"},
    "datacite-example-full-v4.xml": {"/relatedItems/0/relatedItemIdentifier/relatedItemIdentifier"},
    "datacite-example-instrument-v4.xml": {"/relatedIdentifiers/0/relatedIdentifier"},
    "datacite-example-project-v4.xml": {"/contributors/4/nameIdentifiers/0/nameIdentifier"},
    "datacite-example-relateditem1-v4.xml": {
        "/creators/0/affiliation/0/affiliationIdentifier", "/relatedIdentifiers/0/relatedIdentifier",
        "/relatedItems/0/relatedItemIdentifier/relatedItemIdentifier",
    },
    "datacite-example-relateditem3-v4.xml": {
        "/relatedIdentifiers/0/relatedIdentifier", "/relatedItems/0/relatedItemIdentifier/relatedItemIdentifier",
    },
}  # fmt: skip


@pytest.mark.parametrize("name", _names(EXAMPLES, "*.xml"))
def test_official_example_passes_strict_but_for_its_own_defects(
    repo: Repo, reference: Path, name: str
) -> None:
    record = xml_to_doi_file(EXAMPLES / name, url="https://data.example.org/records/1")
    desired, _ = _validate(repo, [record])
    promoted = {d.pointer for d in desired.diagnostics if d.severity is Severity.WARNING}
    assert promoted == EXAMPLE_DEFECTS.get(name, set())


def _schema_paths(schema: dict[str, Any], node: Any, path: str, out: set[str]) -> None:
    """Every property path the schema describes, arrays written as /*, e.g. /creators/*/name."""
    if not isinstance(node, dict):
        return
    if "$ref" in node:
        _schema_paths(schema, schema["$defs"][node["$ref"].rsplit("/", 1)[1]], path, out)
    for key, sub in node.get("properties", {}).items():
        out.add(f"{path}/{key}")
        _schema_paths(schema, sub, f"{path}/{key}", out)
    if "items" in node:
        _schema_paths(schema, node["items"], f"{path}/*", out)


def _value_paths(value: Any, path: str, out: set[str]) -> None:
    if isinstance(value, dict):
        for key, sub in value.items():
            out.add(f"{path}/{key}")
            _value_paths(sub, f"{path}/{key}", out)
    elif isinstance(value, list):
        for item in value:
            _value_paths(item, f"{path}/*", out)


def test_valid_files_together_use_every_property(reference: Path) -> None:
    """The official 4.7 examples and our example dois/ use every property and sub-property."""
    schema = load_schema("datacite-4.7")
    described: set[str] = set()
    _schema_paths(schema, schema, "", described)
    used: set[str] = set()
    for path in EXAMPLES.glob("*.xml"):
        _value_paths(xml_to_doi_file(path), "", used)
    yaml = YAML(typ="safe", pure=True)
    for path in (PROJECT / "dois").rglob("*.yaml"):
        _value_paths(yaml.load(path.read_text(encoding="utf-8")), "", used)
    # alternateIdentifiers is DataCite's older spelling of identifiers; DOI files refuse it.
    unused = {p for p in described - used if not p.startswith("/alternateIdentifiers")}
    assert unused == set()


# Each invalid input → the pointers that must carry an error (the README's reason for it).
INVALID_JSON: dict[str, set[str]] = {
    "real-world__10.21944_temis-ozone-msr2.json": {"/creators/0/nameIdentifiers/0/nameIdentifier"},
    "real-world__10.17182_hepdata.77274.v1.json": {"/relatedIdentifiers/1/relatedIdentifier"},
    "real-world__10.12763_ona1045.json": {"/contributors/2/contributorType"},
    "lupo/datacite_wrong_nameIdentifiers.json": {"/creators/1/nameIdentifiers", "/creators/0/type"},
    "lupo/nasa_error.json": {
        "/titles",
        "/contributors",
        "/dates",
        "/fundingReferences",
        "/rightsList",
        "/version",
    },
    "lupo/datacite-user-example.json": {"/publication_year", "/identifiers/0/identifier_type"},
    "lupo/spec-422__contributorType-Funder.json": {"/contributors/0/contributorType"},
    "lupo/spec-422__contributorType-empty.json": {"/contributors/0/contributorType"},
    "lupo/spec-422__contributorType-null.json": {"/contributors/0/contributorType"},
    "lupo/spec-422__contributorType-missing.json": {"/contributors/0/contributorType"},
    "lupo/spec-422__titles-as-string.json": {"/titles"},
    "lupo/spec-422__doi-unpermitted-plus.json": {"/creators", "/titles"},
    "lupo/spec-422__creators-only-no-other-metadata.json": {"/titles", "/publisher"},
    "lupo/spec-422__creators-null-on-publish.json": {"/creators"},
    "lupo/spec-422__publish-without-url.json": {"/url"},
    "caltechdata/invalid_metadata_1.json": {"/titles"},
    "caltechdata/invalid_metadata_2.json": {"/titles"},
    "caltechdata/invalid_metadata_3.json": {"/creators"},
    "caltechdata/invalid_metadata_4.json": {"/contributors/0/name", "/contributors/0/contributorType"},
    "caltechdata/invalid_metadata_5.json": {"/descriptions/0/descriptionType"},
    "caltechdata/invalid_metadata_6.json": {"/fundingReferences/0/funderName"},
    "caltechdata/invalid_metadata_7.json": {"/identifiers/0/identifierType"},
    "caltechdata/invalid_metadata_8.json": {"/dates/0/dateType"},
    "caltechdata/invalid_metadata_9.json": {"/publisher"},
    "caltechdata/invalid_metadata_10.json": {"/version"},
    "caltechdata/missing_creators.json": {"/creators"},
    "caltechdata/missing_publisher.json": {"/publisher"},
    "caltechdata/multiple_errors.json": {"/creators"},
    "caltechdata/type_error_creators.json": {"/creators"},
}
INVALID_XML_CONVERTED = {
    "lupo__datacite_malformed_creator.xml": {"/creators/0/name"},
    "lupo__datacite_malformed_creator_name_type.xml": {"/creators/0/nameType"},
    "lupo__datacite_missing_creator.xml": {"/creators"},
}
INVALID_XML_UNREADABLE = {
    "lupo__datacite_malformed.xml": "no element found",
    "lupo__datacite-example-relateditems.xml": "mismatched tag",
    "lupo__datacite_schema_2.2.xml": "Schema http://datacite.org/schema/kernel-2.2 is no longer supported",
    "lupo__datacite_schema_3.xml": "Schema http://datacite.org/schema/kernel-3 is no longer supported",
}
_EVENT_STATE = {"publish": "findable", "register": "registered", "hide": "registered"}


def invalid_input_as_doi_file(payload: dict[str, Any], n: int) -> dict[str, Any]:
    """A JSON:API payload or attributes object as the DOI file its author meant.

    The event becomes the desired state; what the envelope carries that a DOI file never does
    (`event`, `prefix`, `landingPage`, `id`) is dropped, so the errors left are the input's own.
    Attributes-only inputs (CaltechDATA's) are meant for publishing: state findable with a url.
    """
    attributes = dict(payload.get("data", {}).get("attributes", payload) if "data" in payload else payload)
    event = attributes.pop("event", None)
    for key in ("prefix", "landingPage", "id"):
        attributes.pop(key, None)
    if "doi" in attributes:
        state = (
            _EVENT_STATE.get(str(event), "draft")
            if "data" in payload
            else attributes.get("state", "findable")
        )
        attributes["doi"] = str(attributes["doi"]).lower()
    else:
        state = "findable"
        attributes.setdefault("url", f"https://data.example.org/records/{n}")
        attributes["doi"] = f"10.80000/{encode_suffix(n)}"
    return real_record_as_doi_file({**attributes, "state": state}, n)


# Inputs that break only rules DataCite's documentation states (the README's level "docs"): the
# XSD and the server accept them, and real records DataCite holds share the same defects, so by
# default these are warnings, and `--strict` makes them errors.
DOCS_LEVEL = {"real-world__10.21944_temis-ozone-msr2.json", "real-world__10.17182_hepdata.77274.v1.json"}


@pytest.mark.parametrize(("name", "pointers"), sorted(INVALID_JSON.items()), ids=sorted(INVALID_JSON))
def test_invalid_json_input_is_rejected_with_file_and_line(
    repo: Repo, reference: Path, name: str, pointers: set[str]
) -> None:
    payload = json.loads((INVALID / name).read_text(encoding="utf-8"))
    desired, paths = _validate(repo, [invalid_input_as_doi_file(payload, 7)])
    flagged = [d for d in desired.diagnostics if d.severity is not Severity.INFO and d.pointer in pointers]
    assert {d.path for d in flagged} == set(paths)
    assert all(d.line >= 1 for d in flagged)
    assert pointers == {d.pointer for d in flagged}, [
        f"{d.line}: {d.pointer}: {d.message}" for d in desired.diagnostics
    ]
    expected = Severity.WARNING if name in DOCS_LEVEL else Severity.ERROR
    assert {d.severity for d in flagged} == {expected}
    assert (desired.records == ()) is (name not in DOCS_LEVEL)


@pytest.mark.parametrize(
    ("name", "pointers"), sorted(INVALID_XML_CONVERTED.items()), ids=sorted(INVALID_XML_CONVERTED)
)
def test_invalid_xml_is_rejected_with_file_and_line(
    repo: Repo, reference: Path, name: str, pointers: set[str]
) -> None:
    record = xml_to_doi_file(INVALID / "xml" / name)
    desired, paths = _validate(repo, [record])
    errors = [d for d in desired.diagnostics if d.severity is Severity.ERROR]
    assert {d.path for d in errors} == set(paths)
    assert pointers <= {d.pointer for d in errors}


@pytest.mark.parametrize(
    ("name", "message"), sorted(INVALID_XML_UNREADABLE.items()), ids=sorted(INVALID_XML_UNREADABLE)
)
def test_unreadable_xml_is_rejected_with_file_and_line(reference: Path, name: str, message: str) -> None:
    with pytest.raises(XmlConversionError) as caught:
        xml_to_doi_file(INVALID / "xml" / name)
    assert caught.value.line >= 1
    assert message in caught.value.message
    assert str(caught.value).startswith(f"{INVALID / 'xml' / name}:{caught.value.line}:")


def test_every_invalid_input_is_covered(reference: Path) -> None:
    listed = {f"xml/{n}" for n in {**INVALID_XML_CONVERTED, **INVALID_XML_UNREADABLE}} | set(INVALID_JSON)
    present = {p.relative_to(INVALID).as_posix() for p in INVALID.rglob("*") if p.suffix in {".json", ".xml"}}
    assert listed == present
