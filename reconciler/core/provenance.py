"""Apply notes: what each apply records in git, written and read back (pure).

A note is text attached to the applied commit; each apply appends one JSON line to it, so a
commit applied twice (a retry, another environment) keeps both. Lines that are not doiac's
JSON are skipped: a note is data anyone with push access can edit, so it is read as a hint for
history and drift, never as an instruction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ..model import Activity, AppliedDoi, ApplyNote
from .payload import SOURCE

FORMAT = "doiac-apply/1"


def note_line(note: ApplyNote) -> str:
    """One apply as the single JSON line appended to its commit's note."""
    document = {
        "format": FORMAT,
        "time": note.time,
        "environment": note.environment,
        "actor": note.actor,
        "run": note.run,
        "plan_commit": note.plan_commit,
        "dois": [
            {"doi": d.doi, "action": d.action, "outcome": d.outcome, "updated": d.updated} for d in note.dois
        ],
    }
    return json.dumps(document, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def parse_notes(notes: Mapping[str, str]) -> list[ApplyNote]:
    """The applies recorded in `notes` (commit → note text), oldest first; unreadable lines skipped."""
    found = []
    for commit, text in notes.items():
        for line in text.splitlines():
            note = _parse_line(commit, line.strip())
            if note is not None:
                found.append(note)
    found.sort(key=lambda note: instant(note.time))
    return found


def _parse_line(commit: str, line: str) -> ApplyNote | None:
    if not line.startswith("{"):
        return None
    try:
        document = json.loads(line)
    except (ValueError, RecursionError):
        return None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        return None
    dois = document.get("dois")
    if not isinstance(dois, list):
        return None
    applied = tuple(d for d in (_applied(item) for item in dois) if d is not None)
    return ApplyNote(
        commit=commit,
        time=_text(document.get("time")) or "",
        environment=_text(document.get("environment")) or "",
        actor=_text(document.get("actor")),
        run=_text(document.get("run")),
        dois=applied,
        plan_commit=_text(document.get("plan_commit")),
    )


def _applied(item: Any) -> AppliedDoi | None:
    if not isinstance(item, dict) or not isinstance(item.get("doi"), str):
        return None
    return AppliedDoi(
        doi=item["doi"].lower(),
        action=_text(item.get("action")) or "",
        outcome=_text(item.get("outcome")) or "",
        updated=_text(item.get("updated")),
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def instant(value: str | None) -> float:
    """An ISO 8601 time as a number, so `…:00Z` and `…:00.000Z` compare equal; 0 if unreadable."""
    try:
        return datetime.fromisoformat((value or "").replace("Z", "+00:00")).timestamp()
    except ValueError:
        return 0.0


def same_instant(a: str | None, b: str | None) -> bool:
    """Two DataCite times are the same moment (DataCite's precision varies between answers)."""
    return a is not None and b is not None and (a == b or (instant(a) == instant(b) != 0.0))


def last_applied(notes: list[ApplyNote], environment: str) -> dict[str, tuple[ApplyNote, AppliedDoi]]:
    """Per DOI, the latest successful apply of it to `environment`, with the note that records it."""
    latest: dict[str, tuple[ApplyNote, AppliedDoi]] = {}
    for note in notes:  # oldest first: later applies replace earlier ones
        if note.environment != environment:
            continue
        for applied in note.dois:
            if applied.outcome == "done":
                latest[applied.doi] = (note, applied)
    return latest


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
        ordered.append(((rank, instant(date)), activity))
    ordered.sort(key=lambda pair: pair[0], reverse=True)
    return tuple(activity for _, activity in ordered)


def account_of(attributed: str | None) -> str | None:
    """`example.repo` of `https://api.datacite.org/repositories/example.repo` (prov:wasAttributedTo)."""
    return attributed.rstrip("/").rsplit("/", 1)[-1] if attributed else None


WINDOW = 5.0
"""Seconds between an apply's recorded `updated` and DataCite's activity for the same write."""


def channel_of(activity: Activity) -> str | None:
    """The `source` an activity set (fabricaForm, mds, api, doiac…), when its changes say."""
    source = activity.changes.get("source")
    if isinstance(source, list) and len(source) == 2 and isinstance(source[1], str):
        return source[1]
    return source if isinstance(source, str) else None


def explain(activity: Activity, applies: list[tuple[ApplyNote, AppliedDoi]]) -> ApplyNote | None:
    """The recorded apply that made this change at DataCite, or None: the change is out-of-band.

    A change another channel made says so in its `source`; otherwise an apply explains the change
    when DataCite's `updated` after it is the activity's time (within WINDOW seconds). A doiac
    write no apply note records (an apply of uncommitted files) explains nothing either.
    """
    channel = channel_of(activity)
    if channel is not None and channel != SOURCE:
        return None
    at = instant(activity.date)
    for note, applied in applies:
        if applied.updated is not None and at and abs(instant(applied.updated) - at) <= WINDOW:
            return note
    return None


def applies_of(notes: list[ApplyNote], doi: str, environment: str) -> list[tuple[ApplyNote, AppliedDoi]]:
    """Every recorded apply of `doi` to `environment`, newest first, whatever its outcome."""
    found = [(note, applied) for note in notes if note.environment == environment
             for applied in note.dois if applied.doi == doi]  # fmt: skip
    return found[::-1]
