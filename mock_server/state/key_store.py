"""API keys: creation, masked listing, revocation and the bearer lookup on every request."""

from __future__ import annotations

import builtins
import dataclasses
import hmac
import json
import random
import sys
import threading
from collections.abc import Iterable

from ..errors import NotFound
from .api_key import PREFIX_CHARS, SECRET_CHARS, ApiKey, base62
from .changes import ChangeLog, Row, Table
from .clock import Clock, iso


class ApiKeyStore:
    """Keys of every organisation, indexed by id, by the keyed hash of their secret, and by organisation."""

    TABLE = Table(
        "keys",
        (
            "id",
            "org_id",
            "name",
            "scopes",
            "prefix",
            "secret_hash",
            "environment",
            "created_at",
            "last_used_at",
            "revoked_at",
        ),
    )

    def __init__(
        self,
        rng: random.Random,
        clock: Clock,
        lock: threading.RLock,
        pepper: bytes,
        revocation_delay: float = 0.0,
        environment: str = "test",
        changes: ChangeLog | None = None,
        secret_rng: random.Random | None = None,
    ) -> None:
        self._rng = rng  # ids
        self._secret_rng = secret_rng or rng  # secrets: a stream of their own, so ids tell nothing of it
        self._clock = clock
        self._lock = lock
        # Keyed once; each digest copies it (hmac.new per call pays for the key set-up again).
        self._keyed = hmac.new(pepper, digestmod="sha256")
        self._changes = changes or ChangeLog()
        self.revocation_delay = revocation_delay
        self.environment = environment
        self._by_id: dict[str, ApiKey] = {}
        self._by_hash: dict[bytes, ApiKey] = {}
        # By organisation, in creation order: a list costs what it returns, however many keys others have.
        self._active_by_org: dict[str, dict[str, ApiKey]] = {}
        self._by_org: dict[str, dict[str, ApiKey]] = {}  # revoked ones too (audit views)
        # Revoked keys by hash: only read after a failed lookup, to say why a call was refused.
        self._revoked: dict[bytes, ApiKey] = {}
        self._scope_sets: dict[tuple[str, ...], tuple[frozenset[str], tuple[str, ...]]] = {}

    def digest(self, secret: str) -> bytes:
        mac = self._keyed.copy()
        mac.update(secret.encode("utf-8", "surrogatepass"))
        return mac.digest()

    def _shared_scopes(self, scopes: tuple[str, ...]) -> tuple[frozenset[str], tuple[str, ...]]:
        shared = self._scope_sets.get(scopes)
        if shared is None:
            shared = self._scope_sets[scopes] = (frozenset(scopes), scopes)
        return shared

    def create(self, org_id: str, name: str, scopes: list[str]) -> tuple[ApiKey, str]:
        """Create a key and return it with its secret, which is not kept."""
        with self._lock:
            secret = f"sk_{self.environment}_" + base62(self._secret_rng.randrange(62**SECRET_CHARS), SECRET_CHARS)
            scope_set, scope_list = self._shared_scopes(tuple(scopes))
            key = ApiKey(
                id=f"key_{self._rng.getrandbits(96):024x}",
                org_id=org_id,
                name=name,
                scopes=scope_set,
                scope_list=scope_list,
                prefix=secret[: len(f"sk_{self.environment}_") + PREFIX_CHARS],
                secret_hash=self.digest(secret),
                environment=self.environment,
                created_at=self._clock.now(),
            )
            self._changes.commit(self.TABLE, key.row, lambda: self._add(key))
            return key, secret

    def _add(self, key: ApiKey) -> None:
        self._by_id[key.id] = key
        self._by_org.setdefault(key.org_id, {})[key.id] = key
        if key.revoked_at is None:
            self._active_by_org.setdefault(key.org_id, {})[key.id] = key
        else:
            self._revoked[key.secret_hash] = key
        if key.revoked_at is None or self.revocation_delay > 0:
            self._by_hash[key.secret_hash] = key

    def list(self, org_id: str) -> list[ApiKey]:
        """The organisation's active keys, oldest first (dicts keep insertion order)."""
        with self._lock:
            return list(self._active_by_org.get(org_id, {}).values())

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
            now = self._clock.now()

            def apply() -> None:
                key.revoked_at = now
                del self._active_by_org[org_id][key_id]
                self._revoked[key.secret_hash] = key
                if self.revocation_delay <= 0:
                    self._by_hash.pop(key.secret_hash, None)

            self._changes.commit(self.TABLE, lambda: dataclasses.replace(key, revoked_at=now).row(), apply)
            return key

    def authenticate(self, secret: str) -> ApiKey | None:
        """The key this secret belongs to, if it still authenticates; records its use.

        The use is kept in memory only (a read must not write): ``used_rows`` gives it to the state
        file at shutdown.
        """
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

    def known_part(self, random_part: str) -> bool:
        """Whether ``random_part`` completes a key this store holds, active or revoked (by its keyed hash)."""
        digest = self.digest(f"sk_{self.environment}_{random_part}")
        return digest in self._by_hash or digest in self._revoked

    def identify(self, secret: str) -> ApiKey | None:
        """The key this secret belongs to, active or revoked, to name it in a report; never admits a call."""
        digest = self.digest(secret)
        return self._by_hash.get(digest) or self._revoked.get(digest)

    def by_id(self, key_id: str) -> ApiKey | None:
        """The key with this id in any organisation, revoked or not (reports across organisations)."""
        return self._by_id.get(key_id)

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
            return tuple(self._by_org.get(org_id, {}).values())

    def __len__(self) -> int:
        return len(self._by_id)

    def rows(self) -> builtins.list[Row]:
        """Every key (revoked ones too) for the state file, oldest first."""
        with self._lock:
            return [k.row() for k in self._by_id.values()]

    def used_rows(self) -> builtins.list[Row]:
        """The keys that have been used, with their last use, for the state file at shutdown."""
        with self._lock:
            return [k.row() for k in self._by_id.values() if k.last_used_at is not None]

    def load(self, rows: Iterable[Row]) -> None:
        """Replace every key by the rows of the state file."""
        with self._lock:
            self._by_id.clear()
            self._by_hash.clear()
            self._active_by_org.clear()
            self._by_org.clear()
            self._revoked.clear()
            parsed: dict[str, tuple[str, ...]] = {}
            for id_, org_id, name, scopes, prefix, secret_hash, environment, created, used, revoked in rows:
                scope_tuple = parsed.get(scopes)
                if scope_tuple is None:
                    scope_tuple = parsed[scopes] = tuple(json.loads(scopes))
                scope_set, scope_list = self._shared_scopes(scope_tuple)
                self._add(
                    ApiKey(
                        id_,
                        sys.intern(org_id),
                        name,
                        scope_set,
                        scope_list,
                        prefix,
                        bytes(secret_hash),
                        sys.intern(environment),
                        created,
                        used,
                        revoked,
                    )
                )
