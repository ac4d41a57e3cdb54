"""core/adopt: a live record as the smallest DOI file whose next plan is empty."""

from __future__ import annotations

from typing import Any

from reconciler.core.adopt import as_desired, file_form, ordered
from reconciler.core.compare import is_in_sync
from reconciler.model import LiveRecord

from .conftest import METADATA

DOI = "10.80000/abcd-ef12"
SERVED = {
    **METADATA,
    "doi": DOI, "prefix": "10.80000", "suffix": "abcd-ef12", "created": "2024-01-01T00:00:00Z",
    "updated": "2024-01-02T00:00:00Z", "xml": "PD94bWwg", "viewCount": 0, "state": "findable",
    "url": "https://data.example.org/1", "isActive": True, "schemaVersion": "http://datacite.org/schema/kernel-4",
    "types": {"resourceTypeGeneral": "Dataset", "schemaOrg": "Dataset", "citeproc": "dataset",
              "bibtex": "misc", "ris": "DATA"},
    "identifiers": [{"identifier": f"https://doi.org/{DOI}", "identifierType": "DOI"}],
    "sizes": [], "formats": None,
    "fundingReferences": [{"funderName": "NSF", "awardNumber": "0725097"}],
}  # fmt: skip


def live(**changes: Any) -> LiveRecord:
    attributes = {**SERVED, **changes}
    return LiveRecord(
        DOI, attributes["state"], attributes["url"], attributes, "EXAMPLE.REPO", attributes["updated"]
    )


def test_drops_what_datacite_owns_and_derives() -> None:
    adopted = file_form(live(), {}, "dois/a.yaml", "EXAMPLE.REPO")
    assert adopted.problem is None
    data = adopted.data
    assert list(data)[:3] == ["doi", "state", "url"]
    for owned in ("prefix", "suffix", "created", "updated", "xml", "viewCount", "isActive", "schemaVersion"):
        assert owned not in data
    assert not {"identifiers", "sizes", "formats"} & set(data)
    assert data["types"] == {"resourceTypeGeneral": "Dataset"}
    assert data["fundingReferences"][0]["awardNumber"] == "0725097"
    assert is_in_sync(as_desired(data, {}, "dois/a.yaml", "EXAMPLE.REPO"), live())


def test_leaves_out_what_the_defaults_say_and_keeps_what_differs() -> None:
    same = {"publisher": METADATA["publisher"]}
    assert "publisher" not in file_form(live(), same, "a", "R").data
    other = {"publisher": {"name": "Someone else"}}
    assert file_form(live(), other, "a", "R").data["publisher"] == METADATA["publisher"]


def test_a_default_the_live_record_lacks_is_written_as_null() -> None:
    adopted = file_form(live(version=None), {"version": "1.0"}, "a", "R")
    assert adopted.problem is None
    assert adopted.data["version"] is None
    assert is_in_sync(as_desired(adopted.data, {"version": "1.0"}, "a", "R"), live(version=None))


def test_a_type_datacite_did_not_derive_is_kept() -> None:
    odd = {"resourceTypeGeneral": "Dataset", "schemaOrg": "CreativeWork"}
    data = file_form(live(types=odd), {}, "a", "R").data
    assert is_in_sync(as_desired(data, {}, "a", "R"), live(types=odd))


def test_ordered_puts_unknown_keys_last_in_their_order() -> None:
    assert list(ordered({"zeta": 1, "titles": 2, "alpha": 3, "doi": 4})) == ["doi", "titles", "zeta", "alpha"]
