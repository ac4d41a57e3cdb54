"""Filesystem oddities under dois/: each is one located line, never a traceback, a hang or a leak.

A pull request controls what sits under the DOI folders: symbolic links (looping, dangling or
leading out of the repository), FIFOs, directories named like files, names that are not UTF-8.
`doiac validate` must report each where it is and still check every other file.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reconciler.cli import main

from ..conftest import FINDABLE, Repo

GOOD = "dois/10.80000/3mfp-6m52.yaml"
FOLDER = "dois/10.80000"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _loop(repo: Repo) -> None:
    os.symlink("b.yaml", repo.root / FOLDER / "a.yaml")
    os.symlink("a.yaml", repo.root / FOLDER / "b.yaml")


def _folder_loop(repo: Repo) -> None:
    """The repository's folder itself is one end of a loop."""
    repo.write("doiac.yaml", repo.config.read_text().replace("path: dois/", "path: looped/"))
    os.symlink("looped2", repo.root / "looped")
    os.symlink("looped", repo.root / "looped2")


def _parent(repo: Repo) -> None:
    os.symlink("..", repo.root / FOLDER / "up")


def _parent_named_yaml(repo: Repo) -> None:
    os.symlink(".", repo.root / FOLDER / "self.yaml")


def _dangling(repo: Repo) -> None:
    os.symlink("nowhere.yaml", repo.root / FOLDER / "gone.yaml")


def _unreadable(repo: Repo) -> None:
    repo.write(f"{FOLDER}/locked.yaml", FINDABLE.replace("3mfp-6m52", "2bfx-7k41")).chmod(0)


def _fifo(repo: Repo) -> None:
    os.mkfifo(repo.root / FOLDER / "pipe.yaml")


def _directory(repo: Repo) -> None:
    repo.write(f"{FOLDER}/x.yaml/inner.yaml", FINDABLE.replace("3mfp-6m52", "2bfx-7k41"))


def _not_utf8(repo: Repo) -> None:
    with open(os.fsencode(repo.root / FOLDER) + b"/caf\xe9.yaml", "wb") as fh:
        fh.write(FINDABLE.replace("3mfp-6m52", "2bfx-7k41").encode())


def _outside_file(repo: Repo) -> None:
    os.symlink("/etc/passwd", repo.root / FOLDER / "passwd.yaml")


def _outside_relative(repo: Repo) -> None:
    (repo.root.parent / "secrets.yaml").write_text("doi: 10.80000/leak\n")
    os.symlink("../../../secrets.yaml", repo.root / FOLDER / "leak.yaml")


def _outside_directory(repo: Repo) -> None:
    os.symlink("/etc", repo.root / FOLDER / "etc")


def _outside_through_inside(repo: Repo) -> None:
    """An in-repository link to a link that leaves: the whole chain decides."""
    os.symlink("/etc/hostname", repo.root / "hop")
    os.symlink("../../hop", repo.root / FOLDER / "hop.yaml")


ERROR, WARNING = "error", "warning"
LOOP = "symbolic link loop; not read"
OUTSIDE = "symbolic link leads outside the repository; not read"
CASES: dict[str, tuple[Callable[[Repo], None], list[tuple[str, str, str]]]] = {
    "symlink-loop": (_loop, [(f"{FOLDER}/a.yaml", ERROR, LOOP), (f"{FOLDER}/b.yaml", ERROR, LOOP)]),
    "folder-is-a-symlink-loop": (_folder_loop, [("looped", ERROR, LOOP)]),
    "dir-symlink-to-parent": (
        _parent, [(f"{FOLDER}/up", WARNING, "symbolic link to a directory; not followed")]
    ),
    "dir-symlink-to-itself-named-yaml": (
        _parent_named_yaml, [(f"{FOLDER}/self.yaml", WARNING, "symbolic link to a directory; not followed")]
    ),
    "dangling-symlink": (
        _dangling, [(f"{FOLDER}/gone.yaml", ERROR, "broken symbolic link (its target does not exist); not read")]
    ),
    "fifo": (_fifo, [(f"{FOLDER}/pipe.yaml", ERROR, "not a regular file; not read")]),
    "directory-named-yaml": (
        _directory, [(f"{FOLDER}/x.yaml", ERROR, "a directory named like a DOI file; not read")]
    ),
    "name-not-utf8": (
        _not_utf8, [(f"{FOLDER}/caf\\xe9.yaml", ERROR, "the file name is not UTF-8; rename the file")]
    ),
    "symlink-to-etc-passwd": (_outside_file, [(f"{FOLDER}/passwd.yaml", ERROR, OUTSIDE)]),
    "relative-symlink-out-of-repo": (_outside_relative, [(f"{FOLDER}/leak.yaml", ERROR, OUTSIDE)]),
    "dir-symlink-out-of-repo": (_outside_directory, [(f"{FOLDER}/etc", ERROR, OUTSIDE)]),
    "symlink-chain-out-of-repo": (_outside_through_inside, [(f"{FOLDER}/hop.yaml", ERROR, OUTSIDE)]),
}  # fmt: skip


def _validate(repo: Repo, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """`doiac validate` in a thread: a FIFO opened for reading would block it for ever."""
    result: list[Any] = []

    def run() -> None:
        try:
            result.append(main(["validate", *args]))
        except BaseException as exc:
            result.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive(), "doiac validate hangs"
    out, err = capsys.readouterr()
    assert isinstance(result[0], int), f"traceback: {result[0]!r}"
    assert "Traceback" not in out + err
    assert not err, err
    out.encode("utf-8")  # no lone surrogates: printing to a real terminal would fail
    return result[0], out


def _located(out: str) -> list[tuple[str, str, str]]:
    """(path, severity, message) of every located line but the good file's."""
    lines = [line for line in out.splitlines() if ": " in line and not line.startswith(GOOD)]
    found = []
    for line in lines[:-1]:  # the last line is the summary
        path, _, rest = line.partition(":1:1: ")
        severity, _, message = rest.partition(": /: ")
        found.append((path, severity, message))
    return found


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_oddity_is_one_located_line(repo: Repo, capsys: pytest.CaptureFixture[str], case: str) -> None:
    make, expected = CASES[case]
    repo.write(GOOD, FINDABLE)
    make(repo)
    code, out = _validate(repo, capsys)
    assert _located(out) == expected, out
    assert code == (1 if any(severity == ERROR for _, severity, _ in expected) else 0), out
    if case != "folder-is-a-symlink-loop":
        assert out.splitlines()[-1].startswith("1 file checked"), out  # the good file was still read


@pytest.mark.parametrize("case", ["fifo", "symlink-loop", "dangling-symlink", "name-not-utf8"])
def test_oddity_named_on_the_command_line(repo: Repo, capsys: pytest.CaptureFixture[str], case: str) -> None:
    make, expected = CASES[case]
    repo.write(GOOD, FINDABLE)
    make(repo)
    name = expected[0][0]
    arg = os.fsdecode(os.fsencode(FOLDER) + b"/caf\xe9.yaml") if case == "name-not-utf8" else name
    code, out = _validate(repo, capsys, GOOD, arg)
    assert code == 1
    assert _located(out)[0] == expected[0], out


@pytest.mark.skipif(IS_ROOT, reason="root reads a file whatever its mode")
def test_unreadable_file(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write(GOOD, FINDABLE)
    _unreadable(repo)
    code, out = _validate(repo, capsys)
    assert code == 1
    assert _located(out) == [(f"{FOLDER}/locked.yaml", ERROR, "cannot read: Permission denied")], out


@pytest.mark.skipif(IS_ROOT, reason="root lists a folder whatever its mode")
def test_unreadable_folder(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write(GOOD, FINDABLE)
    _directory(repo)
    locked = repo.root / FOLDER / "locked"
    repo.write(f"{FOLDER}/locked/a.yaml", FINDABLE)
    locked.chmod(0)
    try:
        code, out = _validate(repo, capsys)
    finally:
        locked.chmod(0o755)
    assert code == 1
    assert (f"{FOLDER}/locked", ERROR, "cannot list the folder: Permission denied") in _located(out), out


def _refuse(monkeypatch: pytest.MonkeyPatch, name: str, target: str) -> None:
    """Make the OS refuse `target` as it refuses an unreadable path (for tests run as root)."""
    real = getattr(os, name)

    def refused(path: Any, *args: Any, **kwargs: Any) -> Any:
        if os.fsdecode(path).endswith(target):
            raise PermissionError(13, "Permission denied", os.fsdecode(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, name, refused)


# Refused while the files are found (lstat: passed over), or once found (open: checked, failing).
@pytest.mark.parametrize(("call", "checked"), [("lstat", "1 file checked"), ("open", "2 files checked")])
def test_file_the_os_refuses_to_describe_or_open(
    call: str, checked: str, repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.write(GOOD, FINDABLE)
    repo.write(f"{FOLDER}/locked.yaml", FINDABLE.replace("3mfp-6m52", "2bfx-7k41"))
    _refuse(monkeypatch, call, "locked.yaml")
    code, out = _validate(repo, capsys)
    assert code == 1
    assert _located(out) == [(f"{FOLDER}/locked.yaml", ERROR, "cannot read: Permission denied")], out
    assert out.splitlines()[-1].startswith(checked), out


def test_folder_the_os_refuses_to_list(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.write(GOOD, FINDABLE)
    repo.write(f"{FOLDER}/locked/a.yaml", FINDABLE.replace("3mfp-6m52", "2bfx-7k41"))
    _refuse(monkeypatch, "scandir", "locked")
    code, out = _validate(repo, capsys)
    assert code == 1
    assert _located(out) == [(f"{FOLDER}/locked", ERROR, "cannot list the folder: Permission denied")], out
    assert out.splitlines()[-1].startswith("1 file checked"), out


def test_a_file_swapped_for_a_fifo_after_the_walk_is_not_opened(tmp_path: Path) -> None:
    """The walk saw a file; by the time it is read it is a FIFO. Reading it must not block."""
    from reconciler.errors import SourceError
    from reconciler.files import read_source

    os.mkfifo(tmp_path / "x.yaml")
    raised: list[BaseException] = []

    def read() -> None:
        try:
            read_source(tmp_path / "x.yaml", "x.yaml")
        except BaseException as exc:
            raised.append(exc)

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    thread.join(timeout=10)
    if thread.is_alive():  # unblock the reader, so the daemon thread ends with the test
        os.close(os.open(tmp_path / "x.yaml", os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("read_source blocks on a FIFO")
    assert isinstance(raised[0], SourceError)
    assert raised[0].message == "not a regular file; not read"
