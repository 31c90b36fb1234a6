"""Deliberately broken builds of the mock, each breaking one documented rule, plus a correct variant
that differs from the mock wherever the docs are silent. They live here, beside the self-test, as
WSGI middleware and store subclasses around an untouched ``create_app()``.
"""

from __future__ import annotations

import io
import json
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import Flask
from werkzeug.test import run_wsgi_app
from werkzeug.wrappers import Request, Response

from mock_server import create_app
from mock_server.api.routing import state_of
from mock_server.errors import NotFound
from mock_server.state.key_store import ApiKey, ApiKeyStore

KEYS = "/v1/auth/api-keys"
ALL = [
    "products:read",
    "products:write",
    "passports:read",
    "passports:write",
    "suppliers:read",
    "suppliers:write",
    "analytics:read",
]


class Middleware:
    """Rewrites requests or responses of a Flask mock; ``handle`` sees each request."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.state = state_of(app)
        self.secrets: dict[str, str] = {}  # key id -> secret, as seen in create responses
        self.items: dict[str, dict[str, Any]] = {}  # key id -> its create response without the secret
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        body = request.get_data()
        response = self.handle(request, body)
        return response(environ, start_response)

    def forward(
        self, request: Request, body: bytes, path: str | None = None, headers: dict[str, str] | None = None
    ) -> Response:
        environ = dict(request.environ)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        if path is not None:
            environ["PATH_INFO"] = path
        for name, value in (headers or {}).items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        app_iter, status, hdrs = run_wsgi_app(self.app.wsgi_app, environ, buffered=True)
        response = Response(b"".join(app_iter), status=status, headers=hdrs)
        if request.method == "POST" and request.path == KEYS and response.status_code == 201:
            created = json.loads(response.get_data())
            with self.lock:
                self.secrets[created["id"]] = created["secret"]
                self.items[created["id"]] = {k: v for k, v in created.items() if k != "secret"}
        return response

    def handle(self, request: Request, body: bytes) -> Response:
        return self.forward(request, body)


def _json(response: Response) -> Any:
    return json.loads(response.get_data())


def _set_json(response: Response, value: Any) -> Response:
    response.set_data(json.dumps(value))
    response.headers["Content-Type"] = "application/json"
    return response


def _is_list(request: Request) -> bool:
    return request.method == "GET" and request.path == KEYS


def _revoke_id(request: Request) -> str | None:
    match = re.fullmatch(KEYS + r"/([^/]+)", request.path)
    return match.group(1) if match and request.method == "DELETE" else None


class SecretInList(Middleware):
    def handle(self, request: Request, body: bytes) -> Response:
        response = self.forward(request, body)
        if _is_list(request) and response.status_code == 200:
            data = _json(response)
            for item in data["data"]:
                item["secret"] = self.secrets.get(item["id"])
            _set_json(response, data)
        return response


class SecretOnRevoke(Middleware):
    def handle(self, request: Request, body: bytes) -> Response:
        key_id = _revoke_id(request)
        response = self.forward(request, body)
        if key_id and response.status_code == 204:
            return _set_json(Response(status=200), {"id": key_id, "revoked": True, "secret": self.secrets.get(key_id)})
        return response


class MaskRevealsSecret(Middleware):
    def handle(self, request: Request, body: bytes) -> Response:
        response = self.forward(request, body)
        if _is_list(request) and response.status_code == 200:
            data = _json(response)
            for item in data["data"]:
                secret = self.secrets.get(item["id"], "")
                item["prefix"] = secret[:-3] + "***"
            _set_json(response, data)
        return response


class RevokeIgnored(Middleware):
    def handle(self, request: Request, body: bytes) -> Response:
        if _revoke_id(request) and request.cookies.get("eulabel_session"):
            return Response(status=204)
        return self.forward(request, body)


class RevokedStillListed(Middleware):
    def __init__(self, app: Flask) -> None:
        super().__init__(app)
        self.revoked: dict[str, dict[str, Any]] = {}

    def handle(self, request: Request, body: bytes) -> Response:
        key_id = _revoke_id(request)
        response = self.forward(request, body)
        if key_id and response.status_code == 204 and key_id in self.items:
            self.revoked[key_id] = self.items[key_id]
        if _is_list(request) and response.status_code == 200:
            org = self.state.session_org(request.cookies.get("eulabel_session", ""))
            data = _json(response)
            data["data"] += [item for kid, item in self.revoked.items() if self.state.keys._by_id[kid].org_id == org]
            _set_json(response, data)
        return response


class ScopeNotEnforced(Middleware):
    """Bearer calls run with an all-scope key of the caller's organisation."""

    def __init__(self, app: Flask) -> None:
        super().__init__(app)
        self.masters: dict[str, str] = {}

    def handle(self, request: Request, body: bytes) -> Response:
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer ") and request.path != KEYS:
            key = self.state.keys.authenticate(header[7:].strip())
            if key is not None:
                with self.lock:
                    if key.org_id not in self.masters:
                        self.masters[key.org_id] = self.state.keys.create(key.org_id, "master", ALL)[1]
                return self.forward(request, body, headers={"Authorization": f"Bearer {self.masters[key.org_id]}"})
        return self.forward(request, body)


class UnknownScopeAccepted(Middleware):
    def handle(self, request: Request, body: bytes) -> Response:
        if request.method == "POST" and request.path == KEYS:
            try:
                payload = json.loads(body)
            except ValueError:
                return self.forward(request, body)
            if isinstance(payload, dict) and isinstance(payload.get("scopes"), list):
                known = [s for s in payload["scopes"] if s in ALL] or ["products:read"]
                body = json.dumps({**payload, "scopes": list(dict.fromkeys(known))}).encode()
        return self.forward(request, body)


class ForeignKeysListed(Middleware):
    def handle(self, request: Request, body: bytes) -> Response:
        response = self.forward(request, body)
        if _is_list(request) and response.status_code == 200:
            _set_json(
                response, {"data": [k.to_json() for k in self.state.keys._by_id.values() if k.revoked_at is None]}
            )
        return response


class UnknownIdWrongStatus(Middleware):
    def handle(self, request: Request, body: bytes) -> Response:
        response = self.forward(request, body)
        if _revoke_id(request) and response.status_code == 404:
            return _set_json(Response(status=400), {"error": "bad_request", "message": "Bad key id.", "status": 400})
        return response


class BadJson500(Middleware):
    def handle(self, request: Request, body: bytes) -> Response:
        if request.method == "POST" and body:
            try:
                json.loads(body)
            except ValueError:
                return _set_json(
                    Response(status=500), {"error": "internal_error", "message": "Unexpected failure.", "status": 500}
                )
        return self.forward(request, body)


class CreateCacheable(Middleware):
    def handle(self, request: Request, body: bytes) -> Response:
        response = self.forward(request, body)
        if request.method == "POST" and request.path == KEYS:
            response.headers["Cache-Control"] = "public, max-age=86400"
        return response


class RateLimited(Middleware):
    """A per-key limiter (5 requests a minute); ``retry_after=False`` breaks C35."""

    limit = 5
    retry_after = True

    def __init__(self, app: Flask) -> None:
        super().__init__(app)
        self.counts: dict[str, int] = {}

    def handle(self, request: Request, body: bytes) -> Response:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer ") or request.path == KEYS:
            return self.forward(request, body)
        token = header[7:].strip()
        with self.lock:
            self.counts[token] = used = self.counts.get(token, 0) + 1
        reset = str(int(time.time()) + 60)
        limits = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(max(0, self.limit - used)),
            "X-RateLimit-Reset": reset,
        }
        if used > self.limit:
            response = _set_json(
                Response(status=429), {"error": "rate_limited", "message": "Too many requests.", "status": 429}
            )
            if self.retry_after:
                response.headers["Retry-After"] = "60"
        else:
            response = self.forward(request, body)
        response.headers.update(limits)
        return response


class MissingRetryAfter(RateLimited):
    retry_after = False


class RestorableStore(ApiKeyStore):
    """A second revoke of a revoked key brings it back."""

    def revoke(self, org_id: str, key_id: str) -> ApiKey:
        with self._lock:
            key = self._by_id.get(key_id)
            if key is None or key.org_id != org_id:
                raise NotFound("No active API key with this id.")
            if key.revoked_at is not None:
                key.revoked_at = None
                self._by_hash[key.secret_hash] = key
                return key
            return super().revoke(org_id, key_id)


class CrossOrgStore(ApiKeyStore):
    """Revoke finds keys of any organisation."""

    def get(self, org_id: str, key_id: str) -> ApiKey:
        key = self._by_id.get(key_id)
        if key is None or key.revoked_at is not None:
            raise NotFound("No active API key with this id.")
        return key


def _with_store(cls: type[ApiKeyStore]) -> Callable[[Flask], Any]:
    def build(app: Flask) -> Any:
        state = state_of(app)
        old = state.keys
        state.keys = cls(old._rng, old._clock, old._lock, old._pepper, old.revocation_delay, old.environment)
        return app

    return build


class CorrectButDifferent(Middleware):
    """Differs from the mock only where the docs are silent: field names and order, id format, prefix
    length, extra fields, a bare-array list, and revoke answering 200 with a body."""

    def to_public(self, item: dict[str, Any], secret: str | None) -> dict[str, Any]:
        out: dict[str, Any] = {"object": "api_key", "keyId": "kid_" + item["id"][4:], "label": item["name"]}
        out["maskedKey"] = (secret or item["prefix"])[:14] + "••••" if secret else item["prefix"] + "••"
        out.update({"permissions": item["scopes"], "created": item["createdAt"], "metadata": {"tier": "x"}})
        return out

    def handle(self, request: Request, body: bytes) -> Response:
        key_id = _revoke_id(request)
        if key_id is not None:
            inner = f"{KEYS}/key_{key_id[4:]}" if re.fullmatch(r"kid_[0-9a-f]{24}", key_id) else None
            response = self.forward(request, body, path=inner)
            if response.status_code == 204:
                return _set_json(Response(status=200), {"keyId": key_id, "revoked": True})
            return response
        response = self.forward(request, body)
        if request.method == "POST" and request.path == KEYS and response.status_code == 201:
            created = _json(response)
            public = self.to_public(created, created["secret"])
            del response.headers["Location"]
            return _set_json(response, {"apiKey": created["secret"], **public})
        if _is_list(request) and response.status_code == 200:
            return _set_json(response, [self.to_public(i, self.secrets.get(i["id"])) for i in _json(response)["data"]])
        return response


@dataclass(frozen=True)
class Breakage:
    name: str
    claim: str
    files: tuple[str, ...]
    build: Callable[[Flask], Any]
    config: tuple[tuple[str, Any], ...] = ()
    extra_args: tuple[str, ...] = ()


K, E, R = "test_claims_keys.py", "test_claims_auth_errors.py", "test_claims_rate_limits.py"

BREAKAGES = [
    Breakage("secret-in-list", "C14", (K,), SecretInList),
    Breakage("secret-reshown-on-revoke", "C12", (K,), SecretOnRevoke),
    Breakage("mask-reveals-secret", "C14", (K,), MaskRevealsSecret),
    Breakage("revoke-ignored", "C16", (K,), RevokeIgnored),
    Breakage("revoked-key-accepted-after-window", "C16", (K,), lambda app: app, (("REVOCATION_DELAY", 3600),)),
    Breakage("revoked-key-listed", "C13", (K,), RevokedStillListed),
    Breakage("revoke-restorable", "C17", (K,), _with_store(RestorableStore)),
    Breakage("scope-not-enforced", "C10", (E,), ScopeNotEnforced),
    Breakage("unknown-scope-accepted", "C5", (K,), UnknownScopeAccepted),
    Breakage("foreign-key-listed", "C4", (K,), ForeignKeysListed),
    Breakage("foreign-key-revocable", "C4", (K,), _with_store(CrossOrgStore)),
    Breakage("unknown-id-wrong-status", "C27", (E,), UnknownIdWrongStatus),
    Breakage("bad-json-500", "C28", (E,), BadJson500),
    Breakage("missing-retry-after-on-429", "C35", (R,), MissingRetryAfter, (), ("--rate-limit-burst", "20")),
    Breakage("create-response-cacheable", "C12", (K,), CreateCacheable),
]


def build(breakage: Breakage) -> tuple[Any, Flask]:
    app = create_app(dict(breakage.config))
    wrapped = breakage.build(app)
    return wrapped, app
