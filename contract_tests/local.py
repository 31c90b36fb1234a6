"""The in-process mock the suite runs against when no ``--base-url`` is given."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .target import Target, serve_in_thread


def start_mock(common: dict[str, Any], config: dict[str, Any] | None = None) -> tuple[Target, Callable[[], None]]:
    """A fresh mock on a free port with two minted sessions (two organisations); returns it and a stop function."""
    import requests

    from mock_server import create_app

    app = create_app({"CONTROL_PLANE": True, **(config or {})})
    url, stop = serve_in_thread(app)
    tgt = Target(root=url, foreign=False, app=app, **common)
    try:
        minted = [requests.post(url + "/_mock/sessions", json={}, timeout=10) for _ in range(2)]
        tgt.session, tgt.session2 = (r.json()["session"] for r in minted)
    except BaseException:
        stop()
        raise
    return tgt, stop
