"""The canonical form: what DataCite does to what it is sent, undone on both sides before a diff.

Each rule is one named entry of RULES, so the plan can say which rewrite it suppressed and
tests can drive one rule per row. A rule must suppress a rewrite DataCite makes and never hide a
real change. Rules here need no data tables; language shortening, `types` defaults and SPDX
expansion (reference §2.8.1–2.8.4) are still to come.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

# What DataCite sets or derives itself; never part of a comparison (reference §2.2, §2.5).
SERVER_OWNED = frozenset(
    [
        "id",
        "type",
        "relationships",
        "prefix",
        "suffix",
        "created",
        "updated",
        "registered",
        "published",
        "xml",
        "metadataVersion",
        "schemaVersion",
        "isActive",
        "state",
        "url",
        "source",
        "reason",
        "landingPage",
        "agency",
        "viewCount",
        "downloadCount",
        "citationCount",
        "referenceCount",
        "partCount",
        "partOfCount",
        "versionCount",
        "versionOfCount",
        "viewsOverTime",
        "downloadsOverTime",
        "citationsOverTime",
        "container",
        "alternateIdentifiers",
        "doi",
    ]
)
# Attributes DataCite wraps into a list when given a single object or scalar (§2.6).
LIST_ATTRIBUTES = (
    "creators", "contributors", "titles", "subjects", "dates", "identifiers", "relatedIdentifiers",
    "relatedItems", "sizes", "formats", "rightsList", "descriptions", "geoLocations", "fundingReferences",
    "contentUrl",
)  # fmt: skip
_NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?$")

Record = dict[str, Any]


@dataclass(frozen=True)
class Rule:
    """One DataCite rewrite: its name, what DataCite does, and how the canonical form undoes it."""

    name: str
    does: str
    apply: Callable[[Record], Record]


def _server_owned(record: Record) -> Record:
    return {k: v for k, v in record.items() if k not in SERVER_OWNED}


def _is_empty(value: Any) -> bool:
    # An empty string is not "nothing": DataCite stores it as sent and shows it.
    return value is None or (isinstance(value, list | dict) and not value)


def _drop_empty(value: Any) -> Any:
    if isinstance(value, Mapping):
        cleaned = {k: _drop_empty(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if not _is_empty(v)}
    if isinstance(value, list):
        return [_drop_empty(v) for v in value]
    return value


def _empty_is_missing(record: Record) -> Record:
    result = _drop_empty(record)
    return result if isinstance(result, dict) else {}


def _wrap_single(record: Record) -> Record:
    return {
        k: [v] if k in LIST_ATTRIBUTES and v is not None and not isinstance(v, list) else v
        for k, v in record.items()
    }


def _people(record: Record, change: Callable[[dict[str, Any]], dict[str, Any]]) -> Record:
    result = dict(record)
    for key in ("creators", "contributors"):
        if isinstance(result.get(key), list):
            result[key] = [change(dict(p)) if isinstance(p, Mapping) else p for p in result[key]]
    return result


def _person_shapes(person: dict[str, Any]) -> dict[str, Any]:
    affiliations = person.get("affiliation")
    if isinstance(affiliations, list):
        person["affiliation"] = [{"name": a} if isinstance(a, str) else a for a in affiliations]
    if isinstance(person.get("nameIdentifiers"), Mapping):
        person["nameIdentifiers"] = [person["nameIdentifiers"]]
    return person


def _publisher_object(record: Record) -> Record:
    if isinstance(record.get("publisher"), str):
        return {**record, "publisher": {"name": record["publisher"]}}
    return record


def _publication_year(record: Record) -> Record:
    year = record.get("publicationYear")
    if isinstance(year, str) and year.strip().isdigit():
        return {**record, "publicationYear": int(year)}
    return record


def _version_string(record: Record) -> Record:
    version = record.get("version")
    if isinstance(version, int | float) and not isinstance(version, bool):
        return {**record, "version": str(version)}
    return record


def _doi_identifiers(record: Record) -> Record:
    identifiers = record.get("identifiers")
    if isinstance(identifiers, list):
        kept = [i for i in identifiers if not (isinstance(i, Mapping) and i.get("identifierType") == "DOI")]
        return {**record, "identifiers": kept}
    return record


def _numbers(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers(v) for v in value]
    if isinstance(value, str) and _NUMBER.match(value.strip()):
        return float(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _numeric_geo(record: Record) -> Record:
    if isinstance(record.get("geoLocations"), list):
        return {**record, "geoLocations": _numbers(record["geoLocations"])}
    return record


def _subjects_unique(record: Record) -> Record:
    subjects = record.get("subjects")
    if not isinstance(subjects, list):
        return record
    unique: list[Any] = []
    for subject in subjects:
        if subject not in unique:
            unique.append(subject)
    return {**record, "subjects": unique}


RULES: tuple[Rule, ...] = (
    Rule(
        "server-owned",
        "DataCite sets created, updated, xml, counters, … and derives container",
        _server_owned,
    ),
    Rule("wrap-single", "DataCite wraps a single object or value into a list", _wrap_single),
    Rule(
        "person-shapes",
        "affiliations come back as name strings; an object nameIdentifiers becomes a list",
        lambda r: _people(r, _person_shapes),
    ),
    Rule("publisher-object", "a publisher string is stored as {name}", _publisher_object),
    Rule("publication-year", "publicationYear is stored as an integer", _publication_year),
    Rule("version-string", "version is stored as a string", _version_string),
    Rule("doi-identifiers", "identifiers of type DOI are dropped", _doi_identifiers),
    Rule("numeric-geo", "coordinates written as numeric strings become numbers", _numeric_geo),
    Rule("subjects-unique", "exact duplicate subjects are removed", _subjects_unique),
    Rule(
        "empty-is-missing", "null, [] and {} all mean nothing; DataCite adds empty lists", _empty_is_missing
    ),
)


def canonical(attributes: Mapping[str, Any]) -> Record:
    """The canonical form of a record's metadata: equal canonical forms mean no change."""
    record: Record = dict(attributes)
    for rule in RULES:
        record = rule.apply(record)
    return record
