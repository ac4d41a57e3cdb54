"""Frozen values shared by every layer."""

from __future__ import annotations

import enum
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple


def escape_pointer_token(token: str) -> str:
    """One JSON pointer token (RFC 6901): `~` → `~0`, `/` → `~1`."""
    return token.replace("~", "~0").replace("/", "~1")


def pointer_of(parts: Iterable[Any]) -> str:
    """A JSON pointer from path parts, e.g. ("titles", 0, "title") → /titles/0/title."""
    return "".join(f"/{escape_pointer_token(str(part))}" for part in parts)


class Severity(enum.Enum):
    """How bad a diagnostic is; only errors make `validate` fail (unless --strict)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem, located as precisely as we can: file, line, column and JSON pointer."""

    path: str
    line: int
    column: int
    severity: Severity = field(compare=False)
    pointer: str
    message: str
    rule: str = field(default="", compare=False)

    def with_severity(self, severity: Severity) -> Diagnostic:
        return Diagnostic(self.path, self.line, self.column, severity, self.pointer, self.message, self.rule)


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


@dataclass(frozen=True)
class Limits:
    max_one_way: int = 100
    rate: int | None = None
    """Requests per five minutes; None means the environment's own budget."""


@dataclass(frozen=True)
class Config:
    """doiac.yaml, validated."""

    path: str
    environment: str = "sandbox"
    repositories: tuple[Repository, ...] = ()
    defaults: dict[str, Any] = field(default_factory=dict)
    unmanaged: str = "warn"
    prune_drafts: bool = False
    limits: Limits = field(default_factory=Limits)
    mailto: str | None = None
    source: SourceFile | None = field(default=None, compare=False, repr=False)
    """The parsed file, kept to point diagnostics about merged defaults at their lines."""

    @property
    def root(self) -> str:
        """The folder holding doiac.yaml; repository paths are relative to it."""
        return os.path.dirname(self.path) or "."


@dataclass(frozen=True)
class DesiredRecord:
    """A DOI file after defaults are merged and it is validated."""

    doi: str
    """Lower case, the canonical form."""
    state: str
    url: str | None
    attributes: dict[str, Any]
    """DataCite metadata: every key of the file except doi, state and url."""
    path: str
    repository: str
