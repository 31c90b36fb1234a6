"""The ASGI adapter on its own, without sockets: limits, the body deadline, latency hand-off, failures."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
from collections.abc import Callable, Iterable, MutableMapping
from typing import Any

from mock_server.serving.asgi import WsgiOverAsgi
from mock_server.serving.limits import ARRIVED, Limits

Message = MutableMapping[str, Any]


def _scope(method: str = "POST", headers: list[tuple[bytes, bytes]] | None = None) -> dict[str, Any]:
    return {
        "type": "http",
        "method": method,
        "path": "/v1/products",
        "raw_path": b"/v1/products",
        "query_string": b"",
        "headers": headers or [],
        "http_version": "1.1",
        "scheme": "http",
        "server": ("127.0.0.1", 8080),
        "client": ("127.0.0.1", 50000),
    }


def _echo(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    body = environ["wsgi.input"].read()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def _call(
    adapter: WsgiOverAsgi, scope: dict[str, Any], messages: list[Message] | None, timeout: float = 10
) -> list[Message]:
    """Run one request; ``messages`` feed ``receive`` (None: a body that never arrives)."""
    sent: list[Message] = []

    async def receive() -> Message:
        if messages is None:
            await asyncio.Event().wait()  # stalls for ever
        assert messages is not None
        return messages.pop(0)

    async def send(message: Message) -> None:
        sent.append(message)

    async def run() -> None:
        await asyncio.wait_for(adapter(scope, receive, send), timeout)

    # A thread of its own: another test on this worker (Playwright's sync API) may have left an
    # event loop running in the main thread, and asyncio.run() refuses to nest in one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, run()).result()
    return sent


def _status_and_json(sent: list[Message]) -> tuple[int, Any]:
    assert sent[0]["type"] == "http.response.start"
    return sent[0]["status"], json.loads(b"".join(m.get("body", b"") for m in sent[1:]))


def test_body_that_never_arrives_gets_a_json_408_after_the_client_timeout() -> None:
    adapter = WsgiOverAsgi(_echo, "flat", Limits(body_timeout=0.05))
    sent = _call(adapter, _scope(headers=[(b"content-length", b"100")]), None)
    status, body = _status_and_json(sent)
    assert (status, body["error"]) == (408, "request_timeout")
    assert (b"connection", b"close") in sent[0]["headers"]


def test_chunked_body_over_the_limit_gets_a_json_413() -> None:
    adapter = WsgiOverAsgi(_echo, "nested", Limits(max_body=10))
    chunks: list[Message] = [{"type": "http.request", "body": b"x" * 6, "more_body": True}] * 2
    sent = _call(adapter, _scope(headers=[(b"transfer-encoding", b"chunked")]), chunks)
    status, body = _status_and_json(sent)
    assert (status, body["error"]["code"]) == (413, "payload_too_large")


def test_chunked_body_reaches_the_app_with_its_length() -> None:
    seen: dict[str, Any] = {}

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        seen.update(environ)
        return _echo(environ, start_response)

    chunks: list[Message] = [
        {"type": "http.request", "body": b'{"a":', "more_body": True},
        {"type": "http.request", "body": b"1}", "more_body": False},
    ]
    sent = _call(WsgiOverAsgi(app, "flat", Limits()), _scope(headers=[(b"transfer-encoding", b"chunked")]), chunks)
    assert _status_and_json(sent) == (200, {"a": 1})
    assert seen["CONTENT_LENGTH"] == "7"


def test_client_gone_before_its_body_gets_no_answer() -> None:
    sent = _call(
        WsgiOverAsgi(_echo, "flat", Limits()),
        _scope(headers=[(b"content-length", b"5")]),
        [{"type": "http.disconnect"}],
    )
    assert sent == []


def test_latency_is_asked_for_before_the_app_runs_on_the_same_environ() -> None:
    asked: list[dict[str, Any]] = []
    ran: list[dict[str, Any]] = []

    def delay(environ: dict[str, Any]) -> float:
        asked.append(environ)
        return 0.01

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        ran.append(environ)
        return _echo(environ, start_response)

    _call(WsgiOverAsgi(app, "flat", Limits(), delay), _scope("GET"), [])
    assert len(asked) == 1 and ran[0] is asked[0]  # what the fault rule decided travels with the request
    assert isinstance(ran[0][ARRIVED], float)


def test_failure_outside_the_flask_handlers_is_a_json_500() -> None:
    def broken(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        raise RuntimeError("a middleware bug")

    status, body = _status_and_json(_call(WsgiOverAsgi(broken, "flat", Limits()), _scope("GET"), []))
    assert (status, body["error"]) == (500, "internal_error")
    assert "middleware" not in body["message"]


def test_percent_encoded_path_reaches_the_app_decoded_as_pep_3333_asks() -> None:
    seen: list[str] = []

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        seen.append(environ["PATH_INFO"])
        return _echo(environ, start_response)

    scope = _scope("GET") | {"path": "/v1/caf\u00e9 x", "raw_path": b"/v1/caf%C3%A9%20x"}
    _call(WsgiOverAsgi(app, "flat", Limits()), scope, [])
    assert seen == ["/v1/caf\u00e9 x".encode().decode("latin-1")]
