"""The one place that hides credentials: error messages, the journal and the access log use it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .json_limits import loads

REDACTED = "[redacted]"
TEXT_LIMIT = 16 * 1024  # characters of a non-JSON body kept when it is rendered as text

_SECRET = re.compile(r"sk_(test|live)_[A-Za-z0-9]+")


def mask_secrets(text: str) -> str:
    """Replace anything shaped like an API key by its visible prefix and an ellipsis."""
    return _SECRET.sub(lambda m: m.group(0)[:12] + "…", text)


def join_headers(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in pairs:
        out[name] = f"{out[name]}, {value}" if name in out else value
    return out


def redact_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Headers with credential values replaced; the Bearer scheme and cookie names stay readable."""
    return join_headers(redacted_pairs(headers))


def redacted_pairs(headers: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    out = []
    for name, value in headers:
        lower = name.lower()
        if lower in ("authorization", "proxy-authorization"):
            scheme, _, rest = value.partition(" ")
            value = f"{scheme} {REDACTED}" if rest else REDACTED
        elif lower in ("cookie", "set-cookie"):
            value = "; ".join(_redact_cookie(part) for part in value.split(";"))
        elif "sk_" in value:
            value = mask_secrets(value)
        out.append((name, value))
    return tuple(out)


def _redact_cookie(part: str) -> str:
    name, sep, _ = part.strip().partition("=")
    return f"{name}={REDACTED}" if sep else name


def redact_body(raw: bytes, mimetype: str | None) -> Any:
    """The body as JSON (or text) with anything shaped like a secret masked; None when empty."""
    if not raw:
        return None
    text = raw.decode("utf-8", "replace")
    if mimetype and (mimetype == "application/json" or mimetype.endswith("+json")):
        try:
            parsed = loads(text)
        except ValueError:  # too deep included: kept as masked text
            pass
        else:
            # Without "sk_" or a \u escape (which could spell it) no string can hold a secret.
            return _mask_json(parsed) if "sk_" in text or "\\u" in text else parsed
    if len(text) > TEXT_LIMIT:
        text = text[:TEXT_LIMIT] + "…"
    return mask_secrets(text)


def _mask_json(value: Any) -> Any:
    if isinstance(value, str):
        return mask_secrets(value)
    if isinstance(value, list):
        return [_mask_json(v) for v in value]
    if isinstance(value, dict):
        return {mask_secrets(str(k)): _mask_json(v) for k, v in value.items()}
    return value
