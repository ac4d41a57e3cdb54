"""core.citation: a CITATION.cff (CFF 1.2.0) mapped to DataCite attributes, with notes for the rest."""

from __future__ import annotations

import copy
import datetime
from typing import Any

import pytest

from reconciler.core.citation import cff_to_datacite, convert_cff

ORCID_DOE = "https://orcid.org/0000-0002-1825-0097"
ORCID_ROE = "https://orcid.org/0000-0003-4925-7248"
SWHID = "swh:1:rev:309cf2674ee7a0749978cf8265ab91a60aea0f7d"

REALISTIC: dict[str, Any] = {
    "cff-version": "1.2.0",
    "message": "If you use this software, please cite it using these metadata.",
    "title": "Lake sensor toolkit",
    "type": "software",
    "authors": [
        {
            "given-names": "Jane",
            "family-names": "Doe",
            "orcid": ORCID_DOE,
            "affiliation": "Example University",
        },
        {
            "given-names": "Richard",
            "name-particle": "van",
            "family-names": "Roe",
            "orcid": ORCID_ROE,
            "affiliation": "Lake Institute",
        },
    ],
    "version": "2.1.0",
    "date-released": "2024-03-01",
    "license": "Apache-2.0",
    "repository-code": "https://github.com/example/lake-sensors",
    "keywords": ["limnology", "sensor networks"],
    "abstract": "Tools to clean and calibrate buoy sensor readings.",
    "identifiers": [
        {"type": "doi", "value": "10.5281/zenodo.1234567", "description": "The archived snapshot of 2.1.0"}
    ],
}


def test_a_realistic_citation_file_maps_to_the_expected_datacite_fields() -> None:
    assert cff_to_datacite(REALISTIC) == {
        "titles": [{"title": "Lake sensor toolkit"}],
        "creators": [
            {
                "name": "Doe, Jane",
                "nameType": "Personal",
                "givenName": "Jane",
                "familyName": "Doe",
                "nameIdentifiers": [
                    {
                        "nameIdentifier": ORCID_DOE,
                        "nameIdentifierScheme": "ORCID",
                        "schemeUri": "https://orcid.org",
                    }
                ],
                "affiliation": [{"name": "Example University"}],
            },
            {
                "name": "van Roe, Richard",
                "nameType": "Personal",
                "givenName": "Richard",
                "familyName": "van Roe",
                "nameIdentifiers": [
                    {
                        "nameIdentifier": ORCID_ROE,
                        "nameIdentifierScheme": "ORCID",
                        "schemeUri": "https://orcid.org",
                    }
                ],
                "affiliation": [{"name": "Lake Institute"}],
            },
        ],
        "types": {"resourceTypeGeneral": "Software"},
        "version": "2.1.0",
        "rightsList": [
            {
                "rightsIdentifier": "Apache-2.0",
                "rightsIdentifierScheme": "SPDX",
                "schemeUri": "https://spdx.org/licenses/",
            }
        ],
        "dates": [{"date": "2024-03-01", "dateType": "Issued"}],
        "publicationYear": 2024,
        "relatedIdentifiers": [
            {
                "relatedIdentifier": "https://github.com/example/lake-sensors",
                "relatedIdentifierType": "URL",
                "relationType": "IsSupplementTo",
            },
            {
                "relatedIdentifier": "10.5281/zenodo.1234567",
                "relatedIdentifierType": "DOI",
                "relationType": "IsIdenticalTo",
            },
        ],
        "subjects": [{"subject": "limnology"}, {"subject": "sensor networks"}],
        "descriptions": [
            {
                "description": "Tools to clean and calibrate buoy sensor readings.",
                "descriptionType": "Abstract",
            }
        ],
    }


def test_the_realistic_file_leaves_only_the_doi_relation_to_check() -> None:
    notes = convert_cff(REALISTIC).notes
    assert len(notes) == 1
    assert "10.5281/zenodo.1234567" in notes[0]
    assert "IsVersionOf" in notes[0]


def test_the_mapping_is_pure() -> None:
    before = copy.deepcopy(REALISTIC)
    first = convert_cff(REALISTIC)
    assert convert_cff(REALISTIC) == first
    assert before == REALISTIC


@pytest.mark.parametrize(
    "orcid",
    [
        "https://orcid.org/0000-0002-1825-0097",
        "http://orcid.org/0000-0002-1825-0097",
        "https://www.orcid.org/0000-0002-1825-0097/",
        "0000-0002-1825-0097",
    ],
)
def test_orcids_become_https_urls(orcid: str) -> None:
    creator = cff_to_datacite({"authors": [{"family-names": "Doe", "orcid": orcid}]})["creators"][0]
    assert creator["nameIdentifiers"] == [
        {"nameIdentifier": ORCID_DOE, "nameIdentifierScheme": "ORCID", "schemeUri": "https://orcid.org"}
    ]


def test_an_orcid_with_a_lower_case_check_x_is_upper_cased() -> None:
    creator = cff_to_datacite({"authors": [{"family-names": "Doe", "orcid": "0000-0002-9079-593x"}]})[
        "creators"
    ][0]
    assert creator["nameIdentifiers"][0]["nameIdentifier"] == "https://orcid.org/0000-0002-9079-593X"


def test_a_malformed_orcid_is_a_note_not_an_identifier() -> None:
    converted = convert_cff({"authors": [{"family-names": "Doe", "orcid": "https://orcid.org/jane"}]})
    assert "nameIdentifiers" not in converted.metadata["creators"][0]
    assert any("authors[0].orcid" in note for note in converted.notes)


def test_entity_authors_are_organizational() -> None:
    converted = convert_cff(
        {"authors": [{"name": "The Lake Lab", "orcid": ORCID_DOE, "website": "https://lab.example.org"}]}
    )
    assert converted.metadata["creators"] == [
        {
            "name": "The Lake Lab",
            "nameType": "Organizational",
            "nameIdentifiers": [
                {
                    "nameIdentifier": ORCID_DOE,
                    "nameIdentifierScheme": "ORCID",
                    "schemeUri": "https://orcid.org",
                }
            ],
        }
    ]


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        (
            {"given-names": "Sammy", "family-names": "Davis", "name-suffix": "Jr."},
            {
                "name": "Davis, Sammy, Jr.",
                "nameType": "Personal",
                "givenName": "Sammy",
                "familyName": "Davis",
            },
        ),
        ({"family-names": "Doe"}, {"name": "Doe", "nameType": "Personal", "familyName": "Doe"}),
        ({"given-names": "Madonna"}, {"name": "Madonna", "nameType": "Personal", "givenName": "Madonna"}),
        ({"alias": "lakehacker"}, {"name": "lakehacker", "nameType": "Personal"}),
    ],
)
def test_person_names(person: dict[str, str], expected: dict[str, str]) -> None:
    assert cff_to_datacite({"authors": [person]})["creators"] == [expected]


def test_a_person_without_any_name_is_left_out_with_a_note() -> None:
    converted = convert_cff({"authors": [{"email": "jane@example.org"}, {"family-names": "Doe"}]})
    assert [c["name"] for c in converted.metadata["creators"]] == ["Doe"]
    assert any("authors[0]" in note and "no name" in note for note in converted.notes)


def test_contacts_become_contact_person_contributors() -> None:
    metadata = cff_to_datacite({"contact": [{"given-names": "Jane", "family-names": "Doe"}]})
    assert metadata["contributors"] == [
        {
            "name": "Doe, Jane",
            "nameType": "Personal",
            "givenName": "Jane",
            "familyName": "Doe",
            "contributorType": "ContactPerson",
        }
    ]


@pytest.mark.parametrize(
    ("cff", "expected"),
    [({"type": "software"}, "Software"), ({"type": "dataset"}, "Dataset"), ({}, "Software")],
)
def test_the_cff_type_gives_the_resource_type(cff: dict[str, str], expected: str) -> None:
    assert cff_to_datacite(cff)["types"] == {"resourceTypeGeneral": expected}


def test_an_unknown_cff_type_gives_no_resource_type() -> None:
    converted = convert_cff({"type": "poem"})
    assert "types" not in converted.metadata
    assert any("`type`" in note for note in converted.notes)


@pytest.mark.parametrize("released", ["2021-07-18", datetime.date(2021, 7, 18)])
def test_date_released_as_text_or_yaml_date(released: Any) -> None:
    metadata = cff_to_datacite({"date-released": released})
    assert metadata["dates"] == [{"date": "2021-07-18", "dateType": "Issued"}]
    assert metadata["publicationYear"] == 2021


@pytest.mark.parametrize("released", ["2021-02-30", "18.07.2021", 2021])
def test_a_date_released_that_is_no_date_is_a_note(released: Any) -> None:
    converted = convert_cff({"date-released": released})
    assert "dates" not in converted.metadata
    assert "publicationYear" not in converted.metadata
    assert any("date-released" in note for note in converted.notes)


def test_a_numeric_version_becomes_a_string_with_a_note() -> None:
    converted = convert_cff({"version": 1.5})
    assert converted.metadata["version"] == "1.5"
    assert any("quote it" in note for note in converted.notes)


def test_several_licenses_and_a_license_url() -> None:
    spdx = {"rightsIdentifierScheme": "SPDX", "schemeUri": "https://spdx.org/licenses/"}
    converted = convert_cff({"license": ["Apache-2.0", "MIT"], "license-url": "https://example.org/licence"})
    assert converted.metadata["rightsList"] == [
        {"rightsIdentifier": "Apache-2.0", **spdx},
        {"rightsIdentifier": "MIT", **spdx},
    ]
    assert any("license-url" in note for note in converted.notes)
    alone = cff_to_datacite({"license-url": "https://example.org/licence"})
    assert alone["rightsList"] == [{"rightsUri": "https://example.org/licence"}]


def test_identifiers_of_every_cff_type() -> None:
    converted = convert_cff(
        {
            "doi": "https://doi.org/10.5281/zenodo.1",
            "url": "https://lake.example.org",
            "identifiers": [
                {"type": "doi", "value": "10.5281/zenodo.1"},  # the same as `doi`: written once
                {"type": "swh", "value": SWHID},
                {"type": "url", "value": "https://mirror.example.org/lake"},
                {"type": "other", "value": "ascl:2105.013"},
                {"type": "isbn", "value": "978-3-16-148410-0"},
            ],
        }
    )
    assert converted.metadata["relatedIdentifiers"] == [
        {
            "relatedIdentifier": "10.5281/zenodo.1",
            "relatedIdentifierType": "DOI",
            "relationType": "IsIdenticalTo",
        },
        {"relatedIdentifier": SWHID, "relatedIdentifierType": "SWHID", "relationType": "IsIdenticalTo"},
    ]
    assert converted.metadata["identifiers"] == [
        {"identifier": "https://lake.example.org", "identifierType": "URL"},
        {"identifier": "https://mirror.example.org/lake", "identifierType": "URL"},
        {"identifier": "ascl:2105.013", "identifierType": "Other"},
    ]
    assert any("'isbn'" in note for note in converted.notes)


def test_a_malformed_doi_is_a_note() -> None:
    converted = convert_cff({"doi": "zenodo 1234"})
    assert "relatedIdentifiers" not in converted.metadata
    assert any("is not a DOI" in note for note in converted.notes)


def test_cited_works_with_a_doi_are_related() -> None:
    converted = convert_cff(
        {
            "preferred-citation": {"type": "article", "title": "The paper", "doi": "10.1000/paper"},
            "references": [
                {"type": "software", "title": "numpy", "doi": "10.1038/s41586-020-2649-2"},
                {"type": "book", "title": "No DOI here"},
            ],
        }
    )
    assert converted.metadata["relatedIdentifiers"] == [
        {
            "relatedIdentifier": "10.1000/paper",
            "relatedIdentifierType": "DOI",
            "relationType": "IsDescribedBy",
        },
        {
            "relatedIdentifier": "10.1038/s41586-020-2649-2",
            "relatedIdentifierType": "DOI",
            "relationType": "References",
        },
    ]
    assert any("1 of the references" in note for note in converted.notes)


def test_unknown_keys_are_notes_and_file_keys_are_silent() -> None:
    converted = convert_cff({"cff-version": "1.2.0", "message": "Cite me", "commit": "abc123", "title": "T"})
    assert converted.metadata == {"titles": [{"title": "T"}], "types": {"resourceTypeGeneral": "Software"}}
    assert converted.notes == ("`commit` has no place in DataCite metadata: not mapped",)


def test_values_of_the_wrong_shape_are_notes_not_crashes() -> None:
    converted = convert_cff(
        {
            "title": ["a list"],
            "authors": "Jane Doe",
            "keywords": "one",
            "identifiers": {"type": "doi"},
            "license": 3,
        }
    )
    assert converted.metadata == {"types": {"resourceTypeGeneral": "Software"}}
    for key in ("title", "authors", "keywords", "identifiers", "license"):
        assert any(f"`{key}`" in note for note in converted.notes), key
