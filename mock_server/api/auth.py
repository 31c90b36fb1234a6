"""Who is calling: a dashboard session (key management) or a bearer API key (data endpoints)."""

from __future__ import annotations

import re

from flask import Request

from ..errors import Forbidden, Unauthorized
from ..state.key_store import ApiKey
from ..state.state import State

SESSION_COOKIE = "eulabel_session"
_BEARER_HELP = "Send the header 'Authorization: Bearer sk_test_...' with an active API key."
_B64TOKEN = re.compile(r"[A-Za-z0-9._~+/-]+=*")  # RFC 6750 2.1: no whitespace or control characters
_SESSION_HELP = "API keys are managed with a dashboard session: send the cookie 'eulabel_session=...'."


def _unauthorized(message: str, suggestion: str) -> Unauthorized:
    return Unauthorized(message, suggestion=suggestion, headers={"WWW-Authenticate": 'Bearer realm="eulabel"'})


def session_org(state: State, request: Request) -> str:
    """The organisation of the request's dashboard session.

    :raise Unauthorized: no session cookie, or an unknown one. A bearer key is refused here:
        key management is session-only (C6).
    """
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        org_id = state.session_org(token)
        if org_id is not None:
            return org_id
        raise Unauthorized("The session is invalid or has expired.", suggestion=_SESSION_HELP)
    if request.headers.get("Authorization"):
        raise Unauthorized(
            "API keys cannot manage API keys; this endpoint needs a dashboard session.", suggestion=_SESSION_HELP
        )
    raise Unauthorized("A dashboard session is required.", suggestion=_SESSION_HELP)


def bearer_key(state: State, request: Request) -> ApiKey:
    """The active API key the request authenticates with.

    :raise Unauthorized: missing, malformed, unknown or revoked key (C9, C16).
    """
    header = request.headers.get("Authorization")
    if not header:
        raise _unauthorized("Missing API key.", _BEARER_HELP)
    # Spaces and tabs around a field value are not part of it (RFC 9110 5.5); inside, only the
    # documented form counts (C2): 'Bearer', one space, the key. RFC 7235 lets a server read the
    # scheme in any case, and RFC 6750 allows several spaces; the mock does not, so a client that
    # works against it also works against an API that reads the header to the letter.
    scheme, space, token = header.strip(" \t").partition(" ")
    if scheme != "Bearer" or not space or not _B64TOKEN.fullmatch(token):
        raise _unauthorized("Malformed Authorization header.", _BEARER_HELP)
    key = state.keys.authenticate(token)
    if key is None:
        raise _unauthorized("Invalid API key.", _BEARER_HELP)
    return key


def require_scopes(key: ApiKey, alternatives: tuple[frozenset[str], ...]) -> None:
    """:raise Forbidden: the key holds none of the alternative scope sets (C10)."""
    if not alternatives or any(needed <= key.scopes for needed in alternatives):
        return
    missing = " or ".join(" + ".join(sorted(needed - key.scopes)) for needed in alternatives)
    raise Forbidden(
        f"This API key lacks the scope {missing}.",
        suggestion="Create a key with the needed scope; scopes cannot be added to an existing key.",
    )
