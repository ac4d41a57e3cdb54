"""The fast gate (jsonschema-rs) and the explaining validator (jsonschema) must agree.

check_schema trusts a "valid" from the fast validator without asking jsonschema, so a record
that jsonschema would reject but jsonschema-rs accepts would slip through. These tests hold the
two to the same verdict on every corpus we have and on generated mutations.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.files import parse_source
from reconciler.schemas import _fast_validator, _validator

from .conftest import PROJECT, REFERENCE
from .test_validate_cases import BASE, CASES

FAST = _fast_validator("doi")
SLOW = _validator("doi")


def agree(instance: Any) -> None:
    slow_valid = not any(True for _ in SLOW.iter_errors(instance))
    assert FAST.is_valid(instance) is slow_valid, json.dumps(instance)[:500]


def test_fast_validator_is_installed() -> None:
    assert FAST is not None


@pytest.mark.parametrize("text", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_agree_on_the_case_table(text: str) -> None:
    agree({"publisher": "P", **parse_source(text.encode(), "f.yaml").data})


def test_agree_on_examples_and_real_records() -> None:
    instances = [parse_source(p.read_bytes(), p.name).data for p in (PROJECT / "dois").rglob("*.yaml")]
    real = REFERENCE / "real-records"
    for path in [*real.glob("*.json"), *real.glob("invalid/**/*.json")] if real.is_dir() else []:
        data = json.loads(path.read_text(encoding="utf-8"))
        data = data.get("data", {}).get("attributes", data) if isinstance(data, dict) else data
        instances.append({"doi": "10.80000/x", "state": "findable", **data})
    assert len(instances) >= 9
    for instance in instances:
        agree(instance)


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(-1e6, 1e6, allow_nan=False)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
BASE_RECORD = {
    **parse_source(BASE.encode(), "f.yaml").data,
    "dates": [{"date": "2024", "dateType": "Issued"}],
    "relatedItems": [
        {"relationType": "IsPublishedIn", "relatedItemType": "Journal", "titles": [{"title": "J"}]}
    ],
    "geoLocations": [{"geoLocationPoint": {"pointLongitude": 1, "pointLatitude": 2}}],
}


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(value, dict):
        for key, sub in value.items():
            out += _paths(sub, (*path, key))
    elif isinstance(value, list):
        for index, sub in enumerate(value):
            out += _paths(sub, (*path, index))
    return out


PATHS = [p for p in _paths(BASE_RECORD) if p]


def _set(record: Any, path: tuple[Any, ...], value: Any) -> None:
    """Put `value` at `path` if the path still exists after earlier mutations."""
    target = record
    try:
        for part in path[:-1]:
            target = target[part]
        if isinstance(target, dict) or (isinstance(target, list) and isinstance(path[-1], int)):
            target[path[-1]] = value
    except (KeyError, IndexError, TypeError):
        pass


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(PATHS), JSON), min_size=1, max_size=3))
def test_agree_on_mutations(mutations: list[tuple[tuple[Any, ...], Any]]) -> None:
    record = copy.deepcopy(BASE_RECORD)
    for path, value in mutations:
        _set(record, path, value)
    agree(record)


def test_unused_path_helper_covers_nesting() -> None:
    assert ("creators", 0, "name") in PATHS
    assert Path(__file__).exists()
