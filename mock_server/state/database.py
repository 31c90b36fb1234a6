"""The state file: an SQLite database in WAL mode, written one small transaction per change.

Each record table is a log: a change appends the record's new version as a row, and reading keeps
the last version of each id, in the order ids first appeared. Appending touches the table's last
page only, so a write costs the same at 100 or 100,000 stored records (an update in place would
touch a random page of an id index, and more of them as the file grows).

SQLite appends each committed transaction to the write-ahead log before ``COMMIT`` returns, so a
process that is killed at any point leaves every committed change readable and the file intact;
``synchronous=NORMAL`` skips the fsync per commit, so only a power loss could drop the last
commits (never corrupt the file).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import ServiceUnavailable
from .changes import Row, Table
from .owner_lock import OwnerLock

META = Table("meta", ("name", "value"))
log = logging.getLogger("eulabel_mock")
# What an SQLite error says about the file, for the client (by the error's name, SQLITE_FULL...).
_CAUSES = (("FULL", "the disk is full"), ("READONLY", "the file is read-only"), ("IOERR", "of an I/O error"))


class StorageFailed(ServiceUnavailable):
    """The state file could not take a change: nothing changed, in the file or in memory (a 503)."""

    @classmethod
    def of(cls, exc: sqlite3.Error, path: Path) -> StorageFailed:
        name = getattr(exc, "sqlite_errorname", "") or type(exc).__name__
        cause = next((why for part, why in _CAUSES if part in name), "of a database error")
        log.error("state file %s: a write failed and was rolled back, nothing changed: %s (%s)", path, exc, name)
        return cls(
            f"The state file cannot be written because {cause}: nothing was changed.",
            suggestion="Reads still work. Free space or fix the file, then send the request again.",
            reason={"code": "state_file_unwritable", "sqlite": name},
        )


SQLITE_MAGIC = b"SQLite format 3\x00"
FILE_MODE = 0o600


def create_private_file(path: Path) -> None:
    """Create an empty file only its owner can read; SQLite gives its -wal and -shm files the same mode."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)  # the umask may have taken bits away, never added: set it exactly
    finally:
        os.close(fd)


class Database:
    """One connection, used under the state's lock; reads come from memory, so it is written, not queried."""

    def __init__(self, path: str | os.PathLike[str], lock: threading.RLock) -> None:
        self.path = Path(path)
        self._lock = lock
        self._depth = 0
        self._inserts: dict[Table, str] = {}
        self._tables: list[Table] = []
        self.owner: OwnerLock | None = None  # released on close: another mock may then open the file
        self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        opened = os.stat(self.path)
        self._identity = (opened.st_dev, opened.st_ino)  # the file a commit must still be in

    def use_wal(self) -> None:
        """Switch to the write-ahead log (kept in the file). Separate from opening: a file that turns
        out not to be a state file must be left exactly as it was."""
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            # Deleted content is overwritten, not left in free pages: a reset or a rewrite leaves
            # nothing of what it removed for a reader of the file to find.
            self._conn.execute("PRAGMA secure_delete=ON")

    def create(self, tables: Iterable[Table]) -> None:
        """Create the tables that do not exist yet; a table's ``rowid`` is the order of its changes."""
        self._tables = [META, *tables]
        with self.transaction():
            self._conn.execute("CREATE TABLE IF NOT EXISTS meta (name PRIMARY KEY, value)")
            for table in self._tables[1:]:
                self._conn.execute(f"CREATE TABLE IF NOT EXISTS {table.name} ({', '.join(table.columns)})")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything inside commits together; a nested transaction joins the outermost one.

        :raise StorageFailed: the file could not take the transaction (a full disk, a read-only
            file, an I/O error); it is rolled back, and the file is as it was before.
        """
        with self._lock:
            outermost = self._depth == 0
            self._depth += 1
            try:
                if outermost:
                    self._conn.execute("BEGIN IMMEDIATE")
                yield
                if outermost:
                    self._still_there()
                    self._conn.execute("COMMIT")
            except BaseException as exc:
                if outermost:
                    self._roll_back()
                if isinstance(exc, sqlite3.Error):
                    raise StorageFailed.of(exc, self.path) from exc
                raise
            finally:
                self._depth -= 1

    def _still_there(self) -> None:
        """:raise StorageFailed: the file at ``path`` is no longer the one open here (deleted or
        replaced): a commit would go to a file no restart reads, and be lost without a word."""
        try:
            now = os.stat(self.path)
            same = (now.st_dev, now.st_ino) == self._identity
        except OSError:
            same = False
        if not same:
            log.error("state file %s: deleted or replaced while the mock runs; nothing changed", self.path)
            raise StorageFailed(
                "The state file cannot be written because it was deleted or replaced: nothing was changed.",
                suggestion="Restart the mock: it starts from the file now at its path (a new one if there is none).",
                reason={"code": "state_file_unwritable", "sqlite": None},
            )

    def _roll_back(self) -> None:
        # SQLite may have rolled back already (it does on a full disk): a ROLLBACK then fails with
        # "no transaction is active", which would hide the error that matters.
        if self._conn.in_transaction:
            try:
                self._conn.execute("ROLLBACK")
            except sqlite3.Error as exc:
                log.error("state file %s: rollback failed: %s", self.path, exc)

    def put(self, table: Table, rows: Iterable[Row]) -> None:
        """Append new versions of records (metadata is replaced by name instead)."""
        sql = self._inserts.get(table)
        if sql is None:
            verb = "INSERT OR REPLACE" if table is META else "INSERT"
            marks = ", ".join("?" * len(table.columns))
            sql = self._inserts[table] = f"{verb} INTO {table.name} ({', '.join(table.columns)}) VALUES ({marks})"
        with self.transaction():
            self._conn.executemany(sql, rows)

    def forget_meta(self, name: str) -> None:
        with self.transaction():
            self._conn.execute("DELETE FROM meta WHERE name = ?", (name,))

    def clear(self) -> None:
        """Delete every record (the metadata stays)."""
        with self.transaction():
            for table in self._tables:
                if table is not META:
                    self._conn.execute(f"DELETE FROM {table.name}")

    def rows(self, table: Table) -> list[Row]:
        """The last version of each record, in the order the records were first written.

        Rewrites the table without the older versions when they outnumber the current ones, so the
        file does not grow with every change of a long-lived record.
        """
        with self._lock:
            cursor = self._conn.execute(f"SELECT {', '.join(table.columns)} FROM {table.name} ORDER BY rowid")
            written = 0
            latest: dict[Any, Row] = {}
            for row in cursor:
                written += 1
                latest[row[0]] = row  # a dict keeps the position of the first version
            rows = list(latest.values())
            if written > 2 * len(rows) + 1000:
                self.rewrite(table, rows)
            return rows

    def rewrite(self, table: Table, rows: Iterable[Row]) -> None:
        """Replace every row of ``table`` by ``rows``; what is deleted is overwritten (secure_delete)."""
        with self.transaction():
            self._conn.execute(f"DELETE FROM {table.name}")
            self.put(table, rows)

    def meta(self) -> dict[str, Any]:
        with self._lock:
            return dict(self._conn.execute("SELECT name, value FROM meta").fetchall())

    def tables(self) -> set[str]:
        with self._lock:
            return {r[0] for r in self._conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}

    def close(self) -> None:
        """Close; SQLite folds the write-ahead log into the file and removes it when the last connection closes."""
        with self._lock:
            self._conn.close()
            if self.owner is not None:
                self.owner.release()
