"""The command line: formats, exit codes, errors as one line, colour only on a terminal."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from unittest import mock

import pytest
import typer

from reconciler.cli import app

from .conftest import FINDABLE, Repo
from .helpers.cli import run

BROKEN = FINDABLE.replace("resourceTypeGeneral: Dataset", "resourceTypeGeneral: Datset")


def test_validate_clean(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("dois/10.80000/3mfp-6m52.yaml", FINDABLE)
    assert run(capsys, "validate") == (0, "1 file checked: 0 errors, 0 warnings, 0 advice, 0 info\n", "")


def test_validate_text_errors(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("dois/10.80000/3mfp-6m52.yaml", BROKEN)
    code, out, err = run(capsys, "validate", "dois")
    assert code == 1
    assert out.splitlines() == [
        "dois/10.80000/3mfp-6m52.yaml:12:24: error: /types/resourceTypeGeneral: 'Datset' is not a valid "
        "resourceTypeGeneral; did you mean 'Dataset'?",
        "1 file checked: 1 error, 0 warnings, 0 advice, 0 info",
    ]
    assert err == ""


def test_validate_github(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("dois/10.80000/3mfp-6m52.yaml", BROKEN)
    code, out, _ = run(capsys, "validate", "--format", "github")
    assert code == 1
    assert out == (
        "::error file=dois/10.80000/3mfp-6m52.yaml,line=12,col=24,title=doiac schema::/types/resourceTypeGeneral: "
        "'Datset' is not a valid resourceTypeGeneral; did you mean 'Dataset'?\n"
    )


def test_validate_json(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("dois/10.80000/3mfp-6m52.yaml", BROKEN)
    code, out, _ = run(capsys, "validate", "-f", "JSON")
    assert code == 1
    assert json.loads(out) == {
        "files": 1,
        "errors": 1,
        "warnings": 0,
        "advice": 0,
        "diagnostics": [
            {
                "path": "dois/10.80000/3mfp-6m52.yaml",
                "line": 12,
                "column": 24,
                "severity": "error",
                "pointer": "/types/resourceTypeGeneral",
                "message": "'Datset' is not a valid resourceTypeGeneral; did you mean 'Dataset'?",
                "rule": "schema",
            }
        ],
    }


def test_strict_turns_warnings_into_errors_and_leaves_advice(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    # A documentation rule (a date DataCite does not document) and a best-practice one (http).
    text = FINDABLE.replace("https://", "http://") + "dates:\n  - date: 2024-13\n    dateType: Issued\n"
    repo.write("dois/10.80000/3mfp-6m52.yaml", text)
    code, out, _ = run(capsys, "validate")
    assert code == 0
    assert "warning: /dates/0/date: '2024-13' is not a date DataCite documents" in out
    assert "advice: /url: landing pages should use https, not http" in out
    code, out, _ = run(capsys, "validate", "--strict")
    assert code == 1
    assert "error: /dates/0/date: '2024-13' is not a date DataCite documents" in out
    assert "advice: /url: landing pages should use https, not http" in out  # advice is never promoted


def test_select_and_ignore_rules(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    text = FINDABLE.replace("https://", "http://") + "dates:\n  - date: 2024-13\n    dateType: Issued\n"
    repo.write("dois/10.80000/3mfp-6m52.yaml", text)
    _, out, _ = run(capsys, "validate", "--ignore", "url-https")
    assert "landing pages should use https" not in out
    assert "/dates/0/date" in out
    _, out, _ = run(capsys, "validate", "--select", "url-https,doi-case")
    assert "landing pages should use https" in out
    assert "/dates/0/date" not in out
    code, _, err = run(capsys, "validate", "--ignore", "no-such-rule")
    assert code == 2
    assert "no such rule: no-such-rule" in err
    code, out, _ = run(capsys, "validate", "--rules")
    assert code == 0
    assert re.search(r"^url-https +best practice +landing pages use https$", out, re.MULTILINE)


def test_bad_format_is_a_usage_error(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "validate", "--format", "xml") == (
        2, "", "doiac: usage error: --format must be one of text, github, json, not 'xml'\n"
    )  # fmt: skip


def test_unknown_option_is_a_usage_error(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "validate", "--nope")
    assert code == 2
    assert "No such option" in err


def test_missing_config_is_one_line(
    tmp_path: object, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(str(tmp_path))
    code, out, err = run(capsys, "validate")
    assert (code, out) == (1, "")
    assert err.startswith("doiac: error: no doiac.yaml in ")
    assert len(err.splitlines()) == 1


def test_bad_config_lists_every_problem(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("doiac.yaml", "repositories: []\nenviroment: test\n")
    assert run(capsys, "validate", "--config", "doiac.yaml") == (
        1,
        "",
        "doiac: error: doiac.yaml:1:15: /repositories: must not be an empty list\n"
        "doiac: error: doiac.yaml:2:1: /enviroment: unknown key `enviroment`; did you mean `environment`?\n",
    )


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert out.startswith("doiac ")
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "validate" in out
    # An argument shows by its value name only, as click shows it: no Python type beside it.
    code, out, _ = run(capsys, "validate", "--help")
    assert code == 0
    assert "\n  PATH  DOI files or folders to check" in out
    assert "list" not in out.split("Options:")[0]


def test_help_lists_the_commands_by_group_not_by_module_name(capsys: pytest.CaptureFixture[str]) -> None:
    """cli/ imports its modules in alphabetical order (author first); help keeps the checks first."""
    _, out, _ = run(capsys, "--help")
    listed = [
        line.split()[0]
        for line in out.split("Commands:")[1].splitlines()
        if line.startswith("  ") and not line.startswith("   ")
    ]
    assert listed == [
        "validate", "fmt", "plan", "apply", "sandbox", "import", "new", "tombstone", "version", "init", "show",
        "history",
    ]  # fmt: skip


def test_colour_only_on_a_terminal(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.write("dois/10.80000/3mfp-6m52.yaml", BROKEN)
    monkeypatch.delenv("NO_COLOR", raising=False)
    with mock.patch("sys.stdout.isatty", return_value=True):
        _, out, _ = run(capsys, "validate")
    assert "\x1b[" in out
    monkeypatch.setenv("NO_COLOR", "1")
    with mock.patch("sys.stdout.isatty", return_value=True):
        _, out, _ = run(capsys, "validate")
    assert "\x1b[" not in out


def test_python_dash_m(repo: Repo) -> None:
    repo.write("dois/10.80000/3mfp-6m52.yaml", BROKEN)
    proc = subprocess.run(
        [sys.executable, "-m", "reconciler", "validate"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 1
    assert "did you mean 'Dataset'" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_module_entry_point(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    import runpy

    repo.write("dois/10.80000/3mfp-6m52.yaml", FINDABLE)
    monkeypatch.setattr(sys, "argv", ["doiac", "validate"])
    with pytest.raises(SystemExit) as caught:
        runpy.run_module("reconciler", run_name="__main__")
    assert caught.value.code == 0


def test_a_default_that_is_an_error_for_one_file_fails_validate(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """One default, one place in doiac.yaml: an error for a findable DOI, a warning for a draft.

    Both are reported and the error fails the run: diagnostics once compared equal whatever their
    severity, so one of the two was dropped as a duplicate of the other (which one, by set order).
    """
    repo.write(
        "doiac.yaml", repo.config.read_text("utf-8") + "defaults:\n  url: https://elsewhere.example.net/x\n"
    )
    repo.write(
        "dois/10.80000/3mfp-6m52.yaml", FINDABLE.replace("url: https://data.example.org/records/1\n", "")
    )
    repo.write("dois/10.80000/7kq2-9d41.yaml", "doi: 10.80000/7kq2-9d41\nstate: draft\n")
    code, out, _ = run(capsys, "validate")
    lines = [line for line in out.splitlines() if line.startswith("doiac.yaml:")]
    assert code == 1, out
    assert sorted(line.split(": ")[1] for line in lines) == ["error", "warning"], out


def test_rules_in_the_config(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("dois/10.80000/3mfp-6m52.yaml", FINDABLE.replace("https://", "http://"))
    repo.write("doiac.yaml", repo.config.read_text("utf-8") + "rules:\n  ignore: [url-https]\n")
    assert "landing pages should use https" not in run(capsys, "validate")[1]
    # --select on the command line replaces the config's select; the config's ignore still holds.
    assert "landing pages should use https" not in run(capsys, "validate", "--select", "url-https")[1]
    repo.write(
        "doiac.yaml", repo.config.read_text("utf-8").replace("ignore: [url-https]", "select: [doi-case]")
    )
    assert "landing pages should use https" not in run(capsys, "validate")[1]
    assert "landing pages should use https" in run(capsys, "validate", "--select", "url-https")[1]
    repo.write(
        "doiac.yaml", repo.config.read_text("utf-8").replace("select: [doi-case]", "ignore: [url-http]")
    )
    code, _, err = run(capsys, "validate")
    assert code == 1
    assert "/rules/ignore/0: no such rule 'url-http'" in err


def test_the_executable_tunes_the_garbage_collector_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from reconciler import cli

    calls: list[object] = []
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(gc, "set_threshold", lambda *limits: calls.append(limits))
    monkeypatch.setattr(sys, "argv", ["doiac", "--version"])
    assert cli.entry() == 0
    assert calls == ["freeze", (100_000, 50, 100)]
    calls.clear()
    assert cli.main(["--version"]) == 0  # what tests call: the collector left as it is
    assert calls == []


def test_every_option_is_spelled_in_lower_case() -> None:
    """Some typer releases derive an option's flag from its metavar (`--PORT`): every flag stays lower case."""
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    flags = [
        (name, flag)
        for name, command in group.commands.items()
        for param in command.params
        for flag in param.opts + param.secondary_opts
        if flag.startswith("--")
    ]
    assert ("sandbox", "--port") in flags
    assert [(name, flag) for name, flag in flags if flag != flag.lower()] == []
