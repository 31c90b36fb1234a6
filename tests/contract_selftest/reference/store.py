"""What the reference server knows: organisations, keys, products and passports, in memory, behind one lock.

Written from the docs (``docs/eulabel-docs.md``), not from ``mock_server``: GTINs as the GTIN guide gives
them (C44-C46), passports as the Gen-2 home page describes them (C50, C51).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

SCOPES = (
    "products:read",
    "products:write",
    "passports:read",
    "passports:write",
    "suppliers:read",
    "suppliers:write",
    "analytics:read",
)
SESSIONS = {"sess_quinta_demo": "org_a", "sess_textil_demo": "org_b"}
NUTRITION = ("energyKj", "energyKcal", "fatG", "saturatedFatG", "carbohydratesG", "sugarsG", "proteinG", "saltG")
WINE = (
    "ingredients",
    *(f"nutrition.{n}" for n in (*NUTRITION, "alcoholG")),
    *(f"allergens.contains{a}" for a in ("Sulphites", "Egg", "Fish", "Milk")),
    "origin.country",
    "producers",
)


class Invalid(Exception):
    """A refused request: status, code (the Gen-2 name), message, and the field it names."""

    def __init__(self, status: int, code: str, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.param = status, code, message, param


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def gtin14(raw: Any, twelve: bool) -> str:
    """The GTIN normalised to 14 digits (C44-C46), or Invalid."""
    if not isinstance(raw, str):
        raise Invalid(422, "validation_error", "gtin must be a string.", "gtin")
    digits = re.sub(r"[\s-]", "", raw.strip())
    lengths = (8, 12, 13, 14) if twelve else (8, 13, 14)
    if not digits.isdigit() or len(digits) not in lengths:
        raise Invalid(422, "validation_error", f"GTIN must be {', '.join(map(str, lengths))} digits.", "gtin")
    padded = digits.rjust(14, "0")
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(padded[:13]))
    expected = (10 - total % 10) % 10
    if expected != int(padded[13]):
        message = f"GTIN check digit is invalid. Expected {expected}, got {padded[13]}."
        raise Invalid(422, "validation_error", message, "gtin")
    return padded


@dataclass
class Key:
    id: Any
    org: str
    name: str
    scopes: list[str]
    prefix: str
    hash: str
    created: str
    revoked_at: float | None = None

    def dead(self, delay: float) -> bool:
        return self.revoked_at is not None and time.monotonic() >= self.revoked_at + delay


@dataclass
class Passport:
    id: str
    product: dict[str, Any]
    data: dict[str, Any] = field(default_factory=dict)
    version: int = 1
    created: str = field(default_factory=now)

    def missing(self) -> list[str]:
        def has(path: str) -> bool:
            node: Any = self.data
            for part in path.split("."):
                node = node.get(part) if isinstance(node, dict) else None
            return node not in (None, "", [], {})

        wine = self.product.get("category") == "wine" or self.data.get("productType") == "wine"
        return [p for p in (WINE if wine else ("productType",)) if not has(p)]


def merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for name, value in extra.items():
        out[name] = merge(out[name], value) if isinstance(out.get(name), dict) and isinstance(value, dict) else value
    return out


class Store:
    def __init__(self, key_ids: str, passport_ids: str, environment: str) -> None:
        self.lock = threading.Lock()
        self.keys: dict[str, Key] = {}  # hash -> key
        self.products: dict[str, list[dict[str, Any]]] = {org: [] for org in SESSIONS.values()}
        self.passports: dict[str, dict[str, Passport]] = {org: {} for org in SESSIONS.values()}  # gtin -> passport
        self._serial = 1000
        self.key_ids, self.passport_ids, self.environment = key_ids, passport_ids, environment

    def new_key(self, org: str, name: str, scopes: list[str]) -> tuple[Key, str]:
        secret = f"sk_{self.environment}_" + secrets.token_urlsafe(24).replace("-", "x").replace("_", "y")
        with self.lock:
            self._serial += 1
            key_id: Any = {
                "key": f"key_{secrets.token_hex(12)}",
                "uuid": str(uuid.uuid4()),
                "int": self._serial,
                "kid": f"kid_{self._serial:06d}",
            }[self.key_ids]
            key = Key(key_id, org, name, scopes, secret[:12], digest(secret), now())
            self.keys[key.hash] = key
        return key, secret

    def key_by_id(self, org: str, key_id: str) -> Key | None:
        return next((k for k in self.keys.values() if str(k.id) == key_id and k.org == org), None)

    def passport_id(self) -> str:
        alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
        return (
            str(uuid.uuid4())
            if self.passport_ids == "uuid"
            else "ps_" + "".join(secrets.choice(alphabet) for _ in range(8))
        )
