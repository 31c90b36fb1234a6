"""The request journal: a bounded record of API calls, with every credential redacted."""

from __future__ import annotations

import fnmatch
import itertools
import json
import threading
import time
from collections import deque
from collections.abc import Iterable, Mapping
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, request
from werkzeug.exceptions import RequestEntityTooLarge

from .clock import iso
from .errors import ValidationFailed, mask_secrets
from .routing import json_response, state_of

EXTENSION = "eulabel_mock.journal"
CONTROL_PREFIX = "/_mock/"
BODY_LIMIT = 16 * 1024  # characters of a body kept per entry
REDACTED = "[redacted]"

bp = Blueprint("mock_journal", __name__, url_prefix="/_mock")


class Journal:
    """The last ``size`` requests, oldest first; ``size`` 0 records nothing."""

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
                self._entries.append({"id": next(self._ids), **entry})

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def query(self, method: str | None = None, path: str | None = None, status: int | None = None,
              limit: int | None = None) -> list[dict[str, Any]]:
        """Matching entries, oldest first; ``limit`` keeps the most recent ones."""
        with self._lock:
            entries = list(self._entries)
        if method:
            entries = [e for e in entries if e["method"] == method.upper()]
        if path:
            entries = [e for e in entries if fnmatch.fnmatchcase(e["path"], path)]
        if status is not None:
            entries = [e for e in entries if e["status"] == status]
        return entries[-limit:] if limit else entries


def journal_of(app: Flask) -> Journal:
    return app.extensions[EXTENSION]  # type: ignore[no-any-return]


def redact_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Headers with credential values replaced; the Bearer scheme and cookie names stay readable."""
    out: dict[str, str] = {}
    for name, value in headers:
        lower = name.lower()
        if lower in ("authorization", "proxy-authorization"):
            scheme, _, rest = value.partition(" ")
            value = f"{scheme} {REDACTED}" if rest else REDACTED
        elif lower in ("cookie", "set-cookie"):
            value = "; ".join(_redact_cookie(part) for part in value.split(";"))
        elif "sk_" in value:
            value = mask_secrets(value)
        out[name] = f"{out[name]}, {value}" if name in out else value
    return out


def _redact_cookie(part: str) -> str:
    name, sep, _ = part.strip().partition("=")
    return f"{name}={REDACTED}" if sep else name


def redact_body(raw: bytes, mimetype: str | None) -> Any:
    """The body as JSON (or text) with anything shaped like a secret masked; None when empty."""
    if not raw:
        return None
    text = raw.decode("utf-8", "replace")
    if mimetype and (mimetype == "application/json" or mimetype.endswith("+json")):
        try:
            parsed = json.loads(text)
        except (ValueError, RecursionError):
            pass
        else:
            # Without "sk_" or a \u escape (which could spell it) no string can hold a secret.
            return _mask_json(parsed) if "sk_" in text or "\\u" in text else parsed
    if len(text) > BODY_LIMIT:
        text = text[:BODY_LIMIT] + "…"
    return mask_secrets(text)


def _mask_json(value: Any) -> Any:
    if isinstance(value, str):
        return mask_secrets(value)
    if isinstance(value, list):
        return [_mask_json(v) for v in value]
    if isinstance(value, dict):
        return {mask_secrets(str(k)): _mask_json(v) for k, v in value.items()}
    return value


def install(app: Flask) -> None:
    """Record every API request (not the control plane) once its response is final."""
    app.extensions[EXTENSION] = Journal(int(app.config["JOURNAL_SIZE"]))
    app.register_blueprint(bp)

    @app.before_request
    def _start() -> None:
        g.journal_started = time.perf_counter()
        g.journal_body = None
        if journal_of(app).size and not request.path.startswith(CONTROL_PREFIX):
            # Read (and cache) the body now: the handlers consume the stream. A body over the size
            # limit is left for the handler to refuse (it adds the key's rate-limit headers).
            try:
                g.journal_body = request.get_data(cache=True)
            except RequestEntityTooLarge:
                g.journal_body = None

    @app.after_request
    def _record(resp: Response) -> Response:
        journal = journal_of(app)
        if not journal.size or request.path.startswith(CONTROL_PREFIX):
            return resp
        started = g.get("journal_started", time.perf_counter())
        journal.record({
            "time": iso(state_of(app).clock.now()),
            "method": request.method,
            "path": request.path,
            "query": mask_secrets(request.query_string.decode("latin-1")),
            "status": resp.status_code,
            "durationMs": round((time.perf_counter() - started) * 1000, 3),
            "fault": g.get("fault_id"),
            "request": {
                "headers": redact_headers(request.headers.items()),
                "body": _request_body(),
            },
            "response": {
                "headers": redact_headers(resp.headers.items()),
                "body": None if resp.is_streamed else redact_body(resp.get_data(), resp.mimetype),
            },
        })
        return resp


def _request_body() -> Any:
    raw = g.get("journal_body")
    return None if raw is None else redact_body(raw, request.mimetype)


_FILTERS = {"method", "path", "status", "limit"}


def _int_arg(args: Mapping[str, str], name: str, low: int, high: int) -> int | None:
    text = args.get(name)
    if text is None:
        return None
    if not text.isdigit() or not low <= int(text) <= high:
        raise ValidationFailed(f"{name} must be an integer between {low} and {high}.", param=name)
    return int(text)


@bp.get("/journal")
def list_journal() -> Response:
    """Recorded requests, filtered by method, path (exact or glob), status; ``limit`` newest."""
    unknown = sorted(set(request.args) - _FILTERS)
    if unknown:
        raise ValidationFailed(f"Unknown query parameter '{unknown[0]}'.", param=unknown[0])
    journal = journal_of(current_app)
    entries = journal.query(
        method=request.args.get("method"),
        path=request.args.get("path"),
        status=_int_arg(request.args, "status", 100, 599),
        limit=_int_arg(request.args, "limit", 1, max(journal.size, 1)),
    )
    return json_response({"data": entries, "size": journal.size})


@bp.delete("/journal")
def clear_journal() -> Response:
    journal_of(current_app).clear()
    return Response(status=204)
