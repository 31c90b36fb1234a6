"""Every refusal explains itself: journal entries for 401/403/404/429 carry a machine-readable reason.

The docs say what a 401 or 403 means (C9, C10, C16) but not how an integrator finds out *why* a
given call failed; the reasons, and matching calls to keys by hash, are this project's choice.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server import create_app
from tests.support.clients import QUINTA, TEXTIL, Dashboard, json_of, leaks
from tests.support.restarts import Restarts


def with_session(client: FlaskClient, token: str = QUINTA) -> FlaskClient:
    client.set_cookie("eulabel_session", token)
    return client


def entries(client: FlaskClient, query: str = "") -> list[dict[str, Any]]:
    r = client.get(f"/_mock/journal{query}")
    assert r.status_code == 200
    return list(json_of(r)["data"])


def last(client: FlaskClient) -> dict[str, Any]:
    return entries(client)[-1]


@pytest.mark.claim("C16")
def test_a_call_with_a_revoked_key_says_key_revoked_with_its_id_and_time(api: Dashboard, client: FlaskClient) -> None:
    created = json_of(api.create_key(["products:read"]))
    assert api.revoke(created["id"]).status_code == 204
    status = api.products(created["secret"]).status_code
    assert status == 401
    entry = last(client)
    assert entry["reason"]["code"] == "key_revoked"
    assert entry["reason"]["keyId"] == created["id"]
    assert entry["reason"]["revokedAt"].startswith("20")
    assert entry["keyId"] == created["id"], "the call is matched to the key by its hash"
    leaked = leaks(created["secret"], json.dumps(entries(client)))
    assert not leaked, "the secret appears in the journal"


@pytest.mark.claim("C10")
def test_a_missing_scope_names_the_scope(api: Dashboard, client: FlaskClient) -> None:
    created = json_of(api.create_key(["products:read"]))
    r = client.post(
        "/v1/products",
        json={"name": "x", "category": "wine", "gtin": "5601012012200"},
        headers={"Authorization": f"Bearer {created['secret']}"},
    )
    assert r.status_code == 403
    entry = last(client)
    assert entry["reason"] == {"code": "missing_scope", "scope": "products:write", "keyId": created["id"]}
    assert entry["keyId"] == created["id"]


@pytest.mark.claim("C9")
def test_an_unknown_key_shows_only_the_prefix_a_listed_key_shows(client: FlaskClient) -> None:
    presented = "sk_test_" + "Wx7" * 9 + "Q"
    r = client.get("/v1/products", headers={"Authorization": f"Bearer {presented}"})
    assert r.status_code == 401
    entry = last(client)
    assert entry["reason"] == {"code": "unknown_key", "prefix": presented[:12] + "…"}
    assert entry["keyId"] is None
    leaked = leaks(presented, json.dumps(entry))
    assert not leaked, "the presented secret appears in the journal"


def test_a_short_unknown_token_shows_at_most_half_of_itself(client: FlaskClient) -> None:
    client.get("/v1/products", headers={"Authorization": "Bearer abcdef"})
    assert last(client)["reason"] == {"code": "unknown_key", "prefix": "abc"}


@pytest.mark.claim("C34")
def test_a_rate_limited_call_names_the_window() -> None:
    app = create_app({"RATE_LIMIT": "2/60"})
    api, client = Dashboard(app), app.test_client()
    created = json_of(api.create_key(["products:read"]))
    statuses = [api.products(created["secret"]).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    reason = last(client)["reason"]
    assert (reason["code"], reason["limit"], reason["windowSeconds"]) == ("rate_limited", 2, 60)
    assert reason["windowStart"] < reason["resetAt"]
    assert last(client)["keyId"] == created["id"]


@pytest.mark.parametrize(
    ("call", "status", "code"),
    [
        (lambda c: c.get("/v1/products"), 401, "missing_key"),
        (lambda c: c.get("/v1/products", headers={"Authorization": "Basic abc"}), 401, "malformed_authorization"),
        (lambda c: c.get("/v1/auth/api-keys"), 401, "missing_session"),
        (lambda c: with_session(c, "nope").get("/v1/auth/api-keys"), 401, "unknown_session"),
        (lambda c: c.get("/v1/auth/api-keys", headers={"Authorization": "Bearer x"}), 401, "key_on_session_endpoint"),
        (lambda c: c.get("/v1/nothing-here"), 404, "no_route"),
        (lambda c: with_session(c).delete("/v1/auth/api-keys/key_0"), 404, "key_not_found"),
        (
            lambda c: with_session(c).get("/v1/auth/api-keys", headers={"Sec-Fetch-Site": "same-site"}),
            403,
            "cross_origin",
        ),
    ],
)
def test_each_refusal_has_a_reason_code(client: FlaskClient, call: Any, status: int, code: str) -> None:
    assert call(client).status_code == status
    assert last(client)["reason"]["code"] == code


def test_revoking_twice_says_already_revoked(api: Dashboard, client: FlaskClient) -> None:
    key_id = json_of(api.create_key())["id"]
    api.revoke(key_id)
    assert api.revoke(key_id).status_code == 404
    assert last(client)["reason"]["code"] == "key_already_revoked"


def test_another_organisations_key_is_simply_not_found(api: Dashboard, client: FlaskClient) -> None:
    key_id = json_of(api.create_key(session=TEXTIL))["id"]
    assert api.revoke(key_id, session=QUINTA).status_code == 404
    assert last(client)["reason"] == {"code": "key_not_found", "keyId": key_id}


def test_an_injected_fault_is_its_own_reason(client: FlaskClient) -> None:
    r = client.post("/_mock/faults", json={"action": "status", "status": 503, "path": "/v1/products"})
    client.get("/v1/products")
    assert last(client)["reason"] == {"code": "fault", "faultId": json_of(r)["id"]}


def test_every_error_entry_has_a_reason_and_successes_have_none(api: Dashboard, client: FlaskClient) -> None:
    created = json_of(api.create_key(["products:read"]))
    api.products(created["secret"])
    api.products("sk_test_nope")
    with_session(client).post("/v1/auth/api-keys", json={"name": ""})
    client.get("/v1/products/does-not-exist", headers={"Authorization": f"Bearer {created['secret']}"})
    seen = entries(client)
    assert {e["status"] for e in seen} >= {200, 201, 401, 404, 422}
    for e in seen:
        assert (e["reason"] is not None) == (e["status"] >= 400), e["reason"]
        if e["reason"] is not None:
            assert isinstance(e["reason"]["code"], str) and e["reason"]["code"]


def test_the_journal_filters_by_key_id(api: Dashboard, client: FlaskClient) -> None:
    one, two = json_of(api.create_key()), json_of(api.create_key())
    api.products(one["secret"])
    api.products(two["secret"])
    api.products(two["secret"])
    assert [e["keyId"] for e in entries(client, f"?keyId={two['id']}")] == [two["id"], two["id"]]


@pytest.mark.claim("C17")
def test_a_revoked_key_is_still_explained_after_a_restart_with_a_state_file(tmp_path: Path, restarts: Restarts) -> None:
    path = str(tmp_path / "state.json")
    created = json_of(Dashboard(restarts({"STATE_FILE": path})).create_key(["products:read"]))
    first = restarts({"STATE_FILE": path})
    assert Dashboard(first).revoke(created["id"]).status_code == 204
    again = restarts({"STATE_FILE": path})
    status = Dashboard(again).products(created["secret"]).status_code
    assert status == 401
    reason = last(again.test_client())["reason"]
    assert (reason["code"], reason["keyId"]) == ("key_revoked", created["id"])
