"""`doiac plan` and `doiac apply`: read DataCite, show the changes, make them."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import UsageError
from ..model import Outcome, Plan
from ..planfile import render_plan_json
from ..render.apply_text import render_apply_summary, render_outcome
from ..render.plan_markdown import render_plan_markdown
from ..render.plan_text import render_plan_text
from .app import (
    CHANGES_PRESENT,
    ConfigOption,
    NoCacheFlag,
    app,
    examples,
    is_terminal,
    live_progress,
    one_of,
    use_case,
)

if TYPE_CHECKING:
    from ..commands import apply as apply_command
    from ..commands import plan as plan_command
    from ..commands.apply import Steps
    from ..commands.plan import Planned
else:
    apply_command, plan_command = use_case("apply"), use_case("plan")

PlanFormat = Annotated[
    str,
    typer.Option("--format", "-f", metavar="[text|markdown|json]", help="Output format.",
                 callback=one_of("text", "markdown", "json")),
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


def _render_plan(planned: Planned, output: str, files_url: str | None = None) -> str:
    if output == "json":
        return render_plan_json(planned.plan, planned.context)
    if output == "markdown":
        return render_plan_markdown(planned.plan, planned.context, files_url=files_url)
    return render_plan_text(planned.plan, planned.context, colour=is_terminal(sys.stdout))


def _plan_exit_code(plan: Plan, detailed: bool) -> int:
    if not plan.is_applyable:
        return 1
    return 2 if detailed and (plan.has_changes or plan.drifted) else 0


@app.command(
    short_help="Show what apply would change (reads DataCite, writes nothing).",
    epilog=examples(
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
                               progress=live_progress(), anonymous=anonymous, cache=not no_cache,
                               repositories=repository or (), since=changed_since, digest=output == "json")  # fmt: skip
    typer.echo(_render_plan(planned, output, files_url), nl=False)
    CHANGES_PRESENT[0] = (code := _plan_exit_code(planned.plan, detailed_exitcode)) == 2
    raise typer.Exit(code)


class _ApplyView:
    """What the terminal shows during an apply: the fresh plan, the question, a line per DOI."""

    def __init__(self, *, auto_approve: bool, quiet: bool = False) -> None:
        self.auto_approve = auto_approve
        self.quiet = quiet
        self.colour = is_terminal(sys.stdout)
        self.bar = sys.stderr.isatty() and sys.stdout.isatty()
        self.total = self.done = 0

    def steps(self) -> Steps:
        """What the apply calls back to show and ask."""
        return apply_command.Steps(
            self.show_plan, self.confirm, self.outcome, live_progress(), say=typer.echo
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
    epilog=examples(
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
