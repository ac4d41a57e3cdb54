"""Nothing from a file or from DataCite can reorder or hide what a reviewer reads (security issue, 8).

Before the fix U+202E (right-to-left override) printed raw in the text and markdown plans while
every other control character was escaped.
"""

from __future__ import annotations

import pytest

from reconciler.cli import main
from reconciler.model import Action, ApplyReport, FieldOutcome, FieldResult, Outcome
from reconciler.render.apply_text import render_outcome

from ..conftest import FINDABLE, Repo

# Bidi overrides, embeddings, isolates and marks; separators that break a line; invisible ones.
HIDDEN = [
    "\u202e", "\u202d", "\u202a", "\u202b", "\u202c", "\u2066", "\u2067", "\u2068", "\u2069",
    "\u200e", "\u200f", "\u061c", "\u2028", "\u2029", "\u200b", "\ufeff", "\x1b", "\x9b", "\x85",
]  # fmt: skip


def _hidden_in(text: str) -> list[str]:
    return [f"U+{ord(c):04X}" for c in HIDDEN if c in text]


@pytest.mark.parametrize("output", ["text", "markdown"])
def test_the_plan_escapes_bidi_and_invisible_characters(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, output: str
) -> None:
    monkeypatch.delenv("DATACITE_PASSWORD", raising=False)
    repo.write("dois/10.80000/3mfp-6m52.yaml", FINDABLE)
    assert main(["apply", "--auto-approve"]) == 0
    title = ("Readings " + "".join(HIDDEN) + " 2024").encode("unicode_escape").decode()
    repo.write("dois/10.80000/3mfp-6m52.yaml", FINDABLE.replace("Sensor readings 2024", f'"{title}"'))
    capsys.readouterr()
    code = main(["plan", "--format", output])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "Readings" in out
    assert _hidden_in(out) == []
    assert "\\u202e" in out


def test_validate_escapes_what_it_quotes(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("dois/10.80000/3mfp-6m52.yaml", FINDABLE + '"ti\\u202eltes": x\n')
    code = main(["validate"])
    out, _ = capsys.readouterr()
    assert code == 1
    assert _hidden_in(out) == []
    assert "ti\\u202eltes" in out


def test_apply_lines_escape_what_datacite_sends() -> None:
    outcome = Outcome(
        "10.80000/3mfp-6m52", Action.UPDATE, "failed", "update failed: 422: title \u202eevil\x1b[2J",
        fields=(FieldOutcome("/titles/0/title", FieldResult.REWRITTEN, "x\u2066y"),),
    )  # fmt: skip
    line = render_outcome(outcome)
    assert _hidden_in(line) == []
    assert "\\u202eevil\\u001b[2J" in line
    assert ApplyReport((outcome,)).count("failed") == 1
