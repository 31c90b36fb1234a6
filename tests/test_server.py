"""The mock as a process: binding port 0, the ready line, and a clean exit on signals."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from mock_server.cli import options
from mock_server.serving.server import DEFAULT_SERVER, SERVERS
from mock_server.settings import ConfigError

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 30


class Mock:
    def __init__(self, proc: subprocess.Popen[str], ready: str) -> None:
        self.proc = proc
        self.ready = ready
        self.base_url = ready.split()[2]
        parts = urlsplit(self.base_url)
        assert parts.hostname is not None and parts.port is not None
        self.host, self.port = parts.hostname, parts.port

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=START_TIMEOUT)


def start(server: str) -> Mock:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EULABEL_MOCK_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mock_server", "--port", "0", "--server", server],
        cwd=ROOT,
        env=env,
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
    return Mock(proc, line.strip())


@pytest.fixture(params=SERVERS)
def mock(request: pytest.FixtureRequest) -> Iterator[Mock]:
    m = start(request.param)
    yield m
    if m.proc.poll() is None:
        m.proc.kill()
    m.proc.communicate(timeout=START_TIMEOUT)


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
