"""The API-key lifecycle over HTTP: create, list masked, use, revoke."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from mock_server import create_app
from tests.support.clients import QUINTA, TEXTIL, Dashboard, json_of


def test_create_returns_201_with_secret_location_and_no_store(api: Dashboard) -> None:
    r = api.create_key(["products:read", "passports:write"], name="CI Pipeline Key")
    assert r.status_code == 201
    body = json_of(r)
    assert re.fullmatch(r"sk_test_[A-Za-z0-9]{32}", body["secret"])
    assert body["secret"].startswith(body["prefix"])
    assert body["name"] == "CI Pipeline Key"
    assert body["scopes"] == ["products:read", "passports:write"]
    assert body["lastUsedAt"] is None
    assert r.headers["Location"] == f"/v1/auth/api-keys/{body['id']}"
    assert r.headers["Cache-Control"] == "no-store"


def test_list_shows_active_keys_masked_without_secret(api: Dashboard) -> None:
    created = json_of(api.create_key())
    r = api.list_keys()
    assert r.status_code == 200
    assert r.headers["Cache-Control"] == "no-store"
    [listed] = json_of(r)["data"]
    assert listed["id"] == created["id"]
    assert listed["prefix"] == created["prefix"]
    assert "secret" not in listed
    assert created["secret"] not in r.get_data(as_text=True)
    assert created["secret"][len(listed["prefix"]) :] not in r.get_data(as_text=True)


def test_key_authenticates_and_records_last_use(api: Dashboard) -> None:
    created = json_of(api.create_key())
    r = api.products(created["secret"])
    assert r.status_code == 200
    [listed] = json_of(api.list_keys())["data"]
    assert listed["lastUsedAt"] is not None


def test_revoked_key_is_rejected_and_unlisted(api: Dashboard) -> None:
    created = json_of(api.create_key())
    assert api.revoke(created["id"]).status_code == 204
    r = api.products(created["secret"])
    assert r.status_code == 401
    assert json_of(r)["error"] == "unauthorized"
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    assert json_of(api.list_keys())["data"] == []


def test_revoking_twice_is_404(api: Dashboard) -> None:
    created = json_of(api.create_key())
    api.revoke(created["id"])
    r = api.revoke(created["id"])
    assert r.status_code == 404
    assert json_of(r)["error"] == "not_found"


def test_revoking_unknown_id_is_404(api: Dashboard) -> None:
    assert api.revoke("key_000000000000000000000000").status_code == 404


def test_several_keys_stay_active_together(api: Dashboard) -> None:
    a, b = api.secret(), api.secret()
    assert api.products(a).status_code == 200
    assert api.products(b).status_code == 200
    assert len(json_of(api.list_keys())["data"]) == 2


def test_other_organisation_cannot_see_or_revoke_a_key(api: Dashboard) -> None:
    created = json_of(api.create_key(session=QUINTA))
    assert json_of(api.list_keys(session=TEXTIL))["data"] == []
    assert api.revoke(created["id"], session=TEXTIL).status_code == 404
    assert api.products(created["secret"]).status_code == 200


def test_key_sees_only_its_organisations_products(api: Dashboard) -> None:
    quinta = json_of(api.products(api.secret(session=QUINTA)))["data"]
    textil = json_of(api.products(api.secret(session=TEXTIL)))["data"]
    assert {p["productId"] for p in quinta}.isdisjoint(p["productId"] for p in textil)
    assert {p["name"] for p in textil} == {"Organic Cotton Tee"}


@pytest.mark.parametrize("session", [None, "sess_unknown"])
def test_key_management_without_valid_session_is_401(api: Dashboard, session: str | None) -> None:
    assert api.list_keys(session=session).status_code == 401
    assert api.create_key(session=session).status_code == 401  # type: ignore[arg-type]


def test_bearer_key_cannot_manage_keys(api: Dashboard) -> None:
    secret = api.secret(["products:read"])
    r = api.list_keys(session=None, headers={"Authorization": f"Bearer {secret}"})
    assert r.status_code == 401
    assert "session" in json_of(r)["message"]


def test_key_without_scope_is_403_naming_the_scope(api: Dashboard) -> None:
    secret = api.secret(["passports:write"])
    r = api.products(secret)
    assert r.status_code == 403
    assert json_of(r)["error"] == "forbidden"
    assert "products:read" in json_of(r)["message"]


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Token sk_test_x",
        "Bearer sk_test_notakey",
        "Bearer sk_live_notakey",
        "bearer   ",
    ],
)
def test_missing_malformed_or_unknown_key_is_401(app: Flask, header: str | None) -> None:
    headers = {"Authorization": header} if header is not None else {}
    r = app.test_client().get("/v1/products", headers=headers)
    assert r.status_code == 401
    assert json_of(r)["error"] == "unauthorized"
    assert "WWW-Authenticate" in r.headers


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"scopes": ["products:read"]}, "name"),
        ({"name": "x"}, "scopes"),
        ({"name": "", "scopes": ["products:read"]}, "name"),
        ({"name": "   ", "scopes": ["products:read"]}, "name"),
        ({"name": "x" * 101, "scopes": ["products:read"]}, "name"),
        ({"name": 5, "scopes": ["products:read"]}, "name"),
        ({"name": "x", "scopes": []}, "scopes"),
        ({"name": "x", "scopes": "products:read"}, "scopes"),
        ({"name": "x", "scopes": ["products:read", "products:read"]}, "scopes"),
        ({"name": "x", "scopes": ["products:delete"]}, "scopes[0]"),
        ({"name": "x", "scopes": ["api_keys:manage"]}, "scopes[0]"),
        ({"name": "x", "scopes": ["products:read"], "ttl": 5}, "ttl"),
        ([], "body"),
        ("name", "body"),
    ],
)
def test_invalid_create_body_is_422_naming_the_field(app: Flask, body: object, param: str) -> None:
    c = app.test_client()
    c.set_cookie("eulabel_session", QUINTA)
    r = c.post("/v1/auth/api-keys", json=body)
    assert r.status_code == 422
    assert json_of(r)["error"] == "validation_error"
    assert json_of(r)["param"] == param


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (b"{bad json", "application/json"),
        (b"", "application/json"),
        (b'{"name": NaN}', "application/json"),
        (b"\xff\xfe", "application/json"),
        (b'{"name": "x", "scopes": ["products:read"]}', "text/plain"),
        (b'{"name": "x", "scopes": ["products:read"]}', None),
    ],
)
def test_malformed_or_non_json_body_is_400(app: Flask, data: bytes, content_type: str | None) -> None:
    c = app.test_client()
    c.set_cookie("eulabel_session", QUINTA)
    headers = {"Content-Type": content_type} if content_type else {}
    r = c.post("/v1/auth/api-keys", data=data, headers=headers)
    assert r.status_code == 400
    assert json_of(r)["error"] == "bad_request"


def test_revocation_delay_keeps_key_working_but_unlisted() -> None:
    app = create_app({"REVOCATION_DELAY": 3600})
    api = Dashboard(app)
    created = json_of(api.create_key())
    api.revoke(created["id"])
    assert json_of(api.list_keys())["data"] == []
    assert api.products(created["secret"]).status_code == 200
    assert api.revoke(created["id"]).status_code == 404


def test_two_apps_do_not_share_state() -> None:
    one, two = Dashboard(create_app()), Dashboard(create_app())
    secret = one.secret()
    assert one.products(secret).status_code == 200
    assert two.products(secret).status_code == 401
