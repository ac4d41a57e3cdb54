"""One apply at a time per environment and repository accounts (security issue, 7).

Before the fix, two applies from different versions of the files ran at once against one
sandbox, finished in a mix of both and both reported success.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from reconciler.cli import main
from reconciler.config import load_config
from reconciler.datacite import DataCiteClient
from reconciler.errors import LockedError
from reconciler.lock import apply_lock, hold_lock, lock_dir
from reconciler.sandbox import Client, SandboxOptions, SandboxServer

from ..conftest import FINDABLE, Repo

DOI = "10.80000/3mfp-6m52"
PASSWORD = "checkout-password"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[SandboxServer]:
    account = Client("EXAMPLE.REPO", PASSWORD, ("10.80000",), ("*",))
    with SandboxServer(tmp_path / "shared.sqlite", SandboxOptions(repositories=[account])) as running:
        yield running


def _checkout(root: Path, url: str, title: str) -> Repo:
    """One clone of the DOI repository, at a version whose title is `title`."""
    root.mkdir()
    repo = Repo(root)
    repo.write(
        "doiac.yaml", repo.config.read_text("utf-8").replace("environment: sandbox", f"environment: {url}")
    )
    repo.write(f"dois/{DOI}.yaml", FINDABLE.replace("Sensor readings 2024", title))
    return repo


def _title(server: SandboxServer) -> str | None:
    with DataCiteClient(server.url, "EXAMPLE.REPO", PASSWORD) as client:
        record = client.get(DOI)
    return None if record is None else str(record["attributes"]["titles"][0]["title"])


def test_a_second_apply_is_refused_while_one_runs(
    tmp_path: Path,
    server: SandboxServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATACITE_PASSWORD", PASSWORD)
    first = _checkout(tmp_path / "first", server.url, "Version one")
    second = _checkout(tmp_path / "second", server.url, "Version two")
    monkeypatch.chdir(second.root)
    with apply_lock(load_config(first.config), os.environ):  # the first checkout's apply is running
        code = main(["apply", "--auto-approve"])
    out, err = capsys.readouterr()
    assert code == 1
    assert err.splitlines() == [
        f"doiac: error: another doiac apply to {server.url} (EXAMPLE.REPO) is running: pid {os.getpid()}"
        f" since {err.split(' since ')[1][:8]}; nothing was changed. Wait for it and run again, or pass"
        " --lock-timeout SECONDS to wait"
    ]
    assert "Traceback" not in out + err
    assert _title(server) is None  # nothing reached the sandbox
    assert main(["apply", "--auto-approve"]) == 0  # once the first is done, the second goes
    assert _title(server) == "Version two"


def test_lock_timeout_waits_for_the_other_apply(
    tmp_path: Path, server: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATACITE_PASSWORD", PASSWORD)
    first = _checkout(tmp_path / "first", server.url, "Version one")
    second = _checkout(tmp_path / "second", server.url, "Version two")
    monkeypatch.chdir(second.root)
    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        with apply_lock(load_config(first.config), os.environ):
            taken.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    taken.wait(10)
    threading.Timer(0.5, release.set).start()
    assert main(["apply", "--auto-approve", "--lock-timeout", "30"]) == 0
    holder.join()
    assert _title(server) == "Version two"


def test_other_environments_do_not_share_the_lock(tmp_path: Path) -> None:
    a, b = (
        _checkout(tmp_path / "a", "http://127.0.0.1:1", "A"),
        _checkout(tmp_path / "b", "http://127.0.0.1:2", "B"),
    )
    with apply_lock(load_config(a.config), os.environ), apply_lock(load_config(b.config), os.environ):
        pass


def test_the_lock_waits_then_names_the_holder(tmp_path: Path) -> None:
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    path = tmp_path / "x.lock"
    with (
        hold_lock(path, "somewhere"),
        pytest.raises(LockedError) as caught,
        hold_lock(path, "somewhere", timeout=3, clock=lambda: now[0], sleep=sleep),
    ):
        pass
    assert "another doiac apply to somewhere is running (waited 3 s): pid" in str(caught.value)
    assert now[0] == pytest.approx(3.0, abs=0.21)
    with hold_lock(path, "somewhere"):  # released: taken again at once
        pass


def test_an_unwritable_lock_folder_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with (
        pytest.raises(LockedError, match=r"cannot create the apply lock .*set DOIAC_LOCK_DIR"),
        hold_lock(blocker / "locks" / "x.lock", "somewhere"),
    ):
        pass


def test_lock_dir_defaults_to_the_user_cache() -> None:
    assert lock_dir({"DOIAC_LOCK_DIR": "/x"}) == Path("/x")
    assert lock_dir({"XDG_CACHE_HOME": "/c"}) == Path("/c/doiac/locks")
    assert lock_dir({}) == Path.home() / ".cache" / "doiac" / "locks"


def test_a_killed_apply_leaves_no_stale_lock(tmp_path: Path) -> None:
    """kill -9 mid-apply: the kernel releases the lock with the process."""
    path = tmp_path / "x.lock"
    code = (
        "import sys, time\nfrom pathlib import Path\nfrom reconciler.lock import hold_lock\n"
        "with hold_lock(Path(sys.argv[1]), 'x'):\n    print('held', flush=True)\n    time.sleep(60)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "held"
        with pytest.raises(LockedError), hold_lock(path, "x"):
            pass
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    finally:
        child.kill()
        child.wait(10)
        if child.stdout is not None:
            child.stdout.close()
    started = time.monotonic()
    with hold_lock(path, "x", timeout=5):
        assert time.monotonic() - started < 5
