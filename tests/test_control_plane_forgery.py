"""The control plane refuses browser requests made for a page on another origin, and bodies that
are not JSON, whatever the token; scripts that send no Origin keep working (issue 19, item 2)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from mock_server import create_app
from mock_server.control.access import TOKEN_HEADER
from tests.support.clients import json_of

TOKEN = "control-" + "t0k3n" * 4
FAULT = {"action": "status", "path": "/v1/*", "status": 503}
CROSS = {
    "cross-site": {"Sec-Fetch-Site": "cross-site"},
    "same-site, another port": {"Sec-Fetch-Site": "same-site", "Origin": "http://127.0.0.1:9"},
    "foreign Origin alone": {"Origin": "http://evil.example"},
    "Origin null alone": {"Origin": "null"},
}


@pytest.fixture(params=[None, TOKEN], ids=["no token", "token"])
def app(request: pytest.FixtureRequest) -> Flask:
    return create_app({"SEED": 4, "CONTROL_TOKEN": request.param})


def token_of(app: Flask) -> dict[str, str]:
    token = app.config["CONTROL_TOKEN"]
    return {TOKEN_HEADER: token} if token else {}


@pytest.mark.parametrize("headers", CROSS.values(), ids=CROSS.keys())
@pytest.mark.parametrize(
    ("path", "body"), [("/_mock/reset", None), ("/_mock/faults", FAULT), ("/_mock/sessions", {})], ids=str
)
def test_a_cross_origin_browser_request_is_refused_even_with_the_token(
    app: Flask, headers: dict[str, str], path: str, body: Any
) -> None:
    r = app.test_client().post(path, json=body, headers={**headers, **token_of(app)})
    assert (r.status_code, json_of(r)["error"]) == (403, "forbidden")
    assert json_of(app.test_client().get("/_mock/faults", headers=token_of(app)))["data"] == []


@pytest.mark.parametrize(
    ("content_type", "data"),
    [
        ("text/plain", b'{"action": "status", "path": "/v1/*", "status": 503}'),
        ("application/x-www-form-urlencoded", b""),
        ("multipart/form-data; boundary=x", b"--x--"),
        ("", b'{"action": "status", "path": "/v1/*", "status": 503}'),
    ],
    ids=["text/plain JSON", "empty form", "multipart", "no content type"],
)
def test_a_body_that_is_not_json_is_refused_and_changes_nothing(app: Flask, content_type: str, data: bytes) -> None:
    client = app.test_client()
    r = client.post("/_mock/faults", data=data, content_type=content_type or None, headers=token_of(app))
    assert (r.status_code, json_of(r)["error"]) == (400, "bad_request")
    assert "JSON" in json_of(r)["message"]
    assert json_of(client.get("/_mock/faults", headers=token_of(app)))["data"] == []


@pytest.mark.parametrize("site", ["same-origin", "none"])
def test_the_mocks_own_pages_and_typed_urls_pass(app: Flask, site: str) -> None:
    r = app.test_client().post("/_mock/faults", json=FAULT, headers={"Sec-Fetch-Site": site, **token_of(app)})
    assert r.status_code == 201


def test_scripts_without_origin_or_body_keep_working(app: Flask) -> None:
    client = app.test_client()
    assert client.post("/_mock/reset", headers=token_of(app)).status_code == 204  # curl -X POST
    assert client.post("/_mock/sessions", headers=token_of(app)).status_code == 201
    assert client.post("/_mock/faults", json=FAULT, headers=token_of(app)).status_code == 201
    same = {"Origin": "http://localhost", **token_of(app)}  # the mock's own origin
    assert client.post("/_mock/clock/freeze", json={}, headers=same).status_code == 200


def test_the_health_check_answers_anyone() -> None:
    r = create_app().test_client().get("/_mock/ready", headers={"Sec-Fetch-Site": "cross-site"})
    assert (r.status_code, json_of(r)) == (200, {"ready": True})
