"""Strict mode: each answer of an operation is checked against openapi.yaml before it leaves.

One ``after_request`` check, where Flask hands over the finished response (errors included): the
status must be documented for the operation, the documented headers there, and the body valid
against its schema. A violation is answered instead with a 500 ``mock_contract_violation`` that
names the operation and a JSON pointer: ``#/paths/...`` points into openapi.yaml (an undocumented
status, a missing or malformed header, a wrong Content-Type), ``/data/0/gtin`` into the body.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from functools import cache
from typing import Any

from flask import Flask, Response, request
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from ..errors import ENCODER, error_body
from ..passage import passage_of
from ..redaction import mask_secrets
from .spec import HTTP_METHODS, inline, load_spec
from .validation import describe

CODE = "mock_contract_violation"
log = logging.getLogger("eulabel_mock")


@dataclass(frozen=True, slots=True)
class Documented:
    """One documented response of one operation: where it is in the spec, its headers and body."""

    pointer: str  # "#/paths/~1v1~1products/get/responses/200"
    headers: tuple[tuple[str, bool, Draft202012Validator], ...]  # name, required, value schema
    body: Draft202012Validator | None  # None: the response has no content


@dataclass(frozen=True, slots=True)
class Violation:
    pointer: str
    message: str


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def _compile(schema: dict[str, Any], spec: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(inline(schema, spec), format_checker=Draft202012Validator.FORMAT_CHECKER)


@cache
def contracts() -> dict[str, tuple[str, dict[str, Documented]]]:
    """Per operationId, where its responses are and each by status ("200", "4XX", "default"); compiled once."""
    spec = load_spec()
    out: dict[str, tuple[str, dict[str, Documented]]] = {}
    for path, item in spec["paths"].items():
        for method in HTTP_METHODS:
            op = item.get(method)
            if op is None:
                continue
            responses: dict[str, Documented] = {}
            where = f"#/paths/{_escape(path)}/{method}/responses"
            for status, response in op.get("responses", {}).items():
                response = inline(response, spec)
                headers = tuple(
                    (name, bool(h.get("required")), _compile(h.get("schema", {}), spec))
                    for name, h in response.get("headers", {}).items()
                )
                content = response.get("content", {}).get("application/json")
                body = _compile(content.get("schema", {}), spec) if content is not None else None
                responses[str(status)] = Documented(f"{where}/{status}", headers, body)
            out[op["operationId"]] = (where, responses)
    return out


def check(operation_id: str, status: int, headers: Any, data: bytes) -> Violation | None:
    """What in this answer breaks openapi.yaml, or None; the message never quotes the answer's values."""
    where, documented = contracts()[operation_id]
    expected = documented.get(str(status)) or documented.get(f"{status // 100}XX") or documented.get("default")
    if expected is None:
        return Violation(where, f"status {status} is not documented for {operation_id}")
    for name, required, schema in expected.headers:
        value = headers.get(name)
        if value is None:
            if required:
                return Violation(f"{expected.pointer}/headers/{_escape(name)}", f"header {name} is missing")
        elif not schema.is_valid(value):
            return Violation(f"{expected.pointer}/headers/{_escape(name)}", f"header {name} breaks its schema")
    if expected.body is None:
        return None if not data else Violation(expected.pointer, f"a {status} has no body, yet one was sent")
    mimetype = str(headers.get("Content-Type", "")).split(";", 1)[0].strip().lower()
    if mimetype != "application/json":
        return Violation(f"{expected.pointer}/content", "the body is not application/json")
    try:
        body = json.loads(data)
    except ValueError:
        return Violation(f"{expected.pointer}/content", "the body is not valid JSON")
    error = best_match(expected.body.iter_errors(body))
    if error is None:
        return None
    pointer = "".join(f"/{_escape(str(part))}" for part in error.absolute_path)
    _, message = describe(error, "body")
    return Violation(pointer, message)


def install(app: Flask) -> None:
    """Check every answer of an operation of openapi.yaml; the control plane and pages are not in it."""
    known = contracts()

    @app.after_request
    def _strict(response: Response) -> Response:
        rule = request.url_rule
        if rule is None or rule.endpoint not in known:
            return response
        violation = check(rule.endpoint, response.status_code, response.headers, response.get_data())
        if violation is None:
            return response
        return _violation(str(app.config["ERROR_FORMAT"]), rule.endpoint, response.status_code, violation)


def _violation(fmt: str, operation_id: str, status: int, violation: Violation) -> Response:
    message = mask_secrets(
        f"The mock's {status} answer to {operation_id} breaks openapi.yaml at {violation.pointer or '/'}: "
        f"{violation.message.rstrip('.')}. This is a defect of the mock or of the spec; please report it."
    )
    log.error("%s: %s", CODE, message)
    reason = {"code": CODE, "operation": operation_id, "pointer": violation.pointer, "status": status}
    passage_of(request.environ).reason = reason
    body = error_body(fmt, 500, CODE, message)
    (body["error"] if fmt == "nested" else body).update(operation=operation_id, pointer=violation.pointer)
    return Response(ENCODER.encode(body), 500, content_type="application/json")
