"""The command line (typer lives here): parse arguments, call one use case, render, exit.

Exit codes: 0 success; 1 an expected failure (invalid files, API refused, …), reported as one line
per problem without a traceback; 2 a usage error.
"""

from __future__ import annotations

import json
import math
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from .__about__ import __version__
from .commands.apply import check_applyable, check_credentials, run_apply
from .commands.plan import Planned, connect, plan_dois
from .commands.validate import Desired, read_desired
from .config import find_config, load_config
from .core.doi import path_problem
from .datacite import Deadline
from .errors import ReconcilerError, UsageError
from .files import read_text, write_text
from .live import anonymous_repositories
from .lock import apply_lock
from .model import Config, Outcome, Plan, PlanContext, Severity
from .planfile import plan_from_dict, render_plan_json
from .render.apply_text import render_apply_summary, render_outcome
from .render.diagnostics import FORMATS, render_github, render_json, render_text, summary
from .render.plan_markdown import render_plan_markdown
from .render.plan_text import render_plan_text

PLAN_FORMATS = ("text", "markdown", "json")

app = typer.Typer(
    name="doiac",
    help="DOI-as-code: validate, plan and apply DataCite DOIs kept as YAML files in git.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",  # paragraphs of a docstring reflow to the terminal width
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


def _is_terminal(stream: Any) -> bool:
    return bool(stream.isatty()) and not os.environ.get("NO_COLOR")


def _colour(text: str, severity: Severity) -> str:
    if not _is_terminal(sys.stdout):
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


def _progress(what: str, done: int, total: int | None) -> None:
    """Progress of the live read, on a terminal only: pipes and CI logs stay clean."""
    count = f"{done:,} DOIs" if total is None else f"{done:,}/{total:,} DOIs"
    sys.stderr.write(f"\r\033[K{what}: {count}" + ("\n" if done == total else ""))
    sys.stderr.flush()


def _bar(done: int, total: int, width: int = 30) -> str:
    filled = width * done // max(total, 1)
    return f"[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} DOIs"


def _desired_or_exit(config: Config) -> Desired:
    """The valid desired records; invalid files stop a plan before any request is made."""
    desired = read_desired(config)
    errors = [d for d in desired.diagnostics if d.severity is Severity.ERROR]
    if errors:
        typer.echo(render_text(errors), err=True, nl=False)
        typer.echo(
            f"doiac: error: {len(errors)} error{'s' * (len(errors) != 1)} in the DOI files; fix them first"
            " (doiac validate shows every problem)",
            err=True,
        )
        raise typer.Exit(1)
    return desired


def _targets(target: list[str] | None, desired: Desired) -> frozenset[str] | None:
    if not target:
        return None
    targets = frozenset(t.strip().lower().removeprefix("https://doi.org/") for t in target)
    for doi in sorted(targets):
        if problem := path_problem(doi):
            raise UsageError(f"--target {doi!r} {problem}")
    unknown = sorted(targets - {r.doi for r in desired.records})
    if unknown:
        raise UsageError(f"--target names DOIs that have no file: {', '.join(unknown)}")
    return targets


TargetOption = Annotated[
    list[str] | None,
    typer.Option("--target", "-t", help="Plan only this DOI (repeatable).", show_default=False),
]
ApplyTargetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--target", "-t", help="Apply only this DOI (repeatable; not with a saved plan).", show_default=False
    ),
]
DeadlineOption = Annotated[
    float | None,
    typer.Option(
        "--deadline", metavar="SECONDS", envvar="DOIAC_DEADLINE", show_default=False,
        help="End the run after SECONDS: no request starts after that (those in flight finish); exit 1.",
    ),
]  # fmt: skip


def _deadline(seconds: float | None) -> Deadline | None:
    """The run's deadline, counted from now (the command's start)."""
    if seconds is None:
        return None
    if not (math.isfinite(seconds) and seconds > 0):
        raise UsageError(f"--deadline must be a positive number of seconds, not {seconds}")
    return Deadline.after(seconds)


@app.command()
def plan(
    output: Annotated[
        str,
        typer.Option(
            "--format", "-f", help=f"Output format: {', '.join(PLAN_FORMATS)}.", case_sensitive=False
        ),
    ] = "text",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Also save the plan as JSON, for `doiac apply FILE`.", dir_okay=False
        ),
    ] = None,
    detailed_exitcode: Annotated[
        bool,
        typer.Option("--detailed-exitcode", help="Exit 0 with no changes, 1 on error, 2 with changes."),
    ] = False,
    target: TargetOption = None,
    deadline: DeadlineOption = None,
    config_path: ConfigOption = None,
) -> None:
    """Read the live DOIs and print what apply would change: nothing is written to DataCite.

    Invalid DOI files stop the plan (exit 1). A plan with errors (such as findable → draft) is
    printed and exits 1.
    """
    until = _deadline(deadline)
    output = output.lower()
    if output not in PLAN_FORMATS:
        raise UsageError(f"--format must be one of {', '.join(PLAN_FORMATS)}, not {output!r}")
    config = _config(config_path)
    desired = _desired_or_exit(config)
    targets = _targets(target, desired)
    progress = _progress if sys.stderr.isatty() else None
    with connect(config, deadline=until) as (endpoint, clients):
        planned = plan_dois(config, desired, endpoint, clients, targets=targets, progress=progress)
    as_json = render_plan_json(planned.plan, planned.context) if output == "json" or out is not None else ""
    if output == "json":
        typer.echo(as_json, nl=False)
    elif output == "markdown":
        typer.echo(render_plan_markdown(planned.plan, planned.context), nl=False)
    else:
        typer.echo(render_plan_text(planned.plan, planned.context, colour=_is_terminal(sys.stdout)), nl=False)
    if out is not None:
        write_text(out, as_json)
    if not planned.plan.is_applyable:
        raise typer.Exit(1)
    if detailed_exitcode and planned.plan.has_changes:
        raise typer.Exit(2)


def _not_json(name: str) -> None:
    raise ValueError(f"{name} is not a JSON value")


def _saved_plan(path: Path) -> tuple[Plan, PlanContext]:
    try:
        return plan_from_dict(json.loads(read_text(path), parse_constant=_not_json))
    except (ValueError, TypeError, KeyError, RecursionError) as exc:
        raise UsageError(f"{path} is not a doiac plan file: {exc}") from None


def _confirm(planned: Planned, *, auto_approve: bool, saved: bool) -> None:
    """Ask for `yes` on a terminal; refuse to apply unattended without --auto-approve.

    A saved plan was reviewed when it was made and applies without a question, except against
    production, where an unattended apply always needs --auto-approve.
    """
    if auto_approve or (saved and planned.context.environment != "production"):
        return
    if not sys.stdin.isatty():
        raise UsageError(
            "refusing to apply without a terminal to confirm on; pass --auto-approve (as CI does)"
        )
    count = len(planned.plan.changes)
    answer = typer.prompt(
        f"Apply {count:,} change{'s' * (count != 1)} to {planned.context.environment}? Only 'yes' will be accepted",
        default="", show_default=False,
    )  # fmt: skip
    if answer.strip() != "yes":
        typer.echo("Apply cancelled: nothing was changed.")
        raise typer.Exit(1)


@app.command()
def apply(
    plan_file: Annotated[
        Path | None,
        typer.Argument(help="A plan saved by `doiac plan --out FILE`: apply exactly it.", show_default=False),
    ] = None,
    auto_approve: Annotated[
        bool, typer.Option("--auto-approve", help="Apply without asking (for CI).")
    ] = False,
    allow_bulk: Annotated[
        bool, typer.Option("--allow-bulk", help="Allow more one-way changes than limits.max_one_way.")
    ] = False,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report", help="Append one JSON line per DOI to this file as each finishes.", dir_okay=False
        ),
    ] = None,
    target: ApplyTargetOption = None,
    lock_timeout: Annotated[
        float,
        typer.Option(
            "--lock-timeout", min=0, help="Wait up to SECONDS for another apply to the same environment."
        ),
    ] = 0.0,
    deadline: DeadlineOption = None,
    config_path: ConfigOption = None,
) -> None:
    """Make DataCite match the files: plan afresh (or take a saved plan), confirm, apply, read back.

    Each changed DOI takes one request (metadata and state event together), then a read-back that
    says what DataCite applied, rewrote or ignored. Exits 1 if any DOI failed; running apply again
    converges.
    """
    until = _deadline(deadline)
    config = _config(config_path)
    desired = _desired_or_exit(config)
    targets = _targets(target, desired)
    saved = _saved_plan(plan_file) if plan_file is not None else None
    if saved is not None and targets is not None:
        raise UsageError("--target cannot narrow a saved plan; plan again with --target")
    colour = _is_terminal(sys.stdout)
    with (
        apply_lock(config, os.environ, timeout=lock_timeout),
        connect(config, deadline=until) as (endpoint, clients),
    ):
        if saved is None:
            progress = _progress if sys.stderr.isatty() else None
            planned = plan_dois(config, desired, endpoint, clients, targets=targets, progress=progress)
            typer.echo(render_plan_text(planned.plan, planned.context, colour=colour), nl=False)
        else:
            planned = Planned(saved[0], saved[1], desired)
        check_applyable(
            planned.plan, config, desired, allow_bulk=allow_bulk, saved=saved[1] if saved else None,
            anonymous=anonymous_repositories(clients),
        )  # fmt: skip
        if not planned.plan.changes:
            typer.echo("Nothing to apply.")
            return
        _confirm(planned, auto_approve=auto_approve, saved=saved is not None)
        check_credentials(config, clients)

        total, done = len(planned.plan.changes), [0]
        bar = sys.stderr.isatty() and sys.stdout.isatty()

        def show(outcome: Outcome) -> None:
            done[0] += 1
            if bar:  # the bar sits under the outcome lines, redrawn after each one
                sys.stderr.write("\r\033[K")
                sys.stderr.flush()
            typer.echo(render_outcome(outcome, colour=colour), nl=False)
            if bar:
                sys.stderr.write(_bar(done[0], total) if done[0] < total else "")
                sys.stderr.flush()

        result = run_apply(
            planned.plan, planned.context, desired, clients, saved=saved is not None,
            report_path=report, env=os.environ, on_outcome=show,
        )  # fmt: skip
    typer.echo(render_apply_summary(result), nl=False)
    if not result.ok:
        raise typer.Exit(1)


def _repository(spec: str) -> Any:
    """ID:PASSWORD:PREFIX[,PREFIX][:DOMAIN,…] → a sandbox repository account.

    With no PASSWORD (`ID::PREFIX…`) it comes from $DOIAC_SANDBOX_PASSWORD_<ID>, ID upper case with
    each character other than a letter or digit as `_`: a password in argv shows in `ps`.
    """
    from .sandbox import Client  # noqa: PLC0415 - the sandbox (uvicorn, starlette) loads only when asked for

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
        password = os.environ.get(variable, "")
        if not password:
            raise UsageError(f"--repository {spec}: no password; set {variable}")
    domains = tuple(d for d in parts[3].split(",") if d) if len(parts) == 4 else ("*",)
    return Client(parts[0].upper(), password, tuple(p for p in parts[2].split(",") if p), domains)


@app.command()
def sandbox(
    repository: Annotated[
        list[str],
        typer.Option(
            "--repository",
            "-r",
            help="A repository account as ID:PASSWORD:PREFIX[,PREFIX][:DOMAIN,...] (repeatable). Leave"
            " PASSWORD empty (ID::PREFIX...) to take it from $DOIAC_SANDBOX_PASSWORD_<ID> (ID upper case,"
            " other characters than letters and digits as _), out of sight of `ps`.",
        ),
    ],
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    db: Annotated[Path, typer.Option(help="SQLite file holding the sandbox's state.")] = Path(
        ".doiac/sandbox.sqlite"
    ),
    latency_ms: Annotated[
        float, typer.Option(help="Latency added to every request, in milliseconds (0 to 60000).")
    ] = 0.0,
    rate_limit: Annotated[
        str | None,
        typer.Option(help="Answer 429 above N requests per SECONDS, written N/SECONDS (N ≥ 1, SECONDS > 0)."),
    ] = None,
    fail_rate: Annotated[
        float, typer.Option(help="Share of requests that fail (5xx or dropped), 0 to 1.")
    ] = 0.0,
    lose_rate: Annotated[
        float,
        typer.Option(
            help="Share of writes that run but whose answer is lost (the connection drops), 0 to 1."
        ),
    ] = 0.0,
    index_lag: Annotated[
        float, typer.Option(help="Seconds before a write shows in GET /dois lists (0 to 3600).")
    ] = 0.0,
    seed: Annotated[int, typer.Option(help="Seed of the random source (suffixes, injected faults).")] = 0,
) -> None:
    """Serve the local DataCite-compatible API (the /dois endpoints) until interrupted.

    The same emulator `environment: sandbox` starts in-process; run it yourself to point other
    tools, or `environment: http://127.0.0.1:PORT`, at it. Passwords are never printed.

    The admin endpoints (`/_sandbox/...`) want the header `X-Doiac-Sandbox-Token`: the token is
    $DOIAC_SANDBOX_TOKEN, or else a new one printed once on stderr at start.
    """
    from .sandbox import (  # noqa: PLC0415 - see _repository
        TOKEN_ENV,
        SandboxBusyError,
        SandboxOptions,
        SettingsError,
        check_settings,
        serve,
    )

    settings = {"latency_ms": latency_ms, "rate_limit": rate_limit, "fail_rate": fail_rate,
                "lose_rate": lose_rate, "index_lag": index_lag, "seed": seed}  # fmt: skip
    try:
        checked = check_settings(settings)
    except SettingsError as exc:
        options = (f"--{name.replace('_', '-')}: {problem}" for name, problem in exc.problems.items())
        raise UsageError("; ".join(options)) from None
    repositories = [_repository(spec) for spec in repository]
    if host not in {"127.0.0.1", "localhost", "::1"}:
        typer.echo(
            f"doiac: warning: serving on {host}: anyone who can reach it can use the sandbox", err=True
        )
    db.parent.mkdir(parents=True, exist_ok=True)
    token = os.environ.get(TOKEN_ENV) or None  # empty: as unset, never an empty token
    try:
        serve(db, SandboxOptions(**checked, repositories=repositories), host, port,
              admin_token=token, token_source=f"${TOKEN_ENV}")  # fmt: skip
    except SandboxBusyError as exc:
        raise ReconcilerError(f"{exc}; stop it, or give this one another --db") from None


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
    except KeyboardInterrupt:
        typer.echo(
            "doiac: interrupted: requests in flight finished, nothing else was started; run the command"
            " again (apply converges from what DataCite holds)",
            err=True,
        )
        return 130
    except ReconcilerError as exc:
        for line in str(exc).splitlines() or [type(exc).__name__]:
            typer.echo(f"doiac: error: {line}", err=True)
        return 1
    return 0  # pragma: no cover - standalone mode always ends in SystemExit
