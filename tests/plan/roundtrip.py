"""Round trips through the sandbox: records created over the API as another client would, then planned."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reconciler.commands.plan import plan_live
from reconciler.datacite import DataCiteClient
from reconciler.model import Config, DesiredRecord, Plan
from reconciler.sandbox import Client, SandboxOptions, SandboxServer

PASSWORD = "s3cret-roundtrip"
CREATE_EVENTS = {"draft": None, "registered": "register", "findable": "publish"}


def create_payload(record: DesiredRecord) -> dict[str, Any]:
    """What another DataCite client would POST for this record: metadata, doi, url and event."""
    payload: dict[str, Any] = {"doi": record.doi, **record.attributes}
    if record.url:
        payload["url"] = record.url
    if CREATE_EVENTS[record.state]:
        payload["event"] = CREATE_EVENTS[record.state]
    return payload


@contextmanager
def sandbox(
    tmp: Path, config: Config, *, options: SandboxOptions | None = None
) -> Iterator[tuple[SandboxServer, dict[str, DataCiteClient]]]:
    """A loopback sandbox with the config's repository accounts, and one client for each."""
    accounts = [Client(r.id.upper(), PASSWORD, r.prefixes, r.domains or ("*",)) for r in config.repositories]
    base = options or SandboxOptions()
    options = SandboxOptions(
        base.latency_ms, base.rate_limit, base.fail_rate, base.index_lag, base.seed, accounts
    )
    with SandboxServer(tmp / "sandbox.sqlite", options) as server:
        clients = {r.id: DataCiteClient(server.url, r.id, PASSWORD) for r in config.repositories}
        try:
            yield server, clients
        finally:
            for client in clients.values():
                client.close()


def create_all(clients: dict[str, DataCiteClient], records: Sequence[DesiredRecord]) -> list[DesiredRecord]:
    """POST every record; fail loudly with DataCite's errors if the sandbox refuses one.

    Returns the records whose DOI DataCite refuses for new DOIs (older DOIs may hold characters
    such as `+`): they cannot be created, only have existed.
    """
    refused = []
    for record in records:
        status, body = clients[record.repository].create(create_payload(record))
        if status == 422 and body == [{"source": "doi", "title": "Is invalid", "uid": record.doi}]:
            refused.append(record)
            continue
        assert status == 201, (record.path, body)
    return refused


def plan_against(
    clients: dict[str, DataCiteClient], records: Sequence[DesiredRecord], config: Config
) -> tuple[Plan, int]:
    """(the plan, requests it took) for `records` against what the sandbox holds."""
    before = sum(c.requests for c in clients.values())
    plan = plan_live(clients, records, config)
    return plan, sum(c.requests for c in clients.values()) - before


def describe(plan: Plan) -> list[str]:
    """A plan's changes as short lines, for assertion messages."""
    return [
        f"{c.doi} {c.action.value} {[(d.pointer, d.before, d.after) for d in c.diffs][:5]}"
        for c in plan.changes
    ]
