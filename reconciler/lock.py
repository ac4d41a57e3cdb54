"""One apply at a time per DataCite environment and set of repository accounts, on this machine.

Two applies made from different versions of the files would interleave their writes and both
report success. The lock is an advisory `flock` on a file named after what is written to (the
environment, or the embedded sandbox's database, and the repository accounts), so that two
checkouts of one DOI repository share it. The kernel releases it when the process ends, even
after SIGKILL, so a crashed apply never leaves a stale lock behind. Applies on other machines
(CI runners) need the CI's own serialisation: the apply workflow sets a concurrency group.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from .environment import SANDBOX_DB
from .errors import LockedError
from .model import Config

POLL_SECONDS = 0.2


def lock_dir(env: Mapping[str, str]) -> Path:
    """$DOIAC_LOCK_DIR, else doiac's folder in the user's cache ($XDG_CACHE_HOME or ~/.cache)."""
    if env.get("DOIAC_LOCK_DIR"):
        return Path(env["DOIAC_LOCK_DIR"])
    cache = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "doiac" / "locks"


def lock_name(target: str, repositories: tuple[str, ...]) -> str:
    """A file name for what an apply writes to: the same target and accounts, the same name."""
    key = "\n".join([target, *sorted(r.upper() for r in repositories)])
    return f"apply-{hashlib.sha256(key.encode()).hexdigest()[:24]}.lock"


@contextmanager
def hold_lock(
    path: Path,
    what: str,
    *,
    timeout: float = 0.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[None]:
    """Hold the lock at `path`, waiting up to `timeout` seconds for another holder to finish."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise LockedError(
            f"cannot create the apply lock {path}: {exc.strerror}; set DOIAC_LOCK_DIR to a writable folder"
        ) from None
    try:
        deadline = clock() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if clock() >= deadline:
                    holder = os.pread(handle, 200, 0).decode("utf-8", "replace").strip() or "another process"
                    waited = f" (waited {timeout:g} s)" if timeout else ""
                    raise LockedError(
                        f"another doiac apply to {what} is running{waited}: {holder}; nothing was"
                        " changed. Wait for it and run again, or pass --lock-timeout SECONDS to wait"
                    ) from None
                sleep(POLL_SECONDS)
        os.ftruncate(handle, 0)
        os.pwrite(handle, f"pid {os.getpid()} since {time.strftime('%H:%M:%S')}".encode(), 0)
        yield
    finally:
        os.close(handle)  # closing releases the flock


@contextmanager
def apply_lock(config: Config, env: Mapping[str, str], *, timeout: float = 0.0) -> Iterator[None]:
    """The lock of `config`'s environment and repository accounts (see the module's docstring)."""
    if config.environment == "sandbox":
        target, what = str((Path(config.root) / SANDBOX_DB).resolve()), "the embedded sandbox"
    else:
        target = what = config.environment.rstrip("/").lower()
    accounts = tuple(r.id for r in config.repositories)
    with hold_lock(
        lock_dir(env) / lock_name(target, accounts), f"{what} ({', '.join(accounts)})", timeout=timeout
    ):
        yield
