"""The JSON Schemas themselves: valid Draft 2020-12, consistent with the XSD, usable from editors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from reconciler.schemas import SCHEMA_NAMES, has_schema, load_schema, schema_dir

from .conftest import PROJECT, REFERENCE

PRESENT = [name for name in SCHEMA_NAMES if has_schema(name)]
XSD_LISTS = {
    "resourceTypeGeneral": "resourceType",
    "relationType": "relationType",
    "relatedIdentifierType": "relatedIdentifierType",
    "contributorType": "contributorType",
    "dateType": "dateType",
    "descriptionType": "descriptionType",
    "titleType": "titleType",
    "nameType": "nameType",
    "funderIdentifierType": "funderIdentifierType",
    "numberType": "numberType",
}


@pytest.mark.parametrize("name", PRESENT)
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    schema = load_schema(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_the_four_schemas_exist() -> None:
    assert {"datacite-4.7", "doi", "config"} <= set(PRESENT)


@pytest.mark.parametrize(("definition", "xsd"), sorted(XSD_LISTS.items()))
def test_controlled_list_matches_the_xsd(definition: str, xsd: str) -> None:
    path = REFERENCE / "datacite-schema" / "kernel-4.7" / "include" / f"datacite-{xsd}-v4.xsd"
    if not path.is_file():
        pytest.skip(f"reference data not found at {path}")
    expected = re.findall(r'enumeration value="([^"]*)"', path.read_text(encoding="utf-8"))
    assert load_schema("datacite-4.7")["$defs"][definition]["enum"] == expected


def test_refused_keys_are_refused_by_the_schema_too() -> None:
    """Editors see the same refusals as `doiac validate`: every x-doiac-refused key is `false`."""
    schema = load_schema("doi")
    assert {k for k, v in schema["properties"].items() if v is False} == set(schema["x-doiac-refused"])


@pytest.mark.parametrize("path", sorted((PROJECT / "dois").rglob("*.yaml")), ids=lambda p: p.name)
def test_example_files_point_editors_at_the_schema(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert match, first
    assert (path.parent / match.group(1)).resolve() == (schema_dir() / "doi-file.schema.json").resolve()


def test_config_points_editors_at_its_schema() -> None:
    first = (PROJECT / "doiac.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=schemas/config.schema.json"
