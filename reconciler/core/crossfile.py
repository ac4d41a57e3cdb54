"""Checks that need every DOI file at once: duplicate DOIs and reciprocal version relations."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ..model import Diagnostic, Severity
from .doi import doi_key

# Versioning relations DataCite asks to record on both sides (its versioning guidance).
INVERSE = {
    "IsVersionOf": "HasVersion",
    "HasVersion": "IsVersionOf",
    "IsNewVersionOf": "IsPreviousVersionOf",
    "IsPreviousVersionOf": "IsNewVersionOf",
}
_DOI_IN = re.compile(r"(10\.\d{4,9}/\S+)$")


def bare_doi(value: str) -> str | None:
    """`10.x/y` from a DOI written bare, as doi:…, or as a resolver URL; lower case."""
    match = _DOI_IN.search(value.strip())
    return match.group(1).lower() if match else None


def duplicate_dois(records: Sequence[tuple[str, Mapping[str, Any]]]) -> list[Diagnostic]:
    """Files that declare one DOI, however spelled: compared after NFC and case folding."""
    seen: dict[str, list[tuple[str, str]]] = {}
    for path, record in records:
        doi = record.get("doi")
        if isinstance(doi, str):
            seen.setdefault(doi_key(doi), []).append((path, doi))
    found: list[Diagnostic] = []
    for declared in seen.values():
        for path, doi in declared if len(declared) > 1 else ():
            others = ", ".join(p for p, _ in declared if p != path)
            message = f"DOI {doi} is also declared in {others}"
            found.append(
                Diagnostic(
                    path=path, severity=Severity.ERROR, pointer="/doi", message=message, rule="duplicate-doi"
                )
            )
    return found


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


def cross_file_view(record: Mapping[str, Any]) -> dict[str, Any]:
    """What these checks read of a record: its DOI, and its version relations where they sit.

    Held for every file until all are read, so it is small: other relations are kept as None.
    """
    view: dict[str, Any] = {"doi": record["doi"]} if "doi" in record else {}
    relations = record.get("relatedIdentifiers")
    if isinstance(relations, list):
        linked = {index for index, _, _ in _version_links(record)}
        view["relatedIdentifiers"] = [rel if index in linked else None for index, rel in enumerate(relations)]
    return view


def reciprocal_versions(records: Sequence[tuple[str, Mapping[str, Any]]]) -> list[Diagnostic]:
    """A versioning relation between two managed DOIs should be stated by both files."""
    by_doi = {r["doi"].lower(): (path, r) for path, r in records if isinstance(r.get("doi"), str)}
    links = {doi: {(kind, target) for _, kind, target in _version_links(r)} for doi, (_, r) in by_doi.items()}
    found: list[Diagnostic] = []
    for doi, (path, record) in by_doi.items():
        for index, kind, target in _version_links(record):
            if target not in by_doi or (INVERSE[kind], doi) in links[target]:
                continue
            found.append(
                Diagnostic(
                    path=path,
                    severity=Severity.WARNING,
                    pointer=f"/relatedIdentifiers/{index}",
                    message=f"{by_doi[target][0]} should relate back: {INVERSE[kind]} {doi}",
                    rule="reciprocal-version",
                )
            )
    return found
