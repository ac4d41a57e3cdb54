"""The exception tree. Every expected failure is a ReconcilerError; anything else is a bug.

ReconcilerError
├── ConfigError          doiac.yaml is missing, unreadable or invalid
│   └── ConfigErrors     several located problems in doiac.yaml
├── FileError            a DOI file cannot be read at all (I/O, not content)
├── SourceError          a file that is not a YAML mapping, with where
├── UsageError           the command line asks for something impossible
├── ApiError             DataCite refused a request (method, URL, status, titles)
│   ├── ApiAuthError         401: the password was refused
│   ├── ApiTransportError    no answer after every retry
│   └── UnsafeDoiError       a DOI a request path would not name exactly: never sent
├── DeadlineError        --deadline passed: no request started after it
├── InvalidFilesError    DOI files with errors: a plan or apply does not start
├── LockedError          another apply to the same environment is running
└── PlanRefusedError     the plan may not be applied as it is
"""

from __future__ import annotations

from .model import Diagnostic


class ReconcilerError(Exception):
    """Root of every failure the CLI reports as one line and exit code 1."""


class ConfigError(ReconcilerError):
    """The configuration file is missing or invalid."""


class FileError(ReconcilerError):
    """A file or directory could not be read."""


class UsageError(ReconcilerError):
    """The command line is inconsistent (exit code 2)."""


class ApiError(ReconcilerError):
    """A request DataCite refused; carries method, URL, status and DataCite's error titles.

    The URL never carries credentials (they travel in the Authorization header only).
    """

    def __init__(
        self, method: str, url: str, status: int | None, titles: list[str], detail: str = ""
    ) -> None:
        self.method = method
        self.url = url
        self.status = status
        self.titles = titles
        what = "; ".join(titles) or detail or "no details"
        super().__init__(f"{method} {url}: {status if status is not None else 'no response'}: {what}")


class ApiAuthError(ApiError):
    """401: the password or API key in the configured environment variable was refused."""


class ApiTransportError(ApiError):
    """The API could not be reached or did not answer, after every retry."""


class UnsafeDoiError(ApiError):
    """A DOI that a request path would not name exactly (`..`, `%2e`, …): refused before sending."""

    def __init__(self, method: str, doi: str, problem: str) -> None:
        super().__init__(method, "/dois/", None, [], problem)
        self.args = (f"{method} refused before sending: the DOI {doi!r} {problem}",)


class DeadlineError(ReconcilerError):
    """The run's deadline (--deadline) passed: no request started after it; those in flight finished.

    Not an ApiError: apply records an ApiError as one DOI's failure and goes on, where a deadline
    must end the run.
    """

    def __init__(self, seconds: float, what: str) -> None:
        shown = f"{seconds:.3f}".rstrip("0").rstrip(".")
        super().__init__(f"deadline of {shown} s passed: {what}; run again (apply converges)")
        self.seconds = seconds


class SourceError(ReconcilerError):
    """A file that cannot be read as a YAML mapping; carries where."""

    def __init__(self, path: str, line: int, column: int, message: str) -> None:
        super().__init__(f"{path}:{line}:{column}: {message}")
        self.path = path
        self.line = line
        self.column = column
        self.message = message


class ConfigErrors(ConfigError):
    """Several located problems in doiac.yaml."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__(
            "\n".join(f"{d.path}:{d.line}:{d.column}: {d.pointer}: {d.message}" for d in diagnostics)
        )
        self.diagnostics = diagnostics


class LockedError(ReconcilerError):
    """Another apply to the same environment and repository accounts is running."""


class CredentialsError(ReconcilerError):
    """A repository account's password is missing or refused where a plan needs it."""


class PlanRefusedError(ReconcilerError):
    """The plan may not be applied as it is (errors in it, stale files, too many one-way changes)."""


class InvalidFilesError(ReconcilerError):
    """DOI files with errors stop a plan or an apply before any request; carries the errors."""

    def __init__(self, diagnostics: tuple[Diagnostic, ...]) -> None:
        count = len(diagnostics)
        super().__init__(
            f"{count:,} error{'s' * (count != 1)} in the DOI files; fix them first"
            " (doiac validate shows every problem)"
        )
        self.diagnostics = diagnostics
