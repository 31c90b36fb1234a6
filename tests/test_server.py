"""The mock as a process: binding port 0, the ready line, and a clean exit on signals."""

from __future__ import annotations

import http.client
import json
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mock_server.cli import options
from mock_server.serving.server import DEFAULT_SERVER, SERVERS
from mock_server.settings import ConfigError
from tests.support.served import START_TIMEOUT, Mock, raw_exchange, running


@pytest.fixture(params=SERVERS)
def mock(request: pytest.FixtureRequest) -> Iterator[Mock]:
    with running(request.param) as m:
        yield m


def test_port_zero_reports_the_bound_port_in_the_ready_line(mock: Mock) -> None:
    assert mock.ready.startswith("eulabel-mock ready http://127.0.0.1:")
    assert mock.port != 0
    assert "org_quinta:eulabel_session=sess_quinta_demo" in mock.ready.split()[3:]
    conn = mock.connection()
    conn.request("GET", "/_mock/ready")
    resp = conn.getresponse()
    assert (resp.status, json.loads(resp.read())) == (200, {"ready": True})


def test_key_created_over_http_authenticates_on_the_same_process(mock: Mock) -> None:
    conn = mock.connection()
    conn.request(
        "POST",
        "/v1/auth/api-keys",
        body=json.dumps({"name": "ci", "scopes": ["products:read"]}),
        headers={"Content-Type": "application/json", "Cookie": "eulabel_session=sess_quinta_demo"},
    )
    created = conn.getresponse()
    secret = json.loads(created.read())["secret"]
    assert created.status == 201
    conn.request("GET", "/v1/products", headers={"Authorization": f"Bearer {secret}"})
    resp = conn.getresponse()
    body = json.loads(resp.read())
    assert resp.status == 200
    assert set(body) == {"data", "pagination"}


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_with_an_open_keep_alive_connection_exits_0(mock: Mock, sig: signal.Signals) -> None:
    conn = mock.connection()
    conn.request("GET", "/_mock/ready")
    resp = conn.getresponse()
    resp.read()
    assert resp.status == 200
    assert resp.getheader("Connection", "").lower() != "close"
    mock.proc.send_signal(sig)
    try:
        status = mock.proc.wait(timeout=START_TIMEOUT)
    finally:
        conn.close()
    assert status == 0


def test_server_and_threads_come_from_the_environment() -> None:
    values = options([], environ={"EULABEL_MOCK_SERVER": "waitress", "EULABEL_MOCK_THREADS": "3"})
    assert (values["server"], values["threads"]) == ("waitress", 3)


def test_default_server_is_granian_with_per_server_threads() -> None:
    values = options([], environ={})
    assert "server" not in values and "threads" not in values  # serve() picks its defaults
    assert DEFAULT_SERVER == "granian"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--server", "gunicorn"], "--server=gunicorn: must be one of: granian, waitress"),
        (["--threads", "0"], "--threads=0: must be a whole number from 1 to 64"),
    ],
)
def test_bad_serving_option_is_refused(argv: list[str], message: str) -> None:
    with pytest.raises(ConfigError) as exc:
        options(argv, environ={})
    assert str(exc.value) == message


def test_cut_off_response_sends_headers_then_closes_on_both_servers(mock: Mock) -> None:
    conn = mock.connection()
    conn.request(
        "POST",
        "/_mock/faults",
        body=json.dumps({"action": "drop_after_commit", "disconnect": True}),
        headers={"Content-Type": "application/json"},
    )
    added = conn.getresponse()
    added.read()
    assert added.status == 201
    conn.request(
        "POST",
        "/v1/auth/api-keys",
        body=json.dumps({"name": "cut", "scopes": ["products:read"]}),
        headers={"Content-Type": "application/json", "Cookie": "eulabel_session=sess_quinta_demo"},
    )
    resp = conn.getresponse()
    assert resp.status == 201
    with pytest.raises(http.client.IncompleteRead) as exc:
        resp.read()
    assert exc.value.partial == b""


# Stand-ins for a granian release the mock cannot embed, put ahead of the installed one on the path.
_CONSTANTS = "class Interfaces:\n    ASGINL = 'asginl'\n    RSGI = 'rsgi'\n\nclass HTTPModes:\n    http1 = '1'\n"
_HTTP = "class HTTP1Settings:\n    def __init__(self, **kw):\n        pass\n"
_SERVER = (
    "class Server:\n    def __init__(self, *args, **kw):\n        pass\n\n"
    "    def on_startup(self, hook):\n        pass\n\n"
)
BROKEN_GRANIANS = {
    "not installed": {"__init__.py": "raise ImportError('No module named granian')\n"},
    "renamed module": {"__init__.py": "", "constants.py": _CONSTANTS, "http.py": _HTTP},
    "changed signature": {
        "__init__.py": "",
        "constants.py": _CONSTANTS,
        "http.py": _HTTP,
        "server/__init__.py": "",
        "server/embed.py": "class Server:\n    def __init__(self, target, **kw):\n"
        "        raise TypeError(\"unexpected keyword argument 'http1_settings'\")\n",
    },
    "worker dies before listening": {
        "__init__.py": "",
        "constants.py": _CONSTANTS,
        "http.py": _HTTP,
        "server/__init__.py": "",
        "server/embed.py": _SERVER + "    async def serve(self):\n        raise AttributeError('serve_async')\n",
    },
    "worker exits without listening": {
        "__init__.py": "",
        "constants.py": _CONSTANTS,
        "http.py": _HTTP,
        "server/__init__.py": "",
        "server/embed.py": _SERVER + "    async def serve(self):\n        return None\n",
    },
}


@pytest.mark.parametrize("files", BROKEN_GRANIANS.values(), ids=BROKEN_GRANIANS.keys())
def test_granian_that_cannot_be_embedded_falls_back_to_waitress_with_one_warning(
    files: dict[str, str], tmp_path: Path
) -> None:
    for name, text in files.items():
        path = tmp_path / "granian" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    with running("granian", env={"PYTHONPATH": str(tmp_path)}) as mock:
        conn = mock.connection()
        conn.request("GET", "/_mock/ready")
        resp = conn.getresponse()
        assert (resp.status, json.loads(resp.read())) == (200, {"ready": True})
        assert resp.getheader("Server") == "eulabel-mock"  # waitress's ident; granian says "granian"
        conn.close()
        mock.proc.send_signal(signal.SIGTERM)
        assert mock.proc.wait(timeout=START_TIMEOUT) == 0
        err = mock.stop()
    warnings = [line for line in err.splitlines() if "serving on waitress instead" in line]
    assert len(warnings) == 1, err
    assert "Traceback" not in err, err


def test_installed_granian_serves_without_falling_back() -> None:
    with running("granian") as mock:
        conn = mock.connection()
        conn.request("GET", "/_mock/ready")
        resp = conn.getresponse()
        resp.read()
        assert resp.getheader("Server") == "granian"
        conn.close()
        mock.proc.send_signal(signal.SIGTERM)
        assert mock.proc.wait(timeout=START_TIMEOUT) == 0
        err = mock.stop()
    assert "waitress" not in err


def _add_latency(mock: Mock, ms: int) -> None:
    status, _ = mock.request("POST", "/_mock/faults", {"action": "latency", "path": "/v1/products", "ms": ms})
    assert status == 201


def _in_background(mock: Mock, method: str, path: str) -> tuple[threading.Thread, list[tuple[int, object]]]:
    result: list[tuple[int, object]] = []
    worker = threading.Thread(target=lambda: result.append(mock.request(method, path, timeout=START_TIMEOUT)))
    worker.start()
    return worker, result


def test_injected_latency_on_one_route_does_not_hold_up_the_others(mock: Mock) -> None:
    _add_latency(mock, 3000)
    slow, result = _in_background(mock, "GET", "/v1/products")
    for _ in range(5):
        # Each answer within 1 s, while the latency fault holds the other request for 3 s.
        assert mock.request("GET", "/_mock/ready", timeout=1) == (200, {"ready": True})
    assert slow.is_alive()
    slow.join(START_TIMEOUT)
    assert result[0][0] == 401  # then served as usual: no credentials
    status, journal = mock.request("GET", "/_mock/journal?path=/v1/products")
    assert status == 200
    assert journal["data"][-1]["fault"] is not None
    assert journal["data"][-1]["durationMs"] >= 3000  # the journal's duration includes the injected latency


def _until_fault_fired(mock: Mock) -> None:
    """Until a one-time fault rule has fired: the request it holds is then in the server's hands."""
    deadline = time.monotonic() + START_TIMEOUT
    while mock.request("GET", "/_mock/faults")[1] != {"data": []}:
        assert time.monotonic() < deadline, "the request never reached the server"
        time.sleep(0.02)


def test_request_in_flight_at_sigterm_is_answered_before_exit_0(mock: Mock) -> None:
    status, _ = mock.request(
        "POST", "/_mock/faults", {"action": "latency", "path": "/v1/products", "ms": 1500, "times": 1}
    )
    assert status == 201
    slow, result = _in_background(mock, "GET", "/v1/products")
    # Not before the server holds the request: one sent after SIGTERM may meet a closed socket.
    _until_fault_fired(mock)
    mock.proc.send_signal(signal.SIGTERM)
    slow.join(START_TIMEOUT)
    assert result and result[0][0] == 401
    assert mock.proc.wait(timeout=START_TIMEOUT) == 0


def test_client_timeout_comes_from_the_environment_and_is_checked() -> None:
    assert options([], environ={"EULABEL_MOCK_CLIENT_TIMEOUT": "2.5"})["client-timeout"] == 2.5
    assert options(["--client-timeout", "7"], environ={"EULABEL_MOCK_CLIENT_TIMEOUT": "2.5"})["client-timeout"] == 7
    with pytest.raises(ConfigError) as exc:
        options([], environ={"EULABEL_MOCK_CLIENT_TIMEOUT": "0"})
    assert str(exc.value) == "EULABEL_MOCK_CLIENT_TIMEOUT=0: must be a number of seconds from 0.1 to 3600"


def test_head_answer_leaves_the_keep_alive_connection_usable(mock: Mock) -> None:
    # A HEAD answer declares the GET body's length but carries none: it must not read as a cut-off.
    conn = mock.connection()
    conn.request("HEAD", "/_mock/ready")
    head = conn.getresponse()
    assert (head.status, head.read(), head.getheader("Content-Length")) == (200, b"", "14")
    time.sleep(0.2)  # a cut-off would have closed the connection by now
    conn.request("GET", "/_mock/ready")
    resp = conn.getresponse()
    assert (resp.status, json.loads(resp.read())) == (200, {"ready": True})
    conn.close()


def test_chunked_body_reaches_the_app_whole(mock: Mock) -> None:
    body = json.dumps({"name": "chunked", "scopes": ["products:read"]}).encode()
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (body[:10], body[10:])) + b"0\r\n\r\n"
    reply = raw_exchange(
        mock,
        b"POST /v1/auth/api-keys HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        b"Cookie: eulabel_session=sess_quinta_demo\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunks,
    )
    assert reply.status == 201
    assert reply.json()["name"] == "chunked"
