"""A client that stalls mid-request costs the mock nothing: others keep being served, it gets a JSON 408 or a close.

Issue: two connections sending headers with Content-Length: 100, one byte of body and then nothing
made GET /_mock/ready time out, because a server thread waited for each body.
"""

from __future__ import annotations

import socket
import time

import pytest

from mock_server.serving.server import DEFAULT_THREADS, SERVERS
from tests.support.served import Mock, Reply, read_reply, running

CLIENT_TIMEOUT = 2  # seconds, --client-timeout for these tests
STALLED = DEFAULT_THREADS + 4  # more than waitress's threads (granian has one event-loop thread)
STALLED_BODY = (
    b"POST /v1/products HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
)
STALLED_HEAD = b"POST /v1/products HTTP/1.1\r\nHost: localhost\r\nContent-Len"


def _open(mock: Mock, data: bytes) -> socket.socket:
    sock = socket.create_connection((mock.host, mock.port), timeout=CLIENT_TIMEOUT * 5)
    sock.sendall(data)
    return sock


def _ready_answers_throughout(mock: Mock, seconds: float) -> int:
    """Ask GET /_mock/ready until ``seconds`` have passed; each answer must come within 1 s."""
    answered = 0
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        assert mock.request("GET", "/_mock/ready", timeout=1) == (200, {"ready": True})
        answered += 1
        time.sleep(0.05)
    return answered


def _stall_while_ready_answers(mock: Mock, request: bytes) -> list[Reply]:
    """Open more stalled connections than there are threads; /_mock/ready must answer throughout
    the whole client timeout and beyond. Returns what each stalled connection finally got."""
    stalled = [_open(mock, request) for _ in range(STALLED)]
    try:
        assert _ready_answers_throughout(mock, CLIENT_TIMEOUT + 0.5) > 10
        return [read_reply(sock) for sock in stalled]
    finally:
        for sock in stalled:
            sock.close()


@pytest.mark.parametrize("server", SERVERS)
def test_stalled_bodies_beyond_the_thread_count_leave_ready_answering(server: str) -> None:
    with running(server, "--client-timeout", str(CLIENT_TIMEOUT)) as mock:
        for reply in _stall_while_ready_answers(mock, STALLED_BODY):
            _assert_timed_out(server, reply)
        # Nothing of the stalled requests reached the app.
        status, journal = mock.request("GET", "/_mock/journal?method=POST")
        assert (status, journal["data"]) == (200, [])


@pytest.mark.parametrize("server", SERVERS)
def test_stalled_headers_are_closed_after_the_client_timeout(server: str) -> None:
    with running(server, "--client-timeout", str(CLIENT_TIMEOUT)) as mock:
        for reply in _stall_while_ready_answers(mock, STALLED_HEAD):
            assert reply.closed_cleanly or reply.status == 408, reply.raw[:200]


def test_stalled_body_gets_a_408_in_the_nested_error_shape() -> None:
    with running("granian", "--client-timeout", "1", "--error-format", "nested") as mock:
        with _open(mock, STALLED_BODY) as sock:
            reply = read_reply(sock)
    assert reply.status == 408
    assert reply.json()["error"]["code"] == "request_timeout"


def _assert_timed_out(server: str, reply: Reply) -> None:
    if server == "granian":
        # The body is awaited without a thread, so the mock can answer: a JSON 408, then a close.
        assert reply.status == 408, reply.raw[:200]
        assert reply.headers["content-type"] == "application/json"
        assert reply.json()["error"] == "request_timeout"
        assert reply.headers.get("connection") == "close"
    else:
        # waitress buffers bodies on its I/O thread and closes a connection idle past the timeout.
        assert reply.status is None and reply.closed_cleanly, reply.raw[:200]
