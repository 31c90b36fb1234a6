"""Correct servers that differ from the mock wherever the docs allow: the suite must pass each of them.

Each is WSGI middleware around an untouched ``create_app()``: it maps ids to another format both ways,
renames, drops and reorders fields the docs do not name, answers with the other documented error shape,
another success status where the docs give none, another documented pagination, and revokes with a
delay of a few seconds. None of them breaks a documented claim.
"""

from __future__ import annotations

import itertools
import json
import re
import uuid
from typing import Any

from flask import Flask
from werkzeug.wrappers import Request, Response

from mock_server import create_app

from .middleware import KEYS, Middleware, body_json, is_list, json_response, revoke_id, set_json

MOCK_IDS = re.compile(r"^(key_[0-9a-f]{24}|ps_[a-z0-9]{8})$")
NESTED_CODES = {401: "authentication_error", 409: "duplicate_error"}
PASSPORT = re.compile(r"^/v1/passports(/[^/]+)?$")


class Variant(Middleware):
    """Subclasses choose the differences; this class does the id mapping and the routing."""

    name = "variant"
    revocation_delay = 2.0
    revoke_status = 204
    merge_status: int | None = None

    def __init__(self, app: Flask) -> None:
        super().__init__(app)
        self._out: dict[str, Any] = {}  # mock id -> our id
        self._in: dict[str, str] = {}  # our id (as text) -> mock id
        self._serial = itertools.count(1)

    # --- ids ------------------------------------------------------------------------------------
    def new_id(self, mock_id: str) -> Any:
        return str(uuid.uuid4())

    def outward(self, value: Any) -> Any:
        if isinstance(value, str) and MOCK_IDS.match(value):
            with self.lock:
                if value not in self._out:
                    ours = self.new_id(value)
                    self._out[value], self._in[str(ours)] = ours, value
                return self._out[value]
        if isinstance(value, dict):
            return {k: self.outward(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.outward(v) for v in value]
        return value

    def inward(self, value: Any) -> Any:
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value) in self._in:
            return self._in[str(value)]
        if isinstance(value, dict):
            return {k: self.inward(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.inward(v) for v in value]
        return value

    # --- shapes the subclasses choose -------------------------------------------------------------
    def error(self, status: int, body: dict[str, Any]) -> Any:
        return body

    def key_created(self, body: dict[str, Any]) -> Any:
        return body

    def key_listed(self, items: list[dict[str, Any]]) -> Any:
        return {"data": items}

    def product(self, body: dict[str, Any]) -> Any:
        return body

    def passport(self, body: dict[str, Any]) -> Any:
        return body

    def order(self, value: Any) -> Any:
        return value

    def product_list(self, request: Request, body: bytes) -> Response:
        return self.forward(request, body)

    def headers(self, response: Response) -> None:
        return None

    # --- routing ----------------------------------------------------------------------------------
    def handle(self, request: Request, body: bytes) -> Response:
        path = "/".join(str(self.inward(p)) for p in request.path.split("/"))
        payload = body_json_bytes(body)
        if isinstance(payload, dict):
            body = json.dumps(self.inward(payload)).encode()
        if request.method == "GET" and path == "/v1/products":
            try:
                response = self.product_list(request, body)
            except _Refused as refused:
                response = refused.response
        else:
            # PATH_INFO carries the path as latin-1 decoded bytes (PEP 3333).
            wsgi_path = path.encode("utf-8").decode("latin-1") if path != request.path else None
            response = self.forward(request, body, path=wsgi_path)
        data = body_json(response)
        if response.status_code >= 400 and isinstance(data, dict):
            data = self.error(response.status_code, data)
        elif isinstance(data, (dict, list)):
            data = self.success(request, path, response, data)
        if revoke_id(request) and response.status_code == 204 and self.revoke_status != 204:
            response = (
                json_response(200, {"revoked": True})
                if self.revoke_status == 200
                else Response(status=self.revoke_status)
            )
        if isinstance(data, (dict, list)):
            set_json(response, self.order(self.outward(data)))
        if self.merge_status and PASSPORT.match(path) and request.method == "POST" and response.status_code == 200:
            response.status_code = self.merge_status
        self.headers(response)
        return response

    def success(self, request: Request, path: str, response: Response, data: Any) -> Any:
        if request.method == "POST" and path == KEYS and isinstance(data, dict):
            return self.key_created(data)
        if is_list(request) and isinstance(data, dict):
            return self.key_listed(data["data"])
        if path.startswith("/v1/products/") or (request.method == "POST" and path == "/v1/products"):
            return self.product(data)
        if PASSPORT.match(path):
            return self.passport(data)
        return data


def body_json_bytes(body: bytes) -> Any:
    try:
        return json.loads(body) if body else None
    except ValueError:
        return None


def nested(status: int, body: dict[str, Any]) -> dict[str, Any]:
    """The Gen-1 error shape, with the Gen-1 code names where the docs show them (C24, C27)."""
    code = NESTED_CODES.get(status, body.get("error"))
    inner = {"type": code, "message": body.get("message"), "code": code}
    if body.get("param"):
        inner["param"] = body["param"]
    return {"error": inner}


def all_products(variant: Variant, request: Request) -> list[dict[str, Any]]:
    """Every product of the caller's organisation, oldest first, read page by page from the mock."""
    items: list[dict[str, Any]] = []
    while True:
        page = variant.forward(request, b"", query=f"limit=100&offset={len(items)}")
        data = body_json(page)
        if page.status_code != 200 or not isinstance(data, dict):
            raise _Refused(page)
        items += data["data"]
        if len(items) >= data["pagination"]["total"] or not data["data"]:
            return items


class _Refused(Exception):
    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def build(variant: type[Variant], revocation_delay: float | None = None) -> Any:
    """``variant`` around a new mock; it revokes after its own delay unless ``revocation_delay`` is given."""
    delay = variant.revocation_delay if revocation_delay is None else revocation_delay
    return variant(create_app({"REVOCATION_DELAY": delay}))
