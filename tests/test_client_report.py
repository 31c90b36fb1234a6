"""GET /_mock/client-report: one deliberately wrong client per rule gets exactly its finding, with the
claim the docs make (C2, C16, C19, C21, C35, C36); a polite client gets none, faults included."""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support.clients import DATA_SCOPES, QUINTA, KeyClient, json_of, key_client, leaks, wine
from tests.support.key_encodings import ENCODINGS, PLACES, decodings, send

GTIN = "4006381333931"  # not among the fixtures' products


def report(app: Flask) -> list[dict[str, Any]]:
    r = app.test_client().get("/_mock/client-report")
    assert r.status_code == 200
    return list(json_of(r)["data"])


def claims(app: Flask) -> list[tuple[str, str | None]]:
    return [(f["claim"], f["keyId"]) for f in report(app)]


def freeze(app: Flask) -> FlaskClient:
    control = app.test_client()
    assert control.post("/_mock/clock/freeze", json={"at": "2030-01-01T00:00:00Z"}).status_code == 200
    return control


def advance(control: FlaskClient, seconds: float) -> None:
    assert control.post("/_mock/clock/advance", json={"seconds": seconds}).status_code == 200


def admin(app: Flask) -> FlaskClient:
    c = app.test_client()
    c.set_cookie("eulabel_session", QUINTA)
    return c


def keyed(app: Flask) -> tuple[KeyClient, str]:
    """A new key with every data scope, its client and its secret (the create response's, once)."""
    r = admin(app).post("/v1/auth/api-keys", json={"name": "tests", "scopes": DATA_SCOPES})
    assert r.status_code == 201
    created = json_of(r)
    return KeyClient(app, created["secret"], created["id"]), created["secret"]


def revoke(app: Flask, key_id: str) -> None:
    assert admin(app).delete(f"/v1/auth/api-keys/{key_id}").status_code == 204


def test_a_client_that_resends_a_422_gets_a_c36_finding_naming_the_calls(app: Flask) -> None:
    client = key_client(app)
    for _ in range(5):
        assert client.post("/v1/products", {"name": "no gtin"}).status_code == 422
    [found] = report(app)
    assert (found["claim"], found["rule"], found["keyId"]) == ("C36", "retried_client_error", client.key_id)
    assert found["count"] == 5 and found["entries"] == [2, 3, 4, 5, 6]  # entry 1 created the key
    assert found["prefix"].startswith("sk_test_") and len(found["prefix"]) == 12
    assert "sent 4 more times unchanged" in found["message"] and "429 and 5xx" in found["fix"]


def test_a_client_that_calls_on_after_a_429_gets_a_c35_finding(app: Flask) -> None:
    control = freeze(app)
    client = key_client(app)
    assert (
        control.post(
            "/_mock/faults", json={"action": "status", "path": "/v1/*", "status": 429, "retryAfter": 5}
        ).status_code
        == 201
    )
    statuses = [client.get("/v1/products").status_code for _ in range(4)]
    assert statuses[0] == 429  # a fault answers before authentication: the key is still named
    advance(control, 4.9)
    client.get("/v1/products")
    [found] = report(app)
    assert (found["claim"], found["rule"], found["keyId"]) == ("C35", "retry_after_ignored", client.key_id)
    assert found["count"] == 5 and found["retryAfter"] == 5


@pytest.mark.parametrize("config", [{"RATE_LIMIT": "2/60"}])
def test_a_client_at_full_rate_through_the_rate_limit_gets_a_c35_finding(app: Flask) -> None:
    freeze(app)
    client = key_client(app)
    statuses = [client.get("/v1/products").status_code for _ in range(6)]
    assert statuses == [200, 200, 429, 429, 429, 429]
    assert claims(app) == [("C35", client.key_id)]


def _sent_in_query(app: Flask, secret: str) -> None:
    app.test_client().get(f"/v1/products?api_key={quote(secret)}")


def _sent_in_path(app: Flask, secret: str) -> None:
    app.test_client().get(f"/v1/products/{secret}")


def _sent_in_body(app: Flask, secret: str) -> None:
    app.test_client().post("/v1/products", json=wine(GTIN, brand=secret), headers={"Authorization": f"Bearer {secret}"})


def _sent_in_another_header(app: Flask, secret: str) -> None:
    app.test_client().get("/v1/products", headers={"X-Api-Key": secret})


def _sent_in_another_scheme(app: Flask, secret: str) -> None:
    basic = base64.b64encode(f"{secret}:".encode()).decode()
    app.test_client().get("/v1/products", headers={"Authorization": f"Basic {basic}"})


@pytest.mark.parametrize(
    ("send", "place"),
    [
        (_sent_in_query, "query"),
        (_sent_in_path, "path"),
        (_sent_in_body, "body"),
        (_sent_in_another_header, "header:X-Api-Key"),
        (_sent_in_another_scheme, "authorization"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_a_key_sent_outside_the_bearer_header_gets_a_c2_finding_naming_the_key_not_the_secret(
    app: Flask, send: Any, place: str
) -> None:
    client, secret = keyed(app)
    send(app, secret)
    [found] = report(app)
    assert (found["claim"], found["keyId"], found["sentIn"]) == ("C2", client.key_id, place)
    assert found["prefix"] == secret[:12] and found["entries"] == [2]
    raw = json.dumps(app.test_client().get("/_mock/journal").get_json())
    assert not leaks(secret, json.dumps(found)) and not leaks(secret, raw), "the secret is in the report or journal"


def test_a_key_the_mock_does_not_know_is_reported_by_its_prefix_only(app: Flask) -> None:
    fake = "sk_test_" + "Qx7" * 10 + "Zz"
    app.test_client().get(f"/v1/products?key={fake}")
    [found] = report(app)
    assert (found["claim"], found["keyId"], found["prefix"]) == ("C2", None, fake[:12])


def test_a_revoked_key_still_used_gets_a_c16_finding_with_count_and_span(app: Flask) -> None:
    control = freeze(app)
    client = key_client(app)
    assert client.get("/v1/products").status_code == 200
    revoke(app, client.key_id)
    for _ in range(3):
        assert client.get("/v1/products").status_code == 401
        advance(control, 10)
    [found] = report(app)  # the same refused call thrice is C16's finding, not also C36's
    assert (found["claim"], found["rule"], found["keyId"]) == ("C16", "used_after_revocation", client.key_id)
    assert found["count"] == 3 and found["spanSeconds"] == 20
    assert (found["firstCall"], found["lastCall"]) == ("2030-01-01T00:00:00.000Z", "2030-01-01T00:00:20.000Z")


def rotate(app: Flask, control: FlaskClient, switch_first: bool) -> tuple[KeyClient, KeyClient]:
    old = key_client(app, ["products:read"])
    assert old.get("/v1/products").status_code == 200
    new = key_client(app, ["products:read"])
    if switch_first:
        assert new.get("/v1/products").status_code == 200  # switch and verify, then revoke
    revoke(app, old.key_id)
    advance(control, 30)
    assert new.get("/v1/products").status_code == 200
    return old, new


def test_a_rotation_that_revokes_before_switching_gets_a_c19_finding_with_the_gap(app: Flask) -> None:
    old, new = rotate(app, freeze(app), switch_first=False)
    [found] = report(app)
    assert (found["claim"], found["rule"], found["keyId"], found["newKeyId"]) == (
        "C19",
        "rotation_gap",
        old.key_id,
        new.key_id,
    )
    assert found["gapSeconds"] == 30 and found["newPrefix"].startswith("sk_test_")


def test_a_rotation_in_the_documented_order_gets_no_finding(app: Flask) -> None:
    rotate(app, freeze(app), switch_first=True)
    assert report(app) == []


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_a_body_sent_without_application_json_gets_a_c21_finding(app: Flask, content_type: str | None) -> None:
    client, secret = keyed(app)
    headers = {"Authorization": f"Bearer {secret}", **({"Content-Type": content_type} if content_type else {})}
    app.test_client().post("/v1/products", data=json.dumps(wine(GTIN)), headers=headers)
    assert claims(app) == [("C21", client.key_id)]


class PoliteClient:
    """What the docs ask: Bearer header, JSON bodies, retry only 429 (after Retry-After) and 5xx."""

    def __init__(self, client: KeyClient, control: FlaskClient) -> None:
        self.client, self.control = client, control

    def call(self, method: str, path: str, payload: Any = None) -> int:
        for attempt in range(6):
            r = self.client.post(path, payload) if method == "POST" else self.client.get(path)
            if r.status_code == 429:
                advance(self.control, float(r.headers["Retry-After"]))  # the mock's clock stands for sleep
            elif r.status_code >= 500:
                advance(self.control, 0.1 * 2**attempt)
            else:
                return r.status_code
        raise AssertionError(f"{method} {path} did not get through")


def test_a_polite_client_meeting_429_and_503_faults_gets_no_finding(app: Flask) -> None:
    control = freeze(app)
    polite = PoliteClient(key_client(app), control)
    for status, times in ((429, 2), (503, 2)):
        rule = {"action": "status", "status": status, "times": times, "path": "/v1/products"}
        assert control.post("/_mock/faults", json={**rule, "retryAfter": 3}).status_code == 201
    assert polite.call("GET", "/v1/products") == 200
    assert polite.call("POST", "/v1/products", {"name": "no gtin"}) == 422  # a 4xx is not retried
    assert polite.call("GET", "/v1/products/00000000-0000-0000-0000-000000000000") == 404
    assert polite.call("POST", "/v1/products", wine(GTIN)) == 201
    journal = json_of(app.test_client().get("/_mock/journal"))["data"]
    assert [e["status"] for e in journal[1:6]] == [429, 429, 503, 503, 200]  # it met the faults
    assert report(app) == []


def test_the_report_says_how_much_of_the_journal_it_read(app: Flask) -> None:
    key_client(app).get("/v1/products")
    body = json_of(app.test_client().get("/_mock/client-report"))
    assert (body["checked"], body["omitted"], body["journalSize"], body["data"]) == (2, 0, 1000, [])


@pytest.mark.parametrize("where", PLACES)
@pytest.mark.parametrize("name", ENCODINGS)
def test_a_key_is_recognised_in_every_encoding_and_place_and_never_reported(app: Flask, where: str, name: str) -> None:
    client, secret = keyed(app)
    encoded = ENCODINGS[name](secret)
    if where == "json body" and "\\u" not in encoded:
        encoded = encoded.replace("\\", "\\\\")
    send(app, where, encoded)
    found = [f for f in report(app) if f["claim"] == "C2"]
    assert [(f["keyId"], f["prefix"]) for f in found] == [(client.key_id, secret[:12])]
    text = json.dumps(app.test_client().get("/_mock/client-report").get_json())
    assert not any(secret[12:] in variant for variant in decodings(text)), "the report holds the secret"


@pytest.mark.parametrize("config", [{"CONTROL_TOKEN": "t0ken-for-the-tests-here"}])
def test_the_report_is_guarded_like_every_other_control_plane_call(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/_mock/client-report").status_code == 401
    assert (
        client.get("/_mock/client-report", headers={"X-Eulabel-Mock-Token": "t0ken-for-the-tests-here"}).status_code
        == 200
    )
    cross = {"X-Eulabel-Mock-Token": "t0ken-for-the-tests-here", "Sec-Fetch-Site": "cross-site"}
    assert client.get("/_mock/client-report", headers=cross).status_code == 403
