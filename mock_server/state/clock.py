"""A clock the mock reads for every timestamp and time window, so that tests can freeze it."""

from __future__ import annotations

import functools
import math
import threading
import time
from datetime import UTC, datetime


class Clock:
    """Wall-clock time that can be frozen at an instant and moved forward."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._frozen: float | None = None
        self._offset = 0.0

    def now(self) -> float:
        frozen = self._frozen
        return frozen if frozen is not None else time.time() + self._offset

    def freeze(self, at: float | None = None) -> float:
        with self._lock:
            self._frozen = self.now() if at is None else at
            return self._frozen

    def unfreeze(self) -> None:
        with self._lock:
            if self._frozen is not None:
                self._offset = self._frozen - time.time()
            self._frozen = None

    def advance(self, seconds: float) -> float:
        with self._lock:
            if self._frozen is not None:
                self._frozen += seconds
            else:
                self._offset += seconds
            return self.now()

    @property
    def frozen(self) -> bool:
        return self._frozen is not None


def iso(ts: float) -> str:
    """Format a Unix time as ISO 8601 in UTC with milliseconds, as the docs show (C22).

    Rounded to microseconds and then truncated to milliseconds, as ``datetime.fromtimestamp`` does;
    the seconds part comes from a small cache, because a key list formats thousands of timestamps and
    the keys do not keep a formatted copy (memory per key).
    """
    frac, whole = math.modf(ts)
    micros = round(frac * 1e6)
    if micros >= 1_000_000:
        whole += 1
        micros -= 1_000_000
    return f"{_seconds(int(whole))}.{micros // 1000:03d}Z"


@functools.lru_cache(maxsize=4096)
def _seconds(whole: int) -> str:
    return datetime.fromtimestamp(whole, UTC).strftime("%Y-%m-%dT%H:%M:%S")
