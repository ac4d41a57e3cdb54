"""DataCite Metadata Schema 4.x (kernel-4) XML names ↔ REST API JSON keys: the one mapping table.

Data only. The sandbox's XML writer (`metadata_xml.py`) writes with these tables, and the tests' XML →
JSON converter (`tests/helpers/datacite_xml.py`) reads with them, so the two cannot drift apart.

An `AttributeMap` lists (XML attribute, JSON key) pairs in output order. `xml:lang` is written in
Clark notation (`XML_LANG`), as ElementTree and lxml name it. Attributes ending in `URI` become `…Uri`
except inside `relatedItemIdentifier`, where the REST API keeps the XML spelling `schemeURI`.

The bundled XSD (`xsd/kernel-4.7/`) is an unchanged copy of DataCite's schema repository
(github.com/datacite/schema, commit 471512cb, `source/meta/kernel-4.7/`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final, TypeAlias

KERNEL_4: Final = "http://datacite.org/schema/kernel-4"
XML_LANG: Final = "{http://www.w3.org/XML/1998/namespace}lang"
XSI: Final = "http://www.w3.org/2001/XMLSchema-instance"
# What bolognese's writer puts on the root element.
SCHEMA_LOCATION: Final = f"{KERNEL_4} http://schema.datacite.org/meta/kernel-4/metadata.xsd"
XSD_PATH: Final = Path(__file__).with_name("xsd") / "kernel-4.7" / "metadata.xsd"

AttributeMap: TypeAlias = tuple[tuple[str, str], ...]

NAME_ATTRS: Final[AttributeMap] = (("nameType", "nameType"), (XML_LANG, "lang"))
# relatedItems[].creators/contributors: the REST API keeps no `lang` there.
RELATED_ITEM_NAME_ATTRS: Final[AttributeMap] = (("nameType", "nameType"),)
NAME_IDENTIFIER_ATTRS: Final[AttributeMap] = (
    ("nameIdentifierScheme", "nameIdentifierScheme"),
    ("schemeURI", "schemeUri"),
)
AFFILIATION_ATTRS: Final[AttributeMap] = (
    ("affiliationIdentifier", "affiliationIdentifier"),
    ("affiliationIdentifierScheme", "affiliationIdentifierScheme"),
    ("schemeURI", "schemeUri"),
)
CONTRIBUTOR_ATTRS: Final[AttributeMap] = (("contributorType", "contributorType"),)
TITLE_ATTRS: Final[AttributeMap] = (("titleType", "titleType"), (XML_LANG, "lang"))
# relatedItems[].titles: the REST API keeps no `lang` there.
RELATED_ITEM_TITLE_ATTRS: Final[AttributeMap] = (("titleType", "titleType"),)
PUBLISHER_ATTRS: Final[AttributeMap] = (
    ("publisherIdentifier", "publisherIdentifier"),
    ("publisherIdentifierScheme", "publisherIdentifierScheme"),
    ("schemeURI", "schemeUri"),
    (XML_LANG, "lang"),
)
RESOURCE_TYPE_ATTRS: Final[AttributeMap] = (("resourceTypeGeneral", "resourceTypeGeneral"),)
SUBJECT_ATTRS: Final[AttributeMap] = (
    ("subjectScheme", "subjectScheme"),
    ("schemeURI", "schemeUri"),
    ("valueURI", "valueUri"),
    ("classificationCode", "classificationCode"),
    (XML_LANG, "lang"),
)
DATE_ATTRS: Final[AttributeMap] = (("dateType", "dateType"), ("dateInformation", "dateInformation"))
# alternateIdentifiers are `identifiers[] {identifier, identifierType}` in the REST API.
ALTERNATE_IDENTIFIER_ATTRS: Final[AttributeMap] = (("alternateIdentifierType", "identifierType"),)
RELATED_IDENTIFIER_ATTRS: Final[AttributeMap] = (
    ("relatedIdentifierType", "relatedIdentifierType"),
    ("relationType", "relationType"),
    ("relationTypeInformation", "relationTypeInformation"),
    ("resourceTypeGeneral", "resourceTypeGeneral"),
    ("relatedMetadataScheme", "relatedMetadataScheme"),
    ("schemeURI", "schemeUri"),
    ("schemeType", "schemeType"),
)
RIGHTS_ATTRS: Final[AttributeMap] = (
    ("rightsURI", "rightsUri"),
    ("rightsIdentifier", "rightsIdentifier"),
    ("rightsIdentifierScheme", "rightsIdentifierScheme"),
    ("schemeURI", "schemeUri"),
    (XML_LANG, "lang"),
)
DESCRIPTION_ATTRS: Final[AttributeMap] = (("descriptionType", "descriptionType"), (XML_LANG, "lang"))
FUNDER_IDENTIFIER_ATTRS: Final[AttributeMap] = (
    ("funderIdentifierType", "funderIdentifierType"),
    ("schemeURI", "schemeUri"),
)
AWARD_NUMBER_ATTRS: Final[AttributeMap] = (("awardURI", "awardUri"),)
RELATED_ITEM_ATTRS: Final[AttributeMap] = (
    ("relationType", "relationType"),
    ("relatedItemType", "relatedItemType"),
    ("relationTypeInformation", "relationTypeInformation"),
)
RELATED_ITEM_IDENTIFIER_ATTRS: Final[AttributeMap] = (
    ("relatedItemIdentifierType", "relatedItemIdentifierType"),
    ("relatedMetadataScheme", "relatedMetadataScheme"),
    ("schemeURI", "schemeURI"),  # sic: the REST API keeps the XML spelling here
    ("schemeType", "schemeType"),
)
NUMBER_ATTRS: Final[AttributeMap] = (("numberType", "numberType"),)

# Top-level lists: JSON key → (wrapper element, item element).
LISTS: Final = {
    "creators": ("creators", "creator"),
    "titles": ("titles", "title"),
    "subjects": ("subjects", "subject"),
    "contributors": ("contributors", "contributor"),
    "dates": ("dates", "date"),
    "identifiers": ("alternateIdentifiers", "alternateIdentifier"),
    "relatedIdentifiers": ("relatedIdentifiers", "relatedIdentifier"),
    "relatedItems": ("relatedItems", "relatedItem"),
    "sizes": ("sizes", "size"),
    "formats": ("formats", "format"),
    "rightsList": ("rightsList", "rights"),
    "descriptions": ("descriptions", "description"),
    "geoLocations": ("geoLocations", "geoLocation"),
    "fundingReferences": ("fundingReferences", "fundingReference"),
}
# Elements whose text is a JSON key of the same name.
PERSON_NAME_PARTS: Final = ("givenName", "familyName")
POINT_COORDINATES: Final = ("pointLongitude", "pointLatitude")
BOX_SIDES: Final = ("westBoundLongitude", "eastBoundLongitude", "southBoundLatitude", "northBoundLatitude")
POLYGON_POINTS: Final = ("polygonPoint", "inPolygonPoint")
# relatedItem children in the XSD's sequence order; `number` carries `numberType`.
RELATED_ITEM_TEXTS_BEFORE_NUMBER: Final = ("publicationYear", "volume", "issue")
RELATED_ITEM_TEXTS_AFTER_NUMBER: Final = ("firstPage", "lastPage", "publisher", "edition")

# lupo XmlSchemaValidator#schema_attributes: the XSD element an error names → the 422 `source`.
# Any other element name is used as it is (e.g. `creators`, `titles`, `publisher`, `creatorName`).
ERROR_SOURCES: Final = {
    "date": "dates",
    "publicationYear": "publication_year",
    "alternateIdentifiers": "identifiers",
    "relatedIdentifiers": "related_identifiers",
    "geoLocations": "geo_locations",
    "rightsList": "rights_list",
    "fundingReferences": "funding_references",
    "version": "version_info",
    "resource": "xml",
}
