"""The command line (typer lives in this folder): parse options, call one `commands.<verb>.run`,
render, exit. One module per group of commands, each adding its own to `app.app`.

Exit codes: 0 success; 1 an expected failure (invalid files, API refused, …), reported as one line
per problem without a traceback; 2 a usage error (and, with `plan --detailed-exitcode`, changes).
"""

from __future__ import annotations

import gc
import sys

import typer
from typer.models import CommandInfo

from ..errors import InvalidFilesError, ReconcilerError, UsageError
from ..render.diagnostics import render_text
from . import author, check, look, reconcile, serve
from .app import CHANGES_PRESENT, app

__all__ = ["app", "entry", "main"]

_GROUPS = tuple(module.__name__ for module in (check, reconcile, serve, author, look))
"""The modules whose commands `app` holds, in the order `doiac --help` lists them: each module's
commands in the order it defines them, whatever order the imports above run in."""


def _group(command: CommandInfo) -> int:
    return _GROUPS.index(getattr(command.callback, "__module__", ""))


app.registered_commands.sort(key=_group)


_INTERRUPTED = (
    "doiac: interrupted: requests in flight finished, nothing else was started; run the command"
    " again (apply converges from what DataCite holds)"
)


def _failed(exc: BaseException) -> int:
    """One line per problem on stderr for an expected failure, and its exit code."""
    if isinstance(exc, KeyboardInterrupt):
        typer.echo(_INTERRUPTED, err=True)
        return 130
    if isinstance(exc, InvalidFilesError):
        typer.echo(render_text(exc.diagnostics), err=True, nl=False)
    for line in str(exc).splitlines() or [type(exc).__name__]:
        typer.echo(f"doiac: error: {line}", err=True)
    return 1


def entry() -> int:
    """The `doiac` executable: `main`, with the garbage collector set for one whole run."""
    _tune_gc()
    return main()


def _tune_gc() -> None:
    """A run builds many small objects that live to its end (parsed files, live records): the
    start-up's objects are frozen out of every collection and the first generation made larger,
    which takes about a tenth off `validate`'s time at the same peak memory (bench/RESULTS.md).
    Not in `main`, which tests call many times in one process."""
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)


def main(argv: list[str] | None = None) -> int:
    """Console entry point: expected failures become one line on stderr and exit code 1 (2 for usage).

    Under `plan --detailed-exitcode`, 2 means only "changes present" (as Terraform): a usage
    error exits 1 there, so that no pipeline reads a mistyped option as a plan with changes.
    """
    args = sys.argv[1:] if argv is None else argv
    usage = 1 if "plan" in args and "--detailed-exitcode" in args else 2
    CHANGES_PRESENT[0] = False
    try:
        # Standalone mode: typer itself prints usage errors (exit 2) and help, and ends with SystemExit.
        app(args=argv, prog_name="doiac")
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        return usage if code == 2 and not CHANGES_PRESENT[0] else code
    except UsageError as exc:
        typer.echo(f"doiac: usage error: {exc}", err=True)
        return usage
    except (KeyboardInterrupt, ReconcilerError) as exc:
        return _failed(exc)
    return 0  # pragma: no cover - standalone mode always ends in SystemExit
