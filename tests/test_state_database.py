"""--state FILE as an SQLite database: crash safety, JSON migration, file mode, and what writes.

The docs say nothing about a state file (it is the mock's own feature); docs/persistence.md
is the spec these tests check.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import importlib
import json
import logging
import os
import pkgutil
import secrets
import signal
import sqlite3
import stat
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import mock_server.state
from mock_server import create_app
from mock_server.handle import handle_of
from mock_server.state.api_key import ALPHABET
from mock_server.state.changes import Table
from mock_server.state.database import SQLITE_MAGIC
from mock_server.state.persistence import StateFileError
from mock_server.testing import MockClient, Session
from tests.support.clients import QUINTA, Dashboard, json_of
from tests.support.restarts import Restarts
from tests.support.served import start as start_process
from tests.support.state_files import Start, file_bytes, query


@pytest.fixture
def start(restarts: Restarts) -> Start:
    """A mock on ``path``; starting again on the same file closes the one before, as a restart does."""
    return lambda path, **config: Dashboard(restarts({"STATE_FILE": str(path), **config}))


def random_secret() -> str:
    return "sk_test_" + "".join(secrets.choice(ALPHABET) for _ in range(32))


# --- crash ----------------------------------------------------------------------------------


KEY_BODY = {"name": "load", "scopes": ["products:read"]}


def _create_keys(base_url: str, received: list[str], stop: threading.Event) -> None:
    client = MockClient(base_url, Session(QUINTA, "org_quinta"))
    for _ in range(2_000):  # bounded: the process is killed long before
        if stop.is_set():
            return
        try:
            reply = client.request("POST", "/v1/auth/api-keys", KEY_BODY, session=client.session)
        except OSError:
            return  # the server died mid-request: that request is the one allowed to be lost
        if reply.status != 201:
            return
        received.append(reply.body["secret"])


def test_kill_9_under_load_keeps_every_key_whose_201_was_received(tmp_path: Path, restarts: Restarts) -> None:
    path = tmp_path / "state.db"
    mock = start_process("granian", "--state", str(path))
    proc, base_url = mock.proc, mock.base_url
    received: list[list[str]] = [[], []]
    stop = threading.Event()
    try:
        workers = [threading.Thread(target=_create_keys, args=(base_url, r, stop)) for r in received]
        for w in workers:
            w.start()
        deadline = time.monotonic() + 60
        while sum(map(len, received)) < 150 and time.monotonic() < deadline and all(w.is_alive() for w in workers):
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)  # while both clients still send
        proc.wait(timeout=20)
    finally:
        stop.set()
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=20)
    for w in workers:
        w.join(timeout=30)
    secrets_201 = [s for r in received for s in r]
    assert len(secrets_201) >= 150
    assert query(path, "PRAGMA integrity_check") == [("ok",)]
    stored = query(path, "SELECT count(*) FROM keys")[0][0]
    assert len(secrets_201) <= stored <= len(secrets_201) + len(received)  # at most the requests in flight
    api = Dashboard(restarts({"STATE_FILE": str(path)}))
    lost = sum(api.products(s).status_code != 200 for s in secrets_201)
    assert lost == 0, f"{lost} of {len(secrets_201)} keys whose 201 was received no longer authenticate"


# --- migration ------------------------------------------------------------------------------


def json_state_v1(pepper: bytes, secret: str) -> dict[str, Any]:
    """A state file as versions before the database wrote it (mock_server/state/persistence.py then)."""
    digest = hmac.new(pepper, secret.encode(), hashlib.sha256).hexdigest()
    return {
        "format": "eulabel-mock-state",
        "version": 1,
        "pepper": base64.b64encode(pepper).decode("ascii"),
        "rng": None,
        "organizations": [{"id": "org_kept", "name": "Kept Org", "sessions": ["sess_kept"]}],
        "stores": {
            "keys": [
                {
                    "id": "key_" + "1" * 24,
                    "org_id": "org_kept",
                    "name": "old",
                    "scope_list": ["products:read"],
                    "prefix": secret[:12],
                    "secret_hash": digest,
                    "environment": "test",
                    "created_at": 1_790_000_000.25,
                    "last_used_at": None,
                    "revoked_at": None,
                },
            ],
            "products": [
                {
                    "id": "00000000-0000-4000-8000-000000000001",
                    "org_id": "org_kept",
                    "name": "Old Red",
                    "category": "wine",
                    "gtin": "04006381333931",
                    "created_at": 1_790_000_000.5,
                    "brand": None,
                    "sku": "R1",
                },
            ],
            "passports": [
                {
                    "id": "ps_oldoldol",
                    "org_id": "org_kept",
                    "product_id": "00000000-0000-4000-8000-000000000001",
                    "gtin": "04006381333931",
                    "category": "wine",
                    "status": "draft",
                    "version": 2,
                    "data": {"ingredients": ["Grapes"]},
                    "missing": [{"field": "nutrition"}],
                    "created_at": 1_790_000_000.5,
                    "updated_at": 1_790_000_001.0,
                },
            ],
        },
    }


def test_a_json_state_file_is_migrated_once_with_a_message(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, start: Start
) -> None:
    path = tmp_path / "state.json"
    secret = random_secret()
    path.write_text(json.dumps(json_state_v1(secrets.token_bytes(32), secret)))
    original = path.read_bytes()
    with caplog.at_level(logging.INFO, logger="eulabel_mock"):
        first = start(path)
    assert any("migrated the JSON state file" in r.getMessage() for r in caplog.records)
    assert path.read_bytes().startswith(SQLITE_MAGIC)
    backup = path.with_name("state.json.v1.json")
    assert backup.read_bytes() == original
    assert [k["name"] for k in json_of(first.list_keys(session="sess_kept"))["data"]] == ["old"]
    assert json_of(first.products(secret))["data"][0]["sku"] == "R1"
    first.create_key(session="sess_kept", name="new")

    caplog.clear()
    with caplog.at_level(logging.INFO, logger="eulabel_mock"):
        second = start(path)
    assert not any("migrated" in r.getMessage() for r in caplog.records)
    assert [k["name"] for k in json_of(second.list_keys(session="sess_kept"))["data"]] == ["old", "new"]
    assert second.products(secret).status_code == 200
    passport = handle_of(second.app).state.passports.get("org_kept", "ps_oldoldol")
    assert (passport.version, passport.data, passport.missing) == (
        2,
        {"ingredients": ["Grapes"]},
        ({"field": "nutrition"},),
    )
    assert backup.read_bytes() == original


def test_a_json_state_file_that_cannot_be_migrated_is_left_alone(tmp_path: Path, start: Start) -> None:
    path = tmp_path / "state.json"
    data = json_state_v1(b"p" * 32, random_secret())
    data["stores"]["notes"] = []
    path.write_text(json.dumps(data))
    before = path.read_bytes()
    with pytest.raises(StateFileError, match="unknown store 'notes'"):
        start(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json", "state.json.lock"]


# --- the file itself ------------------------------------------------------------------------


def test_the_database_and_its_log_are_readable_by_the_owner_only(tmp_path: Path, start: Start) -> None:
    old = os.umask(0)  # a permissive umask must not widen the mode
    try:
        path = tmp_path / "state.db"
        running = start(path)  # kept open: closing the database folds the -wal file into it
        running.create_key()
        json_path = tmp_path / "old.json"
        json_path.write_text(json.dumps(json_state_v1(b"p" * 32, random_secret())))
        start(json_path)
    finally:
        os.umask(old)
    assert running.app is not None
    for p in (path, Path(f"{path}-wal"), json_path, json_path.with_name("old.json.v1.json")):
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p.name


def test_a_revoked_and_a_used_key_leave_no_secret_in_the_file(tmp_path: Path, start: Start) -> None:
    from mock_server.app import flush_state

    path = tmp_path / "state.db"
    api = start(path)
    r = api.create_key()
    used = api.secret()
    assert api.products(used).status_code == 200
    api.revoke(json_of(r)["id"])
    flush_state(api.app)
    stored = file_bytes(path).decode("latin-1")
    for secret in (json_of(r)["secret"], used):
        assert secret[8:] not in stored and secret[8:].encode().hex() not in stored
    assert query(path, "SELECT count(*) FROM keys WHERE revoked_at IS NOT NULL") == [(1,)]


@pytest.mark.parametrize(
    "setup, message",
    [
        ("CREATE TABLE other (x)", "not an eulabel-mock state file"),
        (
            "CREATE TABLE meta (name PRIMARY KEY, value); INSERT INTO meta VALUES ('format', 'eulabel-mock-state'), "
            "('version', 99)",
            "unsupported state file version 99",
        ),
    ],
)
def test_an_sqlite_file_that_is_not_a_state_file_stops_the_start(
    tmp_path: Path, setup: str, message: str, start: Start
) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.executescript(setup)
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StateFileError, match=message):
        start(path)
    assert path.read_bytes() == before


# --- what writes ----------------------------------------------------------------------------


def test_rejected_and_read_only_requests_do_not_write_the_file(tmp_path: Path, start: Start) -> None:
    path = tmp_path / "state.db"
    api = start(path)
    secret = api.secret()
    writer = api.secret(["products:write"])
    client = api.app.test_client()
    product = {"name": "Red", "category": "wine", "gtin": "4006381333931"}
    assert client.post("/v1/products", json=product, headers={"Authorization": f"Bearer {writer}"}).status_code == 201
    before = file_bytes(path)
    assert client.post("/v1/products", json={"name": "x"}).status_code == 401
    assert client.post("/v1/products", json=product, headers={"Authorization": f"Bearer {secret}"}).status_code == 403
    assert api.revoke("key_" + "0" * 24).status_code == 404
    assert client.put("/v1/auth/api-keys").status_code == 405
    assert client.post("/v1/products", json=product, headers={"Authorization": f"Bearer {writer}"}).status_code == 409
    assert api.create_key(scopes=["no:such:scope"]).status_code == 422
    assert api.products(secret).status_code == 200  # lastUsedAt stays in memory until shutdown
    assert api.list_keys().status_code == 200
    assert file_bytes(path) == before
    assert api.create_key(name="written").status_code == 201
    assert file_bytes(path) != before


def test_every_kind_of_record_survives_a_restart_unchanged(tmp_path: Path, restarts: Restarts) -> None:
    """State.records() lists the kept stores by hand; this catches a store that is left out."""
    path = tmp_path / "state.db"
    app = restarts({"STATE_FILE": str(path), "REVOCATION_DELAY": 30})
    api = Dashboard(app)
    minted = json_of(app.test_client().post("/_mock/sessions", json={"organizationId": "org_new"}))
    session = minted["session"]
    api.revoke(json_of(api.create_key(session=session))["id"], session=session)
    api.secret()
    state = handle_of(app).state
    state.passports.submit("org_new", "4006381333931", {"ingredients": ["Grapes"]}, name="R", category="wine")
    before = {t.name: list(s.rows()) for t, s in state.records().items()}
    again = handle_of(restarts({"STATE_FILE": str(path)})).state
    after = {t.name: list(s.rows()) for t, s in again.records().items()}
    assert after == before
    assert all(before.values())


def test_every_store_class_with_a_table_is_registered() -> None:
    registered = set(handle_of(create_app()).state.records())
    found = set()
    for info in pkgutil.iter_modules(mock_server.state.__path__):
        module = importlib.import_module(f"mock_server.state.{info.name}")
        for obj in vars(module).values():
            table = getattr(obj, "TABLE", None) if isinstance(obj, type) else None
            if isinstance(table, Table):
                found.add(table)
    assert found and found <= registered


def test_reading_keeps_the_last_version_of_each_record_and_drops_old_versions_once_they_pile_up(
    tmp_path: Path,
) -> None:
    import threading as th

    from mock_server.state.database import Database

    table = Table("notes", ("id", "text"))
    db = Database(tmp_path / "x.db", th.RLock())
    db.create([table])
    db.put(table, [("a", "first"), ("b", "only")])
    db.put(table, [("a", f"edit {i}") for i in range(1_500)])
    assert db.rows(table) == [("a", "edit 1499"), ("b", "only")]  # "a" keeps its place, first written
    assert query(tmp_path / "x.db", "SELECT count(*) FROM notes") == [(2,)]
    db.close()


def test_a_session_ended_by_sign_out_stays_ended_after_a_restart(tmp_path: Path, restarts: Restarts) -> None:
    path = tmp_path / "state.db"
    app = restarts({"STATE_FILE": str(path)})
    minted = json_of(app.test_client().post("/_mock/sessions", json={"organizationId": "org_gone"}))
    handle_of(app).state.end_session(minted["session"])
    again = Dashboard(restarts({"STATE_FILE": str(path)}))
    assert again.list_keys(session=minted["session"]).status_code == 401
    assert again.list_keys(session=QUINTA).status_code == 200
