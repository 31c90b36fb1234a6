"""What the public docs show for each operation of openapi.yaml, and nothing more.

The documented view of the spec (``spec_view.documented_spec``) is built from this table, not by relaxing
openapi.yaml: a field, status, format or header the spec adds is not documented until it is written here,
with the claim that backs it. An operation missing from the table gets any 2xx and any body.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ANY_SUCCESS = "2XX"
UUID = {"type": "string", "format": "uuid"}
TIMESTAMP = {"type": "string", "format": "date-time"}  # C22
SCOPES = [
    "products:read",
    "products:write",
    "passports:read",
    "passports:write",
    "suppliers:read",
    "suppliers:write",
    "analytics:read",
    "api_keys:manage",
]  # C5
# The scopes an API key may carry: api_keys:manage is session-only (C6).
KEY_SCOPES = [s for s in SCOPES if s != "api_keys:manage"]
CATEGORY = {"type": "string", "enum": ["wine", "food", "textile", "electronics", "battery"]}  # C40
# Error statuses of the docs' tables (C27), plus the HTTP statuses any server may use for a request it
# cannot take (wrong method, body too large, unsupported media type); the docs promise none of them away.
ERROR_STATUSES = ("400", "401", "403", "404", "405", "409", "413", "415", "422", "429")


@dataclass(frozen=True)
class Operation:
    """One operation as documented: its success status and body, its request body and query parameters."""

    success: str = ANY_SUCCESS
    response: dict[str, Any] = field(default_factory=dict)
    request: dict[str, Any] | None = None
    query: tuple[str, ...] = ()


DOCUMENTED: dict[str, Operation] = {
    # Key management (§3): no status, field names or schema are documented for any of the three calls;
    # C30 ("creation returns 201", "a read returns 200") is the only status rule that applies.
    "createApiKey": Operation(
        success="201",
        request={
            "type": "object",
            "properties": {  # C11: {name, scopes[]}
                "name": {"type": "string"},
                "scopes": {"type": "array", "items": {"enum": SCOPES}},
            },
        },
    ),
    "listApiKeys": Operation(success="200"),
    "revokeApiKey": Operation(),
    # Products (§7): the create response shows productId, qrCodeUrl and createdAt (C41, C23, C46).
    "createProduct": Operation(
        success="201",
        response={
            "type": "object",
            "required": ["productId", "qrCodeUrl", "createdAt"],
            "properties": {
                "productId": UUID,
                "qrCodeUrl": {"type": "string", "pattern": r"^https://eulabel\.eu/01/[0-9]{14}$"},
                "createdAt": TIMESTAMP,
            },
        },
        request={
            "type": "object",
            "required": ["name", "category", "gtin"],
            "properties": {  # C40
                "name": {"type": "string"},
                "category": CATEGORY,
                "gtin": {"type": "string"},
                "brand": {"type": "string"},
                "sku": {"type": "string"},
            },
        },
    ),
    # The list envelope has `data` in every documented variant (C37, C38); items differ by variant.
    "listProducts": Operation(
        success="200",
        response={
            "type": "object",
            "required": ["data"],
            "properties": {"data": {"type": "array", "items": {"type": "object"}}},
        },
        query=("limit",),
    ),
    "getProduct": Operation(success="200", response={"type": "object"}),  # the read path is not documented
    # Passports (Gen-2, §7): the answer has a compliance object and a draft/published status (C50). The
    # status of a merge and every other field (ids, version, timestamps) are not documented.
    "createPassport": Operation(
        response={
            "type": "object",
            "required": ["status", "compliance"],
            "properties": {
                "status": {"type": "string", "enum": ["draft", "published"]},
                "compliance": {"type": "object"},
            },
        },
        request={
            "type": "object",
            "required": ["gtin"],
            "properties": {  # "gtin is required" (C43, C49)
                "gtin": {"type": "string"},
                "name": {"type": "string"},
                "brand": {"type": "string"},
                "category": CATEGORY,
                "data": {"type": "object"},
            },
        },
    ),
    "getPassport": Operation(success="200", response={"type": "object"}),
}

# Response headers the docs name: Retry-After on a 429 (C35). The X-RateLimit headers (C34) are kept
# optional: the newest docs move them into a note (docs contradiction 9).
RETRY_AFTER = {"required": True, "schema": {"type": "string", "pattern": r"^\s*[0-9]+\s*$"}}
RATE_LIMIT_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")


def operation(operation_id: str | None) -> Operation:
    return DOCUMENTED.get(operation_id or "", Operation())
