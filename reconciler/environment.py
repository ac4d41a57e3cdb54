"""Where a command talks to: DataCite test, production, a URL, or the embedded sandbox.

`environment: sandbox` (the default) starts the local emulator in-process on a free loopback
port for the duration of the command, with the config's repository accounts provisioned and
its state kept in `.doiac/sandbox.sqlite`, so a fresh clone can plan and apply with no account
and no network. A repository whose `credential` is an API key gets a fresh key from the sandbox
for the command, sent as the config says: the key path is exercised with no real secret.

A pull request can edit doiac.yaml, so an environment URL decides nothing alone: passwords go
only to DataCite's own API hosts, to loopback, or to hosts named in DOIAC_ALLOW_HOSTS, which is
set where doiac runs (a CI variable), outside the reviewed files.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .config import is_loopback, url_problem
from .datacite import BUDGETS, ENDPOINTS
from .errors import ConfigError, ConfigErrors
from .model import Config, Diagnostic, Repository

SANDBOX_PASSWORD = "sandbox"
"""The embedded sandbox's password when the configured variable is unset: it guards nothing real."""
SANDBOX_DB = Path(".doiac") / "sandbox.sqlite"
ALLOW_HOSTS = "DOIAC_ALLOW_HOSTS"
"""The variable naming, comma-separated, the other https hosts a password may be sent to."""
DATACITE_HOSTS = tuple(sorted(str(urlsplit(url).hostname) for url in ENDPOINTS.values()))


@dataclass(frozen=True)
class Endpoint:
    """A resolved environment: its name for messages, base URL, and request budget per 5 minutes."""

    name: str
    url: str
    budget: int | None
    embedded: bool = False
    keys: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)
    """The API keys the embedded sandbox issued for this run, by repository ID."""


def in_ci(env: Mapping[str, str]) -> bool:
    """True in a CI job: GitHub Actions, GitLab CI and most others set CI=true."""
    return env.get("CI", "").strip().lower() in {"true", "1", "yes"}


def password_for(
    repository: Repository, env: Mapping[str, str], *, embedded: bool, keys: Mapping[str, str] | None = None
) -> str | None:
    """The password or API key from the variable the config names; the embedded sandbox's own.

    The embedded sandbox never takes the real password or key: it would be stored in its SQLite
    file, and a CI job that sets DATACITE_PASSWORD for production must not leave it on disk. It
    answers to its own password, or to the API key it issued (`keys`, from the Endpoint).
    """
    if embedded:
        return (keys or {}).get(repository.id, SANDBOX_PASSWORD)
    return env.get(repository.password_env) or None


@contextmanager
def open_endpoint(config: Config, env: Mapping[str, str] | None = None) -> Iterator[Endpoint]:
    """The endpoint of `config.environment`; for the embedded sandbox, started and stopped here."""
    env = os.environ if env is None else env
    budget = config.limits.rate
    name = config.environment
    if name in ENDPOINTS:
        yield Endpoint(name, ENDPOINTS[name], budget or BUDGETS[name])
        return
    if name != "sandbox":
        _check_url(config, env)
        yield Endpoint(name, name.rstrip("/"), budget)
        return
    if in_ci(env) and not config.sandbox_in_ci:
        raise ConfigError(
            "environment: sandbox under CI (CI=true): plan and apply would talk to the embedded"
            " emulator, not DataCite. Set `environment: test` or `production` in doiac.yaml (and the"
            " password secret), or `sandbox_in_ci: true` if the sandbox is what this job is for"
        )
    from .sandbox import Client, SandboxBusyError, SandboxOptions, SandboxServer  # noqa: PLC0415 - loaded only when used
    from .sandbox.store import new_api_key  # noqa: PLC0415

    keys = {r.id: new_api_key() for r in config.repositories if r.credential != "password"}
    accounts = [
        Client(
            r.id.upper(),
            SANDBOX_PASSWORD,
            r.prefixes,
            r.domains or ("*",),
            keys.get(r.id),
        )
        for r in config.repositories
    ]
    db = Path(config.root) / SANDBOX_DB
    try:
        db.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot create {db.parent} for the sandbox's state: {exc.strerror}") from None
    try:
        server = SandboxServer(db, SandboxOptions(repositories=accounts))
    except SandboxBusyError as exc:
        raise ConfigError(
            f"the embedded sandbox cannot start: {exc}; wait for the other doiac command in this"
            " repository to finish (or stop the `doiac sandbox` serving this file)"
        ) from None
    with server:
        yield Endpoint("sandbox", server.url, budget, embedded=True, keys=keys)


def _check_url(config: Config, env: Mapping[str, str]) -> None:
    """Refuse, before any request, an environment URL that a password must not travel to."""
    problem = url_problem(config.environment)
    host = str(urlsplit(config.environment).hostname)
    allowed = {h.strip().lower() for h in env.get(ALLOW_HOSTS, "").split(",")}
    if problem is None and not (is_loopback(host) or host in DATACITE_HOSTS or host in allowed):
        problem = (
            f"doiac sends passwords only to DataCite ({', '.join(DATACITE_HOSTS)}) and to loopback, "
            f"not to {host}; to use {host}, set {ALLOW_HOSTS}={host} where doiac runs "
            "(a CI variable, not a file a pull request can change)"
        )
    if problem is not None:
        found = Diagnostic(config.path, 1, 1, pointer="/environment", message=problem)
        raise ConfigErrors([config.source.place(found) if config.source else found])
