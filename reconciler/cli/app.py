"""The typer application every command module adds its commands to, and what they share: the
config and cache options, choices, examples, the terminal test and use cases loaded on first use."""

from __future__ import annotations

import os
import sys
from importlib.util import LazyLoader, find_spec, module_from_spec
from pathlib import Path
from types import ModuleType
from typing import Annotated, Any

import typer

from ..__about__ import __version__
from ..errors import UsageError

_PACKAGE = __name__.rsplit(".", 2)[0]


def use_case(name: str) -> ModuleType:
    """The use case module `name`, loaded when a command first uses it: `doiac --help` and one
    command's run do not pay for the imports of every other command (httpx, the sandbox, …)."""
    full = f"{_PACKAGE}.commands.{name}"
    if full in sys.modules:
        return sys.modules[full]
    spec = find_spec(full)
    assert spec is not None, full
    assert spec.loader is not None, full
    spec.loader = LazyLoader(spec.loader)
    module = module_from_spec(spec)
    sys.modules[full] = module
    spec.loader.exec_module(module)
    return module


app = typer.Typer(
    name="doiac",
    help="DOI-as-code: validate, plan and apply DataCite DOIs kept as YAML files in git.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # click's plain help: choices and value names, paragraphs reflowed
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


def examples(*lines: str) -> str:
    """An epilog of example command lines, kept as written (click's \\b stops the reflow)."""
    return "Examples:\n\n\b\n" + "\n".join(f"  $ {line}" for line in lines)


ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config", "-c", metavar="FILE", envvar="DOIAC_CONFIG", dir_okay=False, show_default=False,
        help="Path to doiac.yaml (default: the nearest one in this folder or above).",
    ),
]  # fmt: skip
NoCacheFlag = Annotated[
    bool,
    typer.Option("--no-cache", help="Parse, check and compare every DOI afresh; do not read or write .doiac/cache.sqlite."),
]  # fmt: skip


def one_of(*choices: str) -> Any:
    """A callback that lower-cases an option's value and refuses anything but `choices`."""

    def check(value: str) -> str:
        if value.lower() not in choices:
            raise UsageError(f"--format must be one of {', '.join(choices)}, not {value.lower()!r}")
        return value.lower()

    return check


def _version(value: bool) -> None:
    if value:
        typer.echo(f"doiac {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", help="Show the version and exit.", callback=_version, is_eager=True)
    ] = False,
) -> None:
    """DOI-as-code: validate, plan and apply DataCite DOIs kept as YAML files in git."""


def is_terminal(stream: Any) -> bool:
    return bool(stream.isatty()) and not os.environ.get("NO_COLOR")


def _progress(what: str, done: int, total: int | None) -> None:
    """Progress of the live read, on a terminal only: pipes and CI logs stay clean."""
    count = f"{done:,} DOIs" if total is None else f"{done:,}/{total:,} DOIs"
    sys.stderr.write(f"\r\033[K{what}: {count}" + ("\n" if done == total else ""))
    sys.stderr.flush()


def live_progress() -> Any:
    return _progress if sys.stderr.isatty() else None


CHANGES_PRESENT = [False]
"""Set by `plan` when it exits 2 for "changes present", the one meaning 2 has under --detailed-exitcode."""
