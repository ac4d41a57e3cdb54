"""The use case behind `doiac show DOI`: the live record in DOI-file form, and its diff against the file.

The file form is exactly what `doiac import` would write; the diff is the change the next plan
would make for this DOI (None when the file and DataCite agree, or when there is no file).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..config import open_config
from ..core.adopt import file_form
from ..core.planner import make_change
from ..datacite import live_record
from ..errors import ReconcilerError, UsageError
from ..model import Change, Severity
from ..yamledit import new_text
from .adopt import canonical_path, files_by_doi, parse_dois, repository_of
from .plan import connect
from .validate import read_desired


@dataclass(frozen=True)
class Shown:
    """One DOI as DataCite holds it, as a DOI file would hold it, and what the file would change."""

    doi: str
    state: str
    repository: str
    text: str
    """The live record as a DOI file (what import writes, without the editor comment)."""
    path: str | None = None
    """The DOI's file, relative to the config's root; None when it has none."""
    change: Change | None = None
    problem: str | None = None
    """Why the file could not be compared (it is invalid), or why no file can reproduce the record."""


def run(config_path: Path | None, doi: str) -> Shown:
    """`doiac show DOI`: read the DOI singly from DataCite and compare it with its file."""
    config = open_config(config_path)
    (wanted,) = parse_dois([doi])
    repository = repository_of(config, wanted)
    if repository is None:
        raise UsageError(f"prefix {wanted.split('/', 1)[0]} belongs to no repository in the config")
    with connect(config) as (_, clients):
        live = clients[repository.id].get(wanted)
    if live is None:
        raise ReconcilerError(f"DataCite has no DOI {wanted} visible to {repository.id}")
    record = live_record(live)
    root = Path(config.root)
    current = files_by_doi(config).get(wanted)
    shown = (
        (current or canonical_path(config, repository, wanted))
        .resolve()
        .relative_to(root.resolve())
        .as_posix()
    )
    adopted = file_form(record, {**config.defaults, **repository.defaults}, shown, repository.id)
    text = new_text(adopted.data, None)
    base = Shown(wanted, record.state, repository.id, text, problem=adopted.problem)
    if current is None:
        return base
    desired = read_desired(config, [current])
    errors = [d for d in desired.diagnostics if d.severity is Severity.ERROR]
    if errors or not desired.records:
        first = errors[0] if errors else None
        why = f"{first.path}:{first.line}: {first.message}" if first else "the file holds no valid DOI"
        return Shown(wanted, record.state, repository.id, text, shown, problem=f"the file is invalid: {why}")
    return Shown(wanted, record.state, repository.id, text, shown, make_change(desired.records[0], record))
