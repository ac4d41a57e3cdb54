"""A desired record holds its metadata packed: it must still read, compare and copy as a value."""

from __future__ import annotations

import pickle

import pytest

from reconciler.model import DesiredRecord

META = {"titles": [{"title": "T"}], "publisher": "P", "publicationYear": 2024, "sizes": ["1 MB", None]}


def record(**changes: object) -> DesiredRecord:
    fields: dict[str, object] = {
        "doi": "10.80000/a", "state": "findable", "url": "https://data.example.org/a", "attributes": META,
        "path": "dois/a.yaml", "repository": "EXAMPLE.REPO",
    }  # fmt: skip
    return DesiredRecord(**(fields | changes))  # type: ignore[arg-type]


def test_attributes_read_back_as_written_in_their_order() -> None:
    read = record().attributes
    assert read == META
    assert list(read) == list(META)


def test_each_read_is_a_fresh_copy_so_no_caller_can_change_the_record() -> None:
    first = record()
    first.attributes["titles"].append({"title": "changed"})
    assert first.attributes == META


def test_records_compare_by_value_and_key_order_does_not_matter() -> None:
    assert record() == record(attributes=dict(reversed(list(META.items()))))
    assert record() != record(attributes={**META, "publisher": "Q"})
    assert record() != record(path="dois/b.yaml")
    assert record() != "not a record"


def test_a_record_is_frozen_and_not_hashable() -> None:
    with pytest.raises(AttributeError, match="frozen"):
        record().state = "draft"  # type: ignore[misc]
    with pytest.raises(TypeError):
        hash(record())


def test_replace_changes_only_the_fields_named() -> None:
    changed = record().replace(state="draft", attributes={"publisher": "Q"})
    assert changed == record(state="draft", attributes={"publisher": "Q"})
    assert record().replace() == record()


def test_a_record_crosses_processes_still_packed() -> None:
    original = record()
    copied = pickle.loads(pickle.dumps(original))
    assert copied == original
    assert copied._packed == original._packed  # not unpacked and packed again


def test_repr_shows_the_metadata_not_the_packed_bytes() -> None:
    shown = repr(record())
    assert shown.startswith("DesiredRecord(doi='10.80000/a', state='findable'")
    assert "'publisher': 'P'" in shown
