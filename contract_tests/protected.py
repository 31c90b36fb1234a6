"""Every operation openapi.yaml protects, derived from its ``security``, path parameters and links.

The auth checks are generated from this list, so an operation added to the spec is covered the day it
is added: its scopes come from ``security``, the values of its path parameters from the operation whose
link produces them, and its request body from the spec's example.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from . import gtins
from .client import KEY_SCOPES
from .spec_source import load_spec

METHODS = ("get", "put", "post", "delete", "patch")


@dataclass(frozen=True)
class Producer:
    """An operation whose success response carries a path parameter's value (``pointer`` into its body)."""

    operation_id: str
    pointer: str


@dataclass(frozen=True)
class Protected:
    method: str
    path: str
    operation_id: str
    scheme: str  # "bearer" or "session"
    scope_sets: tuple[frozenset[str], ...]  # any one of these sets grants the operation
    path_params: tuple[str, ...]
    example: Any = None
    producers: dict[str, Producer] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def safe(self) -> bool:
        return self.method in ("GET", "HEAD")

    def missing_scope_set(self) -> list[str]:
        """Every documented scope except those that would grant this operation."""
        granting = set().union(*self.scope_sets) if self.scope_sets else set()
        return [s for s in KEY_SCOPES if s not in granting]

    def body(self, prefix: str, serial: int) -> Any:
        """A fresh copy of the spec's example: a new GTIN and a run-prefixed name, so it can be sent again."""
        body = copy.deepcopy(self.example)
        if isinstance(body, dict):
            if "gtin" in body:
                body["gtin"] = gtins.make()
            if "name" in body:
                body["name"] = f"{prefix}auth-{serial}"
        return body

    def url_path(self, values: dict[str, str]) -> str:
        path = self.path
        for name in self.path_params:
            path = path.replace("{" + name + "}", values.get(name, "unknown-" + name))
        return path


def _example(op: dict[str, Any]) -> Any:
    media = op.get("requestBody", {}).get("content", {}).get("application/json", {})
    if "example" in media:
        return media["example"]
    examples: dict[str, Any] = media.get("examples") or {}
    first: dict[str, Any] = next(iter(examples.values()), {})
    return first.get("value")


def _producers(spec: dict[str, Any]) -> dict[str, dict[str, Producer]]:
    """operationId -> {path parameter: the operation and pointer a link takes its value from}."""
    found: dict[str, dict[str, Producer]] = {}
    for item in spec["paths"].values():
        for method in METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            for code, response in op.get("responses", {}).items():
                if not str(code).startswith("2") or not isinstance(response, dict):
                    continue
                for link in response.get("links", {}).values():
                    for name, expr in link.get("parameters", {}).items():
                        if isinstance(expr, str) and expr.startswith("$response.body#"):
                            found.setdefault(link["operationId"], {}).setdefault(
                                name.split(".")[-1], Producer(op["operationId"], expr.split("#", 1)[1])
                            )
    return found


@cache
def protected_operations() -> tuple[Protected, ...]:
    spec = load_spec()
    producers = _producers(spec)
    out = []
    for path, item in spec["paths"].items():
        shared = [p["name"] for p in item.get("parameters", []) if p.get("in") == "path"]
        for method in METHODS:
            op = item.get(method)
            if not isinstance(op, dict) or not op.get("security", spec.get("security")):
                continue
            security: list[dict[str, Any]] = op.get("security", spec.get("security")) or []
            scheme = "session" if any("sessionCookie" in req for req in security) else "bearer"
            scopes = tuple(frozenset(req.get("bearerAuth", [])) for req in security if "bearerAuth" in req)
            params = shared + [p["name"] for p in op.get("parameters", []) if p.get("in") == "path"]
            out.append(
                Protected(
                    method.upper(),
                    path,
                    op["operationId"],
                    scheme,
                    scopes,
                    tuple(params),
                    _example(op),
                    producers.get(op["operationId"], {}),
                )
            )
    return tuple(out)


def bearer_operations() -> list[Protected]:
    return [p for p in protected_operations() if p.scheme == "bearer"]


def session_operations() -> list[Protected]:
    return [p for p in protected_operations() if p.scheme == "session"]


def operation_by_id(operation_id: str) -> Protected | None:
    return next((p for p in protected_operations() if p.operation_id == operation_id), None)


def resolve(body: Any, pointer: str, name: str) -> str | None:
    """The value at ``pointer`` in ``body``; else a field named like the parameter (field names may differ)."""
    node = body
    for part in [p for p in pointer.split("/") if p]:
        node = node.get(part) if isinstance(node, dict) else None
    if isinstance(node, (str, int)) and not isinstance(node, bool):
        return str(node)
    if isinstance(body, dict):
        for key, value in body.items():
            if key.lower() == name.lower() and isinstance(value, (str, int)):
                return str(value)
    return None
