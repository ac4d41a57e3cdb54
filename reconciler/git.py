"""What git says about the DOI repository: the commit a plan is made from, a DOI file's history, and the notes applies leave.

git is run, not imported: every call has a timeout, no pager and no prompt, and a path from a
DOI file is passed after `--` (or inside a `rev:path` object name), never where it could be an option.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path


def head_commit(folder: str | Path) -> str | None:
    """The commit checked out in `folder`, or None outside a git work tree (or without git)."""
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", "HEAD"],
            cwd=folder, capture_output=True, text=True, timeout=10, check=False,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    commit = result.stdout.strip()
    return commit if result.returncode == 0 and commit else None


TIMEOUT = 30
"""Seconds any one git command may take: a history read never hangs a command."""
_GIT = ("git", "--no-pager", "-c", "core.quotePath=false", "-c", "log.showSignature=false")


@dataclass(frozen=True)
class FileChange:
    """One commit that touched a file, as `git log --follow` lists it.

    `path` is the file's path after the commit and `old_path` before it (they differ for a
    rename), both relative to the top of the work tree; `status` is git's letter (A, M, R, D…),
    "" for a merge, which git lists without files.
    """

    sha: str
    author: str
    date: str
    subject: str
    status: str
    path: str
    old_path: str


def _git(
    top: str | Path, *args: str, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes] | None:
    """Run git in `top` (with `stdin` as its input); None when git is missing, times out or fails."""
    try:
        result = subprocess.run(
            [*_GIT, *args], cwd=top, capture_output=True, timeout=TIMEOUT, check=False, input=stdin,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"},
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    return result if result.returncode == 0 else None


def has_uncommitted(folder: str | Path, paths: list[str]) -> bool:
    """True when any of `paths` (relative to `folder`) differs from HEAD or is untracked: the files
    a plan or an apply reads are then not the commit it would name."""
    result = _git(folder, "status", "--porcelain", "--untracked-files=all", "--", *paths)
    return result is not None and bool(result.stdout.strip())


def work_tree(folder: str | Path) -> Path | None:
    """The top of the git work tree `folder` is in, or None outside one (or without git)."""
    result = _git(folder, "rev-parse", "--show-toplevel")
    top = result.stdout.decode("utf-8", "surrogateescape").strip() if result is not None else ""
    return Path(top) if top else None


def file_log(top: str | Path, path: str, *, limit: int = 50) -> list[FileChange]:
    """The commits that touched `path` (relative to `top`), newest first, following renames.

    [] when git cannot say: no git, not a work tree, or a file git never tracked.
    """
    result = _git(
        top, "log", "--follow", "--name-status", "-z", "--no-color", "--no-ext-diff", "--no-textconv",
        f"--max-count={max(limit, 0)}", "--format=%x1e%H%x1f%an%x1f%aI%x1f%s", "--", path,
    )  # fmt: skip
    if result is None:
        return []
    changes = []
    current = path
    for chunk in result.stdout.decode("utf-8", "surrogateescape").split("\x1e")[1:]:
        header, _, files = chunk.partition("\0")
        sha, author, date, subject = [*header.split("\x1f", 3), "", "", ""][:4]
        tokens = [t for t in files.lstrip("\n").split("\0") if t]
        status, old, new = "", current, current
        if tokens:
            status = tokens[0][:1]
            if status in {"R", "C"} and len(tokens) >= 3:
                old, new = tokens[1], tokens[2]
            elif len(tokens) >= 2:
                old = new = tokens[1]
        changes.append(FileChange(sha, author, date, subject, status, new, old))
        current = old  # older commits know the file by its name before this one
    return changes


def merged_by(top: str | Path, sha: str) -> str | None:
    """The subject of the merge commit that brought `sha` into HEAD's first-parent line, if any.

    That is the first merge after `sha` whose first parent does not already contain it: the merge
    of the branch `sha` was made on (a pull request's merge), not a later merge of anything else.
    """
    result = _git(
        top, "log", "--merges", "--ancestry-path", "--reverse", "--format=%H %P%x1f%s", f"{sha}..HEAD"
    )
    if result is None:
        return None
    for line in result.stdout.decode("utf-8", "replace").splitlines():
        parents, _, subject = line.partition("\x1f")
        first = parents.split()[1] if len(parents.split()) > 1 else ""
        if first and _git(top, "merge-base", "--is-ancestor", sha, first) is None:
            return subject
    return None


def file_at(top: str | Path, revision: str, path: str) -> bytes | None:
    """The bytes of `path` (relative to `top`) at `revision` (`sha`, `sha^`), or None if it has none."""
    result = _git(top, "cat-file", "blob", f"{revision}:{path}")
    return result.stdout if result is not None else None


def resolve_commit(top: str | Path, revision: str) -> str | None:
    """The full name of the commit `revision` names (a sha, branch, tag, `origin/main`), or None."""
    if not revision or revision.startswith("-"):
        return None
    result = _git(top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}")
    commit = result.stdout.decode("ascii", "replace").strip() if result is not None else ""
    return commit or None


def changed_paths(top: str | Path, commit: str) -> list[str] | None:
    """Every path (relative to `top`) that differs between `commit` and the work tree: added,
    edited, removed, both sides of a rename, and untracked files git does not ignore; None when
    git cannot say."""
    diff = _git(top, "diff", "--no-renames", "--no-ext-diff", "--name-only", "-z", commit, "--")
    untracked = _git(top, "ls-files", "--others", "--exclude-standard", "-z")
    if diff is None or untracked is None:
        return None
    names = (diff.stdout + untracked.stdout).decode("utf-8", "surrogateescape").split("\0")
    return sorted({name for name in names if name})


NOTES_REF = "refs/notes/doiac"
"""Where each apply records itself: one note per applied commit, one line per apply."""
_FALLBACK_IDENTITY = ("-c", "user.name=doiac", "-c", "user.email=doiac@localhost")


def append_note(top: str | Path, commit: str, line: str) -> bool:
    """Append `line` to the doiac note of `commit`; False when git could not write it.

    A CI checkout has no git identity: the notes commit is then made as "doiac".
    """
    identity = () if _git(top, "config", "user.email") is not None else _FALLBACK_IDENTITY
    result = _git(top, *identity, "notes", f"--ref={NOTES_REF}", "append", "-F", "-", commit,
                  stdin=line.encode("utf-8"))  # fmt: skip
    return result is not None


def notes(top: str | Path) -> dict[str, str]:
    """Every doiac note in the repository: commit → the note's text ({} when there are none)."""
    listed = _git(top, "notes", f"--ref={NOTES_REF}", "list")
    if listed is None:
        return {}
    pairs = [line.split() for line in listed.stdout.decode("ascii", "replace").splitlines()]
    pairs = [pair for pair in pairs if len(pair) == 2]
    if not pairs:
        return {}
    batch = _git(top, "cat-file", "--batch", stdin="".join(f"{blob}\n" for blob, _ in pairs).encode("ascii"))
    if batch is None:
        return {}
    found: dict[str, str] = {}
    data = batch.stdout
    position = 0
    for _, commit in pairs:
        end = data.index(b"\n", position)
        header = data[position:end].split()
        if len(header) != 3 or header[1] != b"blob":
            break
        size = int(header[2])
        found[commit] = data[end + 1 : end + 1 + size].decode("utf-8", "replace")
        position = end + 1 + size + 1
    return found
