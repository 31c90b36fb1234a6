"""Products and passports (C37-C51), per organisation."""

from __future__ import annotations

import math
import uuid
from typing import Any

from werkzeug.wrappers import Request, Response

from .replies import reply
from .store import Invalid, Passport, Store, gtin14, merge, now
from .switches import Switches

CATEGORIES = ("wine", "food", "textile", "electronics", "battery")
QR = "https://eulabel.eu/01/"


def _text(body: dict[str, Any], name: str, required: bool, switches: Switches) -> str | None:
    if name not in body:
        if required:
            code = "bad_request" if switches.missing_field == 400 else "validation_error"
            raise Invalid(switches.missing_field, code, f"{name} is required", name)
        return None
    value = body[name]
    if not isinstance(value, str) or (required and not value.strip()):
        raise Invalid(422, "validation_error", f"{name} must be text.", name)
    if name == "category" and value not in CATEGORIES:
        raise Invalid(422, "validation_error", f"category must be one of {', '.join(CATEGORIES)}.", "category")
    return value


def _product(store: Store, switches: Switches, org: str, body: dict[str, Any]) -> dict[str, Any]:
    name = _text(body, "name", True, switches)
    category = _text(body, "category", True, switches)
    brand, sku = _text(body, "brand", False, switches), _text(body, "sku", False, switches)
    if "gtin" not in body:
        code = "bad_request" if switches.missing_field == 400 else "validation_error"
        raise Invalid(switches.missing_field, code, "gtin is required", "gtin")
    gtin = gtin14(body["gtin"], switches.gtin12)
    with store.lock:
        if any(p["gtin"] == gtin for p in store.products[org]):
            raise Invalid(409, "conflict", "A product with this GTIN already exists.", "gtin")
        product = {"productId": str(uuid.uuid4()), "name": name, "category": category, "gtin": gtin}
        product |= {k: v for k, v in (("brand", brand), ("sku", sku)) if v is not None}
        product |= {"qrCodeUrl": QR + gtin, "createdAt": now()}
        store.products[org].append(product)
    return product


def _shown(product: dict[str, Any], switches: Switches, listed: bool = False) -> dict[str, Any]:
    out = dict(product)
    if listed and switches.paging == "cursor":  # the list reference calls the id internalId
        out = {"internalId": out.pop("productId"), **out}
    if switches.extra_fields:
        out |= {"object": "product", "updatedAt": out["createdAt"]}
    return out


def create_product(store: Store, switches: Switches, org: str, body: dict[str, Any]) -> Response:
    return reply(201, _shown(_product(store, switches, org, body), switches))


def _int(request: Request, name: str, default: int, low: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.strip().isdigit() or int(raw) < low:
        raise Invalid(422, "validation_error", f"{name} must be an integer of at least {low}.", name)
    return int(raw)


def list_products(store: Store, switches: Switches, org: str, request: Request) -> Response:
    with store.lock:
        items = list(store.products[org])
    if switches.paging == "page":
        page, per_page = _int(request, "page", 1, 1), min(_int(request, "perPage", 20, 1), 100)  # clamped
        chunk = items[(page - 1) * per_page : page * per_page]
        pages = max(1, math.ceil(len(items) / per_page))
        pagination = {"total": len(items), "page": page, "perPage": per_page, "totalPages": pages}
        return reply(200, {"data": [_shown(p, switches, True) for p in chunk], "pagination": pagination})
    if switches.paging == "cursor":
        limit = min(_int(request, "limit", 25, 1), 100)  # clamped
        after = request.args.get("starting_after")
        start = next((i + 1 for i, p in enumerate(items) if p["productId"] == after), 0) if after else 0
        chunk = items[start : start + limit]
        data = [_shown(p, switches, True) for p in chunk]
        return reply(200, {"data": data, "hasMore": start + len(chunk) < len(items)})
    limit, offset = _int(request, "limit", 20, 1), _int(request, "offset", 0, 0)
    if limit > 100:  # refused, where the other forms clamp: the docs allow either
        raise Invalid(422, "validation_error", "limit must be at most 100.", "limit")
    chunk = items[offset : offset + limit]
    pagination = {"total": len(items), "limit": limit, "offset": offset}
    return reply(200, {"data": [_shown(p, switches, True) for p in chunk], "pagination": pagination})


def get_product(store: Store, switches: Switches, org: str, product_id: str) -> Response:
    found = next((p for p in store.products[org] if p["productId"] == product_id), None)
    if found is None:
        raise Invalid(404, "not_found", "No product with this id.")
    return reply(200, _shown(found, switches))


def _passport_view(passport: Passport, switches: Switches) -> dict[str, Any]:
    missing = passport.missing()
    hints = [{"field": f"data.{m}", "hint": f"Add {m}.", "docs": "https://eulabel.eu/docs"} for m in missing]
    out = {
        "passportId": passport.id,
        "productId": passport.product["productId"],
        "gtin": passport.product["gtin"],
        "status": "draft" if missing else "published",
        "compliance": {"complete": not missing, "missing": hints},
        "data": passport.data,
        "version": passport.version,
        "createdAt": passport.created,
    }
    return out | ({"object": "passport"} if switches.extra_fields else {})


def create_passport(store: Store, switches: Switches, org: str, body: dict[str, Any]) -> Response:
    if "gtin" not in body:
        code = "bad_request" if switches.missing_field == 400 else "validation_error"
        raise Invalid(switches.missing_field, code, "gtin is required", "gtin")
    gtin = gtin14(body["gtin"], switches.gtin12)
    for name in ("name", "brand", "category"):
        _text(body, name, False, switches)
    data = body.get("data", {})
    if not isinstance(data, dict):
        raise Invalid(422, "validation_error", "data must be an object.", "data")
    product = next((p for p in store.products[org] if p["gtin"] == gtin), None)
    if product is None:
        complete = "name" in body and "category" in body
        if switches.one_call == "never" or (switches.one_call == "with-fields" and not complete):
            raise Invalid(404, "not_found", "No product found for this GTIN.")
        if not complete:
            raise Invalid(422, "validation_error", "name and category are needed to create the product.", "name")
        product = _product(store, switches, org, body)
    with store.lock:
        passport = store.passports[org].get(gtin)
        status = 201
        if passport is None:
            passport = store.passports[org][gtin] = Passport(store.passport_id(), product, data)
        else:
            passport.data, passport.version, status = (
                merge(passport.data, data),
                passport.version + 1,
                switches.merge_status,
            )
    return reply(status, _passport_view(passport, switches))


def get_passport(store: Store, switches: Switches, org: str, passport_id: str) -> Response:
    found = next((p for p in store.passports[org].values() if p.id == passport_id), None)
    if found is None:
        raise Invalid(404, "not_found", "No passport with this id.")
    return reply(200, _passport_view(found, switches))
