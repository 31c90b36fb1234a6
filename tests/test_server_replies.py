"""Every answer the mock gives on the wire is a JSON error in the configured shape, whatever the request.

Issue: OPTIONS answered 200 text/html with no body, //v1//products a 308 HTML redirect, and the
server's own 400/414/431 replies had empty bodies. Sent as raw bytes, so that no client library
tidies the request first. The codes for statuses the docs do not list (405, 408, 413, 414, 431)
are our spec's choice, listed in docs/serving.md.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from mock_server.serving.limits import Limits
from mock_server.serving.server import SERVERS
from tests.support.served import Mock, Reply, raw_exchange, read_reply, running

LIMITS = Limits()


def _get(target: bytes, *headers: bytes) -> bytes:
    return b"GET " + target + b" HTTP/1.1\r\nHost: localhost\r\n" + b"".join(h + b"\r\n" for h in headers) + b"\r\n"


def _request(method: bytes, target: bytes) -> bytes:
    return method + b" " + target + b" HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n"


# (request, status, code): answered in JSON by the mock on every server.
JSON_CASES = {
    "OPTIONS on an API route": (_request(b"OPTIONS", b"/v1/products"), 405, "method_not_allowed"),
    "OPTIONS on a control route": (_request(b"OPTIONS", b"/_mock/ready"), 405, "method_not_allowed"),
    "doubled slashes": (_get(b"//v1//products"), 404, "not_found"),
    "doubled slash in a control route": (_get(b"/_mock//ready"), 404, "not_found"),
    "trailing slash": (_get(b"/v1/products/"), 404, "not_found"),
    "unknown method": (_request(b"BREW", b"/v1/products"), 405, "method_not_allowed"),
    "PUT on a GET route": (_request(b"PUT", b"/v1/products"), 405, "method_not_allowed"),
    "request target over the limit": (_get(b"/v1/products?q=" + b"a" * LIMITS.max_target), 414, "uri_too_long"),
    "headers over the limit": (_get(b"/v1/products", b"X-Big: " + b"a" * LIMITS.max_headers), 431, "headers_too_large"),
    "declared body over the limit": (
        b"POST /v1/products HTTP/1.1\r\nHost: localhost\r\nContent-Length: %d\r\n\r\n" % (LIMITS.max_body + 1),
        413,
        "payload_too_large",
    ),
    "unknown path": (_get(b"/v2/products"), 404, "not_found"),
}

# Requests HTTP/1.1 itself cannot parse. waitress lets the mock answer them in JSON; granian's HTTP
# layer (hyper) answers them itself with an empty body and closes, and an HTTP/2 preface is closed
# without a reply: docs/serving.md documents both. (request, granian, waitress)
PROTOCOL_CASES = {
    "malformed request line": (b"HELLO\r\n\r\n", (400, None), (400, "bad_request")),
    "non-numeric Content-Length": (
        b"POST /v1/products HTTP/1.1\r\nHost: localhost\r\nContent-Length: abc\r\n\r\n",
        (400, None),
        (400, "bad_request"),
    ),
    "space in the target": (_get(b"/v1/pro ducts"), (400, None), (400, "bad_request")),
    "HTTP/2 connection preface": (b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", None, (404, "not_found")),
    "target over 64 KiB": (_get(b"/v1/products?q=" + b"a" * 70_000), (414, None), (431, "headers_too_large")),
    "more than 100 header lines": (
        _get(b"/v1/nothing", *(b"X-H%d: v" % i for i in range(120))),
        (431, None),
        (404, "not_found"),
    ),
}


@pytest.fixture(scope="module", params=SERVERS)
def mock(request: pytest.FixtureRequest) -> Iterator[Mock]:
    with running(request.param) as m:
        yield m


def _assert_json_error(reply: Reply, status: int, code: str) -> None:
    assert reply.status == status, reply.raw[:300]
    assert reply.headers.get("content-type") == "application/json", reply.raw[:300]
    body = reply.json()
    assert (body["error"], body["status"]) == (code, status)
    assert body["message"]


@pytest.mark.parametrize(("data", "status", "code"), JSON_CASES.values(), ids=JSON_CASES.keys())
def test_reply_is_a_json_error_with_the_documented_code(mock: Mock, data: bytes, status: int, code: str) -> None:
    reply = raw_exchange(mock, _close(data))
    _assert_json_error(reply, status, code)
    if status == 405:
        assert reply.headers["allow"], "a 405 names the allowed methods"
        assert "OPTIONS" not in reply.headers["allow"]


@pytest.mark.parametrize(("data", "on_granian", "on_waitress"), PROTOCOL_CASES.values(), ids=PROTOCOL_CASES.keys())
def test_unparsable_request_gets_json_or_the_documented_bare_reply(
    mock: Mock, data: bytes, on_granian: tuple[int, None] | None, on_waitress: tuple[int, str]
) -> None:
    reply = raw_exchange(mock, _close(data))
    expected = on_granian if mock.server == "granian" else on_waitress
    if expected is None:
        assert (reply.raw, reply.closed_cleanly) == (b"", True)
    elif expected[1] is None:
        assert (reply.status, reply.body, reply.closed_cleanly) == (expected[0], b"", True)
    else:
        _assert_json_error(reply, expected[0], expected[1])


def test_leading_slashes_are_read_as_one_and_served_not_redirected(mock: Mock) -> None:
    reply = raw_exchange(mock, _close(_get(b"//_mock/ready")))
    assert (reply.status, reply.json()) == (200, {"ready": True})


def test_server_limit_reply_uses_the_nested_error_shape() -> None:
    with running("granian", "--error-format", "nested") as mock:
        reply = raw_exchange(mock, _close(JSON_CASES["request target over the limit"][0]))
    assert reply.status == 414
    assert reply.json()["error"]["code"] == "uri_too_long"


def _close(data: bytes) -> bytes:
    """The request with ``Connection: close``, so that reading until the close ends the exchange."""
    if b"\r\nHost: localhost\r\n" not in data:
        return data
    return data.replace(b"\r\nHost: localhost\r\n", b"\r\nHost: localhost\r\nConnection: close\r\n", 1)


def test_a_client_still_sending_a_body_over_the_limit_reads_the_json_413(mock: Mock) -> None:
    # The 413 goes out as soon as the declared length is seen. A client that sends its whole body
    # before it reads (urllib, requests) must still get to the answer: closing at once fails its
    # sending with a broken pipe or a reset, so the server keeps reading and dropping for a while.
    head = b"POST /v1/products HTTP/1.1\r\nHost: localhost\r\nContent-Length: %d\r\n\r\n" % (4 * LIMITS.max_body)
    with socket.create_connection((mock.host, mock.port), timeout=10) as sock:
        sock.sendall(head)
        time.sleep(0.3)  # answered by now
        for _ in range(32):  # 2 MiB more, never refused: the server still reads
            sock.sendall(b"x" * 65536)
        reply = read_reply(sock)
    _assert_json_error(reply, 413, "payload_too_large")
