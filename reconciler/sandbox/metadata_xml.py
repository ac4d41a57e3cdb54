"""The DataCite XML a DOI's attributes give, and the XSD check DataCite runs on it (reference §2.5, §3.2).

`make_xml` writes the whole kernel-4 document from the stored JSON attributes, as DataCite's writer
(bolognese `DataciteUtils#insert_work`) does: the same elements in the same order, wrappers always
written for creators, titles, sizes and formats, `<publisher>` and `<publicationYear>` written even when
empty (so the XSD, not the writer, refuses a record that lacks them), a date without `dateType` written
as `Issued`, a description without `descriptionType` as `Abstract` and a relatedItem contributor without
`contributorType` as `Other`; pretty-printed with two-space indents, the identifier upper case.

Where bolognese's writer loses data, this one keeps it, so that the XML read back gives the attributes
again: `creatorName` is the `name` as sent (bolognese ≤ 2.5 wrote "Family, Given" whenever `familyName`
was set; that form is used only for a person without `name`), and relatedIdentifier's
`relatedMetadataScheme`/`schemeURI`/`schemeType`/`relationTypeInformation`, funderIdentifier's `schemeURI`
and relatedItem's `relationTypeInformation` are written. A `resourceType` is written only when
`types.resourceTypeGeneral` is set (bolognese's fallback from `schemaOrg` is not emulated).

`xsd_errors` validates such a document against the bundled 4.7 XSD, loaded once, on first use.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from typing import Any

from lxml import etree  # type: ignore[import-untyped,unused-ignore]

from . import kernel as k

_NS = "{" + k.KERNEL_4 + "}"
# Characters XML 1.0 cannot hold (C0 controls but tab/newline/return, lone surrogates, U+FFFE/U+FFFF):
# dropped, as they cannot be written into a document at all.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def _text(value: Any) -> str | None:
    """A JSON value as element or attribute text: null stays absent, other scalars as JSON writes them."""
    if value is None:
        return None
    if isinstance(value, bool):
        value = "true" if value else "false"
    elif isinstance(value, int | float):
        value = str(value)
    elif not isinstance(value, str):
        value = json.dumps(value, ensure_ascii=False)
    return _NOT_XML.sub("", value)


def _present(value: Any) -> bool:
    """Ruby's `present?`: not null, not blank text, not an empty list or object."""
    if isinstance(value, str):
        return bool(value.strip())
    return value is not None and value not in ([], {})


def _objects(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _add(parent: Any, tag: str, text: Any = None, attributes: dict[str, str] | None = None) -> Any:
    element = etree.SubElement(parent, _NS + tag, attributes or {})
    element.text = _text(text)
    return element


def _attrs(source: dict[str, Any], mapping: k.AttributeMap) -> dict[str, str]:
    """The XML attributes for the JSON keys `mapping` names; null ones are left out (Ruby's `compact`)."""
    out = {}
    for name, key in mapping:
        text = _text(source.get(key))
        if text is not None:
            out[name] = text
    return out


def make_xml(doi: str, attributes: dict[str, Any]) -> str:
    """The DataCite XML DataCite would store for these attributes (identifier upper case)."""
    a = attributes
    root = etree.Element(_NS + "resource", {f"{{{k.XSI}}}schemaLocation": k.SCHEMA_LOCATION},
                         nsmap={None: k.KERNEL_4, "xsi": k.XSI})  # fmt: skip
    _add(root, "identifier", doi.upper(), {"identifierType": "DOI"})
    creators = _add(root, "creators")
    for person in _objects(a.get("creators")):
        _person(_add(creators, "creator"), person, "creatorName", full=True)
    titles = _add(root, "titles")
    for title in _objects(a.get("titles")):
        _add(titles, "title", title.get("title"), _attrs(title, k.TITLE_ATTRS))
    publisher = a.get("publisher")
    if isinstance(publisher, dict):
        _add(root, "publisher", publisher.get("name"), _attrs(publisher, k.PUBLISHER_ATTRS))
    else:
        _add(root, "publisher", publisher)
    _add(root, "publicationYear", a.get("publicationYear"))
    types = a.get("types")
    if isinstance(types, dict) and types.get("resourceTypeGeneral") is not None:
        _add(root, "resourceType", types.get("resourceType"), _attrs(types, k.RESOURCE_TYPE_ATTRS))
    _list(root, a, "subjects", lambda el, s: _fill(el, s.get("subject"), s, k.SUBJECT_ATTRS))
    _list(root, a, "contributors", _contributor)
    _list(root, a, "dates", _date)
    if _present(a.get("language")):
        _add(root, "language", a["language"])
    _list(
        root, a, "identifiers", lambda el, i: _fill(el, i.get("identifier"), i, k.ALTERNATE_IDENTIFIER_ATTRS)
    )
    _list(root, a, "relatedIdentifiers",
          lambda el, r: _fill(el, r.get("relatedIdentifier"), r, k.RELATED_IDENTIFIER_ATTRS))  # fmt: skip
    _list(root, a, "relatedItems", _related_item)
    for key in ("sizes", "formats"):
        wrapper, item = k.LISTS[key]
        element = _add(root, wrapper)
        values = a.get(key)
        for value in values if isinstance(values, list) else []:
            _add(element, item, value)
    if _present(a.get("version")):
        _add(root, "version", a["version"])
    _list(root, a, "rightsList", lambda el, r: _fill(el, r.get("rights"), r, k.RIGHTS_ATTRS))
    _list(root, a, "descriptions", _description)
    _list(root, a, "geoLocations", _geo_location)
    _list(root, a, "fundingReferences", _funding)
    etree.indent(root, space="  ")
    return _DECLARATION + str(etree.tostring(root, encoding="unicode")) + "\n"


def _list(root: Any, attributes: dict[str, Any], key: str, fill: Any) -> None:
    """A wrapper and one item per object, written only when the list has something in it."""
    if not _present(attributes.get(key)):
        return
    wrapper, item = k.LISTS[key]
    element = _add(root, wrapper)
    for value in _objects(attributes.get(key)):
        fill(etree.SubElement(element, _NS + item), value)


def _fill(element: Any, text: Any, source: dict[str, Any], mapping: k.AttributeMap) -> None:
    element.text = _text(text)
    for name, value in _attrs(source, mapping).items():
        element.set(name, value)


def _person(element: Any, person: dict[str, Any], name_tag: str, *, full: bool) -> None:
    name = person.get("name")
    if not _present(name) and _present(person.get("familyName")):
        name = ", ".join(
            str(person[part]) for part in ("familyName", "givenName") if person.get(part) is not None
        )
    _add(element, name_tag, name, _attrs(person, k.NAME_ATTRS if full else k.RELATED_ITEM_NAME_ATTRS))
    for part in k.PERSON_NAME_PARTS:
        if _present(person.get(part)):
            _add(element, part, person[part])
    if not full:
        return
    for identifier in _objects(person.get("nameIdentifiers")):
        _add(
            element,
            "nameIdentifier",
            identifier.get("nameIdentifier"),
            _attrs(identifier, k.NAME_IDENTIFIER_ATTRS),
        )
    for affiliation in _objects(person.get("affiliation")):
        _add(element, "affiliation", affiliation.get("name"), _attrs(affiliation, k.AFFILIATION_ATTRS))


def _contributor(element: Any, person: dict[str, Any]) -> None:
    _fill(element, None, person, k.CONTRIBUTOR_ATTRS)
    _person(element, person, "contributorName", full=True)


def _date(element: Any, date: dict[str, Any]) -> None:
    kept = {key: value for key, value in date.items() if value is not None}
    _fill(element, date.get("date"), {"dateType": "Issued", **kept}, k.DATE_ATTRS)


def _description(element: Any, description: dict[str, Any]) -> None:
    kept = {key: value for key, value in description.items() if value is not None}
    _fill(
        element, description.get("description"), {"descriptionType": "Abstract", **kept}, k.DESCRIPTION_ATTRS
    )


def _point(parent: Any, tag: str, point: Any) -> None:
    element = _add(parent, tag)
    point = point if isinstance(point, dict) else {}
    # bolognese writes the latitude first; the XSD's point is an xs:all.
    for coordinate in reversed(k.POINT_COORDINATES):
        _add(element, coordinate, point.get(coordinate))


def _geo_location(element: Any, geo: dict[str, Any]) -> None:
    if geo.get("geoLocationPlace") is not None:
        _add(element, "geoLocationPlace", geo["geoLocationPlace"])
    if _present(geo.get("geoLocationPoint")):
        _point(element, "geoLocationPoint", geo["geoLocationPoint"])
    box = geo.get("geoLocationBox")
    if _present(box):
        sides = _add(element, "geoLocationBox")
        for side in k.BOX_SIDES:
            _add(sides, side, box.get(side) if isinstance(box, dict) else None)
    polygon = geo.get("geoLocationPolygon")
    if _present(polygon) and isinstance(polygon, list):
        # One polygon is a list of {polygonPoint}/{inPolygonPoint} objects; older records hold a list of them.
        polygons = polygon if all(isinstance(p, list) for p in polygon) else [polygon]
        for points in polygons:
            shape = _add(element, "geoLocationPolygon")
            for point in _objects(points):
                for tag in k.POLYGON_POINTS:
                    if tag in point:
                        _point(shape, tag, point[tag])


def _funding(element: Any, funding: dict[str, Any]) -> None:
    _add(element, "funderName", funding.get("funderName"))
    if _present(funding.get("funderIdentifier")):
        _add(
            element,
            "funderIdentifier",
            funding["funderIdentifier"],
            _attrs(funding, k.FUNDER_IDENTIFIER_ATTRS),
        )
    if _present(funding.get("awardNumber")) or _present(funding.get("awardUri")):
        _add(element, "awardNumber", funding.get("awardNumber"), _attrs(funding, k.AWARD_NUMBER_ATTRS))
    if _present(funding.get("awardTitle")):
        _add(element, "awardTitle", funding["awardTitle"])


def _related_item(element: Any, item: dict[str, Any]) -> None:
    _fill(element, None, item, k.RELATED_ITEM_ATTRS)
    identifier = item.get("relatedItemIdentifier")
    if _present(identifier) and isinstance(identifier, dict):
        _add(element, "relatedItemIdentifier", identifier.get("relatedItemIdentifier"),
             _attrs(identifier, k.RELATED_ITEM_IDENTIFIER_ATTRS))  # fmt: skip
    if _present(item.get("creators")):
        creators = _add(element, "creators")
        for person in _objects(item["creators"]):
            _person(_add(creators, "creator"), person, "creatorName", full=False)
    titles = _add(element, "titles")
    for title in _objects(item.get("titles")):
        _add(titles, "title", title.get("title"), _attrs(title, k.RELATED_ITEM_TITLE_ATTRS))
    for tag in k.RELATED_ITEM_TEXTS_BEFORE_NUMBER:
        if _present(item.get(tag)):
            _add(element, tag, item[tag])
    if _present(item.get("number")):
        _add(element, "number", item["number"], _attrs(item, k.NUMBER_ATTRS))
    for tag in k.RELATED_ITEM_TEXTS_AFTER_NUMBER:
        if _present(item.get(tag)):
            _add(element, tag, item[tag])
    if _present(item.get("contributors")):
        contributors = _add(element, "contributors")
        for person in _objects(item["contributors"]):
            kept = {key: value for key, value in person.items() if value is not None}
            contributor = _add(contributors, "contributor", None,
                               _attrs({"contributorType": "Other", **kept}, k.CONTRIBUTOR_ATTRS))  # fmt: skip
            _person(contributor, person, "contributorName", full=False)


# ---------------------------------------------------------------------------------------------------------
# The XSD check


@dataclass(frozen=True)
class XsdError:
    """One libxml2 schema error: the element it names (local name), its message, and where."""

    element: str
    message: str
    line: int
    column: int


_ELEMENT = re.compile(r"^Element '(?:\{[^}]*\})?([^']*)'")
_schema: Any = None
_lock = threading.Lock()


def _load() -> Any:
    global _schema  # noqa: PLW0603 - loaded once, on first use
    with _lock:
        if _schema is None:
            _schema = etree.XMLSchema(etree.parse(str(k.XSD_PATH)))
        return _schema


def xsd_errors(xml: str) -> list[XsdError]:
    """What the DataCite 4.7 XSD says about a document `make_xml` wrote, in document order."""
    schema = _load()
    document = etree.fromstring(xml.encode("utf-8"))
    with _lock:  # a schema's error log belongs to the schema object: one validation at a time
        schema.validate(document)
        entries = list(schema.error_log)
    errors = []
    for entry in entries:
        message = str(entry.message)
        found = _ELEMENT.match(message)
        # lupo splits libxml2's "Element '{ns}name': text" at the first ": "; the text is the rest.
        text = message.split(": ", 1)[1] if found and ": " in message else message
        errors.append(
            XsdError(found.group(1) if found else "xml", text.strip(), int(entry.line), int(entry.column))
        )
    return errors
