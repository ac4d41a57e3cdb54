"""`doiac init`: the scaffold of a team's DOI repository, and the editor schema of a DOI file.

schemas/doi-file.schema.json is generated from doi.schema.json by `file_schema` below; after
changing doi.schema.json (or which keys `defaults` may hold), regenerate it with
`.venv/bin/python -m tests.test_init`.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from ruamel.yaml import YAML

from reconciler.__about__ import __version__
from reconciler.commands import init
from reconciler.commands.validate import read_desired
from reconciler.config import open_config
from reconciler.errors import UsageError
from reconciler.model import Severity

PROJECT = Path(__file__).resolve().parents[1]
SCHEMAS = PROJECT / "schemas"
FILE_SCHEMA = SCHEMAS / "doi-file.schema.json"
EXAMPLES = sorted((PROJECT / "dois").rglob("*.yaml"))
SHA_PIN = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40} # v\d+(\.\d+)*$")


# -- the editor schema ----------------------------------------------------------------------------


def file_schema(
    doi_schema: dict[str, Any], config_schema: dict[str, Any], datacite_schema: dict[str, Any]
) -> dict[str, Any]:
    """doi.schema.json as an editor sees one file: the same shape, but a key that the config's
    `defaults` can supply is not required (the validator checks the merged record instead), and
    what `doiac validate` reports only as a warning is no constraint (editors have no severities).
    The DataCite schema is bundled in, so the file stands alone."""
    names = config_schema["$defs"]["defaults"]["propertyNames"]
    never_default = {names["not"]["const"]}  # the keys `defaults` cannot hold: every file has its own

    def only_own(node: dict[str, Any]) -> None:
        if "required" in node:
            node["required"] = [key for key in node["required"] if key in never_default]
            if not node["required"]:
                del node["required"]

    def errors_only(node: Any) -> Any:
        if isinstance(node, list):
            return [errors_only(item) for item in node]
        if not isinstance(node, dict):
            return node
        lenient = {k for k, v in node.get("x-doiac-severity", {}).items() if v != "error"}
        kept = {k: errors_only(v) for k, v in node.items() if k not in lenient and k != "x-doiac-severity"}
        if isinstance(kept.get("$ref"), str) and kept["$ref"].startswith("#/$defs/"):
            kept["$ref"] = "#/$defs/datacite/$defs/" + kept["$ref"].removeprefix("#/$defs/")
        return kept

    derived = copy.deepcopy(doi_schema)
    only_own(derived)
    for part in derived.get("allOf", []):
        only_own(part)
        for branch in ("then", "else"):  # `if` is a condition, not a requirement: left as it is
            if branch in part:
                only_own(part[branch])
        if part.get("$ref") == "datacite-4.7.schema.json":
            part["$ref"] = "#/$defs/datacite"
    datacite = errors_only(datacite_schema)
    datacite.pop("$schema", None)
    head = {
        "$schema": derived.pop("$schema"),
        "$comment": (
            "Generated from doi.schema.json and datacite-4.7.schema.json by tests/test_init.py "
            "(python -m tests.test_init): do not edit by hand."
        ),
        "title": "doiac DOI file, as written (editor schema)",
        "description": (
            "One DOI file before the config's defaults are merged under it: the shape of "
            "doi.schema.json, but keys that `defaults` in doiac.yaml can supply (publisher, url, "
            "...) are not required here, and documentation rules `doiac validate` reports as "
            "warnings are left out. `doiac validate` checks the merged record against doi.schema.json."
        ),
    }
    derived.pop("title", None)
    derived.pop("description", None)
    return {**head, **derived, "$defs": {"datacite": datacite}}


def _expected_file_schema_text() -> str:
    doi = json.loads((SCHEMAS / "doi.schema.json").read_text(encoding="utf-8"))
    config = json.loads((SCHEMAS / "config.schema.json").read_text(encoding="utf-8"))
    datacite = json.loads((SCHEMAS / "datacite-4.7.schema.json").read_text(encoding="utf-8"))
    return json.dumps(file_schema(doi, config, datacite), indent=2, ensure_ascii=False) + "\n"


def test_file_schema_is_in_sync_with_doi_schema() -> None:
    assert FILE_SCHEMA.read_text(encoding="utf-8") == _expected_file_schema_text(), (
        "schemas/doi-file.schema.json is stale: run `.venv/bin/python -m tests.test_init`"
    )


def test_file_schema_requires_only_what_defaults_cannot_supply() -> None:
    schema = json.loads(FILE_SCHEMA.read_text(encoding="utf-8"))
    assert schema["required"] == ["doi"]
    conditional = schema["allOf"][1]
    assert "required" not in conditional["then"]
    assert conditional["if"]["required"] == ["state"]  # the condition survives
    assert schema["properties"] == json.loads((SCHEMAS / "doi.schema.json").read_text())["properties"]
    Draft202012Validator.check_schema(schema)


def _file_validator() -> Draft202012Validator:
    datacite = json.loads((SCHEMAS / "datacite-4.7.schema.json").read_text(encoding="utf-8"))
    registry: Registry[Any] = Registry().with_resource(
        "datacite-4.7.schema.json", Resource.from_contents(datacite)
    )
    return Draft202012Validator(json.loads(FILE_SCHEMA.read_text(encoding="utf-8")), registry=registry)


def _load_yaml(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_file_schema_accepts_every_example_file(path: Path) -> None:
    """In-process, so it runs wherever the tests do; the check-jsonschema tests below do it as editors' CLI."""
    errors = [e.message for e in _file_validator().iter_errors(_load_yaml(path))]
    assert errors == []


BAD_FILES = {
    "unknown key": "doi: 10.80000/3mfp-6m52\nstate: draft\ntitel: A typo\n",
    "bad state": "doi: 10.80000/3mfp-6m52\nstate: published\n",
    "server-owned key": "doi: 10.80000/3mfp-6m52\nstate: draft\ncreated: '2024-01-01'\n",
    "no doi": "state: draft\n",
    "findable with a null url": "doi: 10.80000/3mfp-6m52\nstate: findable\nurl: null\n",
    "bad nested value": "doi: 10.80000/3mfp-6m52\nstate: draft\ntypes: {resourceTypeGeneral: Datset}\n",
}


@pytest.mark.parametrize("text", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_file_schema_still_refuses_bad_files(text: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    assert list(_file_validator().iter_errors(_load_yaml(path)))


def _check_jsonschema() -> str:
    found = shutil.which(
        "check-jsonschema",
        path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
    )
    if found is None:
        pytest.skip("check-jsonschema is not installed (pip install check-jsonschema)")
    return found


def _run_check_jsonschema(schema: Path, files: list[Path]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_check_jsonschema(), "--schemafile", str(schema), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_jsonschema_accepts_the_example_files_with_the_file_schema() -> None:
    result = _run_check_jsonschema(FILE_SCHEMA, EXAMPLES)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_jsonschema_refuses_the_example_files_with_the_merged_schema() -> None:
    """Why the file schema exists: the merged-record schema wants the publisher the defaults give."""
    result = _run_check_jsonschema(SCHEMAS / "doi.schema.json", EXAMPLES)
    assert result.returncode == 1
    assert "'publisher' is a required property" in result.stdout


@pytest.mark.parametrize("text", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_check_jsonschema_refuses_bad_files(text: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    result = _run_check_jsonschema(FILE_SCHEMA, [path])
    assert result.returncode == 1, result.stdout + result.stderr


# -- the scaffold ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scaffold(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, init.Scaffolded]:
    root = tmp_path_factory.mktemp("team") / "dois-repo"
    return root, init.run(root, repository="TIB.TEAM", prefix="10.12345")


EXPECTED = [
    "doiac.yaml",
    "dois/10.12345/*.yaml",
    "schemas/doi-file.schema.json",
    "schemas/datacite-4.7.schema.json",
    "schemas/config.schema.json",
    ".github/workflows/doiac-plan.yml",
    ".github/workflows/doiac-plan-comment.yml",
    ".github/workflows/doiac-apply.yml",
    ".github/workflows/doiac-drift.yml",
    ".pre-commit-config.yaml",
    ".gitignore",
    "README.md",
]


def _example(root: Path) -> Path:
    (found,) = (root / "dois" / "10.12345").glob("*.yaml")
    return found


def test_init_writes_every_file_in_order(scaffold: tuple[Path, init.Scaffolded]) -> None:
    root, result = scaffold
    assert result.root == str(root)
    assert result.kept == ()
    assert len(result.written) == len(EXPECTED)
    for written, pattern in zip(result.written, EXPECTED, strict=True):
        assert Path(written).match(pattern), (written, pattern)
        assert (root / written).is_file()
    on_disk = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert on_disk == sorted(result.written)


def test_the_scaffold_passes_validate_at_once(scaffold: tuple[Path, init.Scaffolded]) -> None:
    root, _ = scaffold
    config = open_config(root / "doiac.yaml")
    assert config.environment == "sandbox"
    (repository,) = config.repositories
    assert (repository.id, repository.prefixes, repository.password_env) == (
        "TIB.TEAM",
        ("10.12345",),
        "DATACITE_PASSWORD",
    )
    desired = read_desired(config)
    assert desired.files == 1
    assert [d for d in desired.diagnostics if d.severity is Severity.ERROR] == []
    assert desired.diagnostics == ()  # not even a warning: the example is what a team should copy
    (record,) = desired.records
    assert record.state == "draft"
    assert record.path == f"dois/10.12345/{_example(root).name}"


def test_the_example_draft_has_an_opaque_doi_and_points_editors_at_the_file_schema(
    scaffold: tuple[Path, init.Scaffolded],
) -> None:
    from reconciler.core.suffix import decode_suffix

    root, _ = scaffold
    path = _example(root)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# yaml-language-server: $schema=../../schemas/doi-file.schema.json"
    assert (path.parent / "../../schemas/doi-file.schema.json").resolve().is_file()
    data = _load_yaml(path)
    assert data["doi"] == f"10.12345/{path.stem}"
    assert decode_suffix(path.stem) is not None


def test_the_config_names_and_comments_every_choice(scaffold: tuple[Path, init.Scaffolded]) -> None:
    """Every key of the config schema appears (set, or commented out as an example), and every
    line that sets a key has a comment on it or right above it."""
    root, _ = scaffold
    lines = (root / "doiac.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# yaml-language-server: $schema=schemas/config.schema.json"
    schema = json.loads((SCHEMAS / "config.schema.json").read_text(encoding="utf-8"))
    keys = [
        *schema["properties"],
        *schema["$defs"]["repository"]["properties"],
        *schema["properties"]["limits"]["properties"],
    ]
    for key in keys:
        assert any(re.match(rf"^[\s#-]*{key}:", line) for line in lines), f"{key} is not in doiac.yaml"
    for index, line in enumerate(lines):
        if re.match(r"^[\s-]*\w+:", line):
            assert "#" in line or lines[index - 1].lstrip().startswith("#"), f"no comment for: {line}"


def test_the_copied_schemas_are_the_packages_own(scaffold: tuple[Path, init.Scaffolded]) -> None:
    root, _ = scaffold
    for name in init.SCHEMA_FILES:
        assert (root / "schemas" / name).read_bytes() == (SCHEMAS / name).read_bytes()


def test_the_scaffold_files_pass_the_editor_schemas(scaffold: tuple[Path, init.Scaffolded]) -> None:
    root, _ = scaffold
    doi_file = _run_check_jsonschema(root / "schemas" / "doi-file.schema.json", [_example(root)])
    assert doi_file.returncode == 0, doi_file.stdout + doi_file.stderr
    config = _run_check_jsonschema(root / "schemas" / "config.schema.json", [root / "doiac.yaml"])
    assert config.returncode == 0, config.stdout + config.stderr


def test_gitignore_keeps_the_sandbox_state_out(scaffold: tuple[Path, init.Scaffolded]) -> None:
    root, _ = scaffold
    assert ".doiac/" in (root / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_readme_explains_the_files_the_loop_and_the_commands(scaffold: tuple[Path, init.Scaffolded]) -> None:
    root, _ = scaffold
    text = (root / "README.md").read_text(encoding="utf-8")
    for name in (
        "doiac.yaml",
        "dois/10.12345/",
        "schemas/",
        "doiac-plan.yml",
        "doiac-apply.yml",
        ".pre-commit-config.yaml",
        ".gitignore",
    ):
        assert name in text, name
    for command in ("validate", "plan", "apply", "import", "new", "fmt", "show", "tombstone", "version"):
        assert re.search(rf"^\| `doiac {command}\b", text, re.MULTILINE), command
    for step in ("branch", "pull request", "comments the plan", "Merge", "approval"):
        assert step in text, step
    assert "TIB.TEAM" in text
    assert f'pip install "doiac=={__version__}"' in text


# -- the workflows --------------------------------------------------------------------------------

WORKFLOWS = ("doiac-plan.yml", "doiac-plan-comment.yml", "doiac-apply.yml", "doiac-drift.yml")


def _workflow(root: Path, name: str) -> tuple[str, dict[str, Any]]:
    text = (root / ".github" / "workflows" / name).read_text(encoding="utf-8")
    return text, YAML(typ="safe").load(text)


def _steps(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in data["jobs"].values() for step in job["steps"]]


@pytest.mark.parametrize("name", WORKFLOWS)
def test_workflows_install_the_released_doiac_pinned_to_this_version(
    scaffold: tuple[Path, init.Scaffolded], name: str
) -> None:
    root, _ = scaffold
    text, data = _workflow(root, name)
    runs = [step["run"] for step in _steps(data) if "run" in step]
    installs = [run for run in runs if "pip install" in run]
    # The comment poster runs no doiac and no code of the repository: it installs nothing.
    wanted = [] if name == "doiac-plan-comment.yml" else [f'python -m pip install "doiac=={__version__}"']
    assert installs == wanted
    assert not re.search(r"pip install\s+(-e\s+)?\.", text)
    assert "action_path" not in text


@pytest.mark.parametrize("name", WORKFLOWS)
def test_workflow_actions_are_pinned_by_commit(scaffold: tuple[Path, init.Scaffolded], name: str) -> None:
    root, _ = scaffold
    text, data = _workflow(root, name)
    uses = [step["uses"] for step in _steps(data) if "uses" in step]
    assert uses
    for line in text.splitlines():
        if line.strip().startswith("- uses:"):
            assert SHA_PIN.match(line.split("- uses:", 1)[1].strip()), line
    assert all(re.fullmatch(r"[\w./-]+@[0-9a-f]{40}", use) for use in uses)


@pytest.mark.parametrize("name", WORKFLOWS)
def test_workflows_pass_no_expression_into_a_script(
    scaffold: tuple[Path, init.Scaffolded], name: str
) -> None:
    root, _ = scaffold
    _, data = _workflow(root, name)
    for step in _steps(data):
        assert "${{" not in step.get("run", ""), step


def test_plan_runs_on_pull_requests_and_apply_on_main_with_approval(
    scaffold: tuple[Path, init.Scaffolded],
) -> None:
    root, _ = scaffold
    _, plan = _workflow(root, "doiac-plan.yml")
    _, apply = _workflow(root, "doiac-apply.yml")
    assert set(plan["on"]) == {"pull_request"}
    assert plan["permissions"] == {"contents": "read", "pull-requests": "write"}
    plan_runs = " ".join(step.get("run", "") for step in _steps(plan))
    assert "doiac plan" in plan_runs
    assert "gh api" in plan_runs  # one sticky comment, found by its marker
    assert set(apply["on"]) == {"push"}
    assert apply["on"]["push"]["branches"] == ["main"]
    assert apply["permissions"] == {"contents": "read"}
    assert apply["concurrency"]["cancel-in-progress"] is False
    reviewed, job = apply["jobs"].values()
    assert "environment" not in reviewed  # shows the plan before the approval the environment asks
    assert job["needs"] == "reviewed"
    assert job["environment"] == "datacite"
    assert "doiac apply" in " ".join(step.get("run", "") for step in job["steps"])
    _, drift = _workflow(root, "doiac-drift.yml")
    assert set(drift["on"]) == {"schedule", "workflow_dispatch"}
    assert drift["permissions"] == {"contents": "read", "issues": "write"}


def test_workflows_pass_actionlint(scaffold: tuple[Path, init.Scaffolded]) -> None:
    actionlint = shutil.which("actionlint")
    if actionlint is None:
        pytest.skip("actionlint is not on PATH")
    root, _ = scaffold
    paths = [str(root / ".github" / "workflows" / name) for name in WORKFLOWS]
    result = subprocess.run([actionlint, *paths], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_check_can_fail(tmp_path: Path) -> None:
    """The check above would see an expression pasted into a script."""
    actionlint = shutil.which("actionlint")
    if actionlint is None:
        pytest.skip("actionlint is not on PATH")
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        '      - run: echo "${{ github.event.pull_request.title }}"\n',
        encoding="utf-8",
    )
    result = subprocess.run([actionlint, str(bad)], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 1


# -- pre-commit -----------------------------------------------------------------------------------


def test_pre_commit_config_uses_the_doiac_hooks_at_this_version(
    scaffold: tuple[Path, init.Scaffolded],
) -> None:
    root, _ = scaffold
    data = YAML(typ="safe").load((root / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (repo,) = data["repos"]
    assert repo["repo"] == "https://github.com/doiac/doiac"
    assert repo["rev"] == f"v{__version__}"
    assert [hook["id"] for hook in repo["hooks"]] == ["doiac-validate", "doiac-fmt"]


def test_pre_commit_hooks_exist_in_this_checkout(scaffold: tuple[Path, init.Scaffolded]) -> None:
    """The hooks the scaffold names are the ones .pre-commit-hooks.yaml defines."""
    root, _ = scaffold
    data = YAML(typ="safe").load((root / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    defined = {hook["id"] for hook in YAML(typ="safe").load((PROJECT / ".pre-commit-hooks.yaml").read_text())}
    assert {hook["id"] for hook in data["repos"][0]["hooks"]} <= defined


@pytest.mark.slow
def test_pre_commit_try_repo_runs_the_validate_hook(tmp_path: Path) -> None:
    pre_commit = shutil.which(
        "pre-commit", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    )
    if pre_commit is None:
        pytest.skip("pre-commit is not installed (pip install pre-commit)")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false"]
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "GIT_CONFIG_NOSYSTEM": "1"}
    # try-repo on a checkout carries its uncommitted edits to tracked files but not its untracked
    # files, so a work tree with new modules installs half of them: try the work tree as a commit.
    listed = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=PROJECT,
            capture_output=True,
            check=True,
            env=env,
        )
        .stdout.decode()
        .split("\0")
    )
    checkout = tmp_path / "doiac"
    for name in filter(None, listed):
        if (PROJECT / name).is_file():
            (checkout / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(PROJECT / name, checkout / name)
    root = tmp_path / "team"
    init.run(root)
    for folder in (checkout, root):
        subprocess.run([*git, "init", "-q", "-b", "main"], cwd=folder, check=True, env=env)
        subprocess.run([*git, "add", "-A"], cwd=folder, check=True, env=env)
    subprocess.run([*git, "commit", "-q", "-m", "work tree"], cwd=checkout, check=True, env=env)

    def try_repo(hook: str = "doiac-validate") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [pre_commit, "try-repo", str(checkout), hook, "--all-files"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
            env=env,
        )

    result = try_repo()
    if result.returncode != 0 and re.search(
        r"(?i)could not (find|fetch)|network|connection|resolve", result.stdout + result.stderr
    ):
        pytest.fail(
            f"pre-commit could not install doiac (no package index?):\n{result.stdout}{result.stderr}"
        )
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"doiac validate\.+Passed", result.stdout), result.stdout
    # The scaffold is already in canonical layout: the fmt hook changes nothing.
    formatted = try_repo("doiac-fmt")
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr
    assert re.search(r"doiac fmt\.+Passed", formatted.stdout), formatted.stdout
    # And it fails on a broken DOI file.
    (example,) = (root / "dois" / "10.80000").glob("*.yaml")
    example.write_text(
        example.read_text(encoding="utf-8").replace("state: draft", "state: published"), encoding="utf-8"
    )
    failed = try_repo()
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert re.search(r"doiac validate\.+Failed", failed.stdout), failed.stdout


# -- keeping files, and refusing ------------------------------------------------------------------


def test_existing_files_are_kept_without_force(tmp_path: Path) -> None:
    first = init.run(tmp_path)
    (tmp_path / "README.md").write_text("our own readme\n", encoding="utf-8")
    (tmp_path / "doiac.yaml").write_text(
        "# edited\n" + (tmp_path / "doiac.yaml").read_text(), encoding="utf-8"
    )
    (tmp_path / "schemas" / "config.schema.json").unlink()
    second = init.run(tmp_path, repository="OTHER.REPO")
    assert second.written == ("schemas/config.schema.json",)
    expected_kept = [
        p for p in first.written if p != "schemas/config.schema.json" and not p.startswith("dois/")
    ]
    assert second.kept == ("dois/10.80000/", *expected_kept)
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == "our own readme\n"
    assert (tmp_path / "doiac.yaml").read_text(encoding="utf-8").startswith("# edited\n")
    assert len(list((tmp_path / "dois" / "10.80000").glob("*.yaml"))) == 1  # no second example


def test_force_overwrites_but_never_adds_a_second_example(tmp_path: Path) -> None:
    first = init.run(tmp_path)
    (tmp_path / "README.md").write_text("our own readme\n", encoding="utf-8")
    second = init.run(tmp_path, repository="OTHER.REPO", force=True)
    assert second.kept == ("dois/10.80000/",)
    assert set(second.written) == set(first.written) - {p for p in first.written if p.startswith("dois/")}
    assert "OTHER.REPO" in (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "id: OTHER.REPO" in (tmp_path / "doiac.yaml").read_text(encoding="utf-8")
    assert len(list((tmp_path / "dois" / "10.80000").glob("*.yaml"))) == 1


def test_an_existing_doi_folder_gets_no_example(tmp_path: Path) -> None:
    folder = tmp_path / "dois" / "10.80000"
    folder.mkdir(parents=True)
    (folder / "own.yaml").write_text("doi: 10.80000/own\nstate: draft\n", encoding="utf-8")
    result = init.run(tmp_path)
    assert result.kept == ("dois/10.80000/",)
    assert [p.name for p in folder.iterdir()] == ["own.yaml"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"repository": "not a repo"}, "PROVIDER.REPOSITORY"),
        ({"repository": "EXAMPLE.REPO\nenvironment: production"}, "PROVIDER.REPOSITORY"),
        ({"prefix": "10.1"}, "10.12345"),
        ({"prefix": "../10.80000"}, "10.12345"),
        ({"prefix": "10.80000\n"}, "10.12345"),
    ],
)
def test_bad_repository_or_prefix_is_refused_before_writing(
    tmp_path: Path, options: dict[str, str], message: str
) -> None:
    with pytest.raises(UsageError, match=re.escape(message)):
        init.run(tmp_path / "new", **options)  # type: ignore[arg-type]
    assert not (tmp_path / "new").exists()


def test_a_file_where_a_folder_belongs_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(UsageError, match="not a folder"):
        init.run(tmp_path / "file")
    (tmp_path / "repo" / "README.md").mkdir(parents=True)
    with pytest.raises(UsageError, match="is a folder"):
        init.run(tmp_path / "repo", force=True)
    assert [p.name for p in (tmp_path / "repo").iterdir()] == ["README.md"]  # nothing half written


def test_templates_ship_in_the_package_without_leading_dots() -> None:
    """Inside the package a `.gitignore` or `.github/` would act on this checkout; and the wheel
    carries the scaffold folder because hatch packages everything under reconciler/."""
    folder = PROJECT / "reconciler" / "scaffold"
    names = [p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()]
    assert names
    assert not [name for name in names if any(part.startswith(".") for part in name.split("/"))]


# The workflows `doiac init` writes are this repository's own, with a pinned release installed
# instead of this checkout: one design, kept in step by the test below.
OWN_WORKFLOWS = {
    "plan.yml": "doiac-plan.yml",
    "apply.yml": "doiac-apply.yml",
    "plan-comment.yml": "doiac-plan-comment.yml",
    "drift.yml": "doiac-drift.yml",
}
_INSTALL_HERE = re.compile(
    r"( *)# This workflow runs in doiac's own repository.*?\n(?: *#.*\n)*"
    r" *- name: Install doiac from this checkout\n *run: python -m pip install \.\n",
)


def scaffold_workflow(text: str) -> str:
    """A workflow of this repository as `doiac init` writes it for a team: a pinned doiac release."""
    pinned = (
        "\\1# A released doiac, pinned: never code from the pull request.\n"
        "\\1- name: Install doiac @VERSION@\n"
        '\\1  run: python -m pip install "doiac==@VERSION@"\n'
    )
    return _INSTALL_HERE.sub(pinned, text)


@pytest.mark.parametrize(("own", "team"), sorted(OWN_WORKFLOWS.items()))
def test_the_scaffold_workflows_are_this_repositorys_with_a_pinned_release(own: str, team: str) -> None:
    text = (PROJECT / ".github" / "workflows" / own).read_text(encoding="utf-8")
    expected = scaffold_workflow(text)
    if "pip install" in text:
        assert expected != text  # the install step was found and replaced
    assert "pip install ." not in expected
    scaffold = PROJECT / "reconciler" / "scaffold" / "workflows" / team
    assert scaffold.read_text(encoding="utf-8") == expected, "regenerate: python -m tests.test_init"


if __name__ == "__main__":
    FILE_SCHEMA.write_text(_expected_file_schema_text(), encoding="utf-8")
    print(f"wrote {FILE_SCHEMA.relative_to(PROJECT)}")
    for own_name, team_name in OWN_WORKFLOWS.items():
        own_text = (PROJECT / ".github" / "workflows" / own_name).read_text(encoding="utf-8")
        target = PROJECT / "reconciler" / "scaffold" / "workflows" / team_name
        target.write_text(scaffold_workflow(own_text), encoding="utf-8")
        print(f"wrote {target.relative_to(PROJECT)}")
