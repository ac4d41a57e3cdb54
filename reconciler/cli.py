"""The command line (typer lives here): parse arguments, call one use case, render, exit.

Exit codes: 0 success; 1 an expected failure (invalid files, API refused, …), reported as one line
per problem without a traceback; 2 a usage error.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

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
