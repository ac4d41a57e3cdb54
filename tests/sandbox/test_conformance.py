"""The sandbox against the DataCite REST API reference, section by section.

Every test talks to a sandbox served over a real loopback socket, with plain httpx calls (not the
reconciler's client), and checks one fact the reference records with evidence.
"""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from reconciler.core.suffix import is_opaque_suffix
from reconciler.sandbox import Client, SandboxOptions, SandboxServer

from ..helpers.sandbox_admin import admin

REPO = ("example.repo", "secret")
OTHER = ("other.repo", "secret2")
TOKEN = "conformance-admin-token"
ADMIN = admin(TOKEN)
URL = "https://data.example.org/records/1"
FULL = {
    "creators": [
        {"name": "Doe, Jane", "nameType": "Personal", "affiliation": [{"name": "Example University"}]}
    ],
    "titles": [{"title": "Sensor readings 2024"}],
    "publisher": "Example Repository",
    "publicationYear": 2024,
    "types": {"resourceTypeGeneral": "Dataset"},
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    accounts = [
        Client("EXAMPLE.REPO", "secret", ("10.80000", "10.80001"), ("data.example.org", "*.example.org")),
        Client("OTHER.REPO", "secret2", ("10.80002",)),
    ]
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


def body(attributes: dict[str, Any]) -> dict[str, Any]:
    return {"data": {"type": "dois", "attributes": attributes}}


def create(api: httpx.Client, doi: str = "10.80000/3mfp-6m52", **attributes: Any) -> dict[str, Any]:
    response = api.post("/dois", json=body({"doi": doi, **attributes}))
    assert response.status_code == 201, response.text
    return dict(response.json()["data"])


def attrs(response: httpx.Response) -> dict[str, Any]:
    return dict(response.json()["data"]["attributes"])


# §1 Endpoints ------------------------------------------------------------------------------


def test_heartbeat(api: httpx.Client) -> None:
    response = httpx.get(f"{api.base_url}/heartbeat")
    assert (response.status_code, response.text) == (200, "OK")


def test_get_one_accepts_slash_or_escaped_slash_and_any_case(api: httpx.Client) -> None:
    create(api)
    assert api.get("/dois/10.80000/3mfp-6m52").status_code == 200
    assert api.get("/dois/10.80000%2F3mfp-6m52").status_code == 200
    assert api.get("/dois/10.80000/3MFP-6M52").json()["data"]["id"] == "10.80000/3mfp-6m52"


def test_put_creates_when_missing_201_then_updates_200(api: httpx.Client) -> None:
    assert api.put("/dois/10.80000/xdwt-5h08", json=body({})).status_code == 201
    assert api.put("/dois/10.80000/xdwt-5h08", json=body({"titles": [{"title": "T"}]})).status_code == 200


def test_patch_is_put(api: httpx.Client) -> None:
    create(api)
    response = api.patch("/dois/10.80000/3mfp-6m52", json=body({"titles": [{"title": "T"}]}))
    assert (response.status_code, attrs(response)["titles"]) == (200, [{"title": "T"}])


def test_random_suffixes(api: httpx.Client) -> None:
    dois = api.get("/dois/random", params={"prefix": "10.80000", "number": 3}).json()["dois"]
    assert len(dois) == 3
    assert all(d.startswith("10.80000/") and is_opaque_suffix(d.split("/", 1)[1]) for d in dois)


def test_random_needs_a_prefix(api: httpx.Client) -> None:
    assert api.get("/dois/random").status_code == 422


def test_validate_endpoint_answers_200_with_errors(api: httpx.Client) -> None:
    response = api.post("/dois/validate", json=body({"doi": "10.80000/abc", "event": "publish"}))
    assert response.status_code == 200
    # /dois/validate runs the XSD checks (reference §3.2): one error per element the XSD names, the
    # missing resourceType under the root (`resource` → `xml`, as lupo maps it).
    sources = [e["source"] for e in response.json()["errors"]]
    assert sources == ["url", "creators", "titles", "publisher", "publication_year", "xml"]


def test_validate_endpoint_does_not_save(api: httpx.Client) -> None:
    response = api.post(
        "/dois/validate", json=body({"doi": "10.80000/abc", "url": URL, "event": "publish", **FULL})
    )
    assert response.json()["data"]["attributes"]["state"] == "findable"
    assert api.get("/dois/10.80000/abc").status_code == 404


def test_activities_record_who_what_and_changes(api: httpx.Client) -> None:
    create(api)
    api.put("/dois/10.80000/3mfp-6m52", json=body({"titles": [{"title": "New"}]}))
    items = api.get("/dois/10.80000/3mfp-6m52/activities").json()["data"]  # newest first (§13.1)
    assert [i["attributes"]["action"] for i in items] == ["update", "create"]
    assert items[0]["attributes"]["prov:wasAttributedTo"] == f"{api.base_url}/repositories/example.repo"
    assert items[0]["attributes"]["changes"]["titles"] == [None, [{"title": "New"}]]


# §1.2 Visibility ----------------------------------------------------------------------------


def test_anonymous_get_of_a_draft_is_404(api: httpx.Client) -> None:
    create(api)
    response = httpx.get(f"{api.base_url}/dois/10.80000/3mfp-6m52")
    assert response.status_code == 404
    assert response.headers["x-anonymous-consumer"] == "true"


def test_wrong_password_on_get_is_the_anonymous_view_not_401(api: httpx.Client) -> None:
    create(api)
    assert (
        httpx.get(f"{api.base_url}/dois/10.80000/3mfp-6m52", auth=("example.repo", "wrong")).status_code
        == 404
    )


def test_other_repository_gets_404_for_a_draft(api: httpx.Client) -> None:
    create(api)
    assert httpx.get(f"{api.base_url}/dois/10.80000/3mfp-6m52", auth=OTHER).status_code == 404


def test_findable_is_visible_to_anyone(api: httpx.Client) -> None:
    create(api, url=URL, event="publish", **FULL)
    assert httpx.get(f"{api.base_url}/dois/10.80000/3mfp-6m52").status_code == 200


def test_anonymous_list_is_findable_only(api: httpx.Client) -> None:
    create(api)
    create(api, "10.80000/xdwt-5h08", url=URL, event="publish", **FULL)
    listed = httpx.get(f"{api.base_url}/dois", params={"state": "draft,findable"}).json()
    assert [d["id"] for d in listed["data"]] == ["10.80000/xdwt-5h08"]


def test_authenticated_list_without_client_id_shows_other_repositories_drafts(api: httpx.Client) -> None:
    create(api)
    listed = httpx.get(f"{api.base_url}/dois", auth=OTHER).json()
    assert [d["id"] for d in listed["data"]] == ["10.80000/3mfp-6m52"]


def test_client_id_filter_is_case_insensitive_and_underscore_alias(api: httpx.Client) -> None:
    create(api)
    assert api.get("/dois", params={"client-id": "EXAMPLE.REPO"}).json()["meta"]["total"] == 1
    assert api.get("/dois", params={"client_id": "example.repo"}).json()["meta"]["total"] == 1
    assert api.get("/dois", params={"client-id": "other.repo"}).json()["meta"]["total"] == 0


# §2.1 / §2.4 Envelopes -------------------------------------------------------------------------


def test_missing_data_is_400_with_the_jsonapi_message(api: httpx.Client) -> None:
    response = api.post("/dois", json={"attributes": {}})
    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"status": "400", "title": "You need to provide a payload following the JSONAPI spec"}]
    }


def test_single_resource_has_no_meta_or_links(api: httpx.Client) -> None:
    create(api)
    assert set(api.get("/dois/10.80000/3mfp-6m52").json()) == {"data"}


def test_id_and_doi_are_lower_case(api: httpx.Client) -> None:
    data = create(api, "10.80000/ABC-DEF")
    assert (data["id"], data["attributes"]["doi"]) == ("10.80000/abc-def", "10.80000/abc-def")


def test_relationships_of_the_single_view(api: httpx.Client) -> None:
    relationships = create(api)["relationships"]
    assert relationships["client"] == {"data": {"id": "example.repo", "type": "clients"}}
    assert relationships["media"] == {"data": {"id": "10.80000/3mfp-6m52", "type": "media"}}


def test_list_items_lack_detail_fields_unless_detail_true(api: httpx.Client) -> None:
    create(api)
    item = api.get("/dois").json()["data"][0]
    assert not {"prefix", "suffix", "xml", "alternateIdentifiers"} & set(item["attributes"])
    assert set(item["relationships"]) == {"client"}
    detailed = api.get("/dois", params={"detail": "true"}).json()["data"][0]
    assert {"prefix", "suffix", "xml", "alternateIdentifiers"} <= set(detailed["attributes"])


def test_unknown_attributes_are_dropped_silently(api: httpx.Client) -> None:
    data = create(api, colour="blue", titles=[{"title": "T", "shade": "dark"}])
    assert "colour" not in data["attributes"]
    assert data["attributes"]["titles"] == [{"title": "T"}]


def test_read_only_attributes_are_ignored(api: httpx.Client) -> None:
    data = create(api, state="findable", created="2000-01-01T00:00:00Z", viewCount=99)
    assert (data["attributes"]["state"], data["attributes"]["viewCount"]) == ("draft", 0)


def test_gzip_request_bodies(api: httpx.Client) -> None:
    raw = gzip.compress(json.dumps(body({"doi": "10.80000/gz01-0000"})).encode())
    response = api.post(
        "/dois", content=raw, headers={"Content-Encoding": "gzip", "Content-Type": "application/json"}
    )
    assert response.status_code == 201


# §2.3 Update semantics ----------------------------------------------------------------------------


def test_omitted_attributes_keep_their_value(api: httpx.Client) -> None:
    create(api, titles=[{"title": "Kept"}])
    response = api.put("/dois/10.80000/3mfp-6m52", json=body({"subjects": [{"subject": "x"}]}))
    assert attrs(response)["titles"] == [{"title": "Kept"}]


@pytest.mark.parametrize("clear", [None, []], ids=["null", "empty"])
def test_null_or_empty_clears(api: httpx.Client, clear: Any) -> None:
    create(api, titles=[{"title": "Gone"}])
    assert attrs(api.put("/dois/10.80000/3mfp-6m52", json=body({"titles": clear})))["titles"] == []


def test_arrays_are_replaced_wholesale(api: httpx.Client) -> None:
    create(api, subjects=[{"subject": "a"}, {"subject": "b"}])
    response = api.put("/dois/10.80000/3mfp-6m52", json=body({"subjects": [{"subject": "c"}]}))
    assert attrs(response)["subjects"] == [{"subject": "c"}]


def test_doi_in_a_put_body_does_not_rename(api: httpx.Client) -> None:
    create(api)
    response = api.put("/dois/10.80000/3mfp-6m52", json=body({"doi": "10.80000/other"}))
    assert response.json()["data"]["id"] == "10.80000/3mfp-6m52"


def test_alternate_identifiers_become_identifiers(api: httpx.Client) -> None:
    data = create(
        api, alternateIdentifiers=[{"alternateIdentifier": "x-1", "alternateIdentifierType": "Local"}]
    )
    assert data["attributes"]["identifiers"] == [{"identifier": "x-1", "identifierType": "Local"}]


# §2.5 Derived fields --------------------------------------------------------------------------------


def test_is_active_follows_findable(api: httpx.Client) -> None:
    assert create(api)["attributes"]["isActive"] is False
    data = create(api, "10.80000/xdwt-5h08", url=URL, event="publish", **FULL)
    assert data["attributes"]["isActive"] is True


def test_updated_moves_on_every_put_even_without_change(api: httpx.Client) -> None:
    first = create(api)["attributes"]["updated"]
    import time

    time.sleep(0.01)
    assert attrs(api.put("/dois/10.80000/3mfp-6m52", json=body({})))["updated"] != first


def test_registered_is_null_for_drafts_and_set_on_leaving_draft(api: httpx.Client) -> None:
    assert create(api)["attributes"]["registered"] is None
    response = api.put("/dois/10.80000/3mfp-6m52", json=body({"url": URL, "event": "register", **FULL}))
    assert attrs(response)["registered"] is not None


def test_published_is_the_year_as_a_string_in_the_single_view_and_null_in_lists(api: httpx.Client) -> None:
    create(api, **FULL)
    assert attrs(api.get("/dois/10.80000/3mfp-6m52"))["published"] == "2024"
    assert api.get("/dois").json()["data"][0]["attributes"]["published"] is None


def test_schema_version_null_after_json_post_and_kernel_4_after_put(api: httpx.Client) -> None:
    assert create(api)["attributes"]["schemaVersion"] is None
    response = api.put("/dois/10.80000/3mfp-6m52", json=body({}))
    assert attrs(response)["schemaVersion"] == "http://datacite.org/schema/kernel-4"


def test_metadata_version_moves_only_when_metadata_changes(api: httpx.Client) -> None:
    create(api, titles=[{"title": "A"}])
    same = attrs(api.put("/dois/10.80000/3mfp-6m52", json=body({"titles": [{"title": "A"}]})))
    changed = attrs(api.put("/dois/10.80000/3mfp-6m52", json=body({"titles": [{"title": "B"}]})))
    assert (same["metadataVersion"], changed["metadataVersion"]) == (0, 1)


def test_source_defaults_to_api_and_may_be_set(api: httpx.Client) -> None:
    assert create(api)["attributes"]["source"] == "api"
    assert create(api, "10.80000/xdwt-5h08", source="test")["attributes"]["source"] == "test"


def test_xml_is_base64_with_the_doi_upper_case(api: httpx.Client) -> None:
    xml = base64.b64decode(create(api, **FULL)["attributes"]["xml"]).decode()
    assert '<identifier identifierType="DOI">10.80000/3MFP-6M52</identifier>' in xml


def test_timestamps_milliseconds_single_seconds_list(api: httpx.Client) -> None:
    created = create(api)["attributes"]["created"]
    listed = api.get("/dois").json()["data"][0]["attributes"]["created"]
    assert created.endswith("Z")
    assert len(created) == len("2024-05-01T10:00:00.000Z")
    assert len(listed) == len("2024-05-01T10:00:00Z")


def test_version_is_stored_as_a_string(api: httpx.Client) -> None:
    assert create(api, version=45)["attributes"]["version"] == "45"


def test_content_url_null_until_set(api: httpx.Client) -> None:
    assert create(api)["attributes"]["contentUrl"] is None
    assert create(api, "10.80000/xdwt-5h08", contentUrl="https://x.org/f")["attributes"]["contentUrl"] == [
        "https://x.org/f"
    ]


# §2.6 Normalisation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    [
        "titles",
        "dates",
        "sizes",
        "formats",
        "identifiers",
        "relatedIdentifiers",
        "fundingReferences",
        "geoLocations",
    ],
)
def test_single_values_are_wrapped(api: httpx.Client, key: str) -> None:
    value: Any = {
        "titles": {"title": "T"},
        "dates": {"date": "2024", "dateType": "Issued"},
        "sizes": "1 MB",
        "formats": "text/csv",
        "identifiers": {"identifier": "x", "identifierType": "Local"},
        "relatedIdentifiers": {
            "relatedIdentifier": "10.1/x",
            "relatedIdentifierType": "DOI",
            "relationType": "Cites",
        },
        "fundingReferences": {"funderName": "F"},
        "geoLocations": {"geoLocationPlace": "P"},
    }[key]
    assert create(api, **{key: value})["attributes"][key] == [value]


def test_creators_get_affiliation_and_name_identifier_lists(api: httpx.Client) -> None:
    person = create(api, creators=[{"name": "A"}])["attributes"]["creators"][0]
    assert person == {"name": "A", "nameIdentifiers": [], "affiliation": []}


def test_name_identifiers_object_becomes_a_list(api: httpx.Client) -> None:
    ident = {"nameIdentifier": "https://orcid.org/0000-0002-1825-0097", "nameIdentifierScheme": "ORCID"}
    person = create(api, creators=[{"name": "A", "nameIdentifiers": ident}])["attributes"]["creators"][0]
    assert person["nameIdentifiers"] == [ident]


def test_affiliations_are_names_unless_affiliation_true(api: httpx.Client) -> None:
    aff = {
        "name": "U",
        "affiliationIdentifier": "https://ror.org/04wxnsj81",
        "affiliationIdentifierScheme": "ROR",
    }
    create(api, creators=[{"name": "A", "affiliation": [aff]}])
    assert attrs(api.get("/dois/10.80000/3mfp-6m52"))["creators"][0]["affiliation"] == ["U"]
    full = attrs(api.get("/dois/10.80000/3mfp-6m52", params={"affiliation": "true"}))
    assert full["creators"][0]["affiliation"] == [aff]


def test_publisher_string_unless_publisher_true(api: httpx.Client) -> None:
    create(api, publisher="P")
    assert attrs(api.get("/dois/10.80000/3mfp-6m52"))["publisher"] == "P"
    assert attrs(api.get("/dois/10.80000/3mfp-6m52", params={"publisher": "true"}))["publisher"] == {
        "name": "P"
    }


def test_publisher_object_drops_null_and_unknown_keys(api: httpx.Client) -> None:
    create(api, publisher={"name": "P", "lang": None, "colour": "x"})
    assert attrs(api.get("/dois/10.80000/3mfp-6m52", params={"publisher": "true"}))["publisher"] == {
        "name": "P"
    }


def test_publication_year_string_becomes_integer(api: httpx.Client) -> None:
    assert create(api, publicationYear="2023")["attributes"]["publicationYear"] == 2023


@pytest.mark.parametrize(
    ("sent", "stored"),
    [("en", "en"), ("eng", "en"), ("fre", "fr"), ("english", "en"), ("French", "fr"), ("en-GB", "en"),
     ("zh-Hant-TW", "zh"), ("xx", "xx"), ("hhh", "hhh"), ("EN", "EN"), ("Spanish", "Spanish"), ("en_US", None),
     ("Borgesian", None)],
)  # fmt: skip
def test_language(api: httpx.Client, sent: str, stored: str | None) -> None:
    assert create(api, language=sent)["attributes"]["language"] == stored


def test_types_defaults_are_added_and_caller_keys_win(api: httpx.Client) -> None:
    types = create(api, types={"resourceTypeGeneral": "Dataset", "schemaOrg": "JournalArticle"})[
        "attributes"
    ]["types"]
    assert types == {"resourceTypeGeneral": "Dataset", "schemaOrg": "JournalArticle", "citeproc": "dataset",
                     "bibtex": "misc", "ris": "DATA"}  # fmt: skip


def test_types_null_key_suppresses_its_default(api: httpx.Client) -> None:
    types = create(api, types={"resourceTypeGeneral": "Software", "ris": None})["attributes"]["types"]
    assert "ris" not in types


@pytest.mark.parametrize(
    ("general", "resource_type", "expected"),
    [("Text", "Dissertation", ("Thesis", "thesis", "phdthesis", "THES")),
     ("Dataset", "Other", ("CreativeWork", "article", "misc", "GEN")),
     ("Report", "Report", ("Report", "report", "techreport", "RPRT")),
     ("Text", "posted-content", ("ScholarlyArticle", "article-journal", "article", "RPRT")),
     ("Text", "BlogPosting", ("ScholarlyArticle", "article-journal", "article", "RPRT")),
     ("ConferencePaper", None, ("Article", "", "article", "CPAPER"))],
)  # fmt: skip
def test_types_overrides(
    api: httpx.Client, general: str, resource_type: str | None, expected: tuple[str, ...]
) -> None:
    sent = {"resourceTypeGeneral": general, **({"resourceType": resource_type} if resource_type else {})}
    types = create(api, types=sent)["attributes"]["types"]
    assert (types["schemaOrg"], types["citeproc"], types["bibtex"], types["ris"]) == expected


CC_BY = {"rights": "Creative Commons Attribution 4.0 International",
         "rightsUri": "https://creativecommons.org/licenses/by/4.0/legalcode", "rightsIdentifier": "cc-by-4.0",
         "rightsIdentifierScheme": "SPDX", "schemeUri": "https://spdx.org/licenses/"}  # fmt: skip


@pytest.mark.parametrize(
    "sent",
    [{"rightsIdentifier": "CC-BY-4.0"}, {"rightsIdentifier": "cc-by-4.0"},
     {"rights": "Creative Commons Attribution 4.0 International"},
     {"rights": "http://creativecommons.org/licenses/by/4.0/"}],
)  # fmt: skip
def test_spdx_expansion(api: httpx.Client, sent: dict[str, str]) -> None:
    assert create(api, rightsList=[sent])["attributes"]["rightsList"] == [CC_BY]


def test_spdx_rights_uri_is_never_used_for_matching(api: httpx.Client) -> None:
    sent = {"rightsUri": "https://creativecommons.org/publicdomain/zero/1.0/"}
    assert create(api, rightsList=[sent])["attributes"]["rightsList"] == [sent]


def test_spdx_keeps_lang_when_sent(api: httpx.Client) -> None:
    stored = create(api, rightsList=[{"rightsIdentifier": "MIT", "lang": "en"}])["attributes"]["rightsList"][
        0
    ]
    assert (stored["rightsIdentifier"], stored["lang"]) == ("mit", "en")


def test_gpl_3_only_drifts_to_the_deprecated_id_on_the_next_save(api: httpx.Client) -> None:
    first = create(api, rightsList=[{"rightsIdentifier": "GPL-3.0-only"}])["attributes"]["rightsList"][0]
    second = attrs(api.put("/dois/10.80000/3mfp-6m52", json=body({})))["rightsList"][0]
    assert (first["rightsIdentifier"], second["rightsIdentifier"]) == ("gpl-3.0-only", "gpl-3.0")


def test_unmatched_rights_keep_their_keys_with_lower_case_identifier(api: httpx.Client) -> None:
    sent = {"rights": "All rights reserved", "rightsIdentifier": "Local-1"}
    assert create(api, rightsList=[sent])["attributes"]["rightsList"] == [
        {"rights": "All rights reserved", "rightsIdentifier": "local-1"}
    ]


def test_doi_typed_identifiers_are_dropped(api: httpx.Client) -> None:
    sent = [{"identifier": "10.1/x", "identifierType": "DOI"}, {"identifier": "y", "identifierType": "doi"}]
    assert create(api, identifiers=sent)["attributes"]["identifiers"] == [sent[1]]


def test_identifiers_equal_to_the_url_are_hidden(api: httpx.Client) -> None:
    sent = [{"identifier": URL, "identifierType": "URL"}]
    assert create(api, url=URL, identifiers=sent)["attributes"]["identifiers"] == []


def test_numeric_geo_strings_become_numbers(api: httpx.Client) -> None:
    geo = [{"geoLocationPoint": {"pointLatitude": "49.1", "pointLongitude": "49"}}]
    stored = create(api, geoLocations=geo)["attributes"]["geoLocations"][0]["geoLocationPoint"]
    assert stored == {"pointLatitude": 49.1, "pointLongitude": 49}
    place = create(api, "10.80000/xdwt-5h08", geoLocations=[{"geoLocationPlace": "1905"}])
    assert place["attributes"]["geoLocations"] == [{"geoLocationPlace": "1905"}]  # coordinates only


def test_subjects_string_and_duplicates(api: httpx.Client) -> None:
    assert create(api, subjects="Tree")["attributes"]["subjects"] == [{"subject": "Tree"}]
    dup = create(api, "10.80000/xdwt-5h08", subjects=[{"subject": "a"}, {"subject": "a"}])
    assert dup["attributes"]["subjects"] == [{"subject": "a"}]


def test_creators_stored_verbatim_no_name_built(api: httpx.Client) -> None:
    person = create(api, creators=[{"givenName": "Jane", "familyName": "Doe"}])["attributes"]["creators"][0]
    assert "name" not in person
    assert "nameType" not in person


def test_container_from_is_published_in_related_item(api: httpx.Client) -> None:
    item = {"relationType": "IsPublishedIn", "relatedItemType": "Journal", "volume": "776", "issue": "1",
            "firstPage": "50", "lastPage": "60", "titles": [{"title": "J"}],
            "relatedItemIdentifier": {"relatedItemIdentifier": "3034-834X", "relatedItemIdentifierType": "ISSN"}}  # fmt: skip
    container = create(api, types={"resourceTypeGeneral": "JournalArticle"}, relatedItems=[item])[
        "attributes"
    ]["container"]
    assert container == {"type": "Series", "identifier": "3034-834X", "identifierType": "ISSN", "title": "J",
                         "volume": "776", "issue": "1", "firstPage": "50", "lastPage": "60"}  # fmt: skip


def test_container_from_series_information(api: httpx.Client) -> None:
    descriptions = [
        {
            "description": "series title, volume(issue), firstpage-lastpage",
            "descriptionType": "SeriesInformation",
        }
    ]
    related = [
        {"relatedIdentifier": "10.5438/0000-00ss", "relatedIdentifierType": "DOI", "relationType": "IsPartOf"}
    ]
    container = create(api, descriptions=descriptions, relatedIdentifiers=related)["attributes"]["container"]
    assert container == {"type": "Series", "title": "series title", "volume": "volume", "issue": "issue",
                         "firstPage": "firstpage", "lastPage": "lastpage", "identifier": "10.5438/0000-00ss",
                         "identifierType": "DOI"}  # fmt: skip


def test_container_empty_by_default(api: httpx.Client) -> None:
    assert create(api)["attributes"]["container"] == {}


# §3.1 States and events -------------------------------------------------------------------------------


def lifecycle(api: httpx.Client, event: str) -> httpx.Response:
    return api.put("/dois/10.80000/3mfp-6m52", json=body({"event": event}))


def test_new_doi_is_a_draft(api: httpx.Client) -> None:
    assert create(api)["attributes"]["state"] == "draft"


def test_draft_register_publish_hide_show(api: httpx.Client) -> None:
    create(api, url=URL, **FULL)
    states = [attrs(lifecycle(api, e))["state"] for e in ("register", "publish", "hide", "show")]
    assert states == ["registered", "findable", "registered", "findable"]


@pytest.mark.parametrize(
    ("setup", "event"), [((), "hide"), (("publish",), "register"), ((), "show"), ((), "teleport")]
)
def test_invalid_events_are_silently_ignored(api: httpx.Client, setup: tuple[str, ...], event: str) -> None:
    create(api, url=URL, **FULL)
    for step in setup:
        lifecycle(api, step)
    before = attrs(api.get("/dois/10.80000/3mfp-6m52"))["state"]
    response = lifecycle(api, event)
    assert (response.status_code, attrs(response)["state"]) == (200, before)


def test_no_way_back_to_draft(api: httpx.Client) -> None:
    create(api, url=URL, event="publish", **FULL)
    assert attrs(lifecycle(api, "draft"))["state"] == "findable"


# §3.2 Validation ----------------------------------------------------------------------------------------


def test_publish_without_url(api: httpx.Client) -> None:
    response = api.post("/dois", json=body({"doi": "10.80000/abc", "event": "publish", **FULL}))
    assert response.status_code == 422
    assert response.json() == {
        "errors": [{"source": "url", "title": "Can't be blank", "uid": "10.80000/abc"}]
    }


def test_url_must_be_http_https_or_ftp(api: httpx.Client) -> None:
    response = api.post("/dois", json=body({"doi": "10.80000/abc", "url": "mailto:x@example.org"}))
    assert response.json()["errors"] == [
        {"source": "url", "title": "URL is not valid", "uid": "10.80000/abc"}
    ]


def test_url_domain_is_checked_for_findable(api: httpx.Client) -> None:
    response = api.post(
        "/dois", json=body({"doi": "10.80000/abc", "url": "https://evil.org/x", "event": "publish", **FULL})
    )
    assert response.json()["errors"][0]["title"] == (
        "URL https://evil.org/x is not allowed by repository EXAMPLE.REPO domain settings."
    )


def test_url_domain_wildcard_allows_subdomains(api: httpx.Client) -> None:
    response = api.post(
        "/dois",
        json=body({"doi": "10.80000/abc", "url": "https://a.example.org/x", "event": "publish", **FULL}),
    )
    assert response.status_code == 201


def test_drafts_need_no_url_and_no_metadata(api: httpx.Client) -> None:
    assert api.post("/dois", json=body({"doi": "10.80000/abc"})).status_code == 201


def test_doi_pattern_on_create(api: httpx.Client) -> None:
    response = api.post("/dois", json=body({"doi": "10.80000/107+03"}))
    assert response.json()["errors"] == [{"source": "doi", "title": "Is invalid", "uid": "10.80000/107+03"}]


def test_doi_uniqueness(api: httpx.Client) -> None:
    create(api)
    response = api.post("/dois", json=body({"doi": "10.80000/3mfp-6m52"}))
    assert response.json()["errors"][0]["title"] == "This DOI has already been taken"


def test_json_only_create_with_publish_and_incomplete_metadata(api: httpx.Client) -> None:
    response = api.post(
        "/dois",
        json=body({"doi": "10.80000/abc", "url": URL, "event": "publish", "creators": [{"name": "A"}]}),
    )
    assert response.json()["errors"] == [{"source": "metadata", "title": "Is invalid", "uid": "10.80000/abc"}]


def test_put_publish_with_incomplete_metadata_names_the_element(api: httpx.Client) -> None:
    create(api)
    response = api.put("/dois/10.80000/3mfp-6m52", json=body({"url": URL, "event": "publish"}))
    error = response.json()["errors"][0]
    assert (response.status_code, error["source"]) == (422, "creators")
    assert (
        "Missing child element(s). Expected is ( {http://datacite.org/schema/kernel-4}creator )"
        in error["title"]
    )


@pytest.mark.parametrize(
    ("contributor", "title"),
    [({"name": "A"}, "Contributor 'A' is missing a required element: contributor type."),
     ({"name": "A", "contributorType": "Funder"}, "Contributor 'A' has a contributor type that is not supported in schema 4.")],
)  # fmt: skip
def test_contributor_type_on_kernel_4(api: httpx.Client, contributor: dict[str, str], title: str) -> None:
    create(api)
    response = api.put("/dois/10.80000/3mfp-6m52", json=body({"contributors": [contributor]}))
    assert response.json()["errors"] == [
        {"source": "contributors", "title": title, "uid": "10.80000/3mfp-6m52"}
    ]


def test_titles_as_string_is_422(api: httpx.Client) -> None:
    response = api.post("/dois", json=body({"doi": "10.80000/abc", "titles": ["Just a string"]}))
    assert (
        response.json()["errors"][0]["title"]
        == "Title 'Just a string' should be an object instead of a string."
    )


def test_rights_longer_than_2000_characters(api: httpx.Client) -> None:
    response = api.post("/dois", json=body({"doi": "10.80000/abc", "rightsList": [{"rights": "x" * 2001}]}))
    assert response.json()["errors"][0]["source"] == "rights_list"


# §3.3 Delete --------------------------------------------------------------------------------------------


def test_delete_draft_is_204_empty(api: httpx.Client) -> None:
    create(api)
    response = api.delete("/dois/10.80000/3mfp-6m52")
    assert (response.status_code, response.content) == (204, b"")
    assert api.get("/dois/10.80000/3mfp-6m52").status_code == 404


def test_delete_findable_is_405_with_allow(api: httpx.Client) -> None:
    create(api, url=URL, event="publish", **FULL)
    response = api.delete("/dois/10.80000/3mfp-6m52")
    assert response.status_code == 405
    assert response.headers["allow"] == "HEAD, GET, POST, PATCH, PUT, OPTIONS"
    assert response.json() == {"errors": [{"status": "405", "title": "Method not allowed"}]}


def test_delete_unknown_404_foreign_403(api: httpx.Client) -> None:
    create(api)
    assert api.delete("/dois/10.80000/none").status_code == 404
    assert httpx.delete(f"{api.base_url}/dois/10.80000/3mfp-6m52", auth=OTHER).status_code == 403


# §4 Authentication --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "auth", [None, ("example.repo", "wrong"), ("nobody.repo", "x")], ids=["none", "wrong", "unknown"]
)
def test_writes_without_valid_credentials_are_401(api: httpx.Client, auth: tuple[str, str] | None) -> None:
    response = httpx.post(f"{api.base_url}/dois", json=body({"doi": "10.80000/abc"}), auth=auth)
    assert response.status_code == 401
    assert response.json() == {"errors": [{"status": "401", "title": "Bad credentials."}]}


def test_repository_id_is_case_insensitive(api: httpx.Client) -> None:
    assert (
        httpx.post(
            f"{api.base_url}/dois", json=body({"doi": "10.80000/abc"}), auth=("EXAMPLE.REPO", "secret")
        ).status_code
        == 201
    )


def test_foreign_prefix_is_403(api: httpx.Client) -> None:
    response = api.post("/dois", json=body({"doi": "10.80002/abc"}))
    assert response.json() == {
        "errors": [{"status": "403", "title": "You are not authorized to access this resource."}]
    }


def test_foreign_doi_update_is_403(api: httpx.Client) -> None:
    create(api)
    response = httpx.put(f"{api.base_url}/dois/10.80000/3mfp-6m52", json=body({}), auth=OTHER)
    assert response.status_code == 403


def test_credential_headers(api: httpx.Client) -> None:
    create(api)
    assert api.get("/dois/10.80000/3mfp-6m52").headers["x-credential-username"] == "example.repo"


# §5 Suffix ---------------------------------------------------------------------------------------------------


def test_post_with_prefix_generates_an_opaque_suffix(api: httpx.Client) -> None:
    doi = api.post("/dois", json=body({"prefix": "10.80000"})).json()["data"]["id"]
    assert is_opaque_suffix(doi.split("/", 1)[1])


def test_prefix_with_shoulder(api: httpx.Client) -> None:
    doi = api.post("/dois", json=body({"prefix": "10.80000/abc"})).json()["data"]["id"]
    assert doi.startswith("10.80000/abc-")
    assert is_opaque_suffix(doi.split("/", 1)[1])


# §6 Listing ------------------------------------------------------------------------------------------------


def seed(api: httpx.Client, count: int, state: str = "draft") -> list[str]:
    records = [{"doi": f"10.80000/s{n:05d}", "client": "EXAMPLE.REPO", "state": state, "url": URL, "attributes": FULL}
               for n in range(count)]  # fmt: skip
    assert httpx.post(f"{api.base_url}/_sandbox/seed", json=records, headers=ADMIN, timeout=60).json() == {
        "seeded": count
    }
    return [r["doi"] for r in records]


def test_page_number_defaults_and_meta(api: httpx.Client) -> None:
    seed(api, 30)
    listed = api.get("/dois").json()
    assert (len(listed["data"]), listed["meta"]) == (25, {"total": 30, "totalPages": 2, "page": 1})
    assert listed["links"]["next"].endswith("/dois?page%5Bnumber%5D=2")


def test_page_size_is_clamped_to_1000(api: httpx.Client) -> None:
    seed(api, 3)
    assert api.get("/dois", params={"page[size]": 5000}).json()["meta"]["totalPages"] == 1


def test_last_page_has_no_next_and_beyond_is_empty(api: httpx.Client) -> None:
    seed(api, 6)
    last = api.get("/dois", params={"page[size]": 3, "page[number]": 2}).json()
    assert "next" not in last["links"]
    beyond = api.get("/dois", params={"page[size]": 3, "page[number]": 3}).json()
    assert (beyond["data"], beyond["meta"]["page"]) == ([], 3)


def test_page_number_beyond_the_cap_is_clamped(api: httpx.Client) -> None:
    seed(api, 3)
    assert api.get("/dois", params={"page[size]": 1000, "page[number]": 50}).json()["meta"]["page"] == 10


def test_cursor_walks_every_record_once_in_created_order(api: httpx.Client) -> None:
    dois = seed(api, 2500)
    seen: list[str] = []
    url: str | None = "/dois?page[cursor]=1&page[size]=1000&client-id=example.repo"
    pages = 0
    while url:
        page = api.get(url).json()
        pages += 1
        assert "page" not in page["meta"]
        seen += [d["id"] for d in page["data"]]
        url = page["links"].get("next")
    assert seen == dois
    assert pages == 3


def test_cursor_format_and_restart_on_garbage(api: httpx.Client) -> None:
    seed(api, 3)
    page = api.get("/dois", params={"page[cursor]": "1", "page[size]": 2}).json()
    cursor = page["links"]["next"].split("page%5Bcursor%5D=")[1].split("&")[0]
    created, _, uid = base64.urlsafe_b64decode(cursor + "==").decode().partition(",")
    assert (created.isdigit(), uid) == (True, "10.80000/s00001")
    restarted = api.get("/dois", params={"page[cursor]": "%%%", "page[size]": 2}).json()
    assert restarted["data"][0]["id"] == "10.80000/s00000"


def test_random_with_cursor_is_400(api: httpx.Client) -> None:
    assert api.get("/dois", params={"page[cursor]": "1", "random": "true"}).status_code == 400


def test_filters_state_and_prefix(api: httpx.Client) -> None:
    seed(api, 2)
    create(api, "10.80001/abc")
    assert api.get("/dois", params={"state": "findable"}).json()["meta"]["total"] == 0
    assert api.get("/dois", params={"prefix": "10.80001"}).json()["meta"]["total"] == 1


def test_query_doi_and_updated_range(api: httpx.Client) -> None:
    seed(api, 2)
    assert api.get("/dois", params={"query": "doi:10.80000/S00001"}).json()["meta"]["total"] == 1
    assert api.get("/dois", params={"query": "updated:[2000-01-01 TO *]"}).json()["meta"]["total"] == 2
    assert api.get("/dois", params={"query": "updated:[* TO 2000-01-01]"}).json()["meta"]["total"] == 0


def test_unsupported_query_is_400(api: httpx.Client) -> None:
    assert api.get("/dois", params={"query": "titles.title:x"}).status_code == 400


# §7 Errors ---------------------------------------------------------------------------------------------------


def test_broken_json_is_400_not_500(api: httpx.Client) -> None:
    response = api.post("/dois", content=b"{broken", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["status"] == "400"


def test_huge_body_is_413(api: httpx.Client) -> None:
    assert api.post("/dois", content=b"x" * (11 * 1024 * 1024)).status_code == 413


def test_unknown_route_is_a_datacite_404(api: httpx.Client) -> None:
    assert api.get("/nothing/here").json() == {
        "errors": [{"status": "404", "title": "The resource you are looking for doesn't exist."}]
    }


def test_wrong_method_is_405(api: httpx.Client) -> None:
    assert api.delete("/dois").status_code == 405


# §9 Rate limits and faults -----------------------------------------------------------------------------------


def test_rate_limit_429_with_retry_after(api: httpx.Client) -> None:
    httpx.post(f"{api.base_url}/_sandbox/config", json={"rate_limit": "2/60"}, headers=ADMIN)
    codes = [api.get("/heartbeat").status_code for _ in range(3)]
    limited = api.get("/heartbeat")
    assert codes == [200, 200, 429]
    assert limited.json()["errors"][0]["title"].startswith("Your request has been rate limited.")
    assert 1 <= int(limited.headers["retry-after"]) <= 60


def test_fail_rate_gives_5xx_and_dropped_connections(api: httpx.Client) -> None:
    httpx.post(f"{api.base_url}/_sandbox/config", json={"fail_rate": 1.0, "seed": 3}, headers=ADMIN)
    outcomes = set()
    for _ in range(30):
        try:
            outcomes.add(api.get("/heartbeat").status_code)
        except httpx.TransportError:
            outcomes.add("dropped")
    assert outcomes <= {500, 502, 503, 504, "dropped"}
    assert "dropped" in outcomes
    assert len(outcomes) >= 3


def test_stats_count_requests_per_route(api: httpx.Client) -> None:
    create(api)
    api.get("/dois/10.80000/3mfp-6m52")
    api.get("/dois/10.80000/3mfp-6m52")
    stats = httpx.get(f"{api.base_url}/_sandbox/stats", headers=ADMIN).json()
    assert stats["requests"]["GET /dois/{doi}"] == 2
    assert stats["requests"]["POST /dois"] == 1


# §11 Consistency ---------------------------------------------------------------------------------------------


def test_list_lags_behind_writes_single_get_does_not(api: httpx.Client) -> None:
    httpx.post(f"{api.base_url}/_sandbox/config", json={"index_lag": 30}, headers=ADMIN)
    create(api)
    assert api.get("/dois/10.80000/3mfp-6m52").status_code == 200
    assert api.get("/dois").json()["meta"]["total"] == 0


def test_deletes_leave_the_index_at_once(api: httpx.Client) -> None:
    create(api)
    assert api.get("/dois").json()["meta"]["total"] == 1
    httpx.post(f"{api.base_url}/_sandbox/config", json={"index_lag": 30}, headers=ADMIN)
    api.delete("/dois/10.80000/3mfp-6m52")
    assert api.get("/dois").json()["meta"]["total"] == 0


# §4 Authentication, edge cases -------------------------------------------------------------------


@pytest.mark.parametrize(
    "header", ["Bearer some-token", "Basic !!!not-base64", "Basic " + base64.b64encode(b"\xff\xfe").decode()]
)
def test_unusable_authorization_is_401_on_writes_and_anonymous_on_reads(
    api: httpx.Client, header: str
) -> None:
    create(api)
    headers = {"Authorization": header}
    assert (
        httpx.post(f"{api.base_url}/dois", json=body({"doi": "10.80000/x"}), headers=headers).status_code
        == 401
    )
    response = httpx.get(f"{api.base_url}/dois/10.80000/3mfp-6m52", headers=headers)
    assert response.status_code == 404
    assert "x-anonymous-consumer" not in response.headers  # a header was sent, it just proved nothing


def test_delete_and_validate_need_credentials(api: httpx.Client) -> None:
    create(api)
    assert httpx.delete(f"{api.base_url}/dois/10.80000/3mfp-6m52").status_code == 401
    assert httpx.post(f"{api.base_url}/dois/validate", json=body({})).status_code == 401


def test_activities_need_no_credentials_and_an_unknown_doi_has_none(api: httpx.Client) -> None:
    create(api)  # a draft: its activities are public all the same (§13.1)
    anonymous = httpx.get(f"{api.base_url}/dois/10.80000/3mfp-6m52/activities")
    assert (anonymous.status_code, len(anonymous.json()["data"])) == (200, 1)
    unknown = api.get("/dois/10.80000/none/activities")
    assert (unknown.status_code, unknown.json()["data"]) == (200, [])


def test_admin_repositories_and_unknown_admin_action(api: httpx.Client) -> None:
    spec = {"id": "new.repo", "password": "pw", "prefixes": ["10.80009"]}
    assert httpx.post(f"{api.base_url}/_sandbox/repositories", json=spec, headers=ADMIN).status_code == 201
    assert (
        httpx.post(
            f"{api.base_url}/dois", json=body({"doi": "10.80009/a"}), auth=("new.repo", "pw")
        ).status_code
        == 201
    )
    assert httpx.get(f"{api.base_url}/_sandbox/nothing", headers=ADMIN).status_code == 404


def test_seed_with_an_unknown_repository_is_refused(api: httpx.Client) -> None:
    response = httpx.post(
        f"{api.base_url}/_sandbox/seed", json=[{"doi": "10.80000/a", "client": "NOPE.REPO"}], headers=ADMIN
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["title"] == "unknown repository NOPE.REPO"
