"""The mock's clock under /_mock/clock: it drives timestamps and the revocation delay."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server import create_app
from tests.support.clients import Dashboard, json_of

NEW_YEAR = "2030-01-01T00:00:00Z"
NEW_YEAR_EPOCH = 1_893_456_000.0


def test_frozen_clock_sets_created_at(api: Dashboard, client: FlaskClient) -> None:
    r = client.post("/_mock/clock/freeze", json={"at": NEW_YEAR})
    assert r.json == {"now": "2030-01-01T00:00:00.000Z", "epoch": NEW_YEAR_EPOCH, "frozen": True}
    assert json_of(api.create_key())["createdAt"] == "2030-01-01T00:00:00.000Z"


def test_freeze_accepts_unix_seconds(client: FlaskClient) -> None:
    assert json_of(client.post("/_mock/clock/freeze", json={"at": NEW_YEAR_EPOCH}))["now"] == "2030-01-01T00:00:00.000Z"


def test_advance_moves_last_used_at(api: Dashboard, client: FlaskClient) -> None:
    client.post("/_mock/clock/freeze", json={"at": NEW_YEAR})
    secret = api.secret()
    assert json_of(client.post("/_mock/clock/advance", json={"seconds": 90}))["now"] == "2030-01-01T00:01:30.000Z"
    api.products(secret)
    [key] = json_of(api.list_keys())["data"]
    assert key["lastUsedAt"] == "2030-01-01T00:01:30.000Z"


def test_advance_drives_the_revocation_delay() -> None:
    app = create_app({"REVOCATION_DELAY": 30})
    api = Dashboard(app)
    client = app.test_client()
    client.post("/_mock/clock/freeze", json={"at": NEW_YEAR})
    r = api.create_key()
    secret = json_of(r)["secret"]
    api.revoke(json_of(r)["id"])
    assert api.products(secret).status_code == 200
    client.post("/_mock/clock/advance", json={"seconds": 30})
    assert api.products(secret).status_code == 401


def test_unfreeze_keeps_the_advanced_time_and_runs_on(client: FlaskClient) -> None:
    client.post("/_mock/clock/freeze", json={"at": NEW_YEAR})
    r = client.post("/_mock/clock/unfreeze")
    assert json_of(r)["frozen"] is False
    assert json_of(r)["epoch"] >= NEW_YEAR_EPOCH
    assert json_of(client.get("/_mock/clock"))["epoch"] < NEW_YEAR_EPOCH + 3600


def test_reset_returns_to_the_real_unfrozen_clock(client: FlaskClient) -> None:
    client.post("/_mock/clock/freeze", json={"at": NEW_YEAR})
    client.post("/_mock/reset")
    clock = json_of(client.get("/_mock/clock"))
    assert clock["frozen"] is False
    assert clock["epoch"] < NEW_YEAR_EPOCH


@pytest.mark.parametrize(
    "path, body, param",
    [
        ("/_mock/clock/freeze", {"at": "tomorrow"}, "at"),
        ("/_mock/clock/freeze", {"at": "2030-01-01T00:00:00"}, "at"),  # no zone: ambiguous
        ("/_mock/clock/freeze", {"at": -5}, "at"),
        ("/_mock/clock/freeze", {"at": True}, "at"),
        ("/_mock/clock/freeze", {"when": NEW_YEAR}, "when"),
        ("/_mock/clock/advance", {}, "seconds"),
        ("/_mock/clock/advance", {"seconds": -1}, "seconds"),
        ("/_mock/clock/advance", {"seconds": "10"}, "seconds"),
        ("/_mock/clock/advance", {"seconds": 1e300}, "seconds"),
        ("/_mock/clock/advance", [], "body"),
    ],
)
def test_bad_clock_input_gets_a_422(client: FlaskClient, path: str, body: Any, param: str) -> None:
    r = client.post(path, json=body)
    assert r.status_code == 422
    assert (json_of(r)["error"], json_of(r)["param"]) == ("validation_error", param)


def test_malformed_clock_json_gets_a_400(client: FlaskClient) -> None:
    r = client.post("/_mock/clock/advance", data="{", content_type="application/json")
    assert r.status_code == 400
    assert json_of(r)["error"] == "bad_request"


def test_clock_endpoints_refuse_other_methods_with_405(client: FlaskClient) -> None:
    r = client.get("/_mock/clock/advance")
    assert r.status_code == 405
    assert r.headers["Allow"] == "POST"  # OPTIONS is refused too (405), so it is not listed


def test_advance_opens_a_new_rate_limit_window() -> None:
    app = create_app({"RATE_LIMIT": "2/60"})
    api = Dashboard(app)
    client = app.test_client()
    client.post("/_mock/clock/freeze", json={"at": NEW_YEAR})
    secret = api.secret()
    assert [api.products(secret).status_code for _ in range(3)] == [200, 200, 429]
    client.post("/_mock/clock/advance", json={"seconds": 60})
    assert api.products(secret).status_code == 200
