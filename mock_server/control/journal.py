"""The request journal: a bounded record of API calls, with every credential redacted."""

from __future__ import annotations

import fnmatch
import functools
import io
import itertools
import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from ..redaction import join_headers, mask_secrets, may_hold_secret, redact_body, redacted_pairs
from ..serving.wsgi_run import WsgiApp, run_to_completion
from ..state.clock import iso
from . import CONTROL_PREFIX
from .faults import FAULT_ID

if TYPE_CHECKING:
    from ..state.state import State
    from .plane import ControlPlane

BODY_LIMIT = 16 * 1024  # characters of a body kept per entry


class Journal:
    """The last ``size`` requests, oldest first; ``size`` 0 records nothing.

    Entries are kept raw (bytes, header pairs) and rendered as JSON only when read, so recording
    costs little on every request. Credentials are redacted before anything is kept.
    """

    def __init__(self, size: int) -> None:
        if size < 0:
            raise ValueError("JOURNAL_SIZE must be 0 or more")
        self.size = size
        self._entries: deque[dict[str, Any]] = deque(maxlen=size or 1)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def record(self, entry: dict[str, Any]) -> None:
        if self.size:
            with self._lock:
                entry["id"] = next(self._ids)
                self._entries.append(entry)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def query(
        self, method: str | None = None, path: str | None = None, status: int | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """Matching entries, oldest first; ``limit`` keeps the most recent ones."""
        with self._lock:
            entries = list(self._entries)
        if method:
            entries = [e for e in entries if e["method"] == method.upper()]
        if path:
            entries = [e for e in entries if fnmatch.fnmatchcase(e["path"], path)]
        if status is not None:
            entries = [e for e in entries if e["status"] == status]
        return [_render(e) for e in (entries[-limit:] if limit else entries)]


def _render(entry: dict[str, Any]) -> dict[str, Any]:
    request_headers, request_body, request_type = entry["request"]
    response_headers, response_body, response_type = entry["response"]
    return {
        "id": entry["id"],
        "time": iso(entry["time"]),
        "method": entry["method"],
        "path": entry["path"],
        "query": entry["query"],
        "status": entry["status"],
        "durationMs": entry["durationMs"],
        "fault": entry["fault"],
        "request": {"headers": join_headers(request_headers), "body": _body(request_body, request_type)},
        "response": {"headers": join_headers(response_headers), "body": _body(response_body, response_type)},
    }


def _body(raw: Any, mimetype: str | None) -> Any:
    return redact_body(raw, mimetype) if isinstance(raw, bytes) else raw


def _keep_body(raw: bytes | None, mimetype: str | None) -> Any:
    """The body to keep: raw bytes when no secret can be in it, else its redacted rendering now."""
    if not raw:
        return None
    if len(raw) > BODY_LIMIT:
        return _head(raw, mimetype)
    if may_hold_secret(raw):
        return redact_body(raw, mimetype)
    return raw


def _head(raw: bytes, mimetype: str | None) -> str:
    """The start of a large body as masked text: a journal entry stays small whatever was sent."""
    if may_hold_secret(raw):
        # An encoded key could be cut in two and escape masking: decode and mask before cutting.
        body = redact_body(raw, mimetype)
        text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    else:
        text = raw[: BODY_LIMIT + 64].decode("utf-8", "replace")
    return mask_secrets(text[:BODY_LIMIT])[:BODY_LIMIT] + "…"


class JournalRecorder:
    """WSGI middleware around the Flask app: it sees the final response, faults included.

    Working on the WSGI environ directly keeps the per-request cost to a few dict reads, where
    Flask request hooks would each pay for context proxies and header parsing.
    """

    def __init__(self, inner: WsgiApp, plane: ControlPlane, state: State, max_body: int | None) -> None:
        self._inner = inner
        self._plane = plane
        self._state = state
        self._max_body = max_body

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        raw_path = environ.get("PATH_INFO", "")
        journal = self._plane.journal
        if not journal.size or raw_path.startswith(CONTROL_PREFIX):
            return self._inner(environ, start_response)
        started = time.perf_counter()
        request_body = _read_body(environ, self._max_body)
        status, response_headers, body = run_to_completion(self._inner, environ, start_response)
        path = raw_path.encode("latin-1").decode("utf-8", "replace")
        query = environ.get("QUERY_STRING", "")
        request_type = _mimetype(environ.get("CONTENT_TYPE")) if request_body else None
        response_type = _mimetype(next((v for k, v in response_headers if k.lower() == "content-type"), None))
        journal.record(
            {
                "time": self._state.clock.now(),
                "method": environ.get("REQUEST_METHOD", ""),
                "path": mask_secrets(path),
                "query": mask_secrets(query),
                "status": int(status.split(" ", 1)[0]),
                "durationMs": round((time.perf_counter() - started) * 1000, 3),
                "fault": environ.get(FAULT_ID),
                "request": (
                    redacted_pairs(_environ_headers(environ)),
                    _keep_body(request_body, request_type),
                    request_type,
                ),
                "response": (redacted_pairs(response_headers), _keep_body(body, response_type), response_type),
            }
        )
        return [body]


def _read_body(environ: dict[str, Any], limit: int | None) -> bytes | None:
    """Read the body so it can be journaled, and put it back for the app.

    A body without a length, or over the size limit, is left for the app to refuse or stream.
    """
    length = environ.get("CONTENT_LENGTH") or ""
    if not length.isdigit() or int(length) == 0 or (limit is not None and int(length) > limit):
        return None
    body: bytes = environ["wsgi.input"].read(int(length))
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def _environ_headers(environ: dict[str, Any]) -> list[tuple[str, str]]:
    pairs = [(_header_name(k[5:]), v) for k, v in environ.items() if k.startswith("HTTP_")]
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            pairs.append((_header_name(key), environ[key]))
    return pairs


@functools.cache
def _header_name(key: str) -> str:
    return "-".join(part.capitalize() for part in key.split("_"))


def _mimetype(content_type: str | None) -> str | None:
    return content_type.split(";", 1)[0].strip().lower() if content_type else None
