from __future__ import annotations

import pytest

from reconciler.core.identifiers import (
    RELATED_IDENTIFIER_CHECKS,
    check_date,
    check_language,
    check_related_identifier,
    check_scheme_identifier,
)
from reconciler.model import Diagnostic, Severity

W = Severity.WARNING

RELATED = [
    ("ARK", "ark:/13030/tf5p30086k", "13030/tf5p30086k"),
    ("arXiv", "arXiv:1902.02534", "arXiv:19xx"),
    ("bibcode", "2011ApJ...737..103S", "not a bibcode"),
    ("CSTR", "CSTR:31253.11.sciencedb.j00001.00123", "CSTR:12.x"),
    ("DOI", "10.80000/3mfp-6m52", "https://example.org/10"),
    ("EAN13", "4006381333931", "4006381333932"),
    ("EISSN", "2049-3630", "2049-3631"),
    ("Handle", "20.1000/100", "not a handle"),
    ("IGSN", "IECUR0097", "has spaces in it"),
    ("ISBN", "978-3-16-148410-0", "978-3-16-148410-1"),
    ("ISSN", "0378-5955", "0378-5956"),
    ("ISTC", "0A9-2009-12B4A105-7", "0A9-2009"),
    ("LISSN", "0378-5955", "x"),
    ("LSID", "urn:lsid:ubio.org:namebank:11815", "urn:lsid:x"),
    ("PMID", "12345678", "pmid-abc"),
    ("PURL", "https://purl.org/dc/terms/", "https://example.org/dc"),
    ("RAiD", "https://raid.org/10.25.10.1234/abc", "raid-1"),
    ("RRID", "RRID:AB_262044", "AB262044x!"),
    ("SWHID", "swh:1:cnt:94a9ed024d3859793618152ea559a168bbcbb5e2", "swh:1:cnt:xyz"),
    ("UPC", "036000291452", "03600029145"),
    ("URL", "https://example.org/a", "example.org"),
    ("URN", "urn:nbn:de:101:1-201102033592", "nbn:de:101"),
    ("w3id", "https://w3id.org/example", "https://example.org/w3id"),
]


def test_every_related_identifier_type_is_covered() -> None:
    assert sorted(RELATED_IDENTIFIER_CHECKS) == sorted(kind for kind, _, _ in RELATED)


@pytest.mark.parametrize(("kind", "good", "bad"), RELATED, ids=[k for k, _, _ in RELATED])
def test_related_identifier(kind: str, good: str, bad: str) -> None:
    assert check_related_identifier(kind, good) is None
    assert check_related_identifier(kind, bad) == Diagnostic(
        severity=W, message=f"{bad!r} does not look like a valid {kind}"
    )


def test_unknown_related_type_is_not_checked() -> None:
    assert check_related_identifier("Other", "anything") is None


SCHEMES = [
    ("orcid-url", "ORCID", "https://orcid.org/0000-0002-1825-0097", None),
    ("orcid-bare", "ORCID", "0000-0002-1825-0097", None),
    ("orcid-x", "orcid", "https://orcid.org/0000-0002-1694-233X", None),
    ("orcid-check-digit", "ORCID", "https://orcid.org/0000-0002-1825-0098",
     Diagnostic(severity=W, message="ORCID 'https://orcid.org/0000-0002-1825-0098' fails its check digit (ISO 7064 11,2): a typo")),
    ("orcid-out-of-range", "ORCID", "2181-9600-1338-9080",
     Diagnostic(severity=W, message="ORCID '2181-9600-1338-9080' is outside the ranges ORCID issues iDs from")),
    ("orcid-doubled-prefix", "ORCID", "https://orcid.org/https://orcid.org/0000-0002-1825-0097",
     Diagnostic(severity=W, message="'https://orcid.org/https://orcid.org/0000-0002-1825-0097' does not look like a valid ORCID identifier")),
    ("orcid-shape", "ORCID", "orcid:jane", Diagnostic(severity=W, message="'orcid:jane' does not look like a valid ORCID identifier")),
    ("isni", "ISNI", "0000000121032683", None),
    ("ror", "ROR", "https://ror.org/04wxnsj81", None),
    ("ror-bare", "ROR", "013meh722", None),
    ("ror-bad", "ROR", "https://ror.org/04wxnsj8", Diagnostic(severity=W, message="'https://ror.org/04wxnsj8' does not look like a valid ROR identifier")),
    ("ror-check-digits", "ROR", "https://ror.org/04wxnsj82",
     Diagnostic(severity=W, message="ROR ID 'https://ror.org/04wxnsj82' fails its check digits (ISO 7064 mod 97-10): a typo")),
    ("grid", "GRID", "grid.5170.3", None),
    ("crossref-funder", "Crossref Funder ID", "https://doi.org/10.13039/501100000780", None),
    ("crossref-funder-bad", "Crossref Funder ID", "501100000780",
     Diagnostic(severity=W, message="'501100000780' does not look like a valid Crossref Funder ID identifier")),
    ("unknown-scheme", "Local", "anything", None),
    ("wikidata", "Wikidata", "Q42", None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("scheme", "value", "expected"), [c[1:] for c in SCHEMES], ids=[c[0] for c in SCHEMES]
)
def test_scheme_identifier(scheme: str, value: str, expected: object) -> None:
    assert check_scheme_identifier(scheme, value) == expected


@pytest.mark.parametrize("tag", ["en", "de-CH", "zh-Hant-TW", "sgn-ASE", "en-GB"])
def test_language_ok(tag: str) -> None:
    assert check_language(tag) is None


@pytest.mark.parametrize(
    ("tag", "consequence"),
    [
        ("en_US", "DataCite stores null for this value"),  # not well-formed: nulled (reference §2.8.4)
        ("Borgesian", "DataCite stores null for this value"),  # nine letters
        ("english", "DataCite stores it as 'en': write en"),  # an ISO 639-2 English name
        ("Spanish", "DataCite keeps it as sent"),  # ISO 639-2 says "Spanish; Castilian"
        ("e", "DataCite keeps it as sent"),
    ],
)
def test_language_bad(tag: str, consequence: str) -> None:
    assert check_language(tag) == Diagnostic(
        severity=W,
        message=f"{tag!r} is not a valid BCP 47 language tag (e.g. en, de-CH, zh-Hant): {consequence}",
    )


GOOD_DATES = ["2024", "2024-03", "2024-03-01", "2024-03-01T10:00Z", "2024-03-01T10:00:00.5+01:00",
              "2023-04-01/2023-09-30", "2004/", "/2005", "2024-02-29",
              "-0054", "-0054-03-15", "-0100/-0050", "-0044/0014"]  # fmt: skip  # BCE years, as documented
BAD_DATES = ["31-01-2019", "2024-13", "2023-02-29", "last spring", "/", "2024-01-01T25:00Z", "2024/2023-xx",
             "-54", "--0054", "-0054-13"]  # fmt: skip


@pytest.mark.parametrize("text", GOOD_DATES)
def test_date_ok(text: str) -> None:
    assert check_date(text) is None


@pytest.mark.parametrize("text", BAD_DATES)
def test_date_bad(text: str) -> None:
    check = check_date(text)
    assert check is not None
    assert check.severity is W
    assert check.message.startswith(f"{text!r} is not a date DataCite documents")


def test_date_range_backwards() -> None:
    assert check_date("2024-05-01/2024-01-01") == Diagnostic(
        severity=W, message="date range '2024-05-01/2024-01-01' ends before it starts"
    )
    assert check_date("-0050/-0100") == Diagnostic(
        severity=W, message="date range '-0050/-0100' ends before it starts"
    )


@pytest.mark.parametrize("value", ["0A9 2002 12B4A105 7", "0A9-2002-12B4A105-7", "0A9200212B4A1057"])
def test_istc_as_datacite_writes_it(value: str) -> None:
    # DataCite's own full example spells the ISTC with spaces.
    assert check_related_identifier("ISTC", value) is None


def test_idutils_exceptions_mean_not_valid() -> None:
    # idutils raises ValueError for some malformed URLs instead of answering False.
    assert check_related_identifier("URL", "https://[") == Diagnostic(
        severity=W, message="'https://[' does not look like a valid URL"
    )
