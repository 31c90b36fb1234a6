"""A WSGI app served over RSGI, granian's own interface, on one event-loop thread.

RSGI hands over the request as one scope object and answers with one call
(``response_bytes``), where ASGI needs a message dict for each step; BENCHMARKS.md, section 3,
has what that saves (measurable on a bare app, within noise beside the mock's own work). The
request body is awaited under a deadline and a size limit before the app runs: a client that
stalls mid-body costs a pending read, not a thread, and gets a JSON 408. Injected latency is
waited out with ``asyncio.sleep``, so other requests keep flowing meanwhile.

granian gives the path percent-decoded, and the query string and header values as they came,
each as UTF-8 text: the target limit counts the path decoded, bytes that are not UTF-8 reach the
app as U+FFFD (such a path matches no route either way), and each is handed to the app in the
latin-1 form WSGI wants. A raw byte that is not UTF-8 in the target, or any non-ASCII byte in a
header value, granian refuses or drops itself.
"""

from __future__ import annotations

import asyncio
import io
import time
from typing import Any, Protocol

from ..passage import KEY, Passage
from .inline_wsgi import (
    BASE_ENVIRON,
    CUT_PAUSE,
    LINGER,
    Gone,
    InlineWsgi,
    Response,
    TooLarge,
    declared_length,
    environ_key,
    refusal,
)

# The environ keys of the headers most requests carry, worked out once rather than per request.
_KEYS = {name: environ_key(name) for name in ("host", "authorization", "cookie", "content-type", "content-length")}
_KEYS |= {name: environ_key(name) for name in ("accept", "user-agent", "accept-encoding", "connection", "origin")}


# RSGI names HTTP/1.0 "1" (RSGI spec: one of "1", "1.1" or "2"); WSGI wants the request line's form.
_PROTOCOLS = {"1": "HTTP/1.0", "1.1": "HTTP/1.1", "2": "HTTP/2"}


class Headers(Protocol):
    def items(self) -> list[tuple[str, str]]: ...


class Scope(Protocol):
    """The fields of granian's RSGI HTTP scope this adapter reads (RSGI spec, "HTTP connection scope")."""

    method: str
    path: str  # percent-decoded, as UTF-8
    query_string: str
    http_version: str
    scheme: str
    server: str  # "address:port"
    client: str

    @property
    def headers(self) -> Headers: ...


class Stream(Protocol):
    async def send_bytes(self, data: bytes) -> None: ...


class HttpProtocol(Protocol):
    async def __call__(self) -> bytes: ...
    def __aiter__(self) -> Any: ...
    def response_bytes(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None: ...
    def response_stream(self, status: int, headers: list[tuple[str, str]]) -> Stream: ...


class WsgiOverRsgi(InlineWsgi):
    """An RSGI app (HTTP only) that runs the WSGI app inline once the whole body has arrived."""

    # The listening address, split once: granian gives it as "address:port" with every request.
    _server = ""
    _server_name = ""
    _server_port = ""

    async def __call__(self, scope: Scope, proto: HttpProtocol) -> None:
        self._active += 1
        try:
            await self._serve(scope, proto)
        finally:
            self._active -= 1

    async def _serve(self, scope: Scope, proto: HttpProtocol) -> None:
        arrived = time.perf_counter()
        environ = BASE_ENVIRON.copy()
        head = 0
        for name, value in scope.headers.items():
            head += len(name) + len(value) + 4
            key = _KEYS.get(name) or environ_key(name)
            if not value.isascii():
                value = _latin1(value)
            environ[key] = f"{environ[key]},{value}" if key in environ else value
        path, query = scope.path, scope.query_string
        length = environ.get("CONTENT_LENGTH")
        limits = self._limits
        if length is not None or head > limits.max_headers or len(path) + len(query) > limits.max_target:
            broken = refusal(limits, len(path) + len(query), head, length)
            if broken is not None:
                if broken[0] == 413:
                    await _drain(proto)
                await _respond(proto, self._error(*broken))
                return
        body = b""
        if (length is not None and length != "0") or "HTTP_TRANSFER_ENCODING" in environ:
            try:
                body = await asyncio.wait_for(self._read_body(proto, length), limits.body_timeout)
            except TimeoutError:
                await _respond(proto, self._error(408, self._timeout_message()))
                return
            except TooLarge:
                await _drain(proto)
                await _respond(proto, self._error(413, "Request body too large."))
                return
            except Gone:
                return
            environ["CONTENT_LENGTH"] = str(len(body))  # a chunked body too: it is whole now
        if scope.server != self._server:
            self._server = scope.server
            self._server_name, _, self._server_port = scope.server.rpartition(":")
        environ["REQUEST_METHOD"] = scope.method
        # WSGI wants the percent-decoded path as bytes read as latin-1 (PEP 3333); granian decoded it as UTF-8.
        environ["PATH_INFO"] = path if path.isascii() else _latin1(path)
        environ["QUERY_STRING"] = query if query.isascii() else _latin1(query)
        environ["SERVER_NAME"] = self._server_name
        environ["SERVER_PORT"] = self._server_port
        environ["SERVER_PROTOCOL"] = _PROTOCOLS.get(scope.http_version) or "HTTP/" + scope.http_version
        environ["REMOTE_ADDR"] = scope.client.rpartition(":")[0]
        environ["wsgi.url_scheme"] = scope.scheme
        environ["wsgi.input"] = io.BytesIO(body)
        environ[KEY] = Passage(arrived)
        if self._delay is not None:
            seconds = self._delay(environ)
            if seconds > 0:
                await asyncio.sleep(seconds)
        await _respond(proto, self._run(environ))

    async def _read_body(self, proto: HttpProtocol, length: str | None) -> bytes:
        if length is not None:  # declared, and within the limit (refusal() checked)
            try:
                body = await proto()
            except RuntimeError as exc:  # granian's RSGIProtocolClosed: the client went away
                raise Gone from exc
            if len(body) != int(length):
                raise Gone  # the connection ended before the declared length arrived
            return body
        parts: list[bytes] = []
        size = 0
        async for chunk in proto:
            size += len(chunk)
            if size > self._limits.max_body:
                raise TooLarge
            parts.append(chunk)
        return b"".join(parts)


def _latin1(text: str) -> str:
    """Text granian decoded as UTF-8, in the form WSGI wants: its bytes read as latin-1 (PEP 3333).
    Passed on as it came, a character above U+00FF failed in the app: a 500."""
    return text.encode("utf-8", "surrogateescape").decode("latin-1")


async def _drain(proto: HttpProtocol) -> None:
    """Read and drop the rest of a refused body, for at most ``LINGER`` seconds."""
    try:
        async with asyncio.timeout(LINGER):
            async for _ in proto:
                pass
    except (TimeoutError, RuntimeError):  # RuntimeError: granian's RSGIProtocolClosed, the client left
        pass


async def _respond(proto: HttpProtocol, response: Response) -> None:
    status, headers, body = response
    declared = declared_length(headers)
    if declared is None or declared == len(body):
        proto.response_bytes(status, headers, body)  # granian adds a missing Content-Length
        return
    # A body shorter than its Content-Length (the drop_after_commit fault): the headers go out,
    # then the stream ends short and granian closes the connection, as a lost response would.
    # The pause lets the headers leave before the cut. (Flask answers HEAD with the whole body,
    # which the server leaves out, so HEAD never gets here.)
    stream = proto.response_stream(status, headers)
    await stream.send_bytes(body)
    await asyncio.sleep(CUT_PAUSE)
