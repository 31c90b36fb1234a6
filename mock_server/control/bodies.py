"""The control plane's request bodies, validated by one JSON Schema (``bodies.schema.json``).

The schema is the reference for what each ``/_mock`` call accepts (docs/control-plane.md shows it); the
endpoints only read values it has already checked.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from flask import request
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from ..api.validation import describe, read_json, refuse_keys
from ..errors import ValidationFailed

SCHEMA_PATH = Path(__file__).with_name("bodies.schema.json")


@cache
def schema() -> dict[str, Any]:
    with SCHEMA_PATH.open(encoding="utf-8") as fh:
        return json.load(fh)  # type: ignore[no-any-return]


@cache
def _validator(name: str) -> Draft202012Validator:
    root = schema()
    return Draft202012Validator({**root["$defs"][name], "$defs": root["$defs"]})


def json_object() -> dict[str, Any]:
    """The request's JSON object; an empty body reads as ``{}``.

    :raise BadRequest: the body is not JSON, or nests deeper than the limit.
    :raise ValidationFailed: the body is JSON but not an object, or holds an API key.
    """
    raw = request.get_data(cache=False)
    if not raw.strip():
        return {}
    body = read_json(raw)
    if not isinstance(body, dict):
        raise ValidationFailed("The body must be a JSON object.", param="body")
    refuse_keys(raw, body)
    return body


def checked_body(name: str) -> dict[str, Any]:
    """The request's JSON object, valid against the schema's ``$defs/<name>``.

    :raise BadRequest: not JSON.
    :raise ValidationFailed: not an object, or breaking the schema (``param`` names the field).
    """
    return _checked(name, json_object(), "body")


def checked_query(name: str) -> dict[str, Any]:
    """The query parameters (digits read as integers), valid against the schema's ``$defs/<name>``.

    :raise ValidationFailed: a repeated, unknown or invalid parameter (``param`` names it).
    """
    values: dict[str, Any] = {}
    for key, items in request.args.lists():
        if len(items) > 1:
            raise ValidationFailed(f"Query parameter '{key}' was given more than once.", param=key)
        values[key] = int(items[0]) if items[0].isascii() and items[0].isdigit() else items[0]
    return _checked(name, values, "query")


def _checked(name: str, value: dict[str, Any], where: str) -> dict[str, Any]:
    error = best_match(_validator(name).iter_errors(value))
    if error is not None:
        param, message = describe(error, where)
        raise ValidationFailed(message, param=param)
    return value
