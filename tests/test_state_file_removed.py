"""A state file deleted or replaced while the mock runs (found in a hostile pass after issue 19).

SQLite keeps writing to the file it opened, so after ``rm state.db`` (a clean-up job, a colleague)
every later 201 went to a file no restart reads: acknowledged writes vanished without a word. Now
each commit checks that the path still names the open file; if not, the write is a JSON 503 and
changes nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from flask import Flask

from tests.support.clients import Dashboard, json_of
from tests.support.restarts import Restarts


@pytest.fixture
def app(tmp_path: Path, restarts: Restarts) -> Flask:
    return restarts({"STATE_FILE": str(tmp_path / "state.db")})


@pytest.mark.parametrize("how", ["deleted", "replaced"])
def test_a_write_after_the_file_went_away_is_a_503_and_changes_nothing(app: Flask, tmp_path: Path, how: str) -> None:
    api = Dashboard(app)
    kept = json_of(api.create_key(name="kept"))
    path = tmp_path / "state.db"
    if how == "deleted":
        path.unlink()
    else:
        other = tmp_path / "other.db"
        other.write_bytes(path.read_bytes())
        os.replace(other, path)
    r = api.create_key(name="lost")
    body = json_of(r)
    assert (r.status_code, body["error"]) == (503, "service_unavailable")
    assert "deleted or replaced" in body["message"]
    assert [k["name"] for k in json_of(api.list_keys())["data"]] == ["kept"]
    assert api.products(kept["secret"]).status_code == 200  # reads keep working
