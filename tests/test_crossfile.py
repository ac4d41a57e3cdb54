from __future__ import annotations

from typing import Any

import pytest

from reconciler.core.crossfile import bare_doi, cross_file_view, duplicate_dois, reciprocal_versions
from reconciler.model import Diagnostic, Severity


def rel(kind: str, target: str, id_type: str = "DOI") -> dict[str, Any]:
    return {"relatedIdentifier": target, "relatedIdentifierType": id_type, "relationType": kind}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10.80000/ABC", "10.80000/abc"),
        ("doi:10.80000/abc", "10.80000/abc"),
        ("https://doi.org/10.80000/abc", "10.80000/abc"),
        ("https://example.org/x", None),
    ],
)
def test_bare_doi(value: str, expected: str | None) -> None:
    assert bare_doi(value) == expected


def test_duplicates_name_each_other() -> None:
    records = [
        ("a.yaml", {"doi": "10.80000/x"}),
        ("b.yaml", {"doi": "10.80000/X"}),
        ("c.yaml", {"doi": "10.80000/y"}),
    ]
    assert duplicate_dois(records) == [
        Diagnostic(
            path="a.yaml",
            severity=Severity.ERROR,
            pointer="/doi",
            message="DOI 10.80000/x is also declared in b.yaml",
            rule="duplicate-doi",
        ),
        Diagnostic(
            path="b.yaml",
            severity=Severity.ERROR,
            pointer="/doi",
            message="DOI 10.80000/X is also declared in a.yaml",
            rule="duplicate-doi",
        ),
    ]


def test_duplicates_ignore_non_string_doi() -> None:
    assert duplicate_dois([("a.yaml", {"doi": 1}), ("b.yaml", {})]) == []


def test_reciprocal_versions() -> None:
    v1 = {"doi": "10.80000/v1", "relatedIdentifiers": [rel("IsPreviousVersionOf", "10.80000/v2")]}
    v2 = {"doi": "10.80000/v2", "relatedIdentifiers": [rel("IsNewVersionOf", "https://doi.org/10.80000/V1")]}
    assert reciprocal_versions([("v1.yaml", v1), ("v2.yaml", v2)]) == []


def test_one_sided_version_relation_is_reported_on_the_side_that_has_it() -> None:
    v1 = {
        "doi": "10.80000/v1",
        "relatedIdentifiers": [rel("Cites", "10.80000/v2"), rel("HasVersion", "10.80000/v2")],
    }
    v2 = {"doi": "10.80000/v2"}
    outside = {"doi": "10.80000/v3", "relatedIdentifiers": [rel("IsVersionOf", "10.9999/unmanaged")]}
    assert reciprocal_versions([("v1.yaml", v1), ("v2.yaml", v2), ("v3.yaml", outside)]) == [
        Diagnostic(
            path="v1.yaml",
            severity=Severity.WARNING,
            pointer="/relatedIdentifiers/1",
            message="v2.yaml should relate back: IsVersionOf 10.80000/v1",
            rule="reciprocal-version",
        )
    ]


def test_non_doi_and_malformed_relations_are_ignored() -> None:
    v1 = {
        "doi": "10.80000/v1",
        "relatedIdentifiers": [rel("HasVersion", "10.80000/v2", "URL"), "junk", rel("HasVersion", 5)],
    }
    assert reciprocal_versions([("v1.yaml", v1), ("v2.yaml", {"doi": "10.80000/v2"})]) == []


def test_the_cross_file_view_keeps_what_the_checks_read_where_it_sits() -> None:
    record = {
        "doi": "10.80000/v1",
        "titles": [{"title": "kept out"}],
        "relatedIdentifiers": [rel("Cites", "10.80000/x"), rel("HasVersion", "10.80000/v2"), "junk"],
    }
    view = cross_file_view(record)
    assert view == {
        "doi": "10.80000/v1",
        "relatedIdentifiers": [None, rel("HasVersion", "10.80000/v2"), None],
    }
    assert cross_file_view({"titles": []}) == {}


@pytest.mark.parametrize("use_view", [False, True])
def test_checks_over_views_find_what_checks_over_records_find(use_view: bool) -> None:
    records = [
        (
            "v1.yaml",
            {
                "doi": "10.80000/v1",
                "relatedIdentifiers": [rel("Cites", "x"), rel("HasVersion", "10.80000/v2")],
            },
        ),
        ("v2.yaml", {"doi": "10.80000/v2", "publisher": "P"}),
        ("v3.yaml", {"doi": "10.80000/V2", "relatedIdentifiers": "not a list"}),
    ]
    seen = [(path, cross_file_view(record) if use_view else record) for path, record in records]
    assert [d.pointer for d in reciprocal_versions(seen)] == ["/relatedIdentifiers/1"]
    assert sorted(d.path for d in duplicate_dois(seen)) == ["v2.yaml", "v3.yaml"]
