"""Key management (C11-C19): create, list and revoke, with a dashboard session only (C6, C7)."""

from __future__ import annotations

import time
from typing import Any

from werkzeug.wrappers import Request, Response

from .replies import reply
from .store import SCOPES, SESSIONS, Invalid, Key, Store
from .switches import Switches

COOKIE = "eulabel_session"


def session_org(request: Request, switches: Switches) -> str:
    org = SESSIONS.get(request.cookies.get(COOKIE, ""))
    if org:
        return org
    if request.headers.get("Authorization"):
        status = switches.bearer_on_keys
        raise Invalid(status, "unauthorized" if status == 401 else "forbidden", "Key management needs a session.")
    raise Invalid(401, "unauthorized", "Sign in: key management needs the eulabel_session cookie.")


def _checked(body: dict[str, Any], switches: Switches) -> tuple[str, list[str]]:
    for name in ("name", "scopes"):
        if name not in body:
            code = "bad_request" if switches.missing_field == 400 else "validation_error"
            raise Invalid(switches.missing_field, code, f"{name} is required", name)
    name, scopes = body["name"], body["scopes"]
    if not isinstance(name, str) or not name.strip() or len(name) > 100:
        raise Invalid(422, "validation_error", "name must be text of 1 to 100 characters.", "name")
    if not isinstance(scopes, list) or not scopes or any(s not in SCOPES for s in scopes):
        raise Invalid(422, "validation_error", f"scopes must be a non-empty list of {', '.join(SCOPES)}.", "scopes")
    return name, list(dict.fromkeys(scopes))


def view(key: Key, switches: Switches, secret: str | None = None) -> dict[str, Any]:
    shown = key.prefix + "…"
    if switches.key_fields == "stripe":
        out: dict[str, Any] = {"object": "api_key", "id": key.id, "name": key.name, "scopes": key.scopes}
        out |= {"redacted": shown, "livemode": switches.environment == "live", "created": key.created}
        if secret:
            out["key"] = secret
    else:
        out = {"id": key.id, "name": key.name, "scopes": key.scopes, "prefix": shown, "createdAt": key.created}
        out["environment"] = switches.environment
        if secret:
            out["secret"] = secret
    if switches.extra_fields:
        out["lastUsedAt"] = None
    return out


def create(store: Store, switches: Switches, org: str, body: dict[str, Any]) -> Response:
    name, scopes = _checked(body, switches)
    key, secret = store.new_key(org, name, scopes)
    return reply(201, view(key, switches, secret), {"Cache-Control": "no-store"})


def listing(store: Store, switches: Switches, org: str) -> Response:
    with store.lock:
        keys = [k for k in store.keys.values() if k.org == org and not k.dead(switches.revocation_delay)]
    items = [view(k, switches) for k in keys]
    body: Any = {"data": items} if switches.key_list == "data" else {"object": "list", "keys": items}
    return reply(200, items if switches.key_list == "bare" else body)


def revoke(store: Store, switches: Switches, org: str, key_id: str) -> Response:
    with store.lock:
        key = store.key_by_id(org, key_id)
        if key is None or key.revoked_at is not None:
            if switches.unknown_revoke == "204":
                return reply(204)
            raise Invalid(404, "not_found", "No such API key.")
        key.revoked_at = time.monotonic()
    if switches.revoke_status == 200:
        return reply(200, {"id": key.id, "revoked": True})
    return reply(switches.revoke_status)
