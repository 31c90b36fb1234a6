"""One log line per request: method, path, status and the whole request's duration, never credentials."""

from __future__ import annotations

import logging
import time
from typing import Any

from ..log_text import escape_controls
from ..redaction import mask_folded, mask_secrets

access_log = logging.getLogger("eulabel_mock.access")


def log_request(environ: dict[str, Any], status: str, arrived: float) -> None:
    """The line for one answered request; ``arrived`` (``time.perf_counter()``) starts its duration,
    so injected latency and the body's arrival count. Only the method and the path are written:
    query strings and headers may carry credentials, and both of those a client chose, so both are
    masked and escaped (a client's "%0A" or U+2028 in the path must not forge a line of its own)."""
    path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "replace")
    ms = (time.perf_counter() - arrived) * 1000
    method = escape_controls(mask_folded(environ.get("REQUEST_METHOD", "")))
    access_log.info("%s %s %s %.1fms", method, escape_controls(mask_secrets(path)), status, ms)
