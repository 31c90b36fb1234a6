"""Servers that break one documented rule of products, GTINs, passports or pages each (C4, C23, C37-C51)."""

from __future__ import annotations

import json
import re
from typing import Any

from werkzeug.wrappers import Request, Response

from .middleware import Middleware, body_json, flat_error, json_response, set_json

PRODUCTS, PASSPORTS = "/v1/products", "/v1/passports"


def _payload(body: bytes) -> Any:
    try:
        return json.loads(body) if body else None
    except ValueError:
        return None


class _Rewrite(Middleware):
    """Rewrites the JSON answer of one method and path (prefix) with ``change``."""

    method, path = "POST", PRODUCTS

    def handle(self, request: Request, body: bytes) -> Response:
        response = self.forward(request, body)
        data = body_json(response)
        if request.method == self.method and request.path.startswith(self.path) and isinstance(data, dict):
            changed = self.change(request, response.status_code, data, _payload(body))
            if changed is not None:
                status, value = changed
                response.status_code = status
                set_json(response, value)
        return response

    def change(self, request: Request, status: int, data: dict[str, Any], sent: Any) -> tuple[int, Any] | None:
        return None


class ProductVisibleAcrossOrganisations(Middleware):  # C4: a product id finds the product of any organisation
    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.seen: dict[str, dict[str, Any]] = {}

    def handle(self, request: Request, body: bytes) -> Response:
        response = self.forward(request, body)
        data = body_json(response)
        if request.method == "POST" and response.status_code < 300 and isinstance(data, dict) and "productId" in data:
            self.seen.setdefault(data["productId"], data)
        wanted = request.path.rsplit("/", 1)[-1]
        if request.path.startswith(PRODUCTS + "/") and response.status_code == 404 and wanted in self.seen:
            return json_response(200, self.seen[wanted])
        return response


class ProductIdsNotUuid(Middleware):  # C23: product ids are prod_<hex>, both ways
    UUID = re.compile(r"\b([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})\b")
    OURS = re.compile(r"\bprod_([0-9a-f]{8})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{12})\b")

    def handle(self, request: Request, body: bytes) -> Response:
        path = self.OURS.sub(r"\1-\2-\3-\4-\5", request.path)
        response = self.forward(
            request,
            self.OURS.sub(r"\1-\2-\3-\4-\5", body.decode("utf-8", "replace")).encode(),
            path=path if path != request.path else None,
        )
        if response.data and request.path.startswith((PRODUCTS, PASSPORTS)):
            response.set_data(self.UUID.sub(r"prod_\1\2\3\4\5", response.get_data(True)))
        return response


class PassportIdsUnprefixed(_Rewrite):  # C23: passport ids are neither ps_… nor UUIDs
    path = PASSPORTS

    def change(self, request: Request, status: int, data: dict[str, Any], sent: Any) -> tuple[int, Any] | None:
        if "passportId" not in data:
            return None
        return status, {**data, "passportId": "passport-" + data["passportId"][3:]}


class ProductListBareArray(_Rewrite):  # C37
    method = "GET"

    def change(self, request: Request, status: int, data: dict[str, Any], sent: Any) -> tuple[int, Any] | None:
        return (status, data["data"]) if request.path == PRODUCTS and "data" in data else None


class CursorHasMoreText:  # C38: the cursor form of the reference server, with hasMore as text
    def __init__(self, app: Any) -> None:
        from .reference.app import Reference
        from .reference.switches import Switches

        self.app = Reference(Switches(paging="cursor"))  # the mock pages another way; ``app`` is not used

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        response = Response.from_app(self.app, environ, buffered=True)
        data = body_json(response)
        if isinstance(data, dict) and "hasMore" in data:
            set_json(response, {**data, "hasMore": "yes" if data["hasMore"] else "no"})
        return response(environ, start_response)


class ProductsWriteUnchecked(Middleware):  # C39
    def handle(self, request: Request, body: bytes) -> Response:
        key = self.key_of(request)
        if key is not None and request.method == "POST" and request.path == PRODUCTS:
            return self.as_master(request, body, key.org_id)
        return self.forward(request, body)


class PassportsWriteUnchecked(Middleware):  # C48
    def handle(self, request: Request, body: bytes) -> Response:
        key = self.key_of(request)
        if key is not None and request.method == "POST" and request.path == PASSPORTS:
            return self.as_master(request, body, key.org_id)
        return self.forward(request, body)


class ProductsReadCannotReadPassports(Middleware):  # C47
    def handle(self, request: Request, body: bytes) -> Response:
        key = self.key_of(request)
        if key is not None and request.path.startswith(PASSPORTS + "/") and "passports:read" not in key.scopes:
            return flat_error(403, "forbidden", "Needs passports:read.")
        return self.forward(request, body)


class CategoryNotValidated(Middleware):  # C40
    def handle(self, request: Request, body: bytes) -> Response:
        sent = _payload(body)
        if (
            request.method == "POST"
            and request.path == PRODUCTS
            and isinstance(sent, dict)
            and isinstance(sent.get("category"), str)
        ):
            body = json.dumps({**sent, "category": "food"}).encode()
        return self.forward(request, body)


class NoQrCodeUrl(_Rewrite):  # C41
    def change(self, request: Request, status: int, data: dict[str, Any], sent: Any) -> tuple[int, Any] | None:
        return (status, {k: v for k, v in data.items() if k != "qrCodeUrl"}) if status == 201 else None


class GtinNotNormalised(_Rewrite):  # C46: the answer keeps the GTIN as sent
    def change(self, request: Request, status: int, data: dict[str, Any], sent: Any) -> tuple[int, Any] | None:
        if status != 201 or not isinstance(sent, dict) or not isinstance(sent.get("gtin"), str):
            return None
        return status, {**data, "gtin": re.sub(r"[\s-]", "", sent["gtin"])}


class DuplicateAs422(_Rewrite):  # C42
    def change(self, request: Request, status: int, data: dict[str, Any], sent: Any) -> tuple[int, Any] | None:
        return (422, {**data, "error": "validation_error", "status": 422}) if status == 409 else None


class MissingGtinNamesAnotherField(Middleware):  # C43: a missing gtin is a 422 that names another field
    def handle(self, request: Request, body: bytes) -> Response:
        sent = _payload(body)
        if request.method == "POST" and request.path == PRODUCTS and isinstance(sent, dict) and "gtin" not in sent:
            return flat_error(422, "validation_error", "name is required", "name")
        return self.forward(request, body)


class GtinSeparatorsNotStripped(Middleware):  # C44: spaces and dashes inside a GTIN are refused, not stripped
    def handle(self, request: Request, body: bytes) -> Response:
        sent = _payload(body)
        gtin = sent.get("gtin") if isinstance(sent, dict) else None
        if request.method == "POST" and isinstance(gtin, str) and re.search(r"[\s-]", gtin.strip()):
            return flat_error(422, "validation_error", "GTIN must hold digits only.", "gtin")
        return self.forward(request, body)


class DefaultPageOfTen(Middleware):  # C37: a page holds 10 items unless the client asks for another size
    def handle(self, request: Request, body: bytes) -> Response:
        if request.method == "GET" and request.path == PRODUCTS and "limit" not in request.args:
            query = "&".join(filter(None, [request.query_string.decode("latin-1"), "limit=10"]))
            return self.forward(request, body, query=query)
        return self.forward(request, body)


class PageSizeNotCapped(Middleware):  # C37: a page size over 100 is served in full
    def handle(self, request: Request, body: bytes) -> Response:
        asked = request.args.get("limit", "")
        if request.method == "GET" and request.path == PRODUCTS and asked.isdigit() and int(asked) > 100:
            items: list[Any] = []
            while len(items) < int(asked):
                page = body_json(self.forward(request, b"", query=f"limit=100&offset={len(items)}"))
                items += page["data"]
                if not page["data"]:
                    break
            pagination = {"total": len(items), "limit": int(asked), "offset": 0}
            return json_response(200, {"data": items[: int(asked)], "pagination": pagination})
        return self.forward(request, body)


class VagueCheckDigitMessage(_Rewrite):  # C45
    def change(self, request: Request, status: int, data: dict[str, Any], sent: Any) -> tuple[int, Any] | None:
        if status == 422 and "check digit" in str(data.get("message")):
            return status, {**data, "message": "Invalid GTIN."}
        return None


class UnknownGtin422(_Rewrite):  # C49
    path = PASSPORTS

    def change(self, request: Request, status: int, data: dict[str, Any], sent: Any) -> tuple[int, Any] | None:
        return (422, {**data, "error": "validation_error", "status": 422}) if status == 404 else None


class PartialPublished(_Rewrite):  # C50
    path = PASSPORTS

    def change(self, request: Request, status: int, data: dict[str, Any], sent: Any) -> tuple[int, Any] | None:
        return (status, {**data, "status": "published"}) if "status" in data else None


class LaterCallReplaces(Middleware):  # C51: a later call for a GTIN replaces the data instead of merging
    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.seen: set[str] = set()

    def handle(self, request: Request, body: bytes) -> Response:
        response = self.forward(request, body)
        data, sent = body_json(response), _payload(body)
        if request.method != "POST" or request.path != PASSPORTS or not isinstance(data, dict) or "gtin" not in data:
            return response
        if data["gtin"] not in self.seen:
            self.seen.add(data["gtin"])
            return response
        kept = dict(sent.get("data") or {}) if isinstance(sent, dict) else {}
        missing = [] if "ingredients" in kept else [{"field": "ingredients", "hint": "List the ingredients."}]
        return set_json(
            response,
            {
                **data,
                "data": kept,
                "status": "published" if not missing else "draft",
                "compliance": {"complete": not missing, "missing": missing},
            },
        )
