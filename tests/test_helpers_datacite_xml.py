"""The DataCite XML → REST JSON test helper (tests/helpers/datacite_xml.py).

Official 4.7 examples and the invalid lupo XML fixtures come from ../shared/reference; the edge cases the
reference files do not cover are small documents written to tmp_path. Expected values are whole values.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .helpers.datacite_xml import KERNEL_4, XmlConversionError, xml_to_attributes, xml_to_doi_file

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REFERENCE = SHARED / "reference"
EXAMPLES = REFERENCE / "datacite-schema" / "kernel-4.7" / "example"
INVALID_XML = REFERENCE / "real-records" / "invalid" / "xml"
REAL_RECORDS = REFERENCE / "real-records"

OFFICIAL_EXAMPLES = [
    "audiovisual",
    "award",
    "coverage",
    "dataset",
    "full",
    "instrument",
    "multilingual",
    "parallel-languages",
    "poster",
    "presentation",
    "project",
    "relateditem1",
    "relateditem2",
    "relateditem3",
    "relationtypeinformation",
    "translation-original",
    "translation-translated",
]

TOP_LEVEL_LISTS = [
    "creators",
    "titles",
    "subjects",
    "contributors",
    "dates",
    "identifiers",
    "relatedIdentifiers",
    "sizes",
    "formats",
    "rightsList",
    "descriptions",
    "geoLocations",
    "fundingReferences",
    "relatedItems",
]


def shared_dir(directory: Path) -> Path:
    if not directory.is_dir():
        pytest.skip(f"reference data not found at {directory} (../shared is absent in a user's own clone)")
    return directory


def example(name: str) -> Path:
    return shared_dir(EXAMPLES) / f"datacite-example-{name}-v4.xml"


def invalid(name: str) -> Path:
    return shared_dir(INVALID_XML) / f"lupo__{name}.xml"


def at(value: Any, path: tuple[str | int, ...]) -> Any:
    for step in path:
        value = value[step]
    return value


def nulls(value: Any, where: str = "") -> list[str]:
    """JSON pointers of every null in value."""
    if value is None:
        return [where]
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in nulls(item, f"{where}/{key}")]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in nulls(item, f"{where}/{index}")]
    return []


def write(tmp_path: Path, body: str, *, namespace: str = KERNEL_4, name: str = "doc.xml") -> Path:
    path = tmp_path / name
    path.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?>\n<resource xmlns="{namespace}">\n{body}\n</resource>\n'
    )
    return path


# --------------------------------------------------------------------------------------------------------
# Official examples


def test_official_example_list_is_complete() -> None:
    found = sorted(p.name for p in shared_dir(EXAMPLES).glob("*.xml"))
    assert found == sorted(f"datacite-example-{name}-v4.xml" for name in OFFICIAL_EXAMPLES)


@pytest.mark.parametrize("name", OFFICIAL_EXAMPLES)
def test_official_example_converts(name: str) -> None:
    attributes = xml_to_attributes(example(name))

    assert "doi" not in attributes
    assert "identifier" not in attributes
    assert attributes["creators"]
    assert attributes["titles"]
    assert isinstance(attributes["publicationYear"], int)
    assert isinstance(attributes["publisher"], str | dict)
    assert attributes["types"]["resourceTypeGeneral"]
    assert nulls(attributes) == []
    assert [key for key in TOP_LEVEL_LISTS if attributes.get(key) == []] == []
    assert json.loads(json.dumps(attributes)) == attributes


FULL_CONTACT_PERSON = {
    "name": "ExampleFamilyName, ExampleGivenName",
    "nameType": "Personal",
    "givenName": "ExampleGivenName",
    "familyName": "ExampleFamilyName",
    "nameIdentifiers": [
        {
            # the XML text has a leading space
            "nameIdentifier": "https://orcid.org/0000-0001-5727-2427",
            "nameIdentifierScheme": "ORCID",
            "schemeUri": "https://orcid.org",
        }
    ],
    "affiliation": [
        {
            "name": "ExampleAffiliation",
            "affiliationIdentifier": "https://ror.org/04wxnsj81",
            "affiliationIdentifierScheme": "ROR",
            "schemeUri": "https://ror.org",
        }
    ],
    "contributorType": "ContactPerson",
}

FULL_POLYGON = [
    {"polygonPoint": {"pointLongitude": -71.032, "pointLatitude": 41.991}},
    {"polygonPoint": {"pointLongitude": -69.622, "pointLatitude": 42.893}},
    {"polygonPoint": {"pointLongitude": -68.211, "pointLatitude": 41.991}},
    {"polygonPoint": {"pointLongitude": -69.622, "pointLatitude": 41.090}},
    {"polygonPoint": {"pointLongitude": -71.032, "pointLatitude": 41.991}},
]

WHOLE_VALUES: list[tuple[str, tuple[str | int, ...], Any]] = [
    (
        "full",
        ("creators", 0),
        {
            "name": "ExampleFamilyName, ExampleGivenName",
            "nameType": "Personal",
            "givenName": "ExampleGivenName",
            "familyName": "ExampleFamilyName",
            "nameIdentifiers": [
                {
                    "nameIdentifier": "https://orcid.org/0000-0001-5727-2427",
                    "nameIdentifierScheme": "ORCID",
                    "schemeUri": "https://orcid.org",
                }
            ],
            "affiliation": [
                {
                    "name": "ExampleAffiliation",
                    "affiliationIdentifier": "https://ror.org/04wxnsj81",
                    "affiliationIdentifierScheme": "ROR",
                    "schemeUri": "https://ror.org",
                }
            ],
        },
    ),
    (
        "full",
        ("creators", 1),
        {
            "name": "ExampleOrganization",
            "nameType": "Organizational",
            "lang": "en",
            "nameIdentifiers": [
                {
                    "nameIdentifier": "https://ror.org/04wxnsj81",
                    "nameIdentifierScheme": "ROR",
                    "schemeUri": "https://ror.org",
                }
            ],
        },
    ),
    ("full", ("contributors", 0), FULL_CONTACT_PERSON),
    (
        "full",
        ("contributors", 17),
        {
            "name": "ExampleContributor",
            "affiliation": [
                {
                    "name": "https://ror.org/03yrm5c26",
                    "affiliationIdentifier": "https://ror.org/03yrm5c26",
                    "affiliationIdentifierScheme": "ROR",
                    "schemeUri": "https://ror.org",
                }
            ],
            "contributorType": "Sponsor",
        },
    ),
    (
        "full",
        ("titles",),
        [
            {"title": "Example Title", "lang": "en"},
            {"title": "Example Subtitle", "titleType": "Subtitle", "lang": "en"},
            {"title": "Example TranslatedTitle", "titleType": "TranslatedTitle", "lang": "fr"},
            {"title": "Example AlternativeTitle", "titleType": "AlternativeTitle", "lang": "en"},
        ],
    ),
    (
        "full",
        ("publisher",),
        {
            "name": "Example Publisher",
            "publisherIdentifier": "https://ror.org/04z8jg394",
            "publisherIdentifierScheme": "ROR",
            "schemeUri": "https://ror.org/",
            "lang": "en",
        },
    ),
    ("full", ("publicationYear",), 2024),
    ("full", ("types",), {"resourceTypeGeneral": "Dataset", "resourceType": "Example ResourceType"}),
    (
        "full",
        ("subjects",),
        [
            {
                "subject": "FOS: Computer and information sciences",
                "subjectScheme": "Fields of Science and Technology (FOS)",
                "schemeUri": "http://www.oecd.org/science/inno",
                "valueUri": "http://www.oecd.org/science/inno/38235147.pdf",
            },
            {
                "subject": "Digital curation and preservation",
                "subjectScheme": "Australian and New Zealand Standard Research Classification (ANZSRC), 2020",
                "schemeUri": "https://www.abs.gov.au/statistics/classifications/australian-and-new-zealand-standard-research-classification-anzsrc",
                "classificationCode": "461001",
            },
            {"subject": "Example Subject"},
        ],
    ),
    ("full", ("dates", 3), {"date": "2024-01-01/2024-12-31", "dateType": "Collected"}),
    (
        "full",
        ("dates", -1),
        {"date": "2024-01-01", "dateType": "Other", "dateInformation": "ExampleDateInformation"},
    ),
    ("full", ("language",), "en"),
    ("full", ("identifiers",), [{"identifier": "12345", "identifierType": "Local accession number"}]),
    (
        "full",
        ("relatedIdentifiers", 0),
        {
            "relatedIdentifier": "ark:/13030/tqb3kh97gh8w",
            "relatedIdentifierType": "ARK",
            "relationType": "IsCitedBy",
            "resourceTypeGeneral": "Audiovisual",
        },
    ),
    (
        "full",
        ("relatedIdentifiers", -1),
        {
            "relatedIdentifier": "10.1016/j.epsl.2011.11.037",
            "relatedIdentifierType": "DOI",
            "relationType": "Other",
            "relationTypeInformation": "Example relationTypeInformation",
            "resourceTypeGeneral": "Other",
        },
    ),
    ("full", ("sizes",), ["1 MB", "90 pages"]),
    ("full", ("formats",), ["application/xml", "text/plain"]),
    ("full", ("version",), "1"),
    (
        "full",
        ("rightsList",),
        [
            {
                "rights": "Creative Commons Attribution 4.0 International",
                "rightsUri": "https://creativecommons.org/licenses/by/4.0/",
                "rightsIdentifier": "CC-BY-4.0",
                "rightsIdentifierScheme": "SPDX",
                "schemeUri": "https://spdx.org/licenses/",
                "lang": "en",
            }
        ],
    ),
    (
        "full",
        ("descriptions", 1),
        {"description": "Example Methods", "descriptionType": "Methods", "lang": "en"},
    ),
    (
        "full",
        ("geoLocations",),
        [
            {
                "geoLocationPlace": "Vancouver, British Columbia, Canada",
                "geoLocationPoint": {"pointLongitude": -123.1207, "pointLatitude": 49.2827},
                "geoLocationBox": {
                    "westBoundLongitude": -123.27,
                    "eastBoundLongitude": -123.02,
                    "southBoundLatitude": 49.195,
                    "northBoundLatitude": 49.315,
                },
                "geoLocationPolygon": FULL_POLYGON,
            }
        ],
    ),
    (
        "full",
        ("fundingReferences",),
        [
            {
                "funderName": "Example Funder",
                "funderIdentifier": "https://doi.org/10.13039/501100000780",
                "funderIdentifierType": "Crossref Funder ID",
                "awardNumber": "12345",
                "awardUri": "https://example.com/example-award-uri",
                "awardTitle": "Example AwardTitle",
            }
        ],
    ),
    (
        "full",
        ("relatedItems",),
        [
            {
                "relationType": "Cites",
                "relatedItemType": "Text",
                "relationTypeInformation": "Example relationTypeInformation",
                "relatedItemIdentifier": {
                    "relatedItemIdentifier": "1234-5678",
                    "relatedItemIdentifierType": "ISSN",
                },
                "creators": [
                    {
                        "name": "ExampleFamilyName, ExampleGivenName",
                        "nameType": "Personal",
                        "givenName": "ExampleGivenName",
                        "familyName": "ExampleFamilyName",
                    }
                ],
                "titles": [
                    {"title": "Example RelatedItem Title"},
                    {"title": "Example RelatedItem TranslatedTitle", "titleType": "TranslatedTitle"},
                ],
                "publicationYear": "1990",
                "volume": "1",
                "issue": "2",
                "number": "1",
                "numberType": "Other",
                "firstPage": "1",
                "lastPage": "100",
                "publisher": "Example RelatedItem Publisher",
                "edition": "Example RelatedItem Edition",
                "contributors": [
                    {
                        "name": "ExampleFamilyName, ExampleGivenName",
                        "nameType": "Personal",
                        "givenName": "ExampleGivenName",
                        "familyName": "ExampleFamilyName",
                        "contributorType": "Other",
                    }
                ],
            }
        ],
    ),
    # an affiliation without affiliationIdentifierScheme: the missing attribute is simply absent
    (
        "relateditem1",
        ("creators", 0, "affiliation"),
        [
            {
                "name": "Arizona State University",
                "affiliationIdentifier": "https://ror.org/03efmqc40",
                "schemeUri": "https://ror.org",
            }
        ],
    ),
    (
        "relateditem1",
        ("relatedItems",),
        [
            {
                "relationType": "IsPublishedIn",
                "relatedItemType": "Journal",
                "relatedItemIdentifier": {
                    "relatedItemIdentifier": "1234-5678",
                    "relatedItemIdentifierType": "ISSN",
                },
                "titles": [{"title": "Journal of Metadata Examples"}],
                "publicationYear": "2022",
                "volume": "3",
                "issue": "4",
                "firstPage": "20",
                "lastPage": "35",
                "publisher": "Example Publisher",
            }
        ],
    ),
    (
        "relateditem2",
        ("relatedItems", 0),
        {
            "relationType": "IsPublishedIn",
            "relatedItemType": "Book",
            "titles": [{"title": "Example Book Title"}],
            "publicationYear": "1980",
            "volume": "I",
            "firstPage": "110",
            "lastPage": "155",
            "publisher": "Example Publisher",
            "edition": "2nd edition",
            "contributors": [
                {"name": "Miller, Elizabeth", "nameType": "Personal", "contributorType": "Editor"}
            ],
        },
    ),
    # <resourceType resourceTypeGeneral="BookChapter"/>: empty text, no resourceType key
    ("relateditem3", ("types",), {"resourceTypeGeneral": "BookChapter"}),
    ("relateditem3", ("publisher",), {"name": "Example Publisher", "lang": "en"}),
    ("relateditem3", ("relatedItems", 0, "number"), "4"),
    ("relateditem3", ("relatedItems", 0, "numberType"), "Chapter"),
    (
        "award",
        ("publisher",),
        {
            "name": "The Research Trust",
            "publisherIdentifier": "https://ror.org/12abcde34",
            "publisherIdentifierScheme": "ROR",
            "schemeUri": "https://ror.org",
        },
    ),
    (
        "award",
        ("fundingReferences",),
        [
            {
                "funderName": "The Research Trust",
                "funderIdentifier": "https://doi.org/10.13039/501100012345",
                "funderIdentifierType": "Crossref Funder ID",
                "awardNumber": "123456",
                "awardTitle": "Enhancing metadata for inclusive research on entrenched disadvantage",
            }
        ],
    ),
    (
        "award",
        ("dates", 2),
        {"date": "2028-01-01/2029-12-31", "dateType": "Updated", "dateInformation": "Extended"},
    ),
    ("award", ("sizes",), ["900000 USD"]),
    (
        "dataset",
        ("geoLocations",),
        [
            {
                "geoLocationPlace": "Roof of National Gallery, London, UK",
                "geoLocationPoint": {"pointLongitude": -0.12841, "pointLatitude": 51.50872},
            }
        ],
    ),
    (
        "coverage",
        ("geoLocations",),
        [
            {
                "geoLocationPlace": "Amsterdam",
                "geoLocationPoint": {"pointLongitude": 4.89707, "pointLatitude": 52.377956},
            }
        ],
    ),
    (
        "multilingual",
        ("titles",),
        [
            {"title": "Advances in Chemistry", "lang": "en"},
            {"title": "Avances en Química", "titleType": "TranslatedTitle", "lang": "es"},
            {"title": "化学进展", "titleType": "TranslatedTitle", "lang": "zh"},
        ],
    ),
    (
        "multilingual",
        ("creators", 0),
        {
            "name": "Zou, Jing",
            "nameType": "Personal",
            "nameIdentifiers": [
                {
                    "nameIdentifier": "https://orcid.org/0000-0002-4553-2743",
                    "nameIdentifierScheme": "ORCID",
                    "schemeUri": "https://orcid.org/",
                }
            ],
        },
    ),
    ("parallel-languages", ("publisher",), "Global Seismology Research Center"),
    ("parallel-languages", ("language",), "mul"),
    (
        "project",
        ("contributors", 3),
        {
            "name": "Ratner, Howard",
            "nameType": "Personal",
            "givenName": "Howard",
            "familyName": "Ratner",
            "nameIdentifiers": [
                {
                    "nameIdentifier": "https://orcid.org/0000-0002-2123-6317",
                    "nameIdentifierScheme": "ORCID",
                    "schemeUri": "https://orcid.org",
                }
            ],
            "affiliation": [{"name": "CHORUS"}],
            "contributorType": "ProjectMember",
        },
    ),
]


@pytest.mark.parametrize(
    ("name", "path", "expected"),
    WHOLE_VALUES,
    ids=[f"{name}:{'/'.join(map(str, path))}" for name, path, _ in WHOLE_VALUES],
)
def test_official_example_value(name: str, path: tuple[str | int, ...], expected: Any) -> None:
    assert at(xml_to_attributes(example(name)), path) == expected


def test_full_example_doi_file() -> None:
    doc = xml_to_doi_file(example("full"), state="draft", url="https://data.example.org/b09z")
    assert list(doc)[:3] == ["doi", "state", "url"]
    assert (doc["doi"], doc["state"], doc["url"]) == (
        "10.82433/b09z-4k37",
        "draft",
        "https://data.example.org/b09z",
    )
    assert {k: v for k, v in doc.items() if k not in ("doi", "state", "url")} == xml_to_attributes(
        example("full")
    )


def test_doi_file_defaults() -> None:
    doc = xml_to_doi_file(example("relateditem1"))
    assert (doc["doi"], doc["state"], doc["url"]) == (
        "10.82433/q54d-pf76",
        "findable",
        "https://data.example.org/records/1",
    )


def test_full_example_agrees_with_the_api_copy_of_it() -> None:
    """Dataset__10.82433_b09z-4k37__testapi-2024-02.json is DataCite's (4.5-era) API record of the full example."""
    record_path = shared_dir(REAL_RECORDS) / "Dataset__10.82433_b09z-4k37__testapi-2024-02.json"
    record = json.loads(record_path.read_text(encoding="utf-8"))
    converted = xml_to_attributes(example("full"))

    assert converted["creators"][0] == record["creators"][0]
    assert converted["publisher"] == record["publisher"]
    assert converted["titles"] == record["titles"]
    assert converted["identifiers"] == record["identifiers"]
    assert converted["fundingReferences"] == record["fundingReferences"]
    # relationTypeInformation is new in 4.7, after the record was made
    related_item = {k: v for k, v in converted["relatedItems"][0].items() if k != "relationTypeInformation"}
    assert related_item == record["relatedItems"][0]
    # the API returned the coordinates as numeric strings
    geo = record["geoLocations"][0]
    assert converted["geoLocations"][0]["geoLocationBox"] == {
        k: float(v) for k, v in geo["geoLocationBox"].items()
    }
    assert converted["geoLocations"][0]["geoLocationPolygon"] == [
        {kind: {k: float(v) for k, v in point.items()}}
        for item in geo["geoLocationPolygon"]
        for kind, point in item.items()
    ]


# --------------------------------------------------------------------------------------------------------
# Invalid XML (real-records/invalid/xml, README §5)

REJECTED = [
    ("datacite_malformed", 40, "not well-formed XML: no element found (column 0)"),
    ("datacite-example-relateditems", 46, "not well-formed XML: mismatched tag (column 16)"),
    ("datacite_schema_2.2", 2, "Schema http://datacite.org/schema/kernel-2.2 is no longer supported"),
    ("datacite_schema_3", 2, "Schema http://datacite.org/schema/kernel-3 is no longer supported"),
]
CONVERTED = ["datacite_malformed_creator", "datacite_malformed_creator_name_type", "datacite_missing_creator"]


def test_invalid_xml_list_is_complete() -> None:
    found = sorted(p.name for p in shared_dir(INVALID_XML).glob("*.xml"))
    assert found == sorted(f"lupo__{name}.xml" for name in [n for n, _, _ in REJECTED] + CONVERTED)


@pytest.mark.parametrize(("name", "line", "message"), REJECTED, ids=[n for n, _, _ in REJECTED])
def test_invalid_xml_is_rejected(name: str, line: int, message: str) -> None:
    path = invalid(name)
    with pytest.raises(XmlConversionError) as caught:
        xml_to_attributes(path)
    error = caught.value
    assert (error.path, error.line, error.message) == (str(path), line, message)
    assert str(error) == f"{path}:{line}: {message}"
    with pytest.raises(XmlConversionError):
        xml_to_doi_file(path)


def test_several_creator_names_in_one_creator_give_a_list_name() -> None:
    attributes = xml_to_attributes(invalid("datacite_malformed_creator"))  # also: starts with a BOM
    affiliation = {"name": "Onkološki inštitut Ljubljana"}
    assert attributes["creators"] == [
        {
            "name": ["Grošelj, Blaž", "Oražem, Miha", "Kovač, Viljem"],
            "nameType": "Personal",
            "givenName": ["Blaž", "Miha", "Viljem"],
            "familyName": ["Grošelj", "Oražem", "Kovač"],
            "affiliation": [affiliation, affiliation, affiliation],
        }
    ]
    assert attributes["publisher"] == "Onkološki inštitut Ljubljana"
    assert attributes["rightsList"] == [
        {
            "rights": "Creative Commons Attribution 4.0 International license (CC BY 4.0)",
            "rightsUri": "https://creativecommons.org/licenses/by/4.0/",
        }
    ]


def test_miscased_name_type_is_kept() -> None:
    attributes = xml_to_attributes(invalid("datacite_malformed_creator_name_type"))
    assert attributes["creators"] == [
        {
            "name": "Grošelj, Blaž",
            "nameType": "personal",
            "givenName": "Blaž",
            "familyName": "Grošelj",
            "affiliation": [{"name": "Onkološki inštitut Ljubljana"}],
        }
    ]


def test_empty_creators_give_an_empty_list() -> None:
    doc = xml_to_doi_file(invalid("datacite_missing_creator"))
    assert doc["creators"] == []
    assert doc["doi"] == "10.5438/4k3m-nyvg"
    assert doc["titles"] == [{"title": "Eating your own Dog Food"}]
    assert doc["types"] == {"resourceTypeGeneral": "Text", "resourceType": "BlogPosting"}


# --------------------------------------------------------------------------------------------------------
# Edge cases not covered by the reference files

MINIMAL = """\
<identifier identifierType="DOI">10.80000/ABC</identifier>
<creators><creator><creatorName>Doe, Jane</creatorName></creator></creators>
<titles><title>T</title></titles>
<publisher>P</publisher>
<publicationYear>2024</publicationYear>
<resourceType resourceTypeGeneral="Dataset">Data</resourceType>
"""


def test_minimal_document(tmp_path: Path) -> None:
    assert xml_to_doi_file(write(tmp_path, MINIMAL), url="https://x.example.org/1") == {
        "doi": "10.80000/abc",
        "state": "findable",
        "url": "https://x.example.org/1",
        "creators": [{"name": "Doe, Jane"}],
        "titles": [{"title": "T"}],
        "publisher": "P",
        "publicationYear": 2024,
        "types": {"resourceTypeGeneral": "Dataset", "resourceType": "Data"},
    }


def test_description_br_becomes_newline(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        MINIMAL
        + '<descriptions><description descriptionType="Abstract">\n  First line<br/>second  line <br/>\n'
        + "<br/>third</description></descriptions>",
    )
    assert xml_to_attributes(path)["descriptions"] == [
        {"description": "First line\nsecond  line \n\n\nthird", "descriptionType": "Abstract"}
    ]


def test_several_points_and_polygons_keep_the_first(tmp_path: Path) -> None:
    def point(tag: str, lon: str, lat: str) -> str:
        return f"<{tag}><pointLongitude>{lon}</pointLongitude><pointLatitude>{lat}</pointLatitude></{tag}>"

    square = "".join(
        point("polygonPoint", lon, lat) for lon, lat in [("0", "0"), ("1", "0"), ("1", "1"), ("0", "0")]
    )
    geo = (
        "<geoLocations><geoLocation>"
        + point("geoLocationPoint", "1.5", "2.5")
        + point("geoLocationPoint", "9", "9")
        + f"<geoLocationPolygon>{square}{point('inPolygonPoint', '0.5', '0.25')}</geoLocationPolygon>"
        + f"<geoLocationPolygon>{square}</geoLocationPolygon>"
        + "<geoLocationPlace>Somewhere</geoLocationPlace>"
        + "</geoLocation></geoLocations>"
    )
    assert xml_to_attributes(write(tmp_path, MINIMAL + geo))["geoLocations"] == [
        {
            "geoLocationPlace": "Somewhere",
            "geoLocationPoint": {"pointLongitude": 1.5, "pointLatitude": 2.5},
            "geoLocationPolygon": [
                {"polygonPoint": {"pointLongitude": 0.0, "pointLatitude": 0.0}},
                {"polygonPoint": {"pointLongitude": 1.0, "pointLatitude": 0.0}},
                {"polygonPoint": {"pointLongitude": 1.0, "pointLatitude": 1.0}},
                {"polygonPoint": {"pointLongitude": 0.0, "pointLatitude": 0.0}},
                {"inPolygonPoint": {"pointLongitude": 0.5, "pointLatitude": 0.25}},
            ],
        }
    ]


def test_uri_attributes_and_the_related_item_identifier_exception(tmp_path: Path) -> None:
    body = MINIMAL + (
        '<relatedIdentifiers><relatedIdentifier relatedIdentifierType="URL" relationType="HasMetadata" '
        'relatedMetadataScheme="DDI-L" schemeURI="http://ddi/" schemeType="XSD">https://m.example.org</relatedIdentifier>'
        "</relatedIdentifiers>"
        '<fundingReferences><fundingReference><funderName>F</funderName><funderIdentifier funderIdentifierType="ROR" '
        'schemeURI="https://ror.org/">https://ror.org/1</funderIdentifier></fundingReference></fundingReferences>'
        '<relatedItems><relatedItem relationType="IsPublishedIn" relatedItemType="Journal">'
        '<relatedItemIdentifier relatedItemIdentifierType="DOI" relatedMetadataScheme="citeproc+json" '
        'schemeURI="https://csl.example.org/schema.json" schemeType="URL">10.5072/J</relatedItemIdentifier>'
        '<titles><title xml:lang="en" titleType="Subtitle">Sub</title></titles>'
        '<creators><creator><creatorName xml:lang="en" nameType="Organizational">Org</creatorName></creator></creators>'
        "</relatedItem></relatedItems>"
    )
    attributes = xml_to_attributes(write(tmp_path, body))
    assert attributes["relatedIdentifiers"] == [
        {
            "relatedIdentifier": "https://m.example.org",
            "relatedIdentifierType": "URL",
            "relationType": "HasMetadata",
            "relatedMetadataScheme": "DDI-L",
            "schemeUri": "http://ddi/",
            "schemeType": "XSD",
        }
    ]
    assert attributes["fundingReferences"] == [
        {
            "funderName": "F",
            "funderIdentifier": "https://ror.org/1",
            "funderIdentifierType": "ROR",
            "schemeUri": "https://ror.org/",
        }
    ]
    # xml:lang of relatedItem titles and names is not kept by the REST API, so it is dropped
    assert attributes["relatedItems"] == [
        {
            "relationType": "IsPublishedIn",
            "relatedItemType": "Journal",
            "relatedItemIdentifier": {
                "relatedItemIdentifier": "10.5072/J",
                "relatedItemIdentifierType": "DOI",
                "relatedMetadataScheme": "citeproc+json",
                "schemeURI": "https://csl.example.org/schema.json",
                "schemeType": "URL",
            },
            "creators": [{"name": "Org", "nameType": "Organizational"}],
            "titles": [{"title": "Sub", "titleType": "Subtitle"}],
        }
    ]


def test_values_are_not_repaired(tmp_path: Path) -> None:
    body = """\
<identifier identifierType="DOI">10.80000/X</identifier>
<creators><creator><givenName>Only</givenName></creator></creators>
<titles/>
<publisher publisherIdentifier="https://ror.org/1">  </publisher>
<publicationYear>20xx</publicationYear>
<resourceType>  </resourceType>
<contributors><contributor><contributorName>No type</contributorName></contributor></contributors>
<dates><date>last spring</date></dates>
<subjects/>
<rightsList><rights rightsURI="https://example.org/l"/></rightsList>
<geoLocations><geoLocation><geoLocationBox><westBoundLongitude>west</westBoundLongitude>
<northBoundLatitude>1</northBoundLatitude></geoLocationBox></geoLocation></geoLocations>
"""
    assert xml_to_attributes(write(tmp_path, body)) == {
        "creators": [{"givenName": "Only"}],
        "titles": [],
        "publisher": {"name": "", "publisherIdentifier": "https://ror.org/1"},
        "publicationYear": "20xx",
        "types": {},
        "contributors": [{"name": "No type"}],
        "dates": [{"date": "last spring"}],
        "rightsList": [{"rights": "", "rightsUri": "https://example.org/l"}],
        "geoLocations": [{"geoLocationBox": {"westBoundLongitude": "west", "northBoundLatitude": 1.0}}],
    }


def test_foreign_elements_are_ignored(tmp_path: Path) -> None:
    body = (
        MINIMAL
        + '<x:extra xmlns:x="urn:other"><x:version>9</x:version></x:extra><!-- <version>8</version> -->'
    )
    assert "version" not in xml_to_attributes(write(tmp_path, body))


def test_old_namespace_line_skips_the_prolog(tmp_path: Path) -> None:
    path = tmp_path / "old.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<!-- <resource> in a comment\n -->\n\n'
        '<resource\n  xmlns="http://datacite.org/schema/kernel-3"><identifier identifierType="DOI">10.1/x</identifier>'
        "</resource>\n"
    )
    with pytest.raises(XmlConversionError) as caught:
        xml_to_attributes(path)
    assert str(caught.value) == f"{path}:5: Schema http://datacite.org/schema/kernel-3 is no longer supported"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("", 1, "not well-formed XML: no element found (column 0)"),
        (
            "<?xml version='1.0'?>\n<resource>\n</resource>\n",
            2,
            f"root element <resource> has no namespace; expected {KERNEL_4}",
        ),
        (f'\n\n<record xmlns="{KERNEL_4}"/>', 3, "root element is <record>, expected <resource>"),
        (
            f'<resource xmlns="{KERNEL_4}">\n<titles>\n<title>x</titles>\n</resource>',
            3,
            "not well-formed XML: mismatched tag (column 10)",
        ),
    ],
    ids=["empty", "no-namespace", "wrong-root", "mismatched"],
)
def test_unconvertible_documents(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = tmp_path / "bad.xml"
    path.write_text(text)
    with pytest.raises(XmlConversionError) as caught:
        xml_to_attributes(path)
    assert (caught.value.path, caught.value.line, caught.value.message) == (str(path), line, message)
