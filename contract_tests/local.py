"""The mock as a target: started in this process when no ``--base-url`` is given, or found at a URL.

This is the one module of the suite that imports ``mock_server`` (``create_app`` and its in-thread
server, to start the default target); everything else it does with the mock goes over HTTP,
through the control plane at ``/_mock``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import requests

from .target import Target

ENV_CONTROL_TOKEN = "EULABEL_MOCK_CONTROL_TOKEN"
TOKEN_HEADER = "X-Eulabel-Mock-Token"


def start_mock(common: dict[str, Any], config: dict[str, Any] | None = None) -> tuple[Target, Callable[[], None]]:
    """A fresh mock on a free port with two minted sessions (two organisations); returns it and a stop function."""
    from mock_server import create_app
    from mock_server.testing import serve_mock  # the server EulabelMock uses, with eulabel-mock's limits

    app = create_app({"CONTROL_PLANE": True, **(config or {})})
    url, stop = serve_mock(app)
    tgt = Target(root=url, foreign=False, app=app, mock_plane=True, **common)
    try:
        tgt.session, tgt.session2 = mint_session(tgt), mint_session(tgt)
    except BaseException:
        stop()
        raise
    return tgt, stop


def control_headers() -> dict[str, str]:
    token = os.environ.get(ENV_CONTROL_TOKEN)
    return {TOKEN_HEADER: token} if token else {}


def mint_session(target: Target, organisation: str | None = None) -> str:
    """A new dashboard session from the mock's control plane (for a new organisation unless one is named)."""
    body = {"organizationId": organisation} if organisation else {}
    resp = requests.post(
        target.url("/_mock/sessions"), json=body, headers=control_headers(), timeout=10, verify=target.verify
    )
    resp.raise_for_status()
    return str(resp.json()["session"])


def reset(target: Target) -> None:
    """Everything the mock holds built again from its fixtures (``POST /_mock/reset``)."""
    resp = requests.post(target.url("/_mock/reset"), headers=control_headers(), timeout=10, verify=target.verify)
    resp.raise_for_status()


def has_control_plane(target: Target) -> str | None:
    """None when ``target`` is a mock whose control plane this run may use; else why not."""
    try:
        ready = requests.get(target.url("/_mock/ready"), timeout=5, verify=target.verify)
        if ready.status_code != 200 or not isinstance(_json(ready), dict):
            return "needs the mock's control plane (/_mock); the target has none"
        clock = requests.get(target.url("/_mock/clock"), headers=control_headers(), timeout=5, verify=target.verify)
    except requests.RequestException as exc:
        return f"needs the mock's control plane (/_mock), which did not answer: {type(exc).__name__}"
    if clock.status_code in (401, 403):
        return f"the mock's control plane needs its token: set {ENV_CONTROL_TOKEN}"
    if clock.status_code != 200:
        return f"needs the mock's control plane (/_mock); GET /_mock/clock answered {clock.status_code}"
    return None


def _json(resp: requests.Response) -> Any:
    try:
        return resp.json()
    except ValueError:
        return None
