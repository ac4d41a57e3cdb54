"""What DataCite's server does to the attributes it is sent (reference §2.3–§2.8), one rule each.

`accept` filters and wraps a request's attributes; `on_save` runs the callbacks DataCite runs on
every save over the whole stored record; `render` gives the outward view of a stored record.
"""

from __future__ import annotations

import re
from typing import Any

from .tables import DEFAULT_TYPES, LANGUAGE_LOOKUP, SO_BIBTEX, SO_CITEPROC, SPDX, TYPE_OVERRIDES, TYPES

_PERSON = ["nameType", "name", "givenName", "familyName", "lang", "nameIdentifiers", "affiliation"]
# §2.8.9: keys the JSON path keeps; everything else is dropped without error.
PERMIT: dict[str, Any] = {
    "titles": ["title", "titleType", "lang"],
    "descriptions": ["description", "descriptionType", "lang"],
    "creators": _PERSON,
    "contributors": [*_PERSON, "contributorType"],
    "subjects": ["subject", "subjectScheme", "schemeUri", "valueUri", "lang", "classificationCode"],
    "dates": ["date", "dateType", "dateInformation"],
    "rightsList": ["rights", "rightsUri", "rightsIdentifier", "rightsIdentifierScheme", "schemeUri", "lang"],
    "identifiers": ["identifier", "identifierType"],
    "relatedIdentifiers": ["relatedIdentifier", "relatedIdentifierType", "relationType", "relationTypeInformation",
                           "resourceTypeGeneral", "relatedMetadataScheme", "schemeUri", "schemeType"],
    "relatedItems": ["relationType", "relatedItemType", "relationTypeInformation", "publicationYear", "volume",
                     "issue", "number", "numberType", "firstPage", "lastPage", "publisher", "edition",
                     "relatedItemIdentifier", "creators", "titles", "contributors"],
    "fundingReferences": ["funderName", "funderIdentifier", "funderIdentifierType", "awardNumber", "awardUri",
                          "awardTitle", "schemeUri"],
    "geoLocations": ["geoLocationPlace", "geoLocationPoint", "geoLocationBox", "geoLocationPolygon"],
}  # fmt: skip
NESTED = {
    "nameIdentifiers": ["nameIdentifier", "nameIdentifierScheme", "schemeUri"],
    "affiliation": ["name", "affiliationIdentifier", "affiliationIdentifierScheme", "schemeUri"],
    "relatedItemIdentifier": ["relatedItemIdentifier", "relatedItemIdentifierType", "relatedMetadataScheme",
                              "schemeURI", "schemeType"],
}  # fmt: skip
_RELATED_ITEM_PEOPLE = {"creators": ["nameType", "name", "givenName", "familyName"],
                        "contributors": ["contributorType", "name", "givenName", "familyName", "nameType"],
                        "titles": ["title", "titleType"]}  # fmt: skip
SCALARS = ("publisher", "publicationYear", "types", "language", "version", "url", "container")
LISTS = (*PERMIT, "sizes", "formats", "contentUrl")
WRAPPED = ("titles", "dates", "subjects", "sizes", "formats", "rightsList", "identifiers", "relatedIdentifiers",
           "relatedItems", "fundingReferences", "geoLocations", "contentUrl", "creators", "contributors",
           "descriptions")  # fmt: skip
_OBJECT_ARRAYS = ("titles", "creators", "contributors", "dates", "descriptions", "identifiers",
                  "relatedIdentifiers", "relatedItems", "fundingReferences", "geoLocations")  # fmt: skip
_SINGULAR = {"titles": "Title", "creators": "Creator", "contributors": "Contributor", "dates": "Date",
             "descriptions": "Description", "identifiers": "Identifier", "relatedIdentifiers": "Related identifier",
             "relatedItems": "Related item", "fundingReferences": "Funding reference",
             "geoLocations": "Geolocation"}  # fmt: skip


def _pick(item: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    return {k: item[k] for k in keys if k in item}


def accept(attributes: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The metadata attributes a request may set, wrapped and filtered, and any 422 shape errors."""
    taken: dict[str, Any] = {}
    errors: list[tuple[str, str]] = []
    incoming = dict(attributes)
    if "identifiers" not in incoming and isinstance(incoming.get("alternateIdentifiers"), list):
        incoming["identifiers"] = [
            {"identifier": a.get("alternateIdentifier"), "identifierType": a.get("alternateIdentifierType")}
            for a in incoming["alternateIdentifiers"] if isinstance(a, dict)
        ]  # fmt: skip
    for key in (*SCALARS, *LISTS):
        if key not in incoming:
            continue
        value = incoming[key]
        if key in WRAPPED and value is not None and not isinstance(value, list):
            if key in ("subjects", "rightsList") and isinstance(value, str):
                value = [{"subject" if key == "subjects" else "rights": value}]
            else:
                value = [value]  # §2.6: a single object or scalar is wrapped
        if key in _OBJECT_ARRAYS and isinstance(value, list):
            for item in value:
                if not isinstance(item, dict):
                    errors.append(
                        (_snake(key), f"{_SINGULAR[key]} '{item}' should be an object instead of a string.")
                    )
                    break
        if key in ("types", "container") and value is not None and not isinstance(value, dict):
            errors.append((key, f"{key.capitalize()} '{value}' should be an object instead of a string."))
        taken[key] = _filter(key, value)
    return taken, errors


def _snake(key: str) -> str:
    return re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), key)


def _filter(key: str, value: Any) -> Any:
    if key not in PERMIT or not isinstance(value, list):
        return value
    out = []
    for item in value:
        if not isinstance(item, dict):
            continue  # inside arrays only objects survive the permit filter
        kept = _pick(item, PERMIT[key])
        for nested, allowed in NESTED.items():
            if nested in kept:
                inner = kept[nested]
                if isinstance(inner, dict) and nested != "relatedItemIdentifier":
                    inner = [inner]  # an object nameIdentifiers becomes a one-element list
                if isinstance(inner, list):
                    kept[nested] = [_pick(i, allowed) for i in inner if isinstance(i, dict)]
                elif isinstance(inner, dict):
                    kept[nested] = _pick(inner, allowed)
        if key == "relatedItems":
            for sub, allowed in _RELATED_ITEM_PEOPLE.items():
                if isinstance(kept.get(sub), list):
                    kept[sub] = [_pick(i, allowed) for i in kept[sub] if isinstance(i, dict)]
        out.append(kept)
    return out


def on_save(stored: dict[str, Any]) -> dict[str, Any]:
    """The callbacks DataCite runs before every save, over the whole stored record (§2.8)."""
    record = dict(stored)
    if "publisher" in record:
        record["publisher"] = publisher_object(record["publisher"])
        if record["publisher"] is None:
            del record["publisher"]
    if isinstance(record.get("language"), str) and record["language"].strip():
        record["language"] = language(record["language"])
    if record.get("rightsList"):
        record["rightsList"] = [r for r in (rights(e) for e in record["rightsList"]) if r]
    if isinstance(record.get("identifiers"), list):
        # identifiers typed exactly "DOI" are dropped before validation (so their 422 never fires)
        record["identifiers"] = [i for i in record["identifiers"] if i.get("identifierType") != "DOI"]
    if isinstance(record.get("types"), dict):
        record["types"] = types(record["types"])
    if isinstance(record.get("geoLocations"), list):
        record["geoLocations"] = [_numeric(g) for g in record["geoLocations"]]
    if isinstance(record.get("subjects"), list):
        unique: list[Any] = []
        for subject in record["subjects"]:
            if subject not in unique:
                unique.append(subject)
        record["subjects"] = unique
    if "publicationYear" in record:
        record["publicationYear"] = _year(record["publicationYear"])
    if record.get("version") is not None:
        record["version"] = str(record["version"])
    return record


def _year(value: Any) -> Any:
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return value


def publisher_object(value: Any) -> dict[str, Any] | None:
    """A string becomes {name}; an object keeps its permitted, non-null keys; all-null clears it."""
    if isinstance(value, str):
        return {"name": value}
    if isinstance(value, dict):
        kept = {k: v for k, v in value.items()
                if k in ("name", "lang", "schemeUri", "publisherIdentifier", "publisherIdentifierScheme") and v is not None}  # fmt: skip
        return kept or None
    return None


_WELL_FORMED = re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$")


def language(value: str) -> str | None:
    """§2.8.4: the two-letter code when the head is a known code or English name, else kept or nulled."""
    head = value.split("-", maxsplit=1)[0]
    code = LANGUAGE_LOOKUP.get(head) or LANGUAGE_LOOKUP.get(head[:1].upper() + head[1:])
    if code is not None:
        return code
    return value if _WELL_FORMED.match(value) else None


def types(value: dict[str, Any]) -> dict[str, Any]:
    """§2.7: schemaOrg, citeproc, bibtex and ris derived under what the caller sent; nulls dropped."""
    general = value.get("resourceTypeGeneral")
    raw = value.get("resourceType")
    override = TYPE_OVERRIDES.get(_camel(raw)) if isinstance(raw, str) else None
    base = TYPES.get(general, DEFAULT_TYPES) if isinstance(general, str) else DEFAULT_TYPES
    schema_org = (override and override[0]) or base[0]
    derived = {
        "schemaOrg": schema_org,
        "citeproc": (override and override[1]) or SO_CITEPROC.get(schema_org, "article"),
        "bibtex": (override and override[2]) or SO_BIBTEX.get(schema_org, "misc"),
        "ris": (override and override[3]) or base[3],
    }
    merged = {**derived, **value}
    return {k: v for k, v in merged.items() if v is not None}


def _camel(text: str) -> str:
    # ActiveSupport underscore then camelcase: journal-article / JOURNAL_ARTICLE → JournalArticle.
    snake = re.sub(r"([a-z\d])([A-Z])", r"\1_\2", text).replace("-", "_").lower()
    return "".join(part[:1].upper() + part[1:] for part in snake.split("_"))


def _clean_url(url: str) -> str | None:
    match = re.match(r"^(?:https?|ftp)://([^/?#]+)([^?#]*)(.*)$", url.strip())
    if not match:
        return None
    path = re.sub(r"/+", "/", match.group(2))
    if len(path) > 1:
        path = path.rstrip("/")
    cleaned = f"https://{match.group(1)}{path}{match.group(3)}"
    cc = re.match(
        r"^https://creativecommons\.org/licenses/(by(?:-sa|-nd|-nc|-nc-sa|-nc-nd|-nd-nc)?)/(\d\.\d)(/us)?$",
        cleaned,
    )
    if cc:
        return f"https://creativecommons.org/licenses/{cc.group(1)}/{cc.group(2)}/legalcode"
    if cleaned == "https://creativecommons.org/publicdomain/zero/1.0":
        return cleaned + "/legalcode"
    return cleaned


def rights(entry: Any) -> dict[str, Any] | None:
    """§2.8.1: match an SPDX licence (first in list order wins) and replace the entry with it."""
    if isinstance(entry, str):
        entry = {"rights": entry}
    if not isinstance(entry, dict) or not any(v for v in entry.values()):
        return None
    ident = entry.get("rightsIdentifier")
    text = entry.get("rights")
    text_url = _clean_url(text) if isinstance(text, str) else None
    for license_id, name, url in SPDX:
        if (
            (isinstance(ident, str) and ident.lower() == license_id.lower())
            or text == name
            # The cleaned text against the licence's URL as listed, not cleaned (§2.8.1, 3(d)):
            # Apache-2.0's http URL is never matched, since the cleaner forces https.
            or (text_url is not None and text_url == url)
        ):
            found = {"rights": name, "rightsUri": url, "rightsIdentifier": license_id.lower(),
                     "rightsIdentifierScheme": "SPDX", "schemeUri": "https://spdx.org/licenses/"}  # fmt: skip
            if entry.get("lang") is not None:
                found["lang"] = entry["lang"]
            return found
    kept = {k: v for k, v in entry.items() if v is not None}
    if isinstance(kept.get("rightsIdentifier"), str):
        kept["rightsIdentifier"] = kept["rightsIdentifier"].lower()
    return kept


def _numeric(geo: Any) -> Any:
    """§2.8.8: coordinates given as numeric strings become numbers ("49.1" → 49.1, "49" → 49)."""
    if isinstance(geo, dict):
        # Coordinates only: a geoLocationPlace such as "1905" stays the string it was sent as.
        return {k: v if k == "geoLocationPlace" else _numeric(v) for k, v in geo.items()}
    if isinstance(geo, list):
        return [_numeric(v) for v in geo]
    if isinstance(geo, str) and re.fullmatch(r"[-+]?\d+(\.\d+)?([eE][-+]?\d+)?", geo.strip()):
        # Ruby's to_f for strings with a dot, to_i otherwise: "1e5" becomes 1, as DataCite does.
        return float(geo) if "." in geo else int(re.match(r"[-+]?\d+", geo.strip()).group())  # type: ignore[union-attr]
    return geo
