"""Run a plan through the DataCite client: one request per changed DOI, checked against its answer.

Every run decides from what DataCite holds, never from what an earlier run meant to do, so an
apply that was interrupted (a crash, a kill, a storm of errors) converges when it is run again.
DataCite answers a POST or PUT with the record as it saved it, serialized as `GET /dois/{doi}`
serializes it (lupo `DataciteDoisController#create`/`#update`: the saved object, `detail: true`,
the request's `affiliation` and `publisher` flags, which the client sends on writes), so that
answer is the read-back. A GET is sent only where the answer does not carry the record (no
`data.attributes`, or another DOI): a proxy that strips bodies, a server that answers otherwise.
Creates always name their DOI: a POST that DataCite already carried out (the answer was lost on
the way back) comes back as "already taken", which turns into a re-read and, if need be, an
update of that DOI, never a second DOI.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .core.compare import desired_form, fingerprint, live_form
from .core.diff import diff_records
from .core.payload import payload_digest, request_attributes
from .core.planner import make_change
from .core.provenance import account_of, parse_activities
from .datacite import DataCiteClient, live_record
from .errors import ApiError, DeadlineError
from .model import (
    MISSING,
    Action,
    ApplyReport,
    Change,
    DesiredRecord,
    FieldOutcome,
    FieldResult,
    LiveRecord,
    Outcome,
    Plan,
    pointer_tokens,
)
from .workers import run_all

OnOutcome = Callable[[Outcome], None]
_DONE = {
    Action.CREATE: "created", Action.UPDATE: "updated", Action.PUBLISH: "published",
    Action.REGISTER: "registered", Action.HIDE: "hidden", Action.DELETE: "deleted",
}  # fmt: skip
_CREATED_AS = {
    "findable": "created, published",
    "registered": "created, registered",
    "draft": "created as draft",
}


def apply_plan(
    plan: Plan,
    desired: Mapping[str, DesiredRecord],
    clients: Mapping[str, DataCiteClient],
    *,
    saved: bool = False,
    workers: int = 4,
    on_outcome: OnOutcome | None = None,
) -> ApplyReport:
    """Apply every change of `plan`; deletions run last, after every other change has finished.

    `desired` holds the desired records by DOI. With `saved`, the plan was made earlier: each DOI
    is re-read first and refused as stale when its live record moved since the plan.
    `on_outcome` is called as each DOI finishes (the report file is written as it goes).
    """
    outcomes: list[Outcome] = []

    def run(change: Change) -> Outcome:
        client = clients[change.repository]
        outcome = _apply_one(change, desired.get(change.doi), client, saved=saved)
        if on_outcome is not None:
            on_outcome(outcome)
        if client.deadline is not None:  # a DOI done past the deadline: no other starts
            client.deadline.check(f"stopped after {change.doi}")
        return outcome

    first = [c for c in plan.changes if c.action is not Action.DELETE]
    last = [c for c in plan.changes if c.action is Action.DELETE]
    for batch in (first, last):
        outcomes.extend(run_all(run, batch, workers))
    return ApplyReport(tuple(outcomes))


def _apply_one(
    change: Change, record: DesiredRecord | None, client: DataCiteClient, *, saved: bool
) -> Outcome:
    try:
        if saved:
            stale = _staleness(change, client)
            if stale is not None:
                return Outcome(change.doi, change.action, "stale", stale)
        if change.action is Action.DELETE:
            client.delete(change.doi)
            return Outcome(change.doi, change.action, "done", "deleted")
        assert record is not None, f"no desired record for {change.doi}"
        return _write(change, record, client)
    except ApiError as exc:
        return Outcome(change.doi, change.action, "failed", f"{_verb(change)} failed: {exc}")


def _verb(change: Change) -> str:
    return change.event if change.event and change.action is not Action.CREATE else change.action.value


def _write(change: Change, record: DesiredRecord, client: DataCiteClient) -> Outcome:
    attributes = request_attributes(change, record)
    digest = payload_digest(attributes)
    if change.action is Action.CREATE:
        status, body = client.create(attributes)
        if status == 422 and _already_taken(body):
            return _replan(change, record, client)
    else:
        status, body = client.update(change.doi, attributes)
    if status == 422:
        return Outcome(change.doi, change.action, "failed", f"{_verb(change)} refused (422 {_titles(body)})"
                       " — nothing else changed for this DOI", payload_digest=digest)  # fmt: skip
    return _read_back(change, record, client, digest, body)


def _already_taken(errors: Any) -> bool:
    return any(
        isinstance(e, dict) and e.get("source") == "doi" and "already been taken" in str(e.get("title"))
        for e in errors if isinstance(errors, list)
    )  # fmt: skip


def _titles(errors: Any) -> str:
    parts = [
        f"{e.get('source')}: {e.get('title')}" if e.get("source") else str(e.get("title"))
        for e in errors if isinstance(e, dict)
    ] if isinstance(errors, list) else []  # fmt: skip
    return "; ".join(parts) or "no details"


def _replan(change: Change, record: DesiredRecord, client: DataCiteClient) -> Outcome:
    """The DOI exists after all (an earlier POST landed, or someone else made it): plan it again."""
    item = client.get(change.doi)
    if item is None:
        message = (
            "DataCite says the DOI is taken but will not show it to this account: it is likely a draft"
            " of another repository account"
        )
        return Outcome(change.doi, change.action, "failed", message)
    live = live_record(item)
    again = make_change(record, live)
    if again is None:
        return Outcome(change.doi, change.action, "done", "already created (an earlier request landed)",
                       updated=live.updated)  # fmt: skip
    if live.repository and live.repository != record.repository:
        return Outcome(
            change.doi, change.action, "failed", f"the DOI exists in repository account {live.repository}"
        )
    outcome = _write(again, record, client)
    return Outcome(outcome.doi, change.action, outcome.status, f"already existed; {outcome.message}",
                   outcome.fields, outcome.payload_digest, outcome.updated)  # fmt: skip


def _read_back(
    change: Change, record: DesiredRecord, client: DataCiteClient, digest: str, written: Any = None
) -> Outcome:
    try:
        item = _answered(change.doi, written) or client.get(change.doi)
    except (ApiError, DeadlineError) as exc:
        # The write landed (DataCite answered it); only the check after it could not be made (nor,
        # past the deadline, sent). The next plan reads the DOI again and says what is left to do.
        done = _done(change, record)
        updated = written.get("attributes", {}).get("updated") if isinstance(written, dict) else None
        return Outcome(change.doi, change.action, "done", f"{done}; read-back failed ({exc}): plan again to check",
                       payload_digest=digest, updated=updated)  # fmt: skip
    if item is None:
        return Outcome(change.doi, change.action, "failed", "written, but DataCite cannot show it on read-back",
                       payload_digest=digest)  # fmt: skip
    live = live_record(item)
    done = _done(change, record)
    if change.action is not Action.CREATE and change.diffs and change.event:
        done = f"updated, {done}"
    if live.state != record.state:
        message = f"DataCite ignored the {change.event or 'state'} event: the DOI is {live.state}, not {record.state}"
        return Outcome(
            change.doi, change.action, "failed", message, payload_digest=digest, updated=live.updated
        )
    fields = _field_outcomes(change, record, live)
    if any(f.result is FieldResult.NOT_APPLIED for f in fields):
        return Outcome(change.doi, change.action, "failed", f"{done}, but not every field was applied", fields,
                       digest, live.updated)  # fmt: skip
    return Outcome(change.doi, change.action, "done", done, fields, digest, live.updated)


def _answered(doi: str, written: Any) -> dict[str, Any] | None:
    """The write's answer when it is the saved record of `doi` (it then stands for a GET), else None."""
    attributes = written.get("attributes") if isinstance(written, dict) else None
    if not isinstance(attributes, dict) or "state" not in attributes:
        return None
    named = attributes.get("doi")
    return written if isinstance(named, str) and named.lower() == doi.lower() else None


def _done(change: Change, record: DesiredRecord) -> str:
    return _CREATED_AS[record.state] if change.action is Action.CREATE else _DONE[change.action]


def _field_outcomes(change: Change, record: DesiredRecord, live: LiveRecord) -> tuple[FieldOutcome, ...]:
    """Each field the change sent: applied as sent, rewritten by DataCite, or not applied at all."""
    wanted = desired_form(record)
    held = live_form(live, wanted)
    remaining = {d.pointer: d for d in diff_records(held, wanted)}
    outcomes = []
    for sent in change.diffs:
        left = [p for p in remaining if p == sent.pointer or p.startswith(sent.pointer + "/")]
        if not left:
            outcomes.append(FieldOutcome(sent.pointer, FieldResult.APPLIED))
            continue
        value = _at(held, sent.pointer)
        result = FieldResult.NOT_APPLIED if value == sent.before else FieldResult.REWRITTEN
        outcomes.append(FieldOutcome(sent.pointer, result, None if value is MISSING else value))
    return tuple(outcomes)


def _at(record: Any, pointer: str) -> Any:
    for key in pointer_tokens(pointer):
        if isinstance(record, dict) and key in record:
            record = record[key]
        elif isinstance(record, list) and key.isdigit() and int(key) < len(record):
            record = record[int(key)]
        else:
            return MISSING
    return record


def _staleness(change: Change, client: DataCiteClient) -> str | None:
    """Why a saved plan's change no longer applies, or None when the live record is as planned."""
    item = client.get(change.doi)
    current = None if item is None else fingerprint(live_record(item))
    if current == change.fingerprint:
        return None
    if item is None:
        return "the DOI no longer exists on DataCite since the plan was made; plan again"
    if change.fingerprint is None:
        return f"the DOI was created on DataCite since the plan was made{_last_activity(client, change.doi)}; plan again"
    return f"changed on DataCite since the plan was made{_last_activity(client, change.doi)}; plan again"


def _last_activity(client: DataCiteClient, doi: str) -> str:
    """` (update at 2026-03-04T10:15:02Z by example.repo)`: DataCite's newest activity of the DOI, if shown."""
    try:
        activities = parse_activities(client.activities(doi))
    except ApiError:
        return ""
    if not activities:
        return ""
    newest = activities[0]
    who = account_of(newest.by)
    by = f" by {who}" if who else ""
    return f" ({newest.action or 'changed'} at {newest.date}{by})" if newest.date or who else ""
