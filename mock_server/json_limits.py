"""Reading JSON no deeper than ``MAX_DEPTH``: the one parser for request bodies and journal bodies.

Anything recursive downstream (schema keywords such as ``uniqueItems``, ``repr``, the encoder,
secret masking) fails on deep enough input, so depth is bounded once, where JSON is read.
The limit is this project's choice; the docs are silent about nesting.
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 32  # nested arrays/objects, the outermost counting as 1


class TooDeep(ValueError):
    """The JSON nests arrays or objects deeper than ``MAX_DEPTH``."""

    def __init__(self) -> None:
        super().__init__(f"JSON nested deeper than {MAX_DEPTH} levels")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def loads(raw: bytes | str) -> Any:
    """Parse strict JSON (no NaN or Infinity) of at most ``MAX_DEPTH`` levels.

    :raise TooDeep: nested deeper than the limit, however deep (no RecursionError escapes).
    :raise ValueError: not valid JSON (``UnicodeDecodeError`` for bytes that are not UTF-8).
    """
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    # Fewer brackets than the limit cannot nest beyond it: most bodies skip the walk.
    may_be_deep = text.count("[") + text.count("{") > MAX_DEPTH
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise TooDeep() from None
    if may_be_deep and depth(value, MAX_DEPTH) > MAX_DEPTH:
        raise TooDeep()
    return value


def depth(value: Any, stop: int | None = None) -> int:
    """How deeply ``value`` nests lists and dicts (a scalar is 0), without recursion.

    With ``stop``, counting ends as soon as the depth exceeds it.
    """
    deepest = 0
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        item, level = pending.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if stop is not None and deepest > stop:
            return deepest
        pending.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return deepest
