"""How much the journal keeps: per entry (path, query, headers; bodies in ``journal``), in all, and per read.

Sizes are counted in characters of what is kept. Whatever a client sends (60 KB headers, a
thousand of them), one entry, the whole journal and one ``GET /_mock/journal`` stay bounded.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..redaction import redact_header

TEXT_LIMIT = 2 * 1024  # characters of the path, and of the query string, kept per entry
HEADER_VALUE_LIMIT = 1024  # characters of one header value
HEADERS_LIMIT = 8 * 1024  # characters of names and values kept per request, and per response
MEMORY_LIMIT = 16 * 1024 * 1024  # characters all entries keep together; the oldest go first
READ_LIMIT = 4 * 1024 * 1024  # characters one read returns; older matches are counted as omitted
MORE = "…"  # marks a cut value, and names the header pair that counts what was left out


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + MORE


def kept_headers(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[tuple[str, str], ...], int]:
    """The headers, each value redacted and cut to ``HEADER_VALUE_LIMIT``, until ``HEADERS_LIMIT``
    is used up, and the characters they keep. One pass: the journal does this for every request.

    Headers left out are counted in one last pair named ``…``.
    """
    kept: list[tuple[str, str]] = []
    used = left_out = 0
    for name, raw in pairs:
        value = redact_header(name, raw)
        if len(value) > HEADER_VALUE_LIMIT or len(name) > 200:
            name, value = cut(name, 200), cut(value, HEADER_VALUE_LIMIT)
        size = len(name) + len(value)
        if used + size > HEADERS_LIMIT:
            left_out += 1
            continue
        used += size
        kept.append((name, value))
    if left_out:
        kept.append((MORE, f"{left_out} more header(s) not kept"))
    return tuple(kept), used
