"""Real git in a test's temporary DOI repository: no user config, no parent repository, fixed authors."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest


def isolate_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The user's git config changes nothing, and no repository above `tmp_path` is found."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"):
        monkeypatch.delenv(name, raising=False)


def git(root: Path, *args: str) -> str:
    """Run git in `root` and return its output; a failure fails the test."""
    done = subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True, timeout=30)
    return done.stdout


def commit(root: Path, author: str, subject: str, *paths: str) -> str:
    """Commit `paths` as `author`; the new commit's sha."""
    git(root, "add", "--", *paths)
    git(root, "-c", f"user.name={author}", "-c", "user.email=x@example.org", "commit", "-q", "-m", subject)
    return git(root, "rev-parse", "HEAD").strip()
