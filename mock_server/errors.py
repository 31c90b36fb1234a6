"""The API's error type and its one rendering as a documented error body (flat or nested).

Pure Python: the stores raise these errors, and every layer renders them through ``render``.
"""

from __future__ import annotations

import json
from typing import Any

from .redaction import mask_secrets

ERROR_FORMATS = ("flat", "nested")
# One encoder for every JSON body: json.dumps with options builds a new one per call.
ENCODER = json.JSONEncoder(separators=(",", ":"))

# Gen-1 (nested) pages name two codes differently from the Gen-2 table (docs §4, contradiction 2).
_NESTED_CODES = {"unauthorized": "authentication_error", "conflict": "duplicate_error"}

# Codes for statuses the Gen-2 table does not list; they are this project's choice.
HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    408: "request_timeout",
    409: "conflict",
    413: "payload_too_large",
    414: "uri_too_long",
    415: "bad_request",
    421: "misdirected_request",
    422: "validation_error",
    429: "rate_limited",
    431: "headers_too_large",
    500: "internal_error",
    503: "service_unavailable",
}


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


class ServiceUnavailable(ApiError):
    status, code, message = 503, "service_unavailable", "Temporary maintenance or overload."


def error_body(
    fmt: str, status: int, code: str, message: str, param: str | None = None, suggestion: str | None = None
) -> dict[str, Any]:
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


def render(fmt: str, err: ApiError) -> tuple[int, list[tuple[str, str]], bytes]:
    """The status, headers and JSON body that answer ``err`` in the ``fmt`` error shape."""
    body = error_body(fmt, err.status, err.code, err.message, err.param, err.suggestion)
    headers = [("Content-Type", "application/json"), *err.headers.items()]
    return err.status, headers, ENCODER.encode(body).encode()


def http_error(status: int, message: str, headers: dict[str, str] | None = None) -> ApiError:
    """An error for a status that no ``ApiError`` subclass names (routing, server limits)."""
    err = ApiError(message, headers=headers)
    err.status, err.code = status, HTTP_CODES.get(status, "bad_request" if status < 500 else "internal_error")
    return err
