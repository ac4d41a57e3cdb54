"""Read the desired state: find DOI files, merge defaults, validate, and locate every problem.

This is the use case behind `doiac validate`, and the first half of `plan`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from itertools import repeat
from pathlib import Path
from typing import Any

from ..cache import CheckCache, CheckedFile, decode_checked, digest, encode_checked
from ..config import open_config, repository_for
from ..core.crossfile import cross_file_view, duplicate_dois, reciprocal_versions
from ..core.levels import leveled, selected, unknown_rules
from ..core.rules import RuleContext, run_record_rules
from ..errors import InvalidFilesError, SourceError, UsageError
from ..files import doi_files_outside, find_yaml_files, parse_source, read_bytes, relative_text
from ..model import Config, DesiredRecord, Diagnostic, Repository, Severity, SourceFile, escape_pointer_token
from ..schemas import check_schema

_INTENT_KEYS = ("doi", "state", "url")


@dataclass(frozen=True)
class Desired:
    """What the DOI files say, and everything wrong with them."""

    records: tuple[DesiredRecord, ...]
    diagnostics: tuple[Diagnostic, ...]
    files: int

    @property
    def errors(self) -> int:
        return sum(d.severity is Severity.ERROR for d in self.diagnostics)


@dataclass(frozen=True)
class _Merged:
    """A DOI file with defaults merged under it, and where each top-level key came from."""

    source: SourceFile
    record: dict[str, Any]
    origins: dict[str, str]
    """Top-level key → pointer prefix in doiac.yaml, for keys that came from defaults."""
    repository: Repository


@dataclass(frozen=True)
class _Kept:
    """What `read_desired` holds of a checked file until every file is read: little, for 100,000."""

    item: _Merged
    """Its record cut to what the cross-file checks read, its source to the positions they point at."""
    desired: DesiredRecord | None
    """The desired record (packed); None when the file has errors or the caller wants no records."""


PARALLEL_FROM = 400
"""Below this many files, worker processes cost more to start than they save."""
_CACHE_BATCH = 1000
"""Cached answers read from the cache at a time: 50,000 answers at once held 135 MB of JSON."""


def read_desired(
    config: Config,
    paths: Sequence[Path] = (),
    *,
    workers: int | None = None,
    cache: bool = False,
    records: bool = True,
) -> Desired:
    """Validate the DOI files under `paths` (default: every repository's folder).

    Files are read and checked in `workers` processes (default: one per CPU) when there are many;
    checks across files (duplicates, reciprocal versions) then run over all of them. With `cache`,
    a file whose bytes, path, configuration and doiac version are unchanged since a run that
    checked it is not parsed or checked again (`.doiac/cache.sqlite`). Without `records`, only
    diagnostics are wanted: no desired record is kept.
    """
    root = Path(config.root).resolve()
    starts = list(paths) or [root / repo.path for repo in config.repositories]
    found, skipped = find_yaml_files(starts, root)
    diagnostics: set[Diagnostic] = set()
    for skip in skipped:
        severity = Severity.ERROR if skip.is_error else Severity.WARNING
        diagnostics.add(Diagnostic(skip.path, 1, 1, severity, "", skip.reason, "file"))
    kept: list[_Kept] = []
    failed: set[str] = set()
    checked = (
        _check_cached(config, found, root, workers, records)
        if cache
        else _check_files(config, found, root, workers, records)
    )
    for one, found_diagnostics in checked:
        diagnostics.update(found_diagnostics)
        if one is not None:
            kept.append(one)
            # An error may sit in doiac.yaml (a bad default); it still fails every file merging it.
            if any(d.severity is Severity.ERROR for d in found_diagnostics):
                failed.add(one.item.source.path)
    by_path = {one.item.source.path: one.item for one in kept}
    pairs = [(one.item.source.path, one.item.record) for one in kept]
    for diagnostic in [*duplicate_dois(pairs), *reciprocal_versions(pairs)]:
        diagnostics.add(_locate(config, by_path[diagnostic.path], diagnostic))
        if diagnostic.severity is Severity.ERROR:
            failed.add(diagnostic.path)
    if not paths:
        diagnostics.update(_outside(config, root))
    desired = tuple(
        one.desired for one in kept if one.desired is not None and one.item.source.path not in failed
    )
    return Desired(desired, _capped(set(leveled(diagnostics))), len(found))


def _outside(config: Config, root: Path) -> list[Diagnostic]:
    """A warning for each DOI file no repository folder holds: no command would ever read it."""
    folders = [root / repo.path for repo in config.repositories]
    managed = ", ".join(f"{repo.path} ({repo.id})" for repo in config.repositories)
    message = f"a DOI file outside every repository folder is never read; doiac reads {managed}"
    return [
        Diagnostic(_relative(path, root), 1, 1, Severity.WARNING, "", message, "outside-repository")
        for path in doi_files_outside(root, folders)
    ]


PROBLEMS_PER_FILE = 100
"""Diagnostics shown per file; one line stands for the rest (200,000 unknown keys made 69 MB)."""
TOO_MANY = "too-many-problems"
"""The rule of that line."""
_WORST_FIRST = tuple(Severity)


def _capped(diagnostics: set[Diagnostic]) -> tuple[Diagnostic, ...]:
    """Each file's first PROBLEMS_PER_FILE diagnostics by line, then one line about the rest.

    That line is as severe as the worst problem it stands for, so the exit code stays the same.
    """
    by_path: dict[str, list[Diagnostic]] = {}
    for diagnostic in sorted(diagnostics):
        by_path.setdefault(diagnostic.path, []).append(diagnostic)
    shown: list[Diagnostic] = []
    for path, found in by_path.items():
        shown.extend(found[:PROBLEMS_PER_FILE])
        rest = found[PROBLEMS_PER_FILE:]
        if rest:
            worst = min((d.severity for d in rest), key=_WORST_FIRST.index)
            more = f"{len(rest):,} more problem{'' if len(rest) == 1 else 's'}"
            message = f"… and {more} in this file (fix these and run again)"
            shown.append(Diagnostic(path, 1, 1, worst, "", message, TOO_MANY))
    return tuple(shown)


_Held = tuple["_Kept | None", list[Diagnostic]]
"""What `read_desired` holds of a checked file until every file is read, and its diagnostics."""
_Found = tuple[_Held, "bytes | None", "bytes | None"]
"""That, the digest of the bytes read (None when none were) and the check cache's value for it
(None when no cache is kept): made where the file is checked, in a worker when there are many."""
_CROSS_FILE_KEYS = ("doi", "relatedIdentifiers")
"""The top-level keys a cross-file diagnostic can point at."""


def _check_files(
    config: Config, found: list[Path], root: Path, workers: int | None, records: bool
) -> list[_Held]:
    return [held for held, _, _ in _check_all(config, found, root, workers, records, encode=False)]


def _check_all(
    config: Config, found: list[Path], root: Path, workers: int | None, records: bool, *, encode: bool
) -> Iterator[_Found]:
    """Each file's answer in turn, in the order of `found`, already cut down to what is held."""
    count = workers if workers is not None else (os.cpu_count() or 1)
    if count < 2 or len(found) < PARALLEL_FROM:
        yield from (_check_file(config, path, root, records, encode) for path in found)
        return
    chunk = max(1, len(found) // (count * 8))
    repositories = {repository.id: repository for repository in config.repositories}
    with ProcessPoolExecutor(max_workers=count) as pool:
        answers = pool.map(
            _check_file, repeat(config), found, repeat(root), repeat(records), repeat(encode), chunksize=chunk
        )
        for (kept, diagnostics), file_digest, value in answers:
            # Each answer brought its own copy of the repository: hold the config's one instead.
            shared = kept and replace(
                kept, item=replace(kept.item, repository=repositories[kept.item.repository.id])
            )
            yield (shared, diagnostics), file_digest, value


def _hold(item: _Merged | None, diagnostics: list[Diagnostic], records: bool) -> _Held:
    """What is kept of a checked file: the cross-file view, and its record when it has no error."""
    if item is None:
        return None, diagnostics
    failed = any(d.severity is Severity.ERROR for d in diagnostics)
    desired = _desired(item) if records and not failed else None
    view = replace(
        item,
        record=cross_file_view(item.record),
        source=replace(item.source, data={}),
        origins={key: where for key, where in item.origins.items() if key in _CROSS_FILE_KEYS},
    )
    return _Kept(view, desired), diagnostics


def _check_file(config: Config, path: Path, root: Path, records: bool, encode: bool) -> _Found:
    """Read, merge and check one file; what is held of it, and with `encode`, its cache value."""
    display = _relative(path, root)
    owner = repository_for(config, display)
    if owner is None:
        folders = ", ".join(r.path or "./" for r in config.repositories)
        message = f"not under the folder of any repository in {config.path} ({folders})"
        return (None, [Diagnostic(display, 1, 1, Severity.ERROR, "", message, "file")]), None, None
    try:
        raw = read_bytes(path, display)
    except SourceError as exc:
        return (None, [_yaml_error(exc)]), None, None
    try:
        source = parse_source(raw, display)
    except SourceError as exc:
        found = [_yaml_error(exc)]
        return (None, found), digest(raw), encode_checked(found, None) if encode else None
    item = _merge(config, owner[0], owner[1], source)
    diagnostics = _check_one(config, item)
    kept, _ = _hold(_slim(item), diagnostics, records or encode)  # the cache keeps the record for plans
    value = encode_checked(diagnostics, _cached(kept)) if encode else None
    if kept is not None and not records:
        kept = replace(kept, desired=None)
    return (kept, diagnostics), digest(raw), value


def _cached(kept: _Kept | None) -> CheckedFile | None:
    """What the check cache keeps of a checked file: what is held of it."""
    if kept is None:
        return None
    item = kept.item
    return CheckedFile(item.record, item.source.positions, item.origins, kept.desired)


def _uncached(checked: CheckedFile, name: str, repository: Repository, records: bool) -> _Kept:
    """What is held of a file, from its check cache answer: nothing of its data is decoded or merged."""
    item = _Merged(SourceFile(name, {}, checked.positions), checked.view, checked.origins, repository)
    return _Kept(item, checked.desired if records else None)


def _yaml_error(exc: SourceError) -> Diagnostic:
    return Diagnostic(exc.path, exc.line, exc.column, Severity.ERROR, "", exc.message, "yaml")


def _check_cached(
    config: Config, found: list[Path], root: Path, workers: int | None, records: bool
) -> list[_Held]:
    """`_check_files`, answering from the check cache for every file it holds, storing the rest."""
    store = CheckCache.open(root, _config_salt(config))
    if store is None:
        return _check_files(config, found, root, workers, records)
    names = [_relative(path, root) for path in found]
    owners = [repository_for(config, name) for name in names]
    keys: dict[int, bytes] = {}
    for index, (path, name, owner) in enumerate(zip(found, names, owners, strict=True)):
        try:
            if owner is not None:
                keys[index] = store.key(name, repr(owner), digest(read_bytes(path, name)))
        except SourceError:
            pass  # checked afresh, which says what is wrong
    results: dict[int, _Held] = {}
    looked_up = list(keys.items())
    for start in range(0, len(looked_up), _CACHE_BATCH):  # a batch of answers at a time in memory
        batch = looked_up[start : start + _CACHE_BATCH]
        values = store.get_many([key for _, key in batch])
        for index, key in batch:
            owner = owners[index]
            if key in values and owner is not None:
                answer, diagnostics = decode_checked(values.pop(key), names[index], owner[1].id)
                kept = None if answer is None else _uncached(answer, names[index], owner[1], records)
                results[index] = kept, diagnostics
    missed = [index for index in range(len(found)) if index not in results]
    checked = _check_all(config, [found[i] for i in missed], root, workers, records, encode=True)
    for index, (held, file_digest, value) in zip(missed, checked, strict=True):
        results[index] = held
        owner = owners[index]
        if file_digest is not None and value is not None and owner is not None:
            store.put(store.key(names[index], repr(owner), file_digest), value)
    store.close()
    return [results[index] for index in range(len(found))]


def _config_salt(config: Config) -> bytes:
    """What every file's answer depends on in doiac.yaml: its defaults, and where they sit in it."""
    source = config.source
    where = (source.data, sorted(source.positions.items())) if source is not None else None
    return repr((config.path, config.defaults, where)).encode()


def _slim(item: _Merged) -> _Merged:
    """Keep only the positions the cross-file checks point at: less to send between processes."""
    keep = {
        p: pos
        for p, pos in item.source.positions.items()
        if p in ("", "/doi") or p.startswith("/relatedIdentifiers")
    }
    return replace(item, source=replace(item.source, positions=keep))


def _relative(path: Path, root: Path) -> str:
    """`path` as diagnostics show it: relative to `root` (resolved once, by `read_desired`), else absolute."""
    shown = relative_text(path, root)
    return os.path.abspath(path) if shown is None else shown


def _merge(config: Config, index: int, repository: Repository, source: SourceFile) -> _Merged:
    record: dict[str, Any] = {}
    origins: dict[str, str] = {}
    for key, value in config.defaults.items():
        record[key] = value
        origins[key] = f"/defaults/{escape_pointer_token(key)}"
    for key, value in repository.defaults.items():
        record[key] = value
        origins[key] = f"/repositories/{index}/defaults/{escape_pointer_token(key)}"
    for key, value in source.data.items():
        record[key] = value
        origins.pop(key, None)
    return _Merged(source, record, origins, repository)


def _check_one(config: Config, item: _Merged) -> list[Diagnostic]:
    context = RuleContext(item.source.path, item.repository)
    found = [*check_schema("doi", item.record), *run_record_rules(item.record, context)]
    return [_locate(config, item, diagnostic) for diagnostic in found]


def _locate(config: Config, item: _Merged, found: Diagnostic) -> Diagnostic:
    """Place a check's diagnostic in the file, or in doiac.yaml when the value came from defaults there."""
    pointer = found.pointer
    top = pointer.split("/")[1] if pointer else ""
    if top in item.origins and config.source is not None:
        return config.source.place(replace(found, pointer=item.origins[top] + pointer[len(top) + 1 :]))
    source = item.source
    if pointer.count("/") == 1 and pointer not in source.positions and "/state" in source.positions:
        # A missing top-level key: point at `state`, which is what makes most keys required.
        line, column = source.locate("/state", key=True)
        return replace(found, path=source.path, line=line, column=column)
    return source.place(found)


def _desired(item: _Merged) -> DesiredRecord:
    record: Mapping[str, Any] = item.record
    return DesiredRecord(
        doi=str(record["doi"]).lower(),
        state=str(record["state"]),
        url=record.get("url"),
        attributes={k: v for k, v in record.items() if k not in _INTENT_KEYS},
        path=item.source.path,
        repository=item.repository.id,
    )


@dataclass(frozen=True)
class Validated:
    """What `doiac validate` found: every diagnostic, and how many files were checked."""

    diagnostics: tuple[Diagnostic, ...]
    files: int

    @property
    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.diagnostics)


def run(
    config_path: Path | None,
    paths: Sequence[Path] = (),
    *,
    strict: bool = False,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    cache: bool = False,
) -> Validated:
    """`doiac validate`: check the DOI files offline; with `strict`, warnings (documentation rules)
    count as errors, advice never does. `select` and `ignore` name rules, as ruff's do."""
    if unknown := unknown_rules([*select, *ignore]):
        raise UsageError(f"no such rule: {', '.join(unknown)} (`doiac validate --rules` lists them)")
    config = open_config(config_path)
    desired = read_desired(config, paths, cache=cache, records=False)
    # The command line's --select replaces the config's; its --ignore adds to it (as ruff's).
    diagnostics = tuple(selected(desired.diagnostics, select or config.select, (*config.ignore, *ignore)))
    if strict:
        diagnostics = tuple(
            d.with_severity(Severity.ERROR) if d.severity is Severity.WARNING else d for d in diagnostics
        )
    return Validated(diagnostics, desired.files)


def valid_desired(config: Config, *, cache: bool = False) -> Desired:
    """The desired records, or InvalidFilesError: invalid files stop a plan before any request."""
    desired = read_desired(config, cache=cache)
    errors = tuple(d for d in desired.diagnostics if d.severity is Severity.ERROR)
    if errors:
        raise InvalidFilesError(errors)
    return desired
