"""This repository's GitHub workflows and composite action, run for real.

The `run:` steps are read from the YAML files and executed with bash, in order, in a copy of the
example DOI repository, with a simulated runner: GITHUB_* variables, an event file, CI=true, the
project's doiac first on PATH and a stub `gh` that records each call and keeps the pull request's
comments. `uses:` steps and `pip install` steps are skipped; `${{ }}` in `env:` and `if:` is
evaluated for the few forms these files use.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from reconciler.config import load_config
from reconciler.datacite import DataCiteClient
from reconciler.environment import SANDBOX_PASSWORD, open_endpoint

from .helpers.gitrepo import commit, git, isolate_git

PROJECT = Path(__file__).resolve().parents[1]
WORKFLOWS = PROJECT / ".github" / "workflows"
PLAN, APPLY, COMMENT, DRIFT = (
    WORKFLOWS / name for name in ("plan.yml", "apply.yml", "plan-comment.yml", "drift.yml")
)
ACTION = PROJECT / "action.yml"
FILES = (PLAN, APPLY, COMMENT, DRIFT, ACTION)
BIN = PROJECT / ".venv" / "bin"
MARKER = "<!-- doiac plan -->"
REPO = "example/dois"
FORK = "someone/dois-fork"
HEAD_SHA = "a" * 40
MERGE_SHA = "c" * 40
TOKEN = "ghs_test-token"
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)
# A human's comment, and a human's comment that starts with the marker: neither may be edited.
HUMAN = [
    {"id": 1, "body": "Looks good", "user": {"login": "alice", "type": "User"}},
    {"id": 2, "body": f"{MARKER}\nnot the bot's", "user": {"login": "mallory", "type": "User"}},
]

GH_STUB = r"""
import json, os, shutil, subprocess, sys

state = os.environ["GH_STUB_DIR"]
args = sys.argv[1:]
valued = {"--method", "-X", "-F", "--field", "-f", "--raw-field", "--jq", "-q", "-H", "--input",
          "--repo", "-R", "--name", "-n", "--dir", "-D"}
opts, positional, i = {}, [], 0
while i < len(args):
    if args[i] in valued:
        opts.setdefault(args[i], []).append(args[i + 1])
        i += 2
    else:
        positional.append(args[i])
        i += 1


def load(name, default):
    path = os.path.join(state, name)
    if not os.path.exists(path):
        return default
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def save(name, data):
    with open(os.path.join(state, name), "w", encoding="utf-8") as f:
        json.dump(data, f)


def log(call):
    with open(os.path.join(state, "calls.jsonl"), "a", encoding="utf-8") as f:
        f.write(json.dumps(call) + "\n")


if positional[:2] == ["run", "download"]:
    # An artifact of another run: tests put its files in artifacts/<run>/<name>/.
    run, name, folder = positional[2], opts["--name"][0], opts.get("--dir", ["."])[0]
    log({"args": args, "method": "DOWNLOAD", "endpoint": f"runs/{run}/{name}", "body": None,
         "token": os.environ.get("GH_TOKEN")})
    source = os.path.join(state, "artifacts", run, name)
    if not os.path.isdir(source):
        sys.exit(f"no artifact {name} in run {run}")
    shutil.copytree(source, folder, dirs_exist_ok=True)
    sys.exit(0)

fields = {}
for flag in ("-F", "-f"):
    for item in opts.get(flag, []):
        key, value = item.split("=", 1)
        if flag == "-F" and value.startswith("@"):
            with open(value[1:], encoding="utf-8") as f:
                value = f.read()
        fields[key] = value
body = fields.get("body")
method = opts.get("--method", ["GET"])[0]
endpoint = [p for p in positional if not p.startswith("-")][-1]
path = endpoint.split("?", 1)[0]
log({"args": args, "method": method, "endpoint": endpoint, "body": body, "fields": fields,
     "token": os.environ.get("GH_TOKEN")})
comments, issues, gets = load("comments.json", []), load("issues.json", []), load("gets.json", {})
parts = path.split("/")
if method == "GET" and path.endswith("/comments"):
    answer = comments
elif method == "GET" and parts[-1] == "issues":
    answer = [i for i in issues if i["state"] == "open"]
elif method == "GET" and path in gets:
    answer = gets[path]
elif method == "GET":
    answer = load("pulls.json", {})[parts[-1]]  # KeyError: a 404
elif method == "POST" and parts[-1] == "issues":
    answer = {"number": 500 + len(issues), "title": fields["title"], "body": body, "state": "open",
              "user": {"login": "github-actions[bot]", "type": "Bot"}}
    issues.append(answer)
elif method == "POST":
    answer = {"id": 100 + len(comments), "body": body, "user": {"login": "github-actions[bot]", "type": "Bot"},
              "endpoint": path}
    comments.append(answer)
elif "/issues/comments/" in path:
    answer = next(c for c in comments if path.endswith(f"/comments/{c['id']}"))
    answer["body"] = body
else:
    answer = next(i for i in issues if path.endswith(f"/issues/{i['number']}"))
    answer.update(fields)
save("comments.json", comments)
save("issues.json", issues)
text = json.dumps(answer)
if "--jq" in opts:
    text = subprocess.run(["jq", "-r", opts["--jq"][0]], input=text, capture_output=True, text=True, check=True).stdout
sys.stdout.write(text)
"""


def sh(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False, **kwargs)


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    return data


def steps_of(data: dict[str, Any]) -> list[dict[str, Any]]:
    if "runs" in data:
        return list(data["runs"]["steps"])
    return [step for job in data["jobs"].values() for step in job["steps"]]


def evaluate(expr: str, ctx: dict[str, Any]) -> Any:
    """The expression forms these files use: &&, ==, !=, 'literals', status functions, context paths."""
    expr = expr.strip()
    if expr.startswith("${{"):
        expr = expr.removeprefix("${{").removesuffix("}}").strip()
    if "&&" in expr:
        return all(evaluate(part, ctx) for part in expr.split("&&"))
    for op in ("!=", "=="):
        if op in expr:
            left, right = (str(evaluate(side, ctx)) for side in expr.split(op))
            return (left == right) == (op == "==")
    if expr.startswith("'"):
        return expr.strip("'")
    if expr in {"always()", "!cancelled()"}:
        return True
    if expr == "success()":
        return not ctx["failed"]
    assert "(" not in expr, f"the test's evaluator does not know {expr!r}"
    value: Any = ctx
    for key in expr.split("."):
        value = value.get(key, "") if isinstance(value, dict) else ""
    return value


def expand(text: str, ctx: dict[str, Any]) -> str:
    """`text` with each `${{ }}` replaced by its value."""
    return EXPRESSION.sub(lambda m: str(evaluate(m[1], ctx)), text)


@dataclass
class Run:
    ran: bool = True
    codes: dict[str, int | None] = field(default_factory=dict)  # step → exit code, None = skipped
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    log: str = ""

    @property
    def failed(self) -> bool:
        return any(self.codes.values())


class Runner:
    """A simulated GitHub runner with a stub gh; state (the comments) lasts across runs."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.gh = root / "gh"
        self.gh.mkdir(parents=True)
        stub = self.gh / "bin" / "gh"
        stub.parent.mkdir()
        stub.write_text(f"#!{sys.executable}\n{GH_STUB}", encoding="utf-8")
        stub.chmod(0o755)
        self.write("comments.json", HUMAN)
        self.write("pulls.json", {})

    def write(self, name: str, data: Any) -> None:
        (self.gh / name).write_text(json.dumps(data), encoding="utf-8")

    def calls(self) -> list[dict[str, Any]]:
        log = self.gh / "calls.jsonl"
        lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
        return [json.loads(line) for line in lines]

    def comments(self) -> list[dict[str, Any]]:
        comments: list[dict[str, Any]] = json.loads((self.gh / "comments.json").read_text(encoding="utf-8"))
        return comments

    def run(
        self,
        path: Path,
        workdir: Path,
        event: dict[str, Any],
        *,
        secrets: dict[str, str] | None = None,
        inputs: dict[str, str] | None = None,
        env: dict[str, str] | None = None,
    ) -> Run:
        """Every job of the file in order (each job's `needs` come before it), in one work tree."""
        data = load(path)
        jobs = {"action": data["runs"]} if "runs" in data else data["jobs"]
        event_path = self.root / "event.json"
        event_path.write_text(json.dumps(event), encoding="utf-8")
        github = {"event": event, "token": TOKEN, "repository": REPO, "server_url": "https://github.com"}
        ctx: dict[str, Any] = {"github": github, "secrets": secrets or {}, "vars": {}, "inputs": inputs or {}}
        ctx["needs"] = {}
        result = Run(ran=False)
        base = {
            "PATH": f"{BIN}:{self.gh / 'bin'}:/usr/local/bin:/usr/bin:/bin",
            "HOME": str(self.root),
            "LANG": "C.UTF-8",
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_REPOSITORY": REPO,
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_RUN_ID": "4242",
            "GITHUB_SHA": MERGE_SHA,
            "GITHUB_WORKSPACE": str(workdir),
            "GITHUB_EVENT_PATH": str(event_path),
            "GITHUB_STEP_SUMMARY": str(self.root / "summary.md"),
            "GH_STUB_DIR": str(self.gh),
            **(env or {}),
        }
        for job_id, job in jobs.items():
            ctx |= {"steps": {}, "failed": False}
            needs = job.get("needs", [])
            needed = [needs] if isinstance(needs, str) else needs
            if any(ctx["needs"].get(n, {}).get("result") != "success" for n in needed):
                continue
            if "if" in job and not evaluate(job["if"], ctx):
                continue
            result.ran = True
            self._steps(job, workdir, ctx, base, result)
            outputs = {k: expand(str(v), ctx) for k, v in job.get("outputs", {}).items()}
            verdict = "failure" if ctx["failed"] else "success"
            ctx["needs"][job_id] = {"outputs": outputs, "result": verdict}
        return result

    def _steps(
        self, job: dict[str, Any], workdir: Path, ctx: dict[str, Any], base: dict[str, str], result: Run
    ) -> None:
        for step in job["steps"]:
            name = step.get("name") or step.get("id") or step.get("uses")
            skip = "uses" in step or "pip install" in step["run"]
            if skip or not evaluate(step.get("if", "success()"), ctx):
                result.codes[name] = None
                continue
            output = self.root / "output"
            output.write_text("", encoding="utf-8")
            step_env = {**job.get("env", {}), **step.get("env", {})}
            values = {k: expand(str(v), ctx) for k, v in step_env.items()}
            script = self.root / "step.sh"
            script.write_text(step["run"], encoding="utf-8")
            env = {**base, **values, "GITHUB_OUTPUT": str(output)}
            # What `shell: bash` runs on a GitHub runner.
            proc = sh(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=workdir, env=env)
            result.codes[name] = proc.returncode
            result.log += f"--- {name} ({proc.returncode})\n{proc.stdout}{proc.stderr}"
            lines = output.read_text(encoding="utf-8").splitlines()
            outputs = result.outputs[step.get("id", name)] = dict(line.split("=", 1) for line in lines)
            ctx["steps"][step.get("id", name)] = {"outputs": outputs}
            ctx["failed"] |= proc.returncode != 0


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of this repository's example DOI repository (the embedded sandbox is its environment)."""
    if not (BIN / "doiac").exists() or shutil.which("jq") is None:
        pytest.skip("needs the project's .venv/bin/doiac and jq (the stub gh filters with it, as gh does)")
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copy(PROJECT / "doiac.yaml", root / "doiac.yaml")
    for folder in ("dois", "schemas"):
        shutil.copytree(PROJECT / folder, root / folder)
    return root


@pytest.fixture
def cloned(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`repo` as a checkout: one commit, and an `origin` (a bare repository) to fetch and push notes."""
    isolate_git(monkeypatch, tmp_path)
    (repo / ".gitignore").write_text(".doiac/\n")
    git(repo, "init", "-q", "-b", "main")
    commit(repo, "Ann", "The DOI files", ".")
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", str(origin))
    git(repo, "remote", "add", "origin", str(origin))
    git(repo, "push", "-q", "origin", "main")
    return repo


@pytest.fixture
def runner(tmp_path: Path) -> Runner:
    return Runner(tmp_path / "runner")


def pr_event(head_repo: str) -> dict[str, Any]:
    head = {"sha": HEAD_SHA, "repo": {"full_name": head_repo}}
    return {"pull_request": {"number": 7, "head": head, "base": {"repo": {"full_name": REPO}}}}


def workflow_run_event(head_repo: str = FORK) -> dict[str, Any]:
    run = {"id": 99, "event": "pull_request", "conclusion": "success", "head_sha": HEAD_SHA}
    return {"workflow_run": run | {"head_branch": "patch-1", "head_repository": {"full_name": head_repo}}}


@contextmanager
def sandbox_client(root: Path) -> Iterator[DataCiteClient]:
    """Another client of the repository's embedded sandbox, as Fabrica would be."""
    with (
        open_endpoint(load_config(root / "doiac.yaml"), env={}) as endpoint,
        DataCiteClient(endpoint.url, "EXAMPLE.REPO", SANDBOX_PASSWORD) as client,
    ):
        yield client


def writes(runner: Runner) -> list[tuple[str, str]]:
    return [(c["method"], c["endpoint"]) for c in runner.calls() if c["method"] != "GET"]


# -- runs -----------------------------------------------------------------------------------------


def test_pull_request_gets_one_sticky_plan_comment(repo: Path, runner: Runner) -> None:
    first = runner.run(PLAN, repo, pr_event(REPO))
    assert not first.failed, first.log
    assert first.outputs["plan"]["result"] == "changes"
    assert writes(runner) == [("POST", f"repos/{REPO}/issues/7/comments")]
    posted = runner.calls()[-1]
    assert posted["token"] == TOKEN
    body = posted["body"]
    assert body.startswith(f"{MARKER}\n> [!WARNING]\n> This plan holds 8 one-way change(s)")
    assert body.count(MARKER) == 1
    assert "10.80000/2jda-n732" in body
    assert "9 to create" in body
    # Each file links to the pull request's head commit; a new DOI shows its metadata.
    link = f"https://github.com/{REPO}/blob/{HEAD_SHA}/dois/10.80000/2jda-n732.yaml"
    assert f"File [`dois/10.80000/2jda-n732.yaml`]({link})" in body
    assert "@@ /titles @@" in body
    assert (repo / "plan.json").exists()

    # Merged and applied; the next push plans again: the same comment is updated, not a new one.
    assert not runner.run(APPLY, repo, {"ref": "refs/heads/main"}).failed
    second = runner.run(PLAN, repo, pr_event(REPO))
    assert not second.failed, second.log
    assert second.outputs["plan"]["result"] == "no-changes"
    bot = [c for c in runner.comments() if c["user"]["type"] == "Bot"]
    assert len(bot) == 1
    assert writes(runner)[1:] == [("PATCH", f"repos/{REPO}/issues/comments/{bot[0]['id']}")]
    assert bot[0]["body"].startswith(MARKER + "\n")
    assert "No changes" in bot[0]["body"]
    assert "[!WARNING]" not in bot[0]["body"]
    assert runner.comments()[:2] == HUMAN


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("invalid DOI file", "YAML syntax"),
        # A usage error: doiac exits 1 for it under --detailed-exitcode, never 2 ("changes").
        ("usage error", "Invalid value for '--deadline'"),
        ("blocked plan", "findable → draft"),
    ],
)
def test_failed_plan_replaces_the_stale_comment(repo: Path, runner: Runner, case: str, expected: str) -> None:
    stale = {
        "id": 50,
        "body": f"{MARKER}\nan old plan",
        "user": {"login": "github-actions[bot]", "type": "Bot"},
    }
    runner.write("comments.json", [*HUMAN, stale])
    env = {}
    if case == "invalid DOI file":
        (repo / "dois" / "10.80000" / "bad.yaml").write_text("doi: 10.80000/zzzz\nnot: [valid\n")
    elif case == "usage error":
        env["DOIAC_DEADLINE"] = "soon"
    else:  # a plan with an error problem: printed on stdout, exit 1
        assert not runner.run(APPLY, repo, {}).failed
        doi = repo / "dois" / "10.80000" / "2jda-n732.yaml"
        doi.write_text(doi.read_text().replace("state: findable", "state: draft"))
    run = runner.run(PLAN, repo, pr_event(REPO), env=env)
    assert run.failed
    assert run.codes["Plan"] == 1, run.log
    assert run.outputs["plan"]["result"] == "failed"
    assert run.codes["Post or update the plan comment"] == 0, run.log
    assert writes(runner) == [("PATCH", f"repos/{REPO}/issues/comments/50")]
    body = runner.comments()[-1]["body"]
    assert body.startswith(f"{MARKER}\n**doiac plan failed** (exit code 1)")
    assert expected in body
    assert "an old plan" not in body
    assert f"https://github.com/{REPO}/actions/runs/4242" in body


def test_fork_pull_request_leaves_the_comment_to_plan_comment(
    repo: Path, runner: Runner, tmp_path: Path
) -> None:
    run = runner.run(PLAN, repo, pr_event(FORK), secrets={"DATACITE_PASSWORD": "not-for-forks"})
    assert not run.failed, run.log
    assert run.codes["Post or update the plan comment"] is None
    assert runner.calls() == []
    artifact = repo / "doiac-plan-comment"
    assert (artifact / "pr-number").read_text() == "7\n"
    body = (artifact / "comment.md").read_text()
    assert body.startswith(MARKER + "\n")
    assert "read without a password" in body  # planned with --anonymous

    # plan-comment.yml, in the base repository: download-artifact is simulated by a copy.
    job = tmp_path / "comment-job"
    shutil.copytree(artifact, job / "doiac-plan-comment")
    runner.write("pulls.json", {"7": {"head": {"sha": HEAD_SHA}}})
    posted = runner.run(COMMENT, job, workflow_run_event())
    assert not posted.failed, posted.log
    assert writes(runner) == [("POST", f"repos/{REPO}/issues/7/comments")]
    assert runner.calls()[-1]["body"] == body
    assert runner.calls()[-1]["token"] == TOKEN

    # Run again: the same comment is updated.
    assert not runner.run(COMMENT, job, workflow_run_event()).failed
    assert [m for m, _ in writes(runner)] == ["POST", "PATCH"]
    assert len([c for c in runner.comments() if c["user"]["type"] == "Bot"]) == 1


@pytest.mark.parametrize("case", ["same repository", "pushed since", "not a number", "no marker"])
def test_plan_comment_posts_nothing_it_cannot_trust(runner: Runner, tmp_path: Path, case: str) -> None:
    if shutil.which("jq") is None:
        pytest.skip("the stub gh filters with jq")
    artifact = tmp_path / "job" / "doiac-plan-comment"
    artifact.mkdir(parents=True)
    (artifact / "pr-number").write_text("7\n" if case != "not a number" else "../8\n")
    (artifact / "comment.md").write_text("hello\n" if case == "no marker" else f"{MARKER}\nplan\n")
    moved = "b" * 40 if case == "pushed since" else HEAD_SHA
    runner.write("pulls.json", {"7": {"head": {"sha": moved}}})
    run = runner.run(
        COMMENT, tmp_path / "job", workflow_run_event(REPO if case == "same repository" else FORK)
    )
    assert writes(runner) == []
    assert run.ran is (case != "same repository")
    assert run.failed is (case in {"not a number", "no marker"}), run.log


def test_apply_keeps_the_report_and_writes_the_summary(repo: Path, runner: Runner) -> None:
    run = runner.run(APPLY, repo, {"ref": "refs/heads/main"}, secrets={"DATACITE_PASSWORD": ""})
    assert not run.failed, run.log
    report = [json.loads(line) for line in (repo / "apply.jsonl").read_text().splitlines()]
    assert len(report) == 9
    assert {line["outcome"] for line in report} == {"done"}
    summary = (runner.root / "summary.md").read_text()
    assert summary.startswith(
        "## The plan to apply\n\n**No reviewed plan**: this push merged no pull request."
    )
    assert "## doiac apply\n\nNo reviewed plan: this apply planned afresh.\n" in summary
    assert "**doiac apply succeeded**: Apply: 9 done, 0 failed, 0 refused as stale.\n" in summary
    assert "    ✓ 10.80000/2jda-n732" in summary  # the output, as an indented code block
    assert "Nothing recorded in git to push." in run.log  # not a git checkout: nothing to push

    # A failed apply still says so on the summary page.
    (repo / "dois" / "10.80000" / "bad.yaml").write_text("doi: [\n")
    failed = runner.run(APPLY, repo, {"ref": "refs/heads/main"})
    assert failed.codes["Apply"] == 1
    summary = (runner.root / "summary.md").read_text()
    assert summary.count("## doiac apply") == 2
    assert "**doiac apply failed** (exit code 1): doiac: error: 1 error in the DOI files" in summary


def reviewed(runner: Runner, workdir: Path, run_id: int = 4242) -> None:
    """The plan run's `doiac-plan` artifact (upload-artifact, simulated), and the GitHub API answers
    that lead the apply workflow from the merge commit to it."""
    artifact = runner.gh / "artifacts" / str(run_id) / "doiac-plan"
    artifact.mkdir(parents=True, exist_ok=True)
    for name in ("plan.json", "comment.md"):
        shutil.move(workdir / name, artifact / name)
    runner.write("gets.json", {
        f"repos/{REPO}/commits/{MERGE_SHA}/pulls": [{"number": 7, "head": {"sha": HEAD_SHA}}],
        f"repos/{REPO}/actions/workflows/plan.yml/runs": {"workflow_runs": [{"id": run_id}]},
    })  # fmt: skip


def test_merge_applies_the_reviewed_plan_and_pushes_its_note(cloned: Path, runner: Runner) -> None:
    assert not runner.run(PLAN, cloned, pr_event(REPO)).failed
    reviewed(runner, cloned)
    run = runner.run(APPLY, cloned, {"ref": "refs/heads/main"})
    assert not run.failed, run.log
    downloads = [c["endpoint"] for c in runner.calls() if c["method"] == "DOWNLOAD"]
    assert downloads == ["runs/4242/doiac-plan", "runs/4242/doiac-plan"]  # shown, then applied
    summary = (runner.root / "summary.md").read_text()
    shown, applied = summary.split("## doiac apply")
    assert shown.startswith("## The plan to apply\n\nThe plan reviewed on pull request #7 ([plan run]")
    assert "9 to create" in shown  # the reviewed comment itself, before the approval
    assert "Applied the plan reviewed on #7." in applied
    assert "Apply: 9 done, 0 failed, 0 refused as stale." in applied
    assert "doiac plan ·" not in applied  # the reviewed plan, not a fresh one
    # The apply's note reached origin, on the applied commit.
    head = git(cloned, "rev-parse", "HEAD").strip()
    (line,) = git(
        cloned, "--git-dir", str(cloned.parent / "origin.git"), "notes", "--ref=doiac", "show", head
    ).splitlines()
    note = json.loads(line)
    assert note["run"] == f"https://github.com/{REPO}/actions/runs/4242"
    assert len(note["dois"]) == 9


def test_merge_after_the_live_record_moved_refuses_that_doi(cloned: Path, runner: Runner) -> None:
    assert not runner.run(APPLY, cloned, {"ref": "refs/heads/main"}).failed
    doi = "10.80000/2jda-n732"
    path = cloned / "dois" / "10.80000" / "2jda-n732.yaml"
    path.write_text(path.read_text().replace("publicationYear: 2024", "publicationYear: 2023"))
    commit(cloned, "Bob", "Fix the year (#7)", ".")
    assert not runner.run(PLAN, cloned, pr_event(REPO)).failed
    reviewed(runner, cloned)
    with sandbox_client(cloned) as client:  # between review and merge, someone edits it in Fabrica
        assert (
            client.update(doi, {"titles": [{"title": "Edited in Fabrica"}], "source": "fabricaForm"})[0]
            == 200
        )
    run = runner.run(APPLY, cloned, {"ref": "refs/heads/main"})
    assert run.codes["Apply"] == 1, run.log
    summary = (runner.root / "summary.md").read_text()
    assert "Applied the plan reviewed on #7." in summary
    assert "**doiac apply failed** (exit code 1): Apply: 0 done, 0 failed, 1 refused as stale." in summary
    assert f"! {doi}" in summary
    assert run.codes["Push the apply notes"] == 0, run.log


def test_merge_of_other_files_than_reviewed_plans_afresh_and_says_so(cloned: Path, runner: Runner) -> None:
    assert not runner.run(PLAN, cloned, pr_event(REPO)).failed
    reviewed(runner, cloned)
    path = cloned / "dois" / "10.80000" / "2jda-n732.yaml"
    path.write_text(path.read_text().replace("publicationYear: 2024", "publicationYear: 2023"))
    commit(cloned, "Cy", "Another merge came first", ".")
    run = runner.run(APPLY, cloned, {"ref": "refs/heads/main"})
    assert not run.failed, run.log
    summary = (runner.root / "summary.md").read_text()
    assert (
        "**The reviewed plan of #7 was not applied**: the saved plan does not match: the DOI files"
        " (or the config's defaults) changed since the plan was made. Planning afresh."
    ) in summary
    assert "Apply: 9 done" in summary


def test_pull_request_plan_reads_only_the_dois_it_changes(cloned: Path, runner: Runner) -> None:
    assert not runner.run(APPLY, cloned, {"ref": "refs/heads/main"}).failed
    base = git(cloned, "rev-parse", "HEAD").strip()
    path = cloned / "dois" / "10.80000" / "2jda-n732.yaml"
    path.write_text(path.read_text().replace("publicationYear: 2024", "publicationYear: 2023"))
    commit(cloned, "Bob", "Fix the year", ".")
    event = pr_event(REPO)
    event["pull_request"]["base"]["sha"] = base
    run = runner.run(PLAN, cloned, event)
    assert not run.failed, run.log
    body = runner.comments()[-1]["body"]
    assert "1 to update" in body
    assert (
        f"> **note**: partial plan: only the 1 DOI whose files changed since {base[:8]} were compared" in body
    )
    saved = json.loads((cloned / "plan.json").read_text())
    assert (saved["compared"], saved["requests"]) == (1, 1)


def test_drift_run_opens_updates_and_closes_one_issue(cloned: Path, runner: Runner) -> None:
    doi = "10.80000/2jda-n732"
    assert not runner.run(APPLY, cloned, {"ref": "refs/heads/main"}).failed
    assert not runner.run(DRIFT, cloned, {}).failed  # nothing drifted: no issue
    assert [c for c in runner.calls() if c["method"] == "POST"] == []
    with sandbox_client(cloned) as client:
        assert (
            client.update(doi, {"titles": [{"title": "Edited in Fabrica"}], "source": "fabricaForm"})[0]
            == 200
        )

    run = runner.run(DRIFT, cloned, {})
    assert not run.failed, run.log
    assert run.outputs["plan"]["drifted"] == "1"
    (issue,) = json.loads((runner.gh / "issues.json").read_text())
    assert issue["title"] == "doiac: DOIs changed at DataCite outside git"
    body = issue["body"]
    assert body.startswith("<!-- doiac drift -->\n**1 DOI(s) changed at DataCite since their last apply**")
    assert f"- **`{doi}`**" in body
    assert "`titles` changed at" in body
    assert "by `example.repo` through `fabricaForm`" in body
    assert f"`doiac import --force {doi}`" in body
    assert f"`doiac apply --target {doi}`" in body

    assert not runner.run(DRIFT, cloned, {}).failed  # still drifted: the same issue, updated
    assert [(c["method"], c["endpoint"]) for c in runner.calls() if c["method"] != "GET"][-1] == (
        "PATCH",
        f"repos/{REPO}/issues/{issue['number']}",
    )
    assert len(json.loads((runner.gh / "issues.json").read_text())) == 1

    # Keep git: apply the file over DataCite's change; the next run closes the issue.
    kept = sh([str(BIN / "doiac"), "apply", "--auto-approve", "--target", doi], cwd=cloned,
              env={"PATH": f"{BIN}:/usr/bin:/bin", "HOME": str(runner.root)})  # fmt: skip
    assert kept.returncode == 0, kept.stdout + kept.stderr
    run = runner.run(DRIFT, cloned, {})
    assert not run.failed, run.log
    assert run.outputs["plan"]["drifted"] == "0"
    (issue,) = json.loads((runner.gh / "issues.json").read_text())
    assert issue["state"] == "closed"
    assert "No drift any more" in runner.comments()[-1]["body"]


def test_action_passes_args_without_a_shell_expanding_them(repo: Path, runner: Runner) -> None:
    inputs = {"command": "plan", "args": "--target 10.80000/2jda-n732", "version": "0.1.0"}
    run = runner.run(ACTION, repo, {}, inputs=inputs)
    assert not run.failed, run.log
    assert run.outputs["run"]["exit-code"] == "2"
    assert "10.80000/2jda-n732" in (repo / "plan.md").read_text()

    inputs["args"] = "--target $(touch pwned) `touch pwned2`"
    run = runner.run(ACTION, repo, {}, inputs=inputs)
    assert run.outputs["run"]["exit-code"] == "1"
    assert not list(repo.glob("pwned*"))
    assert runner.run(ACTION, repo, {}, inputs={"command": "destroy"}).failed


# -- the files ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_expression_in_any_script(path: Path) -> None:
    runs = [step["run"] for step in steps_of(load(path)) if "run" in step]
    assert runs
    for script in runs:
        assert "${{" not in script, script


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_action_is_pinned_by_commit(path: Path) -> None:
    uses = [step["uses"] for step in steps_of(load(path)) if "uses" in step]
    assert uses
    assert all(re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", use) for use in uses), uses
    lines = [line for line in path.read_text().splitlines() if re.match(r"\s*(- )?uses:", line)]
    assert len(lines) == len(uses)
    assert all(re.search(r"@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line) for line in lines), lines


def test_the_sticky_comment_script_is_the_same_in_both_workflows() -> None:
    name = "Post or update the plan comment"
    (same_repo,) = [s["run"] for s in steps_of(load(PLAN)) if s.get("name") == name]
    (fork,) = [s["run"] for s in steps_of(load(COMMENT)) if s.get("name") == name]
    assert same_repo == fork
    assert "--edit-last" not in PLAN.read_text()


def test_triggers_concurrency_and_permissions() -> None:
    plan, apply, comment = load(PLAN), load(APPLY), load(COMMENT)
    assert set(plan["on"]) == {"pull_request"}
    assert plan["concurrency"] == {
        "group": "doiac-plan-${{ github.event.pull_request.number }}",
        "cancel-in-progress": True,
    }
    assert apply["concurrency"] == {"group": "doiac-apply", "cancel-in-progress": False}
    assert apply["on"]["push"]["branches"] == ["main"]
    assert apply["jobs"]["apply"]["environment"] == "datacite"
    assert apply["permissions"] == {"contents": "read"}
    assert comment["on"] == {"workflow_run": {"workflows": [plan["name"]], "types": ["completed"]}}
    assert comment["permissions"] == {"actions": "read", "pull-requests": "write"}
    # No checkout in the job that holds a write token: it runs no repository code at all.
    assert not [s for s in steps_of(comment) if "checkout" in s.get("uses", "")]
    # Installs from this checkout only in doiac's own repository; the action pins a release.
    about = (PROJECT / "reconciler" / "__about__.py").read_text()
    version = re.search(r'__version__ = "(.+)"', about)
    assert version
    assert load(ACTION)["inputs"]["version"]["default"] == version[1]


@pytest.mark.parametrize(
    ("paths", "schema"),
    [((PLAN, APPLY, COMMENT, DRIFT), "vendor.github-workflows"), ((ACTION,), "vendor.github-actions")],
    ids=["workflows", "action"],
)
def test_files_pass_their_schema(tmp_path: Path, paths: tuple[Path, ...], schema: str) -> None:
    check = BIN / "check-jsonschema"
    if not check.exists():
        pytest.skip("check-jsonschema is not in the project's .venv")

    ok = sh([str(check), "--builtin-schema", schema, *map(str, paths)])
    assert ok.returncode == 0, ok.stdout + ok.stderr
    broken = tmp_path / "broken.yml"  # the check can fail: a misspelt key
    broken.write_text(paths[0].read_text().replace("steps:", "stepz:", 1))
    assert sh([str(check), "--builtin-schema", schema, str(broken)]).returncode != 0


def test_files_pass_actionlint() -> None:
    actionlint = shutil.which("actionlint")
    if actionlint is None:
        pytest.skip("actionlint is not on PATH")
    result = sh([actionlint, *(str(p) for p in (PLAN, APPLY, COMMENT, DRIFT))])
    assert result.returncode == 0, result.stdout + result.stderr
