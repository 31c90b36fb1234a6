"""The application factory: configuration, state, routes, then the request pipeline in reading order."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, request

from . import dashboard, settings
from .api import api_keys, passports, products
from .api.request import Request, refuse_malformed_length
from .api.responses import register_error_handlers
from .api.routing import add_routes
from .api.spec import load_spec, operations
from .api.strict import install as install_strict
from .control import client_report, endpoints
from .control.faults import FaultInjector
from .control.plane import ControlPlane
from .control.recorder import Recorder
from .handle import Handle, attach, handle_of
from .serving import host_names
from .serving.wsgi_run import WsgiApp
from .state.persistence import flush_used, open_state_file
from .state.rate_limit import DEFAULT_RATE_LIMIT
from .state.state import State


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
    # With a state file the stores are built once, by restoring it (with its pepper), not twice.
    handle = attach(app, Handle(State(app.config, build=not app.config["STATE_FILE"]), app.config))
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
        handle.database = open_state_file(handle.state, app.config["STATE_FILE"])
    if app.config["CONTROL_PLANE"]:
        handle.plane = ControlPlane(app.config)
        app.register_blueprint(endpoints.bp)
        app.register_blueprint(client_report.bp)
        dashboard.install(app)  # the page reads usage from the journal, so it comes with the control plane
    app.wsgi_app = _pipeline(app, handle)  # type: ignore[method-assign,assignment]
    return app


def _check_request(environ: dict[str, Any], allowed_hosts: tuple[str, ...]) -> None:
    """Before any route: the request names a host this mock serves, and its framing is sound."""
    misdirected = host_names.refusal(environ, allowed_hosts)
    if misdirected is not None:
        raise misdirected
    refuse_malformed_length(environ)


def _pipeline(app: Flask, handle: Handle) -> WsgiApp:
    """At most two WSGI layers around the Flask routes, outermost first: the recorder (journal and
    access log; it sees the answer the client really got, faults included), then the fault rules."""
    wsgi: WsgiApp = app.wsgi_app
    plane: ControlPlane | None = handle.plane
    if plane is not None:
        faults = FaultInjector(wsgi, lambda: plane.faults, str(app.config["ERROR_FORMAT"]))
        handle.hold = faults.hold  # a server that waits without a thread asks it before the app runs
        wsgi = faults
    journal = (lambda: plane.journal) if plane is not None else None
    if journal is not None or app.config["ACCESS_LOG"]:
        wsgi = Recorder(wsgi, journal, handle.state, app.config["MAX_CONTENT_LENGTH"], bool(app.config["ACCESS_LOG"]))
    return wsgi


def flush_state(app: Flask) -> None:
    """Write what reads change in memory only (keys' ``lastUsedAt``), e.g. at shutdown."""
    handle = handle_of(app)
    if handle.database is not None:
        flush_used(handle.state, handle.database)


def close_state(app: Flask) -> None:
    """Flush and close the state file, so that another mock may open it; the app keeps its memory
    but writes nothing more (a restart in tests: close, then ``create_app`` on the same file)."""
    handle = handle_of(app)
    database, handle.database = handle.database, None
    if database is not None:
        try:
            flush_used(handle.state, database)
        finally:
            handle.state.changes.sink = None
            database.close()
