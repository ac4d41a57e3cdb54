"""One DOI as the sandbox's database holds it: the value the store, the views and the audit share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Row:
    """One DOI as the database holds it (the DOI upper case, as DataCite stores it)."""

    doi: str
    client: str
    state: str
    url: str | None
    attributes: dict[str, Any]
    created: int
    updated: int
    registered: int | None = None
    metadata_version: int = 0
    schema_version: str | None = None
    source: str | None = "api"
    reason: str | None = None
    xml: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
