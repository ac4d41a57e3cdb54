"""The use case behind `doiac new`: mint an opaque DOI and write its draft file.

Minting uses DataCite's own suffix algorithm (`core/suffix`, with the check digit). A minted DOI
is kept only when no DOI file names it and DataCite has no such DOI: a collision draws again.
"""

from __future__ import annotations

import random
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import open_config
from ..core.citation import convert_cff
from ..core.suffix import mint_suffix
from ..datacite import DataCiteClient
from ..errors import FileError, ReconcilerError, SourceError, UsageError
from ..files import read_source, read_text, write_text
from ..model import Config, Position, Repository
from ..schemas import load_schema
from ..yamledit import new_text, schema_reference
from .adopt import canonical_path, files_by_doi, repository_of
from .plan import connect

MINT_ATTEMPTS = 20
"""Draws before giving up; among 2^30 suffixes a second collision is already a sign of a bug."""


def mint_doi(
    repository: Repository,
    client: DataCiteClient | None,
    *,
    taken: Collection[str],
    prefix: str | None = None,
    rng: random.Random | None = None,
) -> tuple[str, int]:
    """(a new lower-case DOI of `repository`, the draws it took): unused by any file and at DataCite.

    `taken` holds the lower-case DOIs that have a file. With `client`, each draw is also looked
    up at DataCite (one GET); without one, only the files are checked.
    """
    chosen = (prefix or repository.prefixes[0]).lower()
    if chosen not in {p.lower() for p in repository.prefixes}:
        raise UsageError(
            f"prefix {chosen} is not one of {repository.id}'s prefixes ({', '.join(repository.prefixes)})"
        )
    source = rng or random.SystemRandom()
    for attempt in range(1, MINT_ATTEMPTS + 1):
        doi = f"{chosen}/{mint_suffix(source)}"
        if doi in taken:
            continue
        if client is not None and client.get(doi) is not None:
            continue
        return doi, attempt
    raise ReconcilerError(f"no unused DOI after {MINT_ATTEMPTS} draws under {chosen}")


DEFAULT_TYPE = "Dataset"
HEADER = (
    "Minted by doiac new: a draft DOI. `doiac apply` creates it at DataCite as a draft; to publish it,\n"
    "add its url and the required metadata (creators, titles, publisher, publicationYear), then set\n"
    "state: findable."
)


@dataclass(frozen=True)
class Minted:
    """The DOI `doiac new` minted and the draft file it wrote."""

    doi: str
    path: str
    """The file, relative to the config's folder (POSIX form)."""
    draws: int
    """How many suffixes were drawn: more than one when a draw was taken by a file or at DataCite."""
    notes: tuple[str, ...] = ()
    """What the CITATION.cff held that was not mapped, or that asks for a look."""


def run(
    config_path: Path | None,
    *,
    repository: str | None = None,
    resource_type: str = DEFAULT_TYPE,
    title: str | None = None,
    from_cff: Path | None = None,
    prefix: str | None = None,
    offline: bool = False,
    rng: random.Random | None = None,
) -> Minted:
    """`doiac new`: mint an unused opaque DOI of `repository` and write its draft file.

    The DOI is checked against every DOI file, and unless `offline` against DataCite (one GET
    per draw). The file holds `doi`, `state: draft`, `types`, the title, and what `from_cff`
    gives; nothing the config's defaults already say. An existing file is never overwritten.
    """
    config = open_config(config_path)
    repo = _repository(config, repository)
    chosen_type = resource_type_general(resource_type)
    metadata: dict[str, Any] = {}
    notes: list[str] = []
    if from_cff is not None:
        converted = convert_cff(read_cff(from_cff))
        metadata = dict(converted.metadata)
        notes.extend(converted.notes)
        cff_type = metadata.get("types", {}).get("resourceTypeGeneral")
        if resource_type == DEFAULT_TYPE and cff_type:
            chosen_type = cff_type  # the CFF's type wins over the default, never over a chosen --type
    if title is not None:
        if not title.strip():
            raise UsageError("--title must not be empty")
        metadata["titles"] = [{"title": title.strip()}]
    metadata["types"] = {"resourceTypeGeneral": chosen_type}
    existing = files_by_doi(config)
    notes.extend(_known_dois(config, metadata, existing))
    taken = _Taken(config, repo, existing)
    if offline:
        doi, draws = mint_doi(repo, None, taken=taken, prefix=prefix, rng=rng)
    else:
        with connect(config) as (_, clients):
            doi, draws = mint_doi(repo, clients[repo.id], taken=taken, prefix=prefix, rng=rng)
    path = canonical_path(config, repo, doi)
    data = _file_data(doi, metadata, {**config.defaults, **repo.defaults})
    root = Path(config.root)
    text = new_text(data, schema_reference(path, root), HEADER)
    if path.exists():  # _Taken refused this path; only a file made since then gets here
        raise FileError(f"{path} appeared while minting; nothing written")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FileError(f"cannot create {path.parent}: {exc.strerror or exc}") from None
    write_text(path, text)
    return Minted(doi, _relative(path, root), draws, tuple(notes))


def resource_type_general(value: str) -> str:
    """`value` as a DataCite 4.7 resourceTypeGeneral (any letter case); UsageError listing them if unknown."""
    known: list[str] = load_schema("datacite-4.7")["$defs"]["resourceTypeGeneral"]["enum"]
    for name in known:
        if name.lower() == value.strip().lower():
            return name
    raise UsageError(f"--type {value!r} is not a DataCite resourceTypeGeneral; use one of {', '.join(known)}")


def read_cff(path: Path) -> dict[str, Any]:
    """The mapping of a CITATION.cff; a version YAML read as a number is taken as written."""
    try:
        source = read_source(path)
    except SourceError as exc:
        message = exc.message.replace("a DOI file", "a CITATION.cff file")
        raise SourceError(exc.path, exc.line, exc.column, message) from None
    data = dict(source.data)
    version = data.get("version")
    if isinstance(version, int | float) and not isinstance(version, bool):
        written = _scalar_text(read_text(path), source.positions.get("/version"))
        if written:
            data["version"] = written
    return data


def _scalar_text(text: str, position: Position | None) -> str | None:
    """The plain scalar as written at `position` (`1.10`, not the float 1.1); None if not found."""
    if position is None:
        return None
    lines = text.splitlines()
    if not 0 < position.line <= len(lines):
        return None
    token = lines[position.line - 1][position.column - 1 :].split(" #", 1)[0].strip()
    return token if _NUMBER.match(token) else None


_NUMBER = re.compile(r"^[-+]?[0-9][0-9._]*(?:[eE][-+]?[0-9]+)?$")


def _repository(config: Config, wanted: str | None) -> Repository:
    choices = ", ".join(r.id for r in config.repositories)
    if wanted is None:
        if len(config.repositories) == 1:
            return config.repositories[0]
        raise UsageError(f"the config has several repositories: choose one with --repository ({choices})")
    for repo in config.repositories:
        if repo.id.upper() == wanted.strip().upper():
            return repo
    raise UsageError(f"--repository {wanted!r} is not in the config (its repositories: {choices})")


class _Taken(Collection[str]):
    """The DOIs a draw may not take: those with a file, and those whose canonical path holds any file."""

    def __init__(self, config: Config, repository: Repository, files: Mapping[str, Path]) -> None:
        self._config = config
        self._repository = repository
        self._files = files

    def __contains__(self, doi: object) -> bool:
        if not isinstance(doi, str):
            return False
        return doi in self._files or canonical_path(self._config, self._repository, doi).exists()

    def __iter__(self) -> Iterator[str]:
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)


def _known_dois(config: Config, metadata: Mapping[str, Any], files: Mapping[str, Path]) -> list[str]:
    """A note for each DOI the CFF relates that is already one of this repository's DOIs."""
    notes = []
    root = Path(config.root)
    for related in metadata.get("relatedIdentifiers", []):
        if related.get("relatedIdentifierType") != "DOI":
            continue
        doi = str(related["relatedIdentifier"]).lower()
        if doi in files:
            notes.append(
                f"the CFF names {doi}, which already has the file {_relative(files[doi], root)}:"
                " is a new DOI what you want?"
            )
        elif repository_of(config, doi) is not None:
            notes.append(f"the CFF names {doi}, a DOI under this config's prefixes that has no file")
    return notes


def _file_data(doi: str, metadata: Mapping[str, Any], defaults: Mapping[str, Any]) -> dict[str, Any]:
    """The draft file: intent keys, then the metadata the defaults do not already give."""
    data: dict[str, Any] = {"doi": doi, "state": "draft"}
    for key, value in metadata.items():
        if defaults.get(key) != value:
            data[key] = value
    return data


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
