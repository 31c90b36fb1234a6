"""Per-key request limits in fixed windows on the mock's clock (C32-C35)."""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass

from .clock import Clock
from .errors import RateLimited

DEFAULT = "6000/60"
_SPEC = re.compile(r"([0-9]{1,9})/([0-9]{1,7})")


@dataclass(frozen=True, slots=True)
class Limit:
    requests: int
    seconds: int


def parse(text: str) -> Limit | None:
    """Read ``N/SECONDS`` (e.g. ``6000/60``); ``0`` or ``0/…`` turns limiting off.

    :raise ValueError: anything else.
    """
    text = str(text).strip()
    if text == "0":
        return None
    match = _SPEC.fullmatch(text)
    if match is None or int(match.group(2)) < 1:
        raise ValueError(f"rate limit must be N/SECONDS (e.g. {DEFAULT}) or 0 to disable, not {text!r}")
    requests, seconds = int(match.group(1)), int(match.group(2))
    return Limit(requests, seconds) if requests else None


class RateLimiter:
    """Counts each key's requests in a window that opens with the key's first request.

    One small lock guards the counters: it is taken once per authenticated request, so it stays
    separate from the state lock that creates and merges resources.
    """

    def __init__(self, limit: Limit, clock: Clock) -> None:
        self.limit = limit
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[str, list[float]] = {}  # key id -> [window start, requests counted]
        self._limit_header = str(limit.requests)

    def hit(self, key_id: str) -> dict[str, str]:
        """Count one request and return the rate-limit headers for its response.

        :raise RateLimited: the key has used up its window; the error carries ``Retry-After``.
        """
        now = self._clock.now()
        seconds = self.limit.seconds
        with self._lock:
            window = self._windows.get(key_id)
            if window is None or now >= window[0] + seconds:
                window = self._windows[key_id] = [now, 0.0]
            count = window[1]
            if count < self.limit.requests:
                window[1] = count = count + 1
                allowed = True
            else:
                allowed = False
            ends = window[0] + seconds
        headers = {
            "X-RateLimit-Limit": self._limit_header,
            "X-RateLimit-Remaining": str(self.limit.requests - int(count)),
            "X-RateLimit-Reset": str(math.ceil(ends)),
        }
        if allowed:
            return headers
        headers["Retry-After"] = str(max(1, math.ceil(ends - now)))
        raise RateLimited(
            f"Rate limit exceeded: {self.limit.requests} requests per {seconds} s for this API key.",
            suggestion="Wait the number of seconds in Retry-After before retrying.",
            headers=headers,
        )
