"""A test client that calls the data endpoints with one API key, created through the front door."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.support import QUINTA, TEXTIL

__all__ = ["ALL_SCOPES", "COMPLETE_WINE_DATA", "QUINTA", "TEXTIL", "KeyClient", "key_client", "new_session", "wine"]
ALL_SCOPES = ["products:read", "products:write", "passports:read", "passports:write"]


class KeyClient:
    """Sends ``Authorization: Bearer <secret>`` on every call, and nothing else."""

    def __init__(self, app: Flask, secret: str, key_id: str) -> None:
        self._client: FlaskClient = app.test_client()
        self._headers = {"Authorization": f"Bearer {secret}"}
        self.key_id = key_id

    def get(self, path: str, **kw: Any) -> TestResponse:
        return self._client.get(path, headers=self._headers, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> TestResponse:
        if "data" in kw:
            return self._client.post(path, headers=self._headers, **kw)
        return self._client.post(path, headers=self._headers, json=body, **kw)


def key_client(app: Flask, scopes: list[str] | None = None, session: str = QUINTA) -> KeyClient:
    """A new API key of the session's organisation, ready to use."""
    admin = app.test_client()
    admin.set_cookie("eulabel_session", session)
    r = admin.post("/v1/auth/api-keys", json={"name": "tests", "scopes": scopes or ALL_SCOPES})
    assert r.status_code == 201, r.status_code
    return KeyClient(app, r.json["secret"], r.json["id"])


def new_session(app: Flask, org_id: str = "org_tests") -> str:
    """A session for an organisation with no seeded products (created on first use)."""
    r = app.test_client().post("/_mock/sessions", json={"organizationId": org_id})
    assert r.status_code == 201, r.status_code
    return str(r.json["session"])


def wine(gtin: str = "4006381333931", **extra: Any) -> dict[str, Any]:
    return {"name": "Test Red", "category": "wine", "gtin": gtin, **extra}


COMPLETE_WINE_DATA: dict[str, Any] = {
    "ingredients": ["Grapes", "Sulphites"],
    "nutrition": {"energyKj": 355, "energyKcal": 85, "fatG": 0, "saturatedFatG": 0, "carbohydratesG": 2.6,
                  "sugarsG": 0.6, "proteinG": 0.1, "saltG": 0.01},
    "allergens": {"containsSulphites": True, "containsEgg": False, "containsFish": False, "containsMilk": False},
    "origin": {"country": "PT"},
}
