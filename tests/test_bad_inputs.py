"""Every case of the bad-input catalogue (tests/bad_inputs.py) gets its documented JSON error, never a 5xx."""

from __future__ import annotations

import json

import pytest
from flask import Flask

from mock_server import create_app
from tests.bad_inputs import CASES, FAKE_KEY, Bad
from tests.clients import DATA_SCOPES, QUINTA, key_client


@pytest.fixture(scope="module")
def app() -> Flask:
    return create_app({"SEED": 21, "RATE_LIMIT": "0"})


def test_the_catalogue_has_at_least_60_uniquely_named_cases() -> None:
    names = [case.name for case in CASES]
    assert len(names) >= 60
    assert len(set(names)) == len(names)


def headers_for(app: Flask, case: Bad) -> dict[str, str]:
    headers = dict(case.headers)
    if case.auth.startswith("key") or case.auth == "read":
        scopes = ["products:read"] if case.auth == "read" else DATA_SCOPES
        secret = key_client(app, scopes)._headers["Authorization"].removeprefix("Bearer ")
        form = case.auth.partition(":")[2] or "Bearer {k}"
        headers["Authorization"] = form.format(k=secret)
    return headers


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_bad_input_gets_its_documented_json_error(app: Flask, case: Bad) -> None:
    data = case.body if isinstance(case.body, bytes) else None if case.body is None else json.dumps(case.body)
    content_type = (
        case.content_type if case.content_type is not None else ("application/json" if data is not None else None)
    )
    headers = headers_for(app, case)
    environ = {"HTTP_AUTHORIZATION": headers.pop("Authorization")} if "Authorization" in headers else {}
    client = app.test_client()
    if case.auth == "session" or case.auth.startswith("cookie:"):
        client.set_cookie("eulabel_session", case.auth.partition(":")[2] or QUINTA)
    r = client.open(
        case.path,
        method=case.method,
        data=data,
        content_type=content_type or None,
        headers=headers,
        environ_base=environ,
    )
    assert r.mimetype == "application/json"
    body = r.get_json()
    assert (r.status_code, body["error"]) == (case.status, case.code), body
    assert body["status"] == case.status and body["message"]
    if case.param is not None:
        assert body.get("param") == case.param, body
    if case.says is not None:
        assert case.says in body["message"], body
    assert FAKE_KEY[12:] not in r.get_data(as_text=True)
