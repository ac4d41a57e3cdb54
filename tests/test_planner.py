"""make_plan and its helpers as pure functions: values in, a Plan out."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from reconciler.core.compare import desired_digest, digest, fingerprint, is_in_sync
from reconciler.core.payload import payload_digest, request_attributes
from reconciler.core.planner import confirmations, make_change, make_plan, plan_listed, replan
from reconciler.model import (
    MISSING,
    Action,
    Config,
    DesiredRecord,
    FieldDiff,
    LiveRecord,
    Repository,
    Severity,
)

from .conftest import METADATA

REPO = Repository("EXAMPLE.REPO", ("10.80000",), "dois/", "DATACITE_PASSWORD")
CONFIG = Config("doiac.yaml", repositories=(REPO,))
META: dict[str, Any] = METADATA


def desired(doi: str = "10.80000/a", state: str = "findable", **attributes: Any) -> DesiredRecord:
    return DesiredRecord(
        doi, state, "https://data.example.org/a", {**META, **attributes}, f"dois/{doi}.yaml", REPO.id
    )


def live(
    doi: str = "10.80000/a", state: str = "findable", repository: str = REPO.id, **attributes: Any
) -> LiveRecord:
    served = {**META, "publisher": "P", "types": {"resourceTypeGeneral": "Dataset", "schemaOrg": "Dataset"},
              "created": "2024-01-01T00:00:00.000Z", **attributes}  # fmt: skip
    return LiveRecord(
        doi, state, "https://data.example.org/a", served, repository, "2024-01-02T00:00:00.000Z"
    )


def test_in_sync_is_no_change() -> None:
    plan = make_plan([desired()], {"10.80000/a": live()}, CONFIG)
    assert (plan.changes, plan.unchanged, plan.problems, plan.has_changes) == ((), 1, (), False)


def test_fingerprint_ignores_updated_but_not_metadata() -> None:
    base = live()
    assert fingerprint(base) == fingerprint(dataclasses.replace(base, updated="2030-01-01T00:00:00.000Z"))
    assert fingerprint(base) != fingerprint(live(titles=[{"title": "U"}]))
    assert fingerprint(base) != fingerprint(live(state="registered"))


def test_desired_digest_is_the_digest_of_the_sorted_rows_hashed_row_by_row() -> None:
    """Saved plans made before the digest was streamed still match: the digest is the same value."""
    records = [
        desired(),
        desired(doi="10.80000/aaaa-0000", titles=[{"title": "Ü ✓"}]),
        desired(state="draft"),
    ]
    rows = sorted((r.doi, r.state, r.url, r.repository, r.attributes) for r in records)
    assert desired_digest(records) == digest(rows)
    assert desired_digest([]) == digest([])


@pytest.mark.parametrize("listed", [0, 2, 3, 5], ids=["none", "fewer", "as-many", "more"])
def test_a_listed_plan_hashes_the_desired_records_as_it_lists_and_gives_the_same_digest(listed: int) -> None:
    """One record hashed per DOI listed, the rest at the end: the digest whatever the list's length."""
    records = [desired(f"10.80000/{n}", titles=[{"title": f"T{n}"}]) for n in range(3)]
    shown = [live(f"10.80000/{n}", titles=[{"title": f"T{n}"}]) for n in range(listed)]
    plan = plan_listed(records, shown, CONFIG)
    assert plan.desired_digest == desired_digest(records) == desired_digest(reversed(records))
    unhashed = plan_listed(records, shown, CONFIG, digest=False)
    assert unhashed == dataclasses.replace(plan, desired_digest="")


def test_desired_digest_moves_with_any_record() -> None:
    assert desired_digest([desired()]) == desired_digest([desired()])
    assert desired_digest([desired()]) != desired_digest([desired(titles=[{"title": "U"}])])
    assert desired_digest([desired()]) != desired_digest([desired(state="registered")])


@pytest.mark.parametrize(
    ("record", "current", "message", "severity"),
    [
        (desired("10.99999/a"), None, "prefix 10.99999 is not one of EXAMPLE.REPO's prefixes", Severity.ERROR),
        (desired(), live(repository="OTHER.REPO"), "lives in repository account OTHER.REPO", Severity.ERROR),
        (desired(state="draft"), live(state="registered"), "registered → draft is impossible", Severity.ERROR),
        (desired("10.80000/a+b"), None, "DataCite refuses this DOI on create (422)", Severity.ERROR),
    ],
    ids=["prefix", "other-account", "back-to-draft", "create-refused-characters"],
)  # fmt: skip
def test_problems(
    record: DesiredRecord, current: LiveRecord | None, message: str, severity: Severity
) -> None:
    plan = make_plan([record], {record.doi: current} if current else {}, CONFIG)
    [problem] = plan.problems
    assert (problem.severity, message in problem.message, plan.changes, plan.is_applyable) == (
        severity,
        True,
        (),
        False,
    )


def test_an_existing_doi_with_old_characters_is_updated() -> None:
    plan = make_plan(
        [desired("10.80000/a+b", titles=[{"title": "New"}])], {"10.80000/a+b": live("10.80000/a+b")}, CONFIG
    )
    assert plan.problems == ()
    assert [c.action for c in plan.changes] == [Action.UPDATE]


def test_anonymous_repository_does_not_plan_creates() -> None:
    plan = make_plan([desired()], {}, CONFIG, anonymous=frozenset([REPO.id]))
    assert plan.changes == ()
    assert plan.is_applyable
    assert plan.problems[0].severity is Severity.WARNING


def test_targets_skip_other_dois_and_unmanaged() -> None:
    records = [desired("10.80000/a"), desired("10.80000/b")]
    current = {"10.80000/z": live("10.80000/z")}
    plan = make_plan(records, current, CONFIG, targets=frozenset(["10.80000/b"]))
    assert [c.doi for c in plan.changes] == ["10.80000/b"]
    assert plan.unmanaged == ()


def test_unmanaged_of_unmanaged_accounts_are_not_reported() -> None:
    plan = make_plan([], {"10.80001/z": live("10.80001/z", repository="SOMEONE.ELSE")}, CONFIG)
    assert (plan.unmanaged, plan.changes) == ((), ())


def test_deletions_come_last() -> None:
    config = dataclasses.replace(CONFIG, prune_drafts=True)
    plan = make_plan([desired("10.80000/z")], {"10.80000/a": live("10.80000/a", state="draft")}, config)
    assert [(c.doi, c.action) for c in plan.changes] == [
        ("10.80000/z", Action.CREATE),
        ("10.80000/a", Action.DELETE),
    ]
    assert plan.count(Action.DELETE) == 1


def test_update_with_event_is_one_change() -> None:
    change = make_change(desired(titles=[{"title": "U"}]), live(state="registered"))
    assert change is not None
    assert (change.action, change.event, change.diffs) == (
        Action.PUBLISH, "publish", (FieldDiff("/titles/0/title", "T", "U"),)
    )  # fmt: skip
    assert is_in_sync(desired(), live())


def test_notes_only_for_the_fields_that_change() -> None:
    change = make_change(desired(language="en-US", titles=[{"title": "U"}]), live(language="en"))
    assert change is not None
    assert change.notes == ()
    change = make_change(desired(language="de-CH"), live(language="en"))
    assert change is not None
    assert change.notes == ("DataCite will store language 'de-CH' as 'de'",)


@pytest.mark.parametrize(
    ("record", "current", "expected"),
    [
        (desired(), None, {"doi": "10.80000/a", **META, "url": "https://data.example.org/a", "event": "publish"}),
        (desired(titles=[{"title": "U"}]), live(), {"titles": [{"title": "U"}]}),
        (desired(), live(subjects=[{"subject": "s"}]), {"subjects": None}),
        (desired().replace(url="https://data.example.org/b"), live(state="registered"),
         {"url": "https://data.example.org/b", "event": "publish"}),
        (desired(state="registered"), live(), {"event": "hide"}),
    ],
    ids=["create", "update", "clear", "url-and-event", "event-only"],
)  # fmt: skip
def test_request_attributes(
    record: DesiredRecord, current: LiveRecord | None, expected: dict[str, Any]
) -> None:
    change = make_change(record, current)
    assert change is not None
    # Every write names doiac as its source, which DataCite records in the DOI's activities.
    assert request_attributes(change, record) == {**expected, "source": "doiac"}
    assert payload_digest(expected).startswith("sha256:")


def test_create_diffs_are_whole_attributes() -> None:
    change = make_change(desired(), None)
    assert change is not None
    assert FieldDiff("/publisher", MISSING, {"name": "P"}) in change.diffs
    assert change.is_one_way


def test_an_update_of_what_a_citation_shows_carries_both_sides() -> None:
    change = make_change(desired(publicationYear=2025), live())
    assert change is not None
    assert change.cited is not None
    before, after = change.cited
    assert (before["publicationYear"], after["publicationYear"], after["publisher"]) == (
        2024,
        2025,
        {"name": "P"},
    )
    other = make_change(desired(version="2"), live())
    assert other is not None
    assert other.cited is None


def _world() -> tuple[list[DesiredRecord], dict[str, LiveRecord], Config]:
    """Desired DOIs in every situation a lagging list can show, and the list as it showed them."""
    records = [
        desired("10.80000/same"),
        desired("10.80000/listed-old", titles=[{"title": "New"}]),
        desired("10.80000/listed-stale"),
        desired("10.80000/unlisted"),
        desired("10.80000/missing"),
        desired("10.80000/draft-now", state="registered"),
        desired("10.80001/wrong-prefix"),
    ]
    listed = {
        "10.80000/same": live("10.80000/same"),
        "10.80000/listed-old": live("10.80000/listed-old"),
        "10.80000/listed-stale": live("10.80000/listed-stale", titles=[{"title": "Old"}]),
        "10.80000/draft-now": live("10.80000/draft-now", state="draft"),
        "10.80000/gone-draft": live("10.80000/gone-draft", state="draft"),
        "10.80000/published-draft": live("10.80000/published-draft", state="draft"),
        "10.80000/kept": live("10.80000/kept", state="registered"),
    }
    config = dataclasses.replace(CONFIG, prune_drafts=True, unmanaged="error")
    return records, listed, config


def test_replan_with_single_reads_equals_planning_from_them() -> None:
    records, listed, config = _world()
    first = make_plan(records, listed, config)
    jobs = confirmations(first, records)
    assert [doi for _, doi in jobs] == sorted(
        ["10.80000/listed-old", "10.80000/listed-stale", "10.80000/unlisted", "10.80000/missing",
         "10.80000/draft-now", "10.80001/wrong-prefix", "10.80000/gone-draft", "10.80000/published-draft"]
    )  # fmt: skip
    assert {repo for repo, _ in jobs} == {REPO.id}
    fresh: dict[str, LiveRecord | None] = {doi: listed.get(doi) for _, doi in jobs}
    fresh["10.80000/listed-stale"] = live("10.80000/listed-stale")  # the list lagged: it is in sync
    fresh["10.80000/unlisted"] = live("10.80000/unlisted", state="registered")  # not indexed yet
    fresh["10.80000/gone-draft"] = None  # deleted since the list was built
    fresh["10.80000/published-draft"] = live("10.80000/published-draft")  # published since
    fresh["10.80000/same"] = live("10.80000/same", titles=[{"title": "Edited in Fabrica"}])
    truth = {**listed, **{d: r for d, r in fresh.items() if r is not None}}
    truth.pop("10.80000/gone-draft")
    assert replan(first, records, fresh, config) == make_plan(records, truth, config)


def test_planning_the_list_as_it_arrives_equals_planning_it_whole() -> None:
    records, listed, config = _world()
    whole = make_plan(records, listed, config)
    pages = reversed(list(listed.values()))  # any order: the plan sorts what it keeps
    assert plan_listed(records, pages, config) == whole
    anonymous = frozenset([REPO.id])
    assert plan_listed(records, iter(listed.values()), config, anonymous=anonymous) == make_plan(
        records, listed, config, anonymous=anonymous
    )


def test_planning_the_list_keeps_no_doi_in_sync_and_takes_a_doi_once() -> None:
    seen: list[str] = []

    def pages() -> Any:
        for record in (
            live("10.80000/a"),
            live("10.80000/a", titles=[{"title": "later"}]),
            live("10.80000/b"),
        ):
            seen.append(record.doi)
            yield record

    plan = plan_listed([desired("10.80000/a"), desired("10.80000/c")], pages(), CONFIG)
    assert seen == ["10.80000/a", "10.80000/a", "10.80000/b"]  # walked once, lazily
    assert [(c.doi, c.action) for c in plan.changes] == [("10.80000/c", Action.CREATE)]
    assert plan.unchanged == 1  # the first listing of a counts
    assert [u.doi for u in plan.unmanaged] == ["10.80000/b"]


def test_replan_of_nothing_is_the_plan() -> None:
    records, listed, config = _world()
    first = make_plan(records, listed, config)
    assert replan(first, records, {}, config) == first


def test_the_planner_takes_no_comparison_results() -> None:
    """The planner compares: no caller can hand it a verdict it would have to trust."""
    import inspect

    for function in (make_plan, replan):
        assert "in_sync" not in inspect.signature(function).parameters
