"""openapi.yaml, loaded once, and the per-operation facts and validators compiled from it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

HTTP_METHODS = ("get", "put", "post", "delete", "patch")


def spec_path() -> Path:
    """The installed copy of openapi.yaml, or the repository's one in a source checkout."""
    package = Path(__file__).resolve().parents[1]
    for candidate in (package / "openapi.yaml", package.parent / "openapi.yaml"):
        if candidate.exists():
            return candidate
    raise FileNotFoundError("openapi.yaml not found beside mock_server")


@cache
def load_spec(path: str | None = None) -> dict[str, Any]:
    with open(path or spec_path(), encoding="utf-8") as fh:
        return dict(yaml.safe_load(fh))


@dataclass(slots=True)
class QueryParam:
    name: str
    schema: dict[str, Any]
    default: Any
    is_integer: bool
    # (minimum, maximum) when the schema says only "an integer in this range": such a value is
    # checked by comparison, and jsonschema is asked only for a value that fails (for its message).
    int_range: tuple[float, float] | None = None


@dataclass(slots=True)
class Operation:
    """What the mock needs to know about one operation of the spec."""

    operation_id: str
    method: str
    path: str
    rule: str
    auth: str | None  # "bearer", "session" or None
    scopes: tuple[frozenset[str], ...]  # alternatives: holding every scope of any one set suffices
    body_validator: Draft202012Validator | None
    query: dict[str, QueryParam] = field(default_factory=dict)
    query_validator: Draft202012Validator | None = None
    path_validator: Draft202012Validator | None = None
    defaults: dict[str, Any] = field(default_factory=dict)


def inline(schema: Any, spec: dict[str, Any], depth: int = 0) -> Any:
    """``schema`` with every local ``$ref`` replaced by its target.

    Validating a self-contained schema skips the reference lookups that otherwise cost more than
    the validation itself on every request.
    """
    if depth > 64:
        raise ValueError("openapi.yaml: $ref nesting too deep (a recursive schema?)")
    if isinstance(schema, list):
        return [inline(item, spec, depth + 1) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: inline(v, spec, depth + 1) for k, v in schema.items() if k != "$ref"}
    ref = schema.get("$ref")
    if not isinstance(ref, str):
        return out
    if not ref.startswith("#/"):
        raise ValueError(f"openapi.yaml: only local $refs are supported, not {ref!r}")
    target: Any = spec
    for part in ref[2:].split("/"):
        target = target[part.replace("~1", "/").replace("~0", "~")]
    resolved = inline(target, spec, depth + 1)
    return {**out, "allOf": [*out.get("allOf", []), resolved]} if out else resolved


def _validator(schema: dict[str, Any], spec: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(inline(schema, spec), format_checker=Draft202012Validator.FORMAT_CHECKER)


def _object_validator(params: list[dict[str, Any]], spec: dict[str, Any]) -> Draft202012Validator:
    return _validator(
        {
            "type": "object",
            "properties": {p["name"]: p.get("schema", {}) for p in params},
            "required": [p["name"] for p in params if p.get("required")],
            "additionalProperties": False,
        },
        spec,
    )


def operations(spec: dict[str, Any]) -> list[Operation]:
    """Every operation in the spec, with compiled validators for its body and parameters."""
    schemes = spec.get("components", {}).get("securitySchemes", {})
    ops = []
    for path, item in spec["paths"].items():
        shared = item.get("parameters", [])
        for method in HTTP_METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = {(p["in"], p["name"]): p for p in [*shared, *op.get("parameters", [])]}
            query = [p for (where, _), p in params.items() if where == "query"]
            path_params = [p for (where, _), p in params.items() if where == "path"]
            auth, scopes = _security(op.get("security", spec.get("security", [])), schemes)
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            ops.append(
                Operation(
                    operation_id=op["operationId"],
                    method=method.upper(),
                    path=path,
                    rule=re.sub(r"\{(\w+)\}", r"<\1>", path),
                    auth=auth,
                    scopes=scopes,
                    body_validator=_validator(body["schema"], spec) if body else None,
                    query={
                        p["name"]: QueryParam(
                            p["name"],
                            p.get("schema", {}),
                            p.get("schema", {}).get("default"),
                            p.get("schema", {}).get("type") == "integer",
                            _int_range(p) if not any(q.get("required") for q in query) else None,
                        )
                        for p in query
                    },
                    query_validator=_object_validator(query, spec),
                    path_validator=_object_validator(path_params, spec) if path_params else None,
                    defaults={p["name"]: p["schema"]["default"] for p in query if "default" in p.get("schema", {})},
                )
            )
    return ops


_RANGE_KEYS = {"type", "minimum", "maximum", "default", "description"}


def _int_range(param: dict[str, Any]) -> tuple[float, float] | None:
    schema = param.get("schema", {})
    if schema.get("type") != "integer" or not set(schema) <= _RANGE_KEYS:
        return None
    return schema.get("minimum", float("-inf")), schema.get("maximum", float("inf"))


def _security(
    requirements: list[dict[str, list[str]]], schemes: dict[str, Any]
) -> tuple[str | None, tuple[frozenset[str], ...]]:
    """The operation's credential kind and its alternative scope sets (OpenAPI ORs requirements)."""
    auth: str | None = None
    alternatives = []
    for requirement in requirements:
        for name, scopes in requirement.items():
            scheme = schemes[name]
            if scheme["type"] == "http" and scheme.get("scheme") == "bearer":
                auth = "bearer"
                alternatives.append(frozenset(scopes))
            elif scheme["type"] == "apiKey" and scheme.get("in") == "cookie":
                auth = "session"
    return auth, tuple(alternatives)
