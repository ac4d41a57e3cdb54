"""The one request that carries a change: its attributes, event included (pure).

DataCite replaces each attribute it is sent and keeps the ones it is not (reference §2.3). An
update therefore sends only the top-level attributes a change touches, each whole: the desired
value, or null where the file no longer has the attribute, which makes DataCite clear it.

Every write names doiac as its `source`, which DataCite records in its activities (reference
§13.2): a later change through Fabrica (`fabricaForm`) or MDS (`mds`) then shows as a change of
source, the one sign DataCite gives of which channel wrote.
"""

from __future__ import annotations

from typing import Any

from ..model import Action, Change, DesiredRecord
from .compare import digest

SOURCE = "doiac"
"""The `source` attribute every write sends."""


def request_attributes(change: Change, desired: DesiredRecord) -> dict[str, Any]:
    """The `data.attributes` of the POST or PUT that makes DataCite match `desired`."""
    if change.action is Action.CREATE:
        attributes: dict[str, Any] = {"doi": desired.doi, **desired.attributes}
        if desired.url:
            attributes["url"] = desired.url
    else:
        wanted = desired.attributes  # unpacked once: each read unpacks the record
        attributes = {}
        for key in dict.fromkeys(d.attribute for d in change.diffs):
            attributes[key] = desired.url if key == "url" else wanted.get(key)
    if change.event:
        attributes["event"] = change.event
    attributes["source"] = SOURCE
    return attributes


def payload_digest(attributes: dict[str, Any]) -> str:
    """A digest of what was sent, for the apply report (the payload itself may be large)."""
    return digest(attributes)
