"""A stored API key: the record the key store keeps, its wire form and its row in the state file."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .changes import Row
from .clock import iso

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
SECRET_CHARS = 32  # 32 base62 characters carry about 190 random bits
PREFIX_CHARS = 4  # characters of the random part shown in the masked prefix


def base62(number: int, width: int) -> str:
    """``number`` in ``width`` base-62 digits: one draw from the generator instead of one per character."""
    digits = []
    for _ in range(width):
        number, digit = divmod(number, 62)
        digits.append(ALPHABET[digit])
    return "".join(digits)


@dataclass(slots=True)
class ApiKey:
    """A stored key. The secret itself is never kept: only its keyed hash.

    Many thousands may be stored, so a key holds no per-key copies of shared values: ``scopes`` and
    ``scope_list`` are the store's one instance per distinct scope list.
    """

    id: str
    org_id: str
    name: str
    scopes: frozenset[str]
    scope_list: tuple[str, ...]
    prefix: str
    secret_hash: bytes = field(repr=False)
    environment: str
    created_at: float
    last_used_at: float | None = None
    revoked_at: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "scopes": list(self.scope_list),
            "prefix": self.prefix,
            "environment": self.environment,
            "createdAt": iso(self.created_at),
            "lastUsedAt": iso(self.last_used_at) if self.last_used_at is not None else None,
        }

    def row(self) -> Row:
        """The key as kept in the state file: the hash and metadata, never the secret."""
        return (
            self.id,
            self.org_id,
            self.name,
            json.dumps(self.scope_list),
            self.prefix,
            self.secret_hash,
            self.environment,
            self.created_at,
            self.last_used_at,
            self.revoked_at,
        )
