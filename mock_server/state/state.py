"""All of the mock's state, behind one lock, rebuilt from the fixtures by ``reset()``."""

from __future__ import annotations

import hashlib
import json
import random
import secrets
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ApiError, NotFound
from .changes import ChangeLog, Records, Row, Table
from .clock import Clock
from .key_store import ApiKeyStore
from .passport_store import PassportStore
from .product_store import ProductStore
from .rate_limit import DEFAULT_RATE_LIMIT, RateLimiter, parse_rate_limit


@dataclass(slots=True)
class Organization:
    id: str
    name: str
    sessions: list[str] = field(default_factory=list)  # the cookies it may show: the fixtures' demo sessions


ORGANIZATIONS = Table("organizations", ("id", "name"))
# What a reset replaces, all together.
_PARTS = ("rng", "secret_rng", "clock", "organizations", "sessions", "keys", "products", "passports", "rate_limiter")
SESSIONS = Table("sessions", ("token", "org_id"))  # "token": the session's keyed hash (State.session_key)
COOKIE_PREFIX = "sess_"


class State:
    """Organisations, sessions, keys, products, passports and rate-limit counters of one mock instance."""

    def __init__(self, config: Mapping[str, Any], build: bool = True) -> None:
        self.lock, self.config = threading.RLock(), config
        # The pepper outlives resets so that nothing keyed by it goes stale between tests.
        self.pepper = secrets.token_bytes(32)
        # Outlives resets too: the state file (if any) stays attached while the stores are rebuilt.
        self.changes = ChangeLog()
        if build:  # else a restore (persistence) builds the stores, so the fixtures load once
            self._build()

    @property
    def built(self) -> bool:
        return "keys" in vars(self)

    def records(self) -> dict[Table, Records]:
        """Everything the state file keeps, by table. Listed by hand: a new store must be added here
        (and a test restarts a mock holding one record of every kind to check none is forgotten)."""
        return {
            ORGANIZATIONS: _Organizations(self),
            SESSIONS: _Sessions(self),
            ApiKeyStore.TABLE: self.keys,
            ProductStore.TABLE: self.products,
            PassportStore.TABLE: self.passports,
        }

    def reset(self) -> None:
        """Forget everything and load the fixtures again, as a fresh start would.

        The fresh state is built aside, written to the file (if any) in one transaction, and only
        then takes the place of the current one: a write that fails leaves everything as it was.
        """
        with self.lock:
            fresh = State.__new__(State)
            fresh.lock, fresh.config, fresh.pepper, fresh.changes = self.lock, self.config, self.pepper, self.changes
            sink, self.changes.sink = self.changes.sink, None  # the fresh stores write nothing while built
            try:
                fresh._build()
                if sink is not None:
                    with sink.transaction():
                        sink.clear()
                        for table, store in fresh.records().items():
                            sink.put(table, store.rows())
            finally:
                self.changes.sink = sink
            for part in _PARTS:
                setattr(self, part, getattr(fresh, part))

    def _build(self) -> None:
        seed = self.config.get("SEED")
        self.rng: random.Random = random.Random(seed) if seed is not None else secrets.SystemRandom()
        # Secrets (keys, session cookies) come from a stream of their own: the ids that the state file
        # keeps, enough to rebuild the id stream's state, tell nothing about the secrets.
        self.secret_rng = random.Random(f"secrets:{seed}") if seed is not None else secrets.SystemRandom()
        self.clock = Clock()
        self.organizations: dict[str, Organization] = {}
        self.sessions: dict[str, str] = {}
        self.keys = ApiKeyStore(
            self.rng,
            self.clock,
            self.lock,
            self.pepper,
            revocation_delay=float(self.config.get("REVOCATION_DELAY", 0.0)),
            changes=self.changes,
            secret_rng=self.secret_rng,
        )
        self.products = ProductStore(self.rng, self.clock, self.lock, self.changes)
        self.passports = PassportStore(self.rng, self.clock, self.lock, self.products, self.changes)
        limit = parse_rate_limit(self.config.get("RATE_LIMIT", DEFAULT_RATE_LIMIT))
        self.rate_limiter: RateLimiter | None = RateLimiter(limit, self.clock) if limit else None
        load_fixtures(self, Path(self.config["FIXTURES"]))

    def reseed(self) -> None:
        """Draw ids and secrets from the OS's random source from now on: after a restart from a state file, a
        seeded mock would otherwise repeat the ids and secrets of its first run, computable from the seed."""
        self.rng.seed(secrets.randbits(256))
        self.secret_rng.seed(secrets.randbits(256))

    def add_organization(self, org_id: str | None = None, name: str | None = None) -> Organization:
        with self.lock:
            org_id = org_id or f"org_{self.rng.getrandbits(48):012x}"
            org = self.organizations.get(org_id)
            if org is None:
                org = Organization(org_id, name or org_id)
                self.changes.commit(ORGANIZATIONS, lambda: (org.id, org.name), lambda: self._add_org(org))
            return org

    def _add_org(self, org: Organization) -> None:
        self.organizations[org.id] = org

    def session_key(self, token: str) -> str:
        """What a session is kept by, in memory and in the state file: a keyed hash, never the cookie."""
        # BLAKE2b keyed with the pepper is a MAC in one call, a few times cheaper than an HMAC here,
        # where every dashboard request looks its session up.
        return hashlib.blake2b(token.encode("utf-8", "surrogatepass"), key=self.pepper, digest_size=32).hexdigest()

    def add_session(self, org_id: str, token: str | None = None) -> str:
        """Open a dashboard session for an existing organisation and return the cookie value.

        A ``token`` given (the fixtures' demo cookies) is also kept in ``Organization.sessions``,
        which the ready line shows; a minted one is known by its hash only.
        """
        with self.lock:
            if org_id not in self.organizations:
                raise NotFound("No organisation with this id.", param="organizationId")
            new = token or f"{COOKIE_PREFIX}{self.secret_rng.getrandbits(128):032x}"
            key = self.session_key(new)

            def apply() -> None:
                self.sessions[key] = org_id
                if token:
                    self.organizations[org_id].sessions.append(token)

            self.changes.commit(SESSIONS, lambda: (key, org_id), apply)
            return new

    def session_org(self, token: str) -> str | None:
        return self.sessions.get(self.session_key(token))

    def end_session(self, token: str) -> None:
        """Forget a session (sign-out); an unknown token is ignored."""
        with self.lock:
            key = self.session_key(token)
            org_id = self.sessions.get(key)
            if org_id is None:
                return

            def apply() -> None:
                del self.sessions[key]
                org = self.organizations.get(org_id)
                if org is not None and token in org.sessions:
                    org.sessions.remove(token)

            self.changes.commit(SESSIONS, lambda: (key, None), apply)  # the session's last version: ended


class _Organizations:
    def __init__(self, state: State) -> None:
        self._state = state

    def rows(self) -> list[Row]:
        return [(o.id, o.name) for o in self._state.organizations.values()]

    def load(self, rows: Iterable[Row]) -> None:
        # The demo cookies that reset loaded from the fixtures stay showable (if not signed out).
        shown = {org.id: org.sessions for org in self._state.organizations.values()}
        self._state.organizations = {org_id: Organization(org_id, name, shown.get(org_id, [])) for org_id, name in rows}
        self._state.sessions = {}


class _Sessions:
    """Sessions are loaded after organisations (``records()`` order), into their organisation."""

    def __init__(self, state: State) -> None:
        self._state = state

    def rows(self) -> list[Row]:
        return list(self._state.sessions.items())

    def load(self, rows: Iterable[Row]) -> None:
        state = self._state
        for key, org_id in rows:
            if org_id is None:  # ended (sign-out)
                continue
            # An older file kept the cookie itself ("sess_…"); persistence rewrites such a table.
            state.sessions[state.session_key(key) if key.startswith(COOKIE_PREFIX) else key] = org_id
        for org in state.organizations.values():
            org.sessions = [token for token in org.sessions if state.session_key(token) in state.sessions]


class FixtureError(ValueError):
    """The fixtures directory is missing or holds something the API would refuse."""


def load_fixtures(state: State, directory: Path) -> None:
    """Seed organisations, sessions, products and passports through the same calls the API uses.

    :raise FixtureError: naming the file and what is wrong with it.
    """
    if not directory.is_dir():
        raise FixtureError(f"fixtures directory {directory} does not exist")
    path = directory / "organizations.json"
    try:
        for org in _read(path, {"organizations": []})["organizations"]:
            state.add_organization(org["id"], org.get("name"))
            # Demo cookies are plaintext in the fixtures: a shared deployment starts without them.
            for token in org.get("sessions", []) if state.config.get("DEMO_SESSIONS", True) else []:
                state.add_session(org["id"], token)
        path = directory / "products.json"
        for org_id, items in _read(path, {}).items():
            if org_id.startswith("$"):
                continue
            for item in items:
                state.products.create(org_id, **item)
        path = directory / "passports.json"
        for org_id, items in _read(path, {}).items():
            if org_id.startswith("$"):
                continue
            for item in items:
                state.passports.submit(org_id, **item)
    except (ApiError, KeyError, TypeError, AttributeError, ValueError) as exc:
        raise FixtureError(f"fixture {path}: {type(exc).__name__}: {exc}") from None
    if not state.organizations:
        # A mock without organisations has no session to create a key with: nothing would work.
        raise FixtureError(f"fixtures directory {directory} defines no organisation (organizations.json)")


def _read(path: Path, default: Any) -> Any:
    if not path.exists():
        return default
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)
