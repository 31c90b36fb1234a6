"""Three correct-but-different EUlabel servers (see ``variants``): the suite must pass each of them."""

from __future__ import annotations

import math
import uuid
from typing import Any

from werkzeug.wrappers import Request, Response

from .middleware import flat_error, json_response
from .variants import Variant, all_products, nested

UNDOCUMENTED_HEADERS = ("Location", "Cache-Control", "WWW-Authenticate")
RATE_LIMIT_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")


def _int(text: str | None, default: int, low: int) -> int | None:
    if text is None:
        return default
    return int(text) if text.strip().lstrip("-").isdigit() and int(text) >= low else None


class DocsMinimal(Variant):
    """Only the fields the docs show; nested (Gen-1) errors; UUID ids for keys and passports; the cursor
    pagination of the products reference (C38: limit, starting_after, hasMore, items with internalId);
    a revoke answers 200 with a body; revocation takes 2 seconds; no header the docs do not name."""

    name = "docs-minimal"
    revoke_status = 200

    def error(self, status: int, body: dict[str, Any]) -> Any:
        return nested(status, body)

    def key_created(self, body: dict[str, Any]) -> Any:
        return {"apiKey": body["secret"], "keyId": body["id"], "name": body["name"]}

    def key_listed(self, items: list[dict[str, Any]]) -> Any:
        return [{"keyId": i["id"], "name": i["name"], "maskedKey": i["prefix"] + "••••"} for i in items]

    def product(self, body: dict[str, Any]) -> Any:
        return {k: body[k] for k in ("productId", "qrCodeUrl", "createdAt") if k in body}

    def passport(self, body: dict[str, Any]) -> Any:
        missing = [{"path": m["field"], "hint": m["hint"]} for m in body["compliance"]["missing"]]
        return {"passportId": body["passportId"], "status": body["status"], "compliance": {"missingFields": missing}}

    def product_list(self, request: Request, body: bytes) -> Response:
        limit = _int(request.args.get("limit"), 25, 1)
        if limit is None:
            return flat_error(422, "validation_error", "limit must be a positive integer.", "limit")
        items = all_products(self, request)
        after = request.args.get("starting_after")
        start = next((i + 1 for i, p in enumerate(items) if p["productId"] == after), 0) if after else 0
        page = items[start : start + min(limit, 100)]
        data = [
            {
                "internalId": p["productId"],
                "gtin": p["gtin"],
                "name": p["name"],
                "category": p["category"],
                "createdAt": p["createdAt"],
            }
            for p in page
        ]
        return json_response(200, {"data": data, "hasMore": start + len(page) < len(items)})

    def headers(self, response: Response) -> None:
        for name in UNDOCUMENTED_HEADERS:
            response.headers.pop(name, None)


class Reordered(Variant):
    """Fields in reverse order plus extra fields (C31); flat errors without suggestion or param; key ids
    ``kid_…``; keys listed under ``keys``; a revoke answers 202 without a body; a merge answers 201; no
    X-RateLimit headers (the newest docs make them a note); revocation takes 3 seconds."""

    name = "reordered"
    revoke_status = 202
    merge_status = 201
    revocation_delay = 3.0

    def new_id(self, mock_id: str) -> Any:
        return f"kid_{next(self._serial):06d}" if mock_id.startswith("key_") else str(uuid.uuid4())

    def error(self, status: int, body: dict[str, Any]) -> Any:
        return {"error": body.get("error"), "message": body.get("message"), "status": status}

    def key_created(self, body: dict[str, Any]) -> Any:
        return {**body, "object": "api_key", "livemode": False}

    def key_listed(self, items: list[dict[str, Any]]) -> Any:
        return {"object": "list", "keys": [{**i, "object": "api_key"} for i in items]}

    def product(self, body: dict[str, Any]) -> Any:
        return {**body, "object": "product", "updatedAt": body.get("createdAt")}

    def passport(self, body: dict[str, Any]) -> Any:
        return {**body, "object": "passport"}

    def order(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: self.order(v) for k, v in reversed(list(value.items()))}
        if isinstance(value, list):
            return [self.order(v) for v in value]
        return value

    def headers(self, response: Response) -> None:
        for name in (*RATE_LIMIT_HEADERS, "Location"):
            response.headers.pop(name, None)


class Paged(Variant):
    """Integer key ids; longer ``ps_`` passport ids; the page/perPage pagination of the older docs (C37);
    keys listed with a total; revocation takes 4 seconds; flat errors as the mock sends them."""

    name = "paged"
    revocation_delay = 4.0

    def new_id(self, mock_id: str) -> Any:
        return next(self._serial) + 1000 if mock_id.startswith("key_") else "ps_" + uuid.uuid4().hex[:12]

    def key_listed(self, items: list[dict[str, Any]]) -> Any:
        return {"data": items, "total": len(items)}

    def product_list(self, request: Request, body: bytes) -> Response:
        page, per_page = _int(request.args.get("page"), 1, 1), _int(request.args.get("perPage"), 20, 1)
        if page is None or per_page is None:
            param = "page" if page is None else "perPage"
            return flat_error(422, "validation_error", f"{param} must be a positive integer.", param)
        per_page = min(per_page, 100)
        items = all_products(self, request)
        chunk = items[(page - 1) * per_page : page * per_page]
        return json_response(
            200,
            {
                "data": chunk,
                "pagination": {
                    "total": len(items),
                    "page": page,
                    "perPage": per_page,
                    "totalPages": max(1, math.ceil(len(items) / per_page)),
                },
            },
        )


SERVERS: list[type[Variant]] = [DocsMinimal, Reordered, Paged]
