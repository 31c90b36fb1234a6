"""Masking of API-key secrets before anything is raised, logged or written."""

from __future__ import annotations

import re
from typing import Any

from mock_server.redaction import mask_secrets

# Anything that starts like a key is cut to its visible prefix: a full secret never leaves the run.
SECRET = re.compile(r"sk_(?:test|live)_[A-Za-z0-9_\-]+")
ENV_PREFIX = re.compile(r"^sk_(?:test|live)_")
VISIBLE = 12  # "sk_test_" plus four characters, the longest start this suite ever shows


def mask(secret: str) -> str:
    return secret[:VISIBLE] + "…"


def redact(text: str) -> str:
    """``text`` with every key-shaped string replaced by its mask, in any encoding the mock masks
    (a broken server may echo a key percent-encoded or in base64; reports quote what it said)."""
    text = mask_secrets(text)
    return SECRET.sub(lambda m: m.group(0) if len(m.group(0)) <= VISIBLE else mask(m.group(0)), text)


def redact_any(value: Any) -> Any:
    """A copy of a JSON-like value with every string redacted."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {redact(str(k)): redact_any(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_any(v) for v in value]
    return value


def contains_full_key(text: str, min_random: int = 16) -> bool:
    """Whether ``text`` holds something long enough to be a usable key."""
    return any(len(m.group(0)) >= len("sk_test_") + min_random for m in SECRET.finditer(text))
