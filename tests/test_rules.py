"""One row per rule and outcome; each asserts the whole list of findings."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.core.rules import (
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
    padded_values,
    publisher_identifier,
    related_identifiers,
    run_record_rules,
)
from reconciler.model import Diagnostic, Repository, Severity

E, W, N = Severity.ERROR, Severity.WARNING, Severity.INFO
REPO = Repository(
    "EXAMPLE.REPO", ("10.80000",), "dois/", "DATACITE_PASSWORD", ("data.example.org", "*.example.org")
)
CTX = RuleContext("dois/10.80000/3mfp-6m52.yaml", REPO)
DOI = "10.80000/3mfp-6m52"
ORCID_BAD = "https://orcid.org/0000-0002-1825-0098"

CASES: list[tuple[str, Any, dict[str, Any], list[Diagnostic]]] = [
    ("doi-ok", doi_syntax, {"doi": DOI}, []),
    ("doi-not-a-doi", doi_syntax, {"doi": "11.80000/x"},
     [Diagnostic(severity=E, pointer="/doi", rule="doi-syntax",
                 message="'11.80000/x' is not a DOI: expected 10.<prefix>/<suffix>")]),
    ("doi-plus", doi_syntax, {"doi": "10.80000/a+b"},
     [Diagnostic(severity=W, pointer="/doi", rule="doi-characters",
                 message="'10.80000/a+b' has characters DataCite refuses for new DOIs (allowed: letters, digits, "
                         "-._;()/:*~$=): DataCite refuses this DOI on create (422); an existing DOI keeps working")]),
    ("doi-upper", doi_syntax, {"doi": "10.80000/3MFP-6M52"},
     [Diagnostic(severity=W, pointer="/doi", rule="doi-case",
                 message="write the DOI in lower case: 10.80000/3mfp-6m52")]),
    ("doi-missing", doi_syntax, {}, []),
    ("prefix-ok", doi_prefix, {"doi": DOI}, []),
    ("prefix-foreign", doi_prefix, {"doi": "10.5555/3mfp-6m52"},
     [Diagnostic(severity=E, pointer="/doi", rule="doi-prefix",
                 message="prefix 10.5555 does not belong to repository EXAMPLE.REPO (its prefixes: 10.80000), "
                         "which owns the files under dois/")]),
    ("prefix-skips-bad-doi", doi_prefix, {"doi": "nope"}, []),
    ("path-ok", file_path, {"doi": DOI}, []),
    ("path-other", file_path, {"doi": "10.80000/xdwt-5h08"},
     [Diagnostic(severity=W, pointer="/doi", rule="file-path",
                 message="file name does not match its DOI; expected dois/10.80000/xdwt-5h08.yaml")]),
    ("path-skips-bad-doi", file_path, {"doi": 12}, []),
    ("url-ok", landing_page, {"state": "findable", "url": "https://data.example.org/r/1"}, []),
    ("url-subdomain", landing_page, {"state": "findable", "url": "https://www.example.org/r/1"}, []),
    ("url-none", landing_page, {"state": "draft"}, []),
    ("url-scheme", landing_page, {"state": "findable", "url": "mailto:x@example.org"},
     [Diagnostic(severity=E, pointer="/url", rule="url-scheme",
                 message="'mailto:x@example.org' is not a valid URL: use https://…")]),
    ("url-no-host", landing_page, {"state": "findable", "url": "https://"},
     [Diagnostic(severity=E, pointer="/url", rule="url-scheme",
                 message="'https://' is not a valid URL: use https://…")]),
    ("url-http", landing_page, {"state": "findable", "url": "http://data.example.org/r/1"},
     [Diagnostic(severity=W, pointer="/url", message="landing pages should use https, not http", rule="url-https")]),
    ("url-domain", landing_page, {"state": "findable", "url": "https://evil.org/r/1"},
     [Diagnostic(severity=E, pointer="/url", rule="url-domain",
                 message="host evil.org is not allowed for repository EXAMPLE.REPO "
                         "(domains: data.example.org, *.example.org)")]),
    ("url-domain-draft", landing_page, {"state": "draft", "url": "https://evil.org/r/1"},
     [Diagnostic(severity=W, pointer="/url", rule="url-domain",
                 message="host evil.org is not allowed for repository EXAMPLE.REPO "
                         "(domains: data.example.org, *.example.org)")]),
    ("url-content", landing_page, {"state": "findable", "url": "https://data.example.org/files/data.CSV"},
     [Diagnostic(severity=W, pointer="/url", rule="landing-page",
                 message="the url points at a file; a DOI should resolve to a landing page that describes the "
                         "content")]),
    ("url-registered-not-tombstone", landing_page, {"state": "registered", "url": "https://data.example.org/r/1"},
     [Diagnostic(severity=N, pointer="/url", rule="tombstone-url",
                 message="a registered DOI is usually a withdrawn one: point its url at a tombstone page")]),
    ("url-registered-tombstone", landing_page,
     {"state": "registered", "url": "https://data.example.org/tombstone/1"}, []),
    ("suffix-opaque", opaque_suffix, {"doi": DOI}, []),
    ("suffix-short-code", opaque_suffix, {"doi": "10.80000/n34n5q"}, []),
    ("suffix-semantic", opaque_suffix, {"doi": "10.80000/sensor-data-2024"},
     [Diagnostic(severity=W, pointer="/doi", rule="opaque-suffix",
                 message="suffix 'sensor-data-2024' carries meaning; DataCite recommends opaque suffixes, which "
                         "cannot go out of date (`doiac new` mints one)")]),
    ("suffix-year", opaque_suffix, {"doi": "10.80000/x.2006.17"},
     [Diagnostic(severity=W, pointer="/doi", rule="opaque-suffix",
                 message="suffix 'x.2006.17' carries meaning; DataCite recommends opaque suffixes, which "
                         "cannot go out of date (`doiac new` mints one)")]),
    ("suffix-no-slash", opaque_suffix, {"doi": "10.80000"}, []),
    ("orcid-ok", name_identifiers,
     {"creators": [{"name": "A", "nameIdentifiers": [{"nameIdentifier": "https://orcid.org/0000-0002-1825-0097",
                                                        "nameIdentifierScheme": "ORCID"}]}]}, []),
    ("orcid-typo", name_identifiers,
     {"contributors": [{"name": "A", "nameIdentifiers": [{"nameIdentifier": ORCID_BAD, "nameIdentifierScheme": "ORCID"}]}]},
     [Diagnostic(severity=W, pointer="/contributors/0/nameIdentifiers/0/nameIdentifier", rule="name-id",
                 message=f"ORCID {ORCID_BAD!r} fails its check digit (ISO 7064 11,2): a typo")]),
    ("affiliation-ror-bad", name_identifiers,
     {"creators": [{"name": "A", "affiliation": [{"name": "U", "affiliationIdentifier": "x",
                                                   "affiliationIdentifierScheme": "ROR"}]}]},
     [Diagnostic(severity=W, pointer="/creators/0/affiliation/0/affiliationIdentifier", rule="org-id",
                 message="'x' does not look like a valid ROR identifier")]),
    ("affiliation-no-scheme", name_identifiers,
     {"creators": [{"name": "A", "affiliation": [{"name": "U", "affiliationIdentifier": "https://ror.org/04wxnsj81"}]}]},
     [Diagnostic(severity=W, pointer="/creators/0/affiliation/0/affiliationIdentifier", rule="org-id",
                 message="affiliationIdentifier needs affiliationIdentifierScheme (e.g. ROR)")]),
    ("publisher-string", publisher_identifier, {"publisher": "P"}, []),
    ("publisher-ror-ok", publisher_identifier,
     {"publisher": {"name": "P", "publisherIdentifier": "https://ror.org/04wxnsj81", "publisherIdentifierScheme": "ROR"}},
     []),
    ("publisher-isni-bad", publisher_identifier,
     {"publisher": {"name": "P", "publisherIdentifier": "123", "publisherIdentifierScheme": "ISNI"}},
     [Diagnostic(severity=W, pointer="/publisher/publisherIdentifier", rule="org-id",
                 message="'123' does not look like a valid ISNI identifier")]),
    ("funder-no-type", funder_identifiers, {"fundingReferences": [{"funderName": "F", "funderIdentifier": "x"}]},
     [Diagnostic(severity=E, pointer="/fundingReferences/0/funderIdentifier", rule="funder-id",
                 message="funderIdentifier needs funderIdentifierType")]),
    ("funder-crossref-ok", funder_identifiers,
     {"fundingReferences": [{"funderName": "F", "funderIdentifier": "https://doi.org/10.13039/501100000780",
                             "funderIdentifierType": "Crossref Funder ID"}]}, []),
    ("related-bad-isbn", related_identifiers,
     {"relatedIdentifiers": [{"relatedIdentifier": "978-3-16-148410-1", "relatedIdentifierType": "ISBN",
                              "relationType": "IsPartOf"}]},
     [Diagnostic(severity=W, pointer="/relatedIdentifiers/0/relatedIdentifier", rule="related-id",
                 message="'978-3-16-148410-1' does not look like a valid ISBN")]),
    ("related-item-bad-issn", related_identifiers,
     {"relatedItems": [{"relatedItemIdentifier": {"relatedItemIdentifier": "1234-5678",
                                                   "relatedItemIdentifierType": "ISSN"}}]},
     [Diagnostic(severity=W, pointer="/relatedItems/0/relatedItemIdentifier/relatedItemIdentifier", rule="related-id",
                 message="'1234-5678' does not look like a valid ISSN")]),
    ("related-item-no-identifier", related_identifiers, {"relatedItems": [{"relationType": "Cites"}]}, []),
    ("identifier-doi", alternate_identifiers, {"identifiers": [{"identifier": "10.1/x", "identifierType": "DOI"}]},
     [Diagnostic(severity=W, pointer="/identifiers/0/identifierType", rule="identifier-doi",
                 message="DataCite silently drops identifiers of type DOI; relate other "
                         "DOIs with relatedIdentifiers")]),
    ("date-bad", dates, {"dates": [{"date": "31-01-2019", "dateType": "Issued"}]},
     [Diagnostic(severity=W, pointer="/dates/0/date", rule="date-format",
                 message="'31-01-2019' is not a date DataCite documents (YYYY, YYYY-MM-DD, "
                         "YYYY-MM-DDThh:mm:ssZ, -YYYY BCE, or start/end)")]),
    ("language-bad", languages, {"language": "english", "titles": [{"title": "T", "lang": "en_US"}]},
     [Diagnostic(severity=W, pointer="/language", rule="language",
                 message="'english' is not a valid BCP 47 language tag (e.g. en, de-CH, zh-Hant): DataCite stores it as 'en': write en"),
      Diagnostic(severity=W, pointer="/titles/0/lang", rule="language",
                 message="'en_US' is not a valid BCP 47 language tag (e.g. en, de-CH, zh-Hant): DataCite stores null for this value")]),
    ("coordinates-string-out-of-range", coordinates,
     {"geoLocations": [{"geoLocationPoint": {"pointLatitude": "91.5", "pointLongitude": "10"}}]},
     [Diagnostic(severity=E, pointer="/geoLocations/0/geoLocationPoint/pointLatitude", rule="coordinates",
                 message="91.5 is out of range: must be between -90 and 90")]),
    ("coordinates-polygon", coordinates,
     {"geoLocations": [{"geoLocationPolygon": [{"polygonPoint": {"pointLatitude": 1, "pointLongitude": "-181"}}]}]},
     [Diagnostic(severity=E, pointer="/geoLocations/0/geoLocationPolygon/0/polygonPoint/pointLongitude", rule="coordinates",
                 message="-181 is out of range: must be between -180 and 180")]),
    ("coordinates-not-numeric-left-to-schema", coordinates,
     {"geoLocations": [{"geoLocationBox": {"northBoundLatitude": "north"}}]}, []),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "record", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rule(rule: Any, record: dict[str, Any], expected: list[Diagnostic]) -> None:
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


def test_rights_text_over_2000_characters_is_refused() -> None:
    from reconciler.core.rules import RIGHTS_LIMIT, rights_length

    record = {"rightsList": [{"rights": "x" * RIGHTS_LIMIT}, {"rights": "y" * (RIGHTS_LIMIT + 1)}]}
    (found,) = rights_length(record, CTX)
    assert (found.severity, found.pointer, found.rule) == (
        Severity.ERROR,
        "/rightsList/1/rights",
        "rights-length",
    )
    assert "DataCite refuses more than 2,000 (422)" in found.message


def test_padded_values_point_at_each_padded_string_and_only_those() -> None:
    record = {
        "titles": [{"title": "clean"}, {"title": "tab\t"}],
        "a/b~c": " key with pointer characters",
        "subjects": [["nested", "\u00a0no-break space"]],
        "descriptions": [{"description": "Ends with a block scalar's newline\n"}],
        "sizes": ["", "1 MB"],
    }
    found = {d.pointer: d.message for d in padded_values(record, CTX)}
    assert sorted(found) == ["/a~1b~0c", "/subjects/0/1", "/titles/1/title"]
    assert found["/titles/1/title"] == "'tab\\t' has leading or trailing white space"
