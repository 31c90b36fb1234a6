"""The command line as a user runs it: port 0, the ready line, options, clean exit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import requests

from mock_server.cli import ready_line


@contextmanager
def running(*args: str, env: dict[str, str] | None = None) -> Iterator[tuple[subprocess.Popen[str], str]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "mock_server", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("eulabel-mock ready http://"), line
        yield proc, line
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=10)


def test_ready_line_names_a_reachable_url_and_the_fixture_sessions() -> None:
    with running() as (_, line):
        url = line.split()[2]
        assert "org_quinta:eulabel_session=sess_quinta_demo" in line
        assert requests.get(f"{url}/_mock/ready", timeout=5).json() == {"ready": True}


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_exits_cleanly_with_status_zero(sig: signal.Signals) -> None:
    with running() as (proc, line):
        with requests.Session() as s:  # a keep-alive client stays connected during shutdown
            s.get(line.split()[2] + "/_mock/ready", timeout=5)
            proc.send_signal(sig)
            assert proc.wait(timeout=10) == 0


def test_seed_makes_secrets_reproducible() -> None:
    secrets = []
    for _ in range(2):
        with running("--seed", "5") as (_, line):
            r = requests.post(
                line.split()[2] + "/v1/auth/api-keys",
                cookies={"eulabel_session": "sess_quinta_demo"},
                json={"name": "n", "scopes": ["products:read"]},
                timeout=5,
            )
            secrets.append(r.json()["secret"])
    assert secrets[0] == secrets[1]


def test_environment_variables_set_options() -> None:
    with running(env={"EULABEL_MOCK_ERROR_FORMAT": "nested"}) as (_, line):
        body = requests.get(line.split()[2] + "/v1/products", timeout=5).json()
        assert body["error"]["type"] == "authentication_error"


def test_ready_line_format() -> None:
    assert ready_line("http://h:1", [("org_a", "s1")]) == "eulabel-mock ready http://h:1 org_a:eulabel_session=s1"
