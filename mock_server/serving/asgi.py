"""A WSGI app served over ASGI on one event-loop thread (the RSGI adapter, ``rsgi.py``, is the default).

The request body is read asynchronously, under a deadline and a size limit, before the app runs:
a client that stalls mid-body costs a pending read, not a thread, and gets a JSON 408. Injected
latency is waited out with ``asyncio.sleep`` (the app says how long through ``Delay``), so other
requests keep flowing meanwhile. The app itself then runs inline (``inline_wsgi.py`` says why).
"""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import unquote_to_bytes

from ..passage import KEY, Passage
from .inline_wsgi import (
    BASE_ENVIRON,
    CUT_PAUSE,
    LINGER,
    Delay,
    Gone,
    InlineWsgi,
    Response,
    TooLarge,
    declared_length,
    refusal,
)

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
__all__ = ["Delay", "WsgiOverAsgi"]


class WsgiOverAsgi(InlineWsgi):
    """An ASGI app (HTTP only) that runs ``wsgi`` inline once the whole body has arrived."""

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
        headers = scope["headers"]
        length = next((v.decode("latin-1") for k, v in headers if k == b"content-length"), None)
        target = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
        broken = refusal(self._limits, target, sum(len(k) + len(v) + 4 for k, v in headers), length)
        if broken is not None:
            if broken[0] == 413:
                await _drain(receive)
            await _respond(send, self._error(*broken))
            return
        try:
            body = b""
            if _has_body(headers):
                async with asyncio.timeout(self._limits.body_timeout):
                    body = await self._read_body(receive)
        except TimeoutError:
            await _respond(send, self._error(408, self._timeout_message()))
            return
        except TooLarge:
            await _drain(receive)
            await _respond(send, self._error(413, "Request body too large."))
            return
        except Gone:
            return
        environ = self._environ(scope, body)
        environ[KEY] = Passage(arrived)
        if self._delay is not None:
            seconds = self._delay(environ)
            if seconds > 0:
                await asyncio.sleep(seconds)
        await _respond(send, self._run(environ))

    async def _read_body(self, receive: Receive) -> bytes:
        parts: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                raise Gone
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self._limits.max_body:
                raise TooLarge
            parts.append(chunk)
            if not message.get("more_body", False):
                return b"".join(parts)

    def _environ(self, scope: Scope, body: bytes) -> dict[str, Any]:
        raw_path = scope.get("raw_path")
        # WSGI wants the percent-decoded path as bytes read as latin-1 (PEP 3333).
        path = unquote_to_bytes(raw_path).decode("latin-1") if raw_path else scope["path"]
        server = scope.get("server") or ("127.0.0.1", 0)
        client = scope.get("client") or ("", 0)
        environ = BASE_ENVIRON | {
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


async def _drain(receive: Receive) -> None:
    """Read and drop the rest of a refused body, for at most ``LINGER`` seconds."""
    try:
        async with asyncio.timeout(LINGER):
            while True:
                message = await receive()
                if message["type"] != "http.request" or not message.get("more_body", False):
                    return
    except TimeoutError:
        pass


async def _respond(send: Send, response: Response) -> None:
    status, headers, body = response
    declared = declared_length(headers)
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
