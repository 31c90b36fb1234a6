"""Several worker processes would each hold their own state: the mock refuses to serve that way."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from mock_server.serving.one_process import configured_workers
from tests.support.clients import json_of


def test_a_multiprocess_server_gets_a_503_with_a_clear_message(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="eulabel_mock"):
        r = client.get("/v1/products", environ_overrides={"wsgi.multiprocess": True})
        client.get("/_mock/ready", environ_overrides={"wsgi.multiprocess": True})
    assert r.status_code == 503
    assert json_of(r)["error"] == "service_unavailable"
    assert "one process" in json_of(r)["message"]
    assert "-w 1" in json_of(r)["suggestion"]
    assert [rec.levelname for rec in caplog.records] == ["ERROR"]  # logged once, not per request


def test_the_control_plane_is_refused_too(client: FlaskClient) -> None:
    r = client.post("/_mock/reset", environ_overrides={"wsgi.multiprocess": True})
    assert r.status_code == 503


def test_refused_requests_are_still_journaled(client: FlaskClient) -> None:
    client.post("/v1/auth/api-keys", json={"name": "x"}, environ_overrides={"wsgi.multiprocess": True})
    [entry] = json_of(client.get("/_mock/journal"))["data"]
    assert (entry["status"], entry["request"]["body"]) == (503, {"name": "x"})
    assert entry["response"]["body"]["error"] == "service_unavailable"


def test_a_single_process_server_is_served(client: FlaskClient) -> None:
    assert client.get("/_mock/ready", environ_overrides={"wsgi.multiprocess": False}).status_code == 200


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
