"""A state file has one owner at a time (issue 19, item 4).

Two mocks on one --state file both started: each saw only its own writes, both accepted the same
GTIN (after a restart the organisation held two products with one GTIN, which C42 forbids), and a
reset of one wiped the file under the other. Now the second one exits 2 with one line.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from mock_server import create_app
from mock_server.app import close_state
from mock_server.state.persistence import StateFileError
from mock_server.testing import MockClient, Session
from tests.support.cli import run_cli
from tests.support.clients import QUINTA, Dashboard, json_of, wine
from tests.support.environments import REPO, clean_env
from tests.support.served import running


def test_a_second_mock_on_the_same_file_exits_2_with_one_line_and_the_first_keeps_it(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with running("granian", "--state", str(path)) as first:
        client = MockClient(first.base_url, Session(QUINTA, "org_quinta"))
        key_id, _ = client.create_key()
        proc = run_cli("--port", "0", "--state", str(path))
        assert (proc.returncode, proc.stdout) == (2, "")
        [line] = proc.stderr.splitlines()
        assert f"state file {path} is in use" in line and f"process {first.proc.pid}" in line
        assert [k["id"] for k in client.keys()] == [key_id]  # nothing reset it underneath
        client.reset()
        assert client.keys() == []


def test_two_apps_in_one_process_cannot_share_a_file_until_the_first_closes(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    first = create_app({"STATE_FILE": str(path)})
    assert Dashboard(first).products(None).status_code == 401  # the first one serves
    with pytest.raises(StateFileError, match="is in use"):
        create_app({"STATE_FILE": str(path)})
    close_state(first)
    second = create_app({"STATE_FILE": str(path)})
    close_state(second)


def test_the_same_gtin_can_no_longer_be_taken_twice_through_two_mocks(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    first = create_app({"STATE_FILE": str(path), "RATE_LIMIT": "0"})
    secret = Dashboard(first).secret(["products:write"])
    r = first.test_client().post("/v1/products", json=wine(), headers={"Authorization": f"Bearer {secret}"})
    assert r.status_code == 201
    with pytest.raises(StateFileError):
        create_app({"STATE_FILE": str(path)})  # where a second mock would have said 201 again
    close_state(first)
    again = create_app({"STATE_FILE": str(path)})
    r = again.test_client().post("/v1/products", json=wine(), headers={"Authorization": f"Bearer {secret}"})
    assert (r.status_code, json_of(r)["error"]) == (409, "conflict")
    close_state(again)


def test_a_killed_owner_leaves_nothing_that_stops_the_next_start(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with running("granian", "--state", str(path)) as first:
        first.proc.send_signal(signal.SIGKILL)
        first.proc.wait(timeout=30)
        with running("granian", "--state", str(path)) as second:
            assert second.request("GET", "/_mock/ready")[0] == 200


def test_two_mocks_starting_at_once_on_a_new_file_give_one_owner(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "mock_server", "--port", "0", "--state", str(path)],
            cwd=REPO,
            env=clean_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    try:
        lines = [p.stdout.readline() if p.stdout else "" for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        codes = [p.wait(timeout=30) for p in procs]
        for p in procs:
            p.communicate(timeout=30)
    assert sum(line.startswith("eulabel-mock ready") for line in lines) == 1, lines
    assert sorted(codes) == [0, 2, 2]
