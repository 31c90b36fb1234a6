"""The mock-only control plane under /_mock (documented in the README, not in openapi.yaml)."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Blueprint, Flask, Response, current_app, request

from .clock import iso
from .errors import BadRequest, ValidationFailed
from .routing import json_response, state_of

bp = Blueprint("mock_control", __name__, url_prefix="/_mock")

RESET_HOOKS = "eulabel_mock.reset_hooks"
MAX_ADVANCE = 10 * 366 * 86_400  # ten years, in seconds


def on_reset(app: Flask, hook: Callable[[], None]) -> None:
    """Run ``hook`` after every reset, so that mock-only extras start fresh with the state."""
    app.extensions.setdefault(RESET_HOOKS, []).append(hook)


def reset_all(app: Flask) -> None:
    """Reset the state (fixtures, real unfrozen clock) and everything registered with ``on_reset``."""
    state_of(app).reset()
    for hook in app.extensions.get(RESET_HOOKS, []):
        hook()


@bp.get("/ready")
def ready() -> Response:
    return json_response({"ready": True})


@bp.post("/reset")
def reset() -> Response:
    reset_all(current_app)
    return Response(status=204)


@bp.post("/sessions")
def create_session() -> Response:
    """Open a session for the named organisation, or for a new one when none is named."""
    body = json_object()
    org_id = body.get("organizationId")
    if org_id is not None and (not isinstance(org_id, str) or not org_id.strip() or len(org_id) > 100):
        raise ValidationFailed("organizationId must be a non-empty string.", param="organizationId")
    state = state_of(current_app)
    with state.lock:
        # A named organisation that does not exist yet is created, so tests can pick stable ids.
        org_id = state.add_organization(org_id).id
        token = state.add_session(org_id)
    return json_response({"session": token, "organizationId": org_id}, 201, {"Cache-Control": "no-store"})


def _clock_json() -> Response:
    clock = state_of(current_app).clock
    now = clock.now()
    return json_response({"now": iso(now), "epoch": now, "frozen": clock.frozen})


@bp.get("/clock")
def get_clock() -> Response:
    return _clock_json()


@bp.post("/clock/freeze")
def freeze_clock() -> Response:
    """Stop the clock, at ``at`` (ISO 8601 or Unix seconds) or at the current time."""
    body = json_object()
    _only(body, {"at"})
    at = body.get("at")
    state_of(current_app).clock.freeze(None if at is None else _instant(at))
    return _clock_json()


@bp.post("/clock/advance")
def advance_clock() -> Response:
    body = json_object()
    _only(body, {"seconds"})
    seconds: Any = body.get("seconds")
    if type(seconds) not in (int, float) or not 0 < seconds <= MAX_ADVANCE or not math.isfinite(seconds):
        raise ValidationFailed(f"seconds must be a number above 0 and at most {MAX_ADVANCE}; "
                               "the mock's clock never runs backwards.", param="seconds")
    state_of(current_app).clock.advance(float(seconds))
    return _clock_json()


@bp.post("/clock/unfreeze")
def unfreeze_clock() -> Response:
    """Let the clock run again from where it stands (time it was advanced stays added)."""
    state_of(current_app).clock.unfreeze()
    return _clock_json()


def _only(body: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise ValidationFailed(f"Unknown field '{unknown[0]}'.", param=unknown[0])


def _instant(value: Any) -> float:
    if type(value) in (int, float) and math.isfinite(value) and 0 <= value < 253402300800:
        return float(value)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is not None and parsed.timestamp() >= 0:
            return parsed.timestamp()
    raise ValidationFailed("at must be an ISO 8601 time with a zone (e.g. 2026-01-01T00:00:00Z) "
                           "or Unix seconds.", param="at")


def json_object() -> dict[str, Any]:
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
