"""Every auth property on every protected operation (C4, C6, C7, C9, C10, C16), generated from the spec.

``protected.protected_operations()`` reads the operations, their scopes and path parameters from
openapi.yaml; nothing here names an endpoint. A server that enforces a rule on one endpoint and forgets
it on another fails the check for that endpoint.
"""

from __future__ import annotations

import itertools
import json
import secrets
import string
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests

from .client import KEY_SCOPES, Api, Created
from .protected import Protected, bearer_operations, operation_by_id, resolve, session_operations
from .responses import body_of, describe
from .revocation import Revocation
from .shapes import list_items
from .target import ENV_SESSION, ENV_SESSION_2, Target


def _fake_key() -> str:
    return "sk_test_" + "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))


def _params(ops: list[Protected]) -> list[Any]:
    return [pytest.param(op, id=op.label, marks=() if op.safe else pytest.mark.destructive) for op in ops]


@dataclass
class Org:
    """Resources one organisation made through the producers the spec's links name."""

    key: Created
    values: dict[str, str] = field(default_factory=dict)  # path parameter -> value
    identifiers: set[str] = field(default_factory=set)  # every id and GTIN the producers returned
    serial: itertools.count[int] = field(default_factory=lambda: itertools.count(1))


def send(
    api: Api, op: Protected, key: str | None, org: Org | None = None, prefix: str = "ct-", body: Any = None
) -> requests.Response:
    values = org.values if org is not None else {}
    kwargs: dict[str, Any] = {"key": key}
    if op.example is not None:
        kwargs["json"] = body if body is not None else op.body(prefix, next(org.serial) if org is not None else 0)
    return api.request(op.method, op.url_path(values), **kwargs)


def _product_first(api: Api, org: Org, body: Any, prefix: str) -> None:
    """Create the product a body's GTIN names before anything else uses it: whether creating a passport
    also creates its product is read both ways by the docs (contradiction 6), this works under either."""
    maker = operation_by_id("createProduct")
    if maker is None or not isinstance(body, dict) or "gtin" not in body:
        return
    product = maker.body(prefix, next(org.serial))
    product["gtin"] = body["gtin"]
    resp = send(api, maker, org.key.secret, org, prefix, body=product)
    assert 200 <= resp.status_code < 300, f"{maker.label} for the GTIN a {body} needs: {describe(resp)}"


def _produce(api: Api, target: Target, org: Org) -> Org:
    for op in bearer_operations():
        for name, producer in op.producers.items():
            if name in org.values:
                continue
            source = operation_by_id(producer.operation_id)
            if source is None:
                continue
            body = source.body(target.run_prefix, next(org.serial))
            if source.operation_id != "createProduct":
                _product_first(api, org, body, target.run_prefix)
            resp = send(api, source, org.key.secret, org, target.run_prefix, body=body)
            assert 200 <= resp.status_code < 300, f"{source.label} to make a {name}: {describe(resp)}"
            body = body_of(resp)
            value = resolve(body, producer.pointer, name)
            assert value, f"no {name} in the answer of {source.label}: {describe(resp)}"
            org.values[name] = value
            org.identifiers |= (
                {v for k, v in (body or {}).items() if isinstance(v, str) and (k.lower().endswith("id") or k == "gtin")}
                if isinstance(body, dict)
                else set()
            )
    return org


@pytest.fixture(scope="module")
def org1(api: Api, target: Target) -> Org:
    if not target.session or target.read_only:
        pytest.skip("a --read-only run creates no key" if target.read_only else f"set {ENV_SESSION} to create keys")
    created = api.create_key(target.session, KEY_SCOPES, label="matrix")
    assert created.secret, f"cannot create a key: status {created.status}"
    return _produce(api, target, Org(created))


@pytest.fixture(scope="module")
def org2(api: Api, target: Target, org1: Org) -> Org:
    if not target.session2:
        pytest.skip(f"set {ENV_SESSION_2} (a session of a second organisation) to check isolation")
    created = api.create_key(target.session2, KEY_SCOPES, label="matrix-org2")
    assert created.secret, f"cannot create a key in the second organisation: status {created.status}"
    return Org(created)


@pytest.fixture(scope="module")
def revoked(api: Api, target: Target, org1: Org) -> tuple[Created, float]:
    """An all-scope key that worked, then was revoked; and when (monotonic) it was revoked."""
    assert target.session is not None
    created = api.create_key(target.session, KEY_SCOPES, label="matrix-revoked")
    assert created.secret and api.use(created.secret).status_code == 200, "a fresh key does not work"
    resp = api.revoke(target.session, created)
    assert 200 <= resp.status_code < 300, f"revoke failed (C15): {describe(resp)}"
    return created, time.monotonic()


@pytest.mark.claim("C9")
@pytest.mark.parametrize("op", _params(bearer_operations()))
@pytest.mark.parametrize("credential", ["none", "unknown-key"])
def test_missing_or_unknown_key_is_401_on_every_protected_operation(
    api: Api, target: Target, op: Protected, credential: str
) -> None:
    resp = send(api, op, _fake_key() if credential == "unknown-key" else None, prefix=target.run_prefix)
    assert resp.status_code == 401, f"{op.label} with {credential}: {describe(resp)}"


@pytest.mark.claim("C10")
@pytest.mark.destructive
@pytest.mark.parametrize("op", _params(bearer_operations()))
def test_missing_scope_is_403_on_every_protected_operation(api: Api, target: Target, org1: Org, op: Protected) -> None:
    scopes = op.missing_scope_set()
    if not scopes:
        pytest.skip(f"{op.label}: every documented scope grants it, so no key lacks its scope")
    assert target.session is not None
    created = api.create_key(target.session, scopes, label="matrix-noscope")
    assert created.secret, f"cannot create a key with {scopes}"
    resp = send(api, op, created.secret, org1, target.run_prefix)
    assert resp.status_code == 403, (
        f"{op.label} with a key lacking {sorted(set().union(*op.scope_sets))}: {describe(resp)}"
    )


@pytest.mark.claim("C16")
@pytest.mark.destructive
@pytest.mark.parametrize("op", _params(bearer_operations()))
def test_revoked_key_is_401_within_the_window_on_every_protected_operation(
    api: Api, target: Target, org1: Org, revoked: tuple[Created, float], revocation: Revocation, op: Protected
) -> None:
    created, at = revoked
    assert created.secret is not None
    resp = revocation.revoked_key_status(
        lambda: send(api, op, created.secret, org1, target.run_prefix),
        at,
        op.label + " answers {status} to a revoked key",
    )
    assert resp.status_code == 401, (
        f"{op.label} still answers {resp.status_code} to a key revoked "
        f"{target.revocation_window:g}s ago: {describe(resp)}"
    )


@pytest.mark.claim("C4")
@pytest.mark.destructive
@pytest.mark.parametrize("op", _params(bearer_operations()))
def test_another_organisation_never_gets_this_ones_data(
    api: Api, target: Target, org1: Org, org2: Org, op: Protected
) -> None:
    """By id: refused (the docs fix no status), never the record. In lists and in answers to writes: none of
    its identifiers, except those the client sent itself (a 404 may repeat the path it was asked for)."""
    foreign = Org(org2.key, dict(org1.values), set(), org2.serial)
    resp = send(api, op, org2.key.secret, foreign if op.path_params else org2, target.run_prefix)
    if op.path_params:
        assert 400 <= resp.status_code < 500, f"{op.label} of another organisation's record: {describe(resp)}"
    sent = _sent_text(resp)
    seen = sorted(i for i in org1.identifiers if i in resp.text and i not in sent)
    assert not seen, f"{op.label} shows another organisation's identifiers {seen}: {describe(resp)}"
    if op.safe and not op.path_params and resp.status_code == 200:
        assert list_items(body_of(resp)) is not None, f"{op.label}: no list in the answer: {describe(resp)}"


def _sent_text(resp: requests.Response) -> str:
    """What the client sent: the URL, percent-decoded, and the body."""
    body = resp.request.body or b""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    return urllib.parse.unquote(str(resp.request.url)) + "\n" + text


@pytest.mark.claim("C6")
@pytest.mark.claim("C7")
@pytest.mark.parametrize("op", _params(session_operations()))
@pytest.mark.parametrize("credential", ["none", "unknown-session", "bearer-key"])
def test_key_management_needs_a_valid_session_on_every_operation(
    api: Api, target: Target, op: Protected, credential: str
) -> None:
    headers = {"Authorization": f"Bearer {_fake_key()}"} if credential == "bearer-key" else None
    session = "unknown-" + secrets.token_hex(16) if credential == "unknown-session" else None
    kwargs: dict[str, Any] = {"headers": headers, "session": session}
    if op.example is not None:
        kwargs["data"] = json.dumps(op.body(target.run_prefix, 0)).encode()
        kwargs["headers"] = {**(headers or {}), "Content-Type": "application/json"}
    resp = api.request(op.method, op.url_path({}), **kwargs)
    assert resp.status_code in (401, 403), f"{op.label} with {credential}: {describe(resp)}"
