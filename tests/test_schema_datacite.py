"""schemas/datacite-4.7.schema.json on its own, with plain jsonschema (no doiac translation).

- it is a valid Draft 2020-12 schema with the shape the validator relies on;
- every controlled list equals the enumeration of the 4.7 XSD include file;
- every real record DataCite returned (../shared/reference/real-records) validates without error;
- each broken rule produces exactly the expected (JSON pointer, keyword) pairs.

Rules only DataCite's documentation states (DataCite accepts the record) are reported by jsonschema
like any other; the schema marks them `x-doiac-severity: {keyword: warning}` and doiac shows them as
warnings. "Without error" below means: no violation of error severity.
"""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

PROJECT = Path(__file__).resolve().parents[1]
SHARED = PROJECT.parent / "shared"
REFERENCE = SHARED / "reference"
XSD_INCLUDE = REFERENCE / "datacite-schema" / "kernel-4.7" / "include"
REAL_RECORDS = REFERENCE / "real-records"
SCHEMA: dict[str, Any] = json.loads(
    (PROJECT / "schemas" / "datacite-4.7.schema.json").read_text(encoding="utf-8")
)
VALIDATOR = Draft202012Validator(SCHEMA)
XS = "{http://www.w3.org/2001/XMLSchema}"

ATTRIBUTES = {
    "creators", "titles", "publisher", "publicationYear", "types", "subjects", "contributors", "dates",
    "language", "identifiers", "alternateIdentifiers", "relatedIdentifiers", "relatedItems", "sizes",
    "formats", "version", "rightsList", "descriptions", "geoLocations", "fundingReferences", "contentUrl",
}  # fmt: skip


def reference(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"reference data not found at {path} (../shared is absent in a user's own clone)")
    return path


def pointer(error: ValidationError) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in error.absolute_path)


def severity(error: ValidationError) -> str:
    schema = error.schema if isinstance(error.schema, dict) else {}
    return str(schema.get("x-doiac-severity", {}).get(error.validator, "error"))


def violations(instance: Any) -> set[tuple[str, str]]:
    return {(pointer(e), str(e.validator)) for e in VALIDATOR.iter_errors(instance)}


def walk(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every subschema with its JSON pointer inside the schema document."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{path}/{index}")


# -- the schema itself --------------------------------------------------------------------------


def test_schema_is_valid_draft_2020_12() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "$id" not in SCHEMA
    Draft202012Validator.check_schema(SCHEMA)


def test_root_lists_every_attribute_and_leaves_the_rest_to_doi_schema() -> None:
    assert SCHEMA["type"] == "object"
    assert set(SCHEMA["properties"]) == ATTRIBUTES
    # doi.schema.json extends this one with unevaluatedProperties and per-state requirements.
    assert not {"additionalProperties", "unevaluatedProperties", "required"} & set(SCHEMA)
    assert all(prop.get("description") for prop in SCHEMA["properties"].values())


def test_definitions_live_in_defs() -> None:
    names = {
        "creator", "contributor", "affiliation", "nameIdentifier", "title", "publisher", "types", "subject",
        "date", "identifier", "relatedIdentifier", "rights", "description", "geoLocation", "point", "box",
        "polygon", "fundingReference", "relatedItem", "resourceTypeGeneral", "relationType",
        "relatedIdentifierType", "contributorType", "dateType", "descriptionType", "titleType", "nameType",
        "funderIdentifierType", "numberType",
    }  # fmt: skip
    assert names <= set(SCHEMA["$defs"])
    scalars = {"publicationYear", "language", "version", "sizes", "formats", "contentUrl"}
    for name, prop in SCHEMA["properties"].items():
        if name not in scalars:
            assert prop.get("items", prop)["$ref"].startswith("#/$defs/"), name


def test_shape_keywords_the_validator_relies_on() -> None:
    for path, node in walk(SCHEMA):
        # oneOf/anyOf give unreadable errors; formats are checked by doiac's rules.
        assert not {"oneOf", "anyOf", "format"} & set(node), path
        if "properties" in node and path:
            assert node.get("additionalProperties") is False, path


# -- controlled lists ---------------------------------------------------------------------------


def xsd_values(name: str) -> list[str]:
    path = reference(XSD_INCLUDE / f"datacite-{name}-v4.xsd")
    return [str(e.get("value")) for e in ET.parse(path).getroot().iter(f"{XS}enumeration")]


# Where each enum sits in the schema → (XSD include file, size in 4.7, optional value: null allowed).
ENUMS: dict[str, tuple[str, int, bool]] = {
    "/$defs/resourceTypeGeneral": ("resourceType", 34, False),
    "/$defs/relationType": ("relationType", 39, False),
    "/$defs/relatedIdentifierType": ("relatedIdentifierType", 23, False),
    "/$defs/contributorType": ("contributorType", 22, False),
    "/$defs/dateType": ("dateType", 12, False),
    "/$defs/descriptionType": ("descriptionType", 6, False),
    "/$defs/titleType": ("titleType", 4, False),
    "/$defs/nameType": ("nameType", 2, False),
    "/$defs/funderIdentifierType": ("funderIdentifierType", 5, False),
    "/$defs/numberType": ("numberType", 4, False),
    "/$defs/creator/properties/nameType": ("nameType", 2, True),
    "/$defs/contributor/properties/nameType": ("nameType", 2, True),
    "/$defs/relatedItemCreator/properties/nameType": ("nameType", 2, True),
    "/$defs/relatedItemContributor/properties/nameType": ("nameType", 2, True),
    "/$defs/title/properties/titleType": ("titleType", 4, True),
    "/$defs/relatedItemTitle/properties/titleType": ("titleType", 4, True),
    "/$defs/relatedIdentifier/properties/resourceTypeGeneral": ("resourceType", 34, True),
    "/$defs/relatedItemIdentifier/properties/relatedItemIdentifierType": ("relatedIdentifierType", 23, True),
    "/$defs/fundingReference/properties/funderIdentifierType": ("funderIdentifierType", 5, True),
    "/$defs/relatedItem/properties/numberType": ("numberType", 4, True),
}


def test_every_enum_is_in_the_table() -> None:
    assert {path for path, node in walk(SCHEMA) if "enum" in node} == set(ENUMS)


@pytest.mark.parametrize(
    ("path", "xsd", "size", "nullable"), [(k, *v) for k, v in ENUMS.items()], ids=list(ENUMS)
)
def test_enum_equals_the_xsd_list(path: str, xsd: str, size: int, nullable: bool) -> None:
    node: Any = SCHEMA
    for part in path.strip("/").split("/"):
        node = node[part]
    values = node["enum"]
    expected = xsd_values(xsd)
    assert len(expected) == size  # the 4.7 list, e.g. with Poster, RAiD, Other, Translator, Coverage
    assert len(values) == len(set(values))
    assert {v for v in values if v is not None} == set(expected)
    assert (None in values) is nullable


def test_retired_and_new_values() -> None:
    defs = SCHEMA["$defs"]
    assert {"Poster", "Presentation", "Award", "Project", "Instrument", "StudyRegistration"} <= set(
        defs["resourceTypeGeneral"]["enum"]
    )
    assert {"Other", "IsTranslationOf", "HasTranslation", "Collects", "IsCollectedBy"} <= set(
        defs["relationType"]["enum"]
    )
    assert {"RAiD", "SWHID", "CSTR", "RRID"} <= set(defs["relatedIdentifierType"]["enum"])
    assert "Translator" in defs["contributorType"]["enum"]
    assert "Funder" not in defs["contributorType"]["enum"]
    assert "Coverage" in defs["dateType"]["enum"]


# -- real records -------------------------------------------------------------------------------


def as_attributes(record: dict[str, Any]) -> dict[str, Any]:
    """A record as the API returned it → what a client would send: metadata attributes only
    (no doi, state, created, xml, container…), affiliation strings as {name: …} objects."""
    attributes = {k: copy.deepcopy(v) for k, v in record.items() if k in SCHEMA["properties"]}
    for key in ("creators", "contributors"):
        for person in attributes.get(key) or []:
            if isinstance(person, dict) and isinstance(person.get("affiliation"), list):
                person["affiliation"] = [
                    {"name": a} if isinstance(a, str) else a for a in person["affiliation"]
                ]
    return attributes


def real_record_names() -> list[str]:
    return sorted(p.name for p in REAL_RECORDS.glob("*.json")) if REAL_RECORDS.is_dir() else []


# Real records that break rules only DataCite's documentation states: warnings, not errors.
DOCUMENTATION_ONLY: dict[str, set[tuple[str, str]]] = {
    # DataCite's own test record of the full 4.7 example: ORCID schemes without an identifier value,
    # and one nameIdentifier whose scheme and schemeUri are empty strings.
    "Dataset__10.82433_b09z-4k37__testapi-2024-01.json": {
        *((f"/contributors/{i}/nameIdentifiers/0", "required") for i in (0, 1, 2, 3, 5, 7, 8, 9, 10)),
        *((f"/contributors/{i}/nameIdentifiers/0", "required") for i in (12, 13, 14, 16, 18, 20)),
        ("/contributors/12/nameIdentifiers/0/nameIdentifierScheme", "minLength"),
    },
    # An Abstract with descriptionType but no description text.
    "JournalArticle__10.2312_geowissenschaften.1989.7.181.json": {("/descriptions/0", "required")},
}


def test_there_are_68_real_records() -> None:
    reference(REAL_RECORDS)
    names = real_record_names()
    assert len(names) == 68
    assert sum(name.startswith("caltechdata-submission__") for name in names) == 4
    assert set(DOCUMENTATION_ONLY) <= set(names)


@pytest.mark.parametrize("name", real_record_names())
def test_real_record_validates_without_error(name: str) -> None:
    record = json.loads((REAL_RECORDS / name).read_text(encoding="utf-8"))
    errors = list(VALIDATOR.iter_errors(as_attributes(record)))
    assert [(pointer(e), e.message) for e in errors if severity(e) == "error"] == []
    warnings = {(pointer(e), str(e.validator)) for e in errors if severity(e) == "warning"}
    assert warnings == DOCUMENTATION_ONLY.get(name, set())


def test_as_attributes_drops_server_keys_and_wraps_affiliation_strings() -> None:
    record = {
        "doi": "10.80000/x",
        "state": "findable",
        "xml": "PD94",
        "container": {},
        "creators": [{"name": "A", "affiliation": ["Univ", {"name": "Lab"}]}],
    }
    assert as_attributes(record) == {
        "creators": [{"name": "A", "affiliation": [{"name": "Univ"}, {"name": "Lab"}]}]
    }


# -- valid inputs -------------------------------------------------------------------------------


def polygon(*points: tuple[float | str, float | str], inside: tuple[float, float] | None = None) -> list[Any]:
    entries: list[Any] = [{"polygonPoint": {"pointLongitude": x, "pointLatitude": y}} for x, y in points]
    if inside is not None:
        entries.append({"inPolygonPoint": {"pointLongitude": inside[0], "pointLatitude": inside[1]}})
    return entries


SQUARE = ((1, 1), (2, 1), (2, 2), (1, 1))

FULL: dict[str, Any] = {
    "creators": [
        {
            "name": "Doe, Jane",
            "nameType": "Personal",
            "givenName": "Jane",
            "familyName": "Doe",
            "lang": None,
            "nameIdentifiers": [
                {
                    "nameIdentifier": "https://orcid.org/0000-0002-1825-0097",
                    "nameIdentifierScheme": "ORCID",
                    "schemeUri": "https://orcid.org",
                }
            ],
            "affiliation": [
                {
                    "name": "Example University",
                    "affiliationIdentifier": "https://ror.org/04wxnsj81",
                    "affiliationIdentifierScheme": "ROR",
                    "schemeUri": "https://ror.org",
                }
            ],
        }
    ],
    "titles": [
        {"title": "Sensor readings 2024"},
        {"title": "Messwerte", "titleType": "TranslatedTitle", "lang": "de"},
    ],
    "publisher": {
        "name": "Example Repository",
        "publisherIdentifier": "https://ror.org/04z8jg394",
        "publisherIdentifierScheme": "ROR",
        "schemeUri": "https://ror.org/",
        "lang": "en",
    },
    "publicationYear": 2024,
    "types": {"resourceTypeGeneral": "Poster", "resourceType": "", "schemaOrg": "Poster", "citeproc": None},
    "subjects": [
        {"subject": "Limnology", "subjectScheme": None, "classificationCode": "1.5", "valueUri": None}
    ],
    "contributors": [
        {"name": "Roe, Ann", "contributorType": "Translator", "affiliation": [], "nameIdentifiers": []}
    ],
    "dates": [{"date": "2024-01/2024-03", "dateType": "Coverage", "dateInformation": None}],
    "language": "en",
    "identifiers": [{"identifier": "abc-123", "identifierType": "Local accession number"}],
    "alternateIdentifiers": [{"alternateIdentifier": "abc-123", "alternateIdentifierType": "Local"}],
    "relatedIdentifiers": [
        {
            "relatedIdentifier": "https://raid.org/10.26259/5c43ca8f",
            "relatedIdentifierType": "RAiD",
            "relationType": "Other",
            "relationTypeInformation": "was presented at",
            "resourceTypeGeneral": "Event",
        },
        {
            "relatedIdentifier": "https://example.org/ddi.xml",
            "relatedIdentifierType": "URL",
            "relationType": "HasMetadata",
            "relatedMetadataScheme": "DDI-L",
            "schemeUri": "https://ddialliance.org/",
            "schemeType": "XSD",
            "resourceTypeGeneral": None,
        },
    ],
    "relatedItems": [
        {
            "relationType": "IsPublishedIn",
            "relatedItemType": "Journal",
            "relationTypeInformation": None,
            "relatedItemIdentifier": {
                "relatedItemIdentifier": "3034-834X",
                "relatedItemIdentifierType": "ISSN",
                "relatedMetadataScheme": None,
                "schemeURI": None,
                "schemeType": None,
            },
            "creators": [
                {"name": "Smith, John", "nameType": "Personal", "givenName": "John", "familyName": "Smith"}
            ],
            "titles": [{"title": "Journal of Examples", "titleType": None}],
            "publicationYear": "2018",
            "volume": "776",
            "issue": "1",
            "number": "1",
            "numberType": "Chapter",
            "firstPage": "50",
            "lastPage": "60",
            "publisher": "Example Press",
            "edition": "1",
            "contributors": [{"name": "Richard, Hallett", "contributorType": "Editor", "nameType": None}],
        }
    ],
    "sizes": ["15 pages"],
    "formats": ["application/pdf"],
    "version": "1.0",
    "rightsList": [{"rightsIdentifier": "cc-by-4.0"}, {"rights": "All rights reserved", "lang": "en"}],
    "descriptions": [{"description": "About it", "descriptionType": "Abstract", "lang": None}],
    "geoLocations": [
        {
            "geoLocationPlace": "Vancouver",
            "geoLocationPoint": {"pointLongitude": "-123.1207", "pointLatitude": "49.2827"},
            "geoLocationBox": {
                "westBoundLongitude": -123.27,
                "eastBoundLongitude": "-123.02",
                "southBoundLatitude": 49.195,
                "northBoundLatitude": "+49.315",
            },
            "geoLocationPolygon": polygon(*SQUARE, inside=(1.5, 1.5)),
        },
        {
            "geoLocationPoint": None,
            "geoLocationBox": None,
            "geoLocationPolygon": None,
            "geoLocationPlace": None,
        },
    ],
    "fundingReferences": [
        {
            "funderName": "European Commission",
            "funderIdentifier": "https://doi.org/10.13039/501100000780",
            "funderIdentifierType": "Crossref Funder ID",
            "schemeUri": None,
            "awardNumber": "654321",
            "awardUri": "https://cordis.europa.eu/project/id/654321",
            "awardTitle": "An award",
        }
    ],
    "contentUrl": ["https://data.example.org/files/1.csv"],
}

VALID: list[tuple[str, dict[str, Any]]] = [
    ("full", FULL),
    ("empty", {}),
    ("other-root-keys-are-left-to-doi-schema", {"doi": "10.80000/x", "state": "draft", "titel": 1}),
    ("top-level-lists-null", dict.fromkeys(ATTRIBUTES - {"publisher", "publicationYear", "types"})),
    ("top-level-lists-empty", {key: [] for key in ATTRIBUTES - {"publisher", "publicationYear", "types", "version", "language"}}),
    ("publisher-string", {"publisher": "Example Repository"}),
    ("publicationYear-string", {"publicationYear": "2024"}),
    ("nulls-from-the-api", {"titles": [{"title": "T", "titleType": None, "lang": None}], "creators": [{"name": "A", "nameType": None, "affiliation": [{"name": "U", "affiliationIdentifier": None}]}]}),
    ("rights-identifier-only", {"rightsList": [{"rightsIdentifier": "CC0-1.0"}]}),
    ("polygon-inside-point-anywhere", {"geoLocations": [{"geoLocationPolygon": [polygon(*SQUARE, inside=(1.5, 1.5))[-1], *polygon(*SQUARE)]}]}),
    ("polygon-many-points", {"geoLocations": [{"geoLocationPolygon": polygon((0, 0), (1, 0), (1, 1), (0, 1), (0, 0))}]}),
    ("coordinates-at-the-limits", {"geoLocations": [{"geoLocationPoint": {"pointLongitude": "-180", "pointLatitude": 90}}]}),
    ("relatedItem-minimal", {"relatedItems": [{"relationType": "Cites", "relatedItemType": "Text", "publicationYear": None, "relatedItemIdentifier": None}]}),
    ("relatedItem-year-integer", {"relatedItems": [{"relationType": "IsPublishedIn", "relatedItemType": "Book", "publicationYear": 1990}]}),
    ("relatedItemIdentifier-without-type", {"relatedItems": [{"relationType": "IsPublishedIn", "relatedItemType": "Book", "relatedItemIdentifier": {"relatedItemIdentifier": "x"}}]}),
    ("version-and-language-null", {"version": None, "language": None, "contentUrl": None}),
]  # fmt: skip


@pytest.mark.parametrize("instance", [v for _, v in VALID], ids=[k for k, _ in VALID])
def test_valid(instance: dict[str, Any]) -> None:
    assert violations(instance) == set()


# -- invalid inputs: one broken rule each -------------------------------------------------------

CREATOR = {"name": "Doe, Jane"}
RELATED = {"relatedIdentifier": "10.1234/abc", "relatedIdentifierType": "DOI", "relationType": "Cites"}
ITEM = {"relationType": "IsPublishedIn", "relatedItemType": "Journal"}
POINT = {"pointLongitude": 1, "pointLatitude": 2}
BOX = {"westBoundLongitude": 1, "eastBoundLongitude": 2, "southBoundLatitude": 3, "northBoundLatitude": 4}
POLYGON = "/geoLocations/0/geoLocationPolygon"


def geo(**location: Any) -> dict[str, Any]:
    return {"geoLocations": [location]}


INVALID: list[tuple[str, dict[str, Any], set[tuple[str, str]]]] = [
    # controlled lists
    ("enum-resourceTypeGeneral", {"types": {"resourceTypeGeneral": "dataset"}}, {("/types/resourceTypeGeneral", "enum")}),
    ("enum-relationType", {"relatedIdentifiers": [{**RELATED, "relationType": "Cite"}]}, {("/relatedIdentifiers/0/relationType", "enum")}),
    ("enum-relatedIdentifierType", {"relatedIdentifiers": [{**RELATED, "relatedIdentifierType": "doi"}]}, {("/relatedIdentifiers/0/relatedIdentifierType", "enum")}),
    ("enum-relatedIdentifier-resourceTypeGeneral", {"relatedIdentifiers": [{**RELATED, "resourceTypeGeneral": "Article"}]}, {("/relatedIdentifiers/0/resourceTypeGeneral", "enum")}),
    ("enum-contributorType-Funder", {"contributors": [{"name": "EC", "contributorType": "Funder"}]}, {("/contributors/0/contributorType", "enum")}),
    ("enum-contributorType-null", {"contributors": [{"name": "EC", "contributorType": None}]}, {("/contributors/0/contributorType", "enum")}),
    ("enum-dateType", {"dates": [{"date": "2024", "dateType": "Published"}]}, {("/dates/0/dateType", "enum")}),
    ("enum-dateType-null", {"dates": [{"date": "2024", "dateType": None}]}, {("/dates/0/dateType", "enum")}),
    ("enum-descriptionType", {"descriptions": [{"description": "x", "descriptionType": "Summary"}]}, {("/descriptions/0/descriptionType", "enum")}),
    ("enum-titleType", {"titles": [{"title": "T", "titleType": "Subtitel"}]}, {("/titles/0/titleType", "enum")}),
    ("enum-nameType", {"creators": [{**CREATOR, "nameType": "personal"}]}, {("/creators/0/nameType", "enum")}),
    ("enum-contributor-nameType", {"contributors": [{"name": "A", "contributorType": "Editor", "nameType": "Person"}]}, {("/contributors/0/nameType", "enum")}),
    ("enum-funderIdentifierType", {"fundingReferences": [{"funderName": "EC", "funderIdentifierType": "Crossref"}]}, {("/fundingReferences/0/funderIdentifierType", "enum")}),
    ("enum-numberType", {"relatedItems": [{**ITEM, "numberType": "Part"}]}, {("/relatedItems/0/numberType", "enum")}),
    ("enum-relatedItemType", {"relatedItems": [{**ITEM, "relatedItemType": "Magazine"}]}, {("/relatedItems/0/relatedItemType", "enum")}),
    ("enum-relatedItem-relationType", {"relatedItems": [{**ITEM, "relationType": "PublishedIn"}]}, {("/relatedItems/0/relationType", "enum")}),
    ("enum-relatedItemIdentifierType", {"relatedItems": [{**ITEM, "relatedItemIdentifier": {"relatedItemIdentifier": "x", "relatedItemIdentifierType": "issn"}}]}, {("/relatedItems/0/relatedItemIdentifier/relatedItemIdentifierType", "enum")}),
    ("enum-relatedItem-contributorType", {"relatedItems": [{**ITEM, "contributors": [{"name": "A", "contributorType": "Author"}]}]}, {("/relatedItems/0/contributors/0/contributorType", "enum")}),
    ("enum-relatedItem-titleType", {"relatedItems": [{**ITEM, "titles": [{"title": "J", "titleType": "Main"}]}]}, {("/relatedItems/0/titles/0/titleType", "enum")}),
    # required sub-properties
    ("required-creator-name", {"creators": [{"givenName": "Jane", "familyName": "Doe"}]}, {("/creators/0", "required")}),
    ("required-contributor-name", {"contributors": [{"contributorType": "Editor"}]}, {("/contributors/0", "required")}),
    ("required-contributorType", {"contributors": [{"name": "Roe, Ann"}]}, {("/contributors/0", "required")}),
    ("required-title", {"titles": [{"titleType": "Subtitle"}]}, {("/titles/0", "required")}),
    ("required-date", {"dates": [{"dateType": "Issued"}]}, {("/dates/0", "required")}),
    ("required-dateType", {"dates": [{"date": "2024"}]}, {("/dates/0", "required")}),
    ("required-description", {"descriptions": [{"descriptionType": "Abstract"}]}, {("/descriptions/0", "required")}),
    ("required-descriptionType", {"descriptions": [{"description": "About it"}]}, {("/descriptions/0", "required")}),
    ("required-identifier", {"identifiers": [{"identifierType": "Local"}]}, {("/identifiers/0", "required")}),
    ("required-identifierType", {"identifiers": [{"identifier": "abc-123"}]}, {("/identifiers/0", "required")}),
    ("required-relatedIdentifier", {"relatedIdentifiers": [{"relatedIdentifierType": "DOI", "relationType": "Cites"}]}, {("/relatedIdentifiers/0", "required")}),
    ("required-relatedIdentifierType", {"relatedIdentifiers": [{"relatedIdentifier": "10.1234/abc", "relationType": "Cites"}]}, {("/relatedIdentifiers/0", "required")}),
    ("required-relationType", {"relatedIdentifiers": [{"relatedIdentifier": "10.1234/abc", "relatedIdentifierType": "DOI"}]}, {("/relatedIdentifiers/0", "required")}),
    ("required-relatedItemType", {"relatedItems": [{"relationType": "IsPublishedIn"}]}, {("/relatedItems/0", "required")}),
    ("required-relatedItem-relationType", {"relatedItems": [{"relatedItemType": "Journal"}]}, {("/relatedItems/0", "required")}),
    ("required-relatedItemIdentifier", {"relatedItems": [{**ITEM, "relatedItemIdentifier": {"relatedItemIdentifierType": "ISSN"}}]}, {("/relatedItems/0/relatedItemIdentifier", "required")}),
    ("required-relatedItem-creator-name", {"relatedItems": [{**ITEM, "creators": [{"familyName": "Smith"}]}]}, {("/relatedItems/0/creators/0", "required")}),
    ("required-relatedItem-contributorType", {"relatedItems": [{**ITEM, "contributors": [{"name": "Smith, J"}]}]}, {("/relatedItems/0/contributors/0", "required")}),
    ("required-relatedItem-title", {"relatedItems": [{**ITEM, "titles": [{"titleType": "Subtitle"}]}]}, {("/relatedItems/0/titles/0", "required")}),
    ("required-funderName", {"fundingReferences": [{"awardNumber": "42"}]}, {("/fundingReferences/0", "required")}),
    ("required-nameIdentifier", {"creators": [{**CREATOR, "nameIdentifiers": [{"nameIdentifierScheme": "ORCID"}]}]}, {("/creators/0/nameIdentifiers/0", "required")}),
    ("required-nameIdentifierScheme", {"creators": [{**CREATOR, "nameIdentifiers": [{"nameIdentifier": "https://orcid.org/0000-0002-1825-0097"}]}]}, {("/creators/0/nameIdentifiers/0", "required")}),
    ("required-subject", {"subjects": [{"subjectScheme": "FOS"}]}, {("/subjects/0", "required")}),
    ("required-publisher-name", {"publisher": {"publisherIdentifier": "https://ror.org/04z8jg394"}}, {("/publisher", "required")}),
    ("required-resourceTypeGeneral", {"types": {"resourceType": "Data"}}, {("/types", "required")}),
    ("required-rights-something", {"rightsList": [{}]}, {("/rightsList/0", "minProperties")}),
    ("required-affiliation-something", {"creators": [{**CREATOR, "affiliation": [{}]}]}, {("/creators/0/affiliation/0", "minProperties")}),
    ("required-box-side", geo(geoLocationBox={k: v for k, v in BOX.items() if k != "northBoundLatitude"}), {("/geoLocations/0/geoLocationBox", "required")}),
    ("required-point-latitude", geo(geoLocationPoint={"pointLongitude": 1}), {("/geoLocations/0/geoLocationPoint", "required")}),
    ("required-polygonPoint-longitude", geo(geoLocationPolygon=[{"polygonPoint": {"pointLatitude": 1}}, *polygon(*SQUARE)]), {(f"{POLYGON}/0/polygonPoint", "required")}),
    # polygons
    ("polygon-3-points", geo(geoLocationPolygon=polygon(*SQUARE[1:])), {(POLYGON, "minContains")}),
    ("polygon-3-points-and-inside", geo(geoLocationPolygon=polygon(*SQUARE[1:], inside=(1.5, 1.5))), {(POLYGON, "minContains")}),
    ("polygon-only-inside", geo(geoLocationPolygon=polygon(inside=(1.5, 1.5))), {(POLYGON, "contains")}),
    ("polygon-empty", geo(geoLocationPolygon=[]), {(POLYGON, "contains")}),
    ("polygon-two-inside-points", geo(geoLocationPolygon=[*polygon(*SQUARE, inside=(1.5, 1.5)), {"inPolygonPoint": POINT}]), {(POLYGON, "maxContains")}),
    ("polygon-entry-with-both", geo(geoLocationPolygon=[*polygon(*SQUARE), {"polygonPoint": POINT, "inPolygonPoint": POINT}]), {(f"{POLYGON}/4", "maxProperties")}),
    ("polygon-entry-empty", geo(geoLocationPolygon=[*polygon(*SQUARE), {}]), {(f"{POLYGON}/4", "minProperties")}),
    ("polygon-as-object", geo(geoLocationPolygon={"polygonPoint": POINT}), {(POLYGON, "type")}),
    ("polygon-of-polygons", geo(geoLocationPolygon=[polygon(*SQUARE)] * 4), {(POLYGON, "contains")} | {(f"{POLYGON}/{i}", "type") for i in range(4)}),
    ("polygon-point-null", geo(geoLocationPolygon=[*polygon(*SQUARE), {"polygonPoint": None}]), {(f"{POLYGON}/4/polygonPoint", "type")}),
    # coordinates
    ("latitude-91", geo(geoLocationPoint={"pointLongitude": 10, "pointLatitude": 91}), {("/geoLocations/0/geoLocationPoint/pointLatitude", "maximum")}),
    ("longitude-minus-181", geo(geoLocationBox={**BOX, "westBoundLongitude": -181}), {("/geoLocations/0/geoLocationBox/westBoundLongitude", "minimum")}),
    ("latitude-text", geo(geoLocationPoint={"pointLongitude": 1, "pointLatitude": "north"}), {("/geoLocations/0/geoLocationPoint/pointLatitude", "pattern")}),
    ("longitude-exponent", geo(geoLocationPoint={"pointLongitude": "1e5", "pointLatitude": 1}), {("/geoLocations/0/geoLocationPoint/pointLongitude", "pattern")}),
    ("latitude-boolean", geo(geoLocationPoint={"pointLongitude": 1, "pointLatitude": True}), {("/geoLocations/0/geoLocationPoint/pointLatitude", "type")}),
    ("latitude-null", geo(geoLocationPoint={"pointLongitude": 1, "pointLatitude": None}), {("/geoLocations/0/geoLocationPoint/pointLatitude", "type")}),
    ("point-as-list", geo(geoLocationPoint=[1, 2]), {("/geoLocations/0/geoLocationPoint", "type")}),
    # years and versions
    ("publicationYear-24", {"publicationYear": 24}, {("/publicationYear", "minimum")}),
    ("publicationYear-5-digits", {"publicationYear": 20245}, {("/publicationYear", "maximum")}),
    ("publicationYear-string-24", {"publicationYear": "24"}, {("/publicationYear", "pattern")}),
    ("publicationYear-text", {"publicationYear": "MMXXIV"}, {("/publicationYear", "pattern")}),
    ("publicationYear-fraction", {"publicationYear": 2024.5}, {("/publicationYear", "type")}),
    ("publicationYear-null", {"publicationYear": None}, {("/publicationYear", "type")}),
    ("relatedItem-publicationYear-short", {"relatedItems": [{**ITEM, "publicationYear": "99"}]}, {("/relatedItems/0/publicationYear", "pattern")}),
    ("version-integer", {"version": 1}, {("/version", "type")}),
    ("version-number", {"version": 1.1}, {("/version", "type")}),
    # shapes
    ("affiliation-string", {"creators": [{**CREATOR, "affiliation": ["Example University"]}]}, {("/creators/0/affiliation/0", "type")}),
    ("contributor-affiliation-string", {"contributors": [{"name": "A", "contributorType": "Editor", "affiliation": ["U"]}]}, {("/contributors/0/affiliation/0", "type")}),
    ("titles-string", {"titles": "Sensor readings"}, {("/titles", "type")}),
    ("title-item-string", {"titles": ["Sensor readings"]}, {("/titles/0", "type")}),
    ("creator-item-string", {"creators": ["Doe, Jane"]}, {("/creators/0", "type")}),
    ("creators-mapping", {"creators": CREATOR}, {("/creators", "type")}),
    ("subject-item-string", {"subjects": ["Limnology"]}, {("/subjects/0", "type")}),
    ("nameIdentifiers-mapping", {"creators": [{**CREATOR, "nameIdentifiers": {"nameIdentifier": "x", "nameIdentifierScheme": "ORCID"}}]}, {("/creators/0/nameIdentifiers", "type")}),
    ("publisher-null", {"publisher": None}, {("/publisher", "type")}),
    ("publisher-list", {"publisher": ["Example Repository"]}, {("/publisher", "type")}),
    ("types-list", {"types": ["Dataset"]}, {("/types", "type")}),
    ("resourceType-number", {"types": {"resourceTypeGeneral": "Dataset", "resourceType": 5}}, {("/types/resourceType", "type")}),
    ("sizes-number", {"sizes": [12]}, {("/sizes/0", "type")}),
    ("formats-string", {"formats": "pdf"}, {("/formats", "type")}),
    ("contentUrl-string", {"contentUrl": "https://data.example.org/1.csv"}, {("/contentUrl", "type")}),
    ("language-list", {"language": ["en"]}, {("/language", "type")}),
    ("relatedItem-publisher-object", {"relatedItems": [{**ITEM, "publisher": {"name": "P"}}]}, {("/relatedItems/0/publisher", "type")}),
    # empty strings
    ("empty-publisher", {"publisher": ""}, {("/publisher", "minLength")}),
    ("empty-publisher-name", {"publisher": {"name": ""}}, {("/publisher/name", "minLength")}),
    ("empty-contributor-name", {"contributors": [{"name": "", "contributorType": "Editor"}]}, {("/contributors/0/name", "minLength")}),
    ("empty-funderName", {"fundingReferences": [{"funderName": ""}]}, {("/fundingReferences/0/funderName", "minLength")}),
    ("empty-title", {"titles": [{"title": ""}]}, {("/titles/0/title", "minLength")}),
    ("empty-creator-name", {"creators": [{"name": ""}]}, {("/creators/0/name", "minLength")}),
    ("empty-nameIdentifier", {"creators": [{**CREATOR, "nameIdentifiers": [{"nameIdentifier": "", "nameIdentifierScheme": "ORCID"}]}]}, {("/creators/0/nameIdentifiers/0/nameIdentifier", "minLength")}),
    ("empty-relatedIdentifier", {"relatedIdentifiers": [{**RELATED, "relatedIdentifier": ""}]}, {("/relatedIdentifiers/0/relatedIdentifier", "minLength")}),
    ("empty-identifier", {"identifiers": [{"identifier": "", "identifierType": "Local"}]}, {("/identifiers/0/identifier", "minLength")}),
    ("empty-date", {"dates": [{"date": "", "dateType": "Issued"}]}, {("/dates/0/date", "minLength")}),
    # unknown nested keys (DataCite drops them silently)
    ("unknown-creator-key", {"creators": [{**CREATOR, "orcid": "0000-0002-1825-0097"}]}, {("/creators/0", "additionalProperties")}),
    ("relatedItemIdentifier-schemeUri", {"relatedItems": [{**ITEM, "relatedItemIdentifier": {"relatedItemIdentifier": "x", "schemeUri": "https://example.org"}}]}, {("/relatedItems/0/relatedItemIdentifier", "additionalProperties")}),
    ("relatedIdentifier-schemeURI", {"relatedIdentifiers": [{**RELATED, "schemeURI": "https://example.org"}]}, {("/relatedIdentifiers/0", "additionalProperties")}),
    ("relatedItem-title-lang", {"relatedItems": [{**ITEM, "titles": [{"title": "J", "lang": "en"}]}]}, {("/relatedItems/0/titles/0", "additionalProperties")}),
    ("relatedItem-creator-affiliation", {"relatedItems": [{**ITEM, "creators": [{"name": "S", "affiliation": [{"name": "U"}]}]}]}, {("/relatedItems/0/creators/0", "additionalProperties")}),
    ("relatedItem-creator-nameIdentifiers", {"relatedItems": [{**ITEM, "creators": [{"name": "S", "nameIdentifiers": []}]}]}, {("/relatedItems/0/creators/0", "additionalProperties")}),
    ("relatedItem-contributor-lang", {"relatedItems": [{**ITEM, "contributors": [{"name": "S", "contributorType": "Editor", "lang": "en"}]}]}, {("/relatedItems/0/contributors/0", "additionalProperties")}),
    ("relatedItem-unknown-key", {"relatedItems": [{**ITEM, "pages": "1-2"}]}, {("/relatedItems/0", "additionalProperties")}),
    ("publisher-unknown-key", {"publisher": {"name": "P", "identifier": "x"}}, {("/publisher", "additionalProperties")}),
    ("types-unknown-key", {"types": {"resourceTypeGeneral": "Dataset", "type": "Data"}}, {("/types", "additionalProperties")}),
    ("affiliation-unknown-key", {"creators": [{**CREATOR, "affiliation": [{"name": "U", "rorId": "x"}]}]}, {("/creators/0/affiliation/0", "additionalProperties")}),
    ("nameIdentifier-schemeURI", {"creators": [{**CREATOR, "nameIdentifiers": [{"nameIdentifier": "x", "nameIdentifierScheme": "ORCID", "schemeURI": "https://orcid.org"}]}]}, {("/creators/0/nameIdentifiers/0", "additionalProperties")}),
    ("geoLocation-unknown-key", geo(geoLocationPolygons=polygon(*SQUARE)), {("/geoLocations/0", "additionalProperties")}),
    ("point-unknown-key", geo(geoLocationPoint={**POINT, "pointAltitude": 3}), {("/geoLocations/0/geoLocationPoint", "additionalProperties")}),
    ("funding-awardURI", {"fundingReferences": [{"funderName": "EC", "awardURI": "https://example.org"}]}, {("/fundingReferences/0", "additionalProperties")}),
    ("subject-unknown-key", {"subjects": [{"subject": "S", "scheme": "FOS"}]}, {("/subjects/0", "additionalProperties")}),
    ("rights-unknown-key", {"rightsList": [{"licence": "CC-BY-4.0"}]}, {("/rightsList/0", "additionalProperties")}),
    ("date-unknown-key", {"dates": [{"date": "2024", "dateType": "Issued", "dateInfo": "x"}]}, {("/dates/0", "additionalProperties")}),
    ("identifier-unknown-key", {"identifiers": [{"identifier": "x", "identifierType": "Local", "type": "x"}]}, {("/identifiers/0", "additionalProperties")}),
    ("description-unknown-key", {"descriptions": [{"description": "x", "descriptionType": "Abstract", "descriptionLang": "en"}]}, {("/descriptions/0", "additionalProperties")}),
    ("title-unknown-key", {"titles": [{"title": "T", "language": "en"}]}, {("/titles/0", "additionalProperties")}),
]  # fmt: skip


def test_there_are_enough_invalid_cases() -> None:
    assert len(INVALID) >= 40
    assert len({name for name, _, _ in INVALID}) == len(INVALID)


@pytest.mark.parametrize(("instance", "expected"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID])
def test_invalid(instance: dict[str, Any], expected: set[tuple[str, str]]) -> None:
    assert violations(instance) == expected


# Rules only DataCite's documentation states are warnings; the XSD's own rules are errors.
SEVERITY: list[tuple[str, str]] = [
    ("required-title", "warning"),
    ("required-date", "warning"),
    ("required-description", "warning"),
    ("required-identifier", "warning"),
    ("required-relatedIdentifier", "warning"),
    ("required-relatedItemIdentifier", "warning"),
    ("required-nameIdentifier", "warning"),
    ("required-nameIdentifierScheme", "warning"),
    ("required-subject", "warning"),
    ("empty-title", "warning"),
    ("empty-creator-name", "warning"),
    ("empty-nameIdentifier", "warning"),
    ("empty-relatedIdentifier", "warning"),
    ("empty-identifier", "warning"),
    ("empty-date", "warning"),
    ("required-creator-name", "error"),
    ("required-contributorType", "error"),
    ("required-dateType", "error"),
    ("required-descriptionType", "error"),
    ("required-funderName", "error"),
    ("empty-publisher", "error"),
    ("empty-contributor-name", "error"),
    ("empty-funderName", "error"),
    ("affiliation-string", "error"),
    ("polygon-3-points", "error"),
]
CASES = {name: instance for name, instance, _ in INVALID}


@pytest.mark.parametrize(("name", "expected"), SEVERITY, ids=[name for name, _ in SEVERITY])
def test_severity(name: str, expected: str) -> None:
    assert {severity(e) for e in VALIDATOR.iter_errors(CASES[name])} == {expected}


def test_messages_for_the_common_mistakes() -> None:
    """The x-doiac-messages doiac shows instead of jsonschema's text, where a hint helps."""
    messages = {
        (pointer(e), str(e.validator)): e.schema.get("x-doiac-messages", {}).get(e.validator)
        for case in ("affiliation-string", "title-item-string", "creator-item-string", "version-integer",
                     "publicationYear-text", "titles-string", "polygon-3-points", "polygon-two-inside-points")
        for e in VALIDATOR.iter_errors(CASES[case])
    }  # fmt: skip
    assert messages == {
        ("/creators/0/affiliation/0", "type"): 'an affiliation is an object such as {name: "Example University"}; DataCite refuses plain strings',
        ("/titles/0", "type"): 'a title is an object such as {title: "Sensor readings 2024"}',
        ("/creators/0", "type"): 'a creator is an object such as {name: "Doe, Jane"}',
        ("/version", "type"): 'version is a string: quote it, e.g. version: "1.0"',
        ("/publicationYear", "pattern"): "publicationYear is a four-digit year, e.g. 2024",
        ("/titles", "type"): 'titles is a list such as [{title: "Sensor readings 2024"}]',
        (POLYGON, "minContains"): "a polygon needs at least 4 points (the last repeating the first)",
        (POLYGON, "maxContains"): "a polygon has at most one inPolygonPoint",
    }  # fmt: skip
