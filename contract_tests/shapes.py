"""Reading responses without assuming our spec's field names (the docs name none for keys)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .redact import ENV_PREFIX, SECRET

ID_FIELDS = ("id", "keyId", "key_id", "apiKeyId", "api_key_id", "apiKeyID", "uuid", "identifier")
LIST_FIELDS = ("data", "keys", "apiKeys", "api_keys", "items", "results")
_ID_LIKE = re.compile(r"^[A-Za-z0-9_\-:.]{6,200}$")
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def strings(value: Any) -> Iterator[tuple[str, str]]:
    """Every string in a JSON value, with the name of the field holding it ('' in arrays)."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        name, item = stack.pop()
        if isinstance(item, str):
            yield name, item
        elif isinstance(item, dict):
            stack.extend((str(k), v) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((name, v) for v in item)


def find_secret(body: Any) -> str | None:
    """The full key in a create response, found by value: the longest ``sk_test_``/``sk_live_`` string."""
    found = [s for _, s in strings(body) if SECRET.fullmatch(s) and ENV_PREFIX.match(s)]
    return max(found, key=len) if found else None


def _object(body: Any) -> dict[str, Any] | None:
    """The key object of a response: the body itself or a single wrapped object (``{"data": {...}}``)."""
    if isinstance(body, dict):
        for name in ("data", "key", "apiKey", "api_key", "item"):
            inner = body.get(name)
            if isinstance(inner, dict):
                return inner
        return body
    return None


def find_id(body: Any, secret: str | None = None, name: str | None = None) -> str | None:
    """The key's id: a likely-named field first, else any id-looking string that is not the secret."""
    obj = _object(body)
    if obj is None:
        return None
    for field in ID_FIELDS:
        value = obj.get(field)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value):
            return str(value)
    for field, value in obj.items():
        if isinstance(value, str) and field.lower().endswith("id") and value:
            return value
    for value in obj.values():
        if (
            isinstance(value, str)
            and _ID_LIKE.match(value)
            and value != name
            and not ENV_PREFIX.match(value)
            and not _TIMESTAMP.match(value)
            and (secret is None or secret not in value)
        ):
            return value
    return None


ENVIRONMENTS = {"test": "test", "sandbox": "test", "live": "live", "production": "live", "prod": "live"}


def environment_of(body: Any) -> str | None:
    """The environment a key object names ("test" or "live"), by any of the usual fields; None if none."""
    obj = _object(body)
    if obj is None:
        return None
    if isinstance(obj.get("livemode"), bool):
        return "live" if obj["livemode"] else "test"
    for name in ("environment", "env", "mode"):
        value = obj.get(name)
        if isinstance(value, str) and value.lower() in ENVIRONMENTS:
            return ENVIRONMENTS[value.lower()]
    return None


def list_items(body: Any) -> list[Any] | None:
    """The items of a list response: a bare array, or the array under any field (known names first)."""
    if isinstance(body, list):
        return body
    if not isinstance(body, dict):
        return None
    for name in LIST_FIELDS:
        if isinstance(body.get(name), list):
            return list(body[name])
    for value in body.values():
        if isinstance(value, list):
            return list(value)
    for value in body.values():
        if isinstance(value, dict):
            nested = list_items(value)
            if nested is not None:
                return nested
    return None


def matches(item: Any, key_id: str | None, name: str | None) -> bool:
    """Whether a listed item is the key we created (by id anywhere in it, else by our unique name)."""
    if not isinstance(item, dict):
        return False
    values = [str(v) for v in item.values() if isinstance(v, (str, int)) and not isinstance(v, bool)]
    if key_id is not None and key_id in values:
        return True
    return name is not None and name in values


def revealed(secret: str, text: str) -> int:
    """How many characters of the secret's random part ``text`` shows in one piece."""
    body = ENV_PREFIX.sub("", secret)
    best = 0
    for i in range(len(text)):
        for j in range(i + best + 1, len(text) + 1):
            if text[i:j] in body:
                best = j - i
            else:
                break
    return best


def iso_utc(value: str) -> bool:
    """An ISO 8601 timestamp in UTC (``Z`` or a zero offset) (C22)."""
    text = value.strip()
    if not _TIMESTAMP.match(text):
        return False
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return parsed.utcoffset() is not None and parsed.utcoffset().total_seconds() == 0  # type: ignore[union-attr]


def timestamps(body: Any) -> Iterator[tuple[str, str]]:
    """Fields that hold, or by name should hold, a timestamp."""
    for field, value in strings(body):
        if _TIMESTAMP.match(value) or (field.endswith("At") and value):
            yield field, value


# Error bodies: flat Gen-2 {error, message, status, suggestion?} or nested Gen-1 {error: {type, message, ...}} (C24).
FLAT_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    409: "conflict",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
    503: "service_unavailable",
}
NESTED_ALIASES = {401: {"authentication_error"}, 409: {"duplicate_error"}}
# Statuses whose nested (Gen-1) code the docs show; for others the nested name is undocumented.
NESTED_DOCUMENTED = {401, 404, 409, 422}


@dataclass(slots=True)
class ErrorBody:
    shape: str  # "flat", "nested" or "unknown"
    code: str | None
    message: str | None
    status: Any
    param: str | None
    raw: Any


def parse_error(body: Any) -> ErrorBody:
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        return ErrorBody(
            "flat", body["error"], _str(body.get("message")), body.get("status"), _str(body.get("param")), body
        )
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        inner = body["error"]
        code = _str(inner.get("code")) or _str(inner.get("type"))
        return ErrorBody("nested", code, _str(inner.get("message")), None, _str(inner.get("param")), body)
    return ErrorBody("unknown", None, None, None, None, body)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def expected_codes(status: int, shape: str) -> set[str]:
    """The documented codes for an HTTP status (C27). Either generation's name is accepted in either shape
    (docs contradiction 2: ``unauthorized``/``authentication_error``, ``conflict``/``duplicate_error``, C42)."""
    if shape == "nested" and status not in NESTED_DOCUMENTED:
        return set()
    codes = {FLAT_CODES[status]} if status in FLAT_CODES else set()
    return codes | NESTED_ALIASES.get(status, set())


def code_ok(status: int, err: ErrorBody) -> bool:
    """The error code is the documented one, or the docs document none for this status and shape."""
    wanted = expected_codes(status, err.shape)
    return err.shape != "unknown" and (not wanted or err.code in wanted)
