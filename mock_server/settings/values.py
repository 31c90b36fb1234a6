"""How each setting's value is read and checked: text (an option or a variable) or a Python value.

Each converter returns the value the mock uses, or raises ``ValueError`` saying what the value
must be; ``mock_server.settings`` adds which setting it was, as the user wrote it.
"""

from __future__ import annotations

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


def token(value: Any) -> str | None:
    """A control-plane token: long enough not to be guessed, and sendable as one header value."""
    if value is not None and (not isinstance(value, str) or len(value) < 16 or not value.isprintable() or " " in value):
        raise ValueError("must be at least 16 printable characters without spaces")
    return value
