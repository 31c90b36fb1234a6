"""WSGI middleware around an untouched ``create_app()``: the base of every broken or different server here."""

from __future__ import annotations

import io
import json
import re
import threading
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from werkzeug.test import run_wsgi_app
from werkzeug.wrappers import Request, Response

from contract_tests.documented import KEY_SCOPES
from mock_server.handle import handle_of

KEYS = "/v1/auth/api-keys"


class Middleware:
    """Rewrites requests or responses of a Flask mock; ``handle`` sees each request."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.state = handle_of(app).state
        self.secrets: dict[str, str] = {}  # key id -> secret, as seen in create responses
        self.items: dict[str, dict[str, Any]] = {}  # key id -> its create response without the secret
        self.lock = threading.Lock()
        self._masters: dict[str, str] = {}
        self.revoked_ids: set[str] = set()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        body = request.get_data()
        response = self.handle(request, body)
        return response(environ, start_response)

    def forward(
        self,
        request: Request,
        body: bytes,
        path: str | None = None,
        headers: dict[str, str] | None = None,
        query: str | None = None,
        method: str | None = None,
    ) -> Response:
        environ = dict(request.environ)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        if path is not None:
            environ["PATH_INFO"] = path
        if query is not None:
            environ["QUERY_STRING"] = query
        if method is not None:
            environ["REQUEST_METHOD"] = method
        for name, value in (headers or {}).items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        app_iter, status, hdrs = run_wsgi_app(self.app.wsgi_app, environ, buffered=True)
        response = Response(b"".join(app_iter), status=status, headers=hdrs)
        if (method or request.method) == "POST" and (path or request.path) == KEYS and response.status_code == 201:
            created = json.loads(response.get_data())
            with self.lock:
                self.secrets[created["id"]] = created["secret"]
                self.items[created["id"]] = {k: v for k, v in created.items() if k != "secret"}
        gone = revoke_id(request) if path is None else None
        if gone and 200 <= response.status_code < 300:
            self.revoked_ids.add(gone)
        return response

    def handle(self, request: Request, body: bytes) -> Response:
        return self.forward(request, body)

    # --- helpers for servers that act as another key or organisation ----------------------------
    def key_of(self, request: Request) -> Any:
        """The mock's key behind the request's bearer token, if it still authenticates."""
        token = bearer(request)
        return self.state.keys.authenticate(token) if token else None

    def master(self, org_id: str) -> str:
        """An all-scope key of the organisation, made once, for servers that skip a scope check."""
        with self.lock:
            if org_id not in self._masters:
                self._masters[org_id] = self.state.keys.create(org_id, "master", KEY_SCOPES)[1]
            return self._masters[org_id]

    def as_master(self, request: Request, body: bytes, org_id: str) -> Response:
        return self.forward(request, body, headers={"Authorization": f"Bearer {self.master(org_id)}"})

    def revoked(self, token: str) -> bool:
        """Whether a key this server created (seen in a create response) has been revoked."""
        key_id = next((k for k, s in self.secrets.items() if s == token), None)
        return key_id in self.revoked_ids


def body_json(response: Response) -> Any:
    try:
        return json.loads(response.get_data())
    except ValueError:
        return None


def set_json(response: Response, value: Any) -> Response:
    response.set_data(json.dumps(value))
    response.headers["Content-Type"] = "application/json"
    return response


def json_response(status: int, value: Any) -> Response:
    return set_json(Response(status=status), value)


def flat_error(status: int, code: str, message: str, param: str | None = None) -> Response:
    body: dict[str, Any] = {"error": code, "message": message, "status": status}
    if param:
        body["param"] = param
    return json_response(status, body)


def is_list(request: Request) -> bool:
    return request.method == "GET" and request.path == KEYS


def revoke_id(request: Request) -> str | None:
    match = re.fullmatch(KEYS + r"/([^/]+)", request.path)
    return match.group(1) if match and request.method == "DELETE" else None


def bearer(request: Request) -> str | None:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.startswith("Bearer ") else None
