"""State files read from outside, as any SQLite client or a crash would leave them."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.support.clients import Dashboard

Start = Callable[..., Dashboard]  # a mock on a state file: start(path, **config)


def query(path: Path, sql: str) -> list[tuple[Any, ...]]:
    """Rows of the state file, read as any SQLite client would (read-only)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def file_bytes(path: Path) -> bytes:
    """The database and its write-ahead log: together they are what a crash leaves behind."""
    wal = Path(f"{path}-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
