from __future__ import annotations

import httpx
import pytest

from reconciler.config import load_config
from reconciler.datacite import DataCiteClient
from reconciler.environment import SANDBOX_PASSWORD, open_endpoint, password_for
from reconciler.errors import ConfigError

from .conftest import CONFIG, Repo


@pytest.mark.parametrize(
    ("environment", "url", "budget"),
    [("production", "https://api.datacite.org", 3000), ("test", "https://api.test.datacite.org", 750),
     ("http://127.0.0.1:8000/", "http://127.0.0.1:8000", None)],
)  # fmt: skip
def test_remote_endpoints(repo: Repo, environment: str, url: str, budget: int | None) -> None:
    repo.write("doiac.yaml", CONFIG.replace("environment: sandbox", f"environment: {environment}"))
    with open_endpoint(load_config(repo.config), env={}) as endpoint:
        assert (endpoint.url, endpoint.budget, endpoint.embedded) == (url, budget, False)


def test_configured_rate_overrides_the_budget(repo: Repo) -> None:
    repo.write(
        "doiac.yaml", CONFIG.replace("environment: sandbox", "environment: test") + "limits: {rate: 300}\n"
    )
    with open_endpoint(load_config(repo.config), env={}) as endpoint:
        assert endpoint.budget == 300


def test_embedded_sandbox_provisions_accounts_and_keeps_state(repo: Repo) -> None:
    config = load_config(repo.config)
    with open_endpoint(config, env={}) as endpoint:
        assert endpoint.embedded
        with DataCiteClient(endpoint.url, "EXAMPLE.REPO", SANDBOX_PASSWORD) as client:
            status, _ = client.create({"doi": "10.80000/3mfp-6m52"})
            assert status == 201
    assert (repo.root / ".doiac" / "sandbox.sqlite").is_file()
    with open_endpoint(config, env={"DATACITE_PASSWORD": "a-real-secret"}) as endpoint:
        response = httpx.get(
            f"{endpoint.url}/dois/10.80000/3mfp-6m52", auth=("example.repo", SANDBOX_PASSWORD)
        )
        assert response.status_code == 200  # same state; the real password is never handed to it
        refused = httpx.get(f"{endpoint.url}/dois/10.80000/3mfp-6m52", auth=("example.repo", "a-real-secret"))
        assert refused.status_code == 404
    assert b"a-real-secret" not in (repo.root / ".doiac" / "sandbox.sqlite").read_bytes()


def test_password_for() -> None:
    from reconciler.model import Repository

    repository = Repository("A.B", ("10.80000",), "dois/", "MY_PW")
    assert password_for(repository, {"MY_PW": "x"}, embedded=False) == "x"
    assert password_for(repository, {}, embedded=False) is None
    assert password_for(repository, {}, embedded=True) == SANDBOX_PASSWORD
    assert password_for(repository, {"MY_PW": "x"}, embedded=True) == SANDBOX_PASSWORD


def test_unwritable_state_folder(repo: Repo) -> None:
    (repo.root / ".doiac").write_text("a file where the folder should be")
    with pytest.raises(ConfigError, match="cannot create"), open_endpoint(load_config(repo.config), env={}):
        pass
