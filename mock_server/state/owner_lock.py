"""One mock per state file: an OS lock, held for as long as a mock has the file open.

Two mocks on one file each kept their own memory: each saw only its own writes, both accepted the
same GTIN (after a restart the organisation held two products with it, which C42 forbids), and a
reset of one wiped the file under the other. The lock is taken on ``<file>.lock`` beside the state
file, before the file is read or created, so two mocks starting at once cannot both build it; the
kernel releases it when the process ends, however it ends (``kill -9`` included), so a stale lock
file never stops a restart. The file holds the owner's process id, for the message only.
"""

from __future__ import annotations

import os
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt


class HeldElsewhere(Exception):
    """Another process (or another mock in this one) holds the lock; the message says which."""


class OwnerLock:
    """An exclusive lock on ``<path>.lock``, taken at once or not at all."""

    def __init__(self, path: Path) -> None:
        self.path = path.with_name(path.name + ".lock")
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            _lock(fd)
        except OSError:
            owner = os.read(fd, 32).decode("ascii", "replace").strip()
            os.close(fd)
            held_by = f"process {owner}" if owner.isdigit() else "another process"
            raise HeldElsewhere(f"another eulabel-mock ({held_by}) is using it") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd: int | None = fd

    def release(self) -> None:
        """Let another mock open the state file (closing the file releases the lock)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _lock(fd: int) -> None:
    """:raise OSError: the lock is held (by another process, or another open file of this one)."""
    if fcntl is not None:
        # flock, not lockf: an flock belongs to this open file, so SQLite closing its own descriptors
        # of the database never drops it, and a second mock in this process is refused too.
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    else:  # pragma: no cover - Windows
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
