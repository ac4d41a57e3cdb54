"""Frozen values shared by every layer."""

from __future__ import annotations

import enum
import functools
import marshal
import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple


def escape_pointer_token(token: str) -> str:
    """One JSON pointer token (RFC 6901): `~` → `~0`, `/` → `~1`."""
    return token.replace("~", "~0").replace("/", "~1")


def pointer_of(parts: Iterable[Any]) -> str:
    """A JSON pointer from path parts, e.g. ("titles", 0, "title") → /titles/0/title."""
    return "".join(f"/{escape_pointer_token(str(part))}" for part in parts)


def pointer_tokens(pointer: str) -> list[str]:
    """The path parts of a JSON pointer, unescaped: /titles/0/title → ["titles", "0", "title"]."""
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]


class Severity(enum.Enum):
    """How bad a diagnostic is, which says where its rule comes from.

    error: DataCite refuses the record (its XSD or its API). warning: DataCite's documentation
    asks for it; `--strict` makes these errors. advice: best practice, never promoted. info: a
    note. Only errors make `validate` fail.
    """

    ERROR = "error"
    WARNING = "warning"
    ADVICE = "advice"
    INFO = "info"


_RANK = {severity: rank for rank, severity in enumerate(Severity)}


@functools.total_ordering
@dataclass(frozen=True)
class Diagnostic:
    """One problem, located as precisely as we can: file, line, column and JSON pointer.

    The checks of `core` know pointers, not lines: they leave path, line and column at their
    defaults (a cross-file check sets the path), and the code that read the file places the
    diagnostic there (`SourceFile.place`). Diagnostics sort by place, then message, worst first.
    """

    path: str = ""
    line: int = 0
    column: int = 0
    severity: Severity = Severity.ERROR
    pointer: str = ""
    message: str = ""
    rule: str = ""
    key: bool = False
    """Point at the key rather than its value (a missing or an unknown key)."""

    def __lt__(self, other: Diagnostic) -> bool:
        return self._order() < other._order()

    def _order(self) -> tuple[str, int, int, str, str, int, str, bool]:
        place = (self.path, self.line, self.column, self.pointer)
        return (*place, self.message, _RANK[self.severity], self.rule, self.key)

    def with_severity(self, severity: Severity) -> Diagnostic:
        return replace(self, severity=severity)


class Position(NamedTuple):
    """Where a value (and, inside a mapping, its key) starts; 1-based.

    A named tuple, not a frozen dataclass: the reader makes one per YAML node, and frozen
    dataclasses are several times slower to build.
    """

    line: int
    column: int
    key_line: int
    key_column: int


@dataclass(frozen=True)
class SourceFile:
    """A YAML file as read from disk: its data, and where each JSON pointer sits in the text."""

    path: str
    data: dict[str, Any]
    positions: dict[str, Position]

    def locate(self, pointer: str, *, key: bool = False) -> tuple[int, int]:
        """Line and column of `pointer`, or of its nearest ancestor that exists in the file."""
        probe = pointer
        while probe not in self.positions and probe:
            probe = probe.rsplit("/", 1)[0]
        pos = self.positions.get(probe)
        if pos is None:
            return 1, 1
        if key or probe != pointer:
            return pos.key_line, pos.key_column
        return pos.line, pos.column

    def place(self, diagnostic: Diagnostic) -> Diagnostic:
        """`diagnostic` (from a check, which knows only its pointer) at its line and column here."""
        line, column = self.locate(diagnostic.pointer, key=diagnostic.key)
        return replace(diagnostic, path=self.path, line=line, column=column)


@dataclass(frozen=True)
class Repository:
    """One DataCite repository account and the DOI files it owns."""

    id: str
    prefixes: tuple[str, ...]
    path: str
    """Folder of its DOI files, relative to the config file's folder, POSIX form with a trailing slash."""
    password_env: str
    domains: tuple[str, ...] = ()
    defaults: dict[str, Any] = field(default_factory=dict)
    credential: str = "password"
    """What the `password_env` variable holds and how it is sent: `password` or `api-key` (HTTP Basic
    `ID:secret`), or `api-key-bearer` (`Authorization: Bearer <key>`)."""


@dataclass(frozen=True)
class Limits:
    max_one_way: int = 100
    rate: int | None = None
    """Requests per five minutes; None means the environment's own budget."""
    bulk_threshold: int = 1000
    """With rate auto: an apply of more writes than this runs at `bulk_rate`."""
    bulk_rate: int = 400
    """DataCite asks large write runs to stay within 300 to 500 requests per 5 minutes."""

    def bulk_pace(self, writes: int) -> int | None:
        """The bulk budget an apply of `writes` writes runs at, or None (an explicit rate wins)."""
        return self.bulk_rate if self.rate is None and writes > self.bulk_threshold else None


@dataclass(frozen=True)
class Config:
    """doiac.yaml, validated."""

    path: str
    environment: str = "sandbox"
    repositories: tuple[Repository, ...] = ()
    defaults: dict[str, Any] = field(default_factory=dict)
    unmanaged: str = "warn"
    prune_drafts: bool = False
    sandbox_in_ci: bool = False
    """Plan and apply may use the embedded sandbox under CI=true (refused otherwise)."""
    limits: Limits = field(default_factory=Limits)
    mailto: str | None = None
    select: tuple[str, ...] = ()
    """Validation rules whose warnings and advice are reported (all when empty)."""
    ignore: tuple[str, ...] = ()
    source: SourceFile | None = field(default=None, compare=False, repr=False)
    """The parsed file, kept to point diagnostics about merged defaults at their lines."""

    @property
    def root(self) -> str:
        """The folder holding doiac.yaml; repository paths are relative to it."""
        return os.path.dirname(self.path) or "."


class DesiredRecord:
    """A DOI file after defaults are merged and it is validated.

    Its metadata is held packed (marshal) and unpacked on each read of `attributes`: a plan reads
    each record once or twice, and packed, a record takes a quarter of the memory (100,000
    records: 190 MB, not 770 MB). The packed bytes go nowhere but to worker processes and into the
    check cache, whose values are signed and keyed by the Python version that made them.
    """

    __slots__ = ("_packed", "doi", "path", "repository", "state", "url")
    doi: str
    """Lower case, the canonical form."""
    state: str
    url: str | None
    path: str
    repository: str
    _packed: bytes

    def __init__(  # noqa: PLR0917  # positional, as the dataclass it was
        self, doi: str, state: str, url: str | None, attributes: dict[str, Any], path: str, repository: str
    ) -> None:
        _fill(self, (doi, state, url, marshal.dumps(attributes), path, repository))

    @property
    def attributes(self) -> dict[str, Any]:
        """DataCite metadata: every key of the file except doi, state and url (a fresh copy)."""
        value: dict[str, Any] = marshal.loads(self._packed)
        return value

    def packed(self) -> bytes:
        """The metadata as packed: equal bytes mean equal metadata (not the converse, as the packing
        of equal values may differ). For comparing, and for the check cache (`from_packed`)."""
        return self._packed

    @classmethod
    def from_packed(  # noqa: PLR0917  # the constructor's order, `packed()` for the attributes
        cls, doi: str, state: str, url: str | None, packed: bytes, path: str, repository: str
    ) -> DesiredRecord:
        """A record from the `packed()` bytes of another of this Python's records: not unpacked
        only to be packed again. The caller vouches for the bytes (a signed check cache answer)."""
        return _unpickle_desired((doi, state, url, packed, path, repository))

    def replace(self, **changes: Any) -> DesiredRecord:
        """A copy with some fields changed, as `dataclasses.replace` makes one."""
        fields = {name: getattr(self, name) for name in _DESIRED_FIELDS}
        return DesiredRecord(**(fields | changes))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"DesiredRecord is frozen: cannot set {name}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DesiredRecord):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in _DESIRED_FIELDS)

    __hash__ = None  # type: ignore[assignment]  # equal records may pack their keys in another order

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in _DESIRED_FIELDS)
        return f"DesiredRecord({shown})"

    def __reduce__(self) -> tuple[Any, ...]:
        return _unpickle_desired, (tuple(getattr(self, name) for name in _STORED),)


_DESIRED_FIELDS = ("doi", "state", "url", "attributes", "path", "repository")


_STORED = ("doi", "state", "url", "_packed", "path", "repository")


def _unpickle_desired(values: tuple[Any, ...]) -> DesiredRecord:
    """A record sent between processes, still packed: unpacking it only to pack it again is waste."""
    record = DesiredRecord.__new__(DesiredRecord)
    _fill(record, values)
    return record


def _fill(record: DesiredRecord, values: tuple[Any, ...]) -> None:
    for name, value in zip(_STORED, values, strict=True):
        object.__setattr__(record, name, value)  # DesiredRecord's own __setattr__ refuses every change


@dataclass(frozen=True)
class LiveRecord:
    """A DOI as DataCite holds it: state, url, owner and metadata (the API's attributes)."""

    doi: str
    """Lower case, as DataCite echoes it."""
    state: str
    url: str | None
    attributes: dict[str, Any]
    """Every attribute DataCite returned, server-owned ones included."""
    repository: str
    """The repository account that owns it, upper case; "" when the answer did not say."""
    updated: str | None = None


class Action(enum.Enum):
    """What a change does to one DOI; a state event rides in the same request as its metadata."""

    CREATE = "create"
    UPDATE = "update"
    PUBLISH = "publish"
    REGISTER = "register"
    HIDE = "hide"
    DELETE = "delete"
    NOOP = "no-op"


MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING", "__bool__": lambda self: False})()
"""The before of an added value or the after of a removed one (None is a value: JSON null)."""


@dataclass(frozen=True)
class FieldDiff:
    """One field that differs: a JSON pointer into the record, its value before and after."""

    pointer: str
    before: Any
    after: Any

    @property
    def attribute(self) -> str:
        """The top-level attribute the diff is in ("" for the whole record)."""
        return pointer_tokens(self.pointer)[0] if self.pointer else ""

    @property
    def kind(self) -> str:
        """add, remove or change."""
        if self.before is MISSING:
            return "add"
        if self.after is MISSING:
            return "remove"
        return "change"


CITED_FIELDS = frozenset(["creators", "titles", "publicationYear", "publisher"])
"""What a citation of a DOI shows: a change to any of it is shown as a citation before and after."""


@dataclass(frozen=True)
class Change:
    """One DOI's difference between git and DataCite, and the single request that closes it."""

    doi: str
    action: Action
    repository: str
    path: str | None
    """The DOI file; None for a DOI without one (an unmanaged draft being deleted)."""
    state_before: str | None
    """None when the DOI does not exist yet."""
    state_after: str | None
    """None when the DOI is deleted."""
    diffs: tuple[FieldDiff, ...] = ()
    event: str | None = None
    """The DataCite event sent with the metadata: publish, register or hide."""
    notes: tuple[str, ...] = ()
    """What DataCite will rewrite on the way in: information, never a change."""
    fingerprint: str | None = None
    """Digest of the live record this change was planned against (None: it did not exist)."""
    cited: tuple[dict[str, Any], dict[str, Any]] | None = None
    """Before and after of what a citation shows (creators, titles, publicationYear, publisher),
    when an update changes any of it: the PR comment prints both citations."""

    @property
    def is_one_way(self) -> bool:
        """Leaving draft and deleting a draft cannot be undone on DataCite."""
        leaves_draft = self.state_before in (None, "draft") and self.state_after in ("registered", "findable")
        return leaves_draft or self.action is Action.DELETE


@dataclass(frozen=True)
class PlanProblem:
    """A DOI that cannot be planned (error) or deserves attention (warning): no line, no pointer."""

    severity: Severity
    doi: str
    message: str
    path: str | None = None


@dataclass(frozen=True)
class Unmanaged:
    """A live DOI of a managed repository account that has no file."""

    doi: str
    state: str
    repository: str


@dataclass(frozen=True)
class Drift:
    """A DOI changed at DataCite since doiac last applied it, in fields git has not changed since.

    Not a change: apply leaves it alone until someone chooses a side (import the live values
    into the file, or apply the file's with --target).
    """

    doi: str
    repository: str
    path: str | None
    diffs: tuple[FieldDiff, ...]
    """DataCite's value (before) against the file's (after): what keeping git would write back."""
    applied_commit: str
    """The commit whose apply of this DOI is the last one recorded."""
    applied_updated: str | None
    """DataCite's `updated` right after that apply."""
    live_updated: str | None
    changed_by: str | None = None
    """The account DataCite's activities name for the newest change since (None: not shown yet)."""
    changed_at: str | None = None
    channel: str | None = None
    """The `source` DataCite recorded for that change (fabricaForm, mds, api), when it says."""

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(sorted({d.attribute for d in self.diffs}))


@dataclass(frozen=True)
class Plan:
    """Every change needed to make DataCite match the files, and what stands in the way."""

    changes: tuple[Change, ...]
    """Changes with something to do, in DOI order; deletions last."""
    unchanged: int
    problems: tuple[PlanProblem, ...] = ()
    unmanaged: tuple[Unmanaged, ...] = ()
    desired_digest: str = ""
    """Digest of every desired record the plan was made from (apply of a saved plan checks it);
    empty for a plan made only to be shown, which nothing checks."""
    drifted: tuple[Drift, ...] = ()
    """DOIs changed at DataCite only, since their last recorded apply: shown, never applied."""

    @property
    def is_applyable(self) -> bool:
        return not any(p.severity is Severity.ERROR for p in self.problems)

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)

    def count(self, action: Action) -> int:
        return sum(change.action is action for change in self.changes)


@dataclass(frozen=True)
class PlanContext:
    """Where and from what a plan was made: for its header, the PR comment and the JSON file."""

    environment: str
    endpoint: str
    repositories: tuple[str, ...]
    files: int
    requests: int
    commit: str | None = None
    created: str | None = None
    """When the plan was made, ISO 8601 UTC."""
    anonymous: tuple[str, ...] = ()
    """Repository accounts read without a password (only findable DOIs visible)."""
    changed_since: str | None = None
    """`plan --changed-since`: the revision, as `origin/main (1a2b3c4d)`."""
    compared: int | None = None
    """With `changed_since`, how many DOIs were compared (those whose files changed); None when
    the plan is full (no `--changed-since`, or the config changed since, which touches every DOI)."""

    @property
    def partial(self) -> bool:
        return self.compared is not None


class FieldResult(enum.Enum):
    """What DataCite did with one field that was sent, as read back after the write."""

    APPLIED = "applied"
    REWRITTEN = "rewritten"
    NOT_APPLIED = "not applied"


@dataclass(frozen=True)
class FieldOutcome:
    pointer: str
    result: FieldResult
    value: Any = None
    """What DataCite holds when it rewrote the value or did not apply it."""


@dataclass(frozen=True)
class Outcome:
    """One DOI's result of an apply."""

    doi: str
    action: Action
    status: str
    """done, failed or stale (refused: the live record moved since the saved plan)."""
    message: str
    """What happened, in a few words: "created, published" or DataCite's refusal."""
    fields: tuple[FieldOutcome, ...] = ()
    payload_digest: str | None = None
    updated: str | None = None
    """DataCite's `updated` after the write, as read back."""

    @property
    def ok(self) -> bool:
        return self.status == "done"


@dataclass(frozen=True)
class ApplyReport:
    outcomes: tuple[Outcome, ...]

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def ok(self) -> bool:
        return all(o.ok for o in self.outcomes)


@dataclass(frozen=True)
class AppliedDoi:
    """One DOI of an apply as its git note records it."""

    doi: str
    action: str
    outcome: str
    """done, failed or stale."""
    updated: str | None
    """DataCite's `updated` after the write: a later value means someone wrote since."""


@dataclass(frozen=True)
class ApplyNote:
    """One apply, as recorded in git on the commit it applied (refs/notes/doiac)."""

    commit: str
    time: str
    """When the apply finished, ISO 8601 UTC."""
    environment: str
    actor: str | None
    run: str | None
    """The CI run's URL; None for a local apply."""
    dois: tuple[AppliedDoi, ...]
    plan_commit: str | None = None
    """The commit the applied plan was made from, when not `commit` (a reviewed plan applied on merge)."""


@dataclass(frozen=True)
class Activity:
    """One entry of DataCite's audit trail of the DOI."""

    date: str
    action: str
    by: str | None
    changes: dict[str, Any]
