"""openapi.yaml as the suite checks it: whole for the mock, a "documented view" for every other target.

The documented view is built, not relaxed: it takes the operations, paths, security and links of
openapi.yaml, and every status, body schema, request schema and header from ``documented.DOCUMENTED``
(what the docs show). Nothing else in openapi.yaml (a required field, a format, an id pattern, a header,
a success status) can reach it, in a top-level body, a nested object, an array, or a schema that a link
or a stateful run leads to.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from . import documented as docs
from .spec_source import load_spec

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def full_spec() -> dict[str, Any]:
    return copy.deepcopy(load_spec())


def _error(status: str) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": f"Documented error ({status}).",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    if status == "429":
        response["headers"] = {"Retry-After": copy.deepcopy(docs.RETRY_AFTER)}
    return response


def _rate_limit_headers() -> dict[str, Any]:
    return {
        name: {"required": False, "schema": {"type": "string", "pattern": r"^\s*[0-9]+\s*$"}}
        for name in docs.RATE_LIMIT_HEADERS
    }


def _links(op: dict[str, Any]) -> dict[str, Any]:
    """Every link of the operation's success responses (they name operations and JSON pointers only)."""
    found: dict[str, Any] = {}
    for code, response in op.get("responses", {}).items():
        if str(code).startswith("2") and isinstance(response, dict):
            found.update(copy.deepcopy(response.get("links", {})))
    return found


def _operation(op: dict[str, Any]) -> dict[str, Any]:
    doc = docs.operation(op.get("operationId"))
    success: dict[str, Any] = {"description": "Success, as documented.", "headers": _rate_limit_headers()}
    if doc.response:
        success["content"] = {"application/json": {"schema": copy.deepcopy(doc.response)}}
    links = _links(op)
    if links:
        success["links"] = links
    built: dict[str, Any] = {
        "operationId": op.get("operationId"),
        "responses": {doc.success: success, **{status: _error(status) for status in docs.ERROR_STATUSES}},
    }
    if "security" in op:
        built["security"] = copy.deepcopy(op["security"])
    params = [_parameter(p, doc) for p in op.get("parameters", [])]
    if any(p is not None for p in params):
        built["parameters"] = [p for p in params if p is not None]
    if "requestBody" in op:
        schema = copy.deepcopy(doc.request) if doc.request is not None else {}
        built["requestBody"] = {"required": True, "content": {"application/json": {"schema": schema}}}
    return built


def _parameter(param: dict[str, Any], doc: docs.Operation) -> dict[str, Any] | None:
    where, name = param.get("in"), param.get("name")
    if where == "path":
        return {"name": name, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1}}
    if where == "query" and name in doc.query:
        # Documented by name only: a server may clamp or ignore a value the docs do not rule out.
        return {"name": name, "in": "query", "required": False, "schema": {}}
    return None


def build_documented(spec: dict[str, Any]) -> dict[str, Any]:
    """The documented view of ``spec``: its operations and links, with everything else from ``documented``."""
    paths: dict[str, Any] = {}
    for path, item in spec["paths"].items():
        built: dict[str, Any] = {}
        shared = [p for p in item.get("parameters", []) if isinstance(p, dict)]
        for method in METHODS:
            if method in item:
                op = dict(item[method])
                op["parameters"] = [*shared, *op.get("parameters", [])]
                built[method] = _operation(op)
        paths[path] = built
    schemas = spec.get("components", {}).get("schemas", {})
    error_schemas = {name: copy.deepcopy(schemas[name]) for name in ("Error", "FlatError", "NestedError")}
    return {
        "openapi": spec["openapi"],
        "info": {**spec["info"], "title": spec["info"]["title"] + " (documented view)"},
        "servers": copy.deepcopy(spec.get("servers", [])),
        "security": copy.deepcopy(spec.get("security", [])),
        "paths": paths,
        "components": {
            "schemas": error_schemas,
            "securitySchemes": copy.deepcopy(spec["components"]["securitySchemes"]),
        },
    }


@cache
def _documented() -> dict[str, Any]:
    return build_documented(load_spec())


def documented_spec() -> dict[str, Any]:
    return copy.deepcopy(_documented())


def spec_for(foreign: bool, documented_only: bool) -> dict[str, Any]:
    return documented_spec() if foreign or documented_only else full_spec()
