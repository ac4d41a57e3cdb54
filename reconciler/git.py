"""What git says about the DOI repository: the commit a plan was made from (git is run, not imported)."""

from __future__ import annotations

import subprocess
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
