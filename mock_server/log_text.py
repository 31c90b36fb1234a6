"""Client text made safe for a log line or a journal field: nothing a client sends can start a new
line, hide itself, or reorder what a reader sees.

The access log and the journal both call ``escape_controls``; one rule for both keeps them in step.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def escape_controls(text: str) -> str:
    """``text`` with every character that ``str.isprintable`` rejects written as a Python escape.

    That is control characters (C0, DEL, C1: newlines, NUL, ESC), format characters (zero-width
    spaces, bidirectional overrides, the byte-order mark), line and paragraph separators
    (U+2028, U+2029), and spaces other than U+0020; unpaired surrogates (undecodable bytes) too.
    A backslash is doubled, so an escape in the output was always made here, never sent as such:
    ``"a\\nb"`` becomes ``a\\x0ab`` and a client's literal ``\\x0a`` becomes ``\\\\x0a``.
    """
    if text.isprintable() and "\\" not in text:
        return text
    return "".join(_escaped(ch) for ch in text)


def all_plain(texts: Iterable[str]) -> bool:
    """Whether ``escape_controls`` would leave every one of ``texts`` as it is (one scan for all)."""
    joined = " ".join(texts)
    return joined.isprintable() and "\\" not in joined


def _escaped(ch: str) -> str:
    if ch == "\\":
        return "\\\\"
    if ch.isprintable():
        return ch
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def escape_values(fields: dict[str, Any]) -> dict[str, Any]:
    """``fields`` with each text value escaped (a refusal's reason quotes what the client sent)."""
    if all_plain(v for v in fields.values() if isinstance(v, str)):
        return fields
    return {k: escape_controls(v) if isinstance(v, str) else v for k, v in fields.items()}
