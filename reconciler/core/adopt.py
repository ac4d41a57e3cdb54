"""A live record as a DOI file: what `doiac import` and `doiac show` write, and the canonical order.

The file keeps every value exactly as DataCite holds it and leaves out what DataCite owns or
derives, and what the config's defaults already say. A leaving-out is kept only when the record
still compares equal to the live one afterwards: a file written from `file_form` makes an empty
plan, or `file_form` says why it cannot (`Adopted.problem`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..model import DesiredRecord, LiveRecord
from .compare import is_in_sync
from .normalize import SERVER_OWNED

INTENT_KEYS = ("doi", "state", "url")
METADATA_ORDER = (
    "creators", "titles", "publisher", "publicationYear", "types", "subjects", "contributors", "dates",
    "language", "identifiers", "relatedIdentifiers", "relatedItems", "sizes", "formats", "version",
    "rightsList", "descriptions", "geoLocations", "fundingReferences", "contentUrl",
)  # fmt: skip
"""Top-level keys in the order of the DataCite schema's properties, as the example files use."""
KEY_ORDER = (*INTENT_KEYS, *METADATA_ORDER)
_RANK = {key: rank for rank, key in enumerate(KEY_ORDER)}
_DERIVED_TYPES = ("schemaOrg", "citeproc", "bibtex", "ris")


@dataclass(frozen=True)
class Adopted:
    """The file data for one live DOI, or the reason no file can reproduce it exactly."""

    doi: str
    data: dict[str, Any]
    problem: str | None = None


def ordered(data: Mapping[str, Any]) -> dict[str, Any]:
    """`data` with its top-level keys in KEY_ORDER; unknown keys after them, in their own order."""
    return dict(sorted(data.items(), key=lambda item: _RANK.get(item[0], len(_RANK))))


def merged(data: Mapping[str, Any], defaults: Mapping[str, Any]) -> dict[str, Any]:
    """A file's data over the config's defaults, as `doiac validate` merges them: the file's keys win."""
    return {**defaults, **data}


def as_desired(
    data: Mapping[str, Any], defaults: Mapping[str, Any], path: str, repository: str
) -> DesiredRecord:
    """The desired record a file holding `data` gives, its defaults merged."""
    record = merged(data, defaults)
    return DesiredRecord(
        doi=str(record["doi"]).lower(),
        state=str(record["state"]),
        url=record.get("url"),
        attributes={k: v for k, v in record.items() if k not in INTENT_KEYS},
        path=path,
        repository=repository,
    )


def file_form(live: LiveRecord, defaults: Mapping[str, Any], path: str, repository: str) -> Adopted:
    """The DOI file data for `live`, as small as it can be while the next plan stays empty."""
    data: dict[str, Any] = {"doi": live.doi, "state": live.state}
    if live.url:
        data["url"] = live.url
    for key, value in live.attributes.items():
        if key not in SERVER_OWNED and not _is_empty(value):
            data[key] = value
    # A default the live record lacks is written as `key: null`: the file's null wins over the default.
    shadow = {k: None for k in defaults if k not in INTENT_KEYS and k not in data}

    def in_sync(candidate: dict[str, Any]) -> bool:
        return is_in_sync(as_desired({**candidate, **shadow}, defaults, path, repository), live)

    data = ordered(data)
    if not in_sync(data):
        return Adopted(live.doi, ordered({**data, **shadow}), _why_not(shadow))
    for simplify in (*_SIMPLIFICATIONS, *(_without_default(key, defaults) for key in defaults)):
        candidate = simplify(data)
        if candidate != data and in_sync(candidate):
            data = candidate
    return Adopted(live.doi, ordered({**data, **shadow}))


def _why_not(shadow: Mapping[str, Any]) -> str:
    if shadow:
        return (
            f"the config's defaults give {', '.join(sorted(shadow))}, which DataCite does not hold for it,"
            " and `null` in the file does not say the same"
        )
    return "its live record does not compare equal to any file doiac can write (a canonical-form gap)"


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, list | dict) and not value)


def _drop_empty(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_empty(v) for k, v in value.items() if not _is_empty(v)}
    if isinstance(value, list):
        return [_drop_empty(v) for v in value]
    return value


def _without_empty(data: dict[str, Any]) -> dict[str, Any]:
    """Empty lists and nulls DataCite adds (`affiliation: []`, `nameIdentifiers: []`) left out."""
    cleaned = _drop_empty(data)
    return {k: v for k, v in cleaned.items() if not _is_empty(v)}


def _without_derived_types(data: dict[str, Any]) -> dict[str, Any]:
    """schemaOrg, citeproc, bibtex and ris left to DataCite, which derives them from resourceTypeGeneral."""
    types = data.get("types")
    if not isinstance(types, dict):
        return data
    return {**data, "types": {k: v for k, v in types.items() if k not in _DERIVED_TYPES}}


def _without_doi_identifiers(data: dict[str, Any]) -> dict[str, Any]:
    """The DOI itself, which DataCite lists among `identifiers`, left out."""
    identifiers = data.get("identifiers")
    if not isinstance(identifiers, list):
        return data
    kept = [i for i in identifiers if not (isinstance(i, dict) and i.get("identifierType") == "DOI")]
    return {k: v for k, v in {**data, "identifiers": kept}.items() if not _is_empty(v)}


def _without_default(key: str, defaults: Mapping[str, Any]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def simplify(data: dict[str, Any]) -> dict[str, Any]:
        if key in INTENT_KEYS or key not in data:
            return data
        return {k: v for k, v in data.items() if k != key}

    simplify.__doc__ = f"`{key}` left to the config's defaults"
    return simplify


_SIMPLIFICATIONS: tuple[Callable[[dict[str, Any]], dict[str, Any]], ...] = (
    _without_empty,
    _without_derived_types,
    _without_doi_identifiers,
)
