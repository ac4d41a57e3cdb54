"""The use case behind `doiac apply`: check a plan is safe to apply, apply it, record what happened."""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..applier import apply_plan
from ..config import open_config, restricted
from ..core.compare import desired_digest
from ..core.provenance import note_line
from ..datacite import DataCiteClient, Progress, anonymous_repositories
from ..errors import PlanRefusedError, UsageError
from ..files import LineWriter, read_text
from ..git import NOTES_REF, append_note
from ..lock import apply_lock
from ..model import Action, AppliedDoi, ApplyNote, ApplyReport, Config, Outcome, Plan, PlanContext, Severity
from ..planfile import plan_from_dict
from ..render.text import printable
from .plan import Planned, check_credentials, connect, deadline_after, files_commit, parse_targets, plan_dois
from .validate import Desired, valid_desired

_ACTORS = ("GITHUB_ACTOR", "GITLAB_USER_LOGIN", "BUILD_REQUESTEDFOR", "BITBUCKET_STEP_TRIGGERER_UUID")


def check_applyable(
    plan: Plan,
    config: Config,
    desired: Desired,
    *,
    allow_bulk: bool,
    saved: PlanContext | None = None,
    anonymous: frozenset[str] = frozenset(),
) -> None:
    """Refuse a plan with errors, a saved plan made from other files or elsewhere, a bulk of
    one-way changes, or a repository account whose password is not set."""
    # Without a password only findable DOIs can be seen, so the plan itself is incomplete.
    locked = sorted({r.id for r in config.repositories} & anonymous)
    if locked:
        variables = sorted({r.password_env for r in config.repositories if r.id in locked})
        raise PlanRefusedError(
            f"no password for {', '.join(locked)}: set {', '.join(variables)} to the repository's password"
            " or API key (DataCite refuses writes without one)"
        )
    if not plan.is_applyable:
        if saved is None:  # a fresh plan was just shown, its errors in it
            raise PlanRefusedError("the plan has errors (shown above); fix them and plan again")
        errors = [p for p in plan.problems if p.severity is Severity.ERROR]
        lines = [f"{p.doi}: {printable(p.message)}" for p in errors[:20]]
        more = [f"… and {len(errors) - 20:,} more"] if len(errors) > 20 else []
        raise PlanRefusedError(
            "\n".join(["the saved plan has errors; fix them and plan again:", *lines, *more])
        )

    if saved is not None:
        if mismatch := saved_plan_mismatch(plan, saved, config, desired):
            raise PlanRefusedError(f"{mismatch}; plan again")
        _check_saved_changes(plan, config, desired)
    one_way = sum(change.is_one_way for change in plan.changes)
    if one_way > config.limits.max_one_way and not allow_bulk:
        raise PlanRefusedError(
            f"the plan has {one_way:,} one-way changes (leaving draft, deleting drafts), more than"
            f" limits.max_one_way ({config.limits.max_one_way:,}); check it, then pass --allow-bulk"
        )


def saved_plan_mismatch(plan: Plan, saved: PlanContext, config: Config, desired: Desired) -> str | None:
    """Why a saved plan is not a plan of these files for this environment, or None when it is."""
    if saved.environment != config.environment and not (
        config.environment.startswith("http") and saved.environment == config.environment.rstrip("/")
    ):
        return f"the plan was made for {saved.environment}, the config now says {config.environment}"
    if plan.desired_digest != desired_digest(desired.records):
        return "the DOI files (or the config's defaults) changed since the plan was made"
    if saved.anonymous:
        return f"the plan was made without the password of {', '.join(saved.anonymous)} (--anonymous)"
    return None


def _check_saved_changes(plan: Plan, config: Config, desired: Desired) -> None:
    """Each change of a saved plan names a DOI of its own repository, with a file unless deleted.

    A plan file is data from outside the reviewed files: an edited one must not write a DOI
    that no file manages, nor send one repository's change through another's account.
    """
    prefixes = {r.id: r.prefixes for r in config.repositories}
    files = {r.doi: r.repository for r in desired.records}
    for change in plan.changes:
        prefix = change.doi.split("/", 1)[0]
        if prefix not in prefixes.get(change.repository, ()):
            raise PlanRefusedError(
                f"the saved plan changes {change.doi} through repository {change.repository!r}, which"
                " does not own its prefix in the config; plan again"
            )
        if change.action is not Action.DELETE and files.get(change.doi) != change.repository:
            raise PlanRefusedError(
                f"the saved plan changes {change.doi}, which no DOI file of {change.repository} declares;"
                " plan again"
            )


def actor(env: Mapping[str, str]) -> str | None:
    """Who runs the apply, as the CI environment names them (None outside CI)."""
    return next((env[name] for name in _ACTORS if env.get(name)), None)


def run_apply(
    plan: Plan,
    context: PlanContext,
    desired: Desired,
    clients: Mapping[str, DataCiteClient],
    *,
    saved: bool,
    report_path: Path | None = None,
    env: Mapping[str, str] | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    workers: int = 4,
) -> ApplyReport:
    """Apply `plan`; with `report_path`, append one JSON line per DOI as each one finishes."""
    records = {r.doi: r for r in desired.records}
    writer = LineWriter(report_path) if report_path is not None else None
    lock = threading.Lock()
    who = actor(env or {})

    def record(outcome: Outcome) -> None:
        with lock:
            if writer is not None:
                writer.write(
                    json.dumps(_report_line(outcome, context, who), ensure_ascii=False, allow_nan=False)
                )
            if on_outcome is not None:
                on_outcome(outcome)

    try:
        return apply_plan(plan, records, clients, saved=saved, workers=workers, on_outcome=record)
    finally:
        if writer is not None:
            writer.close()


def _report_line(outcome: Outcome, context: PlanContext, who: str | None) -> dict[str, object]:
    return {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "environment": context.environment,
        "commit": context.commit,
        "actor": who,
        "doi": outcome.doi,
        "action": outcome.action.value,
        "payload_digest": outcome.payload_digest,
        "outcome": outcome.status,
        "message": outcome.message,
        "updated": outcome.updated,
    }


@dataclass(frozen=True)
class Applied:
    """The plan that was applied, and what happened to each DOI (None: there was nothing to do)."""

    planned: Planned
    report: ApplyReport | None
    noted: str | None = None
    """The commit the apply was recorded on (refs/notes/doiac); None when it was not."""
    not_noted: str | None = None
    """Why an apply that ran was not recorded in git."""
    notes_ref: str = NOTES_REF


def run_url(env: Mapping[str, str]) -> str | None:
    """The CI run's URL (GitHub Actions), or None outside it."""
    parts = [env.get(name, "") for name in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID")]
    if not all(parts):
        return None
    attempt = env.get("GITHUB_RUN_ATTEMPT", "")
    return f"{parts[0].rstrip('/')}/{parts[1]}/actions/runs/{parts[2]}" + (
        f"/attempts/{attempt}" if attempt.isdigit() and attempt != "1" else ""
    )


def record_in_git(config: Config, planned: Planned, report: ApplyReport, env: Mapping[str, str]) -> Applied:
    """Append the apply to the note of the commit it applied; never a commit it did not apply."""
    commit = files_commit(config)
    if commit is None:  # no git at all: nothing to record in, nothing to warn about
        return Applied(planned, report)
    if commit.endswith("+uncommitted"):
        return Applied(
            planned, report, not_noted="not recorded in git: the DOI files differ from the last commit"
        )
    note = ApplyNote(
        commit=commit,
        time=datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        environment=planned.context.environment,
        actor=actor(env),
        run=run_url(env),
        dois=tuple(AppliedDoi(o.doi, o.action.value, o.status, o.updated) for o in report.outcomes),
        plan_commit=planned.context.commit if planned.context.commit != commit else None,
    )
    if not append_note(config.root, commit, note_line(note)):
        return Applied(planned, report, not_noted=f"not recorded in git: git could not write {NOTES_REF}")
    return Applied(planned, report, noted=commit)


@dataclass(frozen=True)
class Steps:
    """What the command line does between the steps of an apply: show, ask, report progress."""

    on_plan: Callable[[Planned], None]
    """Show a plan made afresh, before anything is asked or written."""
    confirm: Callable[[Planned, bool], None]
    """Ask before writing (the flag: the plan was saved); raise to stop."""
    on_outcome: Callable[[Outcome], None] | None = None
    progress: Progress | None = None
    say: Callable[[str], None] = lambda _: None
    """A line for the user: why a saved plan is set aside (--replan-if-changed), the bulk pace."""


def run(
    config_path: Path | None,
    steps: Steps,
    *,
    plan_file: Path | None = None,
    targets: Sequence[str] = (),
    allow_bulk: bool = False,
    report: Path | None = None,
    lock_timeout: float = 0.0,
    deadline: float | None = None,
    replan_if_changed: bool = False,
    repositories: Sequence[str] = (),
    env: Mapping[str, str],
    cache: bool = False,
) -> Applied:
    """`doiac apply`: plan afresh (or take a saved plan), check it, confirm, apply, read back."""
    if replan_if_changed and plan_file is None:
        raise UsageError("--replan-if-changed needs a saved PLAN")
    until = deadline_after(deadline)
    config = restricted(open_config(config_path), repositories)
    desired = valid_desired(config, cache=cache)
    wanted = parse_targets(targets, desired)
    saved = read_saved_plan(plan_file) if plan_file is not None else None
    if saved is not None and wanted is not None:
        raise UsageError("--target cannot narrow a saved plan; plan again with --target")
    with (
        apply_lock(config, env, timeout=lock_timeout),
        connect(config, deadline=until) as (endpoint, clients),
    ):
        if saved is not None and replan_if_changed:
            mismatch = saved_plan_mismatch(saved[0], saved[1], config, desired)
            if mismatch is not None:
                steps.say(f"the saved plan does not match: {mismatch}. Planning afresh.")
                saved = None
        if saved is None:
            planned = plan_dois(
                config,
                desired,
                endpoint,
                clients,
                targets=wanted,
                progress=steps.progress,
                cache=cache,
                digest=False,  # a fresh plan is applied at once: no saved plan to check it against
            )
            steps.on_plan(planned)
        else:
            planned = Planned(saved[0], saved[1], desired)
        check_applyable(planned.plan, config, desired, allow_bulk=allow_bulk, saved=saved[1] if saved else None,
                        anonymous=anonymous_repositories(clients))  # fmt: skip
        if not planned.plan.changes:
            return Applied(planned, None)
        _bulk_pace(config, planned.plan, clients, steps.say)
        steps.confirm(planned, saved is not None)
        check_credentials(config, clients)
        finished: list[Outcome] = []

        def on_outcome(outcome: Outcome) -> None:
            finished.append(outcome)
            if steps.on_outcome is not None:
                steps.on_outcome(outcome)

        result = None
        try:
            result = run_apply(planned.plan, planned.context, desired, clients, saved=saved is not None,
                               report_path=report, env=env, on_outcome=on_outcome)  # fmt: skip
        finally:
            if result is None and finished:  # interrupted: what was written is recorded all the same
                record_in_git(config, planned, ApplyReport(tuple(finished)), env)
    return record_in_git(config, planned, result, env)


def _bulk_pace(
    config: Config, plan: Plan, clients: Mapping[str, DataCiteClient], say: Callable[[str], None]
) -> None:
    """A large write run at DataCite's bulk pace (its guidance for 100,000+ writes a day), said with
    its expected duration; an explicit `limits.rate` is kept."""
    writes = len(plan.changes)
    pace = config.limits.bulk_pace(writes)
    budgets = {id(c.budget): c.budget for c in clients.values() if c.budget is not None}
    if pace is None or not budgets:
        return
    for budget in budgets.values():
        budget.slow_to(pace)
    minutes = math.ceil(2 * writes / pace * 5)  # a write and its read-back each
    say(
        f"{writes:,} writes, more than limits.bulk_threshold ({config.limits.bulk_threshold:,}): running at"
        f" DataCite's bulk pace of {pace:,} requests per 5 minutes, about {_duration(minutes)}; tell DataCite"
        " support before large runs, or set limits.rate to choose the pace"
    )


def _duration(minutes: int) -> str:
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d} min"


def _not_json(name: str) -> None:
    raise ValueError(f"{name} is not a JSON value")


def read_saved_plan(path: Path) -> tuple[Plan, PlanContext]:
    """A plan saved by `doiac plan --out`, or a UsageError saying what is wrong with the file."""
    try:
        return plan_from_dict(json.loads(read_text(path), parse_constant=_not_json))
    except (ValueError, TypeError, KeyError, RecursionError) as exc:
        raise UsageError(f"{path} is not a doiac plan file: {exc}") from None
