"""A state file that cannot be written: memory changes only once the file holds the change (issue 19, item 5).

On a 400 KB tmpfs, creates answered 500 after 71 keys, the log said "cannot rollback - no
transaction is active" (hiding the disk-full error), 78 keys were listed from memory, 72 had been
acknowledged and 72 survived the restart. Now a write that fails is a JSON 503 naming the cause,
leaves memory and file as they were, and reads keep working.

The failure is injected without a mount through SQLite itself: ``PRAGMA max_page_count`` makes
the database full (SQLITE_FULL, as a full disk does), ``PRAGMA query_only`` makes it refuse writes
(SQLITE_READONLY). ``tests/test_write_load.py`` fills a real tmpfs where one can be mounted.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from mock_server.handle import handle_of
from mock_server.state.key_store import ApiKeyStore
from tests.support.clients import Dashboard, json_of, key_client, new_session, wine
from tests.support.restarts import Restarts


def connection(app: Flask) -> sqlite3.Connection:
    """The state file's own connection, for the injection: the pragmas below are per connection."""
    conn: sqlite3.Connection = handle_of(app).database._conn  # type: ignore[union-attr]
    return conn


def fill_up(app: Flask) -> None:
    """Make the database full: it may not grow by a single page any more."""
    conn = connection(app)
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")


def free_up(app: Flask) -> None:
    connection(app).execute("PRAGMA max_page_count = 1073741823")


def refuse_writes(app: Flask, refuse: bool = True) -> None:
    """Make every write fail, however small (a full disk may still take a row that fits a page)."""
    connection(app).execute(f"PRAGMA query_only = {int(refuse)}")


@pytest.fixture
def app(tmp_path: Path, restarts: Restarts) -> Flask:
    return restarts({"STATE_FILE": str(tmp_path / "state.db"), "RATE_LIMIT": "0"})


def everything(app: Flask) -> Any:
    """All the state a client could see, and what the file holds for it (but a key's last use,
    which every authenticated call changes in memory, and the file gets at shutdown)."""
    state = handle_of(app).state
    unused = {ApiKeyStore.TABLE.name: ApiKeyStore.TABLE.columns.index("last_used_at")}
    return (
        {
            t.name: sorted(
                repr(tuple(None if i == unused.get(t.name) else v for i, v in enumerate(row))) for row in s.rows()
            )
            for t, s in state.records().items()
        },
        sorted(state.sessions.items()),
        [org.sessions[:] for org in state.organizations.values()],
    )


def assert_refused_for_a_full_disk(r: Any) -> None:
    body = json_of(r)
    assert (r.status_code, body["error"]) == (503, "service_unavailable"), body
    assert "the disk is full" in body["message"] and "nothing was changed" in body["message"]


def test_a_create_on_a_full_disk_is_a_503_naming_it_and_nothing_appears(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    api = Dashboard(app)
    kept = json_of(api.create_key(name="before"))
    fill_up(app)
    with caplog.at_level(logging.ERROR, logger="eulabel_mock"):
        failed = [api.create_key(name=f"k{i}") for i in range(40)]
    refused = [r for r in failed if r.status_code == 503]
    assert refused, "the database never filled up"
    for r in refused:
        assert_refused_for_a_full_disk(r)
    acknowledged = {kept["id"], *(json_of(r)["id"] for r in failed if r.status_code == 201)}
    listed = {k["id"] for k in json_of(api.list_keys())["data"]}
    assert listed == acknowledged  # the list shows exactly what was acknowledged
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "SQLITE_FULL" in logged and "database or disk is full" in logged
    assert "cannot rollback" not in logged
    # Reads keep working, with a key made before the disk filled up.
    assert api.products(kept["secret"]).status_code == 200
    free_up(app)
    assert api.create_key(name="after").status_code == 201


def test_what_was_acknowledged_is_exactly_what_a_restart_shows(app: Flask, restarts: Restarts) -> None:
    api = Dashboard(app)
    pages = connection(app).execute("PRAGMA page_count").fetchone()[0]
    connection(app).execute(f"PRAGMA max_page_count = {pages + 2}")  # room for a few keys only
    answers = [api.create_key(name=f"k{i}") for i in range(200)]
    acknowledged = sorted(json_of(r)["id"] for r in answers if r.status_code == 201)
    assert any(r.status_code == 503 for r in answers)
    again = Dashboard(restarts({"STATE_FILE": app.config["STATE_FILE"]}))
    assert sorted(k["id"] for k in json_of(again.list_keys())["data"]) == acknowledged


def test_a_read_only_file_is_a_503_saying_so(app: Flask) -> None:
    api = Dashboard(app)
    connection(app).execute("PRAGMA query_only = 1")
    r = api.create_key()
    body = json_of(r)
    assert (r.status_code, body["error"]) == (503, "service_unavailable")
    assert "the file is read-only" in body["message"]
    assert json_of(api.list_keys())["data"] == []


WRITES: dict[str, Callable[[Flask, dict[str, Any]], Any]] = {
    "create a key": lambda app, ctx: Dashboard(app).create_key(name="new"),
    "revoke a key": lambda app, ctx: Dashboard(app).revoke(ctx["key_id"]),
    "create a product": lambda app, ctx: ctx["client"].post("/v1/products", wine("4006381333931")),
    "create a product with its passport": lambda app, ctx: ctx["client"].post(
        "/v1/passports", {**wine("96385074"), "data": {"ingredients": ["Grapes"]}}
    ),
    "update a passport": lambda app, ctx: ctx["client"].post(
        "/v1/passports", {"gtin": "5601012012200", "data": {"origin": {"country": "PT"}}}
    ),
    "mint a session": lambda app, ctx: app.test_client().post("/_mock/sessions", json={"organizationId": "org_x"}),
    "sign out": lambda app, ctx: ctx["signed_in"].post("/dashboard/sign-out"),
    "reset": lambda app, ctx: app.test_client().post("/_mock/reset"),
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_every_kind_of_write_the_file_refuses_leaves_memory_and_file_as_they_were(
    app: Flask, restarts: Restarts, write: Callable[[Flask, dict[str, Any]], Any]
) -> None:
    client = key_client(app)
    signed_in = app.test_client()
    signed_in.set_cookie("eulabel_session", new_session(app, "org_signed_in"))
    ctx = {"key_id": json_of(Dashboard(app).create_key(name="victim"))["id"], "client": client}
    ctx["signed_in"] = signed_in
    before = everything(app)
    refuse_writes(app)
    r = write(app, ctx)
    assert r.status_code == 503, r.get_data(as_text=True)
    assert everything(app) == before
    refuse_writes(app, False)
    assert write(app, ctx).status_code in (200, 201, 204, 303)  # and it works once there is room
    assert everything(app) != before
    after = everything(app)
    restarted = restarts({"STATE_FILE": app.config["STATE_FILE"]})
    assert everything(restarted)[0] == after[0]


def test_the_keys_last_use_that_cannot_be_written_at_shutdown_is_logged_not_raised(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    from mock_server.app import close_state

    api = Dashboard(app)
    api.products(api.secret())
    refuse_writes(app)
    with caplog.at_level(logging.WARNING, logger="eulabel_mock"):
        close_state(app)
    assert any("lastUsedAt" in r.getMessage() for r in caplog.records)
