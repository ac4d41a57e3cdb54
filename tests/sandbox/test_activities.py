"""The sandbox's DOI activities against the reference's §13: DataCite's audit trail, quirks included.

A sandbox served over a real loopback socket and plain httpx calls, as in test_conformance.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest

from reconciler.sandbox import Client, SandboxOptions, SandboxServer
from reconciler.sandbox.audit import AUDITED

from ..helpers.sandbox_admin import admin

REPO = ("example.repo", "secret")
TOKEN = "activities-admin-token"
ADMIN = admin(TOKEN)
DOI = "10.80000/3mfp-6m52"
URL = "https://data.example.org/records/1"
FULL = {
    "creators": [{"name": "Doe, Jane", "nameType": "Personal"}],
    "titles": [{"title": "Sensor readings 2024"}],
    "publisher": "Example Repository",
    "publicationYear": 2024,
    "types": {"resourceTypeGeneral": "Dataset"},
}
# What the serializer shows for the audited columns: `publisher_obj` goes out as `publisher`.
SHOWN = {"publisher" if c == "publisher_obj" else c for c in AUDITED}
MILLISECONDS_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    accounts = [Client("EXAMPLE.REPO", "secret", ("10.80000",), ("data.example.org",))]
    with SandboxServer(
        tmp_path_factory.mktemp("sbx") / "s.sqlite", SandboxOptions(repositories=accounts), admin_token=TOKEN
    ) as srv:
        yield srv


@pytest.fixture
def api(server: SandboxServer) -> Iterator[httpx.Client]:
    httpx.post(f"{server.url}/_sandbox/reset", headers=ADMIN)
    httpx.post(
        f"{server.url}/_sandbox/config",
        json={"latency_ms": 0, "rate_limit": None, "fail_rate": 0, "index_lag": 0},
        headers=ADMIN,
    )
    with httpx.Client(base_url=server.url, auth=REPO, timeout=10) as client:
        yield client


def put(api: httpx.Client, doi: str = DOI, **attributes: Any) -> dict[str, Any]:
    """PUT (create or update) and the DOI's attributes; PUT sets schemaVersion from the start."""
    response = api.put(f"/dois/{doi}", json={"data": {"type": "dois", "attributes": attributes}})
    assert response.status_code in {200, 201}, response.text
    return dict(response.json()["data"]["attributes"])


def listed(api: httpx.Client, doi: str = DOI, **params: Any) -> dict[str, Any]:
    response = api.get(f"/dois/{doi}/activities", params=params)
    assert response.status_code == 200, response.text
    return dict(response.json())


def changes(api: httpx.Client, doi: str = DOI) -> list[dict[str, Any]]:
    """The `changes` of a DOI's activities, newest first."""
    return [item["attributes"]["changes"] for item in listed(api, doi)["data"]]


# §13.2 The activity object ------------------------------------------------------------------


def test_a_create_records_every_audited_column_under_its_db_name(api: httpx.Client) -> None:
    put(api, url=URL, **FULL, version="1.0", rightsList=[{"rights": "CC0"}])
    (item,) = listed(api)["data"]
    assert (item["type"], item["attributes"]["action"], item["attributes"]["version"]) == (
        "activities",
        "create",
        1,
    )
    created = item["attributes"]["changes"]
    assert set(created) == SHOWN  # nulls included, nothing else (no xml, no state, no publicationYear)
    assert created["doi"] == "10.80000/3MFP-6M52"  # stored upper case
    assert (created["url"], created["aasm_state"], created["source"], created["reason"]) == (
        URL,
        "draft",
        "api",
        None,
    )
    assert (created["publication_year"], created["version_info"]) == (2024, "1.0")
    assert created["rights_list"] == [{"rights": "CC0"}]
    assert created["titles"] == [{"title": "Sensor readings 2024"}]
    assert created["schema_version"] == "http://datacite.org/schema/kernel-4"
    assert created["publisher"] == "Example Repository"  # the name, by default
    assert created["contributors"] is None
    assert created["landing_page"] is None


def test_the_prov_attributes(api: httpx.Client) -> None:
    put(api, url=URL)
    (item,) = listed(api)["data"]
    attributes = item["attributes"]
    assert str(uuid.UUID(item["id"])) == item["id"]
    assert attributes["prov:wasGeneratedBy"] == f"{api.base_url}/activities/{item['id']}"
    assert attributes["prov:wasDerivedFrom"] == "https://doi.org/10.80000/3mfp-6m52"
    assert attributes["prov:wasAttributedTo"] == f"{api.base_url}/repositories/example.repo"
    assert MILLISECONDS_Z.match(attributes["prov:generatedAtTime"])
    assert list(attributes) == [
        "prov:wasGeneratedBy", "prov:generatedAtTime", "prov:wasDerivedFrom", "prov:wasAttributedTo",
        "action", "version", "changes",
    ]  # fmt: skip
    assert "relationships" not in item


def test_an_account_without_a_dot_is_a_provider(api: httpx.Client) -> None:
    spec = {"id": "member", "password": "pw", "prefixes": ["10.80007"]}
    assert httpx.post(f"{api.base_url}/_sandbox/repositories", json=spec, headers=ADMIN).status_code == 201
    response = httpx.put(
        f"{api.base_url}/dois/10.80007/abc", json={"data": {"attributes": {}}}, auth=("member", "pw")
    )
    assert response.status_code == 201, response.text
    (item,) = listed(api, "10.80007/abc")["data"]
    assert item["attributes"]["prov:wasAttributedTo"] == f"{api.base_url}/providers/member"


def test_seeded_dois_are_attributed_to_no_account(api: httpx.Client) -> None:
    record = {"doi": DOI, "client": "EXAMPLE.REPO", "attributes": {"titles": [{"title": "Seeded"}]}}
    assert httpx.post(f"{api.base_url}/_sandbox/seed", json=[record], headers=ADMIN).status_code == 200
    (item,) = listed(api)["data"]
    assert (item["attributes"]["action"], item["attributes"]["prov:wasAttributedTo"]) == ("create", None)
    assert item["attributes"]["changes"]["titles"] == [{"title": "Seeded"}]


def test_an_update_records_only_what_changed_as_whole_old_and_new_values(api: httpx.Client) -> None:
    put(api, url=URL, **FULL)
    put(api, titles=[{"title": "Sensor readings 2025"}, {"title": "Sub", "titleType": "Subtitle"}])
    newest = listed(api)["data"][0]["attributes"]
    assert (newest["action"], newest["version"]) == ("update", 2)
    assert newest["changes"] == {
        "titles": [
            [{"title": "Sensor readings 2024"}],
            [{"title": "Sensor readings 2025"}, {"title": "Sub", "titleType": "Subtitle"}],
        ]
    }


def test_rest_names_become_column_names(api: httpx.Client) -> None:
    put(api, url=URL, **FULL)
    put(api, publicationYear=2025, relatedIdentifiers=[{"relatedIdentifier": "10.1/x", "relatedIdentifierType": "DOI",
                                                        "relationType": "IsCitedBy"}])  # fmt: skip
    assert set(changes(api)[0]) == {"publication_year", "related_identifiers"}
    assert changes(api)[0]["publication_year"] == [2024, 2025]


def test_a_save_that_changes_no_audited_column_writes_no_activity(api: httpx.Client) -> None:
    first = put(api, url=URL, **FULL)
    second = put(api, url=URL, **FULL)  # the same again
    assert second["updated"] >= first["updated"]
    assert len(listed(api)["data"]) == 1


def test_publishing_is_an_aasm_state_change(api: httpx.Client) -> None:
    put(api, url=URL, **FULL)
    put(api, event="publish")
    assert changes(api)[0] == {"aasm_state": ["draft", "findable"]}
    put(api, event="hide")
    assert changes(api)[0] == {"aasm_state": ["findable", "registered"]}


def test_source_is_audited(api: httpx.Client) -> None:
    put(api, url=URL)
    put(api, source="fabricaForm")
    assert changes(api)[0] == {"source": ["api", "fabricaForm"]}
    put(api, source="mds", titles=[{"title": "T"}])
    assert changes(api)[0] == {"titles": [None, [{"title": "T"}]], "source": ["fabricaForm", "mds"]}
    put(api, titles=[{"title": "U"}])  # no source sent: it stays, and is no change
    assert "source" not in changes(api)[0]


def test_publisher_is_the_name_or_with_publisher_true_the_object(api: httpx.Client) -> None:
    put(api, url=URL, **FULL)
    put(api, publisher={"name": "Other Repository", "publisherIdentifier": "https://ror.org/04wxnsj81"})
    update, create = listed(api)["data"]
    assert update["attributes"]["changes"] == {"publisher": ["Example Repository", "Other Repository"]}
    assert create["attributes"]["changes"]["publisher"] == "Example Repository"
    update, create = listed(api, publisher="true")["data"]
    assert update["attributes"]["changes"]["publisher"] == [
        {"name": "Example Repository"},
        {"name": "Other Repository", "publisherIdentifier": "https://ror.org/04wxnsj81"},
    ]
    assert create["attributes"]["changes"]["publisher"] == {"name": "Example Repository"}


def test_versions_count_up_from_the_create(api: httpx.Client) -> None:
    put(api, url=URL)
    for n in range(3):
        put(api, titles=[{"title": f"T{n}"}])
    items = listed(api)["data"]
    assert [i["attributes"]["version"] for i in items] == [4, 3, 2, 1]
    assert [i["attributes"]["action"] for i in items] == ["update", "update", "update", "create"]
    times = [datetime.fromisoformat(i["attributes"]["prov:generatedAtTime"]) for i in items]
    assert times == sorted(times, reverse=True)


# §13.1 Endpoints, auth ------------------------------------------------------------------------


def test_anyone_reads_a_drafts_activities(api: httpx.Client) -> None:
    put(api, url=URL, titles=[{"title": "Unpublished"}])
    assert httpx.get(f"{api.base_url}/dois/{DOI}").status_code == 404  # the draft itself is hidden
    for auth in (None, ("example.repo", "wrong")):
        response = httpx.get(f"{api.base_url}/dois/{DOI}/activities", auth=auth)
        assert response.status_code == 200
        assert response.json()["data"][0]["attributes"]["changes"]["titles"] == [{"title": "Unpublished"}]


def test_an_upper_case_doi_in_the_path_matches_nothing(api: httpx.Client) -> None:
    put(api, url=URL)
    assert len(listed(api, "10.80000/3mfp-6m52")["data"]) == 1
    upper = listed(api, "10.80000/3MFP-6M52")
    assert (upper["data"], upper["meta"]["total"]) == ([], 0)


def test_an_unknown_doi_has_an_empty_list(api: httpx.Client) -> None:
    unknown = listed(api, "10.80000/none")
    assert (unknown["data"], unknown["meta"]) == ([], {"total": 0, "totalPages": 0, "page": 1})
    assert "next" not in unknown["links"]


def test_deleting_a_draft_deletes_its_activities(api: httpx.Client) -> None:
    put(api, url=URL)
    put(api, titles=[{"title": "T"}])
    old = listed(api)["data"][0]["id"]
    assert api.delete(f"/dois/{DOI}").status_code == 204
    assert listed(api)["data"] == []
    assert api.get(f"/activities/{old}").status_code == 404
    put(api, url=URL)  # created again: a new history, from version 1
    assert [i["attributes"]["version"] for i in listed(api)["data"]] == [1]


def test_one_activity_by_id(api: httpx.Client) -> None:
    put(api, url=URL)
    put(api, titles=[{"title": "T"}])
    item = listed(api)["data"][0]
    response = httpx.get(f"{api.base_url}/activities/{item['id']}")  # no credentials either
    assert (response.status_code, response.json()) == (200, {"data": item})
    missing = httpx.get(f"{api.base_url}/activities/{uuid.uuid4()}")
    assert (missing.status_code, missing.json()["errors"][0]["status"]) == (404, "404")


def test_activities_filtered_by_datacite_doi_id(api: httpx.Client) -> None:
    put(api, url=URL)
    put(api, "10.80000/second", url=URL)
    put(api, "10.80000/third", url=URL)

    def dois(**params: str) -> list[str]:
        response = api.get("/activities", params=params)
        assert response.status_code == 200
        return sorted(
            i["attributes"]["prov:wasDerivedFrom"].rsplit("/", 1)[1] for i in response.json()["data"]
        )

    assert dois(**{"datacite-doi-id": "10.80000/second"}) == ["second"]
    assert dois(**{"datacite-doi-id": f"{DOI},10.80000/third"}) == ["3mfp-6m52", "third"]
    assert dois(**{"datacite-doi-id": "10.80000/SECOND"}) == []
    assert dois() == ["3mfp-6m52", "second", "third"]  # no filter: every activity
    assert dois(id=DOI) == []  # lupo's id/ids search a field activities lack


def test_a_query_is_refused_rather_than_ignored(api: httpx.Client) -> None:
    put(api, url=URL)
    response = api.get("/activities", params={"query": "titles"})
    assert response.status_code == 400
    assert "query" in response.json()["errors"]["title"]


# §13.1 Paging and sorting --------------------------------------------------------------------


def test_pages_of_25_newest_first_by_default(api: httpx.Client) -> None:
    put(api, url=URL)
    for n in range(25):
        put(api, titles=[{"title": f"T{n}"}])
    first = listed(api)
    assert [i["attributes"]["version"] for i in first["data"]] == list(range(26, 1, -1))
    assert first["meta"] == {"total": 26, "totalPages": 2, "page": 1}
    second = listed(api, **{"page[number]": 2})
    assert [i["attributes"]["version"] for i in second["data"]] == [1]
    assert second["meta"]["page"] == 2
    assert "next" not in second["links"]


def test_links_next_drops_the_doi_filter(api: httpx.Client) -> None:
    """DataCite bug datacite/datacite#2045: `next` points at the global /activities list."""
    put(api, url=URL)
    put(api, "10.80000/other", url=URL)
    put(api, titles=[{"title": "T"}])
    page = listed(api, **{"page[size]": 1})
    assert page["links"] == {
        "self": f"{api.base_url}/dois/{DOI}/activities?page%5Bsize%5D=1",
        "next": f"{api.base_url}/activities?page%5Bnumber%5D=2&page%5Bsize%5D=1",
    }
    following = api.get(page["links"]["next"]).json()
    # Page 2 of every activity: another DOI's create, not this DOI's.
    (item,) = following["data"]
    assert item["attributes"]["prov:wasDerivedFrom"] == "https://doi.org/10.80000/other"
    assert following["meta"] == {"total": 3, "totalPages": 3, "page": 2}
    # Built by hand, this DOI's own page 2 holds its create.
    (own,) = listed(api, **{"page[size]": 1, "page[number]": 2})["data"]
    assert (own["attributes"]["action"], own["attributes"]["prov:wasDerivedFrom"]) == (
        "create",
        f"https://doi.org/{DOI}",
    )
    by_age = listed(api, **{"page[size]": 1, "sort": "created"})
    assert (
        by_age["links"]["next"]
        == f"{api.base_url}/activities?page%5Bnumber%5D=2&page%5Bsize%5D=1&sort=created"
    )


def test_sort_created_is_oldest_first(api: httpx.Client) -> None:
    put(api, url=URL)
    put(api, titles=[{"title": "T"}])
    put(api, titles=[{"title": "U"}])
    assert [i["attributes"]["version"] for i in listed(api, sort="created")["data"]] == [1, 2, 3]
    assert [i["attributes"]["version"] for i in listed(api, sort="-created")["data"]] == [3, 2, 1]


def test_page_size_and_number_are_clamped(api: httpx.Client) -> None:
    put(api, url=URL)
    page = listed(api, **{"page[size]": 5000, "page[number]": 99})
    # At most 1000 a page, and page × size stops at 10,000: page 10 is as far as it goes.
    assert page["meta"] == {"total": 1, "totalPages": 1, "page": 10}
    assert listed(api, **{"page[number]": 0})["meta"]["page"] == 1


def test_cursor_pages_walk_oldest_first(api: httpx.Client) -> None:
    put(api, url=URL)
    for n in range(4):
        put(api, titles=[{"title": f"T{n}"}])
    seen: list[dict[str, Any]] = []
    page = listed(api, **{"page[cursor]": "1", "page[size]": 2})  # "1" decodes to nothing: from the start
    assert page["meta"] == {"total": 5, "totalPages": 3}  # no page number in cursor mode
    while "next" in page["links"]:
        seen += page["data"]
        assert page["links"]["next"].startswith(f"{api.base_url}/activities?page%5Bcursor%5D=")
        page = api.get(page["links"]["next"]).json()
    seen += page["data"]
    assert sorted(i["attributes"]["version"] for i in seen) == [1, 2, 3, 4, 5]
    # Oldest first by time (within one millisecond by id, as DataCite's index sorts).
    times = [datetime.fromisoformat(i["attributes"]["prov:generatedAtTime"]) for i in seen]
    assert times == sorted(times)


def test_activity_reads_are_counted_as_one_route(api: httpx.Client, server: SandboxServer) -> None:
    put(api, url=URL)
    listed(api)
    listed(api, "10.80000/none")
    stats = httpx.get(f"{server.url}/_sandbox/stats", headers=ADMIN).json()
    assert stats["requests"]["GET /dois/{doi}/activities"] == 2
