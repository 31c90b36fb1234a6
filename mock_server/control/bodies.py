"""Reading the control plane's JSON request bodies."""

from __future__ import annotations

from typing import Any

from flask import request

from ..api.validation import read_json
from ..errors import ValidationFailed


def json_object() -> dict[str, Any]:
    """The request's JSON object; an empty body reads as ``{}``.

    :raise BadRequest: the body is not JSON.
    :raise ValidationFailed: the body is JSON but not an object.
    """
    raw = request.get_data(cache=False)
    if not raw.strip():
        return {}
    body = read_json(raw)
    if not isinstance(body, dict):
        raise ValidationFailed("The body must be a JSON object.", param="body")
    return body


def only(body: dict[str, Any], allowed: set[str]) -> None:
    """:raise ValidationFailed: ``body`` has a field outside ``allowed``."""
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise ValidationFailed(f"Unknown field '{unknown[0]}'.", param=unknown[0])
