"""Is an identifier what its declared type says it is? (idutils and language-tags live here.)

Each check returns None when the value is fine, else a Diagnostic with its severity and message
(the rule that asked places it: pointer and rule id). DataCite itself
checks none of this, so a mismatch is a warning, except an ORCID whose check digit fails: that is
certainly a typo that would credit the wrong person; so is a ROR ID whose check digits fail.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Callable
from datetime import date, datetime
from types import ModuleType

from ..model import Diagnostic, Severity
from .normalize import two_letter_code
from .suffix import ALPHABET, check_digits

_ORCID_SHAPE = re.compile(r"^(?:https?://(?:www\.)?orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$")
# idutils' CSTR pattern allows exactly four dot-separated parts, but CSTRs carry an
# organisation-specific tail that may contain dots (e.g. 31253.11.sciencedb.j00001.00123).
_CSTR = re.compile(r"^(?:CSTR:)?\d{5}\.\d{2}\.\S+$", re.IGNORECASE)
# ISO 21047: parts separated by hyphens or spaces, as DataCite's own full example writes it.
_ISTC = re.compile(r"^[0-9A-F]{3}[- ]?[0-9]{4}[- ]?[0-9A-F]{8}[- ]?[0-9A-F]$", re.IGNORECASE)
_UPC = re.compile(r"^\d{12}$")
_W3ID = re.compile(r"^https?://w3id\.org/\S+$")
_ROR_SHAPE = re.compile(r"^(?:https?://ror\.org/)?(0[0-9a-hjkmnp-tv-z]{6})([0-9]{2})$")
_GRID = re.compile(r"^(?:https?://(?:www\.)?grid\.ac/institutes/)?grid\.\d+\.[0-9a-f]+$")
_IGSN = re.compile(r"^(?:(?:https?://)?(?:doi\.org/|igsn\.org/)?10\.\d{4,9}/\S+|[A-Za-z0-9.:/-]+)$")


@functools.cache
def _idutils() -> ModuleType:
    """idutils, imported on first use: it compiles some 150 patterns (0.25 s) that `doiac --help`,
    a plan without changes and a file without identifiers never need."""
    return importlib.import_module("idutils")


def _is(name: str) -> Callable[[str], bool]:
    """idutils' `name` check, answering False where idutils raises."""

    def run(value: str) -> bool:
        try:
            return bool(getattr(_idutils(), name)(value))
        except Exception:  # idutils raises on some malformed inputs instead of answering False
            return False

    return run


def _orcid_check_digit_ok(orcid: str) -> bool:
    """ISO 7064 11,2 over the first 15 digits; 10 is written X."""
    total = 0
    for digit in orcid.replace("-", "")[:15]:
        total = (total + int(digit)) * 2
    check = (12 - total % 11) % 11
    return orcid[-1] == ("X" if check == 10 else str(check))


def _ror_check_digits_ok(value: str) -> bool | None:
    """None when `value` is not shaped like a ROR ID; else whether its check digits hold.

    ROR IDs end in the ISO 7064 mod 97-10 check of their base32 part, as DataCite suffixes do.
    """
    match = _ROR_SHAPE.match(value.strip())
    if match is None:
        return None
    number = 0
    for char in match.group(1)[1:]:
        number = number * 32 + ALPHABET.index(char)
    return check_digits(number) == match.group(2)


def _crossref_funder(value: str) -> bool:
    return bool(re.search(r"10\.13039/\d+$", value))


# relatedIdentifierType (schema 4.7) → does the value fit?
RELATED_IDENTIFIER_CHECKS: dict[str, Callable[[str], bool]] = {
    "ARK": _is("is_ark"),
    "arXiv": _is("is_arxiv"),
    "bibcode": _is("is_ads"),
    "CSTR": lambda v: bool(_CSTR.match(v)),
    "DOI": _is("is_doi"),
    "EAN13": _is("is_ean13"),
    "EISSN": _is("is_issn"),
    "Handle": _is("is_handle"),
    "IGSN": lambda v: bool(_IGSN.match(v)),
    "ISBN": _is("is_isbn"),
    "ISSN": _is("is_issn"),
    "ISTC": lambda v: bool(_ISTC.match(v)),
    "LISSN": _is("is_issn"),
    "LSID": _is("is_lsid"),
    "PMID": _is("is_pmid"),
    "PURL": _is("is_purl"),
    "RAiD": _is("is_raid"),
    "RRID": _is("is_rrid"),
    "SWHID": _is("is_swh"),
    "UPC": lambda v: bool(_UPC.match(v)),
    "URL": _is("is_url"),
    "URN": _is("is_urn"),
    "w3id": lambda v: bool(_W3ID.match(v)),
}

# Organisation and person identifier schemes, keyed by lower-case scheme name.
SCHEME_CHECKS: dict[str, Callable[[str], bool]] = {
    "orcid": _is("is_orcid"),
    "isni": _is("is_isni"),
    "ror": lambda v: bool(_ror_check_digits_ok(v)),
    "grid": lambda v: bool(_GRID.match(v)),
    "gnd": _is("is_gnd"),
    "viaf": _is("is_viaf"),
    "wikidata": _is("is_wikidata"),
    "crossref funder id": _crossref_funder,
}


def check_related_identifier(kind: str, value: str) -> Diagnostic | None:
    checker = RELATED_IDENTIFIER_CHECKS.get(kind)
    if checker is None or checker(value):
        return None
    return Diagnostic(severity=Severity.WARNING, message=f"{value!r} does not look like a valid {kind}")


@functools.lru_cache(maxsize=4096)
def check_scheme_identifier(scheme: str, value: str) -> Diagnostic | None:
    """A name, affiliation, publisher or funder identifier against its scheme.

    Remembered per (scheme, value): a repository's files name the same people, institutions and
    funders again and again."""
    checker = SCHEME_CHECKS.get(scheme.strip().lower())
    if checker is None or checker(value):
        return None
    # Only a well-formed ORCID whose check digit fails is certainly a typo; anything else
    # (a doubled resolver prefix, a name) is malformed, which DataCite does not check.
    orcid = _ORCID_SHAPE.match(value.strip()) if scheme.strip().lower() == "orcid" else None
    if orcid and not _orcid_check_digit_ok(orcid.group(1)):
        # A certain typo, but DataCite stores it: a warning (an error with --strict), as every
        # identifier check DataCite does not make.
        return Diagnostic(
            severity=Severity.WARNING,
            message=f"ORCID {value!r} fails its check digit (ISO 7064 11,2): a typo",
        )
    if orcid:
        return Diagnostic(
            severity=Severity.WARNING, message=f"ORCID {value!r} is outside the ranges ORCID issues iDs from"
        )
    if scheme.strip().lower() == "ror" and _ror_check_digits_ok(value) is False:
        return Diagnostic(
            severity=Severity.WARNING,
            message=f"ROR ID {value!r} fails its check digits (ISO 7064 mod 97-10): a typo",
        )
    return Diagnostic(
        severity=Severity.WARNING, message=f"{value!r} does not look like a valid {scheme} identifier"
    )


_WELL_FORMED_LANGUAGE = re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$")


@functools.lru_cache(maxsize=4096)
def check_language(tag: str) -> Diagnostic | None:
    """A language that is not a BCP 47 tag, and what DataCite will store instead (reference §2.8.4).

    Remembered per tag: thousands of files repeat the same few languages."""
    if importlib.import_module("language_tags").tags.check(tag):
        return None
    invalid = f"{tag!r} is not a valid BCP 47 language tag (e.g. en, de-CH, zh-Hant)"
    if code := two_letter_code(tag):
        consequence = f"DataCite stores it as {code!r}: write {code}"
    elif _WELL_FORMED_LANGUAGE.match(tag):
        consequence = "DataCite keeps it as sent"
    else:
        consequence = "DataCite stores null for this value"
    return Diagnostic(severity=Severity.WARNING, message=f"{invalid}: {consequence}")


_W3CDTF = re.compile(
    r"^(?P<bce>-)?(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2})"
    r"(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?)?)?$"
)


def _is_date(text: str) -> bool:
    match = _W3CDTF.match(text)
    if not match:
        return False
    year, month, day = match["y"], match["m"], match["d"]
    if (
        match["bce"] or year == "0000"
    ):  # a BCE year (documented as -0054): its calendar checked in a leap year
        year = "2000"
    try:
        if day is not None:
            date(int(year), int(month), int(day))
        elif month is not None and not 1 <= int(month) <= 12:
            return False
        if "T" in text:
            datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _date_key(text: str) -> tuple[int, str]:
    """A date's order: the signed year, then the rest (a BCE year -0100 comes before -0050)."""
    bce = text.startswith("-")
    year = int(text[1:5] if bce else text[:4])
    return (-year if bce else year, text[5:15] if bce else text[4:10])


def check_date(text: str) -> Diagnostic | None:
    """W3CDTF (YYYY, YYYY-MM, YYYY-MM-DD, with time) or an RKMS-ISO8601 range `start/end`."""
    if "/" in text:
        start, _, end = text.partition("/")
        ok = (start or end) and all(_is_date(part) for part in (start, end) if part)
        if ok and start and end and _date_key(start) > _date_key(end):
            return Diagnostic(severity=Severity.WARNING, message=f"date range {text!r} ends before it starts")
    else:
        ok = _is_date(text)
    if ok:
        return None
    return Diagnostic(
        severity=Severity.WARNING,
        message=f"{text!r} is not a date DataCite documents (YYYY, YYYY-MM-DD, YYYY-MM-DDThh:mm:ssZ, -YYYY BCE, or start/end)",
    )
