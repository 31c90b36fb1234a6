"""API keys: creation, masked listing, revocation and the bearer lookup on every request."""

from __future__ import annotations

import hashlib
import hmac
import random
import threading
from dataclasses import dataclass, field
from typing import Any

from ..errors import NotFound
from .clock import Clock, iso
from .rows import Rows, to_row

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
SECRET_CHARS = 32  # 32 base62 characters carry about 190 random bits
PREFIX_CHARS = 4  # characters of the random part shown in the masked prefix


def _base62(number: int, width: int) -> str:
    """``number`` in ``width`` base-62 digits: one draw from the generator instead of one per character."""
    digits = []
    for _ in range(width):
        number, digit = divmod(number, 62)
        digits.append(ALPHABET[digit])
    return "".join(digits)


@dataclass(slots=True)
class ApiKey:
    """A stored key. The secret itself is never kept: only its keyed hash."""

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
    # Formatted once: strftime would otherwise dominate listing many keys.
    created_iso: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.created_iso = iso(self.created_at)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "scopes": list(self.scope_list),
            "prefix": self.prefix,
            "environment": self.environment,
            "createdAt": self.created_iso,
            "lastUsedAt": iso(self.last_used_at) if self.last_used_at is not None else None,
        }


class ApiKeyStore:
    """Keys of every organisation, indexed by id and by the keyed hash of their secret."""

    def __init__(
        self,
        rng: random.Random,
        clock: Clock,
        lock: threading.RLock,
        pepper: bytes,
        revocation_delay: float = 0.0,
        environment: str = "test",
    ) -> None:
        self._rng = rng
        self._clock = clock
        self._lock = lock
        self._pepper = pepper
        self.revocation_delay = revocation_delay
        self.environment = environment
        self._by_id: dict[str, ApiKey] = {}
        self._by_hash: dict[bytes, ApiKey] = {}
        # Revoked keys by hash: only read after a failed lookup, to say why a call was refused.
        self._revoked: dict[bytes, ApiKey] = {}

    def digest(self, secret: str) -> bytes:
        return hmac.new(self._pepper, secret.encode("utf-8", "surrogatepass"), hashlib.sha256).digest()

    def create(self, org_id: str, name: str, scopes: list[str]) -> tuple[ApiKey, str]:
        """Create a key and return it with its secret, which is not kept."""
        with self._lock:
            secret = f"sk_{self.environment}_" + _base62(self._rng.randrange(62**SECRET_CHARS), SECRET_CHARS)
            key = ApiKey(
                id=f"key_{self._rng.getrandbits(96):024x}",
                org_id=org_id,
                name=name,
                scopes=frozenset(scopes),
                scope_list=tuple(scopes),
                prefix=secret[: len(f"sk_{self.environment}_") + PREFIX_CHARS],
                secret_hash=self.digest(secret),
                environment=self.environment,
                created_at=self._clock.now(),
            )
            self._by_id[key.id] = key
            self._by_hash[key.secret_hash] = key
            return key, secret

    def list(self, org_id: str) -> list[ApiKey]:
        """The organisation's active keys, oldest first (dicts keep insertion order)."""
        with self._lock:
            return [k for k in self._by_id.values() if k.org_id == org_id and k.revoked_at is None]

    def get(self, org_id: str, key_id: str) -> ApiKey:
        """The organisation's active key with this id.

        :raise NotFound: unknown, revoked, or another organisation's key.
        """
        key = self._by_id.get(key_id)
        if key is None or key.org_id != org_id:
            raise NotFound("No active API key with this id.", reason={"code": "key_not_found", "keyId": key_id})
        if key.revoked_at is not None:
            raise NotFound(
                "No active API key with this id.",
                reason={"code": "key_already_revoked", "keyId": key_id, "revokedAt": iso(key.revoked_at)},
            )
        return key

    def revoke(self, org_id: str, key_id: str) -> ApiKey:
        """Revoke the key for good; it stops authenticating after the revocation delay."""
        with self._lock:
            key = self.get(org_id, key_id)
            key.revoked_at = self._clock.now()
            self._revoked[key.secret_hash] = key
            if self.revocation_delay <= 0:
                self._by_hash.pop(key.secret_hash, None)
            return key

    def authenticate(self, secret: str) -> ApiKey | None:
        """The key this secret belongs to, if it still authenticates; records its use."""
        digest = self.digest(secret)
        key = self._by_hash.get(digest)
        if key is None or not hmac.compare_digest(key.secret_hash, digest):
            return None
        now = self._clock.now()
        if key.revoked_at is not None and now >= key.revoked_at + self.revocation_delay:
            with self._lock:
                self._by_hash.pop(digest, None)
            return None
        key.last_used_at = now
        return key

    def revoked(self, secret: str) -> ApiKey | None:
        """The revoked key this secret belonged to, if any (for explaining a refusal, never to admit)."""
        return self._revoked.get(self.digest(secret))

    def get_any(self, org_id: str, key_id: str) -> ApiKey:
        """The organisation's key with this id, revoked or not (audit views).

        :raise NotFound: unknown, or another organisation's key.
        """
        key = self._by_id.get(key_id)
        if key is None or key.org_id != org_id:
            raise NotFound("No API key with this id.", reason={"code": "key_not_found", "keyId": key_id})
        return key

    def all(self, org_id: str) -> tuple[ApiKey, ...]:
        """The organisation's keys, revoked ones included, oldest first."""
        with self._lock:
            return tuple(k for k in self._by_id.values() if k.org_id == org_id)

    def __len__(self) -> int:
        return len(self._by_id)

    def to_state(self) -> Rows:
        """Every key as JSON for the state file: hashes and metadata, never a secret."""
        with self._lock:
            rows = [to_row(k) for k in self._by_id.values()]
        for row in rows:
            del row["scopes"]  # derived from scope_list
            row["scope_list"] = list(row["scope_list"])
            row["secret_hash"] = row["secret_hash"].hex()
        return rows

    def from_state(self, rows: Rows) -> None:
        """Replace every key by the ones saved with ``to_state``."""
        with self._lock:
            self._by_id.clear()
            self._by_hash.clear()
            self._revoked.clear()
            for row in rows:
                key = ApiKey(
                    **{
                        **row,
                        "scopes": frozenset(row["scope_list"]),
                        "scope_list": tuple(row["scope_list"]),
                        "secret_hash": bytes.fromhex(row["secret_hash"]),
                    }
                )
                self._by_id[key.id] = key
                if key.revoked_at is not None:
                    self._revoked[key.secret_hash] = key
                if key.revoked_at is None or self.revocation_delay > 0:
                    self._by_hash[key.secret_hash] = key
