"""Key rules, checked on the store without HTTP."""

from __future__ import annotations

import random
import re
import string
import threading
from collections import Counter

import pytest

from mock_server.errors import NotFound
from mock_server.state.clock import Clock
from mock_server.state.key_store import ApiKeyStore

BASE62 = string.ascii_letters + string.digits  # the characters of a secret's random part


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


def test_key_ids_are_key_and_24_hex_digits() -> None:
    """openapi.yaml's ApiKey.id pattern (an assumption of our spec: the docs show no id)."""
    store, _ = make_store()
    ids = [store.create("org", "n", ["products:read"])[0].id for _ in range(40)]
    assert all(re.fullmatch(r"key_[0-9a-f]{24}", i) for i in ids), ids
    assert len(set(ids)) == 40


def test_every_character_of_the_secret_is_uniformly_distributed() -> None:
    """No modulo bias: each of the 32 random characters takes each of the 62 values about equally often."""
    store, _ = make_store(seed=5)
    n = 3100
    randoms = [store.create("org", "n", ["products:read"])[1][len("sk_test_") :] for _ in range(n)]
    expected = n / 62
    for position in range(32):
        counts = Counter(r[position] for r in randoms)
        chi2 = sum((counts.get(c, 0) - expected) ** 2 / expected for c in BASE62)
        assert chi2 < 110, (position, chi2)  # 61 degrees of freedom: p < 0.0002 above 110


def test_key_as_json_states_its_environment_and_creation_time() -> None:
    store, clock = make_store()
    key, _ = store.create("org", "CI", ["products:read", "passports:write"])
    clock.advance(30)  # createdAt is the creation time, not the time of the call
    assert key.to_json() == {
        "id": key.id,
        "name": "CI",
        "scopes": ["products:read", "passports:write"],
        "prefix": key.prefix,
        "environment": "test",
        "createdAt": "2027-01-15T08:00:00.000Z",
        "lastUsedAt": None,
    }


def test_last_use_is_shown_as_iso_time() -> None:
    store, clock = make_store()
    key, secret = store.create("org", "CI", ["products:read"])
    clock.advance(1.25)
    store.authenticate(secret)
    assert key.to_json()["lastUsedAt"] == "2027-01-15T08:00:01.250Z"


def test_unknown_or_revoked_key_id_is_not_found_with_a_message() -> None:
    store, _ = make_store()
    key, _ = store.create("org", "n", ["products:read"])
    store.revoke("org", key.id)
    for key_id in (key.id, "key_000000000000000000000000"):
        with pytest.raises(NotFound) as exc:
            store.get("org", key_id)
        assert exc.value.message == "No active API key with this id."


def test_revocation_is_immediate_without_a_configured_delay() -> None:
    clock = Clock()
    clock.freeze(1_800_000_000.0)
    store = ApiKeyStore(random.Random(1), clock, threading.RLock(), b"pepper")
    key, secret = store.create("org", "n", ["products:read"])
    store.revoke("org", key.id)
    assert store.authenticate(secret) is None


def test_key_revoked_without_delay_stays_revoked_when_the_clock_moves_back() -> None:
    store, clock = make_store()
    key, secret = store.create("org", "n", ["products:read"])
    store.revoke("org", key.id)
    clock.advance(-60)
    assert store.authenticate(secret) is None


def test_sub_second_revocation_delay_is_honoured() -> None:
    store, clock = make_store(delay=0.5)
    key, secret = store.create("org", "n", ["products:read"])
    store.revoke("org", key.id)
    clock.advance(0.4)
    assert store.authenticate(secret) is key
    clock.advance(0.1)
    assert store.authenticate(secret) is None


def test_revoked_key_is_rejected_once_exactly_the_delay_has_passed() -> None:
    store, clock = make_store(delay=2.0)
    key, secret = store.create("org", "n", ["products:read"])
    store.revoke("org", key.id)
    clock.advance(2.0)
    assert store.authenticate(secret) is None


@pytest.mark.parametrize("secret", ["sk_test_\udc80", "\ud800", "sk_test_é" + "\udfff" * 3])
def test_a_secret_that_is_not_valid_unicode_is_refused_without_an_error(secret: str) -> None:
    store, _ = make_store()
    store.create("org", "n", ["products:read"])
    assert store.authenticate(secret) is None


def test_a_revoked_key_id_is_not_found_and_the_reason_gives_the_revocation_time() -> None:
    store, clock = make_store()
    key, _ = store.create("org", "n", ["products:read"])
    clock.advance(2.5)
    store.revoke("org", key.id)
    with pytest.raises(NotFound) as exc:
        store.get("org", key.id)
    assert exc.value.message == "No active API key with this id."
    assert exc.value.reason == {
        "code": "key_already_revoked",
        "keyId": key.id,
        "revokedAt": "2027-01-15T08:00:02.500Z",
    }


def test_audit_lookup_finds_revoked_keys_but_never_another_organisations() -> None:
    store, _ = make_store()
    key, _ = store.create("org", "n", ["products:read"])
    other, _ = store.create("org_b", "n", ["products:read"])
    store.revoke("org", key.id)
    assert store.get_any("org", key.id) is key
    assert store.all("org") == (key,)
    assert store.all("org_without_keys") == ()
    for key_id in (other.id, "key_000000000000000000000000"):
        with pytest.raises(NotFound) as exc:
            store.get_any("org", key_id)
        assert exc.value.message == "No API key with this id."
        assert exc.value.reason == {"code": "key_not_found", "keyId": key_id}
