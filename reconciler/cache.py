"""The check cache: what reading and checking a DOI file found, so that an unchanged file is not
parsed or checked again.

An entry is keyed by a digest of everything its answer depends on: the file's bytes and path, the
validation code and schemas (`code_version`), the versions of the installed libraries, and the
configuration that merges defaults under the file (the caller's `salt` and the key's `context`).
Nothing is trusted across versions, and deleting `.doiac/cache.sqlite` at any time only costs one
cold run.

The cache sits in the work tree, which a pull request controls. Each entry therefore carries an
HMAC under a secret kept outside the repository (`$XDG_CACHE_HOME/doiac/cache.key`, created on
first use, mode 0600): a committed or planted cache file cannot make doiac read a record other than
the one its file holds. The file is refused when it, or SQLite's journal beside it, is a link or
not a regular file, so a planted link cannot make doiac write outside the repository. Any failure
of the cache (locked, corrupt, read-only) makes a run uncached, never wrong.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
import secrets
import sqlite3
import stat
import sys
import time
from pathlib import Path
from typing import Any

from .model import Diagnostic, Position, Severity, SourceFile
from .schemas import schema_dir

FOLDER = ".doiac"
FILENAME = "cache.sqlite"
FORMAT = b"doiac-check-cache-1"
_SIDE_FILES = ("-journal", "-wal", "-shm")
KEEP_DAYS = 30
"""An entry no run has used for this many days is dropped (files renamed, edited or deleted)."""
_CHUNK = 500
"""Keys per query: below SQLite's oldest limit of 999 bound values."""


def digest(raw: bytes) -> bytes:
    """The digest of a file's bytes, as an entry's key needs it."""
    return hashlib.sha256(raw).digest()


@functools.cache
def code_version() -> bytes:
    """A digest of doiac's code and schemas and of the installed distributions' names and versions.

    Any change to a rule, a schema, the reader or a library (an upgrade, an editable checkout's
    edit) gives other keys, so no answer of another version is ever served.
    """
    here = Path(__file__).resolve().parent
    hasher = hashlib.sha256(FORMAT)
    sources = sorted(here.rglob("*.py")) + sorted(schema_dir().glob("*.json"))
    for path in sources:
        hasher.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for folder in sorted({p for p in sys.path if p and os.path.isdir(p)}):
        names = sorted(n for n in os.listdir(folder) if n.endswith((".dist-info", ".egg-info")))
        hasher.update("\0".join(names).encode())
    return hasher.digest()


def _secret() -> bytes | None:
    """The HMAC key, created on first use outside any repository; None when it cannot be had."""
    home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    path = Path(home) / "doiac" / "cache.key"
    try:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
            with open(fd, "wb") as file:
                file.write(secrets.token_bytes(32))
        key = path.read_bytes()
    except OSError:
        return None
    return key if len(key) == 32 else None


def _plain(path: Path) -> bool:
    """True when `path` does not exist or is a regular file that is not a link."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except FileNotFoundError:
        return True
    except OSError:
        return False


class CheckCache:
    """Entries of one run: looked up by key, written and pruned when the run closes it."""

    def __init__(self, db: sqlite3.Connection, secret: bytes, salt: bytes) -> None:
        self._db = db
        self._secret = secret
        self._salt = salt
        self._new: dict[bytes, bytes] = {}
        self._used: list[bytes] = []
        """Keys served whose mark is older than today: a second run the same day writes nothing."""
        self._today = int(time.time() // 86400)

    @classmethod
    def open(cls, root: Path, salt: bytes) -> CheckCache | None:
        """The cache of the repository at `root`, or None when it cannot be used safely."""
        folder = Path(root) / FOLDER
        secret = _secret()
        if secret is None:
            return None
        try:
            if not folder.exists():
                folder.mkdir()
                (folder / ".gitignore").write_text("# doiac's local state; never commit it\n*\n")
            if folder.is_symlink() or not folder.is_dir():
                return None
            path = folder / FILENAME
            if not all(_plain(Path(f"{path}{side}")) for side in ("", *_SIDE_FILES)):
                return None
            db = sqlite3.connect(path, timeout=2, isolation_level=None)
            db.execute("PRAGMA journal_mode=MEMORY")  # no journal file beside the cache
            db.execute(
                "CREATE TABLE IF NOT EXISTS entry (key BLOB PRIMARY KEY, value BLOB, mac BLOB, used INTEGER)"
            )
        except (OSError, sqlite3.Error):
            return None
        return cls(db, secret, hashlib.sha256(code_version() + salt).digest())

    def key(self, name: str, context: str, file_digest: bytes) -> bytes:
        """The key of the file shown as `name` whose bytes have `file_digest`, checked in `context`
        (what else its answer depends on, such as the repository that owns it)."""
        material = f"{name}\0{context}\0".encode("utf-8", "surrogateescape")
        return hashlib.sha256(self._salt + material + file_digest).digest()

    def _mac(self, key: bytes, value: bytes) -> bytes:
        return hmac.new(self._secret, key + value, hashlib.sha256).digest()

    def get_many(self, keys: list[bytes]) -> dict[bytes, bytes]:
        """The values stored under `keys` whose HMAC holds, by key (a few queries, not one per key)."""
        found: dict[bytes, bytes] = {}
        try:
            for start in range(0, len(keys), _CHUNK):
                chunk = keys[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                query = f"SELECT key, value, mac, used FROM entry WHERE key IN ({marks})"  # only "?" marks
                for key, value, mac, used in self._db.execute(query, chunk):
                    if hmac.compare_digest(mac, self._mac(key, value)):
                        found[bytes(key)] = bytes(value)
                        if used != self._today:
                            self._used.append(bytes(key))
        except sqlite3.Error:
            return {}
        return found

    def put(self, key: bytes, value: bytes) -> None:
        self._new[key] = value

    def close(self) -> None:
        """Write the new entries, mark the used ones, and drop those no run used for KEEP_DAYS.

        A run that adds nothing and uses only entries already marked today writes nothing: the
        run that marked them pruned with the same threshold (10,000 marks took a tenth of a second).
        """
        today = self._today
        if not self._new and not self._used:
            self._db.close()
            return
        try:
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                rows = [(k, v, self._mac(k, v), today) for k, v in self._new.items()]
                self._db.executemany("INSERT OR REPLACE INTO entry VALUES (?, ?, ?, ?)", rows)
                self._db.executemany(
                    "UPDATE entry SET used = ? WHERE key = ?", [(today, k) for k in self._used]
                )
                self._db.execute("DELETE FROM entry WHERE used < ?", (today - KEEP_DAYS,))
        except sqlite3.Error:
            pass  # the entries are lost, the run is not: the next run is cold for these files
        finally:
            self._db.close()


def encode_checked(source: SourceFile | None, diagnostics: list[Diagnostic]) -> bytes:
    """What checking a file found, as a cache value: its data, the positions kept, its diagnostics."""
    found = [
        [d.path, d.line, d.column, d.severity.value, d.pointer, d.message, d.rule, d.key] for d in diagnostics
    ]
    value: dict[str, Any] = {"diagnostics": found}
    if source is not None:
        value["data"] = source.data
        value["positions"] = {pointer: list(position) for pointer, position in source.positions.items()}
    return json.dumps(value, separators=(",", ":")).encode()


def decode_checked(value: bytes, name: str) -> tuple[SourceFile | None, list[Diagnostic]]:
    """The inverse of `encode_checked`."""
    # Plain: its data is merged and packed at once, so holding short strings once buys nothing.
    loaded = json.loads(value)
    diagnostics = [
        Diagnostic(path, line, column, Severity(severity), pointer, message, rule, key)
        for path, line, column, severity, pointer, message, rule, key in loaded["diagnostics"]
    ]
    if "data" not in loaded:
        return None, diagnostics
    positions = {pointer: Position(*position) for pointer, position in loaded["positions"].items()}
    return SourceFile(name, loaded["data"], positions), diagnostics
