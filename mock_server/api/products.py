"""Handlers for /v1/products."""

from __future__ import annotations

from flask import Response

from .responses import json_response
from .routing import Call, Handler


def create_product(call: Call) -> Response:
    product = call.state.products.create(call.org_id, **call.body)
    return json_response(product.to_json(), 201, {"Location": f"/v1/products/{product.id}"})


def list_products(call: Call) -> Response:
    limit, offset = call.query["limit"], call.query["offset"]
    items, total = call.state.products.page(call.org_id, limit, offset)
    return json_response(
        {
            "data": [p.to_json() for p in items],
            "pagination": {"total": total, "limit": limit, "offset": offset},
        }
    )


def get_product(call: Call) -> Response:
    return json_response(call.state.products.get(call.org_id, call.path_params["productId"]).to_json())


HANDLERS: dict[str, Handler] = {
    "createProduct": create_product,
    "listProducts": list_products,
    "getProduct": get_product,
}
