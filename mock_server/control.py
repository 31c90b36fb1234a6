"""The mock-only control plane under /_mock (documented in the README, not in openapi.yaml)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, request

from .errors import BadRequest, ValidationFailed
from .routing import json_response, state_of

bp = Blueprint("mock_control", __name__, url_prefix="/_mock")


@bp.get("/ready")
def ready() -> Response:
    return json_response({"ready": True})


@bp.post("/reset")
def reset() -> Response:
    state_of(current_app).reset()
    return Response(status=204)


@bp.post("/sessions")
def create_session() -> Response:
    """Open a session for the named organisation, or for a new one when none is named."""
    body = _json_object()
    org_id = body.get("organizationId")
    if org_id is not None and (not isinstance(org_id, str) or not org_id.strip() or len(org_id) > 100):
        raise ValidationFailed("organizationId must be a non-empty string.", param="organizationId")
    state = state_of(current_app)
    with state.lock:
        # A named organisation that does not exist yet is created, so tests can pick stable ids.
        org_id = state.add_organization(org_id).id
        token = state.add_session(org_id)
    return json_response({"session": token, "organizationId": org_id}, 201, {"Cache-Control": "no-store"})


def _json_object() -> dict[str, object]:
    raw = request.get_data(cache=False)
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadRequest("Malformed JSON in the request body.") from None
    if not isinstance(body, dict):
        raise ValidationFailed("The body must be a JSON object.", param="body")
    return body
