"""Session cookies are credentials: the state file keeps a keyed hash of each, and the ready line
shows only the fixtures' published demo cookies (found in a hostile pass after issue 19).

A session minted by ``POST /_mock/sessions`` (or the Dashboard's sign-in) can create and revoke the
organisation's keys. The state file kept it in clear, and after a restart the ready line printed it
on stdout, where CI logs and anyone watching the terminal could read it, with --demo-sessions off too.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from mock_server import create_app
from mock_server.app import close_state
from mock_server.cli import main
from tests.support.clients import Dashboard, json_of, new_session
from tests.support.restarts import Restarts
from tests.support.state_files import file_bytes, query


def test_the_file_keeps_no_session_cookie_and_a_restart_still_knows_the_session(
    tmp_path: Path, restarts: Restarts
) -> None:
    path = tmp_path / "state.db"
    minted = new_session(restarts({"STATE_FILE": str(path)}), "org_minted")
    restarts.close()
    stored = file_bytes(path)
    assert minted.encode() not in stored and minted[5:].encode() not in stored
    assert b"sess_quinta_demo" not in stored
    again = Dashboard(restarts({"STATE_FILE": str(path)}))
    assert again.list_keys(session=minted).status_code == 200


def ready_line(path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    monkeypatch.setattr("mock_server.cli.serve", lambda app, host, port, on_ready, *a, **kw: on_ready("http://x:1"))
    assert main(["--port", "0", "--state", str(path), *args]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("demo", ["on", "off"])
def test_the_ready_line_after_a_restart_shows_no_minted_session(
    tmp_path: Path, demo: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "state.db"
    app = create_app({"STATE_FILE": str(path), "DEMO_SESSIONS": demo == "on"})
    minted = new_session(app, "org_minted")
    close_state(app)
    line = ready_line(path, monkeypatch, capsys, "--demo-sessions", demo)
    assert minted not in line
    assert ("org_quinta:eulabel_session=sess_quinta_demo" in line) == (demo == "on")


def test_a_signed_out_demo_session_stays_off_the_ready_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "state.db"
    app = create_app({"STATE_FILE": str(path)})
    signed_in = app.test_client()
    signed_in.set_cookie("eulabel_session", "sess_textil_demo")
    assert signed_in.post("/dashboard/sign-out").status_code == 303
    close_state(app)
    line = ready_line(path, monkeypatch, capsys)
    assert "sess_textil_demo" not in line and "sess_quinta_demo" in line


def test_an_older_file_with_cookies_in_clear_is_rewritten_and_keeps_none(tmp_path: Path, restarts: Restarts) -> None:
    path = tmp_path / "state.db"
    restarts({"STATE_FILE": str(path)})
    restarts.close()
    cookie = "sess_" + "0123456789abcdef" * 2
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO organizations VALUES ('org_old', 'Old')")
    conn.execute("INSERT INTO sessions VALUES (?, 'org_old')", (cookie,))
    conn.commit()
    conn.close()
    again = Dashboard(restarts({"STATE_FILE": str(path)}))
    assert json_of(again.list_keys(session=cookie))["data"] == []  # the session still works
    restarts.close()
    assert query(path, "SELECT count(*) FROM sessions WHERE token LIKE 'sess_%'") == [(0,)]
    assert cookie[5:].encode() not in file_bytes(path)
