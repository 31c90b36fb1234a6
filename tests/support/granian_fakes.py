"""Stand-ins for granian in the adapter tests: one request driven through RSGI, no socket."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from mock_server.serving.inline_wsgi import InlineWsgi
from mock_server.serving.rsgi import WsgiOverRsgi

STALL: list[bytes] = []  # marks a body that never arrives (compared by identity)
Body = list[bytes] | None


@dataclass
class Answer:
    """What the client got: no status when nothing was sent; ``cut`` when the body ended short."""

    path: str
    status: int | None
    headers: list[tuple[str, str]]
    body: bytes
    cut: bool = False

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name), None)

    def json(self) -> Any:
        return json.loads(self.body)


async def _stall() -> None:
    await asyncio.Event().wait()


# --- RSGI ----------------------------------------------------------------------------------


class _Headers:
    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._pairs = pairs

    def items(self) -> list[tuple[str, str]]:
        return list(self._pairs)


@dataclass
class _Scope:
    """The fields of granian's RSGI scope; ``path`` percent-decoded, as granian gives it."""

    method: str
    path: str
    query_string: str
    headers: _Headers
    http_version: str = "1.1"
    scheme: str = "http"
    server: str = "127.0.0.1:8080"
    client: str = "127.0.0.1:50000"


class _Stream:
    def __init__(self, parts: list[bytes]) -> None:
        self._parts = parts

    async def send_bytes(self, data: bytes) -> None:
        self._parts.append(data)


class _Protocol:
    def __init__(self, body: Body, gone: bool) -> None:
        self._body = body
        self._gone = gone
        self.answer: tuple[int, list[tuple[str, str]], list[bytes], bool] | None = None

    async def __call__(self) -> bytes:
        if self._body is STALL:
            await _stall()
        if self._gone:
            raise RuntimeError("RSGI transport is closed")  # as granian's RSGIProtocolClosed
        return b"".join(self._body or [])

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._chunks()

    async def _chunks(self) -> AsyncIterator[bytes]:
        if self._body is STALL:
            await _stall()
        for chunk in self._body or []:
            yield chunk

    def response_bytes(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.answer = (status, headers, [body], False)

    def response_stream(self, status: int, headers: list[tuple[str, str]]) -> _Stream:
        parts: list[bytes] = []
        self.answer = (status, headers, parts, True)  # the fakes only stream to cut a response short
        return _Stream(parts)


async def rsgi_request(
    adapter: InlineWsgi,
    method: str,
    target: str,
    headers: list[tuple[str, str]],
    body: Body,
    gone: bool,
    http_version: str = "1.1",
) -> Answer:
    assert isinstance(adapter, WsgiOverRsgi)
    path, _, query = target.partition("?")
    proto = _Protocol(body, gone)
    await adapter(_Scope(method, path, query, _Headers(headers), "1" if http_version == "1.0" else http_version), proto)
    if proto.answer is None:
        return Answer(path, None, [], b"")
    status, sent_headers, parts, streamed = proto.answer
    return Answer(path, status, sent_headers, b"".join(parts), cut=streamed)
