"""Handlers for /v1/products."""

from __future__ import annotations

from flask import Response

from .routing import Call, Handler, json_response


def list_products(call: Call) -> Response:
    limit, offset = call.query["limit"], call.query["offset"]
    items, total = call.state.products.page(call.org_id, limit, offset)
    return json_response({
        "data": [p.to_json() for p in items],
        "pagination": {"total": total, "limit": limit, "offset": offset},
    })


HANDLERS: dict[str, Handler] = {
    "listProducts": list_products,
}
