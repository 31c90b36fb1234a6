"""How each setting's value is read and checked: text (an option or a variable) or a Python value.

Each converter returns the value the mock uses, or raises ``ValueError`` saying what the value
must be; ``mock_server.settings`` adds which setting it was, as the user wrote it.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..state.rate_limit import parse_rate_limit

_TRUE, _FALSE = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")

Convert = Callable[[Any], Any]


def whole(low: int, high: int) -> Convert:
    def convert(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValueError(f"must be a whole number from {low} to {high}")
        try:
            number = int(value)
        except ValueError:
            raise ValueError(f"must be a whole number from {low} to {high}") from None
        if not low <= number <= high:
            raise ValueError(f"must be a whole number from {low} to {high}")
        return number

    return convert


def seconds(value: Any) -> float:
    try:
        number = float(value) if not isinstance(value, bool) else -1.0
    except (TypeError, ValueError):
        number = -1.0
    if not 0 <= number <= 3600:
        raise ValueError("must be a number of seconds from 0 to 3600")
    return number


def choice(*choices: str) -> Convert:
    def convert(value: Any) -> str:
        if value not in choices:
            raise ValueError(f"must be one of: {', '.join(choices)}")
        return str(value)

    return convert


def on_off(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise ValueError(f"must be one of: {', '.join(_TRUE)} (on) or {', '.join(v for v in _FALSE if v)} (off)")


def seed(value: Any) -> int | None:
    if value is None:
        return None
    return int(whole(-(2**63), 2**63 - 1)(value))


def rate_limit(value: Any) -> str:
    parse_rate_limit(str(value))
    return str(value).strip()


def fixtures(value: Any) -> str | None:
    if value is None:
        return None
    directory = Path(value)
    if not directory.is_dir():
        raise ValueError(f"no such directory: {directory}")
    if not (directory / "organizations.json").is_file():
        raise ValueError(f"{directory} has no organizations.json, so the mock would have no organisations")
    return str(directory)


def state_file(value: Any) -> str | None:
    if value is None or value == "":
        return None
    path = Path(value)
    if path.is_dir():
        raise ValueError(f"state file {path} is a directory")
    if not path.parent.is_dir():
        raise ValueError(f"state file {path}: its directory {path.parent} does not exist")
    return str(path)


def text(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError("must not be empty")
    return value


def interface(value: Any) -> str:
    """An address to bind: an IP address, or a name resolved here and now, so that a name that
    does not resolve stops the mock before anything starts (granian binds addresses only)."""
    name = text(value).strip("[]")
    try:
        ipaddress.ip_address(name)
    except ValueError:
        try:
            socket.getaddrinfo(name, None, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            raise ValueError("must be an IP address or a host name that resolves on this machine") from None
    return name


_HOST_NAME = re.compile(r"\.?(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")


def host_names(value: Any) -> tuple[str, ...]:
    """Host names the mock also answers under: ``mock.internal``, ``.example.com`` (and its
    subdomains) or ``*`` (any); comma-separated text, or a list in the app config."""
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not all(isinstance(item, str) for item in items):
        raise ValueError("must be host names separated by commas")
    names = tuple(item.strip().lower().rstrip(".") for item in items if item.strip())
    for name in names:
        if name != "*" and not _HOST_NAME.fullmatch(name):
            raise ValueError(f"{name!r} is not a host name (e.g. mock.internal, .example.com or *)")
    return names


def token(value: Any) -> str | None:
    """A control-plane token: long enough not to be guessed, and sendable as one header value."""
    if value is not None and (not isinstance(value, str) or len(value) < 16 or not value.isprintable() or " " in value):
        raise ValueError("must be at least 16 printable characters without spaces")
    return value
