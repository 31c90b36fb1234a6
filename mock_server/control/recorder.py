"""The outer request layer: it runs the app once, keeps the journal entry and writes the access log line.

What each kept thing may hold, decided once (the property test in ``tests/test_redaction_by_construction.py``
holds the decision):

- what the client sent (method, path, query, headers, body) may hold a key in any encoding: it
  is masked before it is kept, and escaped so it cannot forge a line or hide itself;
- the response's headers and body are made by the mock, which never writes a key there except
  in one answer, a created key's (the request's passage says ``shows_secret``): that body is
  masked, the others are kept as made, with no search;
- the refusal's reason quotes what the client sent, so it is masked before it is kept.
"""

from __future__ import annotations

import functools
import io
import itertools
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from ..key_forms import mask_key_parts
from ..log_text import all_plain, escape_controls, escape_values
from ..passage import Passage, passage_of
from ..redaction import any_may_hold_secret, fold, mask_folded, mask_secrets, plain_values
from ..serving.access_log import log_request
from ..serving.wsgi_run import WsgiApp, run_to_completion
from . import CONTROL_PREFIX
from .journal import Journal
from .journal_limits import BODY_LIMIT, TEXT_LIMIT, cut, keep_body, keep_made_body, kept_headers
from .key_sightings import presented_key, sightings

if TYPE_CHECKING:
    from ..state.state import State

UNRECORDED = (CONTROL_PREFIX, "/dashboard")  # the control plane and the dashboard's own pages


class Recorder:
    """WSGI middleware, outermost: it sees the answer the client really got, faults included.

    The app's response is read once, here, and passed on as it is. Working on the WSGI environ
    directly keeps the per-request cost to a few dict reads, where Flask request hooks would each
    pay for context proxies and header parsing.
    """

    def __init__(
        self,
        inner: WsgiApp,
        journal: Callable[[], Journal] | None,
        state: State,
        max_body: int | None,
        access_log: bool,
    ) -> None:
        self._inner = inner
        self._journal = journal  # a getter: reset replaces the journal
        self._state = state
        self._max_body = max_body
        self._access_log = access_log

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        passage = passage_of(environ)
        journal = self._journal() if self._journal is not None else None
        if journal is None or not journal.size or environ.get("PATH_INFO", "").startswith(UNRECORDED):
            if not self._access_log:
                return self._inner(environ, start_response)
            return self._logged(environ, start_response, passage)
        request_body = _read_body(environ, self._max_body)
        status = "500"
        try:
            status, response_headers, body = run_to_completion(self._inner, environ, start_response)
        finally:
            if self._access_log:
                log_request(environ, status[:3], passage.arrived)
        journal.record(self._entry(environ, passage, request_body, status, response_headers, body))
        return [body]

    def _logged(self, environ: dict[str, Any], start_response: Callable[..., Any], passage: Passage) -> Iterable[bytes]:
        status = ["500"]

        def capture(line: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status[0] = line[:3]
            return start_response(line, headers, exc_info)

        try:
            return self._inner(environ, capture)
        finally:
            log_request(environ, status[0], passage.arrived)

    def _entry(
        self,
        environ: dict[str, Any],
        passage: Passage,
        request_body: bytes | None,
        status: str,
        response_headers: list[tuple[str, str]],
        body: bytes,
    ) -> dict[str, Any]:
        raw_path = environ.get("PATH_INFO", "")
        path = raw_path if raw_path.isascii() else raw_path.encode("latin-1").decode("utf-8", "replace")
        query = environ.get("QUERY_STRING", "")
        method = environ.get("REQUEST_METHOD", "")
        request_headers = _environ_headers(environ)
        # Everything a client chose, names and method included (folded: servers change their case),
        # goes through one search that tells whether any of it needs masking; it mostly does not.
        names = fold("\n".join([method, *(name for name, _ in request_headers)]))
        plain = plain_values(request_headers)  # the values kept as sent: credentials go whole
        hint = any_may_hold_secret([path, query, names, *plain])
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
        # The mock's own headers: credentials by name (a session cookie) still go, nothing is searched.
        kept_response_headers, response_size = kept_headers(response_headers, False)
        path, query = cut(path, TEXT_LIMIT), cut(query, TEXT_LIMIT)
        request_type = _mimetype(environ.get("CONTENT_TYPE")) if request_body else None
        response_type = None
        for name, value in response_headers:
            if name.lower() == "content-type":
                response_type = _mimetype(value)
                break
        size = len(path) + len(query) + request_size + response_size + 200
        size += min(len(request_body), BODY_LIMIT) if request_body else 0
        size += min(len(body), BODY_LIMIT)
        code = int(status[:3])
        fault = passage.fault.id if passage.fault is not None else None
        reason = None
        if code >= 400:
            reason = passage.reason
            if reason is None:
                reason = {"code": "fault", "faultId": fault} if fault is not None else {"code": "unexplained"}
            # Refusals quote what the client sent (an Origin, a field name): masked as it was sent,
            # then escaped (escaping first would double a JSON escape's backslash and hide the key).
            reason = escape_values(_masked_values(reason))
        return {
            "size": size,
            "time": self._state.clock.now(),
            "method": cut(method, 20),
            "path": path,
            "query": query,
            "status": code,
            "durationMs": round((time.perf_counter() - passage.arrived) * 1000, 3),
            "fault": fault,
            "keyId": presented_key(environ, passage.key_id, self._state.keys),
            "keyElsewhere": elsewhere,
            "reason": reason,
            "request": (kept_request_headers, keep_body(request_body, request_type), request_type),
            "response": (
                kept_response_headers,
                keep_made_body(body, response_type, passage.shows_secret),
                response_type,
            ),
        }


def _masked_values(reason: dict[str, Any]) -> dict[str, Any]:
    """A reason (flat JSON values) with anything shaped like a key cut to its prefix."""
    return {mask_secrets(k): mask_secrets(v) if isinstance(v, str) else v for k, v in reason.items()}


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
