"""The API's error type and the handlers that render every failure as a documented error body."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

log = logging.getLogger("eulabel_mock")

# The WSGI environ key where a refusal leaves its machine-readable reason for the journal.
REASON = "eulabel_mock.reason"

_SECRET = re.compile(r"sk_(test|live)_[A-Za-z0-9]+")

# Gen-1 (nested) pages name two codes differently from the Gen-2 table (docs §4, contradiction 2).
_NESTED_CODES = {"unauthorized": "authentication_error", "conflict": "duplicate_error"}

# Codes for statuses the Gen-2 table does not list; they are this project's choice.
_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "bad_request",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
    503: "service_unavailable",
}


def mask_secrets(text: str) -> str:
    """Replace anything shaped like an API key by its visible prefix and an ellipsis."""
    return _SECRET.sub(lambda m: m.group(0)[:12] + "…", text)


class ApiError(Exception):
    """An error the API answers with; subclasses fix the status and code."""

    status = 500
    code = "internal_error"
    message = "Unexpected server failure."

    def __init__(
        self,
        message: str | None = None,
        *,
        param: str | None = None,
        suggestion: str | None = None,
        headers: dict[str, str] | None = None,
        reason: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message or self.message)
        if message:
            self.message = message
        self.param = param
        self.suggestion = suggestion
        self.headers = headers or {}
        self.reason = reason

    def explain(self) -> dict[str, Any]:
        """Why the request was refused, for the journal: a ``code`` and the facts behind it."""
        if self.reason is not None:
            return self.reason
        return {"code": self.code, "param": self.param} if self.param is not None else {"code": self.code}


class BadRequest(ApiError):
    status, code, message = 400, "bad_request", "The request could not be parsed."


class Unauthorized(ApiError):
    status, code, message = 401, "unauthorized", "Missing or invalid API key."


class Forbidden(ApiError):
    status, code, message = 403, "forbidden", "The API key lacks a scope this endpoint needs."


class NotFound(ApiError):
    status, code, message = 404, "not_found", "Resource not found."


class Conflict(ApiError):
    status, code, message = 409, "conflict", "The resource already exists."


class ValidationFailed(ApiError):
    status, code, message = 422, "validation_error", "The request failed validation."


class RateLimited(ApiError):
    status, code, message = 429, "rate_limited", "Too many requests."


def error_body(fmt: str, status: int, code: str, message: str, param: str | None = None,
               suggestion: str | None = None) -> dict[str, Any]:
    """Build an error body in the flat (Gen-2) or nested (Gen-1) shape."""
    message = mask_secrets(message)
    if param is not None:
        param = mask_secrets(param)
    if fmt == "nested":
        name = _NESTED_CODES.get(code, code)
        inner: dict[str, Any] = {"type": name, "message": message, "code": name}
        if param is not None:
            inner["param"] = param
        return {"error": inner}
    body: dict[str, Any] = {"error": code, "message": message, "status": status}
    if suggestion:
        body["suggestion"] = mask_secrets(suggestion)
    if param is not None:
        body["param"] = param
    return body


def error_response(fmt: str, err: ApiError) -> Response:
    body = error_body(fmt, err.status, err.code, err.message, err.param, err.suggestion)
    resp = Response(json.dumps(body), err.status, mimetype="application/json")
    resp.headers.update(err.headers)
    return resp


def from_http(exc: HTTPException) -> ApiError:
    """The API error for a werkzeug exception (routing 404/405, 413 from a large body, ...)."""
    status = exc.code or 500
    err = ApiError(_http_message(exc))
    err.status, err.code = status, _HTTP_CODES.get(status, "bad_request" if status < 500 else "internal_error")
    if status == 404:
        err.reason = {"code": "no_route"}
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        err.headers["Allow"] = ", ".join(sorted(exc.valid_methods))
    return err


def register_error_handlers(app: Flask) -> None:
    """Answer every failure, including routing and server errors, with a JSON error body."""

    def fmt() -> str:
        return str(app.config["ERROR_FORMAT"])

    @app.errorhandler(ApiError)
    def _api_error(err: ApiError) -> Response:
        request.environ[REASON] = err.explain()
        return error_response(fmt(), err)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        err = from_http(exc)
        request.environ[REASON] = err.explain()
        return error_response(fmt(), err)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.error("unhandled %s: %s", type(exc).__name__, mask_secrets(str(exc)))
        return error_response(fmt(), ApiError())


def _http_message(exc: HTTPException) -> str:
    if exc.code == 404:
        return "No such endpoint. See openapi.yaml for the served paths."
    if exc.code == 405:
        return "Method not allowed on this path."
    if exc.code == 413:
        return "Request body too large."
    return exc.name
