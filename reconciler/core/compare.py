"""Canonical forms, the in-sync test, fingerprints and digests: how doiac compares records.

Two records are the same DOI state when their canonical forms (normalize) are equal, url and
state included. A fingerprint names a live record's state for saved plans; a digest names any
JSON value.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from ..model import DesiredRecord, LiveRecord
from .derivations import align
from .normalize import canonical, unserved_identifiers


def desired_form(record: DesiredRecord) -> dict[str, Any]:
    """The canonical form of a desired record, its url included."""
    form = unserved_identifiers(canonical(record.attributes), record.doi, record.url)
    return _with_url(form, record.url)


def live_form(live: LiveRecord, wanted: dict[str, Any] | None = None) -> dict[str, Any]:
    """The canonical form of a live record; given the desired form, with DataCite's derivations undone."""
    form = _with_url(canonical(live.attributes), live.url)
    return align(form, wanted) if wanted is not None else form


def _with_url(form: dict[str, Any], url: str | None) -> dict[str, Any]:
    return {**form, "url": url} if url else form


def is_in_sync(desired: DesiredRecord, live: LiveRecord, wanted: dict[str, Any] | None = None) -> bool:
    """True when DataCite already holds exactly the desired record (state, url and metadata).

    `wanted` is `desired_form(desired)` when the caller has it already.
    """
    if live.state != desired.state:
        return False
    wanted = desired_form(desired) if wanted is None else wanted
    return live_form(live, wanted) == wanted


def fingerprint(live: LiveRecord) -> str:
    """A digest of what matters in a live record: it moves when state, url or metadata move.

    DataCite's `updated` moves on every save, even one that changes nothing, so it is left out.
    """
    form = {"doi": live.doi, "state": live.state, "form": live_form(live)}
    return digest(form)


def desired_digest(records: Iterable[DesiredRecord]) -> str:
    """A digest of every desired record: a saved plan applies only to the files it was made from."""
    return DigestSteps(records).result()


class DigestSteps:
    """`desired_digest`, one record at a time: a plan hashes a record per DOI listed, while the next
    list page is on its way, not all of them before the first page is asked for."""

    def __init__(self, records: Iterable[DesiredRecord]) -> None:
        # `digest(sorted rows)`, hashed row by row, each record unpacked in turn: neither the JSON
        # text nor the metadata of 100,000 records is ever held whole. DOIs are unique, so the order is too.
        self._rows = sorted(records, key=lambda r: (r.doi, r.state, r.url or "", r.repository))
        self._rows.reverse()  # popped from the end, each row let go once hashed
        self._hasher = hashlib.sha256(b"[")
        self._first = True

    def step(self) -> None:
        """Hash the next record, if any is left."""
        if not self._rows:
            return
        r = self._rows.pop()
        self._hasher.update(b"" if self._first else b",")
        self._first = False
        self._hasher.update(_json_text((r.doi, r.state, r.url, r.repository, r.attributes)).encode("utf-8"))

    def result(self) -> str:
        """The digest, once the records left are hashed."""
        while self._rows:
            self.step()
        hasher = self._hasher.copy()
        hasher.update(b"]")
        return "sha256:" + hasher.hexdigest()


def digest(value: Any) -> str:
    """`sha256:` and the hex digest of a JSON value, keys sorted: the same value, the same digest."""
    return "sha256:" + hashlib.sha256(_json_text(value).encode("utf-8")).hexdigest()


def _json_text(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
