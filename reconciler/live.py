"""Read the live state of the managed DOIs: a bulk list, then single reads of only what differs.

DataCite's list endpoint reads a search index that lags behind writes (reference §11.1), so it is
used to find the DOIs that already match; every DOI that looks different, or that the list does
not show, is re-read singly from DataCite's database, the authoritative read. A plan of N DOIs
with k changes costs about N/1000 list pages + k single reads, never one request per DOI.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from .core.compare import is_in_sync
from .datacite import DataCiteClient, live_record
from .model import DesiredRecord, LiveRecord
from .workers import run_all

Progress = Callable[[str, int, int | None], None]
"""(what, done, total or None when unknown): the list walk per repository, then the single reads."""
_PAGE = 1000


@dataclass(frozen=True)
class LiveState:
    """What was read: live records by lower-case DOI, and the repositories read anonymously."""

    records: dict[str, LiveRecord]
    anonymous: frozenset[str]
    in_sync: frozenset[str] = frozenset()
    """Desired DOIs whose listed record already matches: make_plan need not compare them again."""


def read_live(
    clients: Mapping[str, DataCiteClient],
    desired: Sequence[DesiredRecord],
    *,
    targets: frozenset[str] | None = None,
    prune_drafts: bool = False,
    workers: int = 4,
    progress: Progress | None = None,
) -> LiveState:
    """The live records a plan needs, for every repository account in `clients`.

    With `targets`, only those DOIs are read, singly. With `prune_drafts`, live drafts without a
    file are re-read too: the list may still show a draft that has since been published.
    """
    records: dict[str, LiveRecord] = {}
    wanted = {r.doi for r in desired}
    in_sync: set[str] = set()
    to_read: list[tuple[str, str]] = []
    by_repository: dict[str, list[DesiredRecord]] = {}
    for record in desired:
        if targets is None or record.doi in targets:
            by_repository.setdefault(record.repository, []).append(record)
    for repository, client in clients.items():
        mine = by_repository.get(repository, [])
        if targets is not None:
            to_read.extend((repository, r.doi) for r in mine)
            continue
        listed: dict[str, LiveRecord] = {}
        for listed_record in _list(client, repository):
            listed[listed_record.doi] = listed_record
            if progress is not None and len(listed) % _PAGE == 0:
                progress(f"listing {repository}", len(listed), None)
        if progress is not None:
            progress(f"listing {repository}", len(listed), len(listed))
        records.update(listed)
        for record in mine:
            item = listed.get(record.doi)
            if item is not None and is_in_sync(record, item):
                in_sync.add(record.doi)
            else:
                to_read.append((repository, record.doi))
        if prune_drafts:
            to_read.extend(
                (repository, d) for d, i in listed.items() if i.state == "draft" and d not in wanted
            )
    for doi, found in _read_singly(clients, to_read, workers, progress):
        if found is None:
            records.pop(doi, None)
        else:
            records[doi] = found
    return LiveState(records, anonymous_repositories(clients), frozenset(in_sync))


def anonymous_repositories(clients: Mapping[str, DataCiteClient]) -> frozenset[str]:
    """The repository accounts without a password: DataCite shows them only findable DOIs."""
    return frozenset(repo for repo, client in clients.items() if not client.has_password)


def _list(client: DataCiteClient, repository: str) -> Iterable[LiveRecord]:
    for item in client.list_dois(client_id=repository.lower()):
        record = live_record(item)
        # Listing by client-id should give only this account's DOIs; keep that true if it did not.
        if not record.repository or record.repository == repository.upper():
            yield record


def _read_singly(
    clients: Mapping[str, DataCiteClient],
    to_read: list[tuple[str, str]],
    workers: int,
    progress: Progress | None,
) -> list[tuple[str, LiveRecord | None]]:
    done = [0]
    lock = threading.Lock()

    def read(job: tuple[str, str]) -> tuple[str, LiveRecord | None]:
        repository, doi = job
        item = clients[repository].get(doi)
        if progress is not None:
            with lock:
                done[0] += 1
                progress("reading singly", done[0], len(to_read))
        return doi, None if item is None else live_record(item)

    return run_all(read, to_read, workers)
