"""The exception tree. Every expected failure is a ReconcilerError; anything else is a bug.

ReconcilerError
├── ConfigError          doiac.yaml is missing, unreadable or invalid
├── FileError            a DOI file cannot be read at all (I/O, not content)
└── UsageError           the command line asks for something impossible
"""

from __future__ import annotations


class ReconcilerError(Exception):
    """Root of every failure the CLI reports as one line and exit code 1."""


class ConfigError(ReconcilerError):
    """The configuration file is missing or invalid."""


class FileError(ReconcilerError):
    """A file or directory could not be read."""


class UsageError(ReconcilerError):
    """The command line is inconsistent (exit code 2)."""
