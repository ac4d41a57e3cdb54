"""`plan --changed-since REF`: the DOIs whose files changed between REF and the work tree.

A pull request's plan then reads only what the pull request touched, one single read per DOI,
instead of listing every DOI of every account. Every file is still validated (cross-file rules
need them all); only the comparison with DataCite is narrowed. A file that was removed, renamed,
or whose `doi` changed is read at REF to name the DOI it held, so that DOI is compared too (it
may now have no file). A change to the config changes what every file means: the plan is then
made in full, and says why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .. import git
from ..config import repository_for
from ..errors import ReconcilerError, UsageError
from ..files import parse_source
from ..model import Config, DesiredRecord

_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class ChangedSince:
    """What changed between a commit and the work tree, as far as DOIs go."""

    ref: str
    """The revision as it was given (`origin/main`, a sha)."""
    commit: str
    dois: Mapping[str, str]
    """Lower-case DOI → repository account, for every DOI whose file was added, edited or removed."""
    config_changed: bool = False
    """The config differs: every DOI may plan differently, so none is left out."""

    @property
    def label(self) -> str:
        """`origin/main (1a2b3c4d)`, or the short sha alone when that is what was given."""
        short = self.commit[:8]
        return short if self.commit.startswith(self.ref) else f"{self.ref} ({short})"


def changed_since(config: Config, ref: str, desired: Iterable[DesiredRecord]) -> ChangedSince:
    """The DOIs whose files differ between `ref` and the work tree (UsageError when git cannot say)."""
    root = Path(config.root).resolve()
    top = git.work_tree(root)
    if top is None:
        raise UsageError(f"--changed-since {ref!r}: {root} is not in a git work tree")
    top = top.resolve()
    commit = git.resolve_commit(top, ref)
    if commit is None:
        raise UsageError(
            f"--changed-since {ref!r} names no commit of this repository: fetch it first (in GitHub"
            " Actions, actions/checkout with fetch-depth: 0)"
        )
    paths = git.changed_paths(top, commit)
    if paths is None:
        raise UsageError(f"--changed-since {ref!r}: git could not list the files changed since {commit[:8]}")
    changed = {top / path for path in paths}
    if Path(config.path).resolve() in changed:
        return ChangedSince(ref, commit, {}, config_changed=True)
    now = {(root / record.path).resolve(): record for record in desired if record.path is not None}
    dois: dict[str, str] = {}
    for path in sorted(changed):
        if (record := now.get(path)) is not None:
            dois[record.doi] = record.repository
        held = (
            repository_for(config, path.relative_to(root).as_posix()) if path.is_relative_to(root) else None
        )
        if held is not None and path.suffix in _SUFFIXES:
            old = _doi_at(top, commit, path.relative_to(top).as_posix())
            if old is not None:
                dois.setdefault(old, held[1].id)
    return ChangedSince(ref, commit, dois)


def _doi_at(top: Path, commit: str, relative: str) -> str | None:
    """The DOI the file at `relative` held at `commit`, or None (no file then, or none readable)."""
    raw = git.file_at(top, commit, relative)
    if raw is None:
        return None
    try:
        doi = parse_source(raw, f"{relative} at {commit[:8]}").data.get("doi")
    except (ValueError, ReconcilerError):
        return None
    return doi.strip().lower() if isinstance(doi, str) and doi.strip() else None
