"""--seed with --state: nothing in the state file predicts a secret (issue 19, item 9).

The file kept the seeded generator's state, so it predicted the next secret exactly. Now it keeps
no generator state; secrets come from a stream of their own (the ids the file keeps tell nothing
about it); and after a restart a seeded mock draws from the OS's random source.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from mock_server import create_app
from mock_server.app import close_state
from tests.support.clients import Dashboard, json_of
from tests.support.restarts import Restarts
from tests.support.state_files import query


def test_the_file_keeps_no_generator_state(tmp_path: Path, restarts: Restarts) -> None:
    path = tmp_path / "state.db"
    api = Dashboard(restarts({"STATE_FILE": str(path), "SEED": 7}))
    api.create_key()
    api.create_key(name="second")
    assert {name for (name,) in query(path, "SELECT name FROM meta")} == {"format", "version", "pepper"}


def test_the_same_file_and_seed_do_not_decide_the_next_secret(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    first = create_app({"STATE_FILE": str(path), "SEED": 7})
    Dashboard(first).create_key()
    close_state(first)
    created = []
    for copy in ("a", "b"):
        (tmp_path / copy).mkdir()
        shutil.copy(path, tmp_path / copy / "state.db")
        app = create_app({"STATE_FILE": str(tmp_path / copy / "state.db"), "SEED": 7})
        created.append(json_of(Dashboard(app).create_key(name="next")))
        close_state(app)
    assert created[0]["secret"] != created[1]["secret"]
    assert created[0]["id"] != created[1]["id"]


def test_an_older_file_loses_the_generator_state_it_kept(tmp_path: Path, restarts: Restarts) -> None:
    path = tmp_path / "state.db"
    restarts({"STATE_FILE": str(path), "SEED": 7})
    restarts.close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO meta VALUES ('rng', '[3, [1, 2, 3], null]')")
    conn.commit()
    conn.close()
    restarts({"STATE_FILE": str(path), "SEED": 7})
    assert query(path, "SELECT count(*) FROM meta WHERE name = 'rng'") == [(0,)]


def test_without_a_state_file_a_seed_still_reproduces_ids_and_secrets() -> None:
    first, second = (json_of(Dashboard(create_app({"SEED": 11})).create_key()) for _ in range(2))
    assert (first["id"], first["secret"]) == (second["id"], second["secret"])
