"""`doiac validate` and the sandbox agree, record by record: a registered or findable record with one
fault is refused by both (an error offline, a 422 from the sandbox's XSD and API checks), and the
same record without the fault is accepted by both. Hypothesis draws the base record, the fault and
the state; the faults are the XSD rows of the rule table and the sandbox's own single-fault list.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.core.rules import RuleContext, run_record_rules
from reconciler.model import Repository, Severity
from reconciler.sandbox import Client, SandboxOptions, SandboxServer
from reconciler.schemas import check_schema

from .conftest import REFERENCE
from .helpers.datacite_xml import xml_to_doi_file
from .helpers.sandbox_admin import admin
from .sandbox.test_xml import FAULTS
from .test_rule_table import BASE, DROP, ROWS

TOKEN = "agreement-token"
REPO = Repository("EXAMPLE.REPO", ("10.80000",), "dois/", "DATACITE_PASSWORD", ("*",))
FULL_EXAMPLE = REFERENCE / "datacite-schema" / "kernel-4.7" / "example" / "datacite-example-full-v4.xml"


def _bases() -> list[dict[str, Any]]:
    bases = [dict(BASE)]
    if FULL_EXAMPLE.exists():  # DataCite's full example, every property set
        full = xml_to_doi_file(FULL_EXAMPLE, url="https://data.example.org/records/1")
        bases.append({**full, "doi": BASE["doi"], "state": "findable"})
    return bases


BASES = _bases()
# (name, fragment): each breaks one thing the XSD or DataCite's API refuses; None removes a key.
SINGLE_FAULTS: list[tuple[str, dict[str, Any]]] = [
    *((f"rule table: {row.source}", row.bad) for row in ROWS if row.level == "xsd" and row.rule == "schema"
      and "doi" not in row.bad and "state" not in row.bad),
    *((f"sandbox: {name}", fault) for name, fault, _ in FAULTS),
    ("rights over 2,000 characters", {"rightsList": [{"rights": "r" * 2001}]}),
]  # fmt: skip


def _apply(base: dict[str, Any], fragment: dict[str, Any], state: str) -> dict[str, Any]:
    record = copy.deepcopy(base)
    for key, value in fragment.items():
        if value is DROP or value is None:
            record.pop(key, None)
        else:
            record[key] = copy.deepcopy(value)
    record["state"] = state
    return record


def offline_refuses(record: dict[str, Any]) -> list[str]:
    """The errors `doiac validate` finds in the record (schema, then the record rules)."""
    found = list(check_schema("doi", record))
    if not found:
        found += run_record_rules(record, RuleContext("dois/10.80000/3mfp-6m52.yaml", REPO))
    return [f"{d.pointer}: {d.message}" for d in found if d.severity is Severity.ERROR]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    accounts = [Client("EXAMPLE.REPO", "secret", ("10.80000",))]
    path = tmp_path_factory.mktemp("agree") / "s.sqlite"
    with SandboxServer(path, SandboxOptions(repositories=accounts), admin_token=TOKEN) as srv:
        yield srv


def sandbox_refuses(server: SandboxServer, record: dict[str, Any]) -> tuple[int, Any]:
    """Create the record as a draft, then PUT it with its state's event: DataCite's full check runs."""
    httpx.post(f"{server.url}/_sandbox/reset", headers=admin(TOKEN), timeout=30)
    attributes = {k: v for k, v in record.items() if k not in {"state"}}
    event = {"findable": "publish", "registered": "register"}[record["state"]]
    with httpx.Client(base_url=server.url, auth=("EXAMPLE.REPO", "secret"), timeout=30) as api:
        created = api.post("/dois", json={"data": {"type": "dois", "attributes": {"doi": record["doi"]}}})
        assert created.status_code == 201, created.text
        answer = api.put(
            f"/dois/{record['doi']}",
            json={"data": {"type": "dois", "attributes": {**attributes, "event": event}}},
        )
    return answer.status_code, answer.json()


@pytest.mark.parametrize("base", range(len(BASES)), ids=["minimal", "full example"][: len(BASES)])
def test_every_base_is_accepted_by_both(server: SandboxServer, base: int) -> None:
    for state in ("findable", "registered"):
        record = _apply(BASES[base], {}, state)
        assert offline_refuses(record) == []
        assert sandbox_refuses(server, record)[0] == 200


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    base=st.sampled_from(range(len(BASES))),
    fault=st.sampled_from(SINGLE_FAULTS),
    state=st.sampled_from(["findable", "registered"]),
)
def test_one_fault_is_refused_by_both(
    server: SandboxServer, base: int, fault: tuple[str, dict[str, Any]], state: str
) -> None:
    name, fragment = fault
    record = _apply(BASES[base], fragment, state)
    offline = offline_refuses(record)
    status, answer = sandbox_refuses(server, record)
    assert bool(offline) == (status == 422), (
        f"{name}: validate {offline or 'accepts'}, sandbox {status} {answer}"
    )
    assert offline, name  # every fault is one DataCite refuses


def test_the_faults_cover_every_xsd_row_of_the_rule_table() -> None:
    xsd_rows = [row for row in ROWS if row.level == "xsd" and row.rule == "schema"]
    kept = [row for row in xsd_rows if "doi" not in row.bad and "state" not in row.bad]
    assert len(kept) == len(xsd_rows) - 2  # the DOI and the state are not metadata: sent differently
