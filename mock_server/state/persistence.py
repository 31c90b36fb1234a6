"""Keep the state in an SQLite file across restarts: hashes and metadata only, each change as it happens.

The stores report every change to the ``State``'s change log, which writes it to the attached
database in one small transaction. Reads never touch the file: it is read once, at start-up.
Which records are kept is listed by hand in ``State.records()``.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from .database import META, SQLITE_MAGIC, Database, StorageFailed, create_private_file
from .json_state import read_json_state, restore_json_state
from .key_store import ApiKeyStore
from .owner_lock import HeldElsewhere, OwnerLock
from .state import COOKIE_PREFIX, SESSIONS, State

FORMAT = "eulabel-mock-state"
VERSION = 2  # version 1 was a JSON file, migrated on first start

log = logging.getLogger("eulabel_mock")


class StateFileError(ValueError):
    """The state file exists but cannot be used; the mock refuses to start rather than lose it."""


def open_state_file(state: State, path: str | os.PathLike[str]) -> Database:
    """Restore ``state`` from ``path`` (creating the file from ``state`` when there is none, or
    migrating a JSON state file), then attach the file so that every change is written to it.

    :raise StateFileError: the file exists but cannot be used; it is left as it was.
    """
    path = Path(path)
    try:
        owner = OwnerLock(path)
    except HeldElsewhere as exc:
        raise StateFileError(f"state file {path} is in use: {exc}; stop it or choose another file") from None
    except OSError as exc:
        raise StateFileError(f"cannot lock state file {path}: {exc.strerror}") from None
    try:
        db = _open(state, path)
    except BaseException:
        owner.release()
        raise
    db.owner = owner
    _attach(state, db)
    return db


def _open(state: State, path: Path) -> Database:
    head = _head(path)
    if head is None:
        if not state.built:  # built only now: nothing to restore, the fixtures are the state
            state.reset()
        try:
            _build(state, path)
        except OSError as exc:  # its own message would name the temporary file, not the state file
            raise StateFileError(f"cannot write state file {path}: {exc.strerror}") from None
        log.info("created state file %s", path)
    elif not head.startswith(SQLITE_MAGIC):
        _migrate(state, path)
    try:
        db = Database(path, state.lock)
    except Exception as exc:  # sqlite3.Error, OSError: either way the file is not usable
        raise _unusable(path, str(exc)) from None
    try:
        if head is None:  # the file was just written from this state: nothing to read back
            db.use_wal()
            db.create(state.records())  # the tables it has, which a reset clears
            state.reseed()
        else:
            _restore(state, db)
            log.info("restored state from %s", path)
    except BaseException:
        db.close()
        raise
    return db


def _unusable(path: Path, why: str) -> StateFileError:
    return StateFileError(f"state file {path}: {why}; fix or remove it to start afresh")


def _head(path: Path) -> bytes | None:
    try:
        with path.open("rb") as fh:
            return fh.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StateFileError(f"cannot read state file {path}: {exc}") from None


def _build(state: State, path: Path) -> None:
    """Write ``state`` as a complete new database next to ``path``, then rename it over ``path``:
    a crash while building leaves no file (or the old one), never a half-written one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.new")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    create_private_file(tmp)
    try:
        db = Database(tmp, state.lock)
        try:
            db.use_wal()
            records = state.records()
            db.create(records)
            with db.transaction():
                db.put(META, [("format", FORMAT), ("version", VERSION), ("pepper", state.pepper)])
                for table, store in records.items():
                    db.put(table, store.rows())
        finally:
            db.close()
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _migrate(state: State, path: Path) -> None:
    """Replace a JSON state file (version 1) by a database holding the same state, once; the JSON
    file is kept beside it."""
    try:
        data = read_json_state(path)
        restore_json_state(state, data)
    except ValueError as exc:
        raise _unusable(path, str(exc)) from None
    backup = path.with_name(path.name + ".v1.json")
    try:
        shutil.copy2(path, backup)
        os.chmod(backup, 0o600)
        _build(state, path)
    except OSError as exc:
        raise StateFileError(f"cannot migrate state file {path}: {exc.strerror}") from None
    log.warning("migrated the JSON state file %s to SQLite; the JSON file is kept as %s", path, backup)


def _restore(state: State, db: Database) -> None:
    try:
        existing = db.tables()
        meta = db.meta() if META.name in existing else {}
    except Exception as exc:
        raise _unusable(db.path, f"cannot be read ({exc})") from None
    if meta.get("format") != FORMAT:
        raise _unusable(db.path, "not an eulabel-mock state file")
    if meta.get("version") != VERSION:
        raise _unusable(db.path, f"unsupported state file version {meta.get('version')!r} (expected {VERSION})")
    try:
        db.use_wal()
        with state.lock:
            state.pepper = bytes(meta["pepper"])
            state.reset()  # rebuilds the stores with the saved pepper
            state.reseed()
            records = state.records()
            db.create(records)
            for table, store in records.items():
                if table.name in existing:
                    rows = db.rows(table)
                    store.load(rows)
                    if table is SESSIONS and any(str(row[0]).startswith(COOKIE_PREFIX) for row in rows):
                        db.rewrite(SESSIONS, store.rows())  # an older file kept the cookies themselves
                else:  # a store this file predates keeps its fixtures, and the file gains its table
                    db.put(table, store.rows())
            if "rng" in meta:  # older files kept a seeded generator's state, which predicted secrets
                db.forget_meta("rng")
    except StateFileError:
        raise
    except Exception as exc:
        raise _unusable(db.path, f"malformed state ({type(exc).__name__}: {exc})") from None


def _attach(state: State, db: Database) -> None:
    state.changes.sink = db


def flush_used(state: State, db: Database) -> None:
    """Write the keys' ``lastUsedAt``, which authenticating keeps in memory only (a read must not write)."""
    with state.lock:
        try:
            db.put(ApiKeyStore.TABLE, state.keys.used_rows())
        except StorageFailed:  # logged with its cause; the keys themselves are all in the file
            log.warning("the keys' last use (lastUsedAt) since the start could not be written to %s", db.path)


def _fsync_dir(directory: Path) -> None:
    # Makes the rename itself durable; not every platform can open a directory.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
