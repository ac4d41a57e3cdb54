"""The sandbox's state in SQLite: repository accounts, DOIs, their audit trail, and a lagging index.

DataCite reads one DOI from its SQL database but lists DOIs from a search index that an
asynchronous queue updates after each commit (reference §11.1). The store keeps both: `dois` is
the database, `list_index` the index, fed through `pending` rows that become visible `index_lag`
seconds after the write. Deletes leave the index at once, as DataCite's do.

Every save that changes an audited column adds an `audits` row, as lupo's audited gem does
(reference §13): computed inside the write's transaction from the row it replaces, so concurrent
writers each record what they really changed. Deleting a DOI deletes its audits.

One sandbox at a time serves a file (see `lockfile`): the store holds it from opening to closing.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import string
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .audit import changes as audited_changes
from .lockfile import hold
from .row import Row

_SCHEMA = """
CREATE TABLE IF NOT EXISTS clients (
    id TEXT PRIMARY KEY, password TEXT NOT NULL, prefixes TEXT NOT NULL, domains TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS dois (
    doi TEXT PRIMARY KEY, client TEXT NOT NULL, state TEXT NOT NULL, url TEXT,
    attributes TEXT NOT NULL, created INTEGER NOT NULL, updated INTEGER NOT NULL, registered INTEGER,
    metadata_version INTEGER NOT NULL, schema_version TEXT, source TEXT, reason TEXT, xml TEXT
);
CREATE TABLE IF NOT EXISTS list_index (
    doi TEXT PRIMARY KEY, uid TEXT NOT NULL, client TEXT NOT NULL, state TEXT NOT NULL,
    created INTEGER NOT NULL, updated INTEGER NOT NULL, document TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS list_index_cursor ON list_index (created, uid);
CREATE INDEX IF NOT EXISTS list_index_updated ON list_index (updated);
CREATE TABLE IF NOT EXISTS pending (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, doi TEXT NOT NULL, visible_at REAL NOT NULL, document TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audits (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, request_uuid TEXT NOT NULL UNIQUE, doi TEXT NOT NULL,
    uid TEXT NOT NULL, version INTEGER NOT NULL, action TEXT NOT NULL, username TEXT,
    created_at INTEGER NOT NULL, changes TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audits_doi ON audits (doi, version);
CREATE INDEX IF NOT EXISTS audits_uid ON audits (uid, created_at, seq);
CREATE INDEX IF NOT EXISTS audits_created ON audits (created_at, seq);
CREATE INDEX IF NOT EXISTS audits_cursor ON audits (created_at, request_uuid);
"""


@dataclass(frozen=True)
class Client:
    """A repository account: its ID (upper case), password, prefixes and landing-page domains."""

    id: str
    password: str
    prefixes: tuple[str, ...]
    domains: tuple[str, ...] = ("*",)
    api_key: str | None = None
    """Also accepted in place of the password, or alone as `Authorization: Bearer <key>` (§4)."""

    def __repr__(self) -> str:  # the password and key stay out of logs and test reports
        return f"Client({self.id!r}, prefixes={self.prefixes!r}, domains={self.domains!r})"


API_KEY_PREFIX = "DC."
_KEY_ALPHABET = string.ascii_letters + string.digits


def new_api_key() -> str:
    """A repository API key as DataCite makes them (lupo's ApiKey): `DC.` and 32 random alphanumerics."""
    return API_KEY_PREFIX + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(32))


def now_ms() -> int:
    return int(time.time() * 1000)


class Store:
    """Thread-safe access to one SQLite file (or `:memory:`)."""

    def __init__(
        self, path: str | Path, *, index_lag: float = 0.0, clock: Callable[[], float] = time.time
    ) -> None:
        self.path = str(path)
        self.index_lag = index_lag
        self.clock = clock
        self._lock = threading.RLock()
        self._held = None if self.path == ":memory:" else hold(self.path)
        try:
            self._db = self._open()
        except BaseException:
            if self._held is not None:
                os.close(self._held)
            raise

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        db.row_factory = sqlite3.Row
        if self.path != ":memory:":
            db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(_SCHEMA)
        columns = {row["name"] for row in db.execute("PRAGMA table_info(clients)")}
        if "api_key" not in columns:  # a file written before accounts had API keys
            db.execute("ALTER TABLE clients ADD COLUMN api_key TEXT")
        # A file written before audits: its `activities` rows held no column values to show.
        db.execute("DROP TABLE IF EXISTS activities")
        return db

    def close(self) -> None:
        with self._lock:
            self._db.close()
            if self._held is not None:
                os.close(self._held)  # closing the descriptor releases the flock
                self._held = None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction at a time: nothing a concurrent writer does is lost."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # -- accounts -------------------------------------------------------------------------

    def put_client(self, client: Client) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO clients (id, password, prefixes, domains, api_key) VALUES (?, ?, ?, ?, ?)",
                (client.id.upper(), client.password, json.dumps(client.prefixes), json.dumps(client.domains),
                 client.api_key),
            )  # fmt: skip

    def client(self, client_id: str) -> Client | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM clients WHERE id = ?", (client_id.upper(),)).fetchone()
        return None if row is None else _client(row)

    def issue_api_key(self, client_id: str) -> str | None:
        """A new API key for the account, replacing its old one (which stops working); None if no such account."""
        key = new_api_key()
        with self.transaction() as db:
            cursor = db.execute("UPDATE clients SET api_key = ? WHERE id = ?", (key, client_id.upper()))
        return key if cursor.rowcount else None

    def client_for_key(self, api_key: str) -> Client | None:
        """The account an API key belongs to."""
        with self._lock:
            row = self._db.execute("SELECT * FROM clients WHERE api_key = ?", (api_key,)).fetchone()
        return None if row is None or not api_key else _client(row)

    def client_for_prefix(self, prefix: str) -> Client | None:
        with self._lock:
            rows = self._db.execute("SELECT id FROM clients").fetchall()
        for row in rows:
            client = self.client(row["id"])
            if client is not None and prefix.lower() in {p.lower() for p in client.prefixes}:
                return client
        return None

    # -- DOIs -----------------------------------------------------------------------------

    def get(self, doi: str) -> Row | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM dois WHERE doi = ?", (doi.upper(),)).fetchone()
        return _row(row) if row is not None else None

    def save(self, row: Row, *, who: str | None, index_document: dict[str, Any]) -> None:
        """Insert or replace a DOI, audit what it changed (as `who`), and queue its index update."""
        with self.transaction() as db:
            before = db.execute("SELECT * FROM dois WHERE doi = ?", (row.doi,)).fetchone()
            _insert_row(db, row)
            _audit(db, None if before is None else _row(before), row, who)
            db.execute(
                "INSERT INTO pending (doi, visible_at, document) VALUES (?, ?, ?)",
                (row.doi, self.clock() + self.index_lag, json.dumps(index_document)),
            )

    def save_many(self, rows: list[tuple[Row, dict[str, Any]]]) -> None:
        """Bulk insert (seeding): one transaction, straight into the index, no lag.

        Like DataCite's background jobs, a seeding write is attributed to no account
        (`prov:wasAttributedTo` null).
        """
        with self.transaction() as db:
            for row, document in rows:
                before = db.execute("SELECT * FROM dois WHERE doi = ?", (row.doi,)).fetchone()
                _insert_row(db, row)
                _audit(db, None if before is None else _row(before), row, None)
                db.execute(
                    "INSERT OR REPLACE INTO list_index VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        row.doi,
                        row.doi.lower(),
                        row.client,
                        row.state,
                        row.created,
                        row.updated,
                        json.dumps(document),
                    ),
                )

    def delete(self, doi: str) -> None:
        """Delete a DOI and its audits (`dependent: :destroy`); the index forgets it at once
        (DataCite deletes index documents synchronously)."""
        with self.transaction() as db:
            for table in ("dois", "list_index", "pending", "audits"):
                db.execute(f"DELETE FROM {table} WHERE doi = ?", (doi.upper(),))

    # -- the audit trail ------------------------------------------------------------------------

    def activities(self, doi: str) -> list[dict[str, Any]]:
        """A DOI's audits (any case of the DOI), oldest first: see `_audit_dict` for the keys."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM audits WHERE doi = ? ORDER BY version, seq", (doi.upper(),)
            ).fetchall()
        return [_audit_dict(r) for r in rows]

    def activity(self, request_uuid: str) -> dict[str, Any] | None:
        """One audit by its id (the request UUID), as lupo reads it from MySQL."""
        with self._lock:
            row = self._db.execute("SELECT * FROM audits WHERE request_uuid = ?", (request_uuid,)).fetchone()
        return None if row is None else _audit_dict(row)

    def activity_page(
        self, uids: list[str] | None, *, order: str, after: tuple[int, str] | None, offset: int, limit: int
    ) -> tuple[list[dict[str, Any]], int]:
        """Audits of the DOIs whose lower-case form is exactly one of `uids` (all if None), and the total.

        `order`: "newest" (created descending), "oldest", or "cursor" (created, id ascending,
        continuing after `after`). The match is case-sensitive, as lupo's index `terms` filter is.
        """
        clauses: list[str] = []
        params: list[Any] = []
        if uids is not None:
            clauses.append(f"uid IN ({','.join('?' * len(uids))})")
            params += uids
        where = " WHERE " + " AND ".join(clauses) if clauses else ""
        with self._lock:
            total = self._db.execute(f"SELECT COUNT(*) FROM audits{where}", params).fetchone()[0]
            if order == "cursor":
                if after is not None:
                    clauses.append("(created_at > ? OR (created_at = ? AND request_uuid > ?))")
                    params += [after[0], after[0], after[1]]
                    where = " WHERE " + " AND ".join(clauses)
                order_by = "created_at, request_uuid"
            else:
                order_by = "created_at DESC, seq DESC" if order == "newest" else "created_at, seq"
            rows = self._db.execute(
                f"SELECT * FROM audits{where} ORDER BY {order_by} LIMIT ? OFFSET ?", [*params, limit, offset]
            ).fetchall()
        return [_audit_dict(r) for r in rows], total

    # -- the lagging list index --------------------------------------------------------------

    def _refresh_index(self) -> None:
        """Move index updates whose time has come from `pending` into `list_index`."""
        with self.transaction() as db:
            due = db.execute(
                "SELECT seq, doi, document FROM pending WHERE visible_at <= ? ORDER BY seq", (self.clock(),)
            ).fetchall()
            for item in due:
                document = json.loads(item["document"])
                db.execute(
                    "INSERT OR REPLACE INTO list_index VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (item["doi"], item["doi"].lower(), document["client"], document["state"], document["created"],
                     document["updated"], item["document"]),
                )  # fmt: skip
                db.execute("DELETE FROM pending WHERE seq = ?", (item["seq"],))

    def search(
        self,
        *,
        clients: list[str] | None,
        prefixes: list[str] | None,
        states: list[str] | None,
        after: tuple[int, str] | None,
        offset: int,
        limit: int,
        order: str,
        where: Callable[[dict[str, Any]], bool] | None = None,
        view: str | None = None,
    ) -> tuple[list[dict[str, Any]], int]:
        """Index documents matching the filters, in `order` ("cursor" = created, doi), and the total.

        With `view` (and no `where`), each document holds only its doi, client, created and that
        pre-rendered view: SQLite picks them out of the stored text, and a page of 1,000 is not
        decoded whole in Python (25 MB: 60 ms). A store written before the view existed gets whole
        documents."""
        self._refresh_index()
        clauses: list[str] = []
        params: list[Any] = []
        if clients:
            clauses.append(f"client IN ({','.join('?' * len(clients))})")
            params += [c.upper() for c in clients]
        if states:
            clauses.append(f"state IN ({','.join('?' * len(states))})")
            params += states
        if prefixes:
            clauses.append("(" + " OR ".join("doi LIKE ?" for _ in prefixes) + ")")
            params += [f"{p.upper()}/%" for p in prefixes]
        sql_where = " WHERE " + " AND ".join(clauses) if clauses else ""
        # The index sorts by DataCite's uid, the lower-case DOI; the cursor order is created, uid.
        order_by = "created, uid" if order == "cursor" else "updated DESC, uid"
        with self._lock:
            if where is None:
                total = self._db.execute(f"SELECT COUNT(*) FROM list_index{sql_where}", params).fetchone()[0]
                if after is not None:
                    clauses.append("(created > ? OR (created = ? AND uid > ?))")
                    params += [after[0], after[0], after[1]]
                    sql_where = " WHERE " + " AND ".join(clauses)
                if view is not None:
                    picked = self._db.execute(
                        "SELECT json_extract(document, '$.doi'), json_extract(document, '$.client'),"
                        " json_extract(document, '$.created'), json_extract(document, ?)"
                        f" FROM list_index{sql_where} ORDER BY {order_by} LIMIT ? OFFSET ?",
                        [f"$.views.{view}", *params, limit, offset],
                    ).fetchall()
                    if all(text is not None for *_, text in picked):
                        return [
                            {"doi": doi, "client": owner, "created": created, "views": {view: text}}
                            for doi, owner, created, text in picked
                        ], total
                rows = self._db.execute(
                    f"SELECT document FROM list_index{sql_where} ORDER BY {order_by} LIMIT ? OFFSET ?",
                    [*params, limit, offset],
                ).fetchall()
                return [json.loads(r["document"]) for r in rows], total
            rows = self._db.execute(
                f"SELECT document FROM list_index{sql_where} ORDER BY {order_by}", params
            ).fetchall()
        documents = [d for d in (json.loads(r["document"]) for r in rows) if where(d)]
        total = len(documents)
        if after is not None:
            documents = [d for d in documents if (d["created"], d["doi"].lower()) > after]
        return documents[offset : offset + limit], total

    def reset(self) -> None:
        with self.transaction() as db:
            for table in ("dois", "list_index", "pending", "audits"):
                db.execute(f"DELETE FROM {table}")


def _client(row: sqlite3.Row) -> Client:
    return Client(row["id"], row["password"], tuple(json.loads(row["prefixes"])),
                  tuple(json.loads(row["domains"])), row["api_key"])  # fmt: skip


def _insert_row(db: sqlite3.Connection, row: Row) -> None:
    db.execute(
        "INSERT OR REPLACE INTO dois VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            row.doi, row.client, row.state, row.url, json.dumps(row.attributes), row.created, row.updated,
            row.registered, row.metadata_version, row.schema_version, row.source, row.reason, row.xml,
        ),
    )  # fmt: skip


def _audit(db: sqlite3.Connection, before: Row | None, row: Row, who: str | None) -> None:
    """Record an audit of `before` becoming `row`, unless no audited column changed (audited's
    audit_update). A create is version 1, anything else the DOI's highest version + 1."""
    changes = audited_changes(before, row)
    if before is not None and not changes:
        return
    if before is None:
        version, at = 1, row.created
    else:
        last = db.execute("SELECT MAX(version) FROM audits WHERE doi = ?", (row.doi,)).fetchone()[0]
        version, at = (last or 0) + 1, row.updated
    db.execute(
        "INSERT INTO audits (request_uuid, doi, uid, version, action, username, created_at, changes)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (str(uuid.uuid4()), row.doi, row.doi.lower(), version, "create" if before is None else "update", who, at,
         json.dumps(changes)),
    )  # fmt: skip


def _audit_dict(row: sqlite3.Row) -> dict[str, Any]:
    """An audit: id (request UUID), doi (upper case), version, action, who (account uid or None),
    at (epoch milliseconds) and changes (column → value on create, column → [old, new] after)."""
    return {"id": row["request_uuid"], "doi": row["doi"], "version": row["version"], "action": row["action"],
            "who": row["username"], "at": row["created_at"], "changes": json.loads(row["changes"])}  # fmt: skip


def _row(row: sqlite3.Row) -> Row:
    return Row(
        doi=row["doi"],
        client=row["client"],
        state=row["state"],
        url=row["url"],
        attributes=json.loads(row["attributes"]),
        created=row["created"],
        updated=row["updated"],
        registered=row["registered"],
        metadata_version=row["metadata_version"],
        schema_version=row["schema_version"],
        source=row["source"],
        reason=row["reason"],
        xml=row["xml"],
    )
