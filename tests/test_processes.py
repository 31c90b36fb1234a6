"""Several worker processes would each hold their own state: the mock refuses to serve that way."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from mock_server import create_app
from mock_server.serving.one_process import configured_workers, one_process_only
from tests.support.clients import json_of


@pytest.fixture
def external() -> FlaskClient:
    """A client of the app as ``mock_server.wsgi`` hands it to an external server."""
    return one_process_only(create_app()).test_client()


def test_a_multiprocess_server_gets_a_503_with_a_clear_message(
    external: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="eulabel_mock"):
        r = external.get("/v1/products", environ_overrides={"wsgi.multiprocess": True})
        external.get("/_mock/ready", environ_overrides={"wsgi.multiprocess": True})
    assert r.status_code == 503
    assert json_of(r)["error"] == "service_unavailable"
    assert "one process" in json_of(r)["message"]
    assert "-w 1" in json_of(r)["suggestion"]
    assert [rec.levelname for rec in caplog.records] == ["ERROR"]  # logged once, not per request


def test_the_control_plane_is_refused_too(external: FlaskClient) -> None:
    r = external.post("/_mock/reset", environ_overrides={"wsgi.multiprocess": True})
    assert r.status_code == 503


def test_a_refused_request_changes_nothing(external: FlaskClient) -> None:
    external.post("/v1/auth/api-keys", json={"name": "x"}, environ_overrides={"wsgi.multiprocess": True})
    assert json_of(external.get("/_mock/journal"))["data"] == []


def test_a_single_process_server_is_served(external: FlaskClient) -> None:
    assert external.get("/_mock/ready", environ_overrides={"wsgi.multiprocess": False}).status_code == 200


def test_the_mocks_own_servers_pay_for_no_guard(client: FlaskClient) -> None:
    # Its servers run one process by construction: the guard sits only at the external entry.
    assert client.get("/_mock/ready", environ_overrides={"wsgi.multiprocess": True}).status_code == 200


@pytest.mark.parametrize(
    "env, workers",
    [
        ({}, 1),
        ({"WEB_CONCURRENCY": "4"}, 4),
        ({"GRANIAN_WORKERS": "2"}, 2),
        ({"GUNICORN_CMD_ARGS": "--bind 0.0.0.0:80 -w 3"}, 3),
        ({"GUNICORN_CMD_ARGS": "--workers=2 --threads 8"}, 2),
        ({"GUNICORN_CMD_ARGS": "--threads 8", "WEB_CONCURRENCY": "one"}, 1),
    ],
)
def test_configured_workers_reads_the_servers_environment(env: dict[str, str], workers: int) -> None:
    assert configured_workers(env) == workers


def run_wsgi_import(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if k not in ("WEB_CONCURRENCY", "GRANIAN_WORKERS", "GUNICORN_CMD_ARGS")
    }
    return subprocess.run(
        [sys.executable, "-c", "import mock_server.wsgi as w; print(type(w.app).__name__)"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[1],
    )


def test_wsgi_entry_refuses_to_load_with_several_workers() -> None:
    proc = run_wsgi_import(WEB_CONCURRENCY="2")
    assert proc.returncode != 0
    assert "keeps its state in memory in one process" in proc.stderr
    assert "(2 workers configured)" in proc.stderr


def test_wsgi_entry_loads_with_one_worker() -> None:
    proc = run_wsgi_import(WEB_CONCURRENCY="1")
    assert (proc.returncode, proc.stdout.strip()) == (0, "Flask")
