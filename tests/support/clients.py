"""Test clients over an app built in-process: the dashboard (session cookie) and one API key.

``Dashboard`` sets exactly the credentials each call names; ``KeyClient`` sends one API key's
``Authorization: Bearer`` header on every call, and nothing else.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

QUINTA = "sess_quinta_demo"  # a demo session of the bundled fixtures (org_quinta, with products)
TEXTIL = "sess_textil_demo"  # the other demo organisation's session
# The scopes of the data endpoints this mock serves (the docs list more; see contract_tests.client).
DATA_SCOPES = ["products:read", "products:write", "passports:read", "passports:write"]


def json_of(r: TestResponse) -> Any:
    """The response's JSON body; a response that has none fails the test here, not later."""
    data = r.get_json(silent=True)
    assert data is not None, f"HTTP {r.status_code} without a JSON body ({r.content_type})"
    return data


def leaks(secret: str, text: str) -> bool:
    """Whether ``text`` holds the secret; assert on the result so a failure never prints the secret."""
    return secret in text


class Dashboard:
    """Dashboard calls with a session cookie, plus a data call with a given key."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def _client(self, session: str | None) -> FlaskClient:
        c = self.app.test_client()
        if session is not None:
            c.set_cookie("eulabel_session", session)
        return c

    def create_key(
        self, scopes: list[str] | None = None, session: str = QUINTA, name: str = "ci", **kw: Any
    ) -> TestResponse:
        payload = {"name": name, "scopes": scopes or ["products:read"]}
        return self._client(session).post("/v1/auth/api-keys", json=payload, **kw)

    def secret(self, scopes: list[str] | None = None, session: str = QUINTA) -> str:
        r = self.create_key(scopes, session)
        assert r.status_code == 201
        return str(json_of(r)["secret"])

    def list_keys(self, session: str | None = QUINTA, **kw: Any) -> TestResponse:
        return self._client(session).get("/v1/auth/api-keys", **kw)

    def revoke(self, key_id: str, session: str | None = QUINTA, **kw: Any) -> TestResponse:
        return self._client(session).delete(f"/v1/auth/api-keys/{key_id}", **kw)

    def products(self, secret: str | None, query: str = "", **kw: Any) -> TestResponse:
        headers = {"Authorization": f"Bearer {secret}"} if secret is not None else {}
        return self._client(None).get(f"/v1/products{query}", headers=headers, **kw)


class KeyClient:
    """Sends ``Authorization: Bearer <secret>`` on every call, and nothing else."""

    def __init__(self, app: Flask, secret: str, key_id: str) -> None:
        self._client: FlaskClient = app.test_client()
        self._headers = {"Authorization": f"Bearer {secret}"}
        self.key_id = key_id

    def get(self, path: str, **kw: Any) -> TestResponse:
        return self._client.get(path, headers=self._headers, **kw)

    def post(self, path: str, payload: Any = None, **kw: Any) -> TestResponse:
        if "data" in kw:
            return self._client.post(path, headers=self._headers, **kw)
        return self._client.post(path, headers=self._headers, json=payload, **kw)


def key_client(app: Flask, scopes: list[str] | None = None, session: str = QUINTA) -> KeyClient:
    """A new API key of the session's organisation, created through the front door, ready to use."""
    admin = app.test_client()
    admin.set_cookie("eulabel_session", session)
    r = admin.post("/v1/auth/api-keys", json={"name": "tests", "scopes": scopes or DATA_SCOPES})
    assert r.status_code == 201, r.status_code
    created = json_of(r)
    return KeyClient(app, created["secret"], created["id"])


def new_session(app: Flask, org_id: str = "org_tests") -> str:
    """A session for an organisation with no seeded products (created on first use)."""
    r = app.test_client().post("/_mock/sessions", json={"organizationId": org_id})
    assert r.status_code == 201, r.status_code
    return str(json_of(r)["session"])


def wine(gtin: str = "4006381333931", **extra: Any) -> dict[str, Any]:
    return {"name": "Test Red", "category": "wine", "gtin": gtin, **extra}


COMPLETE_WINE_DATA: dict[str, Any] = {
    "ingredients": ["Grapes", "Sulphites"],
    "nutrition": {
        "energyKj": 355,
        "energyKcal": 85,
        "fatG": 0,
        "saturatedFatG": 0,
        "carbohydratesG": 2.6,
        "sugarsG": 0.6,
        "proteinG": 0.1,
        "saltG": 0.01,
    },
    "allergens": {"containsSulphites": True, "containsEgg": False, "containsFish": False, "containsMilk": False},
    "origin": {"country": "PT"},
}
