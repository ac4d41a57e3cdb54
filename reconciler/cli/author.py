"""The commands that write DOI files: `import`, `new`, `tombstone`, `version` and `init`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..render.files_text import render_import, render_lines
from .app import ConfigOption, app, examples, live_progress, use_case

if TYPE_CHECKING:
    from ..commands import adopt as adopt_command
    from ..commands import init as init_command
    from ..commands import new as new_command
    from ..commands import tombstone as tombstone_command
    from ..commands import version as version_command
else:
    adopt_command, init_command, new_command = use_case("adopt"), use_case("init"), use_case("new")
    tombstone_command, version_command = use_case("tombstone"), use_case("version")

DoisArgument = Annotated[
    list[str] | None,
    typer.Argument(metavar="DOI", show_default=False, help="Live DOIs to import (default: every live DOI without a file)."),
]  # fmt: skip
StateOption = Annotated[
    str | None,
    typer.Option("--state", metavar="[draft|registered|findable]", show_default=False,
                 help="Import only DOIs in this state."),
]  # fmt: skip
QueryOption = Annotated[
    str | None,
    typer.Option("--query", "-q", metavar="QUERY", show_default=False,
                 help="Import only DOIs matching this DataCite search query (e.g. 'publicationYear:2024')."),
]  # fmt: skip
RepositoryIdOption = Annotated[
    str | None,
    typer.Option("--repository", "-r", metavar="ID", show_default=False,
                 help="Only this repository account of the config (default: all of them)."),
]  # fmt: skip
DryRunFlag = Annotated[bool, typer.Option("--dry-run", help="Say which files would be written; write none.")]
ForceFlag = Annotated[
    bool, typer.Option("--force", help="Import over a DOI's existing file, keeping its comments.")
]


@app.command(
    "import",
    short_help="Write files for live DOIs that have none (next plan: empty).",
    epilog=examples(
        "doiac import", "doiac import 10.80000/3mfp-6m52", "doiac import --state findable --dry-run"
    ),
)
def import_(
    dois: DoisArgument = None,
    state: StateOption = None,
    query: QueryOption = None,
    repository: RepositoryIdOption = None,
    dry_run: DryRunFlag = False,
    force: ForceFlag = False,
    config_path: ConfigOption = None,
) -> None:
    """Write a canonical DOI file for each live DOI of the repository accounts that has none.

    Values stay exactly as DataCite holds them; what DataCite owns or derives, and what the
    config's defaults say, is left out. A file is written only when the next plan finds it in
    sync. Existing files are never overwritten without --force. Exits 1 if a DOI could not be
    imported.
    """
    report = adopt_command.run(config_path, dois or (), state=state, query=query, repository=repository,
                               dry_run=dry_run, force=force, progress=live_progress())  # fmt: skip
    typer.echo(render_import(report, dry_run=dry_run), nl=False)
    raise typer.Exit(1 if report.failed else 0)


TypeOption = Annotated[
    str,
    typer.Option("--type", metavar="TYPE", help="resourceTypeGeneral of the new DOI (Dataset, Software, …)."),
]
TitleOption = Annotated[
    str | None, typer.Option("--title", metavar="TEXT", show_default=False, help="Its title.")
]
CffOption = Annotated[
    Path | None,
    typer.Option("--from-cff", metavar="FILE", dir_okay=False, show_default=False,
                 help="Take creators, title, version, licence, … from this CITATION.cff."),
]  # fmt: skip
PrefixOption = Annotated[
    str | None, typer.Option("--prefix", metavar="PREFIX", show_default=False, help="Mint under this prefix.")
]
OfflineFlag = Annotated[
    bool, typer.Option("--offline", help="Check the new DOI against the files only, not against DataCite.")
]


@app.command(
    short_help="Mint an opaque DOI and write its draft file.",
    epilog=examples(
        "doiac new --title 'Lake buoy data 2025'", "doiac new --type Software --from-cff CITATION.cff"
    ),
)
def new(
    repository: RepositoryIdOption = None,
    resource_type: TypeOption = "Dataset",
    title: TitleOption = None,
    from_cff: CffOption = None,
    prefix: PrefixOption = None,
    offline: OfflineFlag = False,
    config_path: ConfigOption = None,
) -> None:
    """Mint a DOI with DataCite's suffix algorithm (check digit included) and write its draft file.

    The DOI is used by no file and, unless --offline, unknown to DataCite; a collision draws again.
    """
    minted = new_command.run(config_path, repository=repository, resource_type=resource_type, title=title,
                             from_cff=from_cff, prefix=prefix, offline=offline)  # fmt: skip
    lines = [f"wrote {minted.path} (state: draft)", *(f"note: {note}" for note in minted.notes)]
    typer.echo(render_lines(f"Minted {minted.doi}", lines), nl=False)


TombstoneUrlOption = Annotated[
    str,
    typer.Option(
        "--url", metavar="URL", show_default=False, help="The tombstone page the DOI will resolve to."
    ),
]
ReasonOption = Annotated[
    str, typer.Option("--reason", metavar="TEXT", show_default=False, help="Why it was withdrawn (public).")
]
DateOption = Annotated[
    str | None,
    typer.Option(
        "--date", metavar="YYYY-MM-DD", show_default=False, help="Withdrawal date (default: today)."
    ),
]
EditDoiArgument = Annotated[
    str, typer.Argument(metavar="DOI", show_default=False, help="The DOI whose file to edit.")
]


@app.command(
    short_help="Withdraw a DOI: registered, tombstone url, Withdrawn date (edits its file).",
    epilog=examples(
        "doiac tombstone 10.80000/3mfp-6m52 --url https://data.example.org/withdrawn --reason 'Consent withdrawn'"
    ),
)
def tombstone(
    doi: EditDoiArgument, url: TombstoneUrlOption, reason: ReasonOption, date: DateOption = None,
    config_path: ConfigOption = None,
) -> None:  # fmt: skip
    """Edit the DOI's file as DataCite's guidance for withdrawn content asks, keeping its comments.

    The DOI becomes registered (no longer findable), resolves to the tombstone page, and gains a
    Withdrawn date with the reason. The next plan shows it as a hide.
    """
    done = tombstone_command.run(config_path, doi, url=url, reason=reason, date=date)
    if not done.changed:
        typer.echo(f"{done.path} already tombstones {done.doi}: nothing changed.")
        return
    typer.echo(render_lines(f"Tombstoned {done.doi} in {done.path}:", done.changed), nl=False)


VersionOption = Annotated[
    str | None,
    typer.Option("--version", metavar="TEXT", show_default=False, help="The new version's `version`."),
]


@app.command(
    "version",
    short_help="Write the next version's file with reciprocal version relations.",
    epilog=examples("doiac version 10.80000/3mfp-6m52", "doiac version 10.80000/3mfp-6m52 --version 2.0"),
)
def version_(
    doi: EditDoiArgument,
    version: VersionOption = None,
    offline: OfflineFlag = False,
    config_path: ConfigOption = None,
) -> None:
    """Mint a DOI for the next version and write its draft file from this one.

    Both files get reciprocal IsNewVersionOf / IsPreviousVersionOf relations (and HasVersion /
    IsVersionOf with a concept DOI when there is one); the old file keeps its comments.
    """
    done = version_command.run(config_path, doi, version=version, offline=offline)
    lines = [
        f"wrote {done.new_path} (state: draft, version {done.version})",
        f"updated {done.old_path} (IsPreviousVersionOf {done.new_doi})",
    ]
    if done.concept_path:
        lines.append(f"updated {done.concept_path} (HasVersion {done.new_doi})")
    lines.extend(f"note: {note}" for note in done.notes)
    typer.echo(render_lines(f"New version {done.new_doi} of {done.old_doi}:", lines), nl=False)


DirArgument = Annotated[
    Path, typer.Argument(metavar="DIR", show_default=False, help="Folder to scaffold (default: this one).")
]
InitRepositoryOption = Annotated[
    str, typer.Option("--repository", "-r", metavar="ID", help="The DataCite repository account ID.")
]
InitPrefixOption = Annotated[str, typer.Option("--prefix", metavar="PREFIX", help="Its DOI prefix.")]
InitForceFlag = Annotated[bool, typer.Option("--force", help="Overwrite files that already exist.")]


@app.command(
    short_help="Scaffold a DOI repository: config, dois/, workflows, pre-commit, schemas.",
    epilog=examples("doiac init my-dois --repository EXAMPLE.REPO --prefix 10.80000"),
)
def init(
    directory: DirArgument = Path("."),
    repository: InitRepositoryOption = "EXAMPLE.REPO",
    prefix: InitPrefixOption = "10.80000",
    force: InitForceFlag = False,
) -> None:
    """Write a team's DOI repository: doiac.yaml, dois/, GitHub workflows and a pre-commit config
    that install a pinned doiac release, the editor schemas and a README. Existing files are kept.
    """
    done = init_command.run(directory, repository=repository, prefix=prefix, force=force)
    lines = [f"wrote {path}" for path in done.written] + [f"kept {path} (exists)" for path in done.kept]
    typer.echo(render_lines(f"DOI repository in {done.root}:", lines), nl=False)
    typer.echo("Next: doiac validate, then commit and open a pull request.")
