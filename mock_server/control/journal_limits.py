"""How much the journal keeps: per entry (path, query, headers, bodies), in all, and per read.

Sizes are counted in characters of what is kept. Whatever a client sends (60 KB headers, a
thousand of them), one entry, the whole journal and one ``GET /_mock/journal`` stay bounded.
"""

from __future__ import annotations

import json
from itertools import chain
from typing import Any

from ..json_limits import loads
from ..redaction import TEXT_LIMIT as RENDERED_TEXT_LIMIT
from ..redaction import mask_secrets, may_hold_secret, redact_body, redact_header

TEXT_LIMIT = 2 * 1024  # characters of the path, and of the query string, kept per entry
BODY_LIMIT = 16 * 1024  # characters of a body kept per entry
HEADER_VALUE_LIMIT = 1024  # characters of one header value
NAME_LIMIT = 200  # characters of one header name
HEADERS_LIMIT = 8 * 1024  # characters of names and values kept per request, and per response
MEMORY_LIMIT = 16 * 1024 * 1024  # characters all entries keep together; the oldest go first
READ_LIMIT = 4 * 1024 * 1024  # characters one read returns; older matches are counted as omitted
MORE = "…"  # marks a cut value, and names the header pair that counts what was left out


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + MORE


def kept_headers(pairs: list[tuple[str, str]], may_hold_key: bool = True) -> tuple[tuple[tuple[str, str], ...], int]:
    """The headers, each value redacted and cut to ``HEADER_VALUE_LIMIT``, until ``HEADERS_LIMIT``
    is used up, and the characters they keep. The journal does this for every request.
    ``may_hold_key`` False: no value holds a key in any encoding (credentials by name still go).

    Headers left out are counted in one last pair named ``…``.
    """
    kept = tuple([(name, redact_header(name, value, may_hold_key)) for name, value in pairs])
    # The usual case, checked in C: every name and value short, and all of them within the limit.
    lengths = list(map(len, chain.from_iterable(kept)))
    used = sum(lengths)
    if used <= HEADERS_LIMIT and max(lengths, default=0) <= NAME_LIMIT:
        return kept, used
    return _kept_one_by_one(kept)


def _kept_one_by_one(pairs: tuple[tuple[str, str], ...]) -> tuple[tuple[tuple[str, str], ...], int]:
    kept: list[tuple[str, str]] = []
    used = left_out = 0
    for name, value in pairs:
        if len(value) > HEADER_VALUE_LIMIT or len(name) > NAME_LIMIT:
            name, value = cut(name, NAME_LIMIT), cut(value, HEADER_VALUE_LIMIT)
        size = len(name) + len(value)
        if used + size > HEADERS_LIMIT:
            left_out += 1
            continue
        used += size
        kept.append((name, value))
    if left_out:
        kept.append((MORE, f"{left_out} more header(s) not kept"))
    return tuple(kept), used


def keep_body(raw: bytes | None, mimetype: str | None) -> Any:
    """The body to keep: raw bytes when no secret can be in it, else its redacted rendering now."""
    if not raw:
        return None
    if len(raw) > BODY_LIMIT:
        return _head(raw, mimetype)
    if may_hold_secret(raw):
        return redact_body(raw, mimetype)
    return raw


def _head(raw: bytes, mimetype: str | None) -> str:
    """The start of a large body as masked text: a journal entry stays small whatever was sent."""
    if may_hold_secret(raw):
        # An encoded key could be cut in two and escape masking: decode and mask before cutting.
        body = redact_body(raw, mimetype)
        text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    else:
        text = raw[: BODY_LIMIT + 64].decode("utf-8", "replace")
    return mask_secrets(text[:BODY_LIMIT])[:BODY_LIMIT] + "…"


def keep_made_body(raw: bytes, mimetype: str | None, shows_secret: bool) -> Any:
    """A body the mock made, to keep: the one that shows a created key masked now, any other as made
    (cut to ``BODY_LIMIT``), unsearched: the mock writes no key into any other answer."""
    if shows_secret:
        return keep_body(raw, mimetype)
    if not raw:
        return None
    if len(raw) > BODY_LIMIT:
        return raw[: BODY_LIMIT + 64].decode("utf-8", "replace")[:BODY_LIMIT] + MORE
    return raw


def plain_body(raw: bytes, mimetype: str | None) -> Any:
    """A body the mock made, kept as bytes, as JSON (or text): read, not searched."""
    if not raw:
        return None
    text = raw.decode("utf-8", "replace")
    if mimetype and (mimetype == "application/json" or mimetype.endswith("+json")):
        try:
            return loads(text)
        except ValueError:
            pass
    return text if len(text) <= RENDERED_TEXT_LIMIT else text[:RENDERED_TEXT_LIMIT] + MORE
