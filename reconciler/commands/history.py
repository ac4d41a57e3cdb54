"""The use case behind `doiac history DOI`: the provenance of one DOI.

Two sources, both newest first: the git commits that touched the DOI's file (following renames,
each with the field diffs it made to the file's data), and DataCite's own activities for the DOI
(who changed it there, when, and what). Either may be empty: outside a git work tree there are no
commits, and offline there are no activities.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .. import git
from ..config import open_config
from ..core.diff import diff_records
from ..core.provenance import applies_of, channel_of, explain, instant, parse_activities, parse_notes
from ..datacite import Progress
from ..errors import SourceError, UsageError
from ..files import parse_source
from ..model import MISSING, Activity, AppliedDoi, ApplyNote, Config, FieldDiff
from ..workers import run_all as run_all_jobs
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
class Traced:
    """One DataCite activity of the DOI, and the recorded apply that made it (None: out-of-band)."""

    activity: Activity
    apply: ApplyNote | None

    @property
    def out_of_band(self) -> bool:
        return self.apply is None

    @property
    def channel(self) -> str | None:
        return channel_of(self.activity)


@dataclass(frozen=True)
class History:
    doi: str
    path: str | None
    """The DOI's file relative to the config's root; None when it has none."""
    commits: tuple[Commit, ...]
    """Newest first."""
    activities: tuple[Traced, ...]
    """Newest first; () when offline."""
    applies: tuple[tuple[ApplyNote, AppliedDoi], ...] = ()
    """The applies of the DOI recorded in git (refs/notes/doiac), newest first."""


@dataclass(frozen=True)
class Found:
    """One out-of-band change of an audit: a DOI, its file, and the activity no apply explains."""

    doi: str
    path: str | None
    traced: Traced


@dataclass(frozen=True)
class Audit:
    """`doiac history --all`: every out-of-band change to the managed DOIs since a time."""

    since: str | None
    dois: int
    """DOIs whose activities were read."""
    found: tuple[Found, ...]
    """Newest first."""


def check_arguments(doi: str | None, *, all_dois: bool, since: str | None, offline: bool) -> None:
    """A UsageError for a combination of arguments `doiac history` cannot answer."""
    if all_dois == (doi is not None):
        raise UsageError("name a DOI, or pass --all (not both)")
    if since is not None and not all_dois:
        raise UsageError("--since goes with --all")
    if all_dois and offline:
        raise UsageError("--all reads DataCite's activities: it cannot be --offline")


def run(config_path: Path | None, doi: str, *, offline: bool = False, limit: int = 50) -> History:
    """`doiac history DOI`: the commits that touched the DOI's file, the applies git records, and
    DataCite's activities for it, each flagged when no recorded apply explains it."""
    config = open_config(config_path)
    (wanted,) = parse_dois([doi])
    repository = repository_of(config, wanted)
    if repository is None:
        raise UsageError(f"prefix {wanted.split('/', 1)[0]} belongs to no repository in the config")
    root = Path(config.root)
    found = files_by_doi(config).get(wanted)
    path = found.resolve().relative_to(root.resolve()).as_posix() if found is not None else None
    commits = file_commits(found, limit=limit) if found is not None else ()
    applies = applies_of(_notes(config), wanted, config.environment)
    activities: tuple[Traced, ...] = ()
    if not offline:
        with connect(config) as (_, clients):
            read = parse_activities(clients[repository.id].activities(wanted))
        activities = tuple(Traced(activity, explain(activity, applies)) for activity in read)
    return History(wanted, path, commits, activities, tuple(applies))


def run_all(config_path: Path | None, *, since: str | None = None, progress: Progress | None = None) -> Audit:
    """`doiac history --all`: the activities of every DOI with a file that no recorded apply explains."""
    config = open_config(config_path)
    cutoff = parse_since(since) if since is not None else None
    root = Path(config.root).resolve()
    files = {doi: path.resolve().relative_to(root).as_posix() for doi, path in files_by_doi(config).items()}
    owners = {doi: owner.id for doi in files if (owner := repository_of(config, doi)) is not None}
    notes = _notes(config)
    found: list[tuple[float, Found]] = []
    jobs = sorted(owners.items())
    lock, done = threading.Lock(), [0]
    with connect(config) as (_, clients):

        def read(job: tuple[str, str]) -> tuple[Activity, ...]:
            doi, repository = job
            activities = parse_activities(clients[repository].activities(doi))
            with lock:
                done[0] += 1
                if progress is not None:
                    progress("activities", done[0], len(jobs))
            return activities

        for (doi, _), activities in zip(jobs, run_all_jobs(read, jobs, workers=4), strict=True):
            applies = applies_of(notes, doi, config.environment)
            for activity in activities:
                at = instant(activity.date)
                traced = Traced(activity, explain(activity, applies))
                if traced.out_of_band and (cutoff is None or at >= cutoff):
                    found.append((at, Found(doi, files.get(doi), traced)))
    found.sort(key=lambda pair: pair[0], reverse=True)
    return Audit(since, len(jobs), tuple(item for _, item in found))


def parse_since(text: str) -> float:
    """`2026-01-31` or an ISO 8601 time as a POSIX time (UTC unless the text says otherwise)."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"--since {text!r} is not a date (2026-01-31) or an ISO 8601 time") from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def _notes(config: Config) -> list[ApplyNote]:
    top = git.work_tree(config.root)
    return parse_notes(git.notes(top)) if top is not None else []


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
        number = pull_request(change.subject)
        if number is None:  # a commit of a pull request's branch: the merge that brought it in says
            merge = git.merged_by(top, change.sha)
            number = pull_request(merge) if merge is not None else None
        commits.append(Commit(change.sha, change.author, change.date, change.subject, number, diffs))
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
