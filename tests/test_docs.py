"""Every command has help text and a README entry (STYLE habit 13)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer.main

from reconciler.cli import app

README = Path(__file__).resolve().parents[1] / "README.md"
COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def test_there_are_commands() -> None:
    assert "validate" in COMMANDS


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help(name: str) -> None:
    command = typer.main.get_command(app).commands[name]  # type: ignore[attr-defined]
    assert command.help
    assert len(command.help.strip()) > 20
    for param in command.params:
        if param.param_type_name == "option" and param.name != "help":
            assert param.help, f"doiac {name} {param.opts[0]} has no help text"


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_in_readme(name: str) -> None:
    text = README.read_text(encoding="utf-8")
    assert re.search(rf"^#+ .*`doiac {name}\b", text, re.MULTILINE), f"README has no section for doiac {name}"
    assert re.search(rf"^\$ doiac {name}\b", text, re.MULTILINE), f"README has no example of doiac {name}"
