"""Fault rules under /_mock/faults: forced statuses, latency, and a committed key whose response is lost."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server import create_app
from mock_server.control import faults
from tests.support.clients import Dashboard, json_of


def add(client: FlaskClient, **rule: Any) -> dict[str, Any]:
    r = client.post("/_mock/faults", json=rule)
    assert r.status_code == 201, r.json
    return dict(json_of(r))


def test_forced_429_carries_retry_after_in_the_flat_shape(api: Dashboard, client: FlaskClient) -> None:
    add(client, action="status", path="/v1/products", status=429, retryAfter=7)
    r = api.products(api.secret())
    assert r.status_code == 429
    assert r.headers["Retry-After"] == "7"
    assert r.json == {"error": "rate_limited", "message": "Too many requests.", "status": 429}


def test_forced_429_without_retry_after_still_sends_one(api: Dashboard, client: FlaskClient) -> None:
    add(client, action="status", path="/v1/products", status=429)
    assert api.products(api.secret()).headers["Retry-After"] == "1"


def test_forced_503_uses_the_nested_shape_when_configured() -> None:
    app = create_app({"ERROR_FORMAT": "nested"})
    client = app.test_client()
    add(client, action="status", method="GET", path="/v1/*", status=503)
    r = client.get("/v1/products")
    assert r.status_code == 503
    assert json_of(r)["error"]["code"] == "service_unavailable"


def test_times_limits_a_rule_to_the_next_n_calls(api: Dashboard, client: FlaskClient) -> None:
    add(client, action="status", path="/v1/products", status=500, times=2)
    secret = api.secret()
    assert [api.products(secret).status_code for _ in range(3)] == [500, 500, 200]
    assert json_of(client.get("/_mock/faults"))["data"] == []


def test_method_must_match(api: Dashboard, client: FlaskClient) -> None:
    add(client, action="status", method="POST", path="/v1/products", status=500)
    assert api.products(api.secret()).status_code == 200


def test_probability_one_always_fires(api: Dashboard, client: FlaskClient) -> None:
    add(client, action="status", path="/v1/products", status=503, probability=1)
    secret = api.secret()
    assert {api.products(secret).status_code for _ in range(3)} == {503}


def test_latency_delays_then_serves_normally(
    api: Dashboard, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []
    monkeypatch.setattr(faults.time, "sleep", slept.append)
    rule = add(client, action="latency", path="/v1/products", ms=250, times=1)
    assert api.products(api.secret()).status_code == 200
    assert slept == [0.25]
    assert json_of(client.get("/_mock/journal?path=/v1/products"))["data"][0]["fault"] == rule["id"]


def test_drop_after_commit_keeps_the_key_but_never_shows_its_secret(api: Dashboard, client: FlaskClient) -> None:
    rule = add(client, action="drop_after_commit", times=1)
    assert (rule["method"], rule["path"], rule["status"]) == ("POST", "/v1/auth/api-keys", 503)
    r = api.create_key(["products:read"], name="lost")
    assert r.status_code == 503
    assert "secret" not in json_of(r) and "sk_test_" not in r.get_data(as_text=True)
    [listed] = json_of(api.list_keys())["data"]
    assert listed["name"] == "lost"
    # The recovery integrators must build: revoke the orphan and create again.
    assert api.revoke(listed["id"]).status_code == 204
    assert api.create_key(["products:read"], name="lost").status_code == 201


def test_drop_after_commit_response_is_journaled_without_a_secret(api: Dashboard, client: FlaskClient) -> None:
    add(client, action="drop_after_commit", status=500)
    api.create_key()
    [entry] = json_of(client.get("/_mock/journal"))["data"]
    assert entry["status"] == 500
    assert "sk_test_" not in json.dumps(entry)


def test_drop_after_commit_does_not_fire_on_a_failed_creation(api: Dashboard, client: FlaskClient) -> None:
    add(client, action="drop_after_commit", times=1)
    assert api.create_key(["no:such-scope"]).status_code == 422
    assert len(json_of(client.get("/_mock/faults"))["data"]) == 1


def test_the_control_plane_is_never_faulted(client: FlaskClient) -> None:
    add(client, action="status", path="/*", status=500)
    assert client.get("/_mock/faults").status_code == 200
    assert client.post("/_mock/sessions").status_code == 201


def test_rules_are_listed_removed_by_id_and_cleared(client: FlaskClient) -> None:
    first = add(client, action="status", path="/v1/products", status=500)
    add(client, action="latency", path="/v1/products", ms=0)
    assert [f["id"] for f in json_of(client.get("/_mock/faults"))["data"]] == [first["id"], "fault_2"]
    assert client.delete(f"/_mock/faults/{first['id']}").status_code == 204
    assert client.delete(f"/_mock/faults/{first['id']}").status_code == 404
    assert client.delete("/_mock/faults").status_code == 204
    assert json_of(client.get("/_mock/faults"))["data"] == []


def test_reset_clears_the_rules(client: FlaskClient) -> None:
    add(client, action="status", path="/v1/products", status=500)
    client.post("/_mock/reset")
    assert json_of(client.get("/_mock/faults"))["data"] == []


@pytest.mark.parametrize(
    "rule, param",
    [
        ({"path": "/v1/products", "status": 500}, "action"),
        ({"action": "explode", "path": "/v1/products"}, "action"),
        ({"action": "status", "status": 500}, "path"),
        ({"action": "status", "path": "v1/products", "status": 500}, "path"),
        ({"action": "status", "path": "/v1/products", "status": 404}, "status"),
        ({"action": "status", "path": "/v1/products", "status": "500"}, "status"),
        ({"action": "status", "path": "/v1/products", "status": 500, "times": 0}, "times"),
        ({"action": "status", "path": "/v1/products", "status": 500, "probability": 0}, "probability"),
        ({"action": "status", "path": "/v1/products", "status": 500, "probability": 1.5}, "probability"),
        ({"action": "status", "path": "/v1/products", "status": 429, "retryAfter": -1}, "retryAfter"),
        ({"action": "status", "path": "/v1/products", "status": 500, "ms": 5}, "ms"),
        ({"action": "latency", "path": "/v1/products", "ms": 600_000}, "ms"),
        ({"action": "latency", "path": "/v1/products", "status": 500}, "status"),
        ({"action": "drop_after_commit", "path": "/v1/products"}, "path"),
        ({"action": "drop_after_commit", "status": 429}, "status"),
        ({"action": "status", "method": "GE T", "path": "/v1/products", "status": 500}, "method"),
        ({"action": "status", "path": "/v1/products", "status": 500, "colour": "red"}, "colour"),
        ({"action": "status", "path": "/v1/products", "status": 500, "disconnect": True}, "disconnect"),
        ({"action": "drop_after_commit", "disconnect": "yes"}, "disconnect"),
        ({"action": "drop_after_commit", "disconnect": True, "status": 500}, "status"),
    ],
)
def test_bad_rules_get_a_422_naming_the_field(client: FlaskClient, rule: dict[str, Any], param: str) -> None:
    r = client.post("/_mock/faults", json=rule)
    assert r.status_code == 422
    assert (json_of(r)["error"], json_of(r)["param"]) == ("validation_error", param)


def test_a_rule_that_is_not_an_object_gets_a_422(client: FlaskClient) -> None:
    r = client.post("/_mock/faults", json=["status"])
    assert (r.status_code, json_of(r)["param"]) == (422, "body")


def test_drop_after_commit_can_cut_the_connection_instead(api: Dashboard, client: FlaskClient) -> None:
    rule = add(client, action="drop_after_commit", disconnect=True, times=1)
    assert (rule["disconnect"], rule["status"]) == (True, None)
    r = api.create_key(["products:read"], name="cut")
    assert r.status_code == 201
    assert int(r.headers["Content-Length"]) > 0
    assert r.get_data() == b""  # the server closes the connection: too few bytes for the length
    assert [k["name"] for k in json_of(api.list_keys())["data"]] == ["cut"]


def test_a_cut_connection_is_a_read_error_for_a_real_client() -> None:
    import http.client
    import urllib.request

    from mock_server import EulabelMock

    with EulabelMock() as mock:
        mock.add_fault("drop_after_commit", disconnect=True)
        req = urllib.request.Request(
            mock.url("/v1/auth/api-keys"),
            method="POST",
            data=json.dumps({"name": "cut", "scopes": ["products:read"]}).encode(),
            headers={"Content-Type": "application/json", "Cookie": mock.session.header},
        )
        with pytest.raises(http.client.IncompleteRead), urllib.request.urlopen(req, timeout=10) as resp:
            resp.read()
        assert [k["name"] for k in mock.keys()] == ["cut"]


def test_a_cut_connection_is_a_read_error_through_the_cli_server_too(tmp_path: Any) -> None:
    import http.client
    import signal
    import subprocess
    import sys
    import urllib.request

    from mock_server.testing import MockClient, Session
    from tests.support.environments import REPO, clean_env

    proc = subprocess.Popen(
        [sys.executable, "-m", "mock_server", "--port", "0"],
        cwd=REPO,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        mock = MockClient(proc.stdout.readline().split()[2], Session("sess_quinta_demo", "org_quinta"))
        mock.add_fault("drop_after_commit", disconnect=True)
        req = urllib.request.Request(
            mock.url("/v1/auth/api-keys"),
            method="POST",
            data=json.dumps({"name": "cut", "scopes": ["products:read"]}).encode(),
            headers={"Content-Type": "application/json", "Cookie": mock.session.header},
        )
        with pytest.raises(http.client.IncompleteRead), urllib.request.urlopen(req, timeout=10) as resp:
            resp.read()
        assert [k["name"] for k in mock.keys()] == ["cut"]
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
