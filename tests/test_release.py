"""The release: reconciler/__about__.py, CHANGELOG.md and .github/workflows/release.yml agree.

A tag `vX.Y.Z` runs release.yml, which refuses to publish unless the built wheel says X.Y.Z and
CHANGELOG.md's top entry is X.Y.Z, and gives that entry to the GitHub release as its notes. These
tests check the three files against each other, run release.yml's own shell steps (read from the
file, not copied) with bash, and check the workflow's shape: tag-only trigger, actions pinned by
commit, no `${{ }}` inside a script, least permissions. Each structural check is also shown
failing on a broken copy of the workflow.
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from reconciler.__about__ import __version__

PROJECT = Path(__file__).resolve().parents[1]
RELEASE = PROJECT / ".github" / "workflows" / "release.yml"
CHANGELOG = PROJECT / "CHANGELOG.md"
ABOUT = PROJECT / "reconciler" / "__about__.py"
VENV_BIN = PROJECT / ".venv" / "bin"
SHA_PIN = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$")
SEMVER = re.compile(r"^\d+\.\d+\.\d+$")
RELEASED_HEADING = re.compile(r"^## \[(\d[^\]]*)\] - (\d{4}-\d{2}-\d{2})$")
NOTES_STEP = "Release notes from CHANGELOG.md"
TOP_ENTRY_STEP = "CHANGELOG.md's top entry is the tag's version"
WHEEL_STEP = "The wheel, installed in a clean virtualenv, is the tag's version"


def load(text: str) -> dict[str, Any]:
    data: dict[str, Any] = YAML(typ="safe").load(text)
    return data


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    return load(RELEASE.read_text(encoding="utf-8"))


def triggers(data: dict[str, Any]) -> Any:
    # YAML 1.1 readers turn the key `on` into True; ruamel (YAML 1.2) keeps the string.
    return data.get("on", data.get(True))


def step(data: dict[str, Any], job: str, name: str) -> dict[str, Any]:
    found = [s for s in data["jobs"][job]["steps"] if s.get("name") == name]
    assert len(found) == 1, f"release.yml: job {job} has {len(found)} steps named {name!r}"
    return found[0]


def run_step(
    data: dict[str, Any], job: str, name: str, cwd: Path, tag: str, **extra: str
) -> subprocess.CompletedProcess[str]:
    """Run one `run:` step of release.yml as GitHub does (`shell: bash` = bash -eo pipefail)."""
    script = step(data, job, name)["run"]
    assert "${{" not in script
    env_values = step(data, job, name).get("env", {})
    assert env_values.get("TAG") == "${{ github.ref_name }}", f"{name}: the tag must come from env TAG"
    env = {
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
        "HOME": os.environ.get("HOME", str(cwd)),
        "LC_ALL": "C.UTF-8",
        "TAG": tag,
        "RUNNER_TEMP": str(cwd / "runner-temp"),
        "GITHUB_REPOSITORY": "doiac/doiac",
        **extra,
    }
    (cwd / "runner-temp").mkdir(exist_ok=True)
    path = cwd / "step.sh"
    path.write_text(script, encoding="utf-8")
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(path)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


# -- the version, the changelog and the tag agree --------------------------------------------------


def github_glob(pattern: str) -> re.Pattern[str]:
    """A GitHub Actions filter pattern as a regex: `*` is any run of characters but `/`."""
    assert not set(pattern) & set("?+[]!\\"), f"the test translates only * and ** in {pattern!r}"
    parts = re.split(r"(\*\*|\*)", pattern)
    regex = "".join({"**": ".*", "*": "[^/]*"}.get(p, re.escape(p)) for p in parts)
    return re.compile(f"^{regex}$")


def released(text: str) -> list[tuple[str, str]]:
    """(version, date) of each released entry, top first."""
    return [(m[1], m[2]) for line in text.splitlines() if (m := RELEASED_HEADING.match(line))]


def top_entry(text: str) -> str:
    """The text under the first released `## [X.Y.Z]` heading, up to the next `## `, trimmed."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if RELEASED_HEADING.match(line)) + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")), len(lines))
    return "\n".join(lines[start:end]).strip("\n") + "\n"


def test_version_is_x_y_z_and_a_tag_of_it_triggers_the_release(workflow: dict[str, Any]) -> None:
    assert SEMVER.match(__version__), f"__version__ {__version__!r} is not X.Y.Z"
    # The version as hatchling reads it (the wheel's version), not only as Python imports it.
    assert re.search(rf'^__version__ = "{re.escape(__version__)}"$', ABOUT.read_text(), re.MULTILINE)
    (pattern,) = triggers(workflow)["push"]["tags"]
    glob = github_glob(pattern)
    assert glob.match(f"v{__version__}"), f"tag v{__version__} does not match {pattern!r}"
    # The translation can say no: a branch-like name or a bare version does not start a release.
    assert not glob.match(__version__)
    assert not glob.match(f"v{__version__}/x")


def test_changelog_top_release_is_the_version_and_unreleased_is_above_it() -> None:
    text = CHANGELOG.read_text(encoding="utf-8")
    entries = released(text)
    assert entries, "CHANGELOG.md has no '## [X.Y.Z] - YYYY-MM-DD' entry"
    top_version, _date = entries[0]
    assert top_version == __version__, (
        f"CHANGELOG.md's top entry is {top_version}, __version__ is {__version__}"
    )
    assert len({v for v, _ in entries}) == len(entries), "a version has two entries"
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings[0] == "## [Unreleased]", headings[:2]
    assert RELEASED_HEADING.match(headings[1]), headings[:2]
    assert top_entry(text).strip(), "the top entry says nothing"


# -- release.yml's scripts, run ---------------------------------------------------------------------

NEXT_ENTRY = "\n## [0.0.1] - 2026-01-01\n\n### Added\n\n- NEXT-ENTRY-MARKER: only in the older entry.\n"
UNRELEASED = "## [Unreleased]\n\n### Fixed\n\n- UNRELEASED-MARKER: not released yet.\n"
LINKS = f"\n[Unreleased]: https://example.org/compare/v{__version__}...HEAD\n[{__version__}]: https://example.org/v{__version__}\n"


def changelog_variant(name: str) -> str:
    """The real CHANGELOG.md, or it with text the notes must leave out around its top entry."""
    text = CHANGELOG.read_text(encoding="utf-8")
    if name == "with-neighbours":
        assert "## [Unreleased]\n" in text
        return text.replace("## [Unreleased]\n", UNRELEASED, 1) + NEXT_ENTRY
    if name == "with-link-references":
        return text + LINKS
    return text


@pytest.mark.parametrize("variant", ["real", "with-neighbours", "with-link-references"])
def test_release_notes_step_yields_the_top_entry_only(
    workflow: dict[str, Any], tmp_path: Path, variant: str
) -> None:
    text = changelog_variant(variant)
    (tmp_path / "CHANGELOG.md").write_text(text, encoding="utf-8")
    result = run_step(workflow, "github-release", NOTES_STEP, tmp_path, f"v{__version__}")
    assert result.returncode == 0, result.stdout + result.stderr
    notes = (tmp_path / "notes.md").read_text(encoding="utf-8")
    assert notes == top_entry(CHANGELOG.read_text(encoding="utf-8"))
    assert "## [" not in notes
    for marker in ("NEXT-ENTRY-MARKER", "UNRELEASED-MARKER", "https://example.org"):
        assert marker not in notes


def test_release_notes_step_fails_for_a_version_without_an_entry(
    workflow: dict[str, Any], tmp_path: Path
) -> None:
    shutil.copy(CHANGELOG, tmp_path / "CHANGELOG.md")
    result = run_step(workflow, "github-release", NOTES_STEP, tmp_path, "v99.0.0")
    assert result.returncode != 0
    assert "::error file=CHANGELOG.md::" in result.stdout


def test_top_entry_step_passes_for_the_version_and_refuses_any_other(
    workflow: dict[str, Any], tmp_path: Path
) -> None:
    text = CHANGELOG.read_text(encoding="utf-8")
    (tmp_path / "CHANGELOG.md").write_text(text, encoding="utf-8")
    ok = run_step(workflow, "build", TOP_ENTRY_STEP, tmp_path, f"v{__version__}")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    wrong_tag = run_step(workflow, "build", TOP_ENTRY_STEP, tmp_path, "v99.0.0")
    assert wrong_tag.returncode != 0
    assert f"the top entry is '{__version__}', not 99.0.0" in wrong_tag.stdout
    # An entry for a newer version above this one: the tag of this version is not the top entry.
    newer = text.replace("## [Unreleased]\n", "## [Unreleased]\n\n## [99.0.0] - 2099-01-01\n\n- x\n", 1)
    (tmp_path / "CHANGELOG.md").write_text(newer, encoding="utf-8")
    stale = run_step(workflow, "build", TOP_ENTRY_STEP, tmp_path, f"v{__version__}")
    assert stale.returncode != 0


def test_wheel_step_refuses_when_the_tag_s_wheel_was_not_built(
    workflow: dict[str, Any], tmp_path: Path
) -> None:
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "doiac-0.0.1-py3-none-any.whl").write_bytes(b"")
    result = run_step(workflow, "build", WHEEL_STEP, tmp_path, f"v{__version__}")
    assert result.returncode != 0
    assert f"doiac-{__version__}-py3-none-any.whl was not built" in result.stdout


# -- release.yml's shape ---------------------------------------------------------------------------


def shape_problems(data: dict[str, Any]) -> list[str]:
    """What is wrong with a release workflow: trigger, pins, expressions in scripts, permissions."""
    problems = []
    on = triggers(data)
    if not (isinstance(on, dict) and list(on) == ["push"] and isinstance(on["push"], dict)):
        problems.append(f"trigger: only `push` may start a release, not {on!r}")
    elif list(on["push"]) != ["tags"] or not all(github_glob(p).match("v1.2.3") for p in on["push"]["tags"]):
        problems.append(f"trigger: push of v*.*.* tags only, not {on['push']!r}")
    if data.get("permissions") != {"contents": "read"}:
        problems.append(f"permissions: contents: read at the top, not {data.get('permissions')!r}")
    jobs = data.get("jobs", {})
    for name, job in jobs.items():
        for index, s in enumerate(job.get("steps", [])):
            where = f"{name}/{s.get('name', index)}"
            if "uses" in s and not SHA_PIN.match(s["uses"]):
                problems.append(f"{where}: {s['uses']} is not pinned to a 40-hex commit")
            if "${{" in str(s.get("run", "")):
                problems.append(f"{where}: `${{{{ }}}}` inside run:")
    if list(jobs) != ["build", "publish", "github-release"]:
        return [*problems, f"jobs: build, publish, github-release, not {list(jobs)}"]
    publish, release = jobs["publish"], jobs["github-release"]
    if publish.get("needs") != "build" or release.get("needs") != "publish":
        problems.append("jobs: publish needs build, github-release needs publish")
    environment = publish.get("environment")
    if (environment.get("name") if isinstance(environment, dict) else environment) != "pypi":
        problems.append(f"publish: environment pypi, not {environment!r}")
    if publish.get("permissions") != {"id-token": "write"}:
        problems.append(f"publish: permissions id-token: write only, not {publish.get('permissions')!r}")
    if not any(str(s.get("uses", "")).startswith("pypa/gh-action-pypi-publish@") for s in publish["steps"]):
        problems.append("publish: no pypa/gh-action-pypi-publish step")
    if release.get("permissions") != {"contents": "write"}:
        problems.append(
            f"github-release: permissions contents: write only, not {release.get('permissions')!r}"
        )
    if "permissions" in jobs["build"]:
        problems.append("build: needs no more than the top-level contents: read")
    return problems


def test_release_yml_has_the_right_shape(workflow: dict[str, Any]) -> None:
    assert shape_problems(workflow) == []


def test_every_pin_names_its_tag_in_a_comment() -> None:
    uses = [line for line in RELEASE.read_text(encoding="utf-8").splitlines() if "uses:" in line]
    assert uses
    for line in uses:
        assert re.search(r"@[0-9a-f]{40} # v\d+(\.\d+)*$", line), line


def _set(path: tuple[Any, ...], value: Any) -> Any:
    def change(data: dict[str, Any]) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


BROKEN = {
    "also-on-branches": _set(("on", "push", "branches"), ["main"]),
    "on-pull-request": _set(("on", "pull_request"), {}),
    "branch-tags": _set(("on", "push", "tags"), ["release-*"]),
    "unpinned": _set(("jobs", "build", "steps", 0, "uses"), "actions/checkout@v5"),
    "short-sha": _set(("jobs", "publish", "steps", 1, "uses"), "pypa/gh-action-pypi-publish@76f52bc"),
    "expression-in-run": _set(("jobs", "build", "steps", 2, "run"), "echo ${{ github.ref_name }}"),
    "write-all": _set(("permissions",), "write-all"),
    "no-environment": _set(("jobs", "publish", "environment"), None),
    "publish-writes-contents": _set(("jobs", "publish", "permissions", "contents"), "write"),
    "release-before-publish": _set(("jobs", "github-release", "needs"), "build"),
}


@pytest.mark.parametrize("name", BROKEN)
def test_the_shape_check_catches_a_broken_workflow(workflow: dict[str, Any], name: str) -> None:
    broken = copy.deepcopy(workflow)
    if True in broken:  # a YAML 1.1 reader: the mutations name the key `on`
        broken["on"] = broken.pop(True)
    BROKEN[name](broken)
    assert shape_problems(broken) != []


def test_check_jsonschema_accepts_release_yml() -> None:
    tool = VENV_BIN / "check-jsonschema"
    if not tool.exists():
        pytest.skip(f"{tool} is not installed (pip install -e '.[dev]')")
    result = subprocess.run(
        [str(tool), "--builtin-schema", "vendor.github-workflows", str(RELEASE)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# -- the wheel, built and installed as release.yml does it -----------------------------------------


def _python_with_build(tmp_path: Path) -> Path:
    """A Python that has `build`: this one, or a throwaway virtualenv it is installed into."""
    probe = subprocess.run([sys.executable, "-c", "import build"], capture_output=True, check=False)
    if probe.returncode == 0:
        return Path(sys.executable)
    tools = tmp_path / "tools"
    subprocess.run([sys.executable, "-m", "venv", str(tools)], check=True, capture_output=True, timeout=300)
    python = tools / "bin" / "python"
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "build"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if installed.returncode != 0:
        pytest.skip(f"`build` is not installed and pip could not install it:\n{installed.stderr[-2000:]}")
    return python


@pytest.mark.slow
def test_built_distributions_pass_release_yml_s_version_check(
    workflow: dict[str, Any], tmp_path: Path
) -> None:
    """`python -m build` of this checkout, then release.yml's own step: a clean virtualenv
    installs the wheel (with its dependencies from the package index), `doiac --version` is the tag."""
    python = _python_with_build(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    built = subprocess.run(
        [str(python), "-m", "build", "--outdir", str(work / "dist"), str(PROJECT)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert built.returncode == 0, built.stdout[-4000:] + built.stderr[-4000:]
    assert sorted(p.name for p in (work / "dist").iterdir()) == [
        f"doiac-{__version__}-py3-none-any.whl",
        f"doiac-{__version__}.tar.gz",
    ]
    result = run_step(workflow, "build", WHEEL_STEP, work, f"v{__version__}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"doiac --version: doiac {__version__}" in result.stdout
    # The clean virtualenv's doiac is the wheel's, not this checkout's editable install.
    clean = work / "runner-temp" / "doiac-clean"
    where = subprocess.run(
        [str(clean / "bin" / "python"), "-c", "import reconciler; print(reconciler.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert Path(where.stdout.strip()).is_relative_to(clean), where.stdout
    other = run_step(workflow, "build", WHEEL_STEP, work, "v99.0.0")
    assert other.returncode != 0
