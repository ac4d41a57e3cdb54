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
