"""desired + live → Plan, a pure function: what to create, update, publish, register, hide, delete.

The plan is made from values only; reading DataCite and the files happens elsewhere. A removed
file never hides or deletes a findable DOI: that DOI becomes unmanaged. A findable or registered
DOI cannot go back to draft on DataCite, so asking for it is an error, not a change.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Protocol

from ..model import (
    CITED_FIELDS,
    Action,
    Change,
    Config,
    DesiredRecord,
    LiveRecord,
    Plan,
    PlanProblem,
    Severity,
    Unmanaged,
)
from .compare import DigestSteps, desired_digest, desired_form, fingerprint, live_form
from .derivations import rewrites
from .diff import diff_records
from .rules import DOI_CREATE

# (live state, desired state) → the DataCite event that moves it (reference §3.1).
EVENTS: Mapping[tuple[str, str], str] = {
    ("draft", "registered"): "register",
    ("draft", "findable"): "publish",
    ("registered", "findable"): "publish",
    ("findable", "registered"): "hide",
}
_EVENT_ACTIONS = {"publish": Action.PUBLISH, "register": Action.REGISTER, "hide": Action.HIDE}
_CREATE_EVENTS = {"draft": None, "registered": "register", "findable": "publish"}


class Memo(Protocol):
    """Pairs of records found in sync before (`cache.SyncMemo`): a pair it knows is not compared again."""

    def known(self, desired: DesiredRecord, live: LiveRecord) -> bool: ...

    def add(self, desired: DesiredRecord, live: LiveRecord) -> None: ...


def make_plan(
    desired: Sequence[DesiredRecord],
    live: Mapping[str, LiveRecord],
    config: Config,
    *,
    targets: frozenset[str] | None = None,
    anonymous: frozenset[str] = frozenset(),
    digest: bool = True,
) -> Plan:
    """Every change that makes DataCite match `desired`; without `digest`, no `desired_digest`.

    `live` holds what was read of DataCite by lower-case DOI: the managed repositories' DOIs and
    every desired DOI that exists. `targets` limits the plan to those DOIs: the ones with a file,
    and any of `live` without one (a removed file's DOI: unmanaged, or pruned if a draft). `anonymous` names repositories read without a password: only their findable DOIs
    could be seen, so a desired DOI that was not seen there is not compared.
    """
    wanted = {r.doi: r for r in desired if targets is None or r.doi in targets}
    dois = set(wanted) | (set(live) if targets is None else set(live) & targets)
    plan = Plan((), 0, desired_digest=desired_digest(desired) if digest else "")
    return _planned(plan, wanted, ((doi, live.get(doi)) for doi in sorted(dois)), config, anonymous)


def plan_listed(
    desired: Sequence[DesiredRecord],
    listed: Iterable[LiveRecord],
    config: Config,
    *,
    anonymous: frozenset[str] = frozenset(),
    memo: Memo | None = None,
    digest: bool = True,
) -> Plan:
    """`make_plan` of every desired record against DataCite's list, compared as the list arrives.

    Only what the plan needs is kept of each listed DOI: a change, a problem or an unmanaged
    entry; a DOI in sync is counted and let go. So a plan's memory grows with what differs, not
    with the number of DOIs. The first listing of a DOI counts (a list does not repeat one).
    A pair `memo` knows is counted in sync without a comparison; each pair found in sync is added.
    Without `digest`, the plan has no `desired_digest`: hashing every record took about an eighth
    of a plan's time at no latency, for a value only a saved plan needs (bench/RESULTS.md).
    """
    wanted = {r.doi: r for r in desired}
    seen: set[str] = set()
    steps = DigestSteps(desired if digest else ())

    def pairs() -> Iterator[tuple[str, LiveRecord | None]]:
        for record in listed:
            steps.step()  # while the list's next page is read
            if record.doi not in seen:
                seen.add(record.doi)
                yield record.doi, record
        yield from ((doi, None) for doi in sorted(wanted.keys() - seen))

    plan = _planned(Plan((), 0), wanted, pairs(), config, anonymous, memo=memo)
    return dataclasses.replace(plan, desired_digest=steps.result() if digest else "")


def replan(
    plan: Plan,
    desired: Sequence[DesiredRecord],
    fresh: Mapping[str, LiveRecord | None],
    config: Config,
    *,
    anonymous: frozenset[str] = frozenset(),
) -> Plan:
    """`plan` with the DOIs of `fresh` planned again against what was read of them since (None: absent).

    A plan made from DataCite's lagging list, then replanned with single reads of the DOIs it
    would change, equals the plan made from the single reads: only those DOIs are compared again.
    """
    wanted = {r.doi: r for r in desired}
    settled = {c.doi for c in plan.changes} | {p.doi for p in plan.problems}
    redone = sum(1 for doi in fresh if doi in wanted and doi not in settled)
    kept = Plan(
        tuple(c for c in plan.changes if c.doi not in fresh),
        plan.unchanged - redone,
        tuple(p for p in plan.problems if p.doi not in fresh),
        tuple(u for u in plan.unmanaged if u.doi not in fresh),
        plan.desired_digest,
    )
    pairs = ((doi, fresh[doi]) for doi in sorted(fresh))
    return _planned(kept, {d: wanted[d] for d in fresh if d in wanted}, pairs, config, anonymous)


def confirmations(plan: Plan, desired: Sequence[DesiredRecord]) -> list[tuple[str, str]]:
    """(repository, DOI) of every DOI the plan would change or could not plan, to read singly.

    DataCite's list lags behind writes and differs from the single read (reference §11.1), so a
    plan made from it is confirmed with single reads of exactly these before anyone sees it.
    """
    repository = {r.doi: r.repository for r in desired}
    jobs = {c.doi: c.repository for c in plan.changes}
    jobs.update((p.doi, repository[p.doi]) for p in plan.problems if p.doi in repository)
    return sorted((repo, doi) for doi, repo in jobs.items())


def _planned(
    plan: Plan,
    wanted: Mapping[str, DesiredRecord],
    live: Iterable[tuple[str, LiveRecord | None]],
    config: Config,
    anonymous: frozenset[str],
    *,
    memo: Memo | None = None,
) -> Plan:
    """`plan` with the outcome of every (DOI, live record or None) of `live` added: each wanted
    one, and live ones without a file. Nothing of a DOI in sync is kept."""
    prefixes = {repo.id: repo.prefixes for repo in config.repositories}
    changes, problems, unmanaged = list(plan.changes), list(plan.problems), list(plan.unmanaged)
    unchanged = plan.unchanged
    for doi, current in live:
        if doi in wanted:
            record = wanted[doi]
            problem = _problem(record, current, prefixes, anonymous)
            if problem is None and current is not None and memo is not None and memo.known(record, current):
                unchanged += 1
                continue
            outcome = problem or make_change(record, current)
            if outcome is None:
                unchanged += 1
                if current is not None and memo is not None:
                    memo.add(record, current)
            elif isinstance(outcome, Change):
                changes.append(outcome)
            else:
                problems.append(outcome)
        elif current is not None and current.repository in prefixes:
            if config.prune_drafts and current.state == "draft":
                changes.append(_deletion(current))
                continue
            unmanaged.append(Unmanaged(doi, current.state, current.repository))
            if config.unmanaged == "error":
                problems.append(PlanProblem(Severity.ERROR, doi, _unmanaged_message(current)))
    if config.unmanaged == "ignore":
        unmanaged = []
    changes.sort(key=lambda c: (c.action is Action.DELETE, c.doi))
    problems.sort(key=lambda p: (p.path is None, p.doi))  # a file's DOIs first, then unmanaged ones
    unmanaged.sort(key=lambda u: u.doi)
    return Plan(tuple(changes), unchanged, tuple(problems), tuple(unmanaged), plan.desired_digest)


def _unmanaged_message(record: LiveRecord) -> str:
    return (
        f"live {record.state} DOI of {record.repository} with no file and unmanaged: error in the config;"
        f" add its file (doiac import {record.doi})"
    )


def _problem(
    record: DesiredRecord,
    current: LiveRecord | None,
    prefixes: Mapping[str, tuple[str, ...]],
    anonymous: frozenset[str],
) -> PlanProblem | None:
    prefix = record.doi.split("/", 1)[0]
    allowed = prefixes.get(record.repository, ())
    if prefix not in {p.lower() for p in allowed}:
        message = f"prefix {prefix} is not one of {record.repository}'s prefixes ({', '.join(allowed)})"
        return PlanProblem(Severity.ERROR, record.doi, message, record.path)
    if current is None:
        if record.repository in anonymous:
            message = (
                f"not visible without {record.repository}'s password: draft and registered DOIs need it;"
                " not compared"
            )
            return PlanProblem(Severity.WARNING, record.doi, message, record.path)
        if not DOI_CREATE.match(record.doi):
            message = (
                "DataCite refuses this DOI on create (422): a new DOI may use only letters, digits and"
                " -._;()/:*~$= (`doiac new` mints one)"
            )
            return PlanProblem(Severity.ERROR, record.doi, message, record.path)
        return None
    if current.repository and current.repository != record.repository:
        message = (
            f"lives in repository account {current.repository}, not {record.repository}: move the file"
            f" to that repository's folder, or transfer the DOI in Fabrica"
        )
        return PlanProblem(Severity.ERROR, record.doi, message, record.path)
    if current.state != "draft" and record.state == "draft":
        message = (
            f"{current.state} → draft is impossible: DataCite never takes a DOI back to draft; keep it"
            f" registered and point url at a tombstone page (doiac tombstone {record.doi})"
        )
        return PlanProblem(Severity.ERROR, record.doi, message, record.path)
    return None


def make_change(record: DesiredRecord, current: LiveRecord | None) -> Change | None:
    """The change that makes `current` (None: absent) match `record`, or None when they match."""
    after = desired_form(record)
    if current is None:
        return Change(
            record.doi, Action.CREATE, record.repository, record.path, None, record.state,
            diff_records({}, after), _CREATE_EVENTS[record.state], rewrites(record.attributes),
        )  # fmt: skip
    event = EVENTS.get((current.state, record.state))
    before = live_form(current, after)
    diffs = diff_records(before, after)
    if event is None and not diffs:
        return None
    action = _EVENT_ACTIONS[event] if event else Action.UPDATE
    touched = {d.attribute for d in diffs}
    notes = rewrites(record.attributes, touched)
    cited = None
    if touched & CITED_FIELDS:
        cited = (
            {k: before[k] for k in CITED_FIELDS if k in before},
            {k: after[k] for k in CITED_FIELDS if k in after},
        )
    return Change(
        record.doi, action, record.repository, record.path, current.state, record.state, diffs, event, notes,
        fingerprint(current), cited,
    )  # fmt: skip


def _deletion(record: LiveRecord) -> Change:
    return Change(
        record.doi, Action.DELETE, record.repository, None, record.state, None,
        fingerprint=fingerprint(record),
    )  # fmt: skip
