"""One log line per request: method, path, status and the whole request's duration, never credentials."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from ..log_text import escape_controls
from ..redaction import mask_folded, mask_secrets
from .limits import ARRIVED
from .wsgi_run import WsgiApp

access_log = logging.getLogger("eulabel_mock.access")


class AccessLog:
    """WSGI middleware, outermost, so the duration includes injected latency and short-circuits."""

    def __init__(self, inner: WsgiApp) -> None:
        self._inner = inner

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        started = environ.get(ARRIVED) or time.perf_counter()
        status: list[str] = ["500"]

        def capture(line: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status[0] = line.split(" ", 1)[0]
            return start_response(line, headers, exc_info)

        try:
            return self._inner(environ, capture)
        finally:
            # The path only: query strings and headers may carry credentials.
            path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "replace")
            ms = (time.perf_counter() - started) * 1000
            # Escaped: a client's "%0A" or U+2028 in the path must not forge a line of its own.
            method = escape_controls(mask_folded(environ.get("REQUEST_METHOD", "")))
            access_log.info("%s %s %s %.1fms", method, escape_controls(mask_secrets(path)), status[0], ms)
