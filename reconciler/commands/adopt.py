"""The use case behind `doiac import`: canonical DOI files for live DOIs that have none.

The live DOIs come from DataCite's list, a page of 1,000 per request; only what the list cannot
be trusted for is re-read singly (reference §11.1–2: the list lags behind writes, so a DOI
changed in the last day, or one the list shows without its registration, is read from the
database). Each file holds what DataCite holds, less what DataCite owns or derives and what the
config's defaults say, and is written only when the next plan would find it in sync.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ..config import open_config, shown_path
from ..core.adopt import Adopted, as_desired, file_form
from ..core.compare import is_in_sync
from ..core.doi import path_problem
from ..datacite import DataCiteClient, Progress, live_record, read_each
from ..errors import FileError, SourceError, UsageError
from ..files import find_yaml_files, read_source, read_text, write_text
from ..model import Config, LiveRecord, Repository
from ..yamledit import new_text, replaced_text, schema_reference
from .plan import connect

STATES = ("draft", "registered", "findable")
RECENT = timedelta(days=1)
"""A DOI changed more recently than this may show stale in the list: it is re-read singly."""
HEADER = "Imported from DataCite by doiac import. Edit freely: this file is now the truth."


class Outcome(enum.Enum):
    WRITTEN = "written"
    WOULD_WRITE = "would write"
    REPLACED = "replaced"
    HAS_FILE = "has a file"
    REFUSED = "not imported"


@dataclass(frozen=True)
class Imported:
    """What import did with one live DOI: the file it wrote (or would), or why not."""

    doi: str
    outcome: Outcome
    path: str = ""
    reason: str = ""


@dataclass(frozen=True)
class ImportReport:
    items: tuple[Imported, ...]
    requests: int

    def count(self, outcome: Outcome) -> int:
        return sum(item.outcome is outcome for item in self.items)

    @property
    def failed(self) -> bool:
        return any(item.outcome is Outcome.REFUSED for item in self.items)


def run(
    config_path: Path | None,
    dois: Sequence[str] = (),
    *,
    state: str | None = None,
    query: str | None = None,
    repository: str | None = None,
    dry_run: bool = False,
    force: bool = False,
    progress: Progress | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> ImportReport:
    """`doiac import`: write a file for each live DOI (all of them, or `dois`) that has none."""
    config = open_config(config_path)
    wanted = parse_dois(dois)
    if state is not None and state not in STATES:
        raise UsageError(f"--state must be one of {', '.join(STATES)}, not {state!r}")
    repositories = _repositories(config, repository)
    existing = files_by_doi(config)
    items: list[Imported] = []
    with connect(config) as (_, clients):
        before = sum(c.requests for c in clients.values())
        filters = {k: v for k, v in {"state": state, "query": query}.items() if v}
        settled = frozenset() if force else frozenset(existing)
        live, refused = _read(
            config,
            clients,
            repositories,
            wanted,
            filters=filters,
            progress=progress,
            now=now(),
            settled=settled,
        )
        items.extend(refused)
        # A DOI with a file is left as it is: it needed no single read and gets no file form.
        items.extend(
            Imported(r.doi, Outcome.HAS_FILE, shown_path(config, existing[r.doi]))
            for r in live
            if r.doi in settled
        )
        live = [r for r in live if r.doi not in settled]
        for position, record in enumerate(live, 1):
            items.append(_adopt(config, record, existing, dry_run=dry_run, force=force))
            if progress is not None:
                progress("writing files", position, len(live))
        requests = sum(c.requests for c in clients.values()) - before
    return ImportReport(tuple(items), requests)


def parse_dois(dois: Sequence[str]) -> list[str]:
    """DOIs as given on the command line, each checked, lower case, without repeats."""
    return list(dict.fromkeys(doi_argument(raw) for raw in dois))


def doi_argument(raw: str) -> str:
    """The lower-case DOI a command line names, bare, as doi:… or as a doi.org link."""
    doi = raw.strip().lower()
    for prefix in (
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "http://dx.doi.org/",
        "doi:",
    ):
        doi = doi.removeprefix(prefix)
    if problem := path_problem(doi):
        raise UsageError(f"{raw!r} {problem}")
    return doi


def _repositories(config: Config, wanted: str | None) -> tuple[Repository, ...]:
    if wanted is None:
        return config.repositories
    chosen = tuple(r for r in config.repositories if r.id.upper() == wanted.upper())
    if not chosen:
        known = ", ".join(r.id for r in config.repositories)
        raise UsageError(f"--repository {wanted!r} is not in the config (its repositories: {known})")
    return chosen


def repository_of(config: Config, doi: str, among: Sequence[Repository] | None = None) -> Repository | None:
    """The repository account whose prefixes include `doi`'s prefix."""
    prefix = doi.split("/", 1)[0].lower()
    for repo in config.repositories if among is None else among:
        if prefix in {p.lower() for p in repo.prefixes}:
            return repo
    return None


def canonical_path(config: Config, repository: Repository, doi: str) -> Path:
    """dois/<prefix>/<suffix>.yaml under the repository's folder, lower case, `/` in the suffix as `__`."""
    prefix, suffix = doi.lower().split("/", 1)
    return Path(config.root) / repository.path / prefix / f"{suffix.replace('/', '__')}.yaml"


def files_by_doi(config: Config) -> dict[str, Path]:
    """Every DOI file of every repository folder by its lower-case DOI (unreadable files left out)."""
    root = Path(config.root)
    found, _ = find_yaml_files([root / r.path for r in config.repositories if (root / r.path).exists()], root)
    by_doi: dict[str, Path] = {}
    for path in found:
        try:
            doi = read_source(path).data.get("doi")
        except SourceError:
            continue
        if isinstance(doi, str):
            by_doi.setdefault(doi.strip().lower(), path)
    return by_doi


def _read(
    config: Config,
    clients: Mapping[str, DataCiteClient],
    repositories: Sequence[Repository],
    wanted: Sequence[str],
    *,
    filters: Mapping[str, str],
    progress: Progress | None,
    now: datetime,
    settled: Collection[str] = (),
) -> tuple[list[LiveRecord], list[Imported]]:
    """The live records to import, and the named DOIs that cannot be."""
    refused: list[Imported] = []
    if wanted:
        jobs = []
        for doi in wanted:
            repo = repository_of(config, doi, repositories)
            if repo is None:
                reason = f"prefix {doi.split('/', 1)[0]} belongs to no repository folder in the config"
                refused.append(Imported(doi, Outcome.REFUSED, reason=reason))
            else:
                jobs.append((repo.id, doi))
        fresh = read_each(clients, jobs, progress=progress)
        for doi, record in fresh.items():
            if record is None:
                refused.append(
                    Imported(doi, Outcome.REFUSED, reason="DataCite has no such DOI visible to this account")
                )
        return [r for r in fresh.values() if r is not None], refused
    listed: list[LiveRecord] = []
    for repo in repositories:
        for item in clients[repo.id].list_dois(client_id=repo.id.lower(), filters=filters):
            record = live_record(item)
            if record.repository in ("", repo.id.upper()):
                listed.append(record)
                if progress is not None and len(listed) % 1000 == 0:
                    progress(f"listing {repo.id}", len(listed), None)
    doubtful = [
        (r.repository or _owner(config, r.doi), r.doi)
        for r in listed
        if r.doi not in settled and _doubtful(r, now)
    ]
    fresh = read_each(clients, doubtful, progress=progress) if doubtful else {}
    records = [fresh.get(r.doi, r) if r.doi in fresh else r for r in listed]
    return [r for r in records if r is not None], refused


def _owner(config: Config, doi: str) -> str:
    repo = repository_of(config, doi)
    return repo.id if repo is not None else config.repositories[0].id


def _doubtful(record: LiveRecord, now: datetime) -> bool:
    """True when the list's copy may be stale or partial: changed lately, or registered without a date."""
    if record.state != "draft" and not record.attributes.get("registered"):
        return True
    updated = _instant(record.updated)
    return updated is None or now - updated < RECENT


def _instant(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _adopt(
    config: Config, live: LiveRecord, existing: Mapping[str, Path], *, dry_run: bool, force: bool
) -> Imported:
    repo = repository_of(config, live.doi)
    if repo is None:
        reason = f"prefix {live.doi.split('/', 1)[0]} belongs to no repository folder in the config"
        return Imported(live.doi, Outcome.REFUSED, reason=reason)
    root = Path(config.root)
    current = existing.get(live.doi)
    path = current if current is not None else canonical_path(config, repo, live.doi)
    shown = shown_path(config, path)
    if current is not None and not force:
        return Imported(
            live.doi, Outcome.HAS_FILE, shown, "use --force to import over it, keeping its comments"
        )
    if current is None and path.exists():
        return Imported(live.doi, Outcome.REFUSED, shown, _occupied(path))
    defaults = {**config.defaults, **repo.defaults}
    if current is not None and _matches(current, defaults, shown, repo.id, live):
        return Imported(live.doi, Outcome.HAS_FILE, shown, "it already matches DataCite; left as it is")
    adopted = file_form(live, defaults, shown, repo.id)
    if adopted.problem is not None:
        return Imported(live.doi, Outcome.REFUSED, shown, adopted.problem)
    try:
        text = _text(adopted, path, root, current)
        if not dry_run:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_text(path, text)
    except (SourceError, FileError, OSError) as exc:
        return Imported(live.doi, Outcome.REFUSED, shown, str(exc))
    if dry_run:
        return Imported(live.doi, Outcome.WOULD_WRITE, shown)
    return Imported(live.doi, Outcome.REPLACED if current is not None else Outcome.WRITTEN, shown)


def _occupied(path: Path) -> str:
    """Why the canonical path of a DOI without a file cannot take its file."""
    try:
        other = read_source(path).data.get("doi")
    except SourceError as exc:
        return f"that path holds a file doiac cannot read ({exc}); move or fix it first"
    return f"that path holds the file of another DOI ({other!s})"


def _matches(path: Path, defaults: Mapping[str, Any], shown: str, repository: str, live: LiveRecord) -> bool:
    """True when the DOI's existing file already gives exactly the live record (--force leaves it)."""
    try:
        data = read_source(path).data
        return is_in_sync(as_desired(data, defaults, shown, repository), live)
    except (SourceError, KeyError, TypeError, ValueError):
        return False


def _text(adopted: Adopted, path: Path, root: Path, current: Path | None) -> str:
    data: dict[str, Any] = adopted.data
    if current is not None:
        return replaced_text(read_text(current), str(current), data)
    return new_text(data, schema_reference(path, root), HEADER)
