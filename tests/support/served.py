"""The mock as a process on a real socket, and raw-socket helpers, for the serving tests."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 30


class Mock:
    def __init__(self, proc: subprocess.Popen[str], ready: str, server: str) -> None:
        self.proc = proc
        self.server = server
        self.ready = ready
        self.base_url = ready.split()[2]
        parts = urlsplit(self.base_url)
        assert parts.hostname is not None and parts.port is not None
        self.host, self.port = parts.hostname, parts.port

    def connection(self, timeout: float = START_TIMEOUT) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None, timeout: float = 10
    ) -> tuple[int, Any]:
        conn = self.connection(timeout)
        try:
            data = json.dumps(body) if body is not None else None
            conn.request(method, path, body=data, headers={"Content-Type": "application/json", **(headers or {})})
            resp = conn.getresponse()
            raw = resp.read()
            return resp.status, json.loads(raw) if raw else None
        finally:
            conn.close()

    def stop(self) -> str:
        """Stop the process (if still running); its stderr."""
        if self.proc.poll() is None:
            self.proc.kill()
        _, err = self.proc.communicate(timeout=START_TIMEOUT)
        return err


def start(server: str, *args: str, env: dict[str, str] | None = None) -> Mock:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("EULABEL_MOCK_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mock_server", "--port", "0", "--server", server, *args],
        cwd=ROOT,
        env={**clean, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line:
        proc.kill()
        _, err = proc.communicate(timeout=START_TIMEOUT)
        pytest.fail(f"the mock printed no ready line; stderr: {err}")
    return Mock(proc, line.strip(), server)


@contextmanager
def running(server: str, *args: str, env: dict[str, str] | None = None) -> Iterator[Mock]:
    mock = start(server, *args, env=env)
    try:
        yield mock
    finally:
        mock.stop()


@dataclass
class Reply:
    """What came back on a raw connection: the status line, headers, body, and how it ended."""

    status: int | None
    headers: dict[str, str]
    body: bytes
    raw: bytes
    closed_cleanly: bool  # the server closed the connection with a FIN (not a reset, not a timeout)

    def json(self) -> Any:
        return json.loads(self.body)


def raw_exchange(mock: Mock, data: bytes | Sequence[bytes], timeout: float = 10) -> Reply:
    """Send ``data`` on a fresh connection, then read until the server closes it."""
    with socket.create_connection((mock.host, mock.port), timeout=timeout) as sock:
        for part in [data] if isinstance(data, bytes) else data:
            try:
                sock.sendall(part)
            except OSError:
                break  # the server may answer and close before it reads everything
        return read_reply(sock)


def read_reply(sock: socket.socket) -> Reply:
    raw, clean = b"", False
    while True:
        try:
            chunk = sock.recv(65536)
        except (TimeoutError, ConnectionResetError):
            break
        if not chunk:
            clean = True
            break
        raw += chunk
    return parse_reply(raw, clean)


def parse_reply(raw: bytes, closed_cleanly: bool) -> Reply:
    if b"\r\n\r\n" not in raw:
        return Reply(None, {}, b"", raw, closed_cleanly)
    head, body = raw.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = headers.get("content-length")
    if length is not None and length.isdigit():
        body = body[: int(length)]
    return Reply(int(lines[0].split()[1]), headers, body, raw, closed_cleanly)
