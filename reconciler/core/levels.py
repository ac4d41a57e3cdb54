"""Every rule `doiac validate` applies, by id, with where it comes from (pure).

The level says why a rule exists, and so how loud it is:
- `xsd` and `api`: DataCite refuses the record (the 4.7 XSD, or its REST API's own checks): an
  error, or a warning where DataCite silently loses the value instead (the message says so);
- `documentation`: the 4.7 documentation asks for it, DataCite does not enforce it: a warning,
  an error under `--strict`;
- `practice`: best-practice advice: reported as advice, never promoted by `--strict`;
- `doiac`: this repository's own layout (a DOI file no command would read): a warning.

Rules are selected and ignored by id (doiac.yaml `rules:`, `--select`, `--ignore`), as ruff's;
an error can never be ignored, since DataCite would refuse the record anyway.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from ..model import Diagnostic, Severity


@dataclass(frozen=True)
class RuleInfo:
    level: str
    """xsd, api, documentation, practice or doiac."""
    checks: str


RULES: dict[str, RuleInfo] = {
    "schema": RuleInfo(
        "xsd", "the record against the DataCite 4.7 schema: properties, types, controlled lists"
    ),
    "doi-syntax": RuleInfo("xsd", "the DOI is 10.<prefix>/<suffix>"),
    "doi-path": RuleInfo("api", "the DOI names exactly one request path (no `..`, `%2e`, look-alikes)"),
    "doi-characters": RuleInfo("api", "a new DOI uses only the characters DataCite accepts on create"),
    "doi-prefix": RuleInfo("api", "the DOI's prefix belongs to the file's repository account"),
    "duplicate-doi": RuleInfo("api", "one file per DOI"),
    "url-scheme": RuleInfo("api", "the landing page is an http(s) or ftp URL"),
    "url-domain": RuleInfo("api", "the landing page's host is one of the repository's domains"),
    "funder-id": RuleInfo("api", "a funder identifier of a type DataCite checks is valid"),
    "coordinates": RuleInfo("api", "geo coordinates are numbers in range"),
    "rights-length": RuleInfo("api", "rights text is at most 2,000 characters"),
    "language": RuleInfo("api", "a language is a BCP 47 tag (DataCite stores null otherwise)"),
    "schema-docs": RuleInfo(
        "documentation", "what the 4.7 documentation asks beyond the XSD (e.g. an identifier with its scheme)"
    ),
    "name-id": RuleInfo(
        "documentation", "a person's name identifier is valid for its scheme (ORCID, ISNI, …)"
    ),
    "org-id": RuleInfo("documentation", "an affiliation or publisher identifier is valid for its scheme"),
    "related-id": RuleInfo("documentation", "a related identifier is valid for its type"),
    "identifier-doi": RuleInfo("api", "no identifier of type DOI (DataCite silently drops it)"),
    "date-format": RuleInfo("documentation", "dates are W3CDTF or RKMS-ISO8601 ranges"),
    "reciprocal-version": RuleInfo("documentation", "versions link both ways"),
    "relation-scheme": RuleInfo(
        "documentation", "a related metadata scheme only with HasMetadata / IsMetadataFor"
    ),
    "polygon-closed": RuleInfo("documentation", "a geoLocation polygon ends where it starts"),
    "doi-case": RuleInfo("practice", "DOIs written in lower case"),
    "file-path": RuleInfo("practice", "the file is named after its DOI"),
    "url-https": RuleInfo("practice", "landing pages use https"),
    "landing-page": RuleInfo("practice", "the DOI resolves to a landing page, not a file"),
    "tombstone-url": RuleInfo("practice", "a registered DOI points at a tombstone page"),
    "opaque-suffix": RuleInfo("practice", "suffixes carry no meaning"),
    "whitespace": RuleInfo("practice", "values have no stray whitespace"),
    "outside-repository": RuleInfo("doiac", "every DOI file is in a repository's folder"),
}


def leveled(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Diagnostics with the severity their rule's level gives: a best-practice warning is advice."""
    return [
        replace(d, severity=Severity.ADVICE)
        if d.severity is Severity.WARNING and d.rule in RULES and RULES[d.rule].level == "practice"
        else d
        for d in diagnostics
    ]


def unknown_rules(ids: Iterable[str]) -> list[str]:
    return [rule for rule in ids if rule not in RULES]


def selected(
    diagnostics: Sequence[Diagnostic], select: Sequence[str], ignore: Sequence[str]
) -> list[Diagnostic]:
    """Diagnostics of the selected rules (all when `select` is empty), less the ignored; errors always stay."""
    return [
        d
        for d in diagnostics
        if d.severity is Severity.ERROR or ((not select or d.rule in select) and d.rule not in ignore)
    ]
