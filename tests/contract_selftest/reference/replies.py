"""How the reference server answers: JSON bodies, errors in the shape and names its switches choose."""

from __future__ import annotations

import json
from typing import Any

from werkzeug.wrappers import Response

from .store import Invalid
from .switches import Switches

GEN1 = {401: "authentication_error", 409: "duplicate_error"}
HINTS = {
    400: "Send a JSON object with Content-Type: application/json.",
    401: "Send Authorization: Bearer sk_test_… with a key that has not been revoked.",
    403: "Ask for a key with the scope this endpoint needs.",
    422: "See the param field.",
}


def reply(status: int, body: Any = None, headers: dict[str, str] | None = None) -> Response:
    response = Response(status=status, headers=headers or {})
    if body is not None:
        response.set_data(json.dumps(body))
        response.headers["Content-Type"] = "application/json"
    return response


def error(switches: Switches, refused: Invalid, path: str = "", headers: dict[str, str] | None = None) -> Response:
    code = GEN1.get(refused.status, refused.code) if switches.error_names == "gen1" else refused.code
    message = refused.message + (f" (requested: {path})" if switches.echo_ids and path else "")
    body: dict[str, Any]
    if switches.error_shape == "nested":
        inner: dict[str, Any] = {"type": code, "code": code, "message": message}
        if refused.param:
            inner["param"] = refused.param
        body = {"error": inner}
    else:
        body = {"error": code, "message": message, "status": refused.status}
        if refused.param:
            body["param"] = refused.param
        if switches.suggestion and refused.status in HINTS:
            body["suggestion"] = HINTS[refused.status]
    if switches.echo_ids and path:
        body["links"] = {"requested": path}
    if switches.extra_fields:
        body["requestId"] = "req_reference"
    return reply(refused.status, body, headers)
