"""What the server accepts from a client before the app sees a request, and for how long it waits."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_BODY_TIMEOUT = 5.0


def client_timeout(value: object) -> float:
    """A client timeout in seconds, from text or a number.

    :raise ValueError: not a number from 0.1 to 3600.
    """
    try:
        number = float(value) if isinstance(value, str | int | float) and not isinstance(value, bool) else -1.0
    except ValueError:
        number = -1.0
    if not 0.1 <= number <= 3600:
        raise ValueError("must be a number of seconds from 0.1 to 3600")
    return number


@dataclass(frozen=True, slots=True)
class Limits:
    """Limits answered with a JSON error in the configured shape.

    body_timeout: seconds for the headers and the whole body to arrive (408, or the connection is
        closed while the headers are still incomplete).
    max_body: bytes of request body (413).
    max_target: bytes of path and query string (414).
    max_headers: bytes of all header lines (431).
    """

    body_timeout: float = DEFAULT_BODY_TIMEOUT
    max_body: int = 1024 * 1024
    max_target: int = 8 * 1024
    max_headers: int = 64 * 1024
