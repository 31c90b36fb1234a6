"""The application factory: configuration, state, routes, then the request pipeline in reading order."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from flask import Flask, request

from . import dashboard, settings
from .api import api_keys, passports, products
from .api.request import Request, refuse_malformed_length
from .api.responses import register_error_handlers
from .api.routing import EXTENSION, add_routes, state_of
from .api.spec import load_spec, operations
from .api.strict import install as install_strict
from .control import client_report, endpoints
from .control.faults import FaultInjector
from .control.journal import JournalRecorder
from .control.plane import EXTENSION as CONTROL_EXTENSION
from .control.plane import ControlPlane
from .serving import host_names
from .serving.access_log import AccessLog
from .serving.inline_wsgi import Delay
from .serving.one_process import OneProcessGuard
from .serving.wsgi_run import WsgiApp
from .state.database import Database
from .state.persistence import flush_used, open_state_file
from .state.rate_limit import DEFAULT_RATE_LIMIT
from .state.state import State

STATE_FILE_EXTENSION = "eulabel_mock.state_file"
DELAY_EXTENSION = "eulabel_mock.delay"


def default_fixtures() -> Path:
    """The installed fixtures, or the repository's ones in a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "fixtures", here.parent / "fixtures"):
        if candidate.is_dir():
            return candidate
    return here / "fixtures"


DEFAULTS: dict[str, Any] = {
    "ERROR_FORMAT": "flat",  # or "nested" (Gen-1 errors)
    "REVOCATION_DELAY": 0.0,  # seconds a revoked key still authenticates
    "SEED": None,  # int: reproducible ids and secrets
    "FIXTURES": None,  # directory with organizations.json / products.json
    "CONTROL_PLANE": True,  # serve /_mock/*
    "CONTROL_TOKEN": None,  # str: /_mock/* (but ready) needs it in the X-Eulabel-Mock-Token header
    "DEMO_SESSIONS": True,  # open the fixtures' session cookies; off for shared deployments
    "ACCESS_LOG": False,
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    "RATE_LIMIT": DEFAULT_RATE_LIMIT,  # requests/seconds per API key; "0" disables
    "JOURNAL_SIZE": 1000,  # requests the /_mock/journal keeps; 0 records none
    "STATE_FILE": None,  # path: keep the state across restarts (default: memory only)
    "ALLOWED_HOSTS": (),  # host names served besides loopback names and IP addresses (serving/host_names.py)
    "STRICT": True,  # check every answer against openapi.yaml (api/strict.py); the command line's default is off
}


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build a mock with its own state from ``DEFAULTS`` overridden by ``config``.

    :raise settings.ConfigError: an unknown key or a value it cannot take (a ``ValueError``).
    """
    app = Flask(__name__)
    app.request_class = Request  # reads any query string a client can send
    app.config.from_mapping(DEFAULTS)
    if config:
        # Flask's own keys (e.g. TESTING) pass; any other unknown key is a typo, never ignored.
        app.config.from_mapping(settings.app_config(config, DEFAULTS, also_allowed=app.config))
    if app.config["FIXTURES"] is None:
        app.config["FIXTURES"] = str(default_fixtures())
    state = app.extensions[EXTENSION] = State(app.config)
    # Every answer is a documented JSON error or a served route: no automatic OPTIONS (a 405 with
    # Allow instead) and no redirect from //v1//products to /v1/products (a 404 instead).
    app.config["PROVIDE_AUTOMATIC_OPTIONS"] = False
    app.url_map.merge_slashes = False
    register_error_handlers(app)
    app.before_request(lambda: _check_request(request.environ, app.config["ALLOWED_HOSTS"]))
    add_routes(app, operations(load_spec()), {**api_keys.HANDLERS, **products.HANDLERS, **passports.HANDLERS})
    if app.config["STRICT"]:
        install_strict(app)  # after the routes' own hooks: it sees the answer as it leaves Flask

    if app.config["STATE_FILE"]:
        # From here on the stores write each change to the file as it happens: no request layer.
        app.extensions[STATE_FILE_EXTENSION] = open_state_file(state, app.config["STATE_FILE"])
    plane = None
    if app.config["CONTROL_PLANE"]:
        plane = app.extensions[CONTROL_EXTENSION] = ControlPlane(app.config)
        app.register_blueprint(endpoints.bp)
        app.register_blueprint(client_report.bp)
        dashboard.install(app)  # the page reads usage from the journal, so it comes with the control plane
    app.wsgi_app = _pipeline(app, state, plane)  # type: ignore[method-assign,assignment]
    return app


def _check_request(environ: dict[str, Any], allowed_hosts: tuple[str, ...]) -> None:
    """Before any route: the request names a host this mock serves, and its framing is sound."""
    misdirected = host_names.refusal(environ, allowed_hosts)
    if misdirected is not None:
        raise misdirected
    refuse_malformed_length(environ)


def _pipeline(app: Flask, state: State, plane: ControlPlane | None) -> WsgiApp:
    """The request pipeline around the Flask routes; each layer is WSGI middleware around the next."""
    fmt = str(app.config["ERROR_FORMAT"])
    layers: list[Callable[[WsgiApp], WsgiApp]] = []  # outermost first, the order a request meets them
    if app.config["ACCESS_LOG"]:
        layers.append(AccessLog)  # its duration covers the whole request, injected latency included
    if plane is not None:
        # Outside the guard and the faults: the journal records the answer the client really got.
        max_body = app.config["MAX_CONTENT_LENGTH"]
        layers.append(lambda inner: JournalRecorder(inner, lambda: plane.journal, state, max_body))
    layers.append(lambda inner: OneProcessGuard(inner, fmt))
    if plane is not None:
        layers.append(lambda inner: _faults(app, inner, plane, fmt))
    wsgi: WsgiApp = app.wsgi_app
    for layer in reversed(layers):
        wsgi = layer(wsgi)
    return wsgi


def _faults(app: Flask, inner: WsgiApp, plane: ControlPlane, fmt: str) -> FaultInjector:
    injector = FaultInjector(inner, lambda: plane.faults, fmt)
    app.extensions[DELAY_EXTENSION] = injector.delay_for
    return injector


def latency_hook(app: Flask) -> Delay | None:
    """What a server that waits without a thread calls to learn a request's injected latency."""
    hook: Delay | None = app.extensions.get(DELAY_EXTENSION)
    return hook


def flush_state(app: Flask) -> None:
    """Write what reads change in memory only (keys' ``lastUsedAt``), e.g. at shutdown."""
    database: Database | None = app.extensions.get(STATE_FILE_EXTENSION)
    if database is not None:
        flush_used(state_of(app), database)


def close_state(app: Flask) -> None:
    """Flush and close the state file, so that another mock may open it; the app keeps its memory
    but writes nothing more (a restart in tests: close, then ``create_app`` on the same file)."""
    database: Database | None = app.extensions.pop(STATE_FILE_EXTENSION, None)
    if database is not None:
        try:
            flush_used(state_of(app), database)
        finally:
            state_of(app).changes.sink = None
            database.close()
