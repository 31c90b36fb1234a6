"""How the bad-input catalogue reaches a mock: called in-process as a WSGI server would call it, or
as raw bytes on a socket to each server the mock can use (``tests/test_bad_inputs.py``).

Text in a case stands for the bytes of its latin-1 encoding, as PEP 3333 hands them to an app:
``"\\xc3\\xa9"`` in a path or header is the two bytes of ``é`` in UTF-8, sent raw.
"""

from __future__ import annotations

import io
import json
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import unquote_to_bytes

from flask import Flask
from werkzeug.test import EnvironBuilder

from mock_server import create_app
from mock_server.serving.wsgi_run import run_to_completion
from mock_server.testing import EulabelMock
from tests.support.bad_inputs import Bad
from tests.support.clients import QUINTA
from tests.support.served import read_reply, running

TRANSPORTS = ("in-process", "in-thread", "granian", "waitress")
CONFIG: dict[str, Any] = {"SEED": 21, "RATE_LIMIT": "0"}
OPTIONS = ("--seed", "21", "--rate-limit", "0")


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes


class Target(Protocol):
    name: str

    def send(self, case: Bad, authorization: str | None) -> Answer: ...

    def secret(self, scopes: list[str]) -> str: ...


def request_parts(case: Bad) -> tuple[bytes | None, dict[str, str]]:
    """The body and the headers of ``case``, credentials included except the Authorization of a key."""
    body = case.body if isinstance(case.body, bytes) else None if case.body is None else json.dumps(case.body).encode()
    headers = dict(case.headers)
    content_type = case.content_type if case.content_type is not None else ("application/json" if body else "")
    if content_type:
        headers["Content-Type"] = content_type
    if body is not None:
        headers.setdefault("Content-Length", str(len(body)))
    if case.auth == "session" or case.auth.startswith("cookie:"):
        headers["Cookie"] = f"eulabel_session={case.auth.partition(':')[2] or QUINTA}"
    return body, headers


class InProcess:
    """The app called with the environ a WSGI server builds, without a socket."""

    name = "in-process"

    def __init__(self) -> None:
        self.app: Flask = create_app(CONFIG)

    def send(self, case: Bad, authorization: str | None) -> Answer:
        body, headers = request_parts(case)
        if authorization is not None:
            headers["Authorization"] = authorization
        path, _, query = case.path.partition("?")
        environ = EnvironBuilder(method=case.method, input_stream=None).get_environ()
        environ.update(PATH_INFO=unquote_to_bytes(path.encode("latin-1")).decode("latin-1"), QUERY_STRING=query)
        for name, value in headers.items():
            key = name.upper().replace("-", "_")
            environ[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + key] = value
        environ.setdefault("HTTP_HOST", "localhost")
        environ["wsgi.input"] = io.BytesIO(body or b"")
        status, response_headers, data = run_to_completion(self.app.wsgi_app, environ)
        content_type = next((v for k, v in response_headers if k.lower() == "content-type"), "")
        return Answer(int(status[:3]), content_type, data)

    def secret(self, scopes: list[str]) -> str:
        client = self.app.test_client()
        client.set_cookie("eulabel_session", QUINTA)
        r = client.post("/v1/auth/api-keys", json={"name": "bad inputs", "scopes": scopes})
        assert r.status_code == 201, r.status_code
        return str(r.get_json()["secret"])


class OnSocket:
    """Raw bytes to a mock listening on ``host:port``, one connection per request."""

    def __init__(self, name: str, host: str, port: int) -> None:
        self.name, self.host, self.port = name, host, port

    def exchange(self, data: bytes) -> tuple[int | None, dict[str, str], bytes]:
        with socket.create_connection((self.host, self.port), timeout=30) as sock:
            try:
                sock.sendall(data)
            except OSError:
                pass  # answered and closed before it read everything
            reply = read_reply(sock)
        return reply.status, reply.headers, reply.body

    def send(self, case: Bad, authorization: str | None) -> Answer:
        body, headers = request_parts(case)
        if authorization is not None:
            headers["Authorization"] = authorization
        headers.setdefault("Host", f"{self.host}:{self.port}")
        head = f"{case.method} {case.path} HTTP/1.1\r\nConnection: close\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        status, response_headers, data = self.exchange(head.encode("latin-1") + b"\r\n" + (body or b""))
        return Answer(status or 0, response_headers.get("content-type", ""), data)

    def secret(self, scopes: list[str]) -> str:
        payload = json.dumps({"name": "bad inputs", "scopes": scopes}).encode()
        head = (
            f"POST /v1/auth/api-keys HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nConnection: close\r\n"
            f"Cookie: eulabel_session={QUINTA}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(payload)}\r\n\r\n"
        )
        status, _, data = self.exchange(head.encode() + payload)
        assert status == 201, (status, data[:200])
        return str(json.loads(data)["secret"])


@contextmanager
def target(name: str) -> Iterator[Target]:
    """The mock ``name`` names, started for the catalogue and stopped after it."""
    if name == "in-process":
        yield InProcess()
    elif name == "in-thread":  # EulabelMock's and the pytest fixture's: waitress on a thread, answering as it
        with EulabelMock(CONFIG) as mock:
            yield OnSocket("waitress", mock.host, int(mock.base_url.rsplit(":", 1)[1]))
    else:
        with running(name, *OPTIONS) as mock:
            yield OnSocket(name, mock.host, mock.port)
