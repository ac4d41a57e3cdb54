"""One row per rule and outcome; each asserts the whole list of findings."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.core.rules import (
    Finding,
    RuleContext,
    alternate_identifiers,
    canonical_path,
    coordinates,
    dates,
    doi_prefix,
    doi_syntax,
    file_path,
    funder_identifiers,
    host_allowed,
    landing_page,
    languages,
    name_identifiers,
    opaque_suffix,
    publisher_identifier,
    related_identifiers,
    run_record_rules,
)
from reconciler.model import Repository, Severity

E, W, N = Severity.ERROR, Severity.WARNING, Severity.INFO
REPO = Repository(
    "EXAMPLE.REPO", ("10.80000",), "dois/", "DATACITE_PASSWORD", ("data.example.org", "*.example.org")
)
CTX = RuleContext("dois/10.80000/3mfp-6m52.yaml", REPO)
DOI = "10.80000/3mfp-6m52"
ORCID_BAD = "https://orcid.org/0000-0002-1825-0098"

CASES: list[tuple[str, Any, dict[str, Any], list[Finding]]] = [
    ("doi-ok", doi_syntax, {"doi": DOI}, []),
    ("doi-not-a-doi", doi_syntax, {"doi": "11.80000/x"},
     [Finding(E, "/doi", "'11.80000/x' is not a DOI: expected 10.<prefix>/<suffix>", "doi-syntax")]),
    ("doi-plus", doi_syntax, {"doi": "10.80000/a+b"},
     [Finding(W, "/doi", "'10.80000/a+b' has characters DataCite refuses for new DOIs (allowed: letters, digits, "
              "-._;()/:*~$=); an existing DOI keeps working", "doi-characters")]),
    ("doi-upper", doi_syntax, {"doi": "10.80000/3MFP-6M52"},
     [Finding(W, "/doi", "write the DOI in lower case: 10.80000/3mfp-6m52", "doi-case")]),
    ("doi-missing", doi_syntax, {}, []),
    ("prefix-ok", doi_prefix, {"doi": DOI}, []),
    ("prefix-foreign", doi_prefix, {"doi": "10.5555/3mfp-6m52"},
     [Finding(E, "/doi", "prefix 10.5555 does not belong to repository EXAMPLE.REPO (its prefixes: 10.80000), "
              "which owns the files under dois/", "doi-prefix")]),
    ("prefix-skips-bad-doi", doi_prefix, {"doi": "nope"}, []),
    ("path-ok", file_path, {"doi": DOI}, []),
    ("path-other", file_path, {"doi": "10.80000/xdwt-5h08"},
     [Finding(W, "/doi", "file name does not match its DOI; expected dois/10.80000/xdwt-5h08.yaml", "file-path")]),
    ("path-skips-bad-doi", file_path, {"doi": 12}, []),
    ("url-ok", landing_page, {"state": "findable", "url": "https://data.example.org/r/1"}, []),
    ("url-subdomain", landing_page, {"state": "findable", "url": "https://www.example.org/r/1"}, []),
    ("url-none", landing_page, {"state": "draft"}, []),
    ("url-scheme", landing_page, {"state": "findable", "url": "mailto:x@example.org"},
     [Finding(E, "/url", "'mailto:x@example.org' is not a valid URL: use https://…", "url-scheme")]),
    ("url-no-host", landing_page, {"state": "findable", "url": "https://"},
     [Finding(E, "/url", "'https://' is not a valid URL: use https://…", "url-scheme")]),
    ("url-http", landing_page, {"state": "findable", "url": "http://data.example.org/r/1"},
     [Finding(W, "/url", "landing pages should use https, not http", "url-https")]),
    ("url-domain", landing_page, {"state": "findable", "url": "https://evil.org/r/1"},
     [Finding(E, "/url", "host evil.org is not allowed for repository EXAMPLE.REPO "
              "(domains: data.example.org, *.example.org)", "url-domain")]),
    ("url-domain-draft", landing_page, {"state": "draft", "url": "https://evil.org/r/1"},
     [Finding(W, "/url", "host evil.org is not allowed for repository EXAMPLE.REPO "
              "(domains: data.example.org, *.example.org)", "url-domain")]),
    ("url-content", landing_page, {"state": "findable", "url": "https://data.example.org/files/data.CSV"},
     [Finding(W, "/url", "the url points at a file; a DOI should resolve to a landing page that describes the "
              "content", "landing-page")]),
    ("url-registered-not-tombstone", landing_page, {"state": "registered", "url": "https://data.example.org/r/1"},
     [Finding(N, "/url", "a registered DOI is usually a withdrawn one: point its url at a tombstone page",
              "tombstone-url")]),
    ("url-registered-tombstone", landing_page,
     {"state": "registered", "url": "https://data.example.org/tombstone/1"}, []),
    ("suffix-opaque", opaque_suffix, {"doi": DOI}, []),
    ("suffix-short-code", opaque_suffix, {"doi": "10.80000/n34n5q"}, []),
    ("suffix-semantic", opaque_suffix, {"doi": "10.80000/sensor-data-2024"},
     [Finding(W, "/doi", "suffix 'sensor-data-2024' carries meaning; DataCite recommends opaque suffixes, which "
              "cannot go out of date (`doiac new` mints one)", "opaque-suffix")]),
    ("suffix-year", opaque_suffix, {"doi": "10.80000/x.2006.17"},
     [Finding(W, "/doi", "suffix 'x.2006.17' carries meaning; DataCite recommends opaque suffixes, which "
              "cannot go out of date (`doiac new` mints one)", "opaque-suffix")]),
    ("suffix-no-slash", opaque_suffix, {"doi": "10.80000"}, []),
    ("orcid-ok", name_identifiers,
     {"creators": [{"name": "A", "nameIdentifiers": [{"nameIdentifier": "https://orcid.org/0000-0002-1825-0097",
                                                        "nameIdentifierScheme": "ORCID"}]}]}, []),
    ("orcid-typo", name_identifiers,
     {"contributors": [{"name": "A", "nameIdentifiers": [{"nameIdentifier": ORCID_BAD, "nameIdentifierScheme": "ORCID"}]}]},
     [Finding(E, "/contributors/0/nameIdentifiers/0/nameIdentifier",
              f"ORCID {ORCID_BAD!r} fails its check digit (ISO 7064 11,2): a typo", "name-id")]),
    ("affiliation-ror-bad", name_identifiers,
     {"creators": [{"name": "A", "affiliation": [{"name": "U", "affiliationIdentifier": "x",
                                                   "affiliationIdentifierScheme": "ROR"}]}]},
     [Finding(W, "/creators/0/affiliation/0/affiliationIdentifier",
              "'x' does not look like a valid ROR identifier", "org-id")]),
    ("affiliation-no-scheme", name_identifiers,
     {"creators": [{"name": "A", "affiliation": [{"name": "U", "affiliationIdentifier": "https://ror.org/04wxnsj81"}]}]},
     [Finding(W, "/creators/0/affiliation/0/affiliationIdentifier",
              "affiliationIdentifier needs affiliationIdentifierScheme (e.g. ROR)", "org-id")]),
    ("publisher-string", publisher_identifier, {"publisher": "P"}, []),
    ("publisher-ror-ok", publisher_identifier,
     {"publisher": {"name": "P", "publisherIdentifier": "https://ror.org/04wxnsj81", "publisherIdentifierScheme": "ROR"}},
     []),
    ("publisher-isni-bad", publisher_identifier,
     {"publisher": {"name": "P", "publisherIdentifier": "123", "publisherIdentifierScheme": "ISNI"}},
     [Finding(W, "/publisher/publisherIdentifier", "'123' does not look like a valid ISNI identifier", "org-id")]),
    ("funder-no-type", funder_identifiers, {"fundingReferences": [{"funderName": "F", "funderIdentifier": "x"}]},
     [Finding(E, "/fundingReferences/0/funderIdentifier", "funderIdentifier needs funderIdentifierType", "funder-id")]),
    ("funder-crossref-ok", funder_identifiers,
     {"fundingReferences": [{"funderName": "F", "funderIdentifier": "https://doi.org/10.13039/501100000780",
                             "funderIdentifierType": "Crossref Funder ID"}]}, []),
    ("related-bad-isbn", related_identifiers,
     {"relatedIdentifiers": [{"relatedIdentifier": "978-3-16-148410-1", "relatedIdentifierType": "ISBN",
                              "relationType": "IsPartOf"}]},
     [Finding(W, "/relatedIdentifiers/0/relatedIdentifier",
              "'978-3-16-148410-1' does not look like a valid ISBN", "related-id")]),
    ("related-item-bad-issn", related_identifiers,
     {"relatedItems": [{"relatedItemIdentifier": {"relatedItemIdentifier": "1234-5678",
                                                   "relatedItemIdentifierType": "ISSN"}}]},
     [Finding(W, "/relatedItems/0/relatedItemIdentifier/relatedItemIdentifier",
              "'1234-5678' does not look like a valid ISSN", "related-id")]),
    ("related-item-no-identifier", related_identifiers, {"relatedItems": [{"relationType": "Cites"}]}, []),
    ("identifier-doi", alternate_identifiers, {"identifiers": [{"identifier": "10.1/x", "identifierType": "DOI"}]},
     [Finding(W, "/identifiers/0/identifierType", "DataCite silently drops identifiers of type DOI; relate other "
              "DOIs with relatedIdentifiers", "identifier-doi")]),
    ("date-bad", dates, {"dates": [{"date": "31-01-2019", "dateType": "Issued"}]},
     [Finding(W, "/dates/0/date", "'31-01-2019' is not a date DataCite documents (YYYY, YYYY-MM-DD, "
              "YYYY-MM-DDThh:mm:ssZ, or start/end)", "date-format")]),
    ("language-bad", languages, {"language": "english", "titles": [{"title": "T", "lang": "en_US"}]},
     [Finding(W, "/language", "'english' is not a valid BCP 47 language tag (e.g. en, de-CH, zh-Hant)", "language"),
      Finding(W, "/titles/0/lang", "'en_US' is not a valid BCP 47 language tag (e.g. en, de-CH, zh-Hant)",
              "language")]),
    ("coordinates-string-out-of-range", coordinates,
     {"geoLocations": [{"geoLocationPoint": {"pointLatitude": "91.5", "pointLongitude": "10"}}]},
     [Finding(E, "/geoLocations/0/geoLocationPoint/pointLatitude", "91.5 is out of range: must be between -90 and 90",
              "coordinates")]),
    ("coordinates-polygon", coordinates,
     {"geoLocations": [{"geoLocationPolygon": [{"polygonPoint": {"pointLatitude": 1, "pointLongitude": "-181"}}]}]},
     [Finding(E, "/geoLocations/0/geoLocationPolygon/0/polygonPoint/pointLongitude",
              "-181 is out of range: must be between -180 and 180", "coordinates")]),
    ("coordinates-not-numeric-left-to-schema", coordinates,
     {"geoLocations": [{"geoLocationBox": {"northBoundLatitude": "north"}}]}, []),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "record", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rule(rule: Any, record: dict[str, Any], expected: list[Finding]) -> None:
    assert list(rule(record, CTX)) == expected


def test_all_rules_together_on_a_clean_record() -> None:
    record = {
        "doi": DOI,
        "state": "findable",
        "url": "https://data.example.org/r/1",
        "creators": [{"name": "A"}],
    }
    assert run_record_rules(record, CTX) == []


def test_rules_survive_wrong_shapes() -> None:
    # The schema reports these; rules must not crash on them.
    record = {
        "doi": ["x"],
        "url": 5,
        "creators": "A",
        "relatedItems": [1],
        "geoLocations": [{"geoLocationPolygon": 3}],
    }
    assert run_record_rules(record, CTX) == []


@pytest.mark.parametrize(
    ("host", "domains", "allowed"),
    [
        ("data.example.org", (), True),
        ("data.example.org", ("*",), True),
        ("data.example.org", ("data.example.org",), True),
        ("DATA.example.org.", ("data.example.org",), True),
        ("a.example.org", ("*.example.org",), True),
        ("example.org", ("*.example.org",), False),
        ("badexample.org", ("*.example.org",), False),
        ("other.org", ("data.example.org",), False),
    ],
)
def test_host_allowed(host: str, domains: tuple[str, ...], allowed: bool) -> None:
    assert host_allowed(host, domains) is allowed


def test_canonical_path() -> None:
    assert canonical_path("10.80000/A/B", REPO) == "dois/10.80000/a__b.yaml"
