"""Refuse to serve from several worker processes: each would hold its own, diverging state."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from ..errors import ServiceUnavailable, render
from .wsgi_run import WsgiApp

log = logging.getLogger("eulabel_mock")

MESSAGE = (
    "eulabel-mock keeps its state in memory in one process, but this server runs several worker "
    "processes: keys created through one would be unknown to the others."
)
SUGGESTION = (
    "Run one worker with threads, e.g. 'gunicorn -w 1 --threads 8 mock_server.wsgi:app', or the 'eulabel-mock' command."
)


class MultipleProcesses(ServiceUnavailable):
    message = MESSAGE


class OneProcessGuard:
    """WSGI middleware for the entry external servers load (``mock_server.wsgi``): answer every
    request with a 503 when the server says it runs several processes. The mock's own servers run
    one process by construction, so their requests never meet it."""

    def __init__(self, inner: WsgiApp, error_format: str) -> None:
        self._inner = inner
        self._format = error_format
        self._logged = False

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not environ.get("wsgi.multiprocess"):
            return self._inner(environ, start_response)
        if not self._logged:
            self._logged = True
            log.error("refusing requests: %s %s", MESSAGE, SUGGESTION)
        status, headers, body = render(self._format, MultipleProcesses(suggestion=SUGGESTION))
        start_response(f"{status} Service Unavailable", headers)
        return [body]


App = TypeVar("App")


def one_process_only(app: App) -> App:
    """``app`` (a mock: a Flask app) guarded at its entry, for a server that may run several processes."""
    flask: Any = app  # serving stays free of Flask: only its two attributes are used
    flask.wsgi_app = OneProcessGuard(flask.wsgi_app, str(flask.config["ERROR_FORMAT"]))
    return app


_WORKERS_ARG = re.compile(r"(?:^|\s)(?:-w\s*|--workers[=\s]+)(\d+)")


def configured_workers(env: Mapping[str, str]) -> int:
    """The worker count a pre-fork server (gunicorn, granian) was told to use via the environment."""
    counts = [1]
    for name in ("WEB_CONCURRENCY", "GRANIAN_WORKERS"):
        value = env.get(name, "").strip()
        if value.isdigit():
            counts.append(int(value))
    match = _WORKERS_ARG.search(env.get("GUNICORN_CMD_ARGS", ""))
    if match:
        counts.append(int(match.group(1)))
    return max(counts)


def refuse_multiple_workers(env: Mapping[str, str]) -> None:
    """:raise RuntimeError: the environment asks for more than one worker process."""
    workers = configured_workers(env)
    if workers > 1:
        raise RuntimeError(f"{MESSAGE} ({workers} workers configured) {SUGGESTION}")
