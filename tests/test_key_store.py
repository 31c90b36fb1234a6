"""Key rules, checked on the store without HTTP."""

from __future__ import annotations

import random
import re
import threading

import pytest

from mock_server.errors import NotFound
from mock_server.state.clock import Clock
from mock_server.state.key_store import ApiKeyStore


def make_store(delay: float = 0.0, seed: int = 1) -> tuple[ApiKeyStore, Clock]:
    clock = Clock()
    clock.freeze(1_800_000_000.0)
    return ApiKeyStore(random.Random(seed), clock, threading.RLock(), b"pepper", revocation_delay=delay), clock


def test_secret_has_documented_prefix_and_enough_randomness() -> None:
    store, _ = make_store()
    _, secret = store.create("org", "n", ["products:read"])
    assert re.fullmatch(r"sk_test_[A-Za-z0-9]{32}", secret)


def test_store_keeps_only_a_keyed_hash_of_the_secret() -> None:
    store, _ = make_store()
    key, secret = store.create("org", "n", ["products:read"])
    assert secret not in repr(key)
    assert secret.encode() not in key.secret_hash
    assert key.secret_hash == store.digest(secret)
    other = ApiKeyStore(random.Random(1), Clock(), threading.RLock(), b"other pepper")
    assert other.digest(secret) != key.secret_hash


def test_prefix_is_the_start_of_the_secret_and_nothing_more() -> None:
    store, _ = make_store()
    key, secret = store.create("org", "n", ["products:read"])
    assert secret.startswith(key.prefix)
    assert len(key.prefix) == len("sk_test_") + 4


def test_authenticate_finds_the_key_and_records_its_use() -> None:
    store, clock = make_store()
    key, secret = store.create("org", "n", ["products:read"])
    assert key.last_used_at is None
    clock.advance(5)
    assert store.authenticate(secret) is key
    assert key.last_used_at == clock.now()


def test_unknown_secret_does_not_authenticate() -> None:
    store, _ = make_store()
    store.create("org", "n", ["products:read"])
    assert store.authenticate("sk_test_" + "A" * 32) is None


def test_revoked_key_stops_authenticating_at_once_by_default() -> None:
    store, _ = make_store()
    key, secret = store.create("org", "n", ["products:read"])
    store.revoke("org", key.id)
    assert store.authenticate(secret) is None


def test_revocation_delay_keeps_the_key_working_until_it_passes() -> None:
    store, clock = make_store(delay=2.0)
    key, secret = store.create("org", "n", ["products:read"])
    store.revoke("org", key.id)
    assert store.list("org") == []
    clock.advance(1.9)
    assert store.authenticate(secret) is key
    clock.advance(0.2)
    assert store.authenticate(secret) is None
    clock.advance(-10)  # once gone, a revoked key never comes back
    assert store.authenticate(secret) is None


def test_revoked_key_cannot_be_revoked_again() -> None:
    store, _ = make_store()
    key, _ = store.create("org", "n", ["products:read"])
    store.revoke("org", key.id)
    with pytest.raises(NotFound):
        store.revoke("org", key.id)


def test_another_organisations_key_is_invisible_and_untouchable() -> None:
    store, _ = make_store()
    key, secret = store.create("org_a", "n", ["products:read"])
    assert store.list("org_b") == []
    with pytest.raises(NotFound):
        store.revoke("org_b", key.id)
    assert store.authenticate(secret) is key


def test_list_is_active_keys_oldest_first() -> None:
    store, _ = make_store()
    a, _ = store.create("org", "a", ["products:read"])
    b, _ = store.create("org", "b", ["products:read"])
    c, _ = store.create("org", "c", ["products:read"])
    store.revoke("org", b.id)
    assert [k.id for k in store.list("org")] == [a.id, c.id]


def test_same_seed_gives_same_ids_and_secrets() -> None:
    one, _ = make_store(seed=42)
    two, _ = make_store(seed=42)
    assert one.create("o", "n", ["products:read"])[1] == two.create("o", "n", ["products:read"])[1]


def test_concurrent_creates_yield_distinct_keys() -> None:
    store = ApiKeyStore(random.SystemRandom(), Clock(), threading.RLock(), b"p")
    secrets: list[str] = []

    def work() -> None:
        for _ in range(50):
            secrets.append(store.create("org", "n", ["products:read"])[1])

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(secrets)) == 400
    assert len(store.list("org")) == 400
    assert all(store.authenticate(s) is not None for s in secrets)
