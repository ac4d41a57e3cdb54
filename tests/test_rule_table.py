"""The rule table: every constraint doiac checks, where it comes from, and one file that passes and
one that fails it.

Each row names a rule id of `reconciler.core.levels.RULES`, the rule's level there, its source (the
DataCite REST API reference §3, the 4.7 XSD or documentation, or best practice), and two small DOI
repositories that differ only in what the row is about. The test fails when a row's failing example
does not raise its rule (a row with no check), when the passing one does, when a rule of the
catalogue has no row (a check with no row), or when validation reports a rule id the catalogue lacks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from reconciler.commands.validate import read_desired
from reconciler.config import load_config
from reconciler.core.levels import RULES
from reconciler.model import Severity

from .conftest import Repo

DROP = object()
"""A fragment value that removes the key."""

BASE: dict[str, Any] = {
    "doi": "10.80000/3mfp-6m52",
    "state": "findable",
    "url": "https://data.example.org/records/1",
    "creators": [{"name": "Doe, Jane", "nameType": "Personal"}],
    "titles": [{"title": "Sensor readings"}],
    "publisher": {"name": "Example Repository"},
    "publicationYear": 2024,
    "types": {"resourceTypeGeneral": "Dataset"},
}
LONG = "x" * 2001
P1, P2, P3, P4 = (
    {"pointLatitude": a, "pointLongitude": b} for a, b in ((41, -71), (42, -71), (42, -70), (41.5, -70))
)


@dataclass(frozen=True)
class Row:
    rule: str
    level: str
    source: str
    ok: dict[str, Any]
    """A fragment merged over BASE (DROP removes a key) that passes."""
    bad: dict[str, Any]
    """One that fails, with the rule's diagnostic."""
    files: dict[str, str] = field(default_factory=dict)
    """Extra files written beside the record (the same in both cases, unless `bad_files`)."""
    bad_files: dict[str, str] | None = None
    path: str | None = None
    """Where the record's file is written; its canonical path if None."""
    bad_path: str | None = None


def _rel(target: str, kind: str = "IsNewVersionOf") -> dict[str, Any]:
    return {
        "relatedIdentifiers": [
            {"relatedIdentifier": target, "relatedIdentifierType": "DOI", "relationType": kind}
        ]
    }


OTHER = "doi: 10.80000/ab12-cd34\nstate: draft\n"
OTHER_BACK = (
    OTHER
    + "relatedIdentifiers:\n  - {relatedIdentifier: 10.80000/3mfp-6m52, relatedIdentifierType: DOI, relationType: IsPreviousVersionOf}\n"
)

ROWS: list[Row] = [
    # The XSD: mandatory properties of a findable DOI and the controlled lists (4.7 documentation, §3.2).
    Row("schema", "xsd", "4.7 mandatory 1 Identifier / §3.2", {}, {"doi": DROP}),
    Row("schema", "xsd", "4.7 mandatory 2 Creator", {}, {"creators": DROP}),
    Row("schema", "xsd", "4.7 mandatory 3 Title", {}, {"titles": DROP}),
    Row("schema", "xsd", "4.7 mandatory 4 Publisher", {}, {"publisher": DROP}),
    Row("schema", "xsd", "4.7 mandatory 5 PublicationYear", {}, {"publicationYear": DROP}),
    Row("schema", "xsd", "4.7 mandatory 10 ResourceType", {}, {"types": {}}),
    Row("schema", "xsd", "4.7 10.a resourceTypeGeneral list", {"types": {"resourceTypeGeneral": "Software"}},
        {"types": {"resourceTypeGeneral": "Datset"}}),
    Row("schema", "xsd", "4.7 2.2 nameType list", {"creators": [{"name": "X", "nameType": "Organizational"}]},
        {"creators": [{"name": "X", "nameType": "personal"}]}),
    Row("schema", "xsd", "4.7 3.1 titleType list", {"titles": [{"title": "T"}, {"title": "S", "titleType": "Subtitle"}]},
        {"titles": [{"title": "T"}, {"title": "S", "titleType": "Sub"}]}),
    Row("schema", "xsd", "4.7 5 publicationYear is a year", {"publicationYear": 1999}, {"publicationYear": "99"}),
    Row("schema", "xsd", "4.7 7.b contributorType list",
        {"contributors": [{"name": "X", "contributorType": "Editor"}]},
        {"contributors": [{"name": "X", "contributorType": "Boss"}]}),
    Row("schema", "xsd", "4.7 8.a dateType list", {"dates": [{"date": "2024", "dateType": "Issued"}]},
        {"dates": [{"date": "2024", "dateType": "Published"}]}),
    Row("schema", "xsd", "4.7 12.b relatedIdentifierType list", _rel("10.80000/x"),
        {"relatedIdentifiers": [{"relatedIdentifier": "x", "relatedIdentifierType": "DOIs", "relationType": "Cites"}]}),
    Row("schema", "xsd", "4.7 12.c relationType list", _rel("10.80000/x", "Cites"), _rel("10.80000/x", "Quotes")),
    Row("schema", "xsd", "4.7 17.a descriptionType list",
        {"descriptions": [{"description": "D", "descriptionType": "Abstract"}]},
        {"descriptions": [{"description": "D", "descriptionType": "Summary"}]}),
    Row("schema", "xsd", "4.7 19.c funderIdentifierType list",
        {"fundingReferences": [{"funderName": "F", "funderIdentifier": "https://ror.org/05gq02987", "funderIdentifierType": "ROR"}]},
        {"fundingReferences": [{"funderName": "F", "funderIdentifier": "x", "funderIdentifierType": "Grid"}]}),
    Row("schema", "xsd", "4.7 20.a relatedItemType list",
        {"relatedItems": [{"relatedItemType": "Journal", "relationType": "IsPublishedIn", "titles": [{"title": "J"}]}]},
        {"relatedItems": [{"relatedItemType": "Magazine", "relationType": "IsPublishedIn", "titles": [{"title": "J"}]}]}),
    Row("schema", "xsd", "§3.1 states", {"state": "registered"}, {"state": "published"}),
    Row("schema", "xsd", "§3.2 url required when registered or findable", {}, {"url": DROP}),
    Row("schema-docs", "documentation", "4.7 2.4 nameIdentifierScheme with nameIdentifier",
        {"creators": [{"name": "X", "nameIdentifiers": [{"nameIdentifier": "0000-0002-1825-0097", "nameIdentifierScheme": "ORCID"}]}]},
        {"creators": [{"name": "X", "nameIdentifiers": [{"nameIdentifier": "0000-0002-1825-0097"}]}]}),
    # The REST API (§3.2, §2.8).
    Row("doi-syntax", "xsd", "§3.2 DOI format", {}, {"doi": "11.80000/3mfp-6m52"}),
    Row("doi-path", "api", "§1 the DOI is a path segment", {}, {"doi": "10.80000/a/../b"}),
    Row("doi-characters", "api", "§3.2 DOI characters on create", {}, {"doi": "10.80000/a+b"}),
    Row("doi-prefix", "api", "§4 prefix assigned to the repository", {}, {"doi": "10.99999/3mfp-6m52"}),
    Row("duplicate-doi", "api", "§3.2 DOI unique", {}, {}, files={}, bad_files={"dois/10.80000/copy.yaml": "doi: 10.80000/3mfp-6m52\nstate: draft\n"}),
    Row("url-scheme", "api", "§3.2 url ftp/http/https", {}, {"url": "mailto:someone@example.org"}),
    Row("url-domain", "api", "§3.2 url host in repository domains", {}, {"url": "https://elsewhere.test/1"}),
    Row("funder-id", "api", "4.7 19.b funderIdentifier with its type",
        {"fundingReferences": [{"funderName": "F", "funderIdentifier": "https://ror.org/05gq02987", "funderIdentifierType": "ROR"}]},
        {"fundingReferences": [{"funderName": "F", "funderIdentifier": "https://ror.org/05gq02987"}]}),
    Row("coordinates", "api", "4.7 18.1 coordinates in range",
        {"geoLocations": [{"geoLocationPoint": {"pointLatitude": "45.5", "pointLongitude": "7"}}]},
        {"geoLocations": [{"geoLocationPoint": {"pointLatitude": "95.5", "pointLongitude": "7"}}]}),
    Row("rights-length", "api", "§3.2 rights at most 2000 characters", {"rightsList": [{"rights": "CC BY 4.0"}]},
        {"rightsList": [{"rights": LONG}]}),
    Row("language", "api", "§2.8.4 language (malformed is stored as null)", {"language": "de-CH"}, {"language": "en_US"}),
    Row("identifier-doi", "api", "§3.2 identifiers of type DOI are dropped",
        {"identifiers": [{"identifier": "abc-1", "identifierType": "Local"}]},
        {"identifiers": [{"identifier": "10.80000/x", "identifierType": "DOI"}]}),
    # The 4.7 documentation.
    Row("name-id", "documentation", "4.7 2.4 nameIdentifier valid for its scheme",
        {"creators": [{"name": "X", "nameIdentifiers": [{"nameIdentifier": "0000-0002-1825-0097", "nameIdentifierScheme": "ORCID"}]}]},
        {"creators": [{"name": "X", "nameIdentifiers": [{"nameIdentifier": "0000-0002-1825-0098", "nameIdentifierScheme": "ORCID"}]}]}),
    Row("org-id", "documentation", "4.7 4.a publisherIdentifier valid for its scheme",
        {"publisher": {"name": "P", "publisherIdentifier": "https://ror.org/05gq02987", "publisherIdentifierScheme": "ROR"}},
        {"publisher": {"name": "P", "publisherIdentifier": "https://ror.org/12abcde34", "publisherIdentifierScheme": "ROR"}}),
    Row("related-id", "documentation", "4.7 12.b relatedIdentifier valid for its type",
        {"relatedIdentifiers": [{"relatedIdentifier": "0378-5955", "relatedIdentifierType": "ISSN", "relationType": "IsPartOf"}]},
        {"relatedIdentifiers": [{"relatedIdentifier": "1234-5678", "relatedIdentifierType": "ISSN", "relationType": "IsPartOf"}]}),
    Row("date-format", "documentation", "4.7 8 Date: W3CDTF, ranges, -YYYY BCE",
        {"dates": [{"date": "-0054/0014", "dateType": "Coverage"}]}, {"dates": [{"date": "31-01-2019", "dateType": "Issued"}]}),
    Row("reciprocal-version", "documentation", "4.7 12.c IsNewVersionOf / IsPreviousVersionOf pairs",
        _rel("10.80000/ab12-cd34"), _rel("10.80000/ab12-cd34"), files={"dois/10.80000/ab12-cd34.yaml": OTHER_BACK},
        bad_files={"dois/10.80000/ab12-cd34.yaml": OTHER}),
    Row("relation-scheme", "documentation", "4.7 12.c-e relatedMetadataScheme only with HasMetadata",
        {"relatedIdentifiers": [{"relatedIdentifier": "https://example.org/ddi.xml", "relatedIdentifierType": "URL",
                                 "relationType": "HasMetadata", "relatedMetadataScheme": "DDI-L"}]},
        {"relatedIdentifiers": [{"relatedIdentifier": "https://example.org/ddi.xml", "relatedIdentifierType": "URL",
                                 "relationType": "References", "relatedMetadataScheme": "DDI-L"}]}),
    Row("polygon-closed", "documentation", "4.7 18.4.1 a polygon ends where it starts",
        {"geoLocations": [{"geoLocationPolygon": [{"polygonPoint": p} for p in (P1, P2, P3, P1)]}]},
        {"geoLocations": [{"geoLocationPolygon": [{"polygonPoint": p} for p in (P1, P2, P3, P4)]}]}),
    # Best practice.
    Row("doi-case", "practice", "DOIs in lower case", {}, {"doi": "10.80000/3MFP-6M52"}),
    Row("file-path", "practice", "one file per DOI, named after it", {}, {}, bad_path="dois/10.80000/other.yaml"),
    Row("url-https", "practice", "landing pages on https", {}, {"url": "http://data.example.org/records/1"}),
    Row("landing-page", "practice", "a DOI resolves to a landing page", {}, {"url": "https://data.example.org/r/1.pdf"}),
    Row("tombstone-url", "practice", "a hidden DOI points at a tombstone page",
        {"state": "registered", "url": "https://data.example.org/tombstone/1"}, {"state": "registered"}),
    Row("opaque-suffix", "practice", "opaque suffixes", {}, {"doi": "10.80000/ocean-temperatures-2024"},),
    Row("whitespace", "practice", "no stray whitespace", {}, {"titles": [{"title": " Sensor readings"}]}),
    Row("outside-repository", "doiac", "every DOI file in a repository folder", {}, {},
        bad_files={"archive/10.80000/old.yaml": "doi: 10.80000/zz99-zz99\nstate: draft\n"}),
]  # fmt: skip

_SEVERITY = {"xsd": Severity.ERROR, "api": Severity.ERROR, "documentation": Severity.WARNING,
             "practice": Severity.ADVICE, "doiac": Severity.WARNING}  # fmt: skip
# Rules whose failing example is less than the level's default: DataCite keeps the record and
# loses or rewrites the value (the message says so), or a note rather than a warning.
_QUIETER = {"doi-characters": Severity.WARNING, "language": Severity.WARNING,
            "identifier-doi": Severity.WARNING, "tombstone-url": Severity.INFO}  # fmt: skip


def _record(fragment: dict[str, Any]) -> dict[str, Any]:
    record = dict(BASE)
    for key, value in fragment.items():
        if value is DROP:
            record.pop(key, None)
        else:
            record[key] = value
    return record


def _validate(root: Path, record: dict[str, Any], path: str | None, files: dict[str, str]) -> list[Any]:
    repo = Repo(root)
    doi = str(record.get("doi", BASE["doi"]))
    target = path or f"dois/{doi.split('/', 1)[0]}/{doi.split('/', 1)[-1].lower().replace('/', '__')}.yaml"
    written = repo.root / target
    written.parent.mkdir(parents=True, exist_ok=True)
    with written.open("w", encoding="utf-8") as handle:
        YAML().dump(record, handle)
    for name, text in files.items():
        repo.write(name, text)
    return list(read_desired(load_config(repo.config)).diagnostics)


@pytest.mark.parametrize("row", ROWS, ids=[f"{r.rule}:{r.source}" for r in ROWS])
def test_row(row: Row, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert RULES[row.rule].level == row.level, f"the catalogue gives {row.rule} level {RULES[row.rule].level}"
    monkeypatch.chdir(tmp_path)
    passing = _validate(tmp_path / "ok", _record(row.ok), row.path, row.files)
    assert [d for d in passing if d.rule == row.rule] == [], "the passing example fails the rule"
    bad_files = row.files if row.bad_files is None else row.bad_files
    failing = _validate(tmp_path / "bad", _record(row.bad), row.bad_path or row.path, bad_files)
    raised = [d for d in failing if d.rule == row.rule]
    assert raised, f"no check raised {row.rule}: {[(d.rule, d.message) for d in failing]}"
    expected = _QUIETER.get(row.rule, _SEVERITY[row.level])
    assert {d.severity for d in raised} == {expected}, [(d.severity, d.message) for d in raised]


def test_every_rule_has_a_row() -> None:
    assert sorted(set(RULES) - {row.rule for row in ROWS}) == []


def test_every_rule_validation_reports_is_in_the_catalogue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    seen: set[str] = set()
    for index, row in enumerate(ROWS):
        found = _validate(tmp_path / str(index), _record(row.bad), row.bad_path or row.path,
                          row.files if row.bad_files is None else row.bad_files)  # fmt: skip
        seen |= {d.rule for d in found}
    assert sorted(seen - set(RULES)) == []
