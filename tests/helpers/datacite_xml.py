"""DataCite Metadata Schema 4.x XML → DataCite REST API JSON (`data.attributes`, camelCase).

A test helper: it turns the official XML examples (and broken real-world XML) into the JSON shape that
doiac DOI files use, so the JSON Schema and rules can be exercised on them. Standard library, plus the
element and attribute name tables of `reconciler.sandbox.kernel`, the ones the sandbox writes its XML with
(so the sandbox's XML and this reader cannot disagree about a name).

The conversion is *faithful, not fixing*: it converts what is in the document and repairs nothing, so a
schema or rule still sees every mistake the XML had.

- Values are copied as written (``nameType="personal"`` stays ``"personal"``); a missing attribute or
  element gives a missing key (never ``null``); an element that is present with empty text gives ``""``.
- A ``creator``/``contributor`` with several ``creatorName``/``contributorName`` elements (not allowed by
  the XSD) gives a single person whose ``name`` is a *list* of the names, so a JSON Schema rejects it;
  ``nameType`` and ``lang`` then come from the first name element. Repeated ``givenName``/``familyName``
  elements are treated the same way; the repeated ``affiliation``/``nameIdentifier`` elements are lists anyway.
- ``<creators/>`` and ``<titles/>`` (mandatory wrappers) give ``[]`` when present but empty; every other
  list that would be empty is left out. A list wrapper that occurs twice has its items concatenated.
- Single-valued elements that occur more than once (not allowed by the XSD's ``xs:all``) keep the first.
- ``publicationYear`` becomes an int and geo coordinates floats when they are plain decimal numbers;
  anything else is kept as the original string, for the schema to reject.

Element texts are stripped of leading/trailing whitespace; attribute values are kept as parsed.
Attributes ending in ``URI`` become ``…Uri`` (``schemeURI`` → ``schemeUri``) except inside
``relatedItems[].relatedItemIdentifier``, where the REST API spells the key ``schemeURI``; ``xml:lang`` →
``lang``. ``alternateIdentifiers`` become ``identifiers[] {identifier, identifierType}``.

Not mapped (dropped): ``identifier/@identifierType`` (always DOI); ``xml:lang`` on relatedItem titles and on
relatedItem creator/contributor names (the REST API does not keep them); an ``xml:lang`` inherited from an
ancestor element (only the element's own attribute is read); elements outside the kernel-4 namespace and
unknown kernel-4 elements; comments and processing instructions.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from reconciler.sandbox import kernel as k
from reconciler.sandbox.kernel import KERNEL_4

__all__ = ["KERNEL_4", "XmlConversionError", "xml_to_attributes", "xml_to_doi_file"]

_NS = "{" + KERNEL_4 + "}"

JsonObject = dict[str, Any]

_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_DIGITS = re.compile(r"[0-9]+")
_PARSE_POSITION = re.compile(r": line \d+, column \d+$")
# Markup that may precede the root element, and the start of an element (group 1: its qualified name).
_PROLOG_OR_TAG = re.compile(
    rb"<!--.*?-->|<\?.*?\?>|<!\[CDATA\[.*?\]\]>|<!DOCTYPE(?:[^\[>]|\[.*?\])*>|<([^\s/>!?]+)",
    re.DOTALL,
)


class XmlConversionError(Exception):
    """The XML cannot be converted: not well-formed, or not a DataCite kernel-4 document.

    Carries the file ``path``, the 1-based ``line`` and a ``message``; ``str()`` is ``'path:line: message'``.
    """

    def __init__(self, path: Path | str, line: int, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        super().__init__(f"{self.path}:{line}: {message}")

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


# ---------------------------------------------------------------------------------------------------------
# Public API


def xml_to_attributes(path: Path) -> dict[str, Any]:
    """Convert a DataCite kernel-4 XML file to the REST API ``data.attributes`` object.

    The identifier is not included (see :func:`xml_to_doi_file`). Raises :class:`XmlConversionError` for a
    document that is not well-formed (line from the parser) or whose root is not a kernel-4 ``resource``
    (older schemas: ``"Schema <namespace> is no longer supported"`` at the root element's line).
    """
    return _convert(_parse(path))


def xml_to_doi_file(
    path: Path, *, state: str = "findable", url: str = "https://data.example.org/records/1"
) -> dict[str, Any]:
    """A doiac DOI file as a dict: ``doi`` (the XML identifier, lower-cased), ``state``, ``url`` and the
    attributes of :func:`xml_to_attributes`. ``doi`` is left out when the XML has no ``<identifier>``."""
    root = _parse(path)
    out: JsonObject = {}
    identifier = _child(root, "identifier")
    if identifier is not None:
        out["doi"] = _text(identifier).lower()
    out["state"] = state
    out["url"] = url
    out.update(_convert(root))
    return out


# ---------------------------------------------------------------------------------------------------------
# Parsing


def _parse(path: Path) -> ET.Element:
    data = path.read_bytes()
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        line, column = exc.position
        reason = _PARSE_POSITION.sub("", str(exc))
        raise XmlConversionError(
            path, max(line, 1), f"not well-formed XML: {reason} (column {column})"
        ) from exc
    namespace, _, local = root.tag[1:].partition("}") if root.tag.startswith("{") else ("", "", root.tag)
    if namespace != KERNEL_4:
        if namespace:
            message = f"Schema {namespace} is no longer supported"
        else:
            message = f"root element <{local}> has no namespace; expected {KERNEL_4}"
        raise XmlConversionError(path, _root_line(data), message)
    if local != "resource":
        raise XmlConversionError(path, _root_line(data), f"root element is <{local}>, expected <resource>")
    return root


def _root_line(data: bytes) -> int:
    """Line of the root element's start tag (1 if it cannot be found), skipping the prolog's markup."""
    for match in _PROLOG_OR_TAG.finditer(data):
        if match.group(1) is not None:
            return data.count(b"\n", 0, match.start()) + 1
    return 1


# ---------------------------------------------------------------------------------------------------------
# Small element helpers (kernel-4 children only)


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in element if child.tag == _NS + name]


def _child(element: ET.Element, name: str) -> ET.Element | None:
    found = _children(element, name)
    return found[0] if found else None


def _items(root: ET.Element, wrapper: str, item: str) -> list[ET.Element]:
    return [element for outer in _children(root, wrapper) for element in _children(outer, item)]


def _text(element: ET.Element) -> str:
    return (element.text or "").strip()


def _attrs(element: ET.Element, mapping: k.AttributeMap) -> JsonObject:
    return {key: element.attrib[name] for name, key in mapping if name in element.attrib}


def _text_and_attrs(element: ET.Element, key: str, mapping: k.AttributeMap) -> JsonObject:
    return {key: _text(element), **_attrs(element, mapping)}


def _put_text(out: JsonObject, key: str, element: ET.Element, name: str) -> None:
    child = _child(element, name)
    if child is not None:
        out[key] = _text(child)


def _put_list(out: JsonObject, key: str, values: list[Any]) -> None:
    if values:
        out[key] = values


def _number(element: ET.Element) -> float | str:
    text = _text(element)
    return float(text) if _DECIMAL.fullmatch(text) else text


# ---------------------------------------------------------------------------------------------------------
# Properties


def _convert(root: ET.Element) -> JsonObject:
    out: JsonObject = {}

    if _children(root, k.LISTS["creators"][0]):
        out["creators"] = [_person(c, "creatorName", full=True) for c in _items(root, *k.LISTS["creators"])]
    if _children(root, k.LISTS["titles"][0]):
        out["titles"] = [_text_and_attrs(t, "title", k.TITLE_ATTRS) for t in _items(root, *k.LISTS["titles"])]

    publisher = _child(root, "publisher")
    if publisher is not None:
        details = _attrs(publisher, k.PUBLISHER_ATTRS)
        out["publisher"] = {"name": _text(publisher), **details} if details else _text(publisher)

    year = _child(root, "publicationYear")
    if year is not None:
        text = _text(year)
        out["publicationYear"] = int(text) if _DIGITS.fullmatch(text) else text

    resource_type = _child(root, "resourceType")
    if resource_type is not None:
        types = _attrs(resource_type, k.RESOURCE_TYPE_ATTRS)
        if _text(resource_type):
            types["resourceType"] = _text(resource_type)
        out["types"] = types

    _put_list(
        out,
        "subjects",
        [_text_and_attrs(s, "subject", k.SUBJECT_ATTRS) for s in _items(root, *k.LISTS["subjects"])],
    )
    _put_list(
        out, "contributors", [_contributor(c, full=True) for c in _items(root, *k.LISTS["contributors"])]
    )
    _put_list(
        out, "dates", [_text_and_attrs(d, "date", k.DATE_ATTRS) for d in _items(root, *k.LISTS["dates"])]
    )
    _put_text(out, "language", root, "language")
    _put_list(
        out,
        "identifiers",
        [
            _text_and_attrs(a, "identifier", k.ALTERNATE_IDENTIFIER_ATTRS)
            for a in _items(root, *k.LISTS["identifiers"])
        ],
    )
    _put_list(
        out,
        "relatedIdentifiers",
        [
            _text_and_attrs(r, "relatedIdentifier", k.RELATED_IDENTIFIER_ATTRS)
            for r in _items(root, *k.LISTS["relatedIdentifiers"])
        ],
    )
    _put_list(out, "sizes", [_text(s) for s in _items(root, *k.LISTS["sizes"])])
    _put_list(out, "formats", [_text(f) for f in _items(root, *k.LISTS["formats"])])
    _put_text(out, "version", root, "version")
    _put_list(
        out,
        "rightsList",
        [_text_and_attrs(r, "rights", k.RIGHTS_ATTRS) for r in _items(root, *k.LISTS["rightsList"])],
    )
    _put_list(out, "descriptions", [_description(d) for d in _items(root, *k.LISTS["descriptions"])])
    _put_list(out, "geoLocations", [_geo_location(g) for g in _items(root, *k.LISTS["geoLocations"])])
    _put_list(out, "fundingReferences", [_funding(f) for f in _items(root, *k.LISTS["fundingReferences"])])
    _put_list(out, "relatedItems", [_related_item(r) for r in _items(root, *k.LISTS["relatedItems"])])
    return out


def _person(element: ET.Element, name_tag: str, *, full: bool) -> JsonObject:
    """A creator or contributor. ``full`` adds lang, nameIdentifiers and affiliation (not in relatedItems).

    Several name elements give ``name`` as a list of their texts (``nameType``/``lang`` from the first);
    likewise for repeated ``givenName``/``familyName``. The XSD allows exactly one of each, so a schema
    sees the list and rejects it.
    """
    out: JsonObject = {}
    names = _children(element, name_tag)
    if names:
        out["name"] = _text(names[0]) if len(names) == 1 else [_text(n) for n in names]
        out.update(_attrs(names[0], k.NAME_ATTRS if full else k.RELATED_ITEM_NAME_ATTRS))
    for tag in k.PERSON_NAME_PARTS:
        values = [_text(v) for v in _children(element, tag)]
        if values:
            out[tag] = values[0] if len(values) == 1 else values
    if full:
        _put_list(
            out,
            "nameIdentifiers",
            [
                _text_and_attrs(i, "nameIdentifier", k.NAME_IDENTIFIER_ATTRS)
                for i in _children(element, "nameIdentifier")
            ],
        )
        _put_list(
            out,
            "affiliation",
            [_text_and_attrs(a, "name", k.AFFILIATION_ATTRS) for a in _children(element, "affiliation")],
        )
    return out


def _contributor(element: ET.Element, *, full: bool) -> JsonObject:
    out = _person(element, "contributorName", full=full)
    out.update(_attrs(element, k.CONTRIBUTOR_ATTRS))
    return out


def _description(element: ET.Element) -> JsonObject:
    """Text with each ``<br/>`` turned into a newline; other whitespace is kept (only the ends are stripped)."""
    parts = [element.text or ""]
    for child in element:
        parts.append("\n" if child.tag == _NS + "br" else "".join(child.itertext()))
        parts.append(child.tail or "")
    return {"description": "".join(parts).strip(), **_attrs(element, k.DESCRIPTION_ATTRS)}


def _point(element: ET.Element) -> JsonObject:
    out: JsonObject = {}
    for tag in k.POINT_COORDINATES:
        child = _child(element, tag)
        if child is not None:
            out[tag] = _number(child)
    return out


def _geo_location(element: ET.Element) -> JsonObject:
    """One geoLocation. The XSD lets places, points, boxes and polygons repeat inside one geoLocation; the
    REST API holds one of each, so only the first place, first point, first box and first polygon are kept.
    """
    out: JsonObject = {}
    _put_text(out, "geoLocationPlace", element, "geoLocationPlace")
    point = _child(element, "geoLocationPoint")
    if point is not None:
        out["geoLocationPoint"] = _point(point)
    box = _child(element, "geoLocationBox")
    if box is not None:
        sides: JsonObject = {}
        for tag in k.BOX_SIDES:
            side = _child(box, tag)
            if side is not None:
                sides[tag] = _number(side)
        out["geoLocationBox"] = sides
    polygon = _child(element, "geoLocationPolygon")
    if polygon is not None:
        out["geoLocationPolygon"] = [
            {child.tag[len(_NS) :]: _point(child)}
            for child in polygon
            if child.tag in tuple(_NS + tag for tag in k.POLYGON_POINTS)
        ]
    return out


def _funding(element: ET.Element) -> JsonObject:
    out: JsonObject = {}
    _put_text(out, "funderName", element, "funderName")
    funder = _child(element, "funderIdentifier")
    if funder is not None:
        out["funderIdentifier"] = _text(funder)
        out.update(_attrs(funder, k.FUNDER_IDENTIFIER_ATTRS))
    award = _child(element, "awardNumber")
    if award is not None:
        out["awardNumber"] = _text(award)
        out.update(_attrs(award, k.AWARD_NUMBER_ATTRS))
    _put_text(out, "awardTitle", element, "awardTitle")
    return out


def _related_item(element: ET.Element) -> JsonObject:
    out = _attrs(element, k.RELATED_ITEM_ATTRS)
    identifier = _child(element, "relatedItemIdentifier")
    if identifier is not None:
        out["relatedItemIdentifier"] = _text_and_attrs(
            identifier, "relatedItemIdentifier", k.RELATED_ITEM_IDENTIFIER_ATTRS
        )
    _put_list(
        out,
        "creators",
        [_person(c, "creatorName", full=False) for c in _items(element, *k.LISTS["creators"])],
    )
    _put_list(
        out,
        "titles",
        [
            _text_and_attrs(t, "title", k.RELATED_ITEM_TITLE_ATTRS)
            for t in _items(element, *k.LISTS["titles"])
        ],
    )
    for tag in k.RELATED_ITEM_TEXTS_BEFORE_NUMBER:
        _put_text(out, tag, element, tag)
    number = _child(element, "number")
    if number is not None:
        out["number"] = _text(number)
        out.update(_attrs(number, k.NUMBER_ATTRS))
    for tag in k.RELATED_ITEM_TEXTS_AFTER_NUMBER:
        _put_text(out, tag, element, tag)
    _put_list(
        out,
        "contributors",
        [_contributor(c, full=False) for c in _items(element, *k.LISTS["contributors"])],
    )
    return out
