"""Every failure answers JSON in the configured documented shape (C24-C29)."""

from __future__ import annotations

import pytest
from flask import Flask

from mock_server import create_app
from tests.support.clients import QUINTA, json_of


def test_flat_error_has_code_message_and_status(app: Flask) -> None:
    body = json_of(app.test_client().get("/v1/products"))
    assert body["error"] == "unauthorized"
    assert body["status"] == 401
    assert isinstance(body["message"], str) and body["message"]


def test_nested_errors_use_gen1_names() -> None:
    body = json_of(create_app({"ERROR_FORMAT": "nested"}).test_client().get("/v1/products"))
    assert body == {
        "error": {"type": "authentication_error", "code": "authentication_error", "message": "Missing API key."}
    }


def test_nested_validation_error_names_the_param() -> None:
    c = create_app({"ERROR_FORMAT": "nested"}).test_client()
    c.set_cookie("eulabel_session", QUINTA)
    body = json_of(c.post("/v1/auth/api-keys", json={"name": "x", "scopes": []}))
    assert body["error"]["type"] == "validation_error"
    assert body["error"]["param"] == "scopes"


def test_unknown_error_format_is_refused() -> None:
    with pytest.raises(ValueError, match="ERROR_FORMAT"):
        create_app({"ERROR_FORMAT": "xml"})


def test_unknown_path_is_json_404(app: Flask) -> None:
    r = app.test_client().get("/v1/nothing-here")
    assert r.status_code == 404
    assert r.mimetype == "application/json"
    assert json_of(r)["error"] == "not_found"


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "/v1/products", {"GET"}),
        ("PATCH", "/v1/auth/api-keys", {"GET", "POST"}),
        ("GET", "/v1/auth/api-keys/key_x", {"DELETE"}),
    ],
)
def test_wrong_method_is_json_405_with_allow(app: Flask, method: str, path: str, allowed: set[str]) -> None:
    r = app.test_client().open(path, method=method)
    assert r.status_code == 405
    assert json_of(r)["error"] == "method_not_allowed"
    assert allowed <= {m.strip() for m in r.headers["Allow"].split(",")}


def test_oversized_body_is_json_413() -> None:
    c = create_app({"MAX_CONTENT_LENGTH": 1000}).test_client()
    c.set_cookie("eulabel_session", QUINTA)
    r = c.post("/v1/auth/api-keys", data="x" * 5000, content_type="application/json")
    assert r.status_code == 413
    assert json_of(r)["error"] == "payload_too_large"


@pytest.mark.parametrize(
    "query",
    [
        "?limit=abc",
        "?limit=0",
        "?limit=101",
        "?offset=-1",
        "?limit=1.5",
        "?limit=1&limit=2",
        "?bogus=1",
        "?limit=99999999999999999999999",
    ],
)
def test_bad_query_is_422_naming_the_parameter(app: Flask, query: str) -> None:
    c = app.test_client()
    c.set_cookie("eulabel_session", QUINTA)
    secret = json_of(c.post("/v1/auth/api-keys", json={"name": "q", "scopes": ["products:read"]}))["secret"]
    r = app.test_client().get("/v1/products" + query, headers={"Authorization": f"Bearer {secret}"})
    assert r.status_code == 422
    assert json_of(r)["param"] in {"limit", "offset", "bogus"}


def test_unexpected_failure_is_json_500_without_details() -> None:
    app = create_app()

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("sk_test_" + "Z" * 32)

    r = app.test_client().get("/boom")
    assert r.status_code == 500
    assert json_of(r)["error"] == "internal_error"
    assert "Z" * 32 not in r.get_data(as_text=True)
