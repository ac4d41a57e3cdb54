"""Valid values of every identifier type a DOI file names, with their check digits computed."""

from __future__ import annotations

from collections.abc import Callable

from reconciler.core.suffix import MAX_NUMBER, encode_suffix

from .sources import Source, chance, digit_string, hex_string, pick

ORCID_BLOCKS = ((15_000_000, 35_000_000), (900_000_000_000, 900_100_000_000))
"""The ISNI blocks ORCID issues iDs from (the first 15 digits, as idutils checks them)."""
ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
"""Crockford base32 in lower case: the alphabet of ROR IDs (and of DataCite suffixes)."""


# -- check digits ---------------------------------------------------------------------------------


def iso7064_11_2(digits: str) -> str:
    """The ISO 7064 MOD 11-2 check character of an ORCID or ISNI (10 is written X)."""
    total = 0
    for digit in digits:
        total = (total + int(digit)) * 2
    check = (12 - total % 11) % 11
    return "X" if check == 10 else str(check)


def iso7064_97_10(number: int) -> str:
    """The two-digit ISO 7064 MOD 97-10 check of a ROR ID's base32 number."""
    return f"{98 - (number * 100) % 97:02d}"


def ean13_check(digits: str) -> str:
    """The check digit of an EAN-13 (an ISBN-13 too) from its first 12 digits."""
    return str(-sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10)


def _mod11(digits: str, top: int) -> str:
    check = -sum((top - i) * int(d) for i, d in enumerate(digits)) % 11
    return "X" if check == 10 else str(check)


def isbn10_check(digits: str) -> str:
    """The check character of an ISBN-10 from its first 9 digits."""
    return _mod11(digits, 10)


def issn_check(digits: str) -> str:
    """The check character of an ISSN from its first 7 digits."""
    return _mod11(digits, 8)


# -- identifiers ----------------------------------------------------------------------------------


def orcid(src: Source) -> str:
    low, high = pick(src, ORCID_BLOCKS)
    body = f"{src.integer(low, high):015d}"
    full = body + iso7064_11_2(body)
    return "-".join(full[i : i + 4] for i in range(0, 16, 4))


def ror(src: Source) -> str:
    number = src.integer(0, 32**6 - 1)
    chars = "".join(ALPHABET[number >> shift & 31] for shift in range(25, -1, -5))
    return f"0{chars}{iso7064_97_10(number)}"


def isni(src: Source) -> str:
    body = digit_string(src, 15)
    return body + iso7064_11_2(body)


def isbn(src: Source) -> str:
    if chance(src, 20):
        body = digit_string(src, 9, low=1)  # isbnlib refuses 0000000000, check digit or not
        return body + isbn10_check(body)
    body = pick(src, ("978", "979")) + digit_string(src, 9)
    return body + ean13_check(body)


def issn(src: Source) -> str:
    body = digit_string(src, 7)
    return f"{body[:4]}-{body[4:]}{issn_check(body)}"


def _ean13(src: Source) -> str:
    body = digit_string(src, 12)
    return body + ean13_check(body)


def doi_value(src: Source) -> str:
    tail = pick(src, ("zenodo.{}", "{}", "example.{}.v2"))
    number = src.integer(0, MAX_NUMBER)
    return f"10.{src.integer(1000, 99999)}/{tail.format(encode_suffix(number) if tail == '{}' else number)}"


def _arxiv(src: Source) -> str:
    number = f"{src.integer(7, 25):02d}{src.integer(1, 12):02d}.{src.integer(1, 99999):05d}"
    return pick(src, ("", "arXiv:")) + number + pick(src, ("", "v2", "v13"))


def _bibcode(src: Source) -> str:
    journal, page = pick(src, ("ApJ", "A&A", "MNRAS", "AJ", "Natur")), str(src.integer(1, 9999))
    volume = str(src.integer(1, 999))
    return f"{src.integer(1950, 2025)}{journal:.<5}{volume:.>4}{pick(src, '.L')}{page:.>4}{pick(src, 'ABKS')}"


def url_value(src: Source) -> str:
    host = pick(src, ("example.com", "github.com/example", "archive.example.net"))
    return f"https://{host}/{src.integer(1, 99999)}"


# relatedIdentifierType → a valid value of that type (what rules.py's checks accept).
RELATED: tuple[tuple[str, Callable[[Source], str]], ...] = (
    ("DOI", doi_value),
    ("URL", url_value),
    ("ISBN", isbn),
    ("arXiv", _arxiv),
    ("ISSN", issn),
    ("EISSN", issn),
    ("LISSN", issn),
    ("PMID", lambda s: str(s.integer(1, 39999999))),
    ("Handle", lambda s: f"{pick(s, ('20.500.12345', '11858', '1721.1'))}/{s.integer(1, 999999)}"),
    (
        "URN",
        lambda s: f"urn:nbn:de:{pick(s, ('bsz', 'hbz', 'kobv'))}:{s.integer(1, 999)}-{digit_string(s, 8)}",
    ),
    (
        "ARK",
        lambda s: f"ark:/{s.integer(10000, 99999)}/{pick(s, ('bcd', 'fk4', 'tf5p'))}{s.integer(1, 99999)}",
    ),
    (
        "PURL",
        lambda s: f"https://purl.org/{pick(s, ('dc/terms', 'net/example', 'obo'))}/{s.integer(1, 999)}",
    ),
    ("w3id", lambda s: f"https://w3id.org/{pick(s, ('example', 'ro/crate', 'okn'))}/{s.integer(1, 999)}"),
    ("EAN13", _ean13),
    ("UPC", lambda s: digit_string(s, 12)),
    ("bibcode", _bibcode),
    ("LSID", lambda s: f"urn:lsid:{pick(s, ('ubio.org', 'zoobank.org'))}:names:{s.integer(1, 999999)}"),
    ("RRID", lambda s: f"RRID:{pick(s, ('AB', 'SCR', 'CVCL'))}_{s.integer(1, 9999999)}"),
    ("SWHID", lambda s: f"swh:1:{pick(s, ('dir', 'rev', 'rel', 'cnt', 'snp'))}:{hex_string(s, 40)}"),
    (
        "CSTR",
        lambda s: (
            f"{digit_string(s, 5)}.{digit_string(s, 2)}.sciencedb.j{digit_string(s, 5)}.{digit_string(s, 5)}"
        ),
    ),
    ("IGSN", lambda s: f"IE{pick(s, ('CUR', 'SIO', 'XYZ'))}{digit_string(s, 4)}"),
    ("RAiD", lambda s: f"10.{s.integer(10000, 99999)}/{hex_string(s, 8)}"),
    ("ISTC", lambda s: f"0A9-{digit_string(s, 4)}-{hex_string(s, 8).upper()}-{hex_string(s, 1).upper()}"),
)
