"""`doiac validate` and `doiac fmt`: the offline checks of DOI files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..model import Severity
from ..render.diagnostics import render_github, render_json, render_rules, render_text, summary
from ..render.text import CYAN, RED, YELLOW, paint, plural, printable
from .app import ConfigOption, NoCacheFlag, app, examples, is_terminal, one_of, use_case

if TYPE_CHECKING:
    from ..commands import fmt as fmt_command
    from ..commands import validate as validate_command
else:
    fmt_command, validate_command = use_case("fmt"), use_case("validate")

PathsArgument = Annotated[
    list[Path] | None,
    typer.Argument(metavar="PATH", show_default=False,
                   help="DOI files or folders to check (default: every repository's folder)."),
]  # fmt: skip


ValidateFormat = Annotated[
    str,
    typer.Option("--format", "-f", metavar="[text|github|json]", help="Output format.",
                 callback=one_of("text", "github", "json")),
]  # fmt: skip
StrictFlag = Annotated[
    bool,
    typer.Option(
        "--strict", help="Treat warnings (DataCite's documentation) as errors; advice stays advice."
    ),
]
SelectOption = Annotated[
    list[str] | None,
    typer.Option("--select", metavar="RULE", show_default=False,
                 help="Report only these rules' warnings and advice (repeatable, or comma-separated)."),
]  # fmt: skip
IgnoreOption = Annotated[
    list[str] | None,
    typer.Option("--ignore", metavar="RULE", show_default=False,
                 help="Do not report these rules' warnings and advice; errors always show."),
]  # fmt: skip
RulesFlag = Annotated[bool, typer.Option("--rules", help="List every rule: id, level, what it checks.")]

_SEVERITY_COLOURS = {
    Severity.ERROR: f"1;{RED}",
    Severity.WARNING: f"1;{YELLOW}",
    Severity.ADVICE: f"1;{CYAN}",
    Severity.INFO: f"1;{CYAN}",
}


def _colour(text: str, severity: Severity) -> str:
    """A diagnostic line with its severity word in bold colour, on a terminal."""
    word = paint(severity.value, _SEVERITY_COLOURS[severity], colour=is_terminal(sys.stdout))
    return text.replace(f": {severity.value}: ", f": {word}: ", 1)


@app.command(
    short_help="Check DOI files offline (no network, no password).",
    epilog=examples("doiac validate", "doiac validate --format github dois/10.80000"),
)
def validate(
    paths: PathsArgument = None,
    output: ValidateFormat = "text",
    strict: StrictFlag = False,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    rules: RulesFlag = False,
    no_cache: NoCacheFlag = False,
    config_path: ConfigOption = None,
) -> None:
    """Check DOI files offline: YAML, schema, identifiers, prefixes, duplicates, best practice.

    Reports every problem at once as file:line:col: severity: /pointer: message and exits 1 if
    there is any error. error: DataCite refuses it; warning: its documentation asks for it
    (--strict makes these errors); advice: best practice (never an error).
    """
    if rules:
        raise typer.Exit(_echo(render_rules()))
    result = validate_command.run(
        config_path, paths or (), strict=strict, select=_ids(select), ignore=_ids(ignore), cache=not no_cache
    )
    _show_diagnostics(result, output)
    raise typer.Exit(1 if result.has_errors else 0)


def _ids(values: list[str] | None) -> tuple[str, ...]:
    """Rule ids from repeated and comma-separated options."""
    return tuple(part.strip() for value in values or () for part in value.split(",") if part.strip())


def _echo(text: str) -> int:
    typer.echo(text, nl=False)
    return 0


def _show_diagnostics(result: validate_command.Validated, output: str) -> None:
    if output == "json":
        typer.echo(render_json(result.diagnostics, result.files), nl=False)
    elif output == "github":
        typer.echo(render_github(result.diagnostics), nl=False)
    else:
        for diagnostic in result.diagnostics:
            typer.echo(_colour(render_text([diagnostic]), diagnostic.severity), nl=False)
        typer.echo(summary(result.diagnostics, result.files), nl=False)


CheckFlag = Annotated[bool, typer.Option("--check", help="Write nothing; exit 1 if a file would change.")]
FmtPathsArgument = Annotated[
    list[Path] | None,
    typer.Argument(metavar="PATH", show_default=False,
                   help="DOI files or folders to format (default: every repository's folder)."),
]  # fmt: skip


@app.command(
    short_help="Rewrite DOI files in canonical layout, keeping comments.",
    epilog=examples("doiac fmt", "doiac fmt --check"),
)
def fmt(paths: FmtPathsArgument = None, check: CheckFlag = False, config_path: ConfigOption = None) -> None:
    """Put DOI files in canonical key order and layout; comments and blank lines stay.

    With --check nothing is written and the files that would change are named (exit 1).
    """
    results = fmt_command.run(config_path, paths or (), check=check)
    for item in results:
        if item.error:
            typer.echo(f"{printable(item.path)}: error: {printable(item.error)}", err=True)
        elif item.changed:
            typer.echo(f"{'would reformat' if check else 'reformatted'} {printable(item.path)}")
    changed = sum(item.changed for item in results)
    failed = sum(bool(item.error) for item in results)
    typer.echo(
        f"{plural(len(results), 'file')}: {changed} {'to reformat' if check else 'reformatted'}, {failed} failed."
    )
    raise typer.Exit(1 if failed or (check and changed) else 0)
