"""JSON:API views of a stored DOI: the single resource and the (different) list item (§2.4, §2.5)."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

from .row import Row

KERNEL_4 = "http://datacite.org/schema/kernel-4"
_LIST_ONLY_IN_DETAIL = ("prefix", "suffix", "xml", "alternateIdentifiers", "viewsOverTime", "downloadsOverTime",
                        "citationsOverTime")  # fmt: skip
_COUNTERS = ("viewCount", "downloadCount", "referenceCount", "citationCount", "partCount", "partOfCount",
             "versionCount", "versionOfCount")  # fmt: skip
_LISTS = ("identifiers", "creators", "titles", "subjects", "contributors", "dates", "relatedIdentifiers",
          "relatedItems", "sizes", "formats", "rightsList", "descriptions", "geoLocations", "fundingReferences")  # fmt: skip


def timestamp(ms: int | None, *, precise: bool) -> str | None:
    """Milliseconds in the single view (SQL), seconds in the list (the index): §2.5."""
    if ms is None:
        return None
    base = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms / 1000))
    return f"{base}.{ms % 1000:03d}Z" if precise else f"{base}Z"


def derive_container(attributes: dict[str, Any]) -> dict[str, Any]:
    """§2.8.7: from the first IsPublishedIn relatedItem, else a SeriesInformation description."""
    kind = (
        "DataRepository"
        if (attributes.get("types") or {}).get("resourceTypeGeneral") == "Dataset"
        else "Series"
    )
    for item in attributes.get("relatedItems") or []:
        if item.get("relationType") != "IsPublishedIn":
            continue
        ident = item.get("relatedItemIdentifier") or {}
        titles = item.get("titles") or [{}]
        found = {
            "type": kind, "identifier": ident.get("relatedItemIdentifier"),
            "identifierType": ident.get("relatedItemIdentifierType"), "title": titles[0].get("title"),
            "volume": item.get("volume"), "issue": item.get("issue"), "edition": item.get("edition"),
            "number": item.get("number"),
            "chapterNumber": item.get("number") if item.get("numberType") == "Chapter" else None,
            "firstPage": item.get("firstPage"), "lastPage": item.get("lastPage"),
        }  # fmt: skip
        return {k: str(v) if isinstance(v, int) else v for k, v in found.items() if v is not None}
    for description in attributes.get("descriptions") or []:
        if description.get("descriptionType") == "SeriesInformation" and description.get("description"):
            parts = [p.strip() for p in str(description["description"]).split(",")]
            series: dict[str, Any] = {"type": kind, "title": parts[0]}
            if len(parts) >= 3 and "(" in parts[1]:
                series["volume"], series["issue"] = parts[1].rstrip(")").split("(", 1)
            if len(parts) >= 2:
                first, _, last = parts[-1].partition("-")
                series["firstPage"] = first
                if last:
                    series["lastPage"] = last
            for rel in attributes.get("relatedIdentifiers") or []:
                if rel.get("relationType") == "IsPartOf":
                    series["identifier"] = rel.get("relatedIdentifier")
                    series["identifierType"] = rel.get("relatedIdentifierType")
                    break
            return series
    container = attributes.get("container")
    return dict(container) if isinstance(container, dict) else {}


def _people(people: Any, *, affiliation: bool) -> Any:
    if not isinstance(people, list):
        return people
    out = []
    for person in people:
        shown = dict(person)
        shown.setdefault("nameIdentifiers", [])
        affiliations = shown.get("affiliation") or []
        shown["affiliation"] = affiliations if affiliation else [a.get("name") for a in affiliations]
        out.append(shown)
    return out


def attributes_view(
    row: Row, *, affiliation: bool, publisher: bool, single: bool, detail: bool, owner: bool = False
) -> dict[str, Any]:
    """The `attributes` object DataCite returns for this row."""
    stored = row.attributes
    uid = row.doi.lower()
    view: dict[str, Any] = {"doi": uid}
    if single or detail:
        view["prefix"], view["suffix"] = uid.split("/", 1)
    identifiers = [
        i for i in stored.get("identifiers") or [] if i.get("identifier") not in (row.doi, row.url)
    ]
    view["identifiers"] = identifiers
    if single or detail:
        view["alternateIdentifiers"] = [
            {"alternateIdentifier": i.get("identifier"), "alternateIdentifierType": i.get("identifierType")}
            for i in identifiers
        ]
    for key in _LISTS:
        if key != "identifiers":
            view[key] = stored.get(key) if stored.get(key) is not None else []
    view["creators"] = _people(view["creators"], affiliation=affiliation)
    view["contributors"] = _people(view["contributors"], affiliation=affiliation)
    pub = stored.get("publisher")
    view["publisher"] = pub if publisher or not isinstance(pub, dict) else pub.get("name")
    view["container"] = derive_container(stored)
    view["publicationYear"] = stored.get("publicationYear")
    view["language"] = stored.get("language")
    view["types"] = stored.get("types") or {}
    view["version"] = stored.get("version")
    view["contentUrl"] = stored.get("contentUrl") or None
    if single or detail:
        view["xml"] = base64.b64encode((row.xml or "").encode()).decode()
    view["url"] = row.url
    view["metadataVersion"] = row.metadata_version
    view["schemaVersion"] = row.schema_version
    view["source"] = row.source
    view["isActive"] = row.state == "findable"
    view["state"] = row.state
    view["reason"] = row.reason
    if owner:
        # Only the owning repository sees landingPage (link-check results, written by DataCite staff).
        view["landingPage"] = None
    for counter in _COUNTERS:
        view[counter] = 0
    if single or detail:
        view["viewsOverTime"] = view["downloadsOverTime"] = view["citationsOverTime"] = []
    year = stored.get("publicationYear")
    view["created"] = timestamp(row.created, precise=single)
    view["registered"] = timestamp(row.registered, precise=single)
    # `published` is publicationYear as a string in the single view; the index drops it (null).
    view["published"] = ("" if year is None else str(year)) if single else None
    view["updated"] = timestamp(row.updated, precise=single)
    return view


def resource(
    row: Row,
    *,
    affiliation: bool,
    publisher: bool,
    single: bool = True,
    detail: bool = False,
    owner: bool = False,
) -> dict[str, Any]:
    """The JSON:API resource object; `owner` = the caller is the DOI's repository."""
    uid = row.doi.lower()
    relationships: dict[str, Any] = {"client": {"data": {"id": row.client.lower(), "type": "clients"}}}
    if single or detail:
        relationships["provider"] = {"data": {"id": row.client.split(".")[0].lower(), "type": "providers"}}
        # The media relationship is a single object whose id is the DOI (a DataCite quirk).
        relationships["media"] = {"data": {"id": uid, "type": "media"}}
        for name in ("references", "citations", "parts", "partOf", "versions", "versionOf"):
            relationships[name] = {"data": []}
    return {
        "id": uid,
        "type": "dois",
        "attributes": attributes_view(
            row, affiliation=affiliation, publisher=publisher, single=single, detail=detail, owner=owner
        ),
        "relationships": relationships,
    }


VIEWS = {"plain": (False, False), "full": (True, True), "expanded": (False, True)}
"""The pre-rendered list views: name → (detail, affiliation and publisher)."""


def index_document(row: Row) -> dict[str, Any]:
    """What the list index keeps for a row: a snapshot, as DataCite's search index is.

    The list views most asked for are rendered once here and kept as JSON text, so listing splices
    them instead of rebuilding each item: plain, detail+affiliation+publisher, and
    affiliation+publisher without detail (what `doiac plan` lists; rebuilt, a page of 1,000 took
    the sandbox 140 ms, not 65).
    """
    views = {
        name: json.dumps(resource(row, single=False, detail=detail, affiliation=expanded, publisher=expanded))
        for name, (detail, expanded) in VIEWS.items()
    }
    return {"doi": row.doi, "client": row.client, "state": row.state, "created": row.created,
            "updated": row.updated, "row": json.dumps(row.__dict__), "views": views}  # fmt: skip


def owner_view(view: str) -> str:
    """A pre-rendered list item as its owning repository sees it: with `landingPage`.

    Spliced in before the relationships, which hold no caller-supplied text, so the search from
    the end cannot land inside an attribute value.
    """
    at = view.rfind('}, "relationships": ')
    return f'{view[:at]}, "landingPage": null{view[at:]}'
