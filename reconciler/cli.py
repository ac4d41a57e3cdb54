"""The command line (typer lives here): parse arguments, call one use case, render, exit.

Exit codes: 0 success; 1 an expected failure (invalid files, API refused, …), reported as one line
per problem without a traceback; 2 a usage error.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from .__about__ import __version__
from .config import find_config, load_config
from .desired import read_desired
from .errors import ReconcilerError, UsageError
from .model import Config, Severity
from .render.diagnostics import FORMATS, render_github, render_json, render_text, summary

app = typer.Typer(
    name="doiac",
    help="DOI-as-code: validate, plan and apply DataCite DOIs kept as YAML files in git.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help="Path to doiac.yaml (default: the nearest one in this folder or above).",
        envvar="DOIAC_CONFIG",
        dir_okay=False,
    ),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"doiac {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", help="Show the version and exit.", callback=_version, is_eager=True)
    ] = False,
) -> None:
    """DOI-as-code: validate, plan and apply DataCite DOIs kept as YAML files in git."""


def _config(path: Path | None) -> Config:
    return load_config(path if path is not None else find_config(Path.cwd()))


def _colour(text: str, severity: Severity) -> str:
    if not sys.stdout.isatty() or os.environ.get("NO_COLOR"):
        return text
    colours = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
    tag = f": {severity.value}: "
    return text.replace(tag, ": " + typer.style(severity.value, fg=colours[severity], bold=True) + ": ", 1)


@app.command()
def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="DOI files or folders to check (default: every repository's folder).", show_default=False
        ),
    ] = None,
    output: Annotated[
        str,
        typer.Option("--format", "-f", help=f"Output format: {', '.join(FORMATS)}.", case_sensitive=False),
    ] = "text",
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")] = False,
    config_path: ConfigOption = None,
) -> None:
    """Check DOI files offline: YAML, schema, identifiers, prefixes, duplicates, best practice.

    Reports every problem at once as file:line:col: severity: /pointer: message and exits 1 if
    there is any error.
    """
    output = output.lower()
    if output not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}, not {output!r}")
    config = _config(config_path)
    desired = read_desired(config, paths or ())
    diagnostics = list(desired.diagnostics)
    if strict:
        diagnostics = [
            d.with_severity(Severity.ERROR) if d.severity is Severity.WARNING else d for d in diagnostics
        ]
    if output == "json":
        typer.echo(render_json(diagnostics, desired.files), nl=False)
    elif output == "github":
        typer.echo(render_github(diagnostics), nl=False)
    else:
        for diagnostic in diagnostics:
            typer.echo(_colour(render_text([diagnostic]), diagnostic.severity), nl=False)
        typer.echo(summary(diagnostics, desired.files), nl=False)
    if any(d.severity is Severity.ERROR for d in diagnostics):
        raise typer.Exit(1)


def _repository(spec: str) -> Any:
    """ID:PASSWORD:PREFIX[,PREFIX][:DOMAIN,…] → a sandbox repository account."""
    from .sandbox import Client  # noqa: PLC0415 - the sandbox (uvicorn, starlette) loads only when asked for

    parts = spec.split(":")
    if len(parts) not in (3, 4) or not all(parts[:3]):
        raise UsageError(f"--repository takes ID:PASSWORD:PREFIX[,PREFIX][:DOMAIN,...], not {parts[0]}:…")
    domains = tuple(d for d in parts[3].split(",") if d) if len(parts) == 4 else ("*",)
    return Client(parts[0].upper(), parts[1], tuple(p for p in parts[2].split(",") if p), domains)


@app.command()
def sandbox(
    repository: Annotated[
        list[str],
        typer.Option(
            "--repository",
            "-r",
            help="A repository account as ID:PASSWORD:PREFIX[,PREFIX][:DOMAIN,...] (repeatable).",
        ),
    ],
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    db: Annotated[Path, typer.Option(help="SQLite file holding the sandbox's state.")] = Path(
        ".doiac/sandbox.sqlite"
    ),
    latency_ms: Annotated[float, typer.Option(help="Latency added to every request, in milliseconds.")] = 0.0,
    rate_limit: Annotated[
        str | None, typer.Option(help="Answer 429 above N requests per SECONDS, written N/SECONDS.")
    ] = None,
    fail_rate: Annotated[
        float, typer.Option(help="Share of requests that fail (5xx or dropped), 0 to 1.")
    ] = 0.0,
    index_lag: Annotated[float, typer.Option(help="Seconds before a write shows in GET /dois lists.")] = 0.0,
    seed: Annotated[int, typer.Option(help="Seed of the random source (suffixes, injected faults).")] = 0,
) -> None:
    """Serve the local DataCite-compatible API (the /dois endpoints) until interrupted.

    The same emulator `environment: sandbox` starts in-process; run it yourself to point other
    tools, or `environment: http://127.0.0.1:PORT`, at it. Passwords are never printed.
    """
    from .sandbox import SandboxOptions, parse_rate, serve  # noqa: PLC0415 - see _repository

    if host not in {"127.0.0.1", "localhost", "::1"}:
        typer.echo(
            f"doiac: warning: serving on {host}: anyone who can reach it can use the sandbox", err=True
        )
    db.parent.mkdir(parents=True, exist_ok=True)
    options = SandboxOptions(
        latency_ms=latency_ms,
        rate_limit=parse_rate(rate_limit) if rate_limit else None,
        fail_rate=fail_rate,
        index_lag=index_lag,
        seed=seed,
        repositories=[_repository(spec) for spec in repository],
    )
    serve(db, options, host, port)


def main(argv: list[str] | None = None) -> int:
    """Console entry point: expected failures become one line on stderr and exit code 1 (2 for usage)."""
    try:
        # Standalone mode: typer itself prints usage errors (exit 2) and help, and ends with SystemExit.
        app(args=argv, prog_name="doiac")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except UsageError as exc:
        typer.echo(f"doiac: usage error: {exc}", err=True)
        return 2
    except ReconcilerError as exc:
        for line in str(exc).splitlines() or [type(exc).__name__]:
            typer.echo(f"doiac: error: {line}", err=True)
        return 1
    return 0  # pragma: no cover - standalone mode always ends in SystemExit
