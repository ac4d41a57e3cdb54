"""The use case behind `doiac history DOI`: the provenance of one DOI.

Two sources, both newest first: the git commits that touched the DOI's file (following renames,
each with the field diffs it made to the file's data), and DataCite's own activities for the DOI
(who changed it there, when, and what). Either may be empty: outside a git work tree there are no
commits, and offline there are no activities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .. import git
from ..config import open_config
from ..core.diff import diff_records
from ..errors import SourceError, UsageError
from ..files import parse_source
from ..model import MISSING, FieldDiff
from .adopt import files_by_doi, parse_dois, repository_of
from .plan import connect

_MERGED = re.compile(r"^Merge pull request #(\d+)\b")
_SQUASHED = re.compile(r"\(#(\d+)\)\s*$")


@dataclass(frozen=True)
class Commit:
    """One commit that touched the DOI's file, and what it changed in the file's data."""

    sha: str
    author: str
    date: str
    """ISO 8601, the author date."""
    subject: str
    pull_request: int | None
    """From a "Merge pull request #N" subject or a trailing "(#N)"; None otherwise."""
    diffs: tuple[FieldDiff, ...]
    """The file's data before → after this commit ({} on a side where the file did not exist)."""


@dataclass(frozen=True)
class Activity:
    """One entry of DataCite's audit trail of the DOI."""

    date: str
    action: str
    by: str | None
    changes: dict[str, Any]


@dataclass(frozen=True)
class History:
    doi: str
    path: str | None
    """The DOI's file relative to the config's root; None when it has none."""
    commits: tuple[Commit, ...]
    """Newest first."""
    activities: tuple[Activity, ...]
    """Newest first; () when offline."""


def run(config_path: Path | None, doi: str, *, offline: bool = False, limit: int = 50) -> History:
    """`doiac history DOI`: the commits that touched the DOI's file, and DataCite's activities for it."""
    config = open_config(config_path)
    (wanted,) = parse_dois([doi])
    repository = repository_of(config, wanted)
    if repository is None:
        raise UsageError(f"prefix {wanted.split('/', 1)[0]} belongs to no repository in the config")
    root = Path(config.root)
    found = files_by_doi(config).get(wanted)
    path = found.resolve().relative_to(root.resolve()).as_posix() if found is not None else None
    commits = file_commits(found, limit=limit) if found is not None else ()
    activities: tuple[Activity, ...] = ()
    if not offline:
        with connect(config) as (_, clients):
            activities = parse_activities(clients[repository.id].activities(wanted))
    return History(wanted, path, commits, activities)


def file_commits(path: Path, *, limit: int = 50) -> tuple[Commit, ...]:
    """The commits that touched the file at `path`, newest first; () outside a git work tree."""
    top = git.work_tree(path.parent)
    if top is None:
        return ()
    try:
        relative = path.resolve().relative_to(top.resolve()).as_posix()
    except ValueError:
        return ()
    commits = []
    for change in git.file_log(top, relative, limit=limit):
        before = None if change.status == "A" else git.file_at(top, f"{change.sha}^", change.old_path)
        after = None if change.status == "D" else git.file_at(top, change.sha, change.path)
        diffs = _diffs(before, after, change.old_path, change.path, change.sha)
        commits.append(
            Commit(
                change.sha, change.author, change.date, change.subject, pull_request(change.subject), diffs
            )
        )
    return tuple(commits)


def pull_request(subject: str) -> int | None:
    """N of "Merge pull request #N from …" (a merge) or of a trailing "(#N)" (a squash), else None."""
    found = _MERGED.match(subject) or _SQUASHED.search(subject)
    return int(found.group(1)) if found else None


def _diffs(before: bytes | None, after: bytes | None, old: str, new: str, sha: str) -> tuple[FieldDiff, ...]:
    try:
        old_data = _data(before, f"{old} before {sha[:7]}")
        new_data = _data(after, f"{new} at {sha[:7]}")
    except SourceError as exc:
        return (FieldDiff("", MISSING, f"could not be read: {exc}"),)
    return diff_records(old_data, new_data)


def _data(raw: bytes | None, name: str) -> dict[str, Any]:
    return {} if raw is None else dict(parse_source(raw, name).data)


def parse_activities(items: list[dict[str, Any]]) -> tuple[Activity, ...]:
    """DataCite's activity objects (§13.2) as Activities, newest first (by version, then time)."""
    ordered = []
    for item in items:
        attributes = item.get("attributes")
        if not isinstance(attributes, dict):
            continue
        date = str(attributes.get("prov:generatedAtTime") or "")
        by = attributes.get("prov:wasAttributedTo")
        changes = attributes.get("changes")
        version = attributes.get("version")
        activity = Activity(
            date,
            str(attributes.get("action") or ""),
            by if isinstance(by, str) else None,
            changes if isinstance(changes, dict) else {},
        )
        rank = version if isinstance(version, int) and not isinstance(version, bool) else -1
        ordered.append(((rank, _instant(date)), activity))
    ordered.sort(key=lambda pair: pair[0], reverse=True)
    return tuple(activity for _, activity in ordered)


def _instant(date: str) -> float:
    """The time of an activity as a number, so `…:00Z` and `…:00.000Z` compare equal; 0 if unreadable."""
    try:
        return datetime.fromisoformat(date.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return 0.0
