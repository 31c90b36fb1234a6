"""The application factory."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response, g, request

from . import api_keys, control, dashboard, faults, journal, passports, persistence, processes, products, rate_limit
from .errors import mask_secrets, register_error_handlers
from .routing import EXTENSION, add_routes
from .spec import load_spec, operations
from .store import State

access_log = logging.getLogger("eulabel_mock.access")


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
    "ACCESS_LOG": False,
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    "RATE_LIMIT": rate_limit.DEFAULT,  # requests/seconds per API key; "0" disables
    "JOURNAL_SIZE": 1000,  # requests the /_mock/journal keeps; 0 records none
    "STATE_FILE": None,  # path: keep the state across restarts (default: memory only)
}


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build a mock with its own state from ``DEFAULTS`` overridden by ``config``."""
    app = Flask(__name__)
    app.config.from_mapping(DEFAULTS)
    if config:
        app.config.from_mapping(config)
    if app.config["ERROR_FORMAT"] not in ("flat", "nested"):
        raise ValueError("ERROR_FORMAT must be 'flat' or 'nested'")
    if app.config["FIXTURES"] is None:
        app.config["FIXTURES"] = str(default_fixtures())
    app.extensions[EXTENSION] = State(app.config)
    register_error_handlers(app)
    add_routes(app, operations(load_spec()), {**api_keys.HANDLERS, **products.HANDLERS, **passports.HANDLERS})
    # Hook order matters: after_request hooks run in reverse, so a fault rewrites the response
    # before the journal records it and before the state file is written.
    processes.install(app)
    if app.config["STATE_FILE"]:
        persistence.install(app, app.config["STATE_FILE"])
    if app.config["CONTROL_PLANE"]:
        app.register_blueprint(control.bp)
        journal.install(app)
        faults.install(app)
        control.on_reset(app, journal.journal_of(app).clear)
        control.on_reset(app, faults.faults_of(app).clear)
        dashboard.install(app)  # the page reads usage from the journal, so it comes with the control plane
    if app.config["ACCESS_LOG"]:
        _log_access(app)
    return app


def _log_access(app: Flask) -> None:
    @app.before_request
    def _start() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def _done(resp: Response) -> Response:
        # The path only: query strings and headers may carry credentials.
        ms = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        access_log.info("%s %s %s %.1fms", request.method, mask_secrets(request.path), resp.status_code, ms)
        return resp
