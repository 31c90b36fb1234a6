"""Per-key request limits in fixed windows on the mock's clock (C32-C35)."""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass

from ..errors import RateLimited
from .clock import Clock, iso

DEFAULT_RATE_LIMIT = "6000/60"
_SPEC = re.compile(r"([0-9]{1,9})/([0-9]{1,7})")


@dataclass(frozen=True, slots=True)
class Limit:
    requests: int
    seconds: int


def parse_rate_limit(text: str) -> Limit | None:
    """Read ``N/SECONDS`` (e.g. ``6000/60``); ``0`` or ``0/…`` turns limiting off.

    :raise ValueError: anything else.
    """
    text = str(text).strip()
    if text == "0":
        return None
    match = _SPEC.fullmatch(text)
    if match is None or int(match.group(2)) < 1:
        raise ValueError(f"rate limit must be N/SECONDS (e.g. {DEFAULT_RATE_LIMIT}) or 0 to disable, not {text!r}")
    requests, seconds = int(match.group(1)), int(match.group(2))
    return Limit(requests, seconds) if requests else None


class _Window:
    __slots__ = ("start", "count")

    def __init__(self, start: float) -> None:
        self.start = start
        self.count = 0


class RateLimiter:
    """Counts each key's requests in a fixed window that opens with the key's first request.

    One small lock guards the counters: it is taken once per authenticated request, so it stays
    separate from the state lock that creates and merges resources.
    """

    def __init__(self, limit: Limit, clock: Clock) -> None:
        self.limit = limit
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[str, _Window] = {}
        self._requests = limit.requests
        self._seconds = limit.seconds
        self._limit_header = str(limit.requests)

    def hit(self, key_id: str) -> dict[str, str]:
        """Count one request and return the rate-limit headers for its response.

        :raise RateLimited: the key has used up its window; the error carries ``Retry-After``.
        """
        now = self._clock.now()
        with self._lock:
            window = self._windows.get(key_id)
            if window is None or now >= window.start + self._seconds:
                window = self._windows[key_id] = _Window(now)
            # A refused request is not counted, so it cannot push the key further over.
            allowed = window.count < self._requests
            if allowed:
                window.count += 1
            remaining = self._requests - window.count
            ends = window.start + self._seconds
        headers = {
            "X-RateLimit-Limit": self._limit_header,
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": str(math.ceil(ends)),
        }
        if allowed:
            return headers
        headers["Retry-After"] = str(max(1, math.ceil(ends - now)))
        raise RateLimited(
            f"Rate limit exceeded: {self.limit.requests} requests per {self.limit.seconds} s for this API key.",
            suggestion="Wait the number of seconds in Retry-After before retrying.",
            headers=headers,
            reason={
                "code": "rate_limited",
                "limit": self._requests,
                "windowSeconds": self._seconds,
                "windowStart": iso(ends - self._seconds),
                "resetAt": iso(ends),
            },
        )
