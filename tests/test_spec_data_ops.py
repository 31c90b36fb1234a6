"""openapi.yaml for the bearer operations: examples the mock accepts, links, documented 429s and headers."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from mock_server.api.spec import HTTP_METHODS, load_spec, operations
from tests.support.clients import DATA_SCOPES, key_client, new_session

SPEC = load_spec()
OPS = {op.operation_id: op for op in operations(SPEC)}
RAW = {op["operationId"]: op for item in SPEC["paths"].values() for m, op in item.items() if m in HTTP_METHODS}
BEARER = sorted(name for name, op in OPS.items() if op.auth == "bearer")
RATE_HEADERS = {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"}


def ref_target(ref: str) -> dict[str, Any]:
    node: Any = SPEC
    for part in ref.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return dict(node)


def deref(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = ref_target(node["$ref"])
    return node


def body_examples() -> list[tuple[str, str, Any]]:
    out = []
    for name, op in RAW.items():
        media = op.get("requestBody", {}).get("content", {}).get("application/json", {})
        if "example" in media:
            out.append((name, "example", media["example"]))
        for label, example in media.get("examples", {}).items():
            out.append((name, label, deref(example)["value"]))
    return out


@pytest.mark.parametrize(("operation_id", "label", "example"), body_examples())
def test_every_request_body_example_passes_the_mocks_own_validation(
    operation_id: str, label: str, example: Any
) -> None:
    validator = OPS[operation_id].body_validator
    assert validator is not None
    errors = [e.message for e in validator.iter_errors(example)]
    assert errors == [], f"{operation_id} example {label!r}"


def test_examples_exist_for_the_create_operations() -> None:
    names = {name for name, _, _ in body_examples()}
    assert {"createProduct", "createPassport"} <= names


@pytest.mark.parametrize("operation_id", BEARER)
def test_every_bearer_operation_documents_429_with_retry_after(operation_id: str) -> None:
    response = deref(RAW[operation_id]["responses"]["429"])
    assert response["headers"]["Retry-After"]
    assert RATE_HEADERS <= set(response["headers"])


@pytest.mark.parametrize("operation_id", BEARER)
def test_every_authenticated_bearer_response_documents_the_rate_limit_headers(operation_id: str) -> None:
    for status, response in RAW[operation_id]["responses"].items():
        if status in ("401", "421"):  # no key recognised: refused for its credential, or before reading it
            continue
        assert RATE_HEADERS <= set(deref(response).get("headers", {})), f"{operation_id} {status}"


@pytest.mark.parametrize(
    ("source", "status", "link", "target"),
    [
        ("createProduct", "201", "GetProduct", "getProduct"),
        ("createPassport", "201", "GetPassport", "getPassport"),
        ("createPassport", "200", "GetPassport", "getPassport"),
    ],
)
def test_create_operations_link_to_their_get(source: str, status: str, link: str, target: str) -> None:
    links = RAW[source]["responses"][status]["links"]
    assert links[link]["operationId"] == target
    assert target in OPS


def test_every_link_targets_an_existing_operation() -> None:
    targets = [
        link["operationId"]
        for op in RAW.values()
        for r in op["responses"].values()
        for link in deref(r).get("links", {}).values()
    ]
    assert targets and all(t in OPS for t in targets)


def test_the_examples_work_end_to_end_in_order(app: Flask) -> None:
    client = key_client(app, DATA_SCOPES, session=new_session(app))
    statuses = [
        client.post(path, example).status_code
        for path, name in (("/v1/products", "createProduct"), ("/v1/passports", "createPassport"))
        for op_name, _, example in body_examples()
        if op_name == name
    ]
    assert statuses == [201, 201, 201, 200]
