"""The one record a mock app keeps about itself, and the one way to reach it from the app.

``create_app`` builds it; the routes, the control plane, the dashboard, the command line and the
tests all reach the state, the control plane, the state file and the settings through
``handle_of(app)``. It sits below ``api/`` so that every layer above may use it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from .state.database import Database
from .state.state import State

_KEY = "eulabel_mock"  # the app's one entry in Flask's ``extensions``


class HasExtensions(Protocol):
    extensions: dict[str, Any]


@dataclass(slots=True)
class Handle:
    """state: what the mock knows. settings: the app's checked configuration (``app.config``).
    database: the state file (``--state``) while it is open, else None. plane: the control plane
    (``control.plane.ControlPlane``), None without one; typed loosely here because the control
    layer sits above this module. hold: the seconds a server should wait, without a thread, before
    the app runs a request (injected latency), None without fault rules. memo: values worked out
    once per app from the settings (the dashboard's scopes, the fixtures' organisations)."""

    state: State
    settings: Mapping[str, Any]
    database: Database | None = None
    plane: Any = None
    hold: Callable[[dict[str, Any]], float] | None = None
    memo: dict[str, Any] = field(default_factory=dict)


def attach(app: HasExtensions, handle: Handle) -> Handle:
    app.extensions[_KEY] = handle
    return handle


def handle_of(app: HasExtensions) -> Handle:
    found: Handle = app.extensions[_KEY]
    return found
