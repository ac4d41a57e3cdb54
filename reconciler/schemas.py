"""The JSON Schemas shipped with doiac (package data, read once), and checking values against them.

The core's SchemaSet takes the schemas as data; this edge module reads them from disk.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from .core.schema_check import SchemaSet
from .model import Diagnostic

SCHEMA_NAMES = ("datacite-4.7", "doi", "config", "plan")


def schema_dir() -> Path:
    """Inside an installed wheel the schemas sit in the package; in a checkout, in `schemas/`."""
    here = Path(__file__).resolve().parent
    packaged = here / "schemas"
    return packaged if packaged.is_dir() else here.parent / "schemas"


def has_schema(name: str) -> bool:
    return (schema_dir() / f"{name}.schema.json").is_file()


@functools.cache
def load_schema(name: str) -> dict[str, Any]:
    with (schema_dir() / f"{name}.schema.json").open(encoding="utf-8") as fh:
        schema: dict[str, Any] = json.load(fh)
    return schema


@functools.cache
def schema_set() -> SchemaSet:
    """Every shipped schema, read once per process."""
    return SchemaSet({name: load_schema(name) for name in SCHEMA_NAMES if has_schema(name)})


def check_schema(name: str, instance: Any) -> list[Diagnostic]:
    """Every violation of the shipped schema `name` by `instance`, translated, in document order."""
    return schema_set().check(name, instance)


def _validator(name: str) -> Any:
    return schema_set().validator(name)


def _fast_validator(name: str) -> Any:
    return schema_set().fast_validator(name)
