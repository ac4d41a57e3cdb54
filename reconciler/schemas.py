"""The JSON Schemas shipped with doiac (package data, read once)."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

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
