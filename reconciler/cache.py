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
import marshal
import os
import secrets
import sqlite3
import stat
import sys
import time
from pathlib import Path
from typing import Any, NamedTuple

from .model import DesiredRecord, Diagnostic, LiveRecord, Position, Severity
from .schemas import schema_dir

FOLDER = ".doiac"
FILENAME = "cache.sqlite"
FORMAT = b"doiac-check-cache-3"
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
        opened = _connect(root)
        if opened is None:
            return None
        db, secret = opened
        python = f"{sys.version}\0{marshal.version}".encode()
        return cls(db, secret, hashlib.sha256(code_version() + python + salt).digest())

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
        rows = [(k, v, self._mac(k, v), self._today) for k, v in self._new.items()]
        _close(self._db, "entry", rows, self._used, self._today)


def _connect(root: Path) -> tuple[sqlite3.Connection, bytes] | None:
    """The cache file of the repository at `root` and the HMAC secret, or None when either cannot
    be used safely."""
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
        db.execute("CREATE TABLE IF NOT EXISTS in_sync (key BLOB PRIMARY KEY, used INTEGER)")
    except (OSError, sqlite3.Error):
        return None
    return db, secret


def _close(
    db: sqlite3.Connection, table: str, rows: list[tuple[Any, ...]], used: list[bytes], today: int
) -> None:
    """Write `rows` to `table`, mark the `used` keys as used today, drop rows unused for KEEP_DAYS."""
    if not rows and not used:
        db.close()
        return
    try:
        with db:
            db.execute("BEGIN IMMEDIATE")
            if rows:
                marks = ",".join("?" * len(rows[0]))
                db.executemany(f"INSERT OR REPLACE INTO {table} VALUES ({marks})", rows)  # only "?" marks
            db.executemany(f"UPDATE {table} SET used = ? WHERE key = ?", [(today, k) for k in used])
            db.execute(f"DELETE FROM {table} WHERE used < ?", (today - KEEP_DAYS,))
    except sqlite3.Error:
        pass  # the rows are lost, the run is not: the next run does this work again
    finally:
        db.close()


class SyncMemo:
    """The (desired record, live record) pairs a plan found in sync, so that a pair met again is
    not compared again: a warm plan of 10,000 unchanged DOIs hashes each pair instead of building
    and comparing two canonical forms.

    Whether two records are in sync is a function of the two records and of doiac's code alone
    (`core.compare.is_in_sync`: state, url and metadata of both; no config, no clock). A pair is
    stored as an HMAC, under the cache's secret, of doiac's `code_version`, the Python and marshal
    versions, and every field of both records (the desired metadata packed, the live attributes
    marshalled): the same key means the same two records compared by the same code. Any change on
    either side, in DataCite or in the file, is another key, and a planted row names no pair
    without the secret. Pairs no plan met for KEEP_DAYS are dropped.
    """

    def __init__(self, db: sqlite3.Connection, secret: bytes) -> None:
        self._db = db
        self._secret = hashlib.sha256(secret + b"\0in-sync\0" + code_version()).digest()
        self._today = int(time.time() // 86400)
        self._version = f"{sys.version}\0{marshal.version}".encode()
        self._marked: dict[bytes, bool] = {}
        """Every stored pair's key: True when a run has marked it used today."""
        self._new: list[bytes] = []
        self._used: list[bytes] = []
        try:
            rows = db.execute("SELECT key, used FROM in_sync")
            self._marked = {bytes(key): used == self._today for key, used in rows}
        except sqlite3.Error:
            pass  # an unreadable table: every pair is compared, as without a memo

    @classmethod
    def open(cls, root: Path) -> SyncMemo | None:
        """The memo of the repository at `root`, or None when the cache cannot be used safely."""
        opened = _connect(root)
        return cls(*opened) if opened is not None else None

    def _key(self, desired: DesiredRecord, live: LiveRecord) -> bytes | None:
        try:
            # Format 2 writes no back-references, whose use depends on how many references each
            # object has (json.loads shares the keys of one page): the same record, the same bytes.
            material = marshal.dumps((
                self._version, desired.doi, desired.state, desired.url, desired.repository, desired.packed(),
                live.doi, live.state, live.url, live.repository, live.updated, live.attributes,
            ), 2)  # fmt: skip
        except ValueError:  # a value marshal cannot hold: compared every time
            return None
        return hmac.digest(self._secret, material, "sha256")

    def known(self, desired: DesiredRecord, live: LiveRecord) -> bool:
        """True when this very pair was found in sync before, by this version of doiac."""
        key = self._key(desired, live)
        marked = self._marked.get(key) if key is not None else None
        if marked is None or key is None:
            return False
        if not marked:
            self._marked[key] = True
            self._used.append(key)
        return True

    def add(self, desired: DesiredRecord, live: LiveRecord) -> None:
        """Record that this pair was compared and found in sync."""
        key = self._key(desired, live)
        if key is not None and key not in self._marked:
            self._marked[key] = True
            self._new.append(key)

    def close(self) -> None:
        """Write the new pairs and the marks; nothing when the run added or marked nothing."""
        _close(self._db, "in_sync", [(k, self._today) for k in self._new], self._used, self._today)


class CheckedFile(NamedTuple):
    """What the check cache keeps of a file that parsed: what the cross-file checks read of it, and
    its desired record, so that a warm run rebuilds neither from the file's data."""

    view: dict[str, Any]
    """The record cut to what the cross-file checks read (`core.crossfile.cross_file_view`)."""
    positions: dict[str, Position]
    """The positions of the file those checks point at."""
    origins: dict[str, str]
    """Where in doiac.yaml the view's keys came from, for keys the defaults gave."""
    desired: DesiredRecord | None
    """None when the file has an error."""


def encode_checked(diagnostics: list[Diagnostic], checked: CheckedFile | None) -> bytes:
    """What checking a file found, as a cache value: its diagnostics and, when it parsed, what is
    held of it (None: it did not parse).

    marshal, not JSON: a warm run decodes 10,000 of these, and marshal reads them about four times
    as fast and keeps every value as the reader made it. Only values whose HMAC holds are ever
    decoded (`get_many`), and the Python version is part of every key (`CheckCache.open`).
    """
    found = [
        (d.path, d.line, d.column, d.severity.value, d.pointer, d.message, d.rule, d.key) for d in diagnostics
    ]
    if checked is None:
        return marshal.dumps((found, None))
    record = checked.desired
    desired = None if record is None else (record.doi, record.state, record.url, record.packed())
    positions = [(pointer, *where) for pointer, where in checked.positions.items()]
    return marshal.dumps((found, (checked.view, positions, checked.origins, desired)))


def decode_checked(value: bytes, name: str, repository: str) -> tuple[CheckedFile | None, list[Diagnostic]]:
    """The inverse of `encode_checked`, for the file `name` of the repository account `repository`."""
    found, checked = marshal.loads(value)
    diagnostics = [
        Diagnostic(path, line, column, Severity(severity), pointer, message, rule, key)
        for path, line, column, severity, pointer, message, rule, key in found
    ]
    if checked is None:
        return None, diagnostics
    view, positions, origins, desired = checked
    record = None
    if desired is not None:
        doi, state, url, packed = desired
        record = DesiredRecord.from_packed(doi, state, url, packed, name, repository)
    held = CheckedFile(view, {pointer: Position(*where) for pointer, *where in positions}, origins, record)
    return held, diagnostics
