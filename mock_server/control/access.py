"""Who may use the control plane: anyone on a loopback mock, only holders of the token when one is set.

``/_mock/*`` can mint sessions for any organisation, reset, read the journal and inject faults, so
a mock shared beyond one machine is started with a control-plane token (``--control-token``).
"""

from __future__ import annotations

import hmac

from flask import current_app, request

from ..api.auth import cross_origin
from ..errors import BadRequest, Forbidden, Unauthorized

TOKEN_HEADER = "X-Eulabel-Mock-Token"
# A health check reveals nothing and must work for orchestrators that cannot send headers.
OPEN_PATHS = frozenset({"/_mock/ready"})


def token_required() -> bool:
    return bool(current_app.config.get("CONTROL_TOKEN"))


def token_matches(given: str) -> bool:
    """Whether ``given`` is the configured control-plane token (constant time); True when none is set."""
    token = current_app.config.get("CONTROL_TOKEN")
    return not token or hmac.compare_digest(given.encode("utf-8", "replace"), str(token).encode())


def refuse_browser_forgery() -> None:
    """The control plane is for scripts, tests and the mock's own pages, never for a page elsewhere.

    Without this, any page the user opened could reset the mock, install faults or freeze the
    clock with a ``no-cors`` fetch or a form post, token or not (the browser does not send the
    token, but a mock without one needs none). Browsers say where a request comes from
    (``Sec-Fetch-Site``, ``Origin``: ``api.auth.same_origin``); scripts send neither and pass. A
    page may also send a body only as text, a form or multipart without asking first (a CORS
    preflight, which the mock refuses), so a body that is not JSON is refused too: that also
    holds in a browser that says nothing about where a request comes from.

    :raise Forbidden: a cross-origin browser request (``reason.code`` ``cross_origin``).
    :raise BadRequest: a body, or a ``Content-Type``, other than JSON.
    """
    if request.path in OPEN_PATHS:
        return
    if cross_origin(request):
        raise Forbidden(
            "Cross-origin requests cannot use the control plane.",
            suggestion="Call /_mock from a script, a test or the mock's own pages, not from a page on another origin.",
            reason={
                "code": "cross_origin",
                "origin": request.headers.get("Origin"),
                "secFetchSite": request.headers.get("Sec-Fetch-Site"),
            },
        )
    mimetype = request.mimetype
    if (mimetype or request.content_length) and mimetype != "application/json" and not mimetype.endswith("+json"):
        raise BadRequest(
            "Control-plane bodies must be JSON.",
            suggestion="Send 'Content-Type: application/json' with a JSON body, or no body and no Content-Type.",
            reason={"code": "not_json", "contentType": request.headers.get("Content-Type")},
        )


def require_token() -> None:
    """:raise Unauthorized: a token is configured and the request does not carry it."""
    if not token_required() or request.path in OPEN_PATHS:
        return
    given = request.headers.get(TOKEN_HEADER, "")
    if not token_matches(given):
        raise Unauthorized(
            "The control plane needs its token." if not given else "The control-plane token is wrong.",
            suggestion=f"Send the header '{TOKEN_HEADER}: <token>' with the token the mock was started with "
            "(--control-token or EULABEL_MOCK_CONTROL_TOKEN).",
        )
