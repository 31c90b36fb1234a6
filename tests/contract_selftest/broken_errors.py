"""Servers that break one documented rule of auth, errors, versioning or rate limits each (C1, C2, C9, C10,
C24-C29, C31-C35)."""

from __future__ import annotations

import json
import time
from typing import Any

from werkzeug.wrappers import Request, Response

from .middleware import KEYS, Middleware, bearer, body_json, flat_error, revoke_id, set_json


class ServedUnderAnotherBase(Middleware):  # C1: the API lives under /api/v1, /v1 is not served
    def handle(self, request: Request, body: bytes) -> Response:
        if request.path.startswith("/api/v1/"):
            return self.forward(request, body, path=request.path[len("/api") :])
        return flat_error(404, "not_found", "No such route.")


class VersionInHeader(Middleware):  # C31: the version is a header, not the path
    def handle(self, request: Request, body: bytes) -> Response:
        if request.headers.get("EUlabel-Version") == "1":
            return self.forward(request, body)
        return flat_error(404, "not_found", "Send EUlabel-Version: 1.")


class BearerHeaderIgnored(Middleware):  # C2: keys go in X-Api-Key, Authorization: Bearer is ignored
    def handle(self, request: Request, body: bytes) -> Response:
        token = request.headers.get("X-Api-Key")
        return self.forward(request, body, headers={"Authorization": f"Bearer {token}" if token else ""})


class MissingKey403OnOneOperation(Middleware):  # C9
    def handle(self, request: Request, body: bytes) -> Response:
        if request.path.startswith("/v1/passports/") and not request.headers.get("Authorization"):
            return flat_error(403, "forbidden", "Not allowed.")
        return self.forward(request, body)


class ScopeNotEnforced(Middleware):  # C10: bearer calls run with an all-scope key of the caller's organisation
    def handle(self, request: Request, body: bytes) -> Response:
        key = self.key_of(request)
        if key is not None and not request.path.startswith(KEYS):
            return self.as_master(request, body, key.org_id)
        return self.forward(request, body)


class ScopeUncheckedOnOneOperation(Middleware):  # C10 on GET /v1/passports/{id} only
    def handle(self, request: Request, body: bytes) -> Response:
        key = self.key_of(request)
        if key is not None and request.method == "GET" and request.path.startswith("/v1/passports/"):
            return self.as_master(request, body, key.org_id)
        return self.forward(request, body)


class _ErrorRewrite(Middleware):
    def handle(self, request: Request, body: bytes) -> Response:
        response = self.forward(request, body)
        data = body_json(response)
        if response.status_code >= 400 and isinstance(data, dict):
            changed = self.rewrite(response.status_code, data)
            if changed is not None:
                set_json(response, changed)
        return response

    def rewrite(self, status: int, body: dict[str, Any]) -> Any:
        return body


class NotFoundWithoutStructure(_ErrorRewrite):  # C24
    def rewrite(self, status: int, body: dict[str, Any]) -> Any:
        return {"detail": "Not found."} if status == 404 else None


class StatusFieldMismatch(_ErrorRewrite):  # C25
    def rewrite(self, status: int, body: dict[str, Any]) -> Any:
        return {**body, "status": 400}


class EmptySuggestion(_ErrorRewrite):  # C26
    def rewrite(self, status: int, body: dict[str, Any]) -> Any:
        return {**body, "suggestion": ""}


class ValidationAs400(Middleware):  # C29: invalid values are 400 bad_request, not 422
    def handle(self, request: Request, body: bytes) -> Response:
        response = self.forward(request, body)
        if response.status_code == 422:
            return flat_error(400, "bad_request", "Invalid request.")
        return response


class UnknownIdWrongCode(Middleware):  # C27: a 404 whose code is not not_found
    def handle(self, request: Request, body: bytes) -> Response:
        response = self.forward(request, body)
        if revoke_id(request) and response.status_code == 404:
            return flat_error(404, "key_missing", "No such key.")
        return response


class BadJson500(Middleware):  # C28
    def handle(self, request: Request, body: bytes) -> Response:
        if request.method == "POST" and body:
            try:
                json.loads(body)
            except ValueError:
                return flat_error(500, "internal_error", "Unexpected failure.")
        return self.forward(request, body)


class RateLimited(Middleware):
    """A limiter of 5 requests a minute; subclasses break one documented part of it (C32-C35)."""

    limit = 5

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.counts: dict[str, int] = {}

    def bucket(self, token: str) -> str:
        return token

    def handle(self, request: Request, body: bytes) -> Response:
        token = bearer(request)
        if not token or request.path.startswith(KEYS):
            return self.forward(request, body)
        with self.lock:
            self.counts[self.bucket(token)] = used = self.counts.get(self.bucket(token), 0) + 1
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(max(0, self.limit - used)),
            "X-RateLimit-Reset": str(int(time.time()) + 60),
        }
        if used > self.limit:
            response = flat_error(429, "rate_limited", "Too many requests.")
            response.headers["Retry-After"] = "60"
        else:
            response = self.forward(request, body)
        response.headers.update(headers)
        return self.change(response)

    def change(self, response: Response) -> Response:
        return response


class LimitPerOrganisation(RateLimited):  # C32
    def bucket(self, token: str) -> str:
        key = self.state.keys.authenticate(token)
        return key.org_id if key is not None else token


class LimitOtherCode(RateLimited):  # C33
    def change(self, response: Response) -> Response:
        if response.status_code == 429:
            set_json(response, {"error": "too_many_requests", "message": "Slow down.", "status": 429})
        return response


class NoResetHeader(RateLimited):  # C34
    def change(self, response: Response) -> Response:
        response.headers.pop("X-RateLimit-Reset", None)
        return response


class MissingRetryAfter(RateLimited):  # C35
    def change(self, response: Response) -> Response:
        response.headers.pop("Retry-After", None)
        return response


class RemainingNeverDecreases(RateLimited):  # C34: X-RateLimit-Remaining stays at the limit
    def change(self, response: Response) -> Response:
        response.headers["X-RateLimit-Remaining"] = str(self.limit)
        return response


class RetryAfterEverywhere(RateLimited):  # C35: Retry-After on every answer, not only on a 429
    def change(self, response: Response) -> Response:
        response.headers.setdefault("Retry-After", "60")
        return response
