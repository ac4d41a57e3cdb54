"""`doiac show` and `doiac history`: a live DOI as its file would hold it, and its provenance."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from ..render.files_text import render_shown
from ..render.history_text import audit_data, history_data, render_audit, render_history
from .app import ConfigOption, app, examples, live_progress, one_of, use_case

if TYPE_CHECKING:
    from ..commands import history as history_command
    from ..commands import show as show_command
else:
    history_command, show_command = use_case("history"), use_case("show")

ShowDoiArgument = Annotated[str, typer.Argument(metavar="DOI", show_default=False, help="The DOI to show.")]


@app.command(
    short_help="Show a live DOI in file form, and its diff against the file.",
    epilog=examples("doiac show 10.80000/3mfp-6m52"),
)
def show(doi: ShowDoiArgument, config_path: ConfigOption = None) -> None:
    """Read one DOI from DataCite and print it as its DOI file would hold it (what import writes).

    When the DOI has a file, the fields the next plan would change follow.
    """
    typer.echo(render_shown(show_command.run(config_path, doi)), nl=False)


GitOnlyFlag = Annotated[bool, typer.Option("--offline", help="Git only: do not read DataCite's activities.")]
LimitOption = Annotated[
    int, typer.Option("--limit", metavar="N", min=1, help="Show at most N commits (newest first).")
]


HistoryDoiArgument = Annotated[
    str | None, typer.Argument(metavar="DOI", show_default=False, help="The DOI whose history to show.")
]
AllFlag = Annotated[
    bool, typer.Option("--all", help="Every DOI with a file: list the out-of-band changes only (an audit).")
]
SinceOption = Annotated[
    str | None,
    typer.Option("--since", metavar="DATE", show_default=False,
                 help="With --all: only changes at or after DATE (2026-01-31 or an ISO 8601 time, UTC)."),
]  # fmt: skip
HistoryFormat = Annotated[
    str,
    typer.Option(
        "--format", "-f", metavar="[text|json]", help="Output format.", callback=one_of("text", "json")
    ),
]


@app.command(
    short_help="Provenance: commits, applies, DataCite's activities; out-of-band changes flagged.",
    epilog=examples(
        "doiac history 10.80000/3mfp-6m52",
        "doiac history 10.80000/3mfp-6m52 --offline",
        "doiac history --all --since 2026-01-01 --format json",
    ),
)
def history(
    doi: HistoryDoiArgument = None,
    all_dois: AllFlag = False,
    since: SinceOption = None,
    output: HistoryFormat = "text",
    limit: LimitOption = 50,
    offline: GitOnlyFlag = False,
    config_path: ConfigOption = None,
) -> None:
    """List the git commits that touched the DOI's file (author, date, pull request, field changes),
    newest first, the applies recorded in git (refs/notes/doiac), then DataCite's own record of
    changes to it (/dois/{doi}/activities). A DataCite change no recorded apply explains (an edit
    in Fabrica, through MDS, by another tool) is flagged out-of-band.

    With --all, every DOI with a file is read and only the out-of-band changes are listed.
    DataCite records only the repository account behind a change, never the person.
    """
    history_command.check_arguments(doi, all_dois=all_dois, since=since, offline=offline)
    if all_dois:
        audit = history_command.run_all(config_path, since=since, progress=live_progress())
        typer.echo(_json_text(audit_data(audit)) if output == "json" else render_audit(audit), nl=False)
        return
    assert doi is not None
    found = history_command.run(config_path, doi, offline=offline, limit=limit)
    typer.echo(_json_text(history_data(found)) if output == "json" else render_history(found), nl=False)


def _json_text(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
