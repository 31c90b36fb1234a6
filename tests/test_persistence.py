"""--state FILE: the state survives a restart, holds no secret, and is never silently discarded."""

from __future__ import annotations

from pathlib import Path

import pytest

from mock_server import create_app
from mock_server.cli import main
from mock_server.handle import handle_of
from mock_server.state.persistence import StateFileError
from tests.support.clients import Dashboard, json_of, leaks
from tests.support.restarts import Restarts
from tests.support.state_files import Start, file_bytes, query


@pytest.fixture
def start(restarts: Restarts) -> Start:
    """A mock on ``path``; starting again on the same file closes the one before, as a restart does."""
    return lambda path, **config: Dashboard(restarts({"STATE_FILE": str(path), **config}))


def test_keys_survive_a_restart_and_still_authenticate(tmp_path: Path, start: Start) -> None:
    path = tmp_path / "state.db"
    first = start(path)
    r = first.create_key(["products:read"], name="kept")
    secret = json_of(r)["secret"]
    second = start(path)
    assert [k["name"] for k in json_of(second.list_keys())["data"]] == ["kept"]
    assert second.products(secret).status_code == 200


def test_revocation_survives_a_restart(tmp_path: Path, start: Start) -> None:
    path = tmp_path / "state.db"
    first = start(path)
    r = first.create_key()
    first.revoke(json_of(r)["id"])
    second = start(path)
    assert second.products(json_of(r)["secret"]).status_code == 401
    assert json_of(second.list_keys())["data"] == []


def test_sessions_and_organisations_survive_a_restart(tmp_path: Path, restarts: Restarts, start: Start) -> None:
    path = tmp_path / "state.db"
    minted = json_of(restarts({"STATE_FILE": str(path)}).test_client().post("/_mock/sessions"))
    second = start(path)
    assert second.list_keys(session=minted["session"]).status_code == 200


def test_state_file_holds_hashes_never_the_secret(tmp_path: Path, start: Start) -> None:
    path = tmp_path / "state.db"
    secret = json_of(start(path).create_key())["secret"]
    stored = file_bytes(path)
    leaked = any(
        leaks(form, stored.decode("latin-1"))
        for s in (secret, secret[8:])
        for form in (s, s.encode("utf-16-le").decode("latin-1"), s.encode().hex())
    )
    assert not leaked, "the secret is in the state file"
    [(digest,)] = query(path, "SELECT secret_hash FROM keys")
    assert isinstance(digest, bytes) and len(digest) == 32


def test_writes_leave_no_temporary_files(tmp_path: Path, start: Start) -> None:
    path = tmp_path / "state.db"
    api = start(path)
    api.create_key()
    api.create_key(name="second")
    # SQLite's own write-ahead log and its index beside the database, and the owner's lock; nothing else.
    assert {p.name for p in tmp_path.iterdir()} <= {"state.db", "state.db-wal", "state.db-shm", "state.db.lock"}


def test_a_seeded_mock_continues_its_id_sequence_after_a_restart(tmp_path: Path, start: Start) -> None:
    path = tmp_path / "state.db"
    first_id = json_of(start(path, SEED=3).create_key())["id"]
    second = start(path, SEED=3)
    assert second.create_key(name="next").status_code == 201
    assert len({k["id"] for k in json_of(second.list_keys())["data"]} | {first_id}) == 2


def test_reset_rewrites_the_file_to_the_fixtures(tmp_path: Path, restarts: Restarts) -> None:
    path = tmp_path / "state.db"
    app = restarts({"STATE_FILE": str(path)})
    Dashboard(app).create_key()
    assert query(path, "SELECT count(*) FROM keys") == [(1,)]
    assert app.test_client().post("/_mock/reset").status_code == 204
    assert query(path, "SELECT count(*) FROM keys") == [(0,)]
    assert query(path, "SELECT count(*) FROM products") == [(len(handle_of(app).state.products.rows()),)]


def test_products_are_saved_too(tmp_path: Path, restarts: Restarts) -> None:
    path = tmp_path / "state.db"
    app = restarts({"STATE_FILE": str(path)})
    saved = query(path, "SELECT id FROM products ORDER BY rowid")
    assert [r[0] for r in saved] == [r[0] for r in handle_of(app).state.products.rows()] != []


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json", "not valid JSON"),
        ('{"format": "something-else"}', "not an eulabel-mock state file"),
        ('{"format": "eulabel-mock-state", "version": 99}', "unsupported state file version"),
        ('{"format": "eulabel-mock-state", "version": 1, "pepper": "!!"}', "malformed state"),
    ],
)
def test_an_unusable_state_file_stops_the_start(tmp_path: Path, content: str, message: str, restarts: Restarts) -> None:
    path = tmp_path / "state.db"
    path.write_text(content)
    with pytest.raises(StateFileError, match=message):
        restarts({"STATE_FILE": str(path)})
    assert path.read_text() == content  # never silently replaced


def test_cli_exits_2_with_a_clear_message_on_a_corrupt_state_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "state.db"
    path.write_text("{")
    assert main(["--port", "0", "--state", str(path)]) == 2
    err = capsys.readouterr().err
    assert "cannot start" in err and str(path) in err


def test_without_a_state_file_nothing_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Dashboard(create_app()).create_key()
    assert list(tmp_path.iterdir()) == []


def test_flush_keeps_last_used_at_of_read_only_calls(tmp_path: Path, start: Start) -> None:
    from mock_server.app import flush_state as flush

    path = tmp_path / "state.db"
    first = start(path)
    first.products(first.secret())
    flush(first.app)
    [key] = json_of(start(path).list_keys())["data"]
    assert key["lastUsedAt"] is not None


def test_cli_writes_the_state_at_shutdown(tmp_path: Path, start: Start) -> None:
    import signal

    from mock_server.testing import MockClient, Session
    from tests.support.served import start as start_process

    path = tmp_path / "state.db"
    mock = start_process("granian", "--state", str(path))
    proc = mock.proc
    try:
        client = MockClient(mock.base_url, Session("sess_quinta_demo", "org_quinta"))
        _, secret = client.create_key()
        assert client.request("GET", "/v1/products", bearer=secret).status == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    [key] = json_of(start(path).list_keys())["data"]
    assert key["lastUsedAt"] is not None


def test_products_and_passports_survive_a_restart(tmp_path: Path, restarts: Restarts) -> None:
    from mock_server.app import flush_state as flush

    path = tmp_path / "state.db"
    app = restarts({"STATE_FILE": str(path)})
    passport, _ = handle_of(app).state.passports.submit(
        "org_quinta", "4006381333931", {"ingredients": ["Grapes"]}, name="Test Red", category="wine"
    )
    product = handle_of(app).state.products.get("org_quinta", passport.product_id)
    flush(app)
    again = handle_of(restarts({"STATE_FILE": str(path)})).state
    assert again.passports.get("org_quinta", passport.id) == passport
    assert again.passports.find_by_product(product.id) == passport
    assert again.products.get("org_quinta", product.id).to_json() == product.to_json()
    assert again.products.find_by_gtin("org_quinta", product.gtin) is not None
