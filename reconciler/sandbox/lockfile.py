"""One sandbox at a time per state file: an exclusive `flock` on `<file>.lock`.

Two sandboxes on one SQLite file would each find a DOI absent and both create it. The lock is
taken without waiting (the second sandbox refuses to start) and the kernel drops it when the
descriptor is closed or the process dies, even by SIGKILL, so no stale lock is ever left behind.
"""

from __future__ import annotations

import fcntl
import os


class SandboxBusyError(RuntimeError):
    """Another running sandbox holds the state file."""


def hold(path: str) -> int:
    """The descriptor of `<path>.lock`, locked exclusively; SandboxBusyError if another has it."""
    lock = f"{path}.lock"
    handle = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(handle, 100, 0).decode("utf-8", "replace").strip()
        os.close(handle)
        by = f", {holder}" if holder else ""
        raise SandboxBusyError(f"{path} is in use by another running sandbox (it holds {lock}{by})") from None
    os.ftruncate(handle, 0)
    os.pwrite(handle, f"pid {os.getpid()}".encode(), 0)
    return handle
