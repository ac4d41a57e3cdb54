"""Drift for `doiac plan` and `apply`: which of a plan's changes undo a change made at DataCite.

The base is each DOI's last successful apply recorded in git (refs/notes/doiac). A DOI whose
DataCite `updated` is the one that apply left has not changed there since, whatever the plan
says. Otherwise the file at the applied commit (with that commit's config defaults) tells which
keys git changed since; DataCite's activities say who changed the DOI there, when and through
what. The pure part is `core.drift`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import git
from ..config import parse_config
from ..core.drift import Baseline, changed_keys, could_drift, separate, touched
from ..core.provenance import (
    account_of,
    channel_of,
    instant,
    last_applied,
    parse_activities,
    parse_notes,
    same_instant,
)
from ..datacite import DataCiteClient
from ..errors import ReconcilerError
from ..files import parse_source, read_source
from ..model import Activity, Change, Config, LiveRecord, Plan


def find_drift(
    config: Config,
    plan: Plan,
    live: Mapping[str, LiveRecord | None],
    environment: str,
    clients: Mapping[str, DataCiteClient],
    *,
    keep: frozenset[str] = frozenset(),
) -> Plan:
    """`plan` with the drift of its changes separated out (`live`: the single reads it was confirmed by)."""
    candidates = [c for c in plan.changes if could_drift(c) and c.path is not None]
    top = git.work_tree(config.root) if candidates else None
    if top is None:
        return plan
    latest = last_applied(parse_notes(git.notes(top)), environment)
    baselines: dict[str, Baseline] = {}
    for change in candidates:
        found, record = latest.get(change.doi), live.get(change.doi)
        if found is None or record is None or same_instant(found[1].updated, record.updated):
            continue
        note, applied = found
        in_git = _changed_in_git(config, top, note.commit, change)
        base = Baseline(note.commit, applied.updated, record.updated, in_git)
        if touched(change) - in_git:  # DataCite's side of the story, for the drift that is there
            base = _with_activity(base, clients[change.repository], change.doi)
        baselines[change.doi] = base
    return separate(plan, baselines, keep)


def _changed_in_git(config: Config, top: Path, commit: str, change: Change) -> frozenset[str]:
    """Top-level keys of the DOI's merged data that differ between `commit` and the work tree.

    When the old side cannot be read (the file was elsewhere, the old config does not parse),
    every key counts as changed in git: no change is ever called drift on a guess.
    """
    root = Path(config.root).resolve()
    path = root / str(change.path)
    everything = frozenset(touched(change))
    try:
        relative = path.relative_to(top.resolve()).as_posix()
        config_relative = Path(config.path).resolve().relative_to(top.resolve()).as_posix()
        now = _merged(config, read_source(path).data, change.repository)
        old_file = git.file_at(top, commit, relative)
        old_config = git.file_at(top, commit, config_relative)
        if old_file is None or old_config is None:
            return everything
        then_config = parse_config(parse_source(old_config, f"{config_relative} at {commit[:7]}"))
        then = _merged(
            then_config, parse_source(old_file, f"{relative} at {commit[:7]}").data, change.repository
        )
    except (ValueError, ReconcilerError):
        return everything
    return changed_keys(then, now)


def _merged(config: Config, data: Mapping[str, Any], repository: str) -> dict[str, Any]:
    """A file's data over its repository's defaults over the config's, as validation merges them."""
    own = next((r.defaults for r in config.repositories if r.id == repository), {})
    return {**config.defaults, **own, **data}


def _with_activity(base: Baseline, client: DataCiteClient, doi: str) -> Baseline:
    """`base` with who changed the DOI at DataCite since the apply, when and through what, if shown."""
    try:
        activities = parse_activities(client.activities(doi))
    except ReconcilerError:  # activities are a courtesy: lagging, sometimes never indexed (§13.3)
        return base
    since = [a for a in activities if not _at_or_before(a, base.applied_updated)]
    if not since:
        return base
    newest = since[0]
    return Baseline(
        base.commit, base.applied_updated, base.live_updated, base.in_git,
        changed_by=account_of(newest.by), changed_at=newest.date, channel=channel_of(newest),
    )  # fmt: skip


def _at_or_before(activity: Activity, applied: str | None) -> bool:
    return applied is not None and instant(activity.date) <= instant(applied)
