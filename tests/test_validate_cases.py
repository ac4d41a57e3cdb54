"""Invalid DOI files, one per rule, controlled list and shape error: exact pointer, line and message.

Each case is a complete DOI file (the valid BASE with one thing broken) validated through the
whole pipeline (reader, defaults, schema, rules); the expected diagnostics are whole values.
"""

from __future__ import annotations

import pytest

from reconciler.commands.validate import read_desired
from reconciler.config import load_config

from .conftest import FINDABLE, Repo

# The shared valid record, with a shorter title (the expected columns below depend on it).
BASE = FINDABLE.replace("Sensor readings 2024", "Sensor readings")


def with_(extra: str, base: str = BASE) -> str:
    return base + extra


def without(key: str, base: str = BASE) -> str:
    out, skipping = [], False
    for line in base.splitlines(keepends=True):
        if line.startswith(f"{key}:"):
            skipping = True
            continue
        if skipping and line.startswith(" "):
            continue
        skipping = False
        out.append(line)
    return "".join(out)


def replace(old: str, new: str, base: str = BASE) -> str:
    assert old in base
    return base.replace(old, new, 1)


CASES: list[tuple[str, str, list[str]]] = []


def case(name: str, text: str, expected: list[str]) -> None:
    CASES.append((name, text, expected))


# controlled lists
case(
    "enum-resourceTypeGeneral",
    replace("resourceTypeGeneral: Dataset", "resourceTypeGeneral: dataset"),
    [
        "12:24: error: /types/resourceTypeGeneral: 'dataset' is not a valid resourceTypeGeneral; did you mean 'Dataset'?"
    ],
)
case(
    "enum-nameType",
    replace("nameType: Personal", "nameType: personal"),
    ["6:15: error: /creators/0/nameType: 'personal' is not a valid nameType; did you mean 'Personal'?"],
)
case(
    "enum-titleType",
    replace("  - title: Sensor readings\n", "  - title: Sensor readings\n    titleType: Subtitel\n"),
    ["9:16: error: /titles/0/titleType: 'Subtitel' is not a valid titleType; did you mean 'Subtitle'?"],
)
case(
    "enum-contributorType",
    with_("contributors:\n  - name: Roe, Ann\n    contributorType: Funder\n"),
    [
        "15:22: error: /contributors/0/contributorType: 'Funder' is not a valid contributorType: removed in schema 4.0; describe funders in fundingReferences"
    ],
)
case(
    "enum-dateType",
    with_("dates:\n  - date: '2024'\n    dateType: Published\n"),
    ["15:15: error: /dates/0/dateType: 'Published' is not a valid dateType; did you mean 'Submitted'?"],
)
case(
    "enum-descriptionType",
    with_("descriptions:\n  - description: About it\n    descriptionType: Summary\n"),
    [
        "15:22: error: /descriptions/0/descriptionType: 'Summary' is not a valid descriptionType; expected one of: Abstract, Methods, SeriesInformation, TableOfContents, TechnicalInfo, Other"
    ],
)
case(
    "enum-relationType",
    with_(
        "relatedIdentifiers:\n  - relatedIdentifier: 10.1234/abc\n    relatedIdentifierType: DOI\n    relationType: Cite\n"
    ),
    [
        "16:19: error: /relatedIdentifiers/0/relationType: 'Cite' is not a valid relationType; did you mean 'Cites'?"
    ],
)
case(
    "enum-relatedIdentifierType",
    with_(
        "relatedIdentifiers:\n  - relatedIdentifier: 10.1234/abc\n    relatedIdentifierType: doi\n    relationType: Cites\n"
    ),
    [
        "15:28: error: /relatedIdentifiers/0/relatedIdentifierType: 'doi' is not a valid relatedIdentifierType; did you mean 'DOI'?"
    ],
)
case(
    "enum-relatedIdentifier-resourceTypeGeneral",
    with_(
        "relatedIdentifiers:\n  - relatedIdentifier: 10.1234/abc\n    relatedIdentifierType: DOI\n    relationType: Cites\n    resourceTypeGeneral: Article\n"
    ),
    [
        "17:26: error: /relatedIdentifiers/0/resourceTypeGeneral: 'Article' is not a valid resourceTypeGeneral; did you mean 'JournalArticle'?"
    ],
)
case(
    "enum-funderIdentifierType",
    with_(
        "fundingReferences:\n  - funderName: EC\n    funderIdentifier: '501100000780'\n    funderIdentifierType: Crossref\n"
    ),
    [
        "16:27: error: /fundingReferences/0/funderIdentifierType: 'Crossref' is not a valid funderIdentifierType; did you mean 'Crossref Funder ID'?"
    ],
)
case(
    "enum-numberType",
    with_(
        "relatedItems:\n  - relationType: IsPublishedIn\n    relatedItemType: Journal\n    number: '4'\n    numberType: Part\n"
    ),
    [
        "17:17: error: /relatedItems/0/numberType: 'Part' is not a valid numberType; expected one of: Article, Chapter, Report, Other"
    ],
)
case(
    "enum-relatedItemType",
    with_("relatedItems:\n  - relationType: IsPublishedIn\n    relatedItemType: Magazine\n"),
    [
        "15:22: error: /relatedItems/0/relatedItemType: 'Magazine' is not a valid relatedItemType (DataCite schema 4.7 controlled list)"
    ],
)
case(
    "enum-state",
    replace("state: findable", "state: published"),
    ["2:8: error: /state: 'published' is not a valid state; expected one of: draft, registered, findable"],
)
# required sub-properties
case(
    "required-creator-name",
    replace("  - name: Doe, Jane\n    nameType: Personal\n", "  - givenName: Jane\n    familyName: Doe\n"),
    ["5:5: error: /creators/0/name: missing required key `name`"],
)
case(
    "required-contributorType",
    with_("contributors:\n  - name: Roe, Ann\n"),
    ["14:5: error: /contributors/0/contributorType: missing required key `contributorType`"],
)
case(
    "required-contributor-name",
    with_("contributors:\n  - contributorType: Editor\n"),
    ["14:5: error: /contributors/0/name: missing required key `name`"],
)
case(
    "required-dateType",
    with_("dates:\n  - date: '2024'\n"),
    ["14:5: error: /dates/0/dateType: missing required key `dateType`"],
)
case(
    "required-descriptionType",
    with_("descriptions:\n  - description: About it\n"),
    ["14:5: error: /descriptions/0/descriptionType: missing required key `descriptionType`"],
)
case(
    "required-relationType",
    with_("relatedIdentifiers:\n  - relatedIdentifier: 10.1234/abc\n    relatedIdentifierType: DOI\n"),
    ["14:5: error: /relatedIdentifiers/0/relationType: missing required key `relationType`"],
)
case(
    "required-relatedIdentifierType",
    with_("relatedIdentifiers:\n  - relatedIdentifier: 10.1234/abc\n    relationType: Cites\n"),
    [
        "14:5: error: /relatedIdentifiers/0/relatedIdentifierType: missing required key `relatedIdentifierType`"
    ],
)
case(
    "required-identifierType",
    with_("identifiers:\n  - identifier: abc-123\n"),
    ["14:5: error: /identifiers/0/identifierType: missing required key `identifierType`"],
)
case(
    "required-funderName",
    with_("fundingReferences:\n  - awardNumber: '42'\n"),
    ["14:5: error: /fundingReferences/0/funderName: missing required key `funderName`"],
)
case(
    "required-relatedItemType",
    with_("relatedItems:\n  - relationType: IsPublishedIn\n"),
    ["14:5: error: /relatedItems/0/relatedItemType: missing required key `relatedItemType`"],
)
case(
    "required-types-resourceTypeGeneral",
    replace("  resourceTypeGeneral: Dataset\n", "  resourceType: Data\n"),
    ["11:1: error: /types/resourceTypeGeneral: missing required key `resourceTypeGeneral`"],
)
case(
    "required-publisher-name",
    replace("publisher: Example Repository", "publisher:\n  publisherIdentifier: https://ror.org/04wxnsj81"),
    [
        "9:1: error: /publisher/name: missing required key `name`",
        "10:24: warning: /publisher/publisherIdentifier: publisherIdentifier needs publisherIdentifierScheme (e.g. ROR)",
    ],
)
case(
    "required-box-side",
    with_(
        "geoLocations:\n  - geoLocationBox:\n      westBoundLongitude: 1\n      eastBoundLongitude: 2\n      southBoundLatitude: 3\n"
    ),
    [
        "14:5: error: /geoLocations/0/geoLocationBox/northBoundLatitude: missing required key `northBoundLatitude`"
    ],
)
case(
    "required-point-latitude",
    with_("geoLocations:\n  - geoLocationPoint:\n      pointLongitude: 1\n"),
    ["14:5: error: /geoLocations/0/geoLocationPoint/pointLatitude: missing required key `pointLatitude`"],
)
case("required-doi", without("doi"), ["1:1: error: /doi: missing required key `doi`"])
case("required-state", without("state"), ["1:1: error: /state: missing required key `state`"])
case(
    "findable-needs-url",
    without("url"),
    ["2:1: error: /url: missing required key `url`: a findable DOI needs it"],
)
case(
    "findable-needs-creators",
    without("creators"),
    ["2:1: error: /creators: missing required key `creators`: a findable DOI needs it"],
)
case(
    "findable-needs-titles",
    without("titles"),
    ["2:1: error: /titles: missing required key `titles`: a findable DOI needs it"],
)
case(
    "findable-needs-publisher",
    without("publisher"),
    ["2:1: error: /publisher: missing required key `publisher`: a findable DOI needs it"],
)
case(
    "findable-needs-publicationYear",
    without("publicationYear"),
    ["2:1: error: /publicationYear: missing required key `publicationYear`: a findable DOI needs it"],
)
case(
    "findable-needs-types",
    without("types"),
    ["2:1: error: /types: missing required key `types`: a findable DOI needs it"],
)
case(
    "registered-empty-creators",
    replace("state: findable", "state: registered")
    .replace("url: https://data.example.org/records/1", "url: https://data.example.org/tombstone/1")
    .replace("creators:\n  - name: Doe, Jane\n    nameType: Personal\n", "creators: []\n"),
    ["4:11: error: /creators: a registered or findable DOI needs at least one creator"],
)
case(
    "draft-needs-little",
    "doi: 10.80000/3mfp-6m52\nstate: draft\ntitles: oops\n",
    ['3:9: error: /titles: titles is a list such as [{title: "Sensor readings 2024"}]'],
)
# shapes
case(
    "shape-titles-string",
    replace("titles:\n  - title: Sensor readings\n", "titles: Sensor readings\n"),
    ['7:9: error: /titles: titles is a list such as [{title: "Sensor readings 2024"}]'],
)
case(
    "shape-title-string-item",
    replace("  - title: Sensor readings\n", "  - Sensor readings\n"),
    ['8:5: error: /titles/0: a title is an object such as {title: "Sensor readings 2024"}'],
)
case(
    "shape-creators-mapping",
    replace("creators:\n  - name: Doe, Jane\n    nameType: Personal\n", "creators:\n  name: Doe, Jane\n"),
    ["5:3: error: /creators: expected a list, got a mapping"],
)
case(
    "shape-affiliation-string",
    replace(
        "    nameType: Personal\n", "    nameType: Personal\n    affiliation:\n      - Example University\n"
    ),
    [
        '8:9: error: /creators/0/affiliation/0: an affiliation is an object such as {name: "Example University"}; DataCite refuses plain strings'
    ],
)
case(
    "shape-nameIdentifiers-object",
    replace(
        "    nameType: Personal\n",
        "    nameType: Personal\n    nameIdentifiers:\n      nameIdentifier: https://orcid.org/0000-0002-1825-0097\n      nameIdentifierScheme: ORCID\n",
    ),
    ["8:7: error: /creators/0/nameIdentifiers: expected a list, got a mapping"],
)
case(
    "shape-version-number",
    with_("version: 1.10\n"),
    ['13:10: error: /version: version is a string: quote it, e.g. version: "1.0"'],
)
case(
    "shape-publicationYear-short",
    replace("publicationYear: 2024", "publicationYear: 24"),
    ["10:18: error: /publicationYear: 24 is out of range: must be between 1000 and 9999"],
)
case(
    "shape-publicationYear-text",
    replace("publicationYear: 2024", "publicationYear: 'MMXXIV'"),
    ["10:18: error: /publicationYear: publicationYear is a four-digit year, e.g. 2024"],
)
case(
    "shape-publisher-empty",
    replace("publisher: Example Repository", "publisher: ''"),
    ["9:12: error: /publisher: must not be empty"],
)
case(
    "shape-sizes-number", with_("sizes: [12]\n"), ["13:9: error: /sizes/0: expected a string, got an integer"]
)
case(
    "shape-language-list",
    with_("language: [en]\n"),
    ["13:11: error: /language: expected a string, got a list"],
)
case(
    "shape-types-list",
    replace("types:\n  resourceTypeGeneral: Dataset\n", "types: [Dataset]\n"),
    ["11:8: error: /types: expected a mapping, got a list"],
)
case(
    "shape-latitude-range",
    with_("geoLocations:\n  - geoLocationPoint: {pointLongitude: 10, pointLatitude: 91}\n"),
    [
        "14:59: error: /geoLocations/0/geoLocationPoint/pointLatitude: 91 is out of range: must be between -90 and 90"
    ],
)
case(
    "shape-longitude-text",
    with_("geoLocations:\n  - geoLocationPoint: {pointLongitude: east, pointLatitude: 1}\n"),
    [
        "14:40: error: /geoLocations/0/geoLocationPoint/pointLongitude: a longitude is a number between -180 and 180"
    ],
)
case(
    "shape-latitude-string-range",
    with_("geoLocations:\n  - geoLocationPoint: {pointLongitude: '10', pointLatitude: '-95.5'}\n"),
    [
        "14:61: error: /geoLocations/0/geoLocationPoint/pointLatitude: -95.5 is out of range: must be between -90 and 90"
    ],
)
case(
    "shape-polygon-3-points",
    with_(
        "geoLocations:\n  - geoLocationPolygon:\n      - polygonPoint: {pointLongitude: 1, pointLatitude: 1}\n      - polygonPoint: {pointLongitude: 2, pointLatitude: 1}\n      - polygonPoint: {pointLongitude: 1, pointLatitude: 1}\n"
    ),
    [
        "15:7: error: /geoLocations/0/geoLocationPolygon: a polygon needs at least 4 points (the last repeating the first)"
    ],
)
case(
    "shape-polygon-two-inpoints",
    with_(
        "geoLocations:\n  - geoLocationPolygon:\n"
        + "".join(f"      - polygonPoint: {{pointLongitude: {x}, pointLatitude: 1}}\n" for x in (1, 2, 3, 1))
        + "      - inPolygonPoint: {pointLongitude: 2, pointLatitude: 1}\n      - inPolygonPoint: {pointLongitude: 2, pointLatitude: 1}\n"
    ),
    ["15:7: error: /geoLocations/0/geoLocationPolygon: a polygon has at most one inPolygonPoint"],
)
case(
    "shape-rights-empty-entry",
    with_("rightsList:\n  - {}\n"),
    ["14:5: error: /rightsList/0: must not be an empty mapping"],
)
case(
    "shape-doi-number",
    replace("doi: 10.80000/3mfp-6m52", "doi: 10.80000"),
    ["1:6: error: /doi: expected a string, got a number"],
)
# keys
case(
    "unknown-top-key",
    with_("titel: Sensor\n"),
    ["13:1: error: /titel: unknown key `titel`; did you mean `titles`?"],
)
case(
    "unknown-nested-key",
    replace("    nameType: Personal\n", "    nameType: Personal\n    orcid: 0000-0002-1825-0097\n"),
    [
        "7:5: error: /creators/0/orcid: unknown key `orcid`; expected one of: affiliation, familyName, givenName, lang, name, nameIdentifiers, nameType"
    ],
)
case(
    "unknown-snake-case",
    with_("publication_year: 2024\n"),
    ["13:1: error: /publication_year: unknown key `publication_year`; did you mean `publicationYear`?"],
)
case(
    "relatedItem-title-lang",
    with_(
        "relatedItems:\n  - relationType: IsPublishedIn\n    relatedItemType: Journal\n    titles:\n      - title: J\n        lang: en\n"
    ),
    ["18:9: error: /relatedItems/0/titles/0/lang: unknown key `lang`; expected one of: title, titleType"],
)
case(
    "server-owned-created",
    with_("created: '2024-01-01T00:00:00Z'\n"),
    ["13:1: error: /created: `created` is set by DataCite"],
)
case(
    "server-owned-xml",
    with_("xml: PD94bWwg\n"),
    ["13:1: error: /xml: `xml` is generated by DataCite from the attributes in this file"],
)
case(
    "server-owned-event",
    with_("event: publish\n"),
    ["13:1: error: /event: write the desired `state` (draft, registered, findable); doiac sends the event"],
)
case(
    "refused-alternateIdentifiers",
    with_("alternateIdentifiers:\n  - alternateIdentifier: x\n    alternateIdentifierType: Local\n"),
    [
        "13:1: error: /alternateIdentifiers: write alternate identifiers as `identifiers` ({identifier, identifierType}); `alternateIdentifiers` is DataCite's older spelling of the same list"
    ],
)
case(
    "refused-schemaVersion",
    with_("schemaVersion: http://datacite.org/schema/kernel-4\n"),
    [
        "13:1: error: /schemaVersion: `schemaVersion` is set by DataCite (sending it can skip DataCite's validation)"
    ],
)
# rules
case(
    "rule-doi-syntax",
    replace("doi: 10.80000/3mfp-6m52", "doi: doi:10.80000/3mfp-6m52"),
    ["1:6: error: /doi: 'doi:10.80000/3mfp-6m52' is not a DOI: expected 10.<prefix>/<suffix>"],
)
case(
    "rule-doi-prefix",
    replace("doi: 10.80000/3mfp-6m52", "doi: 10.80001/3mfp-6m52"),
    [
        "1:6: advice: /doi: file name does not match its DOI; expected dois/10.80001/3mfp-6m52.yaml",
        "1:6: error: /doi: prefix 10.80001 does not belong to repository EXAMPLE.REPO (its prefixes: 10.80000), which owns the files under dois/",
    ],
)
case(
    "rule-url-scheme",
    replace("url: https://data.example.org/records/1", "url: data.example.org/records/1"),
    ["3:6: error: /url: 'data.example.org/records/1' is not a valid URL: use https://…"],
)
case(
    "rule-url-domain",
    replace("url: https://data.example.org/records/1", "url: https://elsewhere.org/records/1"),
    [
        "3:6: error: /url: host elsewhere.org is not allowed for repository EXAMPLE.REPO (domains: data.example.org, *.example.org)"
    ],
)
case(
    "rule-url-file",
    replace("url: https://data.example.org/records/1", "url: https://data.example.org/files/data.zip"),
    [
        "3:6: advice: /url: the url points at a file; a DOI should resolve to a landing page that describes the content"
    ],
)
case(
    "rule-orcid-check-digit",
    replace(
        "    nameType: Personal\n",
        "    nameType: Personal\n    nameIdentifiers:\n      - nameIdentifier: https://orcid.org/0000-0002-1825-0098\n        nameIdentifierScheme: ORCID\n",
    ),
    [
        "8:25: warning: /creators/0/nameIdentifiers/0/nameIdentifier: ORCID 'https://orcid.org/0000-0002-1825-0098' fails its check digit (ISO 7064 11,2): a typo"
    ],
)
case(
    "rule-ror",
    replace(
        "    nameType: Personal\n",
        "    nameType: Personal\n    affiliation:\n      - name: Example University\n        affiliationIdentifier: https://ror.org/04wxnsj8\n        affiliationIdentifierScheme: ROR\n",
    ),
    [
        "9:32: warning: /creators/0/affiliation/0/affiliationIdentifier: 'https://ror.org/04wxnsj8' does not look like a valid ROR identifier"
    ],
)
case(
    "rule-related-isbn",
    with_(
        "relatedIdentifiers:\n  - relatedIdentifier: 978-3-16-148410-1\n    relatedIdentifierType: ISBN\n    relationType: IsPartOf\n"
    ),
    [
        "14:24: warning: /relatedIdentifiers/0/relatedIdentifier: '978-3-16-148410-1' does not look like a valid ISBN"
    ],
)
case(
    "rule-date-format",
    with_("dates:\n  - date: 31-01-2019\n    dateType: Issued\n"),
    [
        "14:11: warning: /dates/0/date: '31-01-2019' is not a date DataCite documents (YYYY, YYYY-MM-DD, YYYY-MM-DDThh:mm:ssZ, -YYYY BCE, or start/end)"
    ],
)
case(
    "rule-language",
    with_("language: english\n"),
    [
        "13:11: warning: /language: 'english' is not a valid BCP 47 language tag (e.g. en, de-CH, zh-Hant): DataCite stores it as 'en': write en"
    ],
)
case(
    "rule-funder-no-type",
    with_(
        "fundingReferences:\n  - funderName: EC\n    funderIdentifier: https://doi.org/10.13039/501100000780\n"
    ),
    ["15:23: error: /fundingReferences/0/funderIdentifier: funderIdentifier needs funderIdentifierType"],
)
case(
    "rule-whitespace",
    replace("  - title: Sensor readings\n", "  - title: ' Sensor readings'\n"),
    ["8:12: advice: /titles/0/title: ' Sensor readings' has leading or trailing white space"],
)
case(
    "docs-nameIdentifier-no-value",
    replace(
        "    nameType: Personal\n",
        "    nameType: Personal\n    nameIdentifiers:\n      - nameIdentifierScheme: ORCID\n",
    ),
    [
        "8:9: warning: /creators/0/nameIdentifiers/0/nameIdentifier: missing `nameIdentifier`: DataCite's documentation requires it, although DataCite accepts the record without it"
    ],
)
case(
    "docs-empty-title",
    replace(
        "  - title: Sensor readings\n", "  - title: Sensor readings\n  - title: ''\n    titleType: Subtitle\n"
    ),
    ["9:12: warning: /titles/1/title: should not be empty (DataCite's documentation; DataCite accepts it)"],
)


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_invalid_file(repo: Repo, text: str, expected: list[str]) -> None:
    repo.write("dois/10.80000/3mfp-6m52.yaml", text)
    desired = read_desired(load_config(repo.config))
    found = [
        f"{d.line}:{d.column}: {d.severity.value}: {d.pointer}: {d.message}" for d in desired.diagnostics
    ]
    assert found == expected
    assert (desired.records == ()) is any(": error: " in line for line in expected)


def test_base_is_valid(repo: Repo) -> None:
    repo.write("dois/10.80000/3mfp-6m52.yaml", BASE)
    assert read_desired(load_config(repo.config)).diagnostics == ()


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 60
    assert len({name for name, _, _ in CASES}) == len(CASES)
