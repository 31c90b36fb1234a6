"""An optional control-plane token, a warning when exposed without one, and no demo sessions .

The docs have no control plane; these are this project's choices, documented in docs/options.md and
docs/control-plane.md.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from mock_server import EulabelMock, create_app
from mock_server.cli import app_config, exposure_warning, main, options
from mock_server.control.access import TOKEN_HEADER
from mock_server.settings import ConfigError
from mock_server.testing import MockClient, MockError
from tests.support.clients import QUINTA, json_of
from tests.support.fresh_project import run_pytest

TOKEN = "control-" + "t0k3n" * 4
CONTROL_CALLS: list[tuple[str, str, Any]] = [
    ("POST", "/_mock/reset", None),
    ("POST", "/_mock/sessions", {}),
    ("GET", "/_mock/journal", None),
    ("DELETE", "/_mock/journal", None),
    ("GET", "/_mock/clock", None),
    ("POST", "/_mock/clock/freeze", {}),
    ("POST", "/_mock/clock/advance", {"seconds": 1}),
    ("POST", "/_mock/clock/unfreeze", None),
    ("GET", "/_mock/faults", None),
    ("POST", "/_mock/faults", {"action": "latency", "path": "/v1/*", "ms": 0}),
    ("DELETE", "/_mock/faults", None),
    ("DELETE", "/_mock/faults/fault_1", None),
]


@functools.cache
def guarded_app(fmt: str) -> Flask:
    return create_app({"CONTROL_TOKEN": TOKEN, "ERROR_FORMAT": fmt})


@pytest.mark.parametrize("fmt", ["flat", "nested"])
@pytest.mark.parametrize(("method", "path", "body"), CONTROL_CALLS, ids=lambda v: str(v))
@pytest.mark.parametrize("header", [None, "", "wrong", TOKEN + "x", TOKEN.upper()])
def test_with_a_token_every_control_call_without_it_is_a_401_in_the_configured_shape(
    fmt: str, method: str, path: str, body: Any, header: str | None
) -> None:
    app = guarded_app(fmt)
    headers = {TOKEN_HEADER: header} if header is not None else {}
    r = app.test_client().open(path, method=method, json=body, headers=headers)
    assert r.status_code == 401
    error = json_of(r)
    code = error["error"] if fmt == "flat" else error["error"]["code"]
    assert code == ("unauthorized" if fmt == "flat" else "authentication_error")
    assert TOKEN not in r.get_data(as_text=True)


@pytest.mark.parametrize(("method", "path", "body"), CONTROL_CALLS, ids=lambda v: str(v))
def test_with_the_token_every_control_call_works(method: str, path: str, body: Any) -> None:
    app = create_app({"CONTROL_TOKEN": TOKEN})
    r = app.test_client().open(path, method=method, json=body, headers={TOKEN_HEADER: TOKEN})
    assert r.status_code in (200, 201, 204, 404)  # 404: deleting a fault rule that does not exist
    assert r.status_code != 404 or path == "/_mock/faults/fault_1"


def test_without_a_token_configured_the_control_plane_is_open() -> None:
    app = create_app({})
    assert app.test_client().post("/_mock/sessions", json={}).status_code == 201


def test_ready_and_the_api_never_need_the_control_token() -> None:
    app = create_app({"CONTROL_TOKEN": TOKEN})
    client = app.test_client()
    assert client.get("/_mock/ready").status_code == 200
    client.set_cookie("eulabel_session", QUINTA)
    assert client.get("/v1/auth/api-keys").status_code == 200


def test_eulabel_mock_and_its_client_pass_the_token_and_a_client_without_it_is_refused() -> None:
    with EulabelMock({"CONTROL_TOKEN": TOKEN}) as mock:
        mock.reset()
        mock.create_key()
        assert len(mock.journal()) == 1
        outsider = MockClient(mock.base_url, control_token=None)
        outsider.control_token = None
        with pytest.raises(MockError):
            outsider.reset()
        assert MockClient(mock.base_url, control_token=TOKEN).clock()["frozen"] is False


def test_mock_client_reads_the_token_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EULABEL_MOCK_CONTROL_TOKEN", TOKEN)
    assert MockClient("http://127.0.0.1:1").control_token == TOKEN


FIXTURE_PROJECT_CONFTEST = f"""
import pytest

@pytest.fixture(scope="session")
def eulabel_mock_config():
    return {{"CONTROL_TOKEN": "{TOKEN}"}}
"""
FIXTURE_PROJECT_TEST = """
import urllib.error
import urllib.request


def test_reset_and_journal_work(eulabel_mock):
    eulabel_mock.create_key()
    assert len(eulabel_mock.journal()) == 1
    try:
        urllib.request.urlopen(urllib.request.Request(eulabel_mock.url("/_mock/reset"), method="POST"))
    except urllib.error.HTTPError as err:
        assert err.code == 401
    else:
        raise AssertionError("reset without the token worked")
"""


@pytest.mark.slow  # runs pytest in a subprocess
def test_the_pytest_fixture_passes_the_configured_token(tmp_path: Path) -> None:
    files = {"conftest.py": FIXTURE_PROJECT_CONFTEST, "test_token.py": FIXTURE_PROJECT_TEST}
    proc = run_pytest(tmp_path, "-p", "no:randomly", files=files, timeout=120)
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert "1 passed" in proc.stdout


def test_without_demo_sessions_the_fixture_cookies_do_not_authenticate_even_after_reset() -> None:
    app = create_app({"DEMO_SESSIONS": False})
    client = app.test_client()
    client.set_cookie("eulabel_session", QUINTA)
    assert client.get("/v1/auth/api-keys").status_code == 401
    app.test_client().post("/_mock/reset")
    assert client.get("/v1/auth/api-keys").status_code == 401
    # The organisations and their products are still there, for sessions minted on purpose.
    minted = json_of(app.test_client().post("/_mock/sessions", json={"organizationId": "org_quinta"}))
    other = app.test_client()
    other.set_cookie("eulabel_session", minted["session"])
    assert other.get("/v1/auth/api-keys").status_code == 200


def test_with_demo_sessions_the_fixture_cookies_authenticate() -> None:
    client = create_app({}).test_client()
    client.set_cookie("eulabel_session", QUINTA)
    assert client.get("/v1/auth/api-keys").status_code == 200


def test_cli_options_and_environment_reach_the_config() -> None:
    config = app_config(options(["--control-token", TOKEN, "--demo-sessions", "off"], environ={}))
    assert (config["CONTROL_TOKEN"], config["DEMO_SESSIONS"]) == (TOKEN, False)
    assert app_config(options([], environ={})) == {"STRICT": False}  # no token, demo sessions on
    environ = {"EULABEL_MOCK_CONTROL_TOKEN": TOKEN, "EULABEL_MOCK_DEMO_SESSIONS": "off"}
    config = app_config(options([], environ=environ))
    assert (config["CONTROL_TOKEN"], config["DEMO_SESSIONS"]) == (TOKEN, False)


@pytest.mark.parametrize("token", ["", "short", "x" * 15, "has a space in it!", "tab\there-and-long-enough"])
def test_a_weak_or_unprintable_token_is_refused_naming_the_setting(token: str) -> None:
    with pytest.raises(ConfigError, match="--control-token"):
        options(["--control-token", token], environ={})
    with pytest.raises(ConfigError, match="CONTROL_TOKEN"):
        create_app({"CONTROL_TOKEN": token})


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "mock.internal", "[::]"])
def test_binding_beyond_loopback_without_a_token_warns(host: str) -> None:
    warning = exposure_warning(host, None)
    assert warning is not None and "CONTROL_TOKEN" in warning
    assert exposure_warning(host, TOKEN) is None


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "localhost", "[::1]"])
def test_binding_to_loopback_does_not_warn(host: str) -> None:
    assert exposure_warning(host, None) is None


def test_main_prints_the_warning_once_bound_before_the_ready_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    served: list[str] = []

    def serve(app: object, host: str, port: int, on_ready: Callable[[str], None], *args: object, **kw: object) -> None:
        served.append(host)
        print("bound", file=sys.stderr)
        on_ready(f"http://{host}:1")

    monkeypatch.setattr("mock_server.cli.serve", serve)
    monkeypatch.delenv("EULABEL_MOCK_CONTROL_TOKEN", raising=False)
    assert main(["--host", "0.0.0.0", "--port", "0", "--demo-sessions", "off"]) == 0
    assert served == ["0.0.0.0"]
    err = capsys.readouterr().err
    assert err.index("bound") < err.index("without a control-plane token")
    assert main(["--host", "0.0.0.0", "--port", "0", "--control-token", TOKEN, "--demo-sessions", "off"]) == 0
    assert "warning" not in capsys.readouterr().err
