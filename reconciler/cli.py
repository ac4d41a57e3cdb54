"""The command line (typer lives here): parse options, call one `commands.<verb>.run`, render, exit.

Exit codes: 0 success; 1 an expected failure (invalid files, API refused, …), reported as one line
per problem without a traceback; 2 a usage error (and, with `plan --detailed-exitcode`, changes).
"""

from __future__ import annotations

import gc
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.util import LazyLoader, find_spec, module_from_spec
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .__about__ import __version__
from .errors import InvalidFilesError, ReconcilerError, UsageError
from .model import Outcome, Plan, Severity
from .planfile import render_plan_json
from .render.apply_text import render_apply_summary, render_outcome
from .render.diagnostics import render_github, render_json, render_rules, render_text, summary
from .render.files_text import render_import, render_lines, render_shown
from .render.history_text import audit_data, history_data, render_audit, render_history
from .render.plan_markdown import render_plan_markdown
from .render.plan_text import render_plan_text
from .render.text import CYAN, RED, YELLOW, paint, plural, printable


def _lazy(name: str) -> ModuleType:
    """The use case module `name`, loaded when a command first uses it: `doiac --help` and one
    command's run do not pay for the imports of every other command (httpx, the sandbox, …)."""
    full = f"{__package__}.commands.{name}"
    if full in sys.modules:
        return sys.modules[full]
    spec = find_spec(full)
    assert spec is not None, full
    assert spec.loader is not None, full
    spec.loader = LazyLoader(spec.loader)
    module = module_from_spec(spec)
    sys.modules[full] = module
    spec.loader.exec_module(module)
    return module


if TYPE_CHECKING:
    from .commands import adopt as adopt_command
    from .commands import apply as apply_command
    from .commands import fmt as fmt_command
    from .commands import history as history_command
    from .commands import init as init_command
    from .commands import new as new_command
    from .commands import plan as plan_command
    from .commands import sandbox as sandbox_command
    from .commands import show as show_command
    from .commands import tombstone as tombstone_command
    from .commands import validate as validate_command
    from .commands import version as version_command
    from .commands.apply import Steps
    from .commands.plan import Planned
else:
    adopt_command, apply_command, fmt_command = _lazy("adopt"), _lazy("apply"), _lazy("fmt")
    history_command, init_command, new_command = _lazy("history"), _lazy("init"), _lazy("new")
    plan_command, sandbox_command, show_command = _lazy("plan"), _lazy("sandbox"), _lazy("show")
    tombstone_command, validate_command = _lazy("tombstone"), _lazy("validate")
    version_command = _lazy("version")

app = typer.Typer(
    name="doiac",
    help="DOI-as-code: validate, plan and apply DataCite DOIs kept as YAML files in git.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # click's plain help: choices and value names, paragraphs reflowed
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


def _examples(*lines: str) -> str:
    """An epilog of example command lines, kept as written (click's \\b stops the reflow)."""
    return "Examples:\n\n\b\n" + "\n".join(f"  $ {line}" for line in lines)


ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config", "-c", metavar="FILE", envvar="DOIAC_CONFIG", dir_okay=False, show_default=False,
        help="Path to doiac.yaml (default: the nearest one in this folder or above).",
    ),
]  # fmt: skip
PathsArgument = Annotated[
    list[Path] | None,
    typer.Argument(metavar="PATH", show_default=False,
                   help="DOI files or folders to check (default: every repository's folder)."),
]  # fmt: skip


def _one_of(*choices: str) -> Any:
    """A callback that lower-cases an option's value and refuses anything but `choices`."""

    def check(value: str) -> str:
        if value.lower() not in choices:
            raise UsageError(f"--format must be one of {', '.join(choices)}, not {value.lower()!r}")
        return value.lower()

    return check


ValidateFormat = Annotated[
    str,
    typer.Option("--format", "-f", metavar="[text|github|json]", help="Output format.",
                 callback=_one_of("text", "github", "json")),
]  # fmt: skip
StrictFlag = Annotated[
    bool,
    typer.Option(
        "--strict", help="Treat warnings (DataCite's documentation) as errors; advice stays advice."
    ),
]
NoCacheFlag = Annotated[
    bool,
    typer.Option("--no-cache", help="Parse, check and compare every DOI afresh; do not read or write .doiac/cache.sqlite."),
]  # fmt: skip
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
PlanFormat = Annotated[
    str,
    typer.Option("--format", "-f", metavar="[text|markdown|json]", help="Output format.",
                 callback=_one_of("text", "markdown", "json")),
]  # fmt: skip
OutOption = Annotated[
    Path | None,
    typer.Option("--out", "-o", metavar="FILE", dir_okay=False, show_default=False,
                 help="Also save the plan as JSON, for `doiac apply FILE`."),
]  # fmt: skip
FilesUrlOption = Annotated[
    str | None,
    typer.Option("--files-url", metavar="URL", show_default=False,
                 help="With --format markdown: link each DOI file to URL + its path (the folder of"
                      " doiac.yaml at the commit planned, e.g. https://github.com/org/dois/blob/SHA/)."),
]  # fmt: skip
AnonymousFlag = Annotated[
    bool,
    typer.Option("--anonymous", help="Send no password: plan what anyone can see (findable DOIs; fork PRs)."),
]
DetailedFlag = Annotated[
    bool,
    typer.Option("--detailed-exitcode", help="Exit 0 with no changes, 1 on error, 2 with changes or drift."),
]
ShardOption = Annotated[
    list[str] | None,
    typer.Option("--repository", "-r", metavar="ID", show_default=False,
                 help="Only this repository account (repeatable): its files, its DOIs, its lock."),
]  # fmt: skip
TargetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--target", "-t", metavar="DOI", show_default=False, help="Plan only this DOI (repeatable)."
    ),
]
ChangedSinceOption = Annotated[
    str | None,
    typer.Option("--changed-since", metavar="REF", show_default=False,
                 help="Compare only the DOIs whose files changed between the git revision REF and the"
                      " work tree (a pull request's base); every file is still validated."),
]  # fmt: skip
ApplyTargetOption = Annotated[
    list[str] | None,
    typer.Option("--target", "-t", metavar="DOI", show_default=False,
                 help="Apply only this DOI (repeatable; not with a saved plan)."),
]  # fmt: skip
DeadlineOption = Annotated[
    float | None,
    typer.Option(
        "--deadline", metavar="SECONDS", envvar="DOIAC_DEADLINE", show_default=False,
        help="End the run after SECONDS: no request starts after that (those in flight finish); exit 1.",
    ),
]  # fmt: skip
PlanFileArgument = Annotated[
    Path | None,
    typer.Argument(metavar="PLAN", show_default=False,
                   help="A plan saved by `doiac plan --out FILE`: apply exactly it."),
]  # fmt: skip
QuietFlag = Annotated[
    bool, typer.Option("--quiet", "-q", help="Print only the DOIs that failed and the totals, not every DOI.")
]
AutoApproveFlag = Annotated[bool, typer.Option("--auto-approve", help="Apply without asking (for CI).")]
ReplanFlag = Annotated[
    bool,
    typer.Option("--replan-if-changed",
                 help="With PLAN: if it was made from other files, another environment or without"
                      " passwords, plan afresh (and say so) instead of refusing."),
]  # fmt: skip
AllowBulkFlag = Annotated[
    bool, typer.Option("--allow-bulk", help="Allow more one-way changes than limits.max_one_way.")
]
ReportOption = Annotated[
    Path | None,
    typer.Option("--report", metavar="FILE", dir_okay=False, show_default=False,
                 help="Append one JSON line per DOI to this file as each finishes."),
]  # fmt: skip
LockTimeoutOption = Annotated[
    float,
    typer.Option("--lock-timeout", metavar="SECONDS", min=0,
                 help="Wait up to SECONDS for another apply to the same environment."),
]  # fmt: skip
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


def _is_terminal(stream: Any) -> bool:
    return bool(stream.isatty()) and not os.environ.get("NO_COLOR")


_SEVERITY_COLOURS = {
    Severity.ERROR: f"1;{RED}",
    Severity.WARNING: f"1;{YELLOW}",
    Severity.ADVICE: f"1;{CYAN}",
    Severity.INFO: f"1;{CYAN}",
}


def _colour(text: str, severity: Severity) -> str:
    """A diagnostic line with its severity word in bold colour, on a terminal."""
    word = paint(severity.value, _SEVERITY_COLOURS[severity], colour=_is_terminal(sys.stdout))
    return text.replace(f": {severity.value}: ", f": {word}: ", 1)


@app.command(
    short_help="Check DOI files offline (no network, no password).",
    epilog=_examples("doiac validate", "doiac validate --format github dois/10.80000"),
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


def _progress(what: str, done: int, total: int | None) -> None:
    """Progress of the live read, on a terminal only: pipes and CI logs stay clean."""
    count = f"{done:,} DOIs" if total is None else f"{done:,}/{total:,} DOIs"
    sys.stderr.write(f"\r\033[K{what}: {count}" + ("\n" if done == total else ""))
    sys.stderr.flush()


def _live_progress() -> Any:
    return _progress if sys.stderr.isatty() else None


def _render_plan(planned: Planned, output: str, files_url: str | None = None) -> str:
    if output == "json":
        return render_plan_json(planned.plan, planned.context)
    if output == "markdown":
        return render_plan_markdown(planned.plan, planned.context, files_url=files_url)
    return render_plan_text(planned.plan, planned.context, colour=_is_terminal(sys.stdout))


def _plan_exit_code(plan: Plan, detailed: bool) -> int:
    if not plan.is_applyable:
        return 1
    return 2 if detailed and (plan.has_changes or plan.drifted) else 0


@app.command(
    short_help="Show what apply would change (reads DataCite, writes nothing).",
    epilog=_examples(
        "doiac plan",
        "doiac plan --format markdown --out plan.json > comment.md",
        "doiac plan --changed-since origin/main",
    ),
)
def plan(
    output: PlanFormat = "text",
    out: OutOption = None,
    detailed_exitcode: DetailedFlag = False,
    target: TargetOption = None,
    changed_since: ChangedSinceOption = None,
    anonymous: AnonymousFlag = False,
    deadline: DeadlineOption = None,
    files_url: FilesUrlOption = None,
    repository: ShardOption = None,
    no_cache: NoCacheFlag = False,
    config_path: ConfigOption = None,
) -> None:
    """Read the live DOIs and print what apply would change: nothing is written to DataCite.

    Invalid DOI files stop the plan (exit 1). A plan with errors (such as findable → draft) is
    printed and exits 1.
    """
    planned = plan_command.run(config_path, targets=target or (), deadline=deadline, out=out,
                               progress=_live_progress(), anonymous=anonymous, cache=not no_cache,
                               repositories=repository or (), since=changed_since)  # fmt: skip
    typer.echo(_render_plan(planned, output, files_url), nl=False)
    code = _plan_exit_code(planned.plan, detailed_exitcode)
    _CHANGES_PRESENT[0] = code == 2
    raise typer.Exit(code)


class _ApplyView:
    """What the terminal shows during an apply: the fresh plan, the question, a line per DOI."""

    def __init__(self, *, auto_approve: bool, quiet: bool = False) -> None:
        self.auto_approve = auto_approve
        self.quiet = quiet
        self.colour = _is_terminal(sys.stdout)
        self.bar = sys.stderr.isatty() and sys.stdout.isatty()
        self.total = self.done = 0

    def steps(self) -> Steps:
        """What the apply calls back to show and ask."""
        return apply_command.Steps(
            self.show_plan, self.confirm, self.outcome, _live_progress(), say=typer.echo
        )

    def show_plan(self, planned: Planned) -> None:
        typer.echo(render_plan_text(planned.plan, planned.context, colour=self.colour), nl=False)

    def confirm(self, planned: Planned, saved: bool) -> None:
        """Ask for `yes` on a terminal; refuse to apply unattended without --auto-approve.

        A saved plan was reviewed when it was made and applies without a question, except against
        production, where an unattended apply always needs --auto-approve.
        """
        self.total = len(planned.plan.changes)
        if self.auto_approve or (saved and planned.context.environment != "production"):
            return
        if not sys.stdin.isatty():
            raise UsageError(
                "refusing to apply without a terminal to confirm on; pass --auto-approve (as CI does)"
            )
        question = f"Apply {self.total:,} change{'s' * (self.total != 1)} to {planned.context.environment}?"
        if (
            typer.prompt(f"{question} Only 'yes' will be accepted", default="", show_default=False).strip()
            != "yes"
        ):
            typer.echo("Apply cancelled: nothing was changed.")
            raise typer.Exit(1)

    @contextmanager
    def totals_if_interrupted(self) -> Iterator[None]:
        """On Ctrl-C during the writes, say how many DOIs finished (their lines are above) and how many not."""
        try:
            yield
        except KeyboardInterrupt:
            if self.total:
                rest = self.total - self.done
                typer.echo(f"Apply interrupted: {self.done:,} of {self.total:,} DOIs finished (above), {rest:,} not.",
                           err=True)  # fmt: skip
            raise

    def outcome(self, outcome: Outcome) -> None:
        self.done += 1
        if self.bar:  # the bar sits under the outcome lines, redrawn after each one
            sys.stderr.write("\r\033[K")
        if not (self.quiet and outcome.ok):
            typer.echo(render_outcome(outcome, colour=self.colour), nl=False)
        if self.bar:
            sys.stderr.write(_bar(self.done, self.total) if self.done < self.total else "")
            sys.stderr.flush()


def _bar(done: int, total: int, width: int = 30) -> str:
    filled = width * done // max(total, 1)
    return f"[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} DOIs"


@app.command(
    short_help="Make DataCite match the files, then read each DOI back.",
    epilog=_examples(
        "doiac apply",
        "doiac apply --auto-approve --report apply.jsonl",
        "doiac apply plan.json",
        "doiac apply --auto-approve --replan-if-changed reviewed/plan.json",
    ),
)
def apply(
    plan_file: PlanFileArgument = None,
    auto_approve: AutoApproveFlag = False,
    allow_bulk: AllowBulkFlag = False,
    report: ReportOption = None,
    target: ApplyTargetOption = None,
    lock_timeout: LockTimeoutOption = 0.0,
    deadline: DeadlineOption = None,
    quiet: QuietFlag = False,
    replan_if_changed: ReplanFlag = False,
    repository: ShardOption = None,
    no_cache: NoCacheFlag = False,
    config_path: ConfigOption = None,
) -> None:
    """Make DataCite match the files: plan afresh (or take a saved plan), confirm, apply, read back.

    One request per changed DOI, whose answer is the read-back. Exits 1 if any DOI failed.
    """
    view = _ApplyView(auto_approve=auto_approve, quiet=quiet)
    with view.totals_if_interrupted():
        applied = apply_command.run(config_path, view.steps(), plan_file=plan_file, targets=target or (),
                                    allow_bulk=allow_bulk, report=report, lock_timeout=lock_timeout,
                                    deadline=deadline, replan_if_changed=replan_if_changed, cache=not no_cache,
                                    repositories=repository or (), env=os.environ)  # fmt: skip
    raise typer.Exit(_apply_summary(applied))


def _apply_summary(applied: apply_command.Applied) -> int:
    """The apply's last lines, and its exit code: 1 if any DOI failed."""
    report = applied.report
    if report is None:
        typer.echo("Nothing to apply.")
        return 0
    typer.echo(render_apply_summary(report), nl=False)
    if applied.noted is not None:
        ref = applied.notes_ref
        typer.echo(f"Recorded on commit {applied.noted[:12]} in {ref}; share it: git push origin {ref}")
    elif applied.not_noted is not None:
        typer.echo(f"doiac: warning: {applied.not_noted}", err=True)
    return 0 if report.ok else 1


@app.command(
    short_help="Serve the local DataCite-compatible API until interrupted.",
    epilog=_examples("doiac sandbox -r EXAMPLE.REPO::10.80000 --port 8000"),
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
    epilog=_examples(
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
                               dry_run=dry_run, force=force, progress=_live_progress())  # fmt: skip
    typer.echo(render_import(report, dry_run=dry_run), nl=False)
    raise typer.Exit(1 if report.failed else 0)


ShowDoiArgument = Annotated[str, typer.Argument(metavar="DOI", show_default=False, help="The DOI to show.")]


@app.command(
    short_help="Show a live DOI in file form, and its diff against the file.",
    epilog=_examples("doiac show 10.80000/3mfp-6m52"),
)
def show(doi: ShowDoiArgument, config_path: ConfigOption = None) -> None:
    """Read one DOI from DataCite and print it as its DOI file would hold it (what import writes).

    When the DOI has a file, the fields the next plan would change follow.
    """
    typer.echo(render_shown(show_command.run(config_path, doi)), nl=False)


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
    epilog=_examples(
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


CheckFlag = Annotated[bool, typer.Option("--check", help="Write nothing; exit 1 if a file would change.")]
FmtPathsArgument = Annotated[
    list[Path] | None,
    typer.Argument(metavar="PATH", show_default=False,
                   help="DOI files or folders to format (default: every repository's folder)."),
]  # fmt: skip


@app.command(
    short_help="Rewrite DOI files in canonical layout, keeping comments.",
    epilog=_examples("doiac fmt", "doiac fmt --check"),
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
    epilog=_examples(
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
    epilog=_examples("doiac version 10.80000/3mfp-6m52", "doiac version 10.80000/3mfp-6m52 --version 2.0"),
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
    epilog=_examples("doiac init my-dois --repository EXAMPLE.REPO --prefix 10.80000"),
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
        "--format", "-f", metavar="[text|json]", help="Output format.", callback=_one_of("text", "json")
    ),
]


@app.command(
    short_help="Provenance: commits, applies, DataCite's activities; out-of-band changes flagged.",
    epilog=_examples(
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
        audit = history_command.run_all(config_path, since=since, progress=_live_progress())
        typer.echo(_json_text(audit_data(audit)) if output == "json" else render_audit(audit), nl=False)
        return
    assert doi is not None
    found = history_command.run(config_path, doi, offline=offline, limit=limit)
    typer.echo(_json_text(history_data(found)) if output == "json" else render_history(found), nl=False)


def _json_text(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


_INTERRUPTED = (
    "doiac: interrupted: requests in flight finished, nothing else was started; run the command"
    " again (apply converges from what DataCite holds)"
)


def _failed(exc: BaseException) -> int:
    """One line per problem on stderr for an expected failure, and its exit code."""
    if isinstance(exc, KeyboardInterrupt):
        typer.echo(_INTERRUPTED, err=True)
        return 130
    if isinstance(exc, InvalidFilesError):
        typer.echo(render_text(exc.diagnostics), err=True, nl=False)
    for line in str(exc).splitlines() or [type(exc).__name__]:
        typer.echo(f"doiac: error: {line}", err=True)
    return 1


_CHANGES_PRESENT = [False]
"""Set by `plan` when it exits 2 for "changes present", the one meaning 2 has under --detailed-exitcode."""


def entry() -> int:
    """The `doiac` executable: `main`, with the garbage collector set for one whole run."""
    _tune_gc()
    return main()


def _tune_gc() -> None:
    """A run builds many small objects that live to its end (parsed files, live records): the
    start-up's objects are frozen out of every collection and the first generation made larger,
    which takes about a tenth off `validate`'s time at the same peak memory (bench/RESULTS.md).
    Not in `main`, which tests call many times in one process."""
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)


def main(argv: list[str] | None = None) -> int:
    """Console entry point: expected failures become one line on stderr and exit code 1 (2 for usage).

    Under `plan --detailed-exitcode`, 2 means only "changes present" (as Terraform): a usage
    error exits 1 there, so that no pipeline reads a mistyped option as a plan with changes.
    """
    args = sys.argv[1:] if argv is None else argv
    usage = 1 if "plan" in args and "--detailed-exitcode" in args else 2
    _CHANGES_PRESENT[0] = False
    try:
        # Standalone mode: typer itself prints usage errors (exit 2) and help, and ends with SystemExit.
        app(args=argv, prog_name="doiac")
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        return usage if code == 2 and not _CHANGES_PRESENT[0] else code
    except UsageError as exc:
        typer.echo(f"doiac: usage error: {exc}", err=True)
        return usage
    except (KeyboardInterrupt, ReconcilerError) as exc:
        return _failed(exc)
    return 0  # pragma: no cover - standalone mode always ends in SystemExit
