"""The command line in-process, as a test drives it: exit code, standard output, standard error."""

from __future__ import annotations

import pytest

from reconciler.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """`doiac ARGS…` through `main`, with what it printed."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err
