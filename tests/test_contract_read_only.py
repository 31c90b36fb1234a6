"""A read-only contract run sends only GET and HEAD; a destructive run's method probes carry no credentials.

Both are read from the mock's own journal (``GET /_mock/journal``), which records every request the suite
sent, including schemathesis' probes of methods the spec does not declare.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from contract_tests.target import serve_in_thread
from mock_server import create_app
from mock_server.api.spec import load_spec
from tests.support.fresh_project import run_pytest

pytestmark = pytest.mark.slow  # each test runs the contract suite in a subprocess
ROOT = Path(__file__).resolve().parents[1]
SESSION = "sess_quinta_demo"


@pytest.fixture
def mock_url() -> Iterator[str]:
    url, stop = serve_in_thread(create_app({"CONTROL_PLANE": True, "JOURNAL_SIZE": 100_000}))
    try:
        yield url
    finally:
        stop()


def _suite(url: str, tmp: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    report = ("--claims-report", str(tmp / "claims.md"))
    return run_pytest(tmp, "--pyargs", "contract_tests", "--base-url", url, *report, *args, env=env)


def _journal(url: str) -> list[dict[str, Any]]:
    resp = requests.get(url + "/_mock/journal", timeout=10)
    resp.raise_for_status()
    entries: list[dict[str, Any]] = resp.json()["data"]
    return entries


def _api_key(url: str) -> str:
    created = requests.post(
        url + "/v1/auth/api-keys",
        cookies={"eulabel_session": SESSION},
        timeout=10,
        json={"name": "read-only run", "scopes": ["products:read", "passports:read"]},
    )
    created.raise_for_status()
    requests.delete(url + "/_mock/journal", timeout=10).raise_for_status()
    return str(created.json()["secret"])


@pytest.mark.parametrize("flag", [("--read-only",), ("-m", "not destructive")], ids=["--read-only", "-m"])
def test_read_only_run_sends_only_get_and_head(mock_url: str, tmp_path: Path, flag: tuple[str, ...]) -> None:
    key = _api_key(mock_url)
    run = _suite(mock_url, tmp_path, *flag, env={"EULABEL_API_KEY": key, "EULABEL_SESSION": SESSION})
    assert run.returncode == 0, run.stdout[-3000:]
    journal = _journal(mock_url)
    assert len(journal) > 50, "the read-only run sent almost nothing: the check proves nothing"
    unsafe = sorted({f"{e['method']} {e['path']}" for e in journal if e["method"] not in ("GET", "HEAD")})
    assert unsafe == [], f"a read-only run sent {unsafe[:10]}"
    assert any(e["path"] == "/v1/auth/api-keys" for e in journal), "the session's key list was not read"


def _declared(method: str, path: str) -> bool:
    for template, item in load_spec()["paths"].items():
        pattern = "^" + re.sub(r"\{[^/]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path) and method.lower() in item:
            return True
    return False


def test_method_probes_of_a_destructive_run_carry_no_credentials(mock_url: str, tmp_path: Path) -> None:
    run = _suite(
        mock_url,
        tmp_path,
        "-k",
        "documented_spec and not stateful",
        env={"EULABEL_SESSION": SESSION, "EULABEL_SESSION_2": "sess_textil_demo"},
    )
    assert run.returncode == 0, run.stdout[-3000:]
    probes = [e for e in _journal(mock_url) if not _declared(e["method"], e["path"])]
    assert {e["method"] for e in probes} >= {"PUT", "PATCH", "DELETE"}, "no method probe was sent"
    with_credentials = sorted(
        {
            f"{e['method']} {e['path']}"
            for e in probes
            if "Authorization" in e["request"]["headers"]
            or "eulabel_session" in e["request"]["headers"].get("Cookie", "")
        }
    )
    assert with_credentials == [], f"probes of undeclared methods carried credentials: {with_credentials[:10]}"
