"""granian's adapter on its own, without sockets: limits, the body deadline, latency
hand-off, failures. Every claim is checked on the adapter the mock serves through, RSGI."""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pytest

from mock_server.passage import KEY
from mock_server.serving.inline_wsgi import Delay, InlineWsgi
from mock_server.serving.limits import Limits
from mock_server.serving.rsgi import WsgiOverRsgi
from tests.support.granian_fakes import STALL, Answer, Body, rsgi_request

ADAPTERS = ("rsgi",)  # one adapter; the claims stay written per adapter
CLASSES: dict[str, type[InlineWsgi]] = {"rsgi": WsgiOverRsgi}
WsgiCallable = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass
class Request:
    method: str = "POST"
    path: str = "/v1/products"
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: Body = None  # a list of chunks, STALL (never arrives), or None (no body)
    gone: bool = False  # the client disconnects instead of sending its body
    http_version: str = "1.1"  # as the request line says it


def _echo(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    body = environ["wsgi.input"].read()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def _serve(kind: str, adapter: InlineWsgi, *requests: Request) -> list[Answer]:
    """Run the requests at once on one event loop; what each got, in the order they finished."""
    drive = rsgi_request

    async def run() -> list[Answer]:
        finished: list[Answer] = []

        async def one(req: Request) -> None:
            answer = await drive(adapter, req.method, req.path, req.headers, req.body, req.gone, req.http_version)
            finished.append(answer)

        await asyncio.wait_for(asyncio.gather(*(one(r) for r in requests)), 10)
        return finished

    # A thread of its own: another test on this worker (Playwright's sync API) may have left an
    # event loop running in the main thread, and asyncio.run() refuses to nest in one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


def _one(
    kind: str, app: WsgiCallable, req: Request, limits: Limits | None = None, delay: Delay | None = None
) -> Answer:
    return _serve(kind, CLASSES[kind](app, "flat", limits or Limits(), delay), req)[0]


@pytest.mark.parametrize("kind", ADAPTERS)
def test_body_that_never_arrives_gets_a_json_408_after_the_client_timeout(kind: str) -> None:
    answer = _one(kind, _echo, Request(headers=[("content-length", "100")], body=STALL), Limits(body_timeout=0.05))
    assert (answer.status, answer.json()["error"]) == (408, "request_timeout")
    assert answer.header("connection") == "close"


@pytest.mark.parametrize("kind", ADAPTERS)
def test_chunked_body_over_the_limit_gets_a_json_413(kind: str) -> None:
    adapter = CLASSES[kind](_echo, "nested", Limits(max_body=10))
    req = Request(headers=[("transfer-encoding", "chunked")], body=[b"x" * 6, b"x" * 6])
    answer = _serve(kind, adapter, req)[0]
    assert (answer.status, answer.json()["error"]["code"]) == (413, "payload_too_large")


@pytest.mark.parametrize("kind", ADAPTERS)
def test_chunked_body_reaches_the_app_whole_with_its_length(kind: str) -> None:
    seen: dict[str, Any] = {}

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        seen.update(environ)
        return _echo(environ, start_response)

    answer = _one(kind, app, Request(headers=[("transfer-encoding", "chunked")], body=[b'{"a":', b"1}"]))
    assert (answer.status, answer.json()) == (200, {"a": 1})
    assert seen["CONTENT_LENGTH"] == "7"


@pytest.mark.parametrize(
    ("headers", "status", "message"),
    [
        ([("content-length", "2000000")], 413, "Request body too large."),
        ([("content-length", "12abc")], 400, "Content-Length must be a number of bytes."),
        ([("x-big", "v" * 70_000)], 431, "The request headers are larger than 65536 bytes."),
    ],
    ids=["declared-too-large", "bad-length", "headers-too-large"],
)
@pytest.mark.parametrize("kind", ADAPTERS)
def test_limit_broken_before_the_body_is_refused_in_json_without_calling_the_app(
    kind: str, headers: list[tuple[str, str]], status: int, message: str
) -> None:
    called: list[bool] = []

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        called.append(True)
        return _echo(environ, start_response)

    answer = _one(kind, app, Request(headers=headers, body=STALL))
    assert (answer.status, answer.json()["message"]) == (status, message)
    assert answer.header("content-type") == "application/json"
    assert called == []


@pytest.mark.parametrize("kind", ADAPTERS)
def test_request_target_over_the_limit_gets_a_json_414(kind: str) -> None:
    answer = _one(kind, _echo, Request("GET", "/v1/" + "a" * 100), Limits(max_target=64))
    assert (answer.status, answer.json()["error"]) == (414, "uri_too_long")


@pytest.mark.parametrize("kind", ADAPTERS)
def test_client_gone_before_its_body_gets_no_answer(kind: str) -> None:
    answer = _one(kind, _echo, Request(headers=[("content-length", "5")], body=[b"ab"], gone=True))
    assert answer.status is None


@pytest.mark.parametrize("kind", ADAPTERS)
def test_latency_is_asked_for_before_the_app_runs_on_the_same_environ(kind: str) -> None:
    asked: list[dict[str, Any]] = []
    ran: list[dict[str, Any]] = []

    def delay(environ: dict[str, Any]) -> float:
        asked.append(environ)
        return 0.01

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        ran.append(environ)
        return _echo(environ, start_response)

    _one(kind, app, Request("GET"), delay=delay)
    assert len(asked) == 1 and ran[0] is asked[0]  # what the fault rule decided travels with the request
    assert isinstance(ran[0][KEY].arrived, float)


@pytest.mark.parametrize("kind", ADAPTERS)
def test_latency_on_one_route_leaves_another_route_answering_meanwhile(kind: str) -> None:
    def delay(environ: dict[str, Any]) -> float:
        return 0.3 if environ["PATH_INFO"] == "/slow" else 0.0

    adapter = CLASSES[kind](_echo, "flat", Limits(), delay)
    finished = _serve(kind, adapter, Request("GET", "/slow"), Request("GET", "/fast"))
    assert [a.path for a in finished] == ["/fast", "/slow"]  # the sleep held no thread and no queue
    assert [a.status for a in finished] == [200, 200]


@pytest.mark.parametrize("kind", ADAPTERS)
def test_failure_outside_the_flask_handlers_is_a_json_500(kind: str) -> None:
    def broken(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        raise RuntimeError("a middleware bug")

    answer = _one(kind, broken, Request("GET"))
    assert (answer.status, answer.json()["error"]) == (500, "internal_error")
    assert "middleware" not in answer.json()["message"]


@pytest.mark.parametrize("kind", ADAPTERS)
def test_response_shorter_than_its_declared_length_is_cut_after_its_headers(kind: str) -> None:
    def short(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response("201 Created", [("Content-Type", "application/json"), ("Content-Length", "40")])
        return [b""]

    answer = _one(kind, short, Request("GET"))
    assert (answer.status, answer.cut, answer.body) == (201, True, b"")


@pytest.mark.parametrize("kind", ADAPTERS)
def test_percent_encoded_path_reaches_the_app_decoded_as_pep_3333_asks(kind: str) -> None:
    seen: list[str] = []

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        seen.append(environ["PATH_INFO"])
        return _echo(environ, start_response)

    _one(kind, app, Request("GET", "/v1/caf\u00e9 x"))
    assert seen == ["/v1/caf\u00e9 x".encode().decode("latin-1")]


@pytest.mark.parametrize("kind", ADAPTERS)
def test_repeated_headers_reach_the_app_joined_and_the_query_as_sent(kind: str) -> None:
    seen: dict[str, Any] = {}

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        seen.update(environ)
        return _echo(environ, start_response)

    _one(kind, app, Request("GET", "/v1/products?limit=5", [("x-tag", "a"), ("x-tag", "b"), ("host", "mock:1")]))
    assert (seen["HTTP_X_TAG"], seen["HTTP_HOST"], seen["QUERY_STRING"]) == ("a,b", "mock:1", "limit=5")
    assert (seen["REQUEST_METHOD"], seen["SERVER_PORT"], seen["REMOTE_ADDR"]) == ("GET", "8080", "127.0.0.1")


@pytest.mark.parametrize("version", ["1.0", "1.1"])
@pytest.mark.parametrize("kind", ADAPTERS)
def test_server_protocol_is_the_request_lines_http_version(kind: str, version: str) -> None:
    seen: dict[str, Any] = {}

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        seen.update(environ)
        return _echo(environ, start_response)

    _one(kind, app, Request("GET", http_version=version))
    assert seen["SERVER_PROTOCOL"] == f"HTTP/{version}"
