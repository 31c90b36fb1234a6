"""openapi.yaml as the suite checks it: whole for the mock, a "documented view" for other targets.

The documented view keeps what the docs promise and relaxes what the spec marks ``x-documented: false``
(or says is an assumption), so a correct server that differs where the docs are silent is not flagged.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from mock_server.api.spec import load_spec

_REF = "#/components/"


def full_spec() -> dict[str, Any]:
    return copy.deepcopy(load_spec())


def _resolve(spec: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/"):
        target: Any = spec
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = target
    return node


def _has_undocumented(spec: dict[str, Any], schema: Any, seen: frozenset[str] = frozenset()) -> bool:
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str):
            return ref not in seen and _has_undocumented(spec, _resolve(spec, schema), seen | {ref})
        if schema.get("x-documented") is False:
            return True
        return any(_has_undocumented(spec, v, seen) for v in schema.values())
    if isinstance(schema, list):
        return any(_has_undocumented(spec, v, seen) for v in schema)
    return False


@cache
def _documented() -> dict[str, Any]:
    spec = full_spec()
    components = spec.get("components", {})
    # Response headers the docs never mention (Location, Cache-Control, WWW-Authenticate).
    for response in components.get("responses", {}).values():
        _drop_undocumented_headers(response)
    for item in spec["paths"].values():
        for method, op in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = op.get("responses", {})
            # Any request may be rate-limited (C32, C33) or fail validation (C29); the docs promise the
            # status and error shape, not which calls.
            for code, why in (("422", "Validation failure (C29)."), ("429", "Rate limited (C33).")):
                responses.setdefault(
                    code,
                    {
                        "description": why,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                )
            for code in list(responses):
                response = _resolve(spec, responses[code])
                if code.startswith("2") and response.get("x-documented") is False:
                    # An undocumented success status (e.g. 204 on revoke): any 2xx, any body.
                    del responses[code]
                    responses["2XX"] = {"description": "Any success (the docs name no status)."}
                    continue
                if "$ref" not in responses[code]:
                    _drop_undocumented_headers(response)
                    for media in response.get("content", {}).values():
                        if _has_undocumented(spec, media.get("schema")):
                            media["schema"] = {}  # field names the docs never give
    _relax_request_schemas(components.get("schemas", {}))
    _relax_query_bounds(spec)
    return spec


def _relax_query_bounds(spec: dict[str, Any]) -> None:
    """A server may clamp an out-of-range page size instead of refusing it; keep only the types."""
    for item in spec["paths"].values():
        for op in item.values():
            for param in op.get("parameters", []) if isinstance(op, dict) else ():
                if param.get("in") == "query":
                    for keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
                        param.get("schema", {}).pop(keyword, None)


def _drop_undocumented_headers(response: dict[str, Any]) -> None:
    headers = response.get("headers", {})
    for name in [n for n, h in headers.items() if isinstance(h, dict) and h.get("x-documented") is False]:
        del headers[name]


def _relax_request_schemas(schemas: dict[str, Any]) -> None:
    """Drop request limits the spec states as assumptions, so negative tests do not rely on them."""
    scope = schemas.get("Scope")
    if scope and "api_keys:manage" not in scope.get("enum", []):
        # C5 lists it among a key's scopes; refusing it on a key (C6: session-only) is our reading.
        scope["enum"] = [*scope["enum"], "api_keys:manage"]
    create = schemas.get("ApiKeyCreate")
    if create:
        create.get("properties", {})["name"] = {"type": "string"}
        scopes = create.get("properties", {}).get("scopes", {})
        for keyword in ("maxItems", "uniqueItems"):
            scopes.pop(keyword, None)
    for schema in schemas.values():
        for prop in schema.get("properties", {}).values() if isinstance(schema, dict) else ():
            if isinstance(prop, dict) and prop.get("x-documented") is False:
                for keyword in ("maxLength", "pattern", "maximum", "maxItems", "uniqueItems"):
                    prop.pop(keyword, None)


def documented_spec() -> dict[str, Any]:
    return copy.deepcopy(_documented())


def spec_for(foreign: bool, documented_only: bool) -> dict[str, Any]:
    return documented_spec() if foreign or documented_only else full_spec()
