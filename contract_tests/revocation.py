"""What one run learns about revocation (C16), measured once and reused by every check that revokes a key.

"Within seconds" has no documented bound, so a check polls until the effect shows or ``--revocation-window``
passes. The first poll that reaches the window without the effect shows that revocation does not hold on this
target: from then on no check waits for it again (each looks once), so a broken server is reported after one
window, whatever the number of checks, and a failing hypothesis sequence is shrunk without real waits.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pytest

T = TypeVar("T")


@dataclass
class Revocation:
    window: float
    delay: float | None = None  # seconds until the first key this run revoked got 401
    broken: str | None = None  # how revocation was first seen not to hold within the window
    waited: float = 0.0  # seconds spent polling, in total
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def until(self, poll: Callable[[], T], done: Callable[[T], bool], since: float, what: str) -> tuple[T, bool]:
        """Poll until ``done(poll())`` or ``window`` seconds after ``since`` (monotonic); poll once when
        revocation is already known not to hold. Returns the last result and whether it was done."""
        deadline = since + self.window
        start = time.monotonic()
        delay = 0.05
        while True:
            result = poll()
            if done(result):
                self._record(time.monotonic() - since, start)
                return result, True
            now = time.monotonic()
            if self.broken is not None or now >= deadline:
                break
            time.sleep(min(delay, max(0.0, deadline - now)))
            delay = min(delay * 2, 0.5)
        with self._lock:
            self.waited += time.monotonic() - start
            if self.broken is None and time.monotonic() >= deadline:
                status = getattr(result, "status_code", None)
                self.broken = what.replace("{status}", str(status)) + f", {self.window:g}s after the revocation"
        return result, False

    def revoked_key_status(self, send: Callable[[], Any], since: float, what: str) -> Any:
        """The answer to a revoked key: polled until 401 (C16) within the window."""
        resp, _ = self.until(send, lambda r: r.status_code == 401, since, what)
        return resp

    def need_working(self, claim: str) -> None:
        """Skip a check of ``claim`` that needs keys to die when they are revoked, once that is known not to hold."""
        if self.broken is not None:
            pytest.skip(f"revocation does not take effect (C16 fails: {self.broken}), so {claim} cannot be checked")

    def _record(self, elapsed: float, start: float) -> None:
        with self._lock:
            self.waited += time.monotonic() - start
            if self.delay is None:
                self.delay = round(elapsed, 2)

    def as_dict(self) -> dict[str, Any]:
        return {
            "window_s": self.window,
            "first_delay_s": self.delay,
            "holds": self.broken is None,
            "broken": self.broken,
            "waited_s": round(self.waited, 2),
        }
