"""Repository API keys (reference §4): the config's `credential`, the client, the sandbox, the CLI.

DataCite takes a repository's API key as HTTP Basic `ID:key`, as Basic with the key as user
name, or as `Authorization: Bearer <key>`; a wrong key makes a write 401 and a read anonymous.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from datacite import DataCiteRESTClient
from datacite.errors import DataCiteError

from reconciler.cli import main
from reconciler.config import load_config
from reconciler.datacite import CREDENTIALS, DataCiteClient
from reconciler.environment import SANDBOX_PASSWORD, open_endpoint, password_for
from reconciler.errors import ApiAuthError, ConfigErrors
from reconciler.model import Repository
from reconciler.pacing import Retry
from reconciler.sandbox import Client, SandboxOptions, SandboxServer
from reconciler.schemas import load_schema

from .conftest import CONFIG, FINDABLE, Repo
from .helpers.sandbox_admin import admin

USER = "EXAMPLE.REPO"
PASSWORD = "the-repository-password"
OTHER = Client("OTHER.REPO", "other-password", ("10.80001",))
KEY_FORMAT = re.compile(r"DC\.[A-Za-z0-9]{32}")
QUICK = Retry(attempts=1, base=0.001, cap=0.001)
DOI = "10.80000/3mfp-6m52"
DRAFT = {"data": {"type": "dois", "attributes": {"prefix": "10.80000"}}}
JSON_API = {"Content-Type": "application/vnd.api+json"}


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def issue(server: SandboxServer, repository: str = USER) -> str:
    response = httpx.post(
        f"{server.url}/_sandbox/api-key", json={"id": repository}, headers=admin(server), timeout=10
    )
    assert response.status_code == 201, response.text
    key = response.json()["api_key"]
    assert isinstance(key, str)
    return key


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    account = Client(USER, PASSWORD, ("10.80000",), ("data.example.org",))
    with SandboxServer(tmp_path / "s.sqlite", SandboxOptions(repositories=[account, OTHER])) as server:
        yield server


@pytest.fixture
def key(sandbox: SandboxServer) -> str:
    return issue(sandbox)


# -- config --------------------------------------------------------------------------------------


def _with_credential(line: str) -> str:
    return CONFIG.replace(
        "    password_env: DATACITE_PASSWORD\n", f"    password_env: DATACITE_PASSWORD\n{line}"
    )


def test_credential_defaults_to_password(repo: Repo) -> None:
    [repository] = load_config(repo.config).repositories
    assert repository.credential == "password"


@pytest.mark.parametrize("credential", ["password", "api-key", "api-key-bearer"])
def test_credential_is_parsed(repo: Repo, credential: str) -> None:
    repo.write("doiac.yaml", _with_credential(f"    credential: {credential}\n"))
    [repository] = load_config(repo.config).repositories
    assert repository.credential == credential


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("apikey", "doiac.yaml:7:17: /repositories/0/credential: 'apikey' is not a valid credential;"
                   " did you mean 'api-key'?"),
        ("bearer", "doiac.yaml:7:17: /repositories/0/credential: 'bearer' is not a valid credential;"
                   " did you mean 'api-key-bearer'?"),
        ("3", "doiac.yaml:7:17: /repositories/0/credential: 3 is not a valid credential;"
              " expected one of: password, api-key, api-key-bearer"),
    ],
)  # fmt: skip
def test_bad_credential_is_a_located_config_error(repo: Repo, value: str, message: str) -> None:
    repo.write("doiac.yaml", _with_credential(f"    credential: {value}\n"))
    with pytest.raises(ConfigErrors) as caught:
        load_config(repo.config)
    assert str(caught.value) == message


def test_the_schema_names_what_the_client_knows() -> None:
    schema = load_schema("config")["$defs"]["repository"]["properties"]["credential"]
    assert tuple(schema["enum"]) == CREDENTIALS
    assert schema["default"] == "password"
    assert all(name in schema["description"] for name in CREDENTIALS)


# -- the sandbox ---------------------------------------------------------------------------------


def test_the_admin_endpoint_issues_a_new_key_and_retires_the_old(sandbox: SandboxServer) -> None:
    first = issue(sandbox)
    assert KEY_FORMAT.fullmatch(first), first
    second = issue(sandbox, USER.lower())
    assert KEY_FORMAT.fullmatch(second)
    assert second != first
    url = f"{sandbox.url}/dois"
    assert (
        httpx.post(url, json=DRAFT, headers={"Authorization": f"Bearer {second}", **JSON_API}).status_code
        == 201
    )
    assert (
        httpx.post(url, json=DRAFT, headers={"Authorization": f"Bearer {first}", **JSON_API}).status_code
        == 401
    )


def test_the_admin_endpoint_wants_the_token_and_a_known_account(sandbox: SandboxServer) -> None:
    url = f"{sandbox.url}/_sandbox/api-key"
    assert httpx.post(url, json={"id": USER}, timeout=10).status_code == 401
    unknown = httpx.post(url, json={"id": "NO.SUCH"}, headers=admin(sandbox), timeout=10)
    assert unknown.status_code == 404
    assert "NO.SUCH" in unknown.json()["errors"][0]["title"]
    assert httpx.post(url, json={}, headers=admin(sandbox), timeout=10).status_code == 422


def _forms(key: str) -> dict[str, dict[str, str]]:
    return {
        "basic-id-key": basic(USER, key),
        "basic-key-as-user": basic(key, ""),
        "basic-key-as-user-any-password": basic(key, "ignored"),
        "bearer": {"Authorization": f"Bearer {key}"},
    }


FORMS = ["basic-id-key", "basic-key-as-user", "basic-key-as-user-any-password", "bearer"]


@pytest.mark.parametrize("form", FORMS)
def test_each_form_of_the_key_writes(sandbox: SandboxServer, key: str, form: str) -> None:
    response = httpx.post(f"{sandbox.url}/dois", json=DRAFT, headers={**_forms(key)[form], **JSON_API})
    assert response.status_code == 201, response.text
    assert response.headers["x-credential-username"] == USER.lower()
    doi = response.json()["data"]["id"]
    assert (response.json()["data"]["relationships"]["client"]["data"]["id"]).upper() == USER
    # The key sees the draft it made, as the password does.
    shown = httpx.get(f"{sandbox.url}/dois/{doi}", headers=_forms(key)[form])
    assert shown.status_code == 200
    assert httpx.get(f"{sandbox.url}/dois/{doi}", auth=(USER, PASSWORD)).status_code == 200


@pytest.mark.parametrize("form", FORMS)
def test_a_wrong_key_is_refused_on_a_write(sandbox: SandboxServer, key: str, form: str) -> None:
    wrong = "DC." + ("x" * 32 if key[3:] != "x" * 32 else "y" * 32)
    response = httpx.post(f"{sandbox.url}/dois", json=DRAFT, headers={**_forms(wrong)[form], **JSON_API})
    assert response.status_code == 401
    assert response.json()["errors"] == [{"status": "401", "title": "Bad credentials."}]
    # On a read the wrong key is no error: the anonymous view, no draft, no user name.
    made = httpx.post(f"{sandbox.url}/dois", json=DRAFT, headers={**_forms(key)[form], **JSON_API})
    doi = made.json()["data"]["id"]
    read = httpx.get(f"{sandbox.url}/dois/{doi}", headers=_forms(wrong)[form])
    assert read.status_code == 404
    assert "x-credential-username" not in read.headers


def test_a_key_works_only_with_its_own_account(sandbox: SandboxServer, key: str) -> None:
    other_key = issue(sandbox, OTHER.id)
    url = f"{sandbox.url}/dois"
    assert httpx.post(url, json=DRAFT, headers={**basic(USER, other_key), **JSON_API}).status_code == 401
    assert httpx.post(url, json=DRAFT, headers={**basic(OTHER.id, key), **JSON_API}).status_code == 401
    # The other account's key proves the other account: a prefix it does not hold is 403.
    assert (
        httpx.post(url, json=DRAFT, headers={"Authorization": f"Bearer {other_key}", **JSON_API}).status_code
        == 403
    )


def test_the_pypi_datacite_client_drafts_with_a_key(sandbox: SandboxServer, key: str) -> None:
    client = DataCiteRESTClient(username=USER, password=key, prefix="10.80000", url=sandbox.url)
    doi = client.draft_doi()
    assert doi.startswith("10.80000/")
    assert client.get_metadata(doi)["state"] == "draft"
    wrong = DataCiteRESTClient(username=USER, password="DC." + "z" * 32, prefix="10.80000", url=sandbox.url)
    with pytest.raises(DataCiteError):
        wrong.draft_doi()


def test_plain_httpx_with_bearer(sandbox: SandboxServer, key: str) -> None:
    bearer = {"Authorization": f"Bearer {key}"}
    body = {"data": {"type": "dois", "attributes": {"doi": DOI, "titles": [{"title": "T"}]}}}
    created = httpx.post(f"{sandbox.url}/dois", json=body, headers={**bearer, **JSON_API}, timeout=10)
    assert created.status_code == 201, created.text
    body["data"]["attributes"] = {"titles": [{"title": "Renamed"}]}
    updated = httpx.put(f"{sandbox.url}/dois/{DOI}", json=body, headers={**bearer, **JSON_API}, timeout=10)
    assert updated.status_code == 200
    assert httpx.get(f"{sandbox.url}/dois/{DOI}", headers=bearer).json()["data"]["attributes"]["titles"] == [
        {"title": "Renamed"}
    ]
    assert httpx.delete(f"{sandbox.url}/dois/{DOI}", headers=bearer).status_code == 204


# -- the client ----------------------------------------------------------------------------------


def _sent_auth(credential: str, secret: str) -> str:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("authorization", ""))
        return httpx.Response(404, json={"errors": [{"status": "404", "title": "nope"}]})

    transport = httpx.MockTransport(handler)
    with DataCiteClient(
        "https://api.example.invalid", USER, secret, credential=credential, transport=transport
    ) as c:
        assert c.get(DOI) is None
    [header] = seen
    return header


def test_the_client_sends_the_key_as_configured() -> None:
    key = "DC." + "k" * 32
    assert _sent_auth("api-key-bearer", key) == f"Bearer {key}"
    assert _sent_auth("api-key", key) == basic(USER, key)["Authorization"]
    assert _sent_auth("password", PASSWORD) == basic(USER, PASSWORD)["Authorization"]
    with pytest.raises(ValueError, match="credential"):
        DataCiteClient("https://api.example.invalid", USER, key, credential="token")


@pytest.mark.parametrize("credential", ["api-key", "api-key-bearer"])
def test_check_credentials_with_a_key(sandbox: SandboxServer, key: str, credential: str) -> None:
    with DataCiteClient(sandbox.url, USER, key, credential=credential, retry=QUICK) as client:
        client.check_credentials()  # accepted: no error
        assert key not in repr(client)
        assert f"{credential}=set" in repr(client)
    wrong = "DC." + "w" * 32
    with DataCiteClient(sandbox.url, USER, wrong, credential=credential, retry=QUICK) as client:
        with pytest.raises(ApiAuthError) as caught:
            client.check_credentials()
        assert caught.value.status == 401
        assert wrong not in str(caught.value) + repr(caught.value)


@pytest.mark.parametrize("credential", ["api-key", "api-key-bearer"])
def test_the_client_writes_and_reads_drafts_with_a_key(
    sandbox: SandboxServer, key: str, credential: str
) -> None:
    with DataCiteClient(sandbox.url, USER, key, credential=credential, retry=QUICK) as client:
        status, _ = client.create({"doi": DOI})
        assert status == 201
        item = client.get(DOI)  # a draft: only its repository sees it
        assert item is not None
        assert item["attributes"]["state"] == "draft"
        assert [r["id"] for r in client.list_dois(client_id=USER.lower())] == [DOI]


def test_the_embedded_sandbox_issues_keys_for_key_repositories(repo: Repo) -> None:
    repo.write("doiac.yaml", _with_credential("    credential: api-key-bearer\n"))
    config = load_config(repo.config)
    [repository] = config.repositories
    with open_endpoint(config, env={"DATACITE_PASSWORD": "a-real-key"}) as endpoint:
        issued = endpoint.keys[USER]
        assert KEY_FORMAT.fullmatch(issued)
        assert issued not in repr(endpoint)
        assert (
            password_for(repository, {"DATACITE_PASSWORD": "a-real-key"}, embedded=True, keys=endpoint.keys)
            == issued
        )
        bearer = {"Authorization": f"Bearer {issued}", **JSON_API}
        assert httpx.post(f"{endpoint.url}/dois", json=DRAFT, headers=bearer).status_code == 201
    with open_endpoint(load_config(repo.config), env={}) as endpoint:
        assert endpoint.keys[USER] != issued  # a fresh key each run; the old one is gone
        stale = {"Authorization": f"Bearer {issued}", **JSON_API}
        assert httpx.post(f"{endpoint.url}/dois", json=DRAFT, headers=stale).status_code == 401
    assert b"a-real-key" not in (repo.root / ".doiac" / "sandbox.sqlite").read_bytes()
    repo.write("doiac.yaml", CONFIG)
    with open_endpoint(load_config(repo.config), env={}) as endpoint:
        assert endpoint.keys == {}  # no repository wants a key: none issued


def test_password_for_keeps_the_sandbox_password_without_a_key() -> None:
    repository = Repository("A.B", ("10.80000",), "dois/", "MY_PW", credential="api-key")
    assert password_for(repository, {"MY_PW": "DC.x"}, embedded=False) == "DC.x"
    assert password_for(repository, {"MY_PW": "DC.x"}, embedded=True) == SANDBOX_PASSWORD
    assert password_for(repository, {}, embedded=True, keys={"A.B": "DC.issued"}) == "DC.issued"


# -- the command line ----------------------------------------------------------------------------


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The Authorization header of every request any httpx client sends in the test."""
    headers: list[str] = []
    original = httpx.Client.send

    def send(self: httpx.Client, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        response = original(self, request, **kwargs)
        headers.append(response.request.headers.get("authorization", ""))
        return response

    monkeypatch.setattr(httpx.Client, "send", send)
    return headers


REAL_SECRET = "DC.TheRealKeyOfTheTeamInCI0123456"


@pytest.mark.parametrize("credential", ["api-key-bearer", "api-key"])
def test_plan_and_apply_against_the_embedded_sandbox_with_a_key(
    repo: Repo,
    sent: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    credential: str,
) -> None:
    monkeypatch.setenv("DATACITE_PASSWORD", REAL_SECRET)
    repo.write("doiac.yaml", _with_credential(f"    credential: {credential}\n"))
    repo.write(f"dois/{DOI}.yaml", FINDABLE)
    monkeypatch.chdir(repo.root)

    assert main(["plan", "--out", "plan.json"]) == 0
    assert main(["apply", "--auto-approve", "--report", "applied.jsonl"]) == 0
    assert main(["plan", "--detailed-exitcode"]) == 0  # applied: nothing left to do
    out, err = capsys.readouterr()
    assert "Plan: 1 to create" in out
    assert "Apply: 1 done, 0 failed" in out

    assert sent, "no request was sent"
    if credential == "api-key-bearer":
        keys = {header.removeprefix("Bearer ") for header in sent}
        assert all(header.startswith("Bearer ") for header in sent), sent
    else:
        decoded = [base64.b64decode(h.removeprefix("Basic ")).decode() for h in sent]
        assert all(h.startswith("Basic ") for h in sent), sent
        assert {d.partition(":")[0] for d in decoded} == {USER}
        keys = {d.partition(":")[2] for d in decoded}
    assert len(keys) == 3  # one key per command, issued by the sandbox that command started
    assert all(KEY_FORMAT.fullmatch(k) for k in keys), keys
    assert SANDBOX_PASSWORD not in keys
    assert REAL_SECRET not in keys

    written = [p for p in repo.root.rglob("*") if p.is_file() and ".doiac" not in p.parts]
    texts = {"stdout": out, "stderr": err, **{p.name: p.read_text("utf-8") for p in written}}
    for where, text in texts.items():
        for secret in (*keys, REAL_SECRET):
            assert secret not in text, f"{where} shows a key"
    assert json.loads((repo.root / "plan.json").read_text("utf-8"))["changes"]


def test_a_refused_key_stops_plan_and_apply(
    sandbox: SandboxServer,
    key: str,
    repo: Repo,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = _with_credential("    credential: api-key-bearer\n").replace(
        "environment: sandbox", f"environment: {sandbox.url}"
    )
    repo.write("doiac.yaml", config)
    repo.write(f"dois/{DOI}.yaml", FINDABLE)
    monkeypatch.chdir(repo.root)
    monkeypatch.setenv("DATACITE_PASSWORD", key)
    assert main(["plan"]) == 0
    assert "Plan: 1 to create" in capsys.readouterr().out
    issue(sandbox)  # the key in the secret is revoked: a new one replaces it
    assert main(["apply", "--auto-approve"]) == 1
    out, err = capsys.readouterr()
    assert "refused" in err
    assert "(401)" in err
    assert key not in out + err
    assert httpx.get(f"{sandbox.url}/dois/{DOI}", auth=(USER, PASSWORD)).status_code == 404


@pytest.mark.parametrize(
    ("credential", "named"),
    [
        ("password", "password"),
        ("api-key", "API key (api-key)"),
        ("api-key-bearer", "API key (api-key-bearer)"),
    ],
)
def test_a_refused_secret_is_named_as_what_it_is(credential: str, named: str) -> None:
    from reconciler.commands.plan import check_credentials
    from reconciler.errors import ApiAuthError, CredentialsError
    from reconciler.model import Config, Repository

    class Refused:
        has_password = True

        def check_credentials(self) -> None:
            raise ApiAuthError(
                "POST", "https://api.test.datacite.org/dois/validate", 401, ["Bad credentials."]
            )

    repository = Repository("EXAMPLE.REPO", ("10.80000",), "dois/", "DATACITE_SECRET", credential=credential)
    with pytest.raises(
        CredentialsError, match=rf"DataCite refused the {re.escape(named)} of EXAMPLE\.REPO \(401\)"
    ):
        check_credentials(Config("doiac.yaml", repositories=(repository,)), {"EXAMPLE.REPO": Refused()})  # type: ignore[dict-item]
