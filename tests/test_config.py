from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.config import find_config, load_config, repository_for
from reconciler.errors import ConfigError, ConfigErrors
from reconciler.model import Limits, Repository

from .conftest import Repo


def test_load_minimal(repo: Repo) -> None:
    config = load_config(repo.config)
    assert config.environment == "sandbox"
    assert config.repositories == (
        Repository(
            "EXAMPLE.REPO", ("10.80000",), "dois/", "DATACITE_PASSWORD", ("data.example.org", "*.example.org")
        ),
    )
    assert config.limits == Limits(max_one_way=100, rate=None)
    assert (config.unmanaged, config.prune_drafts, config.mailto, config.defaults) == (
        "warn",
        False,
        None,
        {},
    )
    assert config.root == "."


def test_load_full(repo: Repo) -> None:
    repo.write(
        "doiac.yaml",
        """\
        environment: http://127.0.0.1:8080
        mailto: ops@example.org
        repositories:
          - {id: A.ONE, prefixes: ["10.80000", "10.80001"], path: ./dois/a, password_env: A_PW}
          - {id: B.TWO, prefixes: ["10.80002"], path: dois/b/, defaults: {language: en}}
        defaults: {publisher: Example}
        unmanaged: error
        prune_drafts: true
        limits: {max_one_way: 5, rate: 300}
        """,
    )
    config = load_config(repo.config)
    assert [(r.id, r.path, r.password_env, r.defaults) for r in config.repositories] == [
        ("A.ONE", "dois/a/", "A_PW", {}),
        ("B.TWO", "dois/b/", "DATACITE_PASSWORD", {"language": "en"}),
    ]
    assert (config.environment, config.mailto, config.unmanaged, config.prune_drafts) == (
        "http://127.0.0.1:8080", "ops@example.org", "error", True,
    )  # fmt: skip
    assert config.limits == Limits(5, 300)
    assert config.defaults == {"publisher": "Example"}


BAD = [
    ("no-repositories", "environment: sandbox\n",
     ["doiac.yaml:1:1: /repositories: missing required key `repositories`"]),
    ("unknown-key", "repositories: []\nenviroment: test\n",
     ["doiac.yaml:1:15: /repositories: must not be an empty list",
      "doiac.yaml:2:1: /enviroment: unknown key `enviroment`; did you mean `environment`?"]),
    ("bad-prefix-and-id", "repositories:\n  - id: EXAMPLE\n    prefixes: ['10.8']\n    path: dois/\n",
     ["doiac.yaml:2:9: /repositories/0/id: a repository ID looks like PROVIDER.REPOSITORY, e.g. EXAMPLE.REPO",
      "doiac.yaml:3:16: /repositories/0/prefixes/0: a DOI prefix looks like 10.12345"]),
    ("secret-as-env-name", "repositories:\n  - {id: A.B, prefixes: ['10.80000'], path: d/, password_env: 'hunter2!'}\n",
     ["doiac.yaml:2:63: /repositories/0/password_env: password_env names an environment variable "
      "(letters, digits, _), it is not the password"]),
    ("bad-environment", "environment: staging\nrepositories:\n  - {id: A.B, prefixes: ['10.80000'], path: d/}\n",
     ["doiac.yaml:1:14: /environment: 'staging' is not sandbox, test, production or an http(s) URL"]),
    ("http-off-loopback", "environment: http://api.example.org\nrepositories:\n  - {id: A.B, prefixes: ['10.80000'], path: d/}\n",
     ["doiac.yaml:1:14: /environment: plain http is allowed only on loopback (passwords travel in it)"]),
    ("user-in-url", "environment: http://localhost@192.0.2.2:18081\nrepositories:\n  - {id: A.B, prefixes: ['10.80000'], path: d/}\n",
     ["doiac.yaml:1:14: /environment: a user or password in the URL is refused: the password comes from the "
      "variable password_env names"]),
    ("shared-prefix-and-path",
     "repositories:\n  - {id: A.B, prefixes: ['10.80000'], path: d/}\n  - {id: A.C, prefixes: ['10.80000'], path: ./d}\n",
     ["doiac.yaml:3:26: /repositories/1/prefixes/0: prefix 10.80000 is already listed under repository #1; "
      "a prefix belongs to one repository account",
      "doiac.yaml:3:45: /repositories/1/path: path ./d is already the folder of repository #1; "
      "give each repository account its own folder"]),
    ("path-escapes", "repositories:\n  - {id: A.B, prefixes: ['10.80000'], path: ../elsewhere}\n",
     ["doiac.yaml:2:45: /repositories/0/path: path must be a folder inside the repository"]),
    ("doi-default", "repositories:\n  - {id: A.B, prefixes: ['10.80000'], path: d/}\ndefaults: {doi: 10.1/x}\n",
     ["doiac.yaml:3:11: /defaults: `doi` cannot be a default: every file names its own DOI"]),
    ("bad-rate", "repositories:\n  - {id: A.B, prefixes: ['10.80000'], path: d/}\nlimits: {rate: fast}\n",
     ["doiac.yaml:3:16: /limits/rate: rate is a number of requests per five minutes, or auto"]),
    ("not-a-mapping", "- a\n", ["doiac.yaml:1:1: : the document is a list; a DOI file must be a mapping of keys to values"]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_config(repo: Repo, text: str, expected: list[str]) -> None:
    repo.write("doiac.yaml", text)
    with pytest.raises(ConfigErrors) as caught:
        load_config(repo.config)
    assert str(caught.value).splitlines() == expected


def test_find_config_walks_up(repo: Repo) -> None:
    nested = repo.root / "dois" / "10.80000"
    nested.mkdir(parents=True)
    assert find_config(nested) == repo.config.resolve()


def test_find_config_missing(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"no doiac\.yaml in"):
        find_config(tmp_path)


def test_config_outside_cwd_keeps_absolute_path(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert load_config(repo.config).path == str(repo.config)


def test_repository_for_deepest_folder_wins(repo: Repo) -> None:
    repo.write(
        "doiac.yaml",
        "repositories:\n  - {id: A.B, prefixes: ['10.80000'], path: dois}\n"
        "  - {id: A.C, prefixes: ['10.80001'], path: dois/special}\n",
    )
    config = load_config(repo.config)
    found = repository_for(config, "dois/special/x.yaml")
    assert found is not None
    assert found[1].id == "A.C"
    assert repository_for(config, "dois/x.yaml") == (0, config.repositories[0])
    assert repository_for(config, "doisx/x.yaml") is None


def test_non_mapping_repository_entries_are_reported_once(repo: Repo) -> None:
    repo.write("doiac.yaml", "repositories: [1]\n")
    with pytest.raises(ConfigErrors) as caught:
        load_config(repo.config)
    assert str(caught.value) == "doiac.yaml:1:16: /repositories/0: expected a mapping, got an integer"
