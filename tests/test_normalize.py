"""Every normalisation rule in both directions: it suppresses DataCite's rewrite, and it never
hides a real change. Each row is (rule, what we send, what DataCite gives back)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

import pytest

from reconciler.core.derivations import PAIR_RULES, PairRule, align, rewrites
from reconciler.core.normalize import RULES, Rule, canonical, unserved_identifiers

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
    ("rights-identifier-lower", {"rightsList": [{"rightsIdentifier": "My-Licence", "rights": "Mine"}]},
     {"rightsList": [{"rightsIdentifier": "my-licence", "rights": "Mine"}]}),
    ("language-head", {"language": "en-US"}, {"language": "en"}),
    ("language-head", {"language": "zh-Hant-TW"}, {"language": "zh"}),
    ("language-head", {"language": "eng"}, {"language": "en"}),
    ("language-head", {"language": "ger-CH"}, {"language": "de"}),
    ("language-head", {"language": "bih"}, {"language": "bh"}),
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
    ("numeric-geo", {"geoLocations": [{"geoLocationPlace": "1905"}]}, {"geoLocations": [{"geoLocationPlace": 1905}]}),
    ("subjects-unique", {"subjects": [{"subject": "a"}, {"subject": "b"}]}, {"subjects": [{"subject": "a"}]}),
    ("empty-is-missing", {"titles": [{"title": "T"}]}, {"titles": [{"title": "T"}, {}]}),
    ("rights-identifier-lower", {"rightsList": [{"rightsIdentifier": "MIT"}]}, {"rightsList": [{"rightsIdentifier": "mit-0"}]}),
    ("language-head", {"language": "en-US"}, {"language": "de"}),
    # DataCite's lookup is case-sensitive: EN-US is stored as sent, so it is not shortened either.
    ("language-head", {"language": "EN-US"}, {"language": "en"}),
    ("language-head", {"language": "haw"}, {"language": "ha"}),
    # Not an ISO 639-1 code: DataCite keeps the well-formed tag as sent, subtags and all.
    ("language-head", {"language": "xx-YY"}, {"language": "xx"}),
    ("language-head", {"language": "sh-RS"}, {"language": "sh"}),
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


# Pair rules: (rule, desired, live as DataCite serves it).
PAIR_SUPPRESSES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("derived-types", {"types": {"resourceTypeGeneral": "Dataset"}},
     {"types": {"resourceTypeGeneral": "Dataset", "schemaOrg": "Dataset", "citeproc": "dataset", "bibtex": "misc", "ris": "DATA"}}),
    ("derived-types", {"types": {"resourceTypeGeneral": "Dataset", "ris": "GEN"}},
     {"types": {"resourceTypeGeneral": "Dataset", "schemaOrg": "Dataset", "ris": "GEN"}}),
    ("spdx-expansion", {"rightsList": [{"rightsIdentifier": "CC-BY-4.0"}]},
     {"rightsList": [{"rights": "Creative Commons Attribution 4.0 International", "rightsUri": "https://creativecommons.org/licenses/by/4.0/legalcode",
                      "rightsIdentifier": "cc-by-4.0", "rightsIdentifierScheme": "SPDX", "schemeUri": "https://spdx.org/licenses/"}]}),
    ("spdx-expansion", {"rightsList": [{"rights": "Creative Commons Zero v1.0 Universal"}]},
     {"rightsList": [{"rights": "Creative Commons Zero v1.0 Universal", "rightsUri": "https://creativecommons.org/publicdomain/zero/1.0/legalcode",
                      "rightsIdentifier": "cc0-1.0", "rightsIdentifierScheme": "SPDX", "schemeUri": "https://spdx.org/licenses/"}]}),
]  # fmt: skip

_GPL3 = {
    "rights": "GNU General Public License v3.0 only",
    "rightsUri": "https://www.gnu.org/licenses/gpl-3.0-standalone.html",
    "rightsIdentifierScheme": "SPDX",
    "schemeUri": "https://spdx.org/licenses/",
}
_CCBY = {
    "rights": "Creative Commons Attribution 4.0 International",
    "rightsUri": "https://creativecommons.org/licenses/by/4.0/legalcode",
    "rightsIdentifier": "cc-by-4.0",
    "rightsIdentifierScheme": "SPDX",
    "schemeUri": "https://spdx.org/licenses/",
}
PAIR_SUPPRESSES += [
    (
        "spdx-expansion",
        {"rightsList": [{"rightsIdentifier": "GPL-3.0-only"}]},
        {"rightsList": [{**_GPL3, "rightsIdentifier": "gpl-3.0"}]},
    ),
    (
        "spdx-expansion",
        {"rightsList": [{"rights": "http://creativecommons.org/licenses/by/4.0/"}]},
        {"rightsList": [_CCBY]},
    ),
    (
        "spdx-expansion",
        {"rightsList": [{"rights": "https://creativecommons.org//licenses/by/4.0"}]},
        {"rightsList": [_CCBY]},
    ),
]

PAIR_NEVER_HIDES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("spdx-expansion", {"rightsList": [{"rightsIdentifier": "GPL-3.0-only"}]}, {"rightsList": [{**_GPL3, "rightsIdentifier": "gpl-2.0"}]}),
    ("spdx-expansion", {"rightsList": [{"rights": "https://creativecommons.org/licenses/by-sa/4.0/"}]}, {"rightsList": [_CCBY]}),
    ("spdx-expansion", {"rightsList": [{"rights": "not a url"}]}, {"rightsList": [_CCBY]}),
    ("derived-types", {"types": {"resourceTypeGeneral": "Software"}},
     {"types": {"resourceTypeGeneral": "Dataset", "schemaOrg": "Dataset"}}),
    ("derived-types", {"types": {"resourceTypeGeneral": "Dataset", "schemaOrg": "Dataset"}},
     {"types": {"resourceTypeGeneral": "Dataset", "schemaOrg": "CreativeWork"}}),
    ("derived-types", {"types": {"resourceTypeGeneral": "Dataset"}},
     {"types": {"resourceTypeGeneral": "Dataset", "resourceType": "Measurements"}}),
    ("spdx-expansion", {"rightsList": [{"rightsIdentifier": "CC-BY-4.0"}]},
     {"rightsList": [{"rights": "Creative Commons Zero v1.0 Universal", "rightsIdentifier": "cc0-1.0",
                      "rightsIdentifierScheme": "SPDX", "schemeUri": "https://spdx.org/licenses/"}]}),
    ("spdx-expansion", {"rightsList": [{"rightsIdentifier": "CC-BY-4.0", "lang": "en"}]},
     {"rightsList": [{"rights": "x", "rightsIdentifier": "cc-by-4.0", "rightsIdentifierScheme": "SPDX",
                      "schemeUri": "https://spdx.org/licenses/"}]}),
    # A free-text licence, not matched by DataCite: its text is compared as written.
    ("spdx-expansion", {"rightsList": [{"rights": "All rights reserved", "rightsIdentifier": "custom"}]},
     {"rightsList": [{"rights": "Some rights reserved", "rightsIdentifier": "custom"}]}),
    ("spdx-expansion", {"rightsList": [{"rightsIdentifier": "CC-BY-4.0"}]},
     {"rightsList": [{"rightsIdentifier": "cc-by-4.0", "rightsIdentifierScheme": "SPDX",
                      "schemeUri": "https://spdx.org/licenses/"}, {"rights": "extra"}]}),
]  # fmt: skip


def _pair_equal(desired: dict[str, Any], live: dict[str, Any]) -> bool:
    wanted = canonical(desired)
    return align(canonical(live), wanted) == wanted


@pytest.mark.parametrize(("rule", "desired", "live"), PAIR_SUPPRESSES, ids=_ids(PAIR_SUPPRESSES))
def test_pair_rule_suppresses_the_derivation(
    rule: str, desired: dict[str, Any], live: dict[str, Any]
) -> None:
    assert _pair_equal(desired, live)


@pytest.mark.parametrize(("rule", "desired", "live"), PAIR_NEVER_HIDES, ids=_ids(PAIR_NEVER_HIDES))
def test_pair_rule_never_hides_a_real_change(
    rule: str, desired: dict[str, Any], live: dict[str, Any]
) -> None:
    assert not _pair_equal(desired, live)


def test_every_pair_rule_has_rows_both_ways() -> None:
    names = {rule.name for rule in PAIR_RULES}
    assert {row[0] for row in PAIR_SUPPRESSES} == names
    assert {row[0] for row in PAIR_NEVER_HIDES} == names


def test_pair_rules_leave_records_without_the_attribute_alone() -> None:
    live = {"types": {"resourceTypeGeneral": "Dataset", "ris": "DATA"}, "rightsList": [{"rights": "x"}]}
    assert align(canonical(live), {}) == canonical(live)


@pytest.mark.parametrize(
    ("attributes", "fields", "notes"),
    [
        ({"language": "en-US"}, None, ("DataCite will store language 'en-US' as 'en'",)),
        ({"language": "en"}, None, ()),
        ({"types": {"resourceTypeGeneral": "Dataset", "ris": "DATA"}}, None,
         ("DataCite will add schemaOrg, citeproc, bibtex to types, derived from resourceTypeGeneral",)),
        ({"rightsList": [{"rightsIdentifier": "CC-BY-4.0"}]}, None,
         ("DataCite will store rightsList[0] as the full SPDX record for cc-by-4.0 if it is an SPDX licence identifier",)),
        ({"rightsList": [{"rightsIdentifier": "x", "rights": "X", "rightsUri": "https://x.org"}]}, None, ()),
        ({"publicationYear": "2024"}, None, ("DataCite will store publicationYear as a number",)),
        ({"publicationYear": "2024", "language": "de-CH"}, {"language"}, ("DataCite will store language 'de-CH' as 'de'",)),
        ({"publicationYear": "2024", "rightsList": [{"rightsIdentifier": "MIT"}], "types": {"ris": "DATA"}, "language": "eng"},
         None,
         ("DataCite will store language 'eng' as 'en'",
          "DataCite will add schemaOrg, citeproc, bibtex to types, derived from resourceTypeGeneral",
          "DataCite will store rightsList[0] as the full SPDX record for mit if it is an SPDX licence identifier",
          "DataCite will store publicationYear as a number")),
    ],
    ids=["language", "language-short", "types", "spdx", "rights-complete", "year", "only-changed-fields", "order"],
)  # fmt: skip
def test_rewrites_notes(attributes: dict[str, Any], fields: set[str] | None, notes: tuple[str, ...]) -> None:
    assert rewrites(attributes, fields) == notes


def _changed(before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    return {
        k for k in before.keys() | after.keys() if k not in before or k not in after or before[k] != after[k]
    }


# What a rule rewrites in what is sent (record rules) or undoes of what DataCite derived (pair rules).
_Rewrite = tuple[Rule | PairRule, dict[str, Any], set[str]]
SENT = [sent for _, sent, _ in SUPPRESSES + NEVER_HIDES]


def _record_rewrites(rules: Iterable[Rule]) -> Iterator[_Rewrite]:
    for rule in rules:
        for sent in SENT:
            yield rule, sent, _changed(sent, rule.apply(sent))


def _pair_rewrites(rules: Iterable[PairRule]) -> Iterator[_Rewrite]:
    for rule in rules:
        for _, desired, live in PAIR_SUPPRESSES:
            served = canonical(live)
            yield rule, desired, _changed(served, rule.apply(served, canonical(desired)))


def _unexplained(found: Iterable[_Rewrite]) -> set[str]:
    """Rules that rewrite a value but neither explain it nor say why the plan need not."""
    return {
        rule.name
        for rule, _, fields in found
        if fields and rule.explains is None and not rule.no_note_because
    }


def _unnoted(found: Iterable[_Rewrite]) -> set[tuple[str, str]]:
    """(rule, attribute): a rule with an explanation that is silent about an attribute it rewrites."""
    return {
        (rule.name, field)
        for rule, attributes, fields in found
        if rule.explains is not None
        for field in fields - {note.field for note in rule.explains(attributes)}
    }


def test_every_rule_that_rewrites_a_value_explains_it_or_says_why_not() -> None:
    assert _unexplained(_record_rewrites(RULES)) == set()
    assert _unexplained(_pair_rewrites(PAIR_RULES)) == set()
    # Not asked of pair rules: a licence named by its text or URL is expanded too, but only an
    # identifier is noted.
    assert _unnoted(_record_rewrites(RULES)) == set()


def test_a_rule_that_rewrites_without_an_explanation_fails_the_check() -> None:
    language = next(rule for rule in RULES if rule.name == "language-head")
    types = next(rule for rule in PAIR_RULES if rule.name == "derived-types")
    assert _unexplained(_record_rewrites([replace(language, explains=None)])) == {"language-head"}
    assert _unexplained(_pair_rewrites([replace(types, explains=None)])) == {"derived-types"}
    assert _unnoted(_record_rewrites([replace(language, explains=lambda _: iter(()))])) == {
        ("language-head", "language")
    }


@pytest.mark.parametrize("rule", [*RULES, *PAIR_RULES], ids=lambda rule: rule.name)
def test_a_rule_explains_or_says_why_it_needs_no_note(rule: Rule | PairRule) -> None:
    assert (rule.explains is None) == bool(rule.no_note_because)


@pytest.mark.parametrize(
    ("identifiers", "kept"),
    [
        ([{"identifier": "https://data.example.org/1", "identifierType": "URL"}], None),
        ([{"identifier": "10.80000/ABC", "identifierType": "Handle"}], None),
        ([{"identifier": "10.80000/abc", "identifierType": "Handle"}], [{"identifier": "10.80000/abc", "identifierType": "Handle"}]),
        ([{"identifier": "https://data.example.org/1", "identifierType": "URL"}, {"identifier": "x", "identifierType": "ARK"}],
         [{"identifier": "x", "identifierType": "ARK"}]),
    ],
    ids=["url", "doi-upper-case", "doi-lower-case-is-served", "others-kept"],
)  # fmt: skip
def test_unserved_identifiers(identifiers: list[dict[str, str]], kept: list[dict[str, str]] | None) -> None:
    form = unserved_identifiers({"identifiers": identifiers}, "10.80000/abc", "https://data.example.org/1")
    assert form.get("identifiers") == kept
    assert unserved_identifiers({}, "10.80000/abc", None) == {}
