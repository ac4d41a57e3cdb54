"""`doiac sandbox`: the local DataCite-compatible API, served until interrupted."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .app import app, examples, use_case

if TYPE_CHECKING:
    from ..commands import sandbox as sandbox_command
else:
    sandbox_command = use_case("sandbox")

RepositoryOption = Annotated[
    list[str],
    typer.Option(
        "--repository", "-r", metavar="ID:PASSWORD:PREFIX[,PREFIX][:DOMAIN,...]",
        help="A repository account (repeatable). Leave PASSWORD empty (ID::PREFIX...) to take it from"
        " $DOIAC_SANDBOX_PASSWORD_<ID> (ID upper case, other characters than letters and digits as _),"
        " out of sight of `ps`.",
    ),
]  # fmt: skip
HostOption = Annotated[str, typer.Option(metavar="ADDRESS", help="Address to listen on.")]
PortOption = Annotated[int, typer.Option("--port", metavar="PORT", help="Port to listen on.")]
DbOption = Annotated[Path, typer.Option(metavar="FILE", help="SQLite file holding the sandbox's state.")]
LatencyOption = Annotated[
    float, typer.Option(metavar="MS", help="Latency added to every request, in milliseconds (0 to 60000).")
]
RateLimitOption = Annotated[
    str | None,
    typer.Option(metavar="N/SECONDS", show_default=False,
                 help="Answer 429 above N requests per SECONDS (N ≥ 1, SECONDS > 0)."),
]  # fmt: skip
FailRateOption = Annotated[
    float, typer.Option(metavar="SHARE", help="Share of requests that fail (5xx or dropped), 0 to 1.")
]
LoseRateOption = Annotated[
    float,
    typer.Option(metavar="SHARE", help="Share of writes that run but whose answer is lost, 0 to 1."),
]
IndexLagOption = Annotated[
    float,
    typer.Option(metavar="SECONDS", help="Seconds before a write shows in GET /dois lists (0 to 3600)."),
]
SeedOption = Annotated[int, typer.Option(metavar="N", help="Seed of the random source (suffixes, faults).")]


@app.command(
    short_help="Serve the local DataCite-compatible API until interrupted.",
    epilog=examples("doiac sandbox -r EXAMPLE.REPO::10.80000 --port 8000"),
)
def sandbox(
    repository: RepositoryOption,
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    db: DbOption = Path(".doiac/sandbox.sqlite"),
    latency_ms: LatencyOption = 0.0,
    rate_limit: RateLimitOption = None,
    fail_rate: FailRateOption = 0.0,
    lose_rate: LoseRateOption = 0.0,
    index_lag: IndexLagOption = 0.0,
    seed: SeedOption = 0,
) -> None:
    """Serve the local DataCite-compatible API (the /dois endpoints) until interrupted.

    The same emulator `environment: sandbox` starts in-process. Passwords are never printed. The
    admin endpoints (/_sandbox/...) want the header X-Doiac-Sandbox-Token: $DOIAC_SANDBOX_TOKEN,
    or else a new token printed once on stderr at start.
    """
    settings = {"latency_ms": latency_ms, "rate_limit": rate_limit, "fail_rate": fail_rate,
                "lose_rate": lose_rate, "index_lag": index_lag, "seed": seed}  # fmt: skip
    sandbox_command.run(repository, settings, host=host, port=port, db=db, env=os.environ,
                        warn=lambda message: typer.echo(f"doiac: warning: {message}", err=True))  # fmt: skip
