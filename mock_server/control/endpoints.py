"""The mock-only control plane under /_mock (documented in docs/control-plane.md, not in openapi.yaml)."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Flask, Response, current_app

from ..api.responses import json_response
from ..errors import ValidationFailed
from ..handle import handle_of
from ..state.clock import iso
from .access import refuse_browser_forgery, require_token
from .bodies import checked_body, checked_query, schema
from .faults import parse_rule
from .journal_export import replay_module

bp = Blueprint("mock_control", __name__, url_prefix="/_mock")
bp.before_request(refuse_browser_forgery)  # whatever the token: a browser acting for another page
bp.before_request(require_token)  # every call below, before its body is read

# The latest instant the clock may show: a running clock then has a year before datetime's end.
LATEST: int = schema()["$defs"]["ClockFreeze"]["properties"]["at"]["maximum"]


def reset_all(app: Flask) -> None:
    """Construct the state (fixtures, real unfrozen clock) and the control plane's objects again."""
    handle_of(app).state.reset()
    handle_of(app).plane.reset()


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
    org_id = checked_body("Session").get("organizationId")
    state = handle_of(current_app).state
    with state.lock:
        # A named organisation that does not exist yet is created, so tests can pick stable ids.
        org_id = state.add_organization(org_id).id
        token = state.add_session(org_id)
    return json_response({"session": token, "organizationId": org_id}, 201, {"Cache-Control": "no-store"})


def _clock_json() -> Response:
    clock = handle_of(current_app).state.clock
    now = clock.now()
    return json_response({"now": iso(now), "epoch": now, "frozen": clock.frozen})


@bp.get("/clock")
def get_clock() -> Response:
    return _clock_json()


@bp.post("/clock/freeze")
def freeze_clock() -> Response:
    """Stop the clock, at ``at`` (ISO 8601 or Unix seconds) or at the current time."""
    at = checked_body("ClockFreeze").get("at")
    state = handle_of(current_app).state
    with state.lock:  # clock changes are serialised, so the range check holds for the result
        state.clock.freeze(None if at is None else _instant(at))
    return _clock_json()


@bp.post("/clock/advance")
def advance_clock() -> Response:
    seconds = float(checked_body("ClockAdvance")["seconds"])
    state = handle_of(current_app).state
    with state.lock:
        if state.clock.now() + seconds > LATEST:
            raise ValidationFailed(
                f"seconds would move the clock past {iso(LATEST)}, the latest time the mock represents.",
                param="seconds",
            )
        state.clock.advance(seconds)
    return _clock_json()


@bp.post("/clock/unfreeze")
def unfreeze_clock() -> Response:
    """Let the clock run again from where it stands (time it was advanced stays added)."""
    state = handle_of(current_app).state
    with state.lock:
        state.clock.unfreeze()
    return _clock_json()


def _instant(value: float | str) -> float:
    """Unix seconds from a schema-checked ``at``: a number in range, or an ISO 8601 time with a zone."""
    if not isinstance(value, str):
        return float(value)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        seconds = parsed.timestamp() if parsed.tzinfo is not None else None
    except (ValueError, OverflowError):  # not ISO 8601, or out of datetime's range once in UTC
        seconds = None
    if seconds is None or not 0 <= seconds <= LATEST:
        raise ValidationFailed(
            f"at must be an ISO 8601 time with a zone (e.g. 2026-01-01T00:00:00Z) or Unix seconds, "
            f"from {iso(0)} to {iso(LATEST)}.",
            param="at",
        )
    return seconds


@bp.post("/faults")
def add_fault() -> Response:
    fault = handle_of(current_app).plane.faults.add(parse_rule(checked_body("Fault")))
    return json_response(fault.to_json(), 201)


@bp.get("/faults")
def list_faults() -> Response:
    return json_response({"data": [f.to_json() for f in handle_of(current_app).plane.faults.rules()]})


@bp.delete("/faults")
def clear_faults() -> Response:
    handle_of(current_app).plane.faults.clear()
    return Response(status=204)


@bp.delete("/faults/<fault_id>")
def remove_fault(fault_id: str) -> Response:
    handle_of(current_app).plane.faults.remove(fault_id)
    return Response(status=204)


@bp.get("/journal")
def list_journal() -> Response:
    """Recorded requests, filtered by method, path (exact or glob), status, keyId; ``limit`` newest."""
    filters = checked_query("JournalQuery")
    journal = handle_of(current_app).plane.journal
    limit = filters.get("limit")
    if limit is not None and limit > max(journal.size, 1):
        raise ValidationFailed(f"limit must be at most {max(journal.size, 1)}, the journal's size.", param="limit")
    entries, omitted = journal.query(
        method=filters.get("method"),
        path=filters.get("path"),
        status=filters.get("status"),
        limit=limit,
        key_id=filters.get("keyId"),
    )
    if filters.get("format") == "pytest":
        return replay_module(current_app, entries, omitted)
    return json_response({"data": entries, "size": journal.size, "omitted": omitted})


@bp.delete("/journal")
def clear_journal() -> Response:
    handle_of(current_app).plane.journal.clear()
    return Response(status=204)
