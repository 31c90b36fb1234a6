"""A WSGI app served over ASGI on one event-loop thread.

The request body is read asynchronously, under a deadline and a size limit, before the app runs:
a client that stalls mid-body costs a pending read, not a thread, and gets a JSON 408. Injected
latency is waited out with ``asyncio.sleep`` (the app says how long through ``Delay``), so other
requests keep flowing meanwhile. The app itself then runs inline: the mock's requests take tens
of microseconds of Python, and one thread means no GIL hand-over between busy threads, which is
what gave the multi-threaded design its long tail (BENCHMARKS.md, "Serving design").
"""

from __future__ import annotations

import asyncio
import io
import logging
import sys
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import unquote_to_bytes

from ..errors import http_error, render
from .limits import ARRIVED, Limits
from .wsgi_run import WsgiApp, run_to_completion

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
Delay = Callable[[dict[str, Any]], float]
"""Seconds to wait before the app runs this request (injected latency); the environ is then passed on."""

CUT_PAUSE = 0.05  # seconds a cut-off response waits for its headers to leave
log = logging.getLogger("eulabel_mock")


class _TooLarge(Exception):
    pass


class _Gone(Exception):
    """The client disconnected before its body arrived: nobody is left to answer."""


class WsgiOverAsgi:
    """An ASGI app (HTTP only) that runs ``wsgi`` inline once the whole body has arrived."""

    def __init__(self, wsgi: WsgiApp, error_format: str, limits: Limits, delay: Delay | None = None) -> None:
        self._wsgi = wsgi
        self._format = error_format
        self._limits = limits
        self._delay = delay
        self._active = 0  # requests in flight, for the drain at shutdown
        self._base: dict[str, Any] = {
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

    async def drained(self, timeout: float) -> bool:
        """Wait until no request is in flight (at most ``timeout`` seconds); whether none is."""
        deadline = time.monotonic() + timeout
        while self._active and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        return not self._active

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return  # lifespan and websocket scopes: nothing to start, nothing served
        self._active += 1
        try:
            await self._serve(scope, receive, send)
        finally:
            self._active -= 1

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        arrived = time.perf_counter()
        refusal = self._refusal(scope)
        if refusal is not None:
            await self._error(send, *refusal)
            return
        try:
            body = b""
            if _has_body(scope["headers"]):
                async with asyncio.timeout(self._limits.body_timeout):
                    body = await self._read_body(receive)
        except TimeoutError:
            message = f"The request body did not arrive within {self._limits.body_timeout:g} seconds."
            await self._error(send, 408, message)
            return
        except _TooLarge:
            await self._error(send, 413, "Request body too large.")
            return
        except _Gone:
            return
        environ = self._environ(scope, body)
        environ[ARRIVED] = arrived
        if self._delay is not None:
            seconds = self._delay(environ)
            if seconds > 0:
                await asyncio.sleep(seconds)
        try:
            status, headers, chunks = run_to_completion(self._wsgi, environ)
        except Exception as exc:  # noqa: BLE001 - a failure outside Flask's handlers still answers JSON
            log.error("unhandled %s in the request pipeline", type(exc).__name__)
            await self._error(send, 500, "Unexpected server failure.")
            return
        await _respond(send, int(status.split(" ", 1)[0]), headers, chunks)

    def _refusal(self, scope: Scope) -> tuple[int, str] | None:
        """A limit the request line or headers exceed, or a declared body over the size limit."""
        limits = self._limits
        target = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
        if target > limits.max_target:
            return 414, f"The request target is longer than {limits.max_target} bytes."
        headers = scope["headers"]
        if sum(len(k) + len(v) + 4 for k, v in headers) > limits.max_headers:
            return 431, f"The request headers are larger than {limits.max_headers} bytes."
        for name, value in headers:
            if name == b"content-length":
                if not value.isdigit():
                    return 400, "Content-Length must be a number of bytes."
                if int(value) > limits.max_body:
                    return 413, "Request body too large."
        return None

    async def _read_body(self, receive: Receive) -> bytes:
        parts: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                raise _Gone
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self._limits.max_body:
                raise _TooLarge
            parts.append(chunk)
            if not message.get("more_body", False):
                return b"".join(parts)

    def _environ(self, scope: Scope, body: bytes) -> dict[str, Any]:
        raw_path = scope.get("raw_path")
        # WSGI wants the percent-decoded path as bytes read as latin-1 (PEP 3333).
        path = unquote_to_bytes(raw_path).decode("latin-1") if raw_path else scope["path"]
        server = scope.get("server") or ("127.0.0.1", 0)
        client = scope.get("client") or ("", 0)
        environ = self._base | {
            "REQUEST_METHOD": scope["method"],
            "PATH_INFO": path,
            "QUERY_STRING": (scope.get("query_string") or b"").decode("latin-1"),
            "SERVER_NAME": str(server[0]),
            "SERVER_PORT": str(server[1]),
            "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
            "REMOTE_ADDR": str(client[0]),
            "wsgi.url_scheme": scope.get("scheme", "http"),
            "wsgi.input": io.BytesIO(body),
        }
        for raw_name, raw_value in scope["headers"]:
            name = raw_name.decode("latin-1").upper().replace("-", "_")
            key = name if name in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + name
            value = raw_value.decode("latin-1")
            environ[key] = f"{environ[key]},{value}" if key in environ else value
        if body:
            environ["CONTENT_LENGTH"] = str(len(body))  # a chunked body too: it is whole now
        return environ

    async def _error(self, send: Send, status: int, message: str) -> None:
        # Connection: close, as the body may not have been read: the next bytes cannot be trusted.
        code, headers, body = render(self._format, http_error(status, message))
        await _respond(send, code, [*headers, ("Connection", "close")], body)


async def _respond(send: Send, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
    declared = _declared_length(headers)
    raw_headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]
    if declared is None:
        raw_headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    if declared is not None and declared != len(body):
        # A body shorter than its Content-Length (the drop_after_commit fault): the headers go
        # out, then the stream ends short and the server closes the connection, as a lost
        # response would. The pause lets the headers leave before the cut. (Flask answers HEAD
        # with the whole body, which the server leaves out, so HEAD never gets here.)
        await send({"type": "http.response.body", "body": body, "more_body": True})
        await asyncio.sleep(CUT_PAUSE)
        raise ConnectionAbortedError("response cut off after its headers, as the fault asked")
    await send({"type": "http.response.body", "body": body})


def _has_body(headers: list[tuple[bytes, bytes]]) -> bool:
    for name, value in headers:
        if name == b"transfer-encoding" or (name == b"content-length" and value != b"0"):
            return True
    return False


def _declared_length(headers: list[tuple[str, str]]) -> int | None:
    for name, value in headers:
        if name.lower() == "content-length":
            return int(value) if value.isdigit() else None
    return None
