"""The use case behind `doiac tombstone`: withdraw a DOI the way DataCite's guidance asks.

A DOI that has left draft can never be deleted. A withdrawn one stays `registered` (it resolves
but is no longer listed in DataCite's search), its url points at a tombstone page, its metadata
is kept, and a `Withdrawn` date says when and why. The file is edited in place: every comment,
key and value people wrote stays as it was, and the plan then shows a hide (findable → registered).

The helpers at the end edit round-trip documents so that comment lines after the last line of an
entry stay after it when an entry is appended or a key inserted; `commands.version` uses them too.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..config import open_config, repository_for, shown_path
from ..core.identifiers import check_date
from ..core.rules import host_allowed
from ..errors import UsageError
from ..files import parse_source, read_text, write_text
from ..model import Config, Repository
from ..yamledit import (
    append_item,
    edited_text,
    insert_key,
    put_trailing,
    remove_item,
    set_list,
    take_trailing,
)
from .adopt import doi_argument, files_by_doi

WITHDRAWN = "Withdrawn"
HIDDEN = "registered"


@dataclass(frozen=True)
class Tombstoned:
    """What `doiac tombstone` changed in one DOI file."""

    doi: str
    path: str
    """The file, relative to the config's folder."""
    changed: tuple[str, ...]
    """One human line per change: `state findable → registered`, `url … → …`, `dates + Withdrawn …`."""


def run(config_path: Path | None, doi: str, *, url: str, reason: str, date: str | None = None) -> Tombstoned:
    """`doiac tombstone DOI`: make the DOI's file say `registered`, the tombstone url and a Withdrawn date."""
    config = open_config(config_path)
    key = doi_argument(doi)
    reason = reason.strip()
    if not reason:
        raise UsageError(
            "give the reason for withdrawing the DOI: it becomes the Withdrawn date's dateInformation"
        )
    when = _withdrawn_on(date)
    path, shown, repository = file_of(config, key)
    _check_url(url, repository)
    text = read_text(path)
    state = parse_source(text.encode("utf-8"), shown).data.get("state")
    if state == "draft":
        raise UsageError(
            f"{key} is a draft: a draft is never public and can be deleted, so it needs no tombstone;"
            f" delete its file {shown} instead (with prune_drafts: true, apply then deletes the draft)"
        )
    if state not in ("findable", HIDDEN):
        raise UsageError(f"{shown}: state is {state!r}, not findable or registered; fix the file first")
    changed: list[str] = []

    def edit(document: MutableMapping[str, Any]) -> None:
        changed.extend(
            _tombstone(document, url, {"date": when, "dateType": WITHDRAWN, "dateInformation": reason})
        )

    edited = edited_text(text, shown, edit)
    if edited != text:
        write_text(path, edited)
    return Tombstoned(key, shown, tuple(changed))


def _tombstone(document: MutableMapping[str, Any], url: str, entry: dict[str, str]) -> list[str]:
    changed = []
    if document.get("state") != HIDDEN:
        changed.append(f"state {document.get('state')} → {HIDDEN}")
        document["state"] = HIDDEN
    if "url" not in document:
        changed.append(f"url (none) → {url}")
        insert_key(document, "url", url)
    elif document["url"] != url:
        changed.append(f"url {document['url']} → {url}")
        document["url"] = url
    shown = f"{WITHDRAWN} {entry['date']}: {entry['dateInformation']}"
    dates = document.get("dates")
    if dates is None or dates == []:
        set_list(document, "dates", [entry])
        changed.append(f"dates + {shown}")
        return changed
    if not isinstance(dates, list):
        raise UsageError("`dates` is not a list; fix the file first (doiac validate shows where)")
    found = [i for i, d in enumerate(dates) if isinstance(d, Mapping) and d.get("dateType") == WITHDRAWN]
    if not found:
        append_item(dates, entry)
        changed.append(f"dates + {shown}")
        return changed
    first = dates[found[0]]
    before = f"{WITHDRAWN} {first.get('date')}: {first.get('dateInformation')}"
    for index in reversed(found[1:]):  # one Withdrawn date: the last tombstone says when and why
        remove_item(dates, index)
    if before != shown or len(found) > 1:
        text, token = take_trailing(dates, found[0])
        for name, value in entry.items():
            if first.get(name) != value:
                first[name] = value
        put_trailing(dates, found[0], text, token)
        changed.append(f"dates ~ {shown} (was {before})")
    return changed


def _withdrawn_on(date: str | None) -> str:
    when = datetime.date.today().isoformat() if date is None else date.strip()
    if "/" in when or check_date(when) is not None:
        raise UsageError(f"--date {when!r} is not an ISO 8601 date (YYYY-MM-DD, or YYYY-MM-DDThh:mm:ssZ)")
    return when


def _check_url(url: str, repository: Repository) -> None:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname or url != url.strip():
        raise UsageError(f"--url {url!r} is not a web address: give the tombstone page as https://…")
    if repository.domains and not host_allowed(parts.hostname, repository.domains):
        allowed = ", ".join(repository.domains)
        raise UsageError(
            f"--url host {parts.hostname} is not allowed for repository {repository.id} (domains: {allowed});"
            " DataCite would refuse it"
        )


# --- shared with commands.version ------------------------------------------------------------


def file_of(
    config: Config, doi: str, files: Mapping[str, Path] | None = None
) -> tuple[Path, str, Repository]:
    """The DOI's file, its path relative to the config's folder, and the repository it belongs to.

    `files` is `files_by_doi(config)` when the caller has it already.
    """
    path = (files_by_doi(config) if files is None else files).get(doi)
    if path is None:
        raise UsageError(f"no DOI file declares {doi}; write one from DataCite first: doiac import {doi}")
    shown = shown_path(config, path)
    owner = repository_for(config, shown)
    if owner is None:  # pragma: no cover - files_by_doi reads only the repositories' folders
        raise UsageError(f"{shown} is not under the folder of any repository in {config.path}")
    return path, shown, owner[1]
