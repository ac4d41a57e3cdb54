"""The use case behind `doiac version`: write the next version's file, related both ways.

DataCite's versioning guidance: each version that changes the content gets its own DOI, and the
versions point at each other (`IsNewVersionOf` ↔ `IsPreviousVersionOf`); a version of a concept
DOI that stands for all versions says `IsVersionOf` it, and the concept says `HasVersion` back.
The new file is a draft with the old file's metadata; the old file (and the concept's, when it is
in the repository) gets the relation back, every comment kept. Nothing is written unless every
file can be, and a failed write puts back what was already written.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import open_config, shown_path
from ..core.crossfile import bare_doi
from ..errors import FileError, ReconcilerError, UsageError
from ..files import parse_source, read_text, write_text
from ..model import Config, Repository
from ..yamledit import append_item, edited_text, new_text, schema_reference, set_list
from .adopt import canonical_path, doi_argument, files_by_doi
from .new import mint_doi
from .plan import connect
from .tombstone import file_of

NEW_VERSION, PREVIOUS_VERSION = "IsNewVersionOf", "IsPreviousVersionOf"
VERSION_OF, HAS_VERSION = "IsVersionOf", "HasVersion"
NOT_INHERITED = frozenset({NEW_VERSION, PREVIOUS_VERSION, HAS_VERSION})
"""Relations of the old version that are not true of the new one: it gets its own IsNewVersionOf."""
HEADER = (
    "The next version of {old}, written by doiac version: a draft with its metadata.\n"
    "Change what is different in this version, then give it a url and a state."
)
_COUNTABLE = re.compile(
    r"^(?P<v>[vV]?)(?P<major>\d+)(?P<rest>(?:\.\d+)*)(?:-[A-Za-z][0-9A-Za-z.-]*)?(?:\+[0-9A-Za-z.-]+)?$"
)


@dataclass(frozen=True)
class Versioned:
    """The files `doiac version` wrote."""

    old_doi: str
    old_path: str
    new_doi: str
    new_path: str
    draws: int
    """Suffixes drawn until one was unused (1 unless a collision)."""
    concept: str | None = None
    """The concept DOI the versions are `IsVersionOf`, if the old version names one."""
    concept_path: str | None = None
    """The concept DOI's file, when it is in the repository (it gained `HasVersion`)."""
    version: str = ""
    """The new file's `version`."""
    notes: tuple[str, ...] = ()
    """What the user should look at: the old version already had a newer one."""


def run(
    config_path: Path | None, doi: str, *, version: str | None = None, offline: bool = False
) -> Versioned:
    """`doiac version DOI`: mint the next version's DOI and write its draft file, related both ways.

    The new DOI is checked against the files and, unless `offline`, against DataCite.
    """
    config = open_config(config_path)
    old_doi = doi_argument(doi)
    files = files_by_doi(config)
    old_path, old_shown, repository = file_of(config, old_doi, files)
    old_text = read_text(old_path)
    old = parse_source(old_text.encode("utf-8"), old_shown).data
    relations = old.get("relatedIdentifiers")
    if relations is not None and not isinstance(relations, list):
        raise UsageError(f"{old_shown}: relatedIdentifiers is not a list; fix the file first")
    new_version = _new_version(old.get("version"), version, old_shown)
    concepts = _targets(relations or [], VERSION_OF, old_doi)
    newer = _targets(relations or [], PREVIOUS_VERSION, old_doi)
    new_doi, draws = _mint(config, repository, old_doi, set(files), offline=offline)
    new_path = canonical_path(config, repository, new_doi)
    if new_path.exists():
        raise ReconcilerError(f"{shown_path(config, new_path)} exists but declares no DOI; nothing written")
    new_shown = shown_path(config, new_path)

    data = _next_data(old, new_doi, new_version, old_doi)
    header = HEADER.format(old=old_doi)
    writes: list[tuple[Path, str | None, str]] = [
        (new_path, None, new_text(data, schema_reference(new_path, Path(config.root)), header)),
        (old_path, old_text, _related(old_text, old_shown, _relation(new_doi, PREVIOUS_VERSION))),
    ]
    concept_path = None
    for concept in concepts:
        if concept in files and concept not in (old_doi, new_doi):
            path = files[concept]
            text = read_text(path)
            shown = shown_path(config, path)
            writes.append((path, text, _related(text, shown, _relation(new_doi, HAS_VERSION))))
            concept_path = concept_path or shown
    _write_all(writes)
    return Versioned(
        old_doi, old_shown, new_doi, new_shown, draws,
        concepts[0] if concepts else None, concept_path, new_version,
        tuple(
            f"{old_doi} already has a newer version {doi}; {new_doi} is a second one after {old_doi}"
            " (to follow the newest, run doiac version on it instead and delete the new file)"
            for doi in newer
        ),
    )  # fmt: skip


def next_version(old: Any) -> str | None:
    """The version after `old` when it counts: 3 → 4, "1.0" → "2.0", "v1.2.3" → "v2.0.0"; else None.

    A new DOI is for a new major version (DataCite's guidance: minor changes keep the DOI), so the
    first number goes up and the others start again at 0; a pre-release or build label is dropped.
    """
    if isinstance(old, bool) or old is None:
        return None
    if isinstance(old, int):
        return str(old + 1)
    match = _COUNTABLE.match(str(old).strip())
    if match is None:
        return None
    zeros = ".0" * match["rest"].count(".")
    return f"{match['v']}{int(match['major']) + 1}{zeros}"


def _new_version(old: Any, given: str | None, shown: str) -> str:
    if given is not None:
        wanted = given.strip()
        if not wanted:
            raise UsageError("--version is empty: give the new version, e.g. --version 2.0")
        if old is not None and str(old).strip() == wanted:
            raise UsageError(f"{shown} is already version {wanted}: give the new version with --version")
        return wanted
    counted = next_version(old)
    if counted is None:
        said = "has no version" if old is None else f"has version {old!r}, which doiac cannot count up from"
        raise UsageError(f"{shown} {said}: give the new version with --version")
    return counted


def _targets(relations: list[Any], kind: str, old_doi: str) -> list[str]:
    """The DOIs the old version relates to as `kind` (IsVersionOf: its concept DOI, usually one)."""
    found: list[str] = []
    for rel in relations:
        if isinstance(rel, Mapping) and rel.get("relationType") == kind:
            if rel.get("relatedIdentifierType") != "DOI" or not isinstance(rel.get("relatedIdentifier"), str):
                continue
            target = bare_doi(rel["relatedIdentifier"])
            if target and target != old_doi and target not in found:
                found.append(target)
    return found


def _mint(
    config: Config, repository: Repository, old_doi: str, taken: set[str], *, offline: bool
) -> tuple[str, int]:
    prefix = old_doi.split("/", 1)[0]
    chosen = prefix if prefix in {p.lower() for p in repository.prefixes} else None
    if offline:
        return mint_doi(repository, None, taken=taken, prefix=chosen)
    with connect(config) as (_, clients):
        return mint_doi(repository, clients[repository.id], taken=taken, prefix=chosen)


def _relation(doi: str, kind: str) -> dict[str, str]:
    return {"relatedIdentifier": doi, "relatedIdentifierType": "DOI", "relationType": kind}


def _next_data(old: Mapping[str, Any], new_doi: str, version: str, old_doi: str) -> dict[str, Any]:
    """The old file's data as the next version's: a draft with no url, its own version and relations."""
    data = {k: copy.deepcopy(v) for k, v in old.items() if k != "url"}
    data.update(doi=new_doi, state="draft", version=version)
    relations = [
        rel
        for rel in data.get("relatedIdentifiers") or []
        if not (isinstance(rel, Mapping) and rel.get("relationType") in NOT_INHERITED)
    ]
    data["relatedIdentifiers"] = [*relations, _relation(old_doi, NEW_VERSION)]
    dates = data.get("dates")
    if isinstance(dates, list):  # the old version may be withdrawn; the new one is not
        kept = [d for d in dates if not (isinstance(d, Mapping) and d.get("dateType") == "Withdrawn")]
        if kept:
            data["dates"] = kept
        else:
            del data["dates"]
    return data


def _related(text: str, shown: str, relation: dict[str, str]) -> str:
    """`text` of a DOI file with `relation` in its relatedIdentifiers, every comment kept."""

    def edit(document: MutableMapping[str, Any]) -> None:
        _relate(document, relation)

    return edited_text(text, shown, edit)


def _relate(document: MutableMapping[str, Any], relation: dict[str, str]) -> None:
    """Append `relation` to the file's relatedIdentifiers, unless it is there already."""
    relations = document.get("relatedIdentifiers")
    if relations is None or relations == []:
        set_list(document, "relatedIdentifiers", [relation])
        return
    if not isinstance(relations, list):
        raise UsageError("relatedIdentifiers is not a list; fix the file first")
    target = relation["relatedIdentifier"]
    for rel in relations:
        if isinstance(rel, Mapping) and rel.get("relationType") == relation["relationType"]:
            value = rel.get("relatedIdentifier")
            if isinstance(value, str) and bare_doi(value) == target:
                return
    append_item(relations, relation)


def _write_all(writes: list[tuple[Path, str | None, str]]) -> None:
    """Write each (path, text before or None for a new file, text); on a failure, undo those written."""
    done: list[tuple[Path, str | None]] = []
    try:
        for path, before, text in writes:
            if before is None:
                path.parent.mkdir(parents=True, exist_ok=True)
            write_text(path, text)
            done.append((path, before))
    except (FileError, OSError) as exc:
        undone = True
        for path, before in reversed(done):
            try:
                if before is None:
                    path.unlink()
                else:
                    write_text(path, before)
            except (FileError, OSError):
                undone = False
        if not done:
            raise
        outcome = "put back" if undone else "NOT all put back: check them with git status"
        raise FileError(f"{exc}; the files written before it were {outcome}") from None
