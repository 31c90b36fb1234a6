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

from ..errors import REASON
from ..key_forms import mask_key_parts
from ..log_text import all_plain, escape_controls, escape_values
from ..redaction import any_may_hold_secret, fold, join_headers, mask_folded, mask_secrets, plain_values, redact_body
from ..serving.limits import ARRIVED
from ..serving.wsgi_run import WsgiApp, run_to_completion
from ..state.clock import iso
from . import CONTROL_PREFIX
from .faults import FAULT_ID
from .journal_limits import BODY_LIMIT, MEMORY_LIMIT, READ_LIMIT, TEXT_LIMIT, cut, keep_body, kept_headers
from .key_sightings import presented_key, sightings

if TYPE_CHECKING:
    from ..state.state import State

UNRECORDED = (CONTROL_PREFIX, "/dashboard")  # the control plane and the dashboard's own pages


class Journal:
    """The last ``size`` requests, oldest first; ``size`` 0 records nothing.

    Entries are kept raw (bytes, header pairs) and rendered as JSON only when read, so recording
    costs little on every request. Credentials are redacted before anything is kept.
    """

    def __init__(self, size: int) -> None:
        if size < 0:
            raise ValueError("JOURNAL_SIZE must be 0 or more")
        self.size = size
        self._entries: deque[dict[str, Any]] = deque()
        self._kept = 0  # characters all entries keep (their "size")
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def record(self, entry: dict[str, Any]) -> None:
        """Keep ``entry`` (with its ``size`` in characters); the oldest go when a limit is reached."""
        if self.size:
            with self._lock:
                entry["id"] = next(self._ids)
                self._entries.append(entry)
                self._kept += entry["size"]
                while len(self._entries) > self.size or (self._kept > MEMORY_LIMIT and len(self._entries) > 1):
                    self._kept -= self._entries.popleft()["size"]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._kept = 0

    def query(
        self,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        limit: int | None = None,
        key_id: str | None = None,
    ) -> tuple[list[dict[str, Any]], int]:
        """Matching entries, oldest first, and how many older matches were omitted.

        ``limit`` keeps the most recent ones; so does ``READ_LIMIT``, counted in kept characters.
        """
        with self._lock:
            entries = list(self._entries)
        if key_id:
            entries = [e for e in entries if e["keyId"] == key_id]
        if method:
            entries = [e for e in entries if e["method"] == method.upper()]
        if path:
            entries = [e for e in entries if fnmatch.fnmatchcase(e["path"], path)]
        if status is not None:
            entries = [e for e in entries if e["status"] == status]
        if limit:
            entries = entries[-limit:]
        budget, first = READ_LIMIT, len(entries)
        while first > 0 and (budget >= entries[first - 1]["size"] or first == len(entries)):
            first -= 1
            budget -= entries[first]["size"]
        return [_render(e) for e in entries[first:]], first

    def of_key(self, key_id: str) -> list[dict[str, Any]]:
        """The calls that presented this key, oldest first, in brief (``epoch`` is the mock clock)."""
        with self._lock:
            entries = [e for e in self._entries if e["keyId"] == key_id]
        return [
            {
                "id": e["id"],
                "epoch": e["time"],
                "method": e["method"],
                "path": e["path"],
                "status": e["status"],
                "reason": _masked(e["reason"]),
            }
            for e in entries
        ]


def _masked(reason: dict[str, Any] | None) -> dict[str, Any] | None:
    """A reason with anything shaped like a key cut to its prefix (reasons hold flat JSON values)."""
    if reason is None:
        return None
    text = json.dumps(reason)
    masked = mask_secrets(text)
    return reason if masked == text else dict(json.loads(masked))


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
        "keyId": entry["keyId"],
        "keyElsewhere": entry["keyElsewhere"],
        "reason": _masked(entry["reason"]),
        "request": {"headers": join_headers(request_headers), "body": _body(request_body, request_type)},
        "response": {"headers": join_headers(response_headers), "body": _body(response_body, response_type)},
    }


def _body(raw: Any, mimetype: str | None) -> Any:
    return redact_body(raw, mimetype) if isinstance(raw, bytes) else raw


class JournalRecorder:
    """WSGI middleware around the Flask app: it sees the final response, faults included.

    Working on the WSGI environ directly keeps the per-request cost to a few dict reads, where
    Flask request hooks would each pay for context proxies and header parsing.
    """

    def __init__(self, inner: WsgiApp, journal: Callable[[], Journal], state: State, max_body: int | None) -> None:
        self._inner = inner
        self._journal = journal  # a getter: reset replaces the journal
        self._state = state
        self._max_body = max_body

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        raw_path = environ.get("PATH_INFO", "")
        journal = self._journal()
        if not journal.size or raw_path.startswith(UNRECORDED):
            return self._inner(environ, start_response)
        started = environ.get(ARRIVED) or time.perf_counter()  # from arrival: body and latency waits too
        request_body = _read_body(environ, self._max_body)
        status, response_headers, body = run_to_completion(self._inner, environ, start_response)
        path = raw_path if raw_path.isascii() else raw_path.encode("latin-1").decode("utf-8", "replace")
        query = environ.get("QUERY_STRING", "")
        method = environ.get("REQUEST_METHOD", "")
        request_headers = _environ_headers(environ)
        # Everything a client chose, names and method included (folded: servers change their case),
        # goes through one search that tells whether any of it needs masking; it mostly does not.
        names = fold("\n".join([method, *(name for name, _ in request_headers)]))
        plain = plain_values(request_headers)  # the values kept as sent: credentials go whole
        hint = any_may_hold_secret([path, query, names, *plain, *plain_values(response_headers)])
        elsewhere = sightings(path, query, request_headers, plain, request_body, hint, self._state.keys)
        if hint:
            path, query, method = mask_secrets(path), mask_secrets(query), mask_folded(method)
            request_headers = [(mask_folded(name), value) for name, value in request_headers]
        path, query, request_headers = mask_key_parts(path, query, request_headers, plain, self._state.keys.known_part)
        kept_request_headers, request_size = kept_headers(request_headers, hint)
        if not all_plain([method, path, query, *itertools.chain.from_iterable(kept_request_headers)]):
            method, path, query = escape_controls(method), escape_controls(path), escape_controls(query)
            kept_request_headers = tuple((escape_controls(n), escape_controls(v)) for n, v in kept_request_headers)
            request_size = sum(len(n) + len(v) for n, v in kept_request_headers)
        kept_response_headers, response_size = kept_headers(response_headers, hint)
        path, query = cut(path, TEXT_LIMIT), cut(query, TEXT_LIMIT)
        request_type = _mimetype(environ.get("CONTENT_TYPE")) if request_body else None
        response_type = next((_mimetype(v) for n, v in response_headers if n.lower() == "content-type"), None)
        size = len(path) + len(query) + request_size + response_size + 200
        size += min(len(request_body), BODY_LIMIT) if request_body else 0
        size += min(len(body), BODY_LIMIT)
        code = int(status[:3])
        fault = environ.get(FAULT_ID)
        reason = None
        if code >= 400:
            reason = environ.get(REASON)
            if reason is None:
                reason = {"code": "fault", "faultId": fault} if fault is not None else {"code": "unexplained"}
            reason = escape_values(reason)  # refusals quote what the client sent (an Origin, a field name)
        journal.record(
            {
                "size": size,
                "time": self._state.clock.now(),
                "method": cut(method, 20),
                "path": path,
                "query": query,
                "status": code,
                "durationMs": round((time.perf_counter() - started) * 1000, 3),
                "fault": fault,
                "keyId": presented_key(environ, self._state.keys),
                "keyElsewhere": elsewhere,
                "reason": reason,
                "request": (kept_request_headers, keep_body(request_body, request_type), request_type),
                "response": (kept_response_headers, keep_body(body, response_type), response_type),
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
    pairs = [(_header_name(k), v) for k, v in environ.items() if k.startswith("HTTP_")]
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            pairs.append((_header_name(key), environ[key]))
    return pairs


@functools.lru_cache(maxsize=1024)  # bounded: clients choose the names
def _header_name(key: str) -> str:
    """The header name of an environ key: ``HTTP_X_API_KEY`` is ``X-Api-Key``."""
    return "-".join(part.capitalize() for part in key.removeprefix("HTTP_").split("_"))


def _mimetype(content_type: str | None) -> str | None:
    return content_type.split(";", 1)[0].strip().lower() if content_type else None
