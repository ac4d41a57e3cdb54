"""Checks that need every DOI file at once: duplicate DOIs and reciprocal version relations."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..model import Severity
from .doi import doi_key

# Versioning relations DataCite asks to record on both sides (its versioning guidance).
INVERSE = {
    "IsVersionOf": "HasVersion",
    "HasVersion": "IsVersionOf",
    "IsNewVersionOf": "IsPreviousVersionOf",
    "IsPreviousVersionOf": "IsNewVersionOf",
}
_DOI_IN = re.compile(r"(10\.\d{4,9}/\S+)$")


@dataclass(frozen=True)
class FileFinding:
    path: str
    severity: Severity
    pointer: str
    message: str
    rule: str


def bare_doi(value: str) -> str | None:
    """`10.x/y` from a DOI written bare, as doi:…, or as a resolver URL; lower case."""
    match = _DOI_IN.search(value.strip())
    return match.group(1).lower() if match else None


def duplicate_dois(records: Sequence[tuple[str, Mapping[str, Any]]]) -> list[FileFinding]:
    """Files that declare one DOI, however spelled: compared after NFC and case folding."""
    seen: dict[str, list[tuple[str, str]]] = {}
    for path, record in records:
        doi = record.get("doi")
        if isinstance(doi, str):
            seen.setdefault(doi_key(doi), []).append((path, doi))
    findings = []
    for declared in seen.values():
        for path, doi in declared if len(declared) > 1 else ():
            others = ", ".join(p for p, _ in declared if p != path)
            findings.append(
                FileFinding(
                    path, Severity.ERROR, "/doi", f"DOI {doi} is also declared in {others}", "duplicate-doi"
                )
            )
    return findings


def _version_links(record: Mapping[str, Any]) -> list[tuple[int, str, str]]:
    links = []
    relations = record.get("relatedIdentifiers")
    for index, rel in enumerate(relations if isinstance(relations, list) else []):
        if not isinstance(rel, Mapping) or rel.get("relatedIdentifierType") != "DOI":
            continue
        kind, value = rel.get("relationType"), rel.get("relatedIdentifier")
        if kind in INVERSE and isinstance(value, str) and (target := bare_doi(value)):
            links.append((index, kind, target))
    return links


def reciprocal_versions(records: Sequence[tuple[str, Mapping[str, Any]]]) -> list[FileFinding]:
    """A versioning relation between two managed DOIs should be stated by both files."""
    by_doi = {r["doi"].lower(): (path, r) for path, r in records if isinstance(r.get("doi"), str)}
    links = {doi: {(kind, target) for _, kind, target in _version_links(r)} for doi, (_, r) in by_doi.items()}
    findings = []
    for doi, (path, record) in by_doi.items():
        for index, kind, target in _version_links(record):
            if target not in by_doi or (INVERSE[kind], doi) in links[target]:
                continue
            findings.append(
                FileFinding(
                    path,
                    Severity.WARNING,
                    f"/relatedIdentifiers/{index}",
                    f"{by_doi[target][0]} should relate back: {INVERSE[kind]} {doi}",
                    "reciprocal-version",
                )
            )
    return findings
