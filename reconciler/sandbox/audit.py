"""DataCite's audit trail of a DOI (reference §13): the audited columns, and an audit as an activity.

lupo audits a fixed set of `dataset` columns under their database names (`publication_year`,
`rights_list`, `aasm_state`, …); the sandbox keeps REST attributes, so each is mapped to its
column here. A create records every audited column, nulls included; an update records only the
columns that changed, each as [old, new] with the whole before and after value.
"""

from __future__ import annotations

import json
from typing import Any

from .row import Row
from .serialize import derive_container, timestamp

AUDITED = (
    "doi", "url", "creators", "contributors", "titles", "publisher_obj", "publication_year", "types",
    "descriptions", "container", "sizes", "formats", "version_info", "language", "dates", "identifiers",
    "related_identifiers", "related_items", "funding_references", "geo_locations", "rights_list", "subjects",
    "schema_version", "content_url", "landing_page", "aasm_state", "source", "reason",
)  # fmt: skip
"""The audited columns, in lupo's order (app/models/doi.rb)."""

COLUMNS = {
    "creators": "creators", "contributors": "contributors", "titles": "titles", "publisher": "publisher_obj",
    "publicationYear": "publication_year", "types": "types", "descriptions": "descriptions", "sizes": "sizes",
    "formats": "formats", "version": "version_info", "language": "language", "dates": "dates",
    "identifiers": "identifiers", "relatedIdentifiers": "related_identifiers", "relatedItems": "related_items",
    "fundingReferences": "funding_references", "geoLocations": "geo_locations", "rightsList": "rights_list",
    "subjects": "subjects", "contentUrl": "content_url",
}  # fmt: skip
"""Stored REST attribute → audited column. The other audited columns come from the row itself."""


def columns(row: Row) -> dict[str, Any]:
    """The audited columns of a row, as JSON would give them back (so equal values compare equal)."""
    stored = row.attributes
    values = {column: stored.get(attribute) for attribute, column in COLUMNS.items()}
    values.update(
        doi=row.doi.upper(),
        url=row.url,
        container=derive_container(stored) or None,
        schema_version=row.schema_version,
        landing_page=None,  # written by DataCite's link checker only, which the sandbox has not
        aasm_state=row.state,
        source=row.source,
        reason=row.reason,
    )
    normalised: dict[str, Any] = json.loads(json.dumps({column: values[column] for column in AUDITED}))
    return normalised


def changes(before: Row | None, after: Row) -> dict[str, Any]:
    """An audit's `audited_changes`: every column on create, only the changed ones as [old, new] after."""
    new = columns(after)
    if before is None:
        return new
    old = columns(before)
    return {column: [old[column], new[column]] for column in AUDITED if old[column] != new[column]}


def activity(audit: dict[str, Any], base: str, *, publisher: bool) -> dict[str, Any]:
    """A stored audit as DataCite's activity resource (§13.2); `base` is the API's URL, no trailing slash."""
    who = audit["who"]  # None for a write no account made (seeding), as for DataCite's background jobs
    attributed = None if who is None else f"{base}/{'repositories' if '.' in who else 'providers'}/{who}"
    return {
        "id": audit["id"],
        "type": "activities",
        "attributes": {
            "prov:wasGeneratedBy": f"{base}/activities/{audit['id']}",
            "prov:generatedAtTime": timestamp(audit["at"], precise=True),
            "prov:wasDerivedFrom": f"https://doi.org/{audit['doi'].lower()}",
            "prov:wasAttributedTo": attributed,
            "action": audit["action"],
            "version": audit["version"],
            "changes": _shown(audit["changes"], pairs=audit["action"] != "create", publisher=publisher),
        },
    }


def _shown(changes: dict[str, Any], *, pairs: bool, publisher: bool) -> dict[str, Any]:
    """The serializer drops `publisher_obj` for `publisher`: the name, or with publisher=true the object."""
    shown: dict[str, Any] = {}
    for key, value in changes.items():
        if key != "publisher_obj":
            shown[key] = value
        elif pairs and isinstance(value, list):
            shown["publisher"] = [_publisher(v, as_object=publisher) for v in value]
        else:
            shown["publisher"] = _publisher(value, as_object=publisher)
    return shown


def _publisher(value: Any, *, as_object: bool) -> Any:
    if value is None:
        return None
    if as_object:
        return value if isinstance(value, dict) else {"name": value}  # older string-only values are wrapped
    return value.get("name") if isinstance(value, dict) else value
