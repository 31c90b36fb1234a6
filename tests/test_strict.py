"""Strict mode: an answer that breaks openapi.yaml never leaves the mock as if it were right.

Each test builds the mock with one handler deliberately broken (here, never in ``mock_server``),
the way a mock drifts from its spec, and checks that strict mode names the operation and where.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask, Response

from mock_server import create_app
from mock_server.api import api_keys, products
from mock_server.api.responses import json_response
from mock_server.api.routing import Call
from mock_server.cli import app_config, options
from mock_server.handle import handle_of
from tests.support.clients import QUINTA, Dashboard, json_of, leaks

Broken = Callable[[Call], Response]


def broken_app(
    monkeypatch: pytest.MonkeyPatch, module: Any, operation_id: str, handler: Broken, **config: Any
) -> Flask:
    """A mock whose ``operation_id`` answers with ``handler`` instead of its own."""
    monkeypatch.setitem(module.HANDLERS, operation_id, handler)
    return create_app({"SEED": 7, **config})


def product_with(**fields: Any) -> Broken:
    def handler(call: Call) -> Response:
        product = call.state.products.get(call.org_id, call.path_params["productId"]).to_json()
        return json_response({**product, **fields})

    return handler


def first_product(api: Dashboard) -> tuple[str, str]:
    secret = api.secret(["products:read"])
    listed = json_of(api.app.test_client().get("/v1/products", headers={"Authorization": f"Bearer {secret}"}))
    return secret, listed["data"][0]["productId"]


def get_product(app: Flask, secret: str, product_id: str) -> Any:
    return app.test_client().get(f"/v1/products/{product_id}", headers={"Authorization": f"Bearer {secret}"})


def test_a_body_field_that_breaks_its_schema_is_a_500_naming_operation_and_pointer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = broken_app(monkeypatch, products, "getProduct", product_with(gtin="12345"))
    secret, product_id = first_product(Dashboard(app))
    r = get_product(app, secret, product_id)
    body = json_of(r)
    assert (r.status_code, body["error"], body["status"]) == (500, "mock_contract_violation", 500)
    assert (body["operation"], body["pointer"]) == ("getProduct", "/gtin")
    assert "getProduct" in body["message"] and "/gtin" in body["message"]


def test_the_journal_records_why_the_answer_was_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    app = broken_app(monkeypatch, products, "getProduct", product_with(qrCodeUrl=None))
    secret, product_id = first_product(Dashboard(app))
    get_product(app, secret, product_id)
    entries, _ = handle_of(app).plane.journal.query(path="/v1/products/*")
    assert entries[-1]["status"] == 500
    assert entries[-1]["reason"] == {
        "code": "mock_contract_violation",
        "operation": "getProduct",
        "pointer": "/qrCodeUrl",
        "status": 200,
    }


def test_an_undocumented_status_points_at_the_operations_responses(monkeypatch: pytest.MonkeyPatch) -> None:
    app = broken_app(monkeypatch, products, "listProducts", lambda call: json_response({"teapot": True}, 418))
    secret = Dashboard(app).secret(["products:read"])
    body = json_of(app.test_client().get("/v1/products", headers={"Authorization": f"Bearer {secret}"}))
    assert (body["operation"], body["pointer"]) == ("listProducts", "#/paths/~1v1~1products/get/responses")
    assert "status 418 is not documented" in body["message"]


def test_a_missing_documented_header_points_at_the_header(monkeypatch: pytest.MonkeyPatch) -> None:
    def cacheable_secret(call: Call) -> Response:
        key, secret = call.state.keys.create(call.org_id, call.body["name"], call.body["scopes"])
        return json_response({**key.to_json(), "secret": secret}, 201, {"Location": f"/v1/auth/api-keys/{key.id}"})

    app = broken_app(monkeypatch, api_keys, "createApiKey", cacheable_secret)
    r = Dashboard(app).create_key()
    body = json_of(r)
    assert r.status_code == 500
    assert body["pointer"] == "#/paths/~1v1~1auth~1api-keys/post/responses/201/headers/Cache-Control"
    assert body["operation"] == "createApiKey"


def test_a_broken_create_answer_never_shows_the_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []

    def secret_in_the_name(call: Call) -> Response:
        key, secret = call.state.keys.create(call.org_id, call.body["name"], call.body["scopes"])
        shown.append(secret)
        body = {**key.to_json(), "secret": secret + "!", "createdAt": secret}
        return json_response(body, 201, api_keys.NO_STORE | {"Location": "/x"})

    app = broken_app(monkeypatch, api_keys, "createApiKey", secret_in_the_name)
    r = Dashboard(app).create_key()
    assert r.status_code == 500
    assert not leaks(shown[0], r.get_data(as_text=True)), "the violation shows the secret"
    entries, _ = handle_of(app).plane.journal.query()
    assert not leaks(shown[0], json.dumps(entries)), "the journal shows the secret"


def test_a_violation_uses_the_configured_error_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    app = broken_app(monkeypatch, products, "getProduct", product_with(gtin="12345"), ERROR_FORMAT="nested")
    secret, product_id = first_product(Dashboard(app))
    error = json_of(get_product(app, secret, product_id))["error"]
    assert (error["type"], error["operation"], error["pointer"]) == ("mock_contract_violation", "getProduct", "/gtin")


def test_without_strict_the_broken_answer_goes_out_as_the_handler_made_it(monkeypatch: pytest.MonkeyPatch) -> None:
    app = broken_app(monkeypatch, products, "getProduct", product_with(gtin="12345"), STRICT=False)
    secret, product_id = first_product(Dashboard(app))
    r = get_product(app, secret, product_id)
    assert (r.status_code, json_of(r)["gtin"]) == (200, "12345")


def test_every_answer_of_the_real_handlers_passes_the_check(api: Dashboard) -> None:
    r = api.create_key(["products:read", "products:write"])
    assert r.status_code == 201, r.get_data(as_text=True)
    secret = json_of(r)["secret"]
    client = api.app.test_client()
    auth = {"Authorization": f"Bearer {secret}"}
    created = client.post("/v1/products", json={"name": "n", "category": "wine", "gtin": "4006381333931"}, headers=auth)
    assert created.status_code == 201, created.get_data(as_text=True)
    statuses = [
        client.get("/v1/products", headers=auth).status_code,
        client.get("/v1/products/nope", headers=auth).status_code,
        client.get("/v1/products?limit=0", headers=auth).status_code,
        api.list_keys().status_code,
        api.list_keys(session=None).status_code,
        api.revoke("key_000000000000000000000000", session=QUINTA).status_code,
    ]
    assert statuses == [200, 404, 422, 200, 401, 404]


@pytest.mark.parametrize(("argv", "strict"), [([], False), (["--strict"], True)])
def test_the_command_line_is_strict_only_when_asked(argv: list[str], strict: bool) -> None:
    assert app_config(options(argv, environ={}))["STRICT"] is strict
