"""Who may use the control plane: anyone on a loopback mock, only holders of the token when one is set.

``/_mock/*`` can mint sessions for any organisation, reset, read the journal and inject faults, so
a mock shared beyond one machine is started with a control-plane token (``--control-token``).
"""

from __future__ import annotations

import hmac

from flask import current_app, request

from ..errors import Unauthorized

TOKEN_HEADER = "X-Eulabel-Mock-Token"
# A health check reveals nothing and must work for orchestrators that cannot send headers.
OPEN_PATHS = frozenset({"/_mock/ready"})


def token_required() -> bool:
    return bool(current_app.config.get("CONTROL_TOKEN"))


def token_matches(given: str) -> bool:
    """Whether ``given`` is the configured control-plane token (constant time); True when none is set."""
    token = current_app.config.get("CONTROL_TOKEN")
    return not token or hmac.compare_digest(given.encode("utf-8", "replace"), str(token).encode())


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
