"""``GET /_mock/usage``: what each API key has been doing, read from the request journal.

Calls are matched by the key id the journal recorded (found through the key's hash), never by
a secret, which the journal does not hold. Mock only: the real API documents no usage endpoint.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from flask import Blueprint, Response, current_app, request

from ..api.auth import session_org
from ..api.responses import json_response
from ..control.client_report import client_report
from ..handle import handle_of
from ..state.clock import iso
from ..state.key_store import ApiKey
from .headers import secure

bp = Blueprint("mock_usage", __name__, url_prefix="/_mock")

HOUR = 3600
BUCKET = 300  # seconds per bar of the last-hour chart
RECENT = 100  # calls listed per key, newest first
BURST = 3  # refusals (401/403) in the last hour that count as a burst
REFUSED = (401, 403)


def _key_json(key: ApiKey) -> dict[str, Any]:
    return {**key.to_json(), "revokedAt": iso(key.revoked_at) if key.revoked_at is not None else None}


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _unusual(calls: list[dict[str, Any]], since: float) -> list[dict[str, Any]]:
    """What should catch the eye: bursts of refusals, use after revocation, calls outside the key's scopes."""
    recent = [c for c in calls if c["epoch"] >= since]
    codes = Counter((c["reason"] or {}).get("code") for c in recent)
    refused = sum(1 for c in recent if c["status"] in REFUSED)
    out: list[dict[str, Any]] = []
    if refused >= BURST:
        out.append(
            {
                "code": "refusal_burst",
                "count": refused,
                "message": f"{_count(refused, 'call')} refused with 401 or 403 in the last hour.",
            }
        )
    if codes["key_revoked"]:
        out.append(
            {
                "code": "used_after_revocation",
                "count": codes["key_revoked"],
                "message": f"{_count(codes['key_revoked'], 'call')} with this key after it was revoked: "
                "someone still holds it.",
            }
        )
    stray = sorted(
        {
            f"{c['method']} {c['path']}"
            for c in recent
            if (c["reason"] or {}).get("code") in ("missing_scope", "no_route")
        }
    )
    if stray:
        out.append(
            {
                "code": "unexpected_path",
                "count": len(stray),
                "paths": stray,
                "message": "Calls outside this key's scopes or the API: " + ", ".join(stray) + ".",
            }
        )
    if codes["rate_limited"]:
        out.append(
            {
                "code": "rate_limited",
                "count": codes["rate_limited"],
                "message": f"{_count(codes['rate_limited'], 'call')} over the rate limit.",
            }
        )
    return out


def _summary(calls: list[dict[str, Any]], since: float) -> dict[str, int]:
    recent = [c for c in calls if c["epoch"] >= since]
    return {"calls": len(recent), "refused": sum(1 for c in recent if c["status"] in REFUSED)}


def _usage(key: ApiKey, calls: list[dict[str, Any]], now: float) -> dict[str, Any]:
    since = now - HOUR
    count = HOUR // BUCKET
    totals = [[0, 0] for _ in range(count)]
    for c in calls:
        if since <= c["epoch"] <= now:
            bar = totals[min(int((c["epoch"] - since) // BUCKET), count - 1)]
            bar[0] += 1
            bar[1] += c["status"] in REFUSED
    buckets = [{"start": iso(since + i * BUCKET), "calls": n, "refused": r} for i, (n, r) in enumerate(totals)]
    recent = [
        {
            "id": c["id"],
            "time": iso(c["epoch"]),
            "method": c["method"],
            "path": c["path"],
            "status": c["status"],
            "reason": c["reason"],
        }
        for c in reversed(calls[-RECENT:])
    ]
    return {
        "key": _key_json(key),
        "window": {"from": iso(since), "to": iso(now), "bucketSeconds": BUCKET},
        "lastHour": _summary(calls, since),
        "buckets": buckets,
        "unusual": _unusual(calls, since),
        "calls": recent,
    }


@bp.get("/usage")
def list_usage() -> Response:
    """Every key of the session's organisation, revoked ones included, with its last hour in brief.

    ``now`` is the mock's clock, which tests may freeze or advance: the page tells times relative to it.
    """
    state = handle_of(current_app).state
    org_id = session_org(state, request)
    journal = handle_of(current_app).plane.journal
    now = state.clock.now()
    data = []
    for key in state.keys.all(org_id):
        calls = journal.of_key(key.id)
        data.append({**_key_json(key), "lastHour": _summary(calls, now - HOUR), "unusual": _unusual(calls, now - HOUR)})
    return secure(json_response({"data": data, "now": iso(now), "journalSize": journal.size}))


@bp.get("/usage/<key_id>")
def key_usage(key_id: str) -> Response:
    """One key of the session's organisation: last-hour chart data, recent calls, unusual patterns."""
    state = handle_of(current_app).state
    org_id = session_org(state, request)
    key = state.keys.get_any(org_id, key_id)
    journal = handle_of(current_app).plane.journal
    body = _usage(key, journal.of_key(key.id), state.clock.now())
    # What the docs ask of clients, for this key (as the old one of a rotation, or its successor).
    found = [f for f in client_report(current_app)["data"] if key.id in (f["keyId"], f.get("newKeyId"))]
    return secure(json_response({**body, "clientFindings": found, "journalSize": journal.size}))
