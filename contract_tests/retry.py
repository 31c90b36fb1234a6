"""When the suite sends a request again, as the docs tell clients to (C36): 429 and transient 5xx.

A 5xx that a retry cures is counted ("target unstable: N transient 5xx" in the report), not failed; one that
stays after the retries is what the check sees. Waits honour ``Retry-After`` and are bounded. ``501 Not
Implemented`` is a permanent answer, never retried.
"""

from __future__ import annotations

TRANSIENT = frozenset({500, 502, 503, 504})
MAX_RETRIES = 3
MAX_PAUSE = 10.0  # seconds: longest single wait a Retry-After may ask for


def retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` value (delay-seconds); None when absent or not a number."""
    if value is None:
        return None
    try:
        return max(0.0, float(value.strip()))
    except ValueError:
        return None


def transient_pause(status: int, retry_after_value: str | None, attempt: int) -> float | None:
    """Seconds to wait before sending again after a transient 5xx, or None when not to send again."""
    if status not in TRANSIENT or attempt >= MAX_RETRIES:
        return None
    asked = retry_after(retry_after_value)
    pause = asked if asked is not None else 0.1 * 2**attempt
    return pause if pause <= MAX_PAUSE else None
