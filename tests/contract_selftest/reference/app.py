"""The reference server's routes, authentication, scopes and rate limits (C1, C2, C9, C10, C21, C28-C35)."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.wrappers import Request, Response

from . import data, keys
from .replies import error
from .store import Invalid, Key, Store, digest
from .switches import Switches

LIMIT, WINDOW = 500, 60  # requests per key and window (seconds)
ROUTES: list[tuple[str, re.Pattern[str]]] = [
    ("keys", re.compile(r"^/v1/auth/api-keys$")),
    ("key", re.compile(r"^/v1/auth/api-keys/([^/]+)$")),
    ("products", re.compile(r"^/v1/products$")),
    ("product", re.compile(r"^/v1/products/([^/]+)$")),
    ("passports", re.compile(r"^/v1/passports$")),
    ("passport", re.compile(r"^/v1/passports/([^/]+)$")),
]
METHODS = {"keys": ("GET", "POST"), "key": ("DELETE",), "products": ("GET", "POST"), "product": ("GET",)}
METHODS |= {"passports": ("POST",), "passport": ("GET",)}
SCOPES = {
    ("GET", "products"): {"products:read"},
    ("POST", "products"): {"products:write"},
    ("GET", "product"): {"products:read"},
    ("POST", "passports"): {"passports:write"},
    ("GET", "passport"): {"passports:read", "products:read"},  # either (C47, C48)
}


class Reference:
    def __init__(self, switches: Switches) -> None:
        self.switches = switches
        self.store = Store(switches.key_ids, switches.passport_ids, switches.environment)
        self._counts: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        try:
            response = self.route(request)
        except Invalid as refused:
            response = error(self.switches, refused, request.path, getattr(refused, "headers", None))
        return response(environ, start_response)

    def route(self, request: Request) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        found = next(((n, m) for n, p in ROUTES if (m := p.match(request.path))), None)
        if found is None:
            raise Invalid(404, "not_found", "No such endpoint.")
        name, match = found
        if method not in METHODS[name]:
            refused = Invalid(
                self.switches.other_methods, "method_not_allowed", f"{request.method} is not served here."
            )
            refused.headers = {"Allow": ", ".join(METHODS[name])}  # type: ignore[attr-defined]
            raise refused
        arg = match.group(1) if match.groups() else ""
        if name in ("keys", "key"):
            org = keys.session_org(request, self.switches)
            if method == "GET":
                return keys.listing(self.store, self.switches, org)
            if method == "POST":
                return keys.create(self.store, self.switches, org, self.body(request))
            return keys.revoke(self.store, self.switches, org, arg)
        key = self.authenticate(request)
        headers = self.count(key)
        try:
            if not SCOPES[(method, name)] & set(key.scopes):
                raise Invalid(403, "forbidden", f"This key lacks {' or '.join(sorted(SCOPES[(method, name)]))}.")
            response = self.data(method, name, arg, key.org, request)
        except Invalid as refused:
            response = error(self.switches, refused, request.path)
        response.headers.update(headers)
        return response

    def data(self, method: str, name: str, arg: str, org: str, request: Request) -> Response:
        store, switches = self.store, self.switches
        if name == "products":
            if method == "GET":
                return data.list_products(store, switches, org, request)
            return data.create_product(store, switches, org, self.body(request))
        if name == "product":
            return data.get_product(store, switches, org, arg)
        if name == "passports":
            return data.create_passport(store, switches, org, self.body(request))
        return data.get_passport(store, switches, org, arg)

    def authenticate(self, request: Request) -> Key:
        found = re.fullmatch(r"Bearer (\S+)", request.headers.get("Authorization", ""))
        key = self.store.keys.get(digest(found.group(1))) if found else None
        if key is None or key.dead(self.switches.revocation_delay):
            raise Invalid(401, "unauthorized", "Missing or invalid API key.")
        return key

    def count(self, key: Key) -> dict[str, str]:
        """Counts the request against the key's window (C32); the headers to send (C34), or a 429 (C33, C35)."""
        window = int(time.time()) // WINDOW
        with self._lock:
            used = self._counts[(key.hash, window)] = self._counts.get((key.hash, window), 0) + 1
        reset = (window + 1) * WINDOW
        headers = {"X-RateLimit-Limit": str(LIMIT), "X-RateLimit-Remaining": str(max(0, LIMIT - used))}
        headers = {**headers, "X-RateLimit-Reset": str(reset)} if self.switches.rate_headers else {}
        if used > LIMIT:
            refused = Invalid(429, "rate_limited", "Too many requests for this key.")
            refused.headers = {**headers, "Retry-After": str(max(1, reset - int(time.time())))}  # type: ignore[attr-defined]
            raise refused
        return headers

    @staticmethod
    def body(request: Request) -> dict[str, Any]:
        if request.mimetype != "application/json":
            raise Invalid(415, "unsupported_media_type", "Send Content-Type: application/json.")
        try:
            value = json.loads(request.get_data().decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise Invalid(400, "bad_request", "The body is not valid JSON.") from exc
        if not isinstance(value, dict):
            raise Invalid(422, "validation_error", "The body must be a JSON object.")
        return value
