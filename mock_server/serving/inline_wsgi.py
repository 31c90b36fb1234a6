"""What an adapter that runs the WSGI app on an event loop (``rsgi.py``) needs: the checks made
before the app runs, the environ, and running the WSGI app inline on the event-loop thread.

The app runs inline because the mock's requests take tens of microseconds of Python, and one
thread means no GIL hand-over between busy threads, which is what gave the multi-threaded design
its long tail (BENCHMARKS.md, "Serving design"). Anything that waits (a body, injected latency)
is awaited by the adapter before the app is called, so it holds no thread.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections.abc import Callable
from typing import Any

from ..errors import http_error, render
from .limits import Limits
from .wsgi_run import WsgiApp, run_to_completion

Delay = Callable[[dict[str, Any]], float]
"""Seconds to wait before the app runs this request (injected latency); the environ is then passed on."""
Response = tuple[int, list[tuple[str, str]], bytes]

CUT_PAUSE = 0.05  # seconds a cut-off response waits for its headers to leave
# Seconds a refused body (413) is still read and dropped before the answer: a client that sends its
# whole body before it reads (urllib, requests) would otherwise fail on a closed connection and never
# see the answer. The lingering close of RFC 9112, section 9.6, bounded in time.
LINGER = 2.0
log = logging.getLogger("eulabel_mock")

BASE_ENVIRON: dict[str, Any] = {
    "GATEWAY_INTERFACE": "CGI/1.1",
    "SCRIPT_NAME": "",
    "SERVER_SOFTWARE": "eulabel-mock",
    "wsgi.errors": sys.stderr,
    "wsgi.input_terminated": True,
    "wsgi.multiprocess": False,
    "wsgi.multithread": False,
    "wsgi.run_once": False,
    "wsgi.version": (1, 0),
}


class TooLarge(Exception):
    """The body grew past the size limit while it arrived."""


class Gone(Exception):
    """The client disconnected before its body arrived: nobody is left to answer."""


def environ_key(header: str) -> str:
    """The environ key of a (lower-case) header name, as PEP 3333 names it."""
    name = header.upper().replace("-", "_")
    return name if name in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + name


def refusal(limits: Limits, target: int, head: int, content_length: str | None) -> tuple[int, str] | None:
    """The limit a request breaks before its body is read: ``target`` bytes of path and query,
    ``head`` bytes of header lines, the declared ``Content-Length``; None when it breaks none."""
    if target > limits.max_target:
        return 414, f"The request target is longer than {limits.max_target} bytes."
    if head > limits.max_headers:
        return 431, f"The request headers are larger than {limits.max_headers} bytes."
    if content_length is not None:
        if not content_length.isdigit():
            return 400, "Content-Length must be a number of bytes."
        if int(content_length) > limits.max_body:
            return 413, "Request body too large."
    return None


def declared_length(headers: list[tuple[str, str]]) -> int | None:
    for name, value in headers:
        if name.lower() == "content-length":
            return int(value) if value.isdigit() else None
    return None


class InlineWsgi:
    """The WSGI app, the error shape, the limits and the latency hook, and the requests in flight."""

    def __init__(self, wsgi: WsgiApp, error_format: str, limits: Limits, delay: Delay | None = None) -> None:
        self._wsgi = wsgi
        self._format = error_format
        self._limits = limits
        self._delay = delay
        self._active = 0  # requests in flight, for the drain at shutdown

    async def drained(self, timeout: float) -> bool:
        """Wait until no request is in flight (at most ``timeout`` seconds); whether none is."""
        deadline = time.monotonic() + timeout
        while self._active and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        return not self._active

    def _run(self, environ: dict[str, Any]) -> Response:
        """The app's whole response; a failure outside Flask's handlers still answers JSON."""
        try:
            status, headers, body = run_to_completion(self._wsgi, environ)
        except Exception as exc:  # noqa: BLE001 - the client gets a JSON 500, the log the type only
            log.error("unhandled %s in the request pipeline", type(exc).__name__)
            return self._error(500, "Unexpected server failure.")
        return int(status[:3]), headers, body

    def _error(self, status: int, message: str) -> Response:
        # Connection: close, as the body may not have been read: the next bytes cannot be trusted.
        code, headers, body = render(self._format, http_error(status, message))
        return code, [*headers, ("Connection", "close")], body

    def _timeout_message(self) -> str:
        return f"The request body did not arrive within {self._limits.body_timeout:g} seconds."
