"""What the suite keeps about keys it created and secrets shown again; every rendering masks the secret."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from requests.structures import CaseInsensitiveDict

from .redact import mask
from .responses import dumps


@dataclass(slots=True)
class Created:
    """A key this run created. ``secret`` stays in memory only; every rendering masks it."""

    status: int
    body: Any
    id: str | None
    secret: str | None
    name: str
    session: str
    scopes: list[str]
    # Header names are case-insensitive (HTTP/2 and many servers send them in lower case).
    headers: Mapping[str, str] = field(default_factory=CaseInsensitiveDict)
    revoked_at: float | None = None

    def __repr__(self) -> str:
        shown = mask(self.secret) if self.secret else None
        return f"Created(id={self.id!r}, name={self.name!r}, secret={shown!r}, status={self.status})"

    def describe(self) -> str:
        """Status and body for an assertion message, with every secret masked."""
        return f"status {self.status}, body {dumps(self.body)}"


@dataclass(slots=True)
class Leak:
    secret_mask: str
    where: str
