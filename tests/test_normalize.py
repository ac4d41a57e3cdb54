"""Every normalisation rule in both directions: it suppresses DataCite's rewrite, and it never
hides a real change. Each row is (rule, what we send, what DataCite gives back)."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.normalize import RULES, canonical

SUPPRESSES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("server-owned", {"titles": [{"title": "T"}]},
     {"titles": [{"title": "T"}], "created": "2024-01-01T00:00:00.000Z", "xml": "PD94", "viewCount": 0,
      "container": {"type": "Series"}, "schemaVersion": None, "alternateIdentifiers": []}),
    ("wrap-single", {"titles": {"title": "T"}, "sizes": "1 MB"}, {"titles": [{"title": "T"}], "sizes": ["1 MB"]}),
    ("person-shapes", {"creators": [{"name": "A", "affiliation": [{"name": "U"}]}]},
     {"creators": [{"name": "A", "affiliation": ["U"], "nameIdentifiers": []}]}),
    ("person-shapes", {"creators": [{"name": "A", "nameIdentifiers": {"nameIdentifier": "x", "nameIdentifierScheme": "ORCID"}}]},
     {"creators": [{"name": "A", "nameIdentifiers": [{"nameIdentifier": "x", "nameIdentifierScheme": "ORCID"}], "affiliation": []}]}),
    ("publisher-object", {"publisher": "P"}, {"publisher": {"name": "P"}}),
    ("publication-year", {"publicationYear": "2024"}, {"publicationYear": 2024}),
    ("version-string", {"version": 2}, {"version": "2"}),
    ("doi-identifiers", {"identifiers": [{"identifier": "10.1/x", "identifierType": "DOI"}]}, {"identifiers": []}),
    ("numeric-geo", {"geoLocations": [{"geoLocationPoint": {"pointLatitude": "49.1", "pointLongitude": "49"}}]},
     {"geoLocations": [{"geoLocationPoint": {"pointLatitude": 49.1, "pointLongitude": 49}}]}),
    ("subjects-unique", {"subjects": [{"subject": "a"}, {"subject": "a"}]}, {"subjects": [{"subject": "a"}]}),
    ("empty-is-missing", {"titles": [{"title": "T", "titleType": None}]},
     {"titles": [{"title": "T"}], "subjects": [], "version": None, "types": {}, "language": None}),
]  # fmt: skip

NEVER_HIDES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("server-owned", {"titles": [{"title": "T"}]}, {"titles": [{"title": "U"}], "created": "x"}),
    ("wrap-single", {"titles": {"title": "T"}}, {"titles": [{"title": "T"}, {"title": "U"}]}),
    ("person-shapes", {"creators": [{"name": "A", "affiliation": [{"name": "U"}]}]},
     {"creators": [{"name": "A", "affiliation": ["V"]}]}),
    ("person-shapes", {"creators": [{"name": "A"}, {"name": "B"}]}, {"creators": [{"name": "B"}, {"name": "A"}]}),
    ("publisher-object", {"publisher": "P"}, {"publisher": {"name": "P", "publisherIdentifier": "https://ror.org/04wxnsj81"}}),
    ("publication-year", {"publicationYear": "2024"}, {"publicationYear": 2025}),
    ("version-string", {"version": 2}, {"version": "2.0"}),
    ("doi-identifiers", {"identifiers": [{"identifier": "x", "identifierType": "doi"}]}, {"identifiers": []}),
    ("numeric-geo", {"geoLocations": [{"geoLocationPoint": {"pointLatitude": "49.1"}}]},
     {"geoLocations": [{"geoLocationPoint": {"pointLatitude": 49.2}}]}),
    ("subjects-unique", {"subjects": [{"subject": "a"}, {"subject": "b"}]}, {"subjects": [{"subject": "a"}]}),
    ("empty-is-missing", {"titles": [{"title": "T"}]}, {"titles": [{"title": "T"}, {}]}),
]  # fmt: skip


def _ids(rows: list[tuple[str, Any, Any]]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name, _, _ in rows:
        seen[name] = seen.get(name, 0) + 1
        out.append(f"{name}-{seen[name]}")
    return out


@pytest.mark.parametrize(("rule", "sent", "served"), SUPPRESSES, ids=_ids(SUPPRESSES))
def test_rule_suppresses_the_rewrite(rule: str, sent: dict[str, Any], served: dict[str, Any]) -> None:
    assert canonical(sent) == canonical(served)


@pytest.mark.parametrize(("rule", "before", "after"), NEVER_HIDES, ids=_ids(NEVER_HIDES))
def test_rule_never_hides_a_real_change(rule: str, before: dict[str, Any], after: dict[str, Any]) -> None:
    assert canonical(before) != canonical(after)


def test_every_rule_has_rows_both_ways() -> None:
    names = {rule.name for rule in RULES}
    assert {row[0] for row in SUPPRESSES} == names
    assert {row[0] for row in NEVER_HIDES} == names


def test_canonical_does_not_change_its_input() -> None:
    sent = {"publisher": "P", "creators": [{"name": "A", "affiliation": ["U"]}]}
    canonical(sent)
    assert sent == {"publisher": "P", "creators": [{"name": "A", "affiliation": ["U"]}]}


def test_shapes_left_to_the_schema_pass_through() -> None:
    assert canonical({"creators": "A", "identifiers": ["x"], "subjects": "s", "version": True}) == {
        "creators": ["A"], "identifiers": ["x"], "subjects": ["s"], "version": True
    }  # fmt: skip
