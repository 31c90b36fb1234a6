"""Who is calling: a dashboard session (key management) or a bearer API key (data endpoints)."""

from __future__ import annotations

import re
from typing import Any

from flask import Request

from ..errors import Forbidden, Unauthorized
from ..passage import passage_of
from ..state.clock import iso
from ..state.key_store import ApiKey
from ..state.state import State

SESSION_COOKIE = "eulabel_session"
# The WSGI environ key naming the API key a request presented (journal and usage views match on it).
_SHOWN_PREFIX = re.compile(r"(?:sk_(?:test|live)_)?.{0,4}", re.DOTALL)
_BEARER_HELP = "Send the header 'Authorization: Bearer sk_test_...' with an active API key."
_B64TOKEN = re.compile(r"[A-Za-z0-9._~+/-]+=*")  # RFC 6750 2.1: no whitespace or control characters
_SESSION_HELP = "API keys are managed with a dashboard session: send the cookie 'eulabel_session=...'."


def _unauthorized(message: str, suggestion: str, reason: dict[str, Any]) -> Unauthorized:
    return Unauthorized(
        message, suggestion=suggestion, headers={"WWW-Authenticate": 'Bearer realm="eulabel"'}, reason=reason
    )


def shown_prefix(token: str) -> str:
    """As much of a presented credential as a masked key shows (``sk_test_`` + 4), never more than half."""
    match = _SHOWN_PREFIX.match(token)
    shown = match.group(0) if match else ""
    return shown[: len(token) // 2]


def same_origin(request: Request) -> None:
    """Refuse a cookie-carrying request that a page on another origin made the browser send.

    SameSite=Lax does not stop it: another port on the same host is the same *site*, so the
    browser sends the cookie with its fetches and form posts. Browsers say where a request comes
    from: ``Sec-Fetch-Site`` decides when present (``same-origin``, or ``none`` for a typed URL);
    otherwise an ``Origin`` header must be this server's. ``Sec-Fetch-Site`` goes first because
    under ``Referrer-Policy: no-referrer`` a browser sends ``Origin: null`` even for its own
    page's form posts. Clients that send neither (curl, SDKs) are not a browser acting for a
    page, so they pass.

    :raise Forbidden: a request from another origin (``reason.code`` ``cross_origin``).
    """
    if not cross_origin(request):
        return
    site = request.headers.get("Sec-Fetch-Site")
    origin = request.headers.get("Origin")
    raise Forbidden(
        "Cross-origin requests cannot use the dashboard session.",
        suggestion="Call the API from the dashboard's own origin, or without a browser (e.g. curl).",
        reason={"code": "cross_origin", "origin": origin, "secFetchSite": site},
    )


def cross_origin(request: Request) -> bool:
    """Whether a browser sent this request for a page on another origin (``same_origin`` says how it tells)."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site not in ("same-origin", "none")
    origin = request.headers.get("Origin")
    return origin is not None and origin != request.host_url.rstrip("/")


def session_org(state: State, request: Request) -> str:
    """The organisation of the request's dashboard session.

    :raise Unauthorized: no session cookie, or an unknown one. A bearer key is refused here:
        key management is session-only (C6).
    :raise Forbidden: the session cookie came with a request from another origin.
    """
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        same_origin(request)
        org_id = state.session_org(token)
        if org_id is not None:
            return org_id
        raise Unauthorized(
            "The session is invalid or has expired.", suggestion=_SESSION_HELP, reason={"code": "unknown_session"}
        )
    if request.headers.get("Authorization"):
        raise Unauthorized(
            "API keys cannot manage API keys; this endpoint needs a dashboard session.",
            suggestion=_SESSION_HELP,
            reason={"code": "key_on_session_endpoint"},
        )
    raise Unauthorized("A dashboard session is required.", suggestion=_SESSION_HELP, reason={"code": "missing_session"})


def bearer_key(state: State, request: Request) -> ApiKey:
    """The active API key the request authenticates with.

    :raise Unauthorized: missing, malformed, unknown or revoked key (C9, C16).
    """
    header = request.headers.get("Authorization")
    if not header:
        raise _unauthorized("Missing API key.", _BEARER_HELP, {"code": "missing_key"})
    # Spaces and tabs around a field value are not part of it (RFC 9110 5.5); inside, only the
    # documented form counts (C2): 'Bearer', one space, the key. RFC 7235 lets a server read the
    # scheme in any case, and RFC 6750 allows several spaces; the mock does not, so a client that
    # works against it also works against an API that reads the header to the letter.
    scheme, space, token = header.strip(" \t").partition(" ")
    if scheme != "Bearer" or not space or not _B64TOKEN.fullmatch(token):
        raise _unauthorized("Malformed Authorization header.", _BEARER_HELP, {"code": "malformed_authorization"})
    key = state.keys.authenticate(token)
    if key is None:
        # Only on failure: one more keyed-hash lookup tells a revoked key from an unknown one.
        revoked = state.keys.revoked(token)
        if revoked is None or revoked.revoked_at is None:
            reason = {"code": "unknown_key", "prefix": shown_prefix(token)}
            raise _unauthorized("Invalid API key.", _BEARER_HELP, reason)
        passage_of(request.environ).key_id = revoked.id
        raise _unauthorized(
            "Invalid API key.",
            _BEARER_HELP,
            {"code": "key_revoked", "keyId": revoked.id, "revokedAt": iso(revoked.revoked_at)},
        )
    passage_of(request.environ).key_id = key.id
    return key


def require_scopes(key: ApiKey, alternatives: tuple[frozenset[str], ...]) -> None:
    """:raise Forbidden: the key holds none of the alternative scope sets (C10)."""
    for needed in alternatives:
        if needed <= key.scopes:
            return
    if not alternatives:
        return
    options = [" + ".join(sorted(needed - key.scopes)) for needed in alternatives]
    reason: dict[str, Any] = {"code": "missing_scope", "scope": options[0], "keyId": key.id}
    if len(options) > 1:
        reason["anyOf"] = options
    raise Forbidden(
        f"This API key lacks the scope {' or '.join(options)}.",
        suggestion="Create a key with the needed scope; scopes cannot be added to an existing key.",
        reason=reason,
    )
