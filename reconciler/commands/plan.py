"""The use case behind `doiac plan`: read the files, read DataCite, make the plan.

The same steps start `doiac apply`, which plans afresh unless it is handed a saved plan.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..cache import SyncMemo
from ..config import open_config, restricted
from ..core.doi import path_problem
from ..core.planner import Memo, confirmations, make_plan, plan_listed, replan
from ..datacite import DataCiteClient, Progress, anonymous_repositories, iter_listed, read_each
from ..environment import Endpoint, open_endpoint, password_for
from ..errors import ApiAuthError, CredentialsError, UsageError
from ..files import write_text
from ..git import has_uncommitted, head_commit
from ..model import Config, DesiredRecord, LiveRecord, Plan, PlanContext
from ..pacing import Deadline, RateBudget
from ..planfile import render_plan_json
from .changed import ChangedSince, changed_since
from .drift import find_drift
from .validate import Desired, valid_desired


@dataclass(frozen=True)
class Planned:
    """A plan, where it was made, and the desired state it was made from."""

    plan: Plan
    context: PlanContext
    desired: Desired


@contextmanager
def connect(
    config: Config,
    env: Mapping[str, str] | None = None,
    *,
    deadline: Deadline | None = None,
    anonymous: bool = False,
) -> Iterator[tuple[Endpoint, dict[str, DataCiteClient]]]:
    """The endpoint of the config's environment and one client per repository account.

    The clients share one rate budget: DataCite counts requests per caller, not per account.
    With `deadline`, none of them starts a request past it. With `anonymous`, no client sends
    a password, whatever the environment holds. Each client sends its secret as the repository's
    `credential` says (Basic, or Bearer for `api-key-bearer`).
    """
    env = os.environ if env is None else env
    with ExitStack() as stack:
        endpoint = stack.enter_context(open_endpoint(config, env))
        budget = RateBudget(endpoint.budget) if endpoint.budget else None
        clients = {}
        for repository in config.repositories:
            password = (
                None
                if anonymous
                else password_for(repository, env, embedded=endpoint.embedded, keys=endpoint.keys)
            )
            client = DataCiteClient(
                endpoint.url, repository.id, password, budget=budget, mailto=config.mailto, deadline=deadline,
                credential=repository.credential,
            )  # fmt: skip
            clients[repository.id] = stack.enter_context(client)
        yield endpoint, clients


def plan_dois(
    config: Config,
    desired: Desired,
    endpoint: Endpoint,
    clients: Mapping[str, DataCiteClient],
    *,
    targets: frozenset[str] | None = None,
    progress: Progress | None = None,
    changed: ChangedSince | None = None,
    cache: bool = False,
    digest: bool = True,
) -> Planned:
    """Read the live DOIs through `clients` and plan the changes to the valid desired records.

    With `changed` (and no change to the config), only the DOIs whose files changed are read.
    With `cache`, a DOI whose file and live record are both as when a plan last found them in
    sync is not compared again (`cache.SyncMemo`). Without `digest`, the plan carries no
    `desired_digest` (a plan to be shown, not saved).
    """
    before = sum(c.requests for c in clients.values())
    partial = changed is not None and not changed.config_changed
    compare, reads = targets, None
    if changed is not None and partial:
        compare = frozenset(changed.dois)
        reads = sorted((repo, doi) for doi, repo in changed.dois.items() if repo in clients)
    memo = SyncMemo.open(Path(config.root)) if cache else None
    try:
        plan, fresh = _plan_live(
            clients,
            desired.records,
            config,
            targets=compare,
            progress=progress,
            reads=reads,
            memo=memo,
            digest=digest,
        )
    finally:
        if memo is not None:
            memo.close()
    # A DOI named with --target is planned as its file says: that is how a team keeps git over drift.
    plan = find_drift(config, plan, fresh, endpoint.name, clients, keep=targets or frozenset())
    context = PlanContext(
        environment=endpoint.name,
        endpoint=endpoint.url,
        repositories=tuple(r.id for r in config.repositories),
        files=desired.files,
        requests=sum(c.requests for c in clients.values()) - before,
        commit=files_commit(config),
        created=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        anonymous=tuple(sorted(anonymous_repositories(clients))),
        changed_since=changed.label if changed is not None else None,
        compared=len(changed.dois) if changed is not None and partial else None,
    )
    return Planned(plan, context, desired)


def plan_live(
    clients: Mapping[str, DataCiteClient],
    desired: Sequence[DesiredRecord],
    config: Config,
    *,
    targets: frozenset[str] | None = None,
    progress: Progress | None = None,
) -> Plan:
    """The plan of `desired` against DataCite: from the list, confirmed by single reads of what differs.

    With `targets`, only those DOIs are read, singly, and planned.
    """
    return _plan_live(clients, desired, config, targets=targets, progress=progress)[0]


def _plan_live(
    clients: Mapping[str, DataCiteClient],
    desired: Sequence[DesiredRecord],
    config: Config,
    *,
    targets: frozenset[str] | None = None,
    progress: Progress | None = None,
    reads: Sequence[tuple[str, str]] | None = None,
    memo: Memo | None = None,
    digest: bool = True,
) -> tuple[Plan, dict[str, LiveRecord | None]]:
    """The plan, and the single reads of every DOI it changes.

    With `targets`, the (repository, DOI) pairs of `reads` are read singly (by default each
    target's file's), and only those DOIs are planned.
    """
    anonymous = anonymous_repositories(clients)
    if targets is not None:
        jobs = (
            reads if reads is not None else sorted((r.repository, r.doi) for r in desired if r.doi in targets)
        )
        fresh = read_each(clients, jobs, progress=progress)
        live = {doi: record for doi, record in fresh.items() if record is not None}
        return make_plan(desired, live, config, targets=targets, anonymous=anonymous, digest=digest), fresh
    listed = iter_listed(clients, progress=progress)
    plan = plan_listed(desired, listed, config, anonymous=anonymous, memo=memo, digest=digest)
    fresh = read_each(clients, confirmations(plan, desired), progress=progress)
    return replan(plan, desired, fresh, config, anonymous=anonymous), fresh


def run(
    config_path: Path | None,
    *,
    targets: Sequence[str] = (),
    deadline: float | None = None,
    out: Path | None = None,
    progress: Progress | None = None,
    anonymous: bool = False,
    repositories: Sequence[str] = (),
    since: str | None = None,
    cache: bool = False,
    digest: bool = False,
) -> Planned:
    """`doiac plan`: the plan of the valid DOI files against DataCite; with `out`, saved as JSON.
    With `repositories`, only those accounts' files and DOIs (one shard of a consortium). With
    `since` (a git revision), only the DOIs whose files changed since it are compared. The plan
    carries its `desired_digest` when it is saved (`out`) or when `digest` asks for it.

    Every repository account's password must be set and accepted: a read with a missing or
    wrong password sees only findable DOIs, and would plan an existing draft as a create. With
    `anonymous`, no password is sent and the plan says what it cannot see.
    """
    until = deadline_after(deadline)
    config = restricted(open_config(config_path), repositories)
    desired = valid_desired(config, cache=cache)
    wanted = parse_targets(targets, desired)
    if since is not None and wanted is not None:
        raise UsageError("--changed-since and --target each choose the DOIs to compare: give one of them")
    changed = changed_since(config, since, desired.records) if since is not None else None
    with connect(config, deadline=until, anonymous=anonymous) as (endpoint, clients):
        if not anonymous:
            require_passwords(config, clients)
            check_credentials(config, clients)
        planned = plan_dois(
            config,
            desired,
            endpoint,
            clients,
            targets=wanted,
            progress=progress,
            changed=changed,
            cache=cache,
            digest=digest or out is not None,
        )
    if out is not None:
        write_text(out, render_plan_json(planned.plan, planned.context))
    return planned


def files_commit(config: Config) -> str | None:
    """The commit the DOI files and the config are, or `<sha>+uncommitted` when they differ from it:
    a plan or an apply report never names a commit that is not what it read."""
    commit = head_commit(config.root)
    if commit is None:
        return None
    read = [os.path.basename(config.path), *(r.path for r in config.repositories)]
    return f"{commit}+uncommitted" if has_uncommitted(config.root, read) else commit


def require_passwords(config: Config, clients: Mapping[str, DataCiteClient]) -> None:
    """Refuse a plan for repository accounts whose password variable is not set."""
    missing = [r for r in config.repositories if not clients[r.id].has_password]
    if missing:
        names = ", ".join(r.id for r in missing)
        variables = ", ".join(sorted({r.password_env for r in missing}))
        raise CredentialsError(
            f"no password for {names}: set {variables} to the repository's password or API key, or"
            " pass --anonymous to plan what anyone can see (findable DOIs only; a fork's pull request)"
        )


def check_credentials(config: Config, clients: Mapping[str, DataCiteClient]) -> None:
    """Refuse to go on when DataCite refuses a repository's password: reads never say so.

    One request per repository account that has a password, which writes nothing.
    """
    for repository in config.repositories:
        client = clients[repository.id]
        if not client.has_password:
            continue
        try:
            client.check_credentials()
        except ApiAuthError:
            secret = (
                "password" if repository.credential == "password" else f"API key ({repository.credential})"
            )
            raise CredentialsError(
                f"DataCite refused the {secret} of {repository.id} (401): check {repository.password_env};"
                " nothing was read or changed"
            ) from None


def deadline_after(seconds: float | None) -> Deadline | None:
    """The run's deadline, counted from now (the command's start)."""
    if seconds is None:
        return None
    if not (math.isfinite(seconds) and seconds > 0):
        raise UsageError(f"--deadline must be a positive number of seconds, not {seconds}")
    return Deadline.after(seconds)


def parse_targets(targets: Sequence[str], desired: Desired) -> frozenset[str] | None:
    """--target DOIs, lower case, each with a file; None for all of them."""
    if not targets:
        return None
    wanted = frozenset(t.strip().lower().removeprefix("https://doi.org/") for t in targets)
    for doi in sorted(wanted):
        if problem := path_problem(doi):
            raise UsageError(f"--target {doi!r} {problem}")
    unknown = sorted(wanted - {r.doi for r in desired.records})
    if unknown:
        raise UsageError(f"--target names DOIs that have no file: {', '.join(unknown)}")
    return wanted
