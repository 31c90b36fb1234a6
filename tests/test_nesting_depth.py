"""Deeply nested JSON is refused at parse time with a 400 naming the limit, on every route (issue 10, item 2).

The class of defect: any structure deep enough reaches a recursive step (schema keywords such as
``uniqueItems``, ``repr``, the encoder, the journal's masking) and ends in a RecursionError.
The limit is this project's choice; the docs are silent.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mock_server.json_limits import MAX_DEPTH, TooDeep, depth, loads
from tests.support.clients import DATA_SCOPES, QUINTA, json_of, key_client


def nested(levels: int) -> Any:
    value: Any = "x"
    for _ in range(levels):
        value = [value]
    return value


def deep_text(levels: int, kind: str = "list") -> str:
    """The JSON text of ``levels`` nested containers, built without recursion."""
    opening, closing = ("[", "]") if kind == "list" else ('{"a":', "}")
    return opening * levels + '"x"' + closing * levels


# (method, path, body around the deep value, credentials): every route that takes a body.
BODY_ROUTES = [
    ("POST", "/v1/auth/api-keys", lambda deep: {"name": "k", "scopes": [deep, deep]}, "session"),
    ("POST", "/v1/auth/api-keys", lambda deep: {"name": deep, "scopes": ["products:read"]}, "session"),
    ("POST", "/v1/products", lambda deep: {"name": deep, "category": "wine", "gtin": "4006381333931"}, "key"),
    ("POST", "/v1/passports", lambda deep: {"gtin": "4006381333931", "data": {"ingredients": deep}}, "key"),
    ("POST", "/v1/passports", lambda deep: {"gtin": "4006381333931", "data": {"extra": deep}}, "key"),
    ("POST", "/_mock/sessions", lambda deep: {"organizationId": deep}, "none"),
    ("POST", "/_mock/faults", lambda deep: {"action": "latency", "path": "/v1/*", "ms": deep}, "none"),
    ("POST", "/_mock/clock/freeze", lambda deep: {"at": deep}, "none"),
    ("POST", "/_mock/clock/advance", lambda deep: {"seconds": deep}, "none"),
]


def leaf_path(build: Any) -> list[str]:
    """Where the deep value sits in a route's body, for test ids (e.g. data.ingredients)."""
    value, path = build("__DEEP__"), []
    while isinstance(value, dict):
        key = next(k for k, v in value.items() if "__DEEP__" in json.dumps(v))
        path.append(key)
        value = value[key]
    return path


def send(app: Flask, method: str, path: str, text: str, auth: str) -> Any:
    headers = {"Content-Type": "application/json"}
    client = app.test_client()
    if auth == "session":
        client.set_cookie("eulabel_session", QUINTA)
    elif auth == "key":
        headers["Authorization"] = key_client(app, DATA_SCOPES)._headers["Authorization"]
    return client.open(path, method=method, data=text, headers=headers)


def test_the_route_bodies_nest_exactly_as_deep_as_asked() -> None:
    for _, _, build, _ in BODY_ROUTES:
        above = depth(build(nested(100))) - 100
        text = json.dumps(build("__DEEP__")).replace('"__DEEP__"', deep_text(MAX_DEPTH + 1 - above))
        assert depth(json.loads(text)) == MAX_DEPTH + 1


@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, 245, 980, 5000, 100_000])
@pytest.mark.parametrize("route", BODY_ROUTES, ids=lambda r: f"{r[1]}:{'.'.join(leaf_path(r[2]))}")
def test_a_body_nested_beyond_the_limit_is_a_400_naming_the_limit(app: Flask, route: Any, levels: int) -> None:
    method, path, build, auth = route
    marker = '"__DEEP__"'
    above = depth(build(nested(100))) - 100  # containers around the marker
    text = json.dumps(build("__DEEP__")).replace(marker, deep_text(levels - above))
    r = send(app, method, path, text, auth)
    assert r.status_code == 400, r.get_data(as_text=True)[:300]
    body = json_of(r)
    assert body["error"] == "bad_request"
    assert f"deeper than {MAX_DEPTH} levels" in body["message"]


@pytest.mark.parametrize("kind", ["list", "dict"])
def test_a_body_at_the_limit_is_parsed(kind: str) -> None:
    assert depth(loads(deep_text(MAX_DEPTH, kind).encode())) == MAX_DEPTH


@pytest.mark.parametrize("kind", ["list", "dict"])
def test_loads_refuses_one_level_more_than_the_limit(kind: str) -> None:
    with pytest.raises(TooDeep):
        loads(deep_text(MAX_DEPTH + 1, kind).encode())


def test_depth_is_computed_without_recursion() -> None:
    deep: Any = "x"
    for _ in range(5000):  # far beyond the interpreter's recursion limit
        deep = {"a": [deep]}
    assert depth(deep) == 10_000
    assert depth(deep, stop=MAX_DEPTH) == MAX_DEPTH + 1


def test_the_journal_survives_a_deep_body_it_refused(client: FlaskClient) -> None:
    client.set_cookie("eulabel_session", QUINTA)
    text = '{"name": "sk_test_' + "A" * 30 + '", "scopes": ' + deep_text(990) + "}"
    r = client.post("/v1/auth/api-keys", data=text, content_type="application/json")
    assert r.status_code == 400
    journal = client.get("/_mock/journal")
    assert journal.status_code == 200
    [entry] = journal.get_json()["data"]
    assert "A" * 30 not in json.dumps(entry)


def test_the_spec_states_the_limit_the_mock_applies() -> None:
    from mock_server.api.spec import load_spec

    responses = load_spec()["components"]["responses"]
    for name in ("BadRequest", "BearerBadRequest"):
        assert f"deeper than {MAX_DEPTH} levels" in " ".join(responses[name]["description"].split())
