"""No API key is stored in data: whatever is stored comes back in later answers (C12, C14).

A key shows in exactly one answer, its create response. A client that puts a key (its own or
another) into a key's name, a product field, passport data or a fault rule would make every
later list show it; the mock refuses such a body with a 422 naming the field, in every encoding
the journal masks, and never echoes the key.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support.clients import DATA_SCOPES, QUINTA, Dashboard, json_of, leaks
from tests.support.key_encodings import ENCODINGS


def session_client(app: Flask) -> FlaskClient:
    client = app.test_client()
    client.set_cookie("eulabel_session", QUINTA)
    return client


def stores(app: Flask, secret: str, place: str, text: str) -> tuple[int, dict[str, Any], str]:
    """Send ``text`` to be stored at ``place``; the answer, and what the place's list shows after."""
    bearer = {"Authorization": f"Bearer {secret}"}
    client = session_client(app)
    if place == "key name":
        r = client.post("/v1/auth/api-keys", json={"name": text, "scopes": ["products:read"]})
        listed = client.get("/v1/auth/api-keys")
    elif place == "product brand":
        product = {"name": "Tinto", "category": "wine", "gtin": "05601234567892", "brand": text}
        r = client.post("/v1/products", json=product, headers=bearer)
        listed = client.get("/v1/products", headers=bearer)
    elif place == "passport data":
        passport = {"gtin": "05601234567892", "name": "Tinto", "category": "wine", "data": {"notes": [text]}}
        r = client.post("/v1/passports", json=passport, headers=bearer)
        shown = f"/v1/passports/{json_of(r)['passportId']}" if r.status_code < 300 else "/v1/products"
        listed = client.get(shown, headers=bearer)
    else:  # a fault rule, listed by the control plane
        r = client.post("/_mock/faults", json={"action": "latency", "path": f"/v1/{text}", "ms": 1})
        listed = client.get("/_mock/faults")
    return r.status_code, json_of(r), listed.get_data(as_text=True)


PLACES = ["key name", "product brand", "passport data", "fault path"]
FIELDS = {"key name": "name", "product brand": "brand", "passport data": "data.notes[0]", "fault path": "path"}


@pytest.mark.parametrize("encoding", ["literal", "underscore %5F", "json \\u005f", "base64", "base64 user:key"])
@pytest.mark.parametrize("place", PLACES)
def test_a_body_holding_a_key_is_refused_with_a_422_naming_the_field(
    app: Flask, api: Dashboard, place: str, encoding: str
) -> None:
    secret = api.secret(DATA_SCOPES)
    status, body, listed = stores(app, secret, place, "see " + ENCODINGS[encoding](secret))
    assert status == 422
    assert body["param"] == FIELDS[place]
    assert "holds an API key" in body["message"]
    assert not leaks(secret, str(body)) and not leaks(ENCODINGS[encoding](secret), str(body))
    assert not leaks(secret, listed) and not leaks(ENCODINGS[encoding](secret), listed)


def test_a_key_as_a_field_name_is_refused_without_echoing_it(app: Flask, api: Dashboard) -> None:
    secret = api.secret()
    r = session_client(app).post("/v1/auth/api-keys", json={"name": "n", "scopes": [], secret: 1})
    assert r.status_code == 422
    assert not leaks(secret, r.get_data(as_text=True))


@pytest.mark.parametrize("place", PLACES)
def test_a_prefix_as_the_list_shows_it_is_stored_as_sent(app: Flask, api: Dashboard, place: str) -> None:
    secret = api.secret(DATA_SCOPES)
    text = f"replaces {secret[:12]}"
    status, _, listed = stores(app, secret, place, text)
    assert status in (200, 201)
    assert text in listed
