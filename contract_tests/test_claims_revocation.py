"""Claim tests for revoking keys (C12, C13, C15-C17, C19).

Every wait for a revocation goes through the run's ``Revocation`` (``revocation.py``): it polls up to
``--revocation-window`` seconds, and once one poll has shown that revocation does not hold, no check waits
again. A check of another claim that needs a dead key is then skipped with the reason, and the C16 check
fails naming what was seen.
"""

from __future__ import annotations

import time

import pytest

from .client import KEYS, Api
from .fixtures import MakeKey
from .responses import describe
from .revocation import Revocation

pytestmark = pytest.mark.destructive


def _dies(api: Api, revocation: Revocation, secret: str | None, since: float) -> int:
    """The status a revoked key gets once revocation took effect (or when the window ran out)."""
    resp = revocation.revoked_key_status(
        lambda: api.use(secret), since, "GET /v1/products answers {status} to a revoked key"
    )
    return int(resp.status_code)


@pytest.mark.claim("C16")
@pytest.mark.claim("C15")
def test_revoked_key_is_rejected_within_the_window(api: Api, revocation: Revocation, make_key: MakeKey) -> None:
    created = make_key(["products:read"], label="revoke")
    assert api.use(created.secret).status_code == 200
    resp = api.revoke(created.session, created)
    assert 200 <= resp.status_code < 300, f"revoke failed (C15): {describe(resp)}"
    status = _dies(api, revocation, created.secret, time.monotonic())
    assert status == 401, f"a revoked key gets {status}, not 401, {revocation.window:g}s after revocation" + (
        f" (first seen: {revocation.broken})" if revocation.broken else ""
    )


@pytest.mark.claim("C12")
def test_secret_is_never_shown_after_the_create_response(
    api: Api, session: str, make_key: MakeKey, revocation: Revocation
) -> None:
    created = make_key(["products:read"], label="once")
    assert created.secret is not None
    shown = api.secrets[created.secret]
    start = len(api.leaks)
    api.list_keys(session)
    api.use(created.secret)
    api.use(created.secret, "/v1/auth/api-keys")
    api.request("POST", "/v1/products", key=created.secret, json={"name": "x", "category": "wine", "gtin": "96385074"})
    make_key(["products:read"], label="after")
    api.request("GET", f"{KEYS}/{created.id}", session=session)
    revoke = api.revoke(session, created)
    assert revoke.ok, describe(revoke)
    _dies(api, revocation, created.secret, time.monotonic())  # the answers to a revoked key count too
    api.list_keys(session)
    leaks = [leak.where for leak in api.leaks[start:] if leak.secret_mask == shown]
    assert not leaks, f"the full key {shown} was shown again after its create response: {leaks}"


@pytest.mark.claim("C13")
@pytest.mark.claim("C15")
def test_list_holds_active_keys_and_drops_revoked_ones(
    api: Api, session: str, make_key: MakeKey, revocation: Revocation
) -> None:
    keep, drop = make_key(["products:read"], label="keep"), make_key(["products:read"], label="drop")
    assert api.listed(session, keep) is not None and api.listed(session, drop) is not None, (
        "an active key is missing from the list"
    )
    resp = api.revoke(session, drop)
    assert 200 <= resp.status_code < 300, f"revoke failed (C15): {describe(resp)}"
    _, gone = revocation.until(
        lambda: api.listed(session, drop), lambda item: item is None, time.monotonic(), "a revoked key is still listed"
    )
    assert gone, f"the revoked key is still listed {revocation.window:g}s after revocation"
    assert api.listed(session, keep) is not None, "revoking one key removed another from the list"


_RESTORE_ATTEMPTS = [
    ("DELETE", "", None),
    ("PATCH", "", {"revoked": False, "status": "active", "active": True}),
    ("PUT", "", {"revoked": False, "status": "active", "active": True}),
    ("POST", "/restore", {}),
    ("POST", "/reactivate", {}),
    ("POST", "/unrevoke", {}),
]


@pytest.mark.claim("C17")
def test_revoked_key_cannot_be_restored(api: Api, session: str, make_key: MakeKey, revocation: Revocation) -> None:
    created = make_key(["products:read"], label="restore")
    assert 200 <= api.revoke(session, created).status_code < 300
    if _dies(api, revocation, created.secret, time.monotonic()) != 401:
        revocation.need_working("C17 (a revoked key is restored)")
    for method, suffix, body in _RESTORE_ATTEMPTS:
        path = f"{KEYS}/{created.id}{suffix}"
        if body is not None:
            api.request(method, path, session=session, json=body)
        else:
            api.request(method, path, session=session)
        use = api.use(created.secret)
        assert use.status_code == 401, f"after {method} {suffix or '(id)'} the revoked key works again: {describe(use)}"
    api.create_key(session, ["products:read"], label="restore")  # a namesake must not revive it
    assert api.use(created.secret).status_code == 401, "the revoked key works again"
    assert api.listed(session, created) is None, "the revoked key is listed again"


@pytest.mark.claim("C19")
@pytest.mark.claim("C18")
def test_rotation_has_no_gap_in_access(api: Api, session: str, make_key: MakeKey, revocation: Revocation) -> None:
    old = make_key(["products:read"], label="old")
    new = make_key(["products:read"], label="new")
    assert api.use(old.secret).status_code == 200, "creating a new key disabled the old one"
    assert api.use(new.secret).status_code == 200, "the new key does not work"
    assert 200 <= api.revoke(session, old).status_code < 300
    assert api.use(new.secret).status_code == 200, "revoking the old key disabled the new one"
    _dies(api, revocation, old.secret, time.monotonic())  # whether the old key died is C16's check
    assert api.use(new.secret).status_code == 200, "the new key stopped working once the old one was revoked"
