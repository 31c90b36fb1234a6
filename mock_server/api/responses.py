"""Flask responses: JSON bodies, and every failure (routing and server errors too) as a JSON error."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from ..errors import ENCODER, ApiError, http_error, render
from ..passage import passage_of
from ..redaction import mask_secrets

log = logging.getLogger("eulabel_mock")


def json_response(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    resp = Response(ENCODER.encode(body), status, content_type="application/json")
    if headers:
        resp.headers.update(headers)
    return resp


def error_response(fmt: str, err: ApiError) -> Response:
    status, headers, body = render(fmt, err)
    return Response(body, status, headers=headers)


def from_http(exc: HTTPException) -> ApiError:
    """The API error for a werkzeug exception (routing 404/405, 413 from a large body, ...)."""
    headers = {}
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        headers["Allow"] = ", ".join(sorted(exc.valid_methods))
    err = http_error(exc.code or 500, _http_message(exc), headers)
    if err.status == 404:
        err.reason = {"code": "no_route"}
    return err


def register_error_handlers(app: Flask) -> None:
    """Answer every failure, including routing and server errors, with a JSON error body."""

    def fmt() -> str:
        return str(app.config["ERROR_FORMAT"])

    @app.errorhandler(ApiError)
    def _api_error(err: ApiError) -> Response:
        passage_of(request.environ).reason = err.explain()  # the journal records why
        return error_response(fmt(), err)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        err = from_http(exc)
        passage_of(request.environ).reason = err.explain()
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
