"""The use case behind `doiac sandbox`: serve the local DataCite emulator until interrupted."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import ReconcilerError, UsageError

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def repository_account(spec: str, env: Mapping[str, str]) -> Any:
    """ID:PASSWORD:PREFIX[,PREFIX][:DOMAIN,…] → a sandbox repository account.

    With no PASSWORD (`ID::PREFIX…`) it comes from $DOIAC_SANDBOX_PASSWORD_<ID>, ID upper case with
    each character other than a letter or digit as `_`: a password in argv shows in `ps`.
    """
    from ..sandbox import Client  # noqa: PLC0415 - the sandbox (uvicorn, starlette) loads only when asked for

    parts = spec.split(":")
    if len(parts) not in (3, 4) or not parts[0] or not parts[2]:
        raise UsageError(
            f"--repository takes ID:PASSWORD:PREFIX[,PREFIX][:DOMAIN,...] or ID::PREFIX..., not {parts[0]}:…"
        )
    password = parts[1]
    if not password:
        variable = "DOIAC_SANDBOX_PASSWORD_" + "".join(
            c if c.isascii() and c.isalnum() else "_" for c in parts[0].upper()
        )
        password = env.get(variable, "")
        if not password:
            raise UsageError(f"--repository {spec}: no password; set {variable}")
    domains = tuple(d for d in parts[3].split(",") if d) if len(parts) == 4 else ("*",)
    return Client(parts[0].upper(), password, tuple(p for p in parts[2].split(",") if p), domains)


def run(
    specs: Sequence[str],
    settings: Mapping[str, Any],
    *,
    host: str,
    port: int,
    db: Path,
    env: Mapping[str, str],
    warn: Callable[[str], None],
) -> None:
    """`doiac sandbox`: check the accounts and settings, then serve until interrupted."""
    from ..sandbox import (  # noqa: PLC0415 - see repository_account
        TOKEN_ENV,
        SandboxBusyError,
        SandboxOptions,
        SettingsError,
        check_settings,
        serve,
    )

    try:
        checked = check_settings(dict(settings))
    except SettingsError as exc:
        options = (f"--{name.replace('_', '-')}: {problem}" for name, problem in exc.problems.items())
        raise UsageError("; ".join(options)) from None
    repositories = [repository_account(spec, env) for spec in specs]
    if host not in LOOPBACK_HOSTS:
        warn(f"serving on {host}: anyone who can reach it can use the sandbox")
    db.parent.mkdir(parents=True, exist_ok=True)
    token = env.get(TOKEN_ENV) or None  # empty: as unset, never an empty token
    try:
        serve(db, SandboxOptions(**checked, repositories=repositories), host, port,
              admin_token=token, token_source=f"${TOKEN_ENV}")  # fmt: skip
    except SandboxBusyError as exc:
        raise ReconcilerError(f"{exc}; stop it, or give this one another --db") from None
