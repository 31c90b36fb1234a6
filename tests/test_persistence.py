"""--state FILE: the state survives a restart, holds no secret, and is never silently discarded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mock_server import create_app
from mock_server.api.routing import state_of
from mock_server.cli import main
from mock_server.state.persistence import StateFileError, snapshot
from tests.clients import Dashboard, json_of, leaks


def start(path: Path, **config: Any) -> Dashboard:
    return Dashboard(create_app({"STATE_FILE": str(path), **config}))


def test_keys_survive_a_restart_and_still_authenticate(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    first = start(path)
    r = first.create_key(["products:read"], name="kept")
    secret = json_of(r)["secret"]
    second = start(path)
    assert [k["name"] for k in json_of(second.list_keys())["data"]] == ["kept"]
    assert second.products(secret).status_code == 200


def test_revocation_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    first = start(path)
    r = first.create_key()
    first.revoke(json_of(r)["id"])
    second = start(path)
    assert second.products(json_of(r)["secret"]).status_code == 401
    assert json_of(second.list_keys())["data"] == []


def test_sessions_and_organisations_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    minted = json_of(create_app({"STATE_FILE": str(path)}).test_client().post("/_mock/sessions"))
    second = start(path)
    assert second.list_keys(session=minted["session"]).status_code == 200


def test_state_file_holds_hashes_never_the_secret(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    secret = json_of(start(path).create_key())["secret"]
    text = path.read_text()
    leaked = leaks(secret, text) or leaks(secret[8:], text)
    assert not leaked, "the secret is in the state file"
    [row] = json.loads(text)["stores"]["keys"]
    assert len(bytes.fromhex(row["secret_hash"])) == 32


def test_writes_leave_no_temporary_files(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    api = start(path)
    api.create_key()
    api.create_key(name="second")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]


def test_a_seeded_mock_continues_its_id_sequence_after_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    first_id = json_of(start(path, SEED=3).create_key())["id"]
    second = start(path, SEED=3)
    assert second.create_key(name="next").status_code == 201
    assert len({k["id"] for k in json_of(second.list_keys())["data"]} | {first_id}) == 2


def test_reset_rewrites_the_file_to_the_fixtures(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    app = create_app({"STATE_FILE": str(path)})
    Dashboard(app).create_key()
    assert app.test_client().post("/_mock/reset").status_code == 204
    assert json.loads(path.read_text())["stores"]["keys"] == []


def test_products_are_saved_too(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    app = create_app({"STATE_FILE": str(path)})
    saved = json.loads(path.read_text())["stores"]["products"]
    assert len(saved) == len(state_of(app).products.to_state()) > 0


def test_a_new_store_takes_part_by_defining_to_state_and_from_state(tmp_path: Path) -> None:
    class Notes:
        def __init__(self) -> None:
            self.rows: list[str] = []

        def to_state(self) -> list[str]:
            return list(self.rows)

        def from_state(self, rows: list[str]) -> None:
            self.rows = list(rows)

    state = state_of(create_app())
    state.notes = Notes()  # type: ignore[attr-defined]
    state.notes.rows.append("remember me")  # type: ignore[attr-defined]
    assert snapshot(state)["stores"]["notes"] == ["remember me"]


def test_a_store_without_to_state_refuses_rather_than_being_lost(tmp_path: Path) -> None:
    class PassportStore:
        pass

    state = state_of(create_app())
    state.passports = PassportStore()  # type: ignore[assignment]  # the point: a store without to_state()
    with pytest.raises(StateFileError, match="PassportStore .passports. cannot be kept"):
        snapshot(state)


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json", "not valid JSON"),
        ('{"format": "something-else"}', "not an eulabel-mock state file"),
        ('{"format": "eulabel-mock-state", "version": 99}', "unsupported state file version"),
        ('{"format": "eulabel-mock-state", "version": 1, "pepper": "!!"}', "malformed state"),
    ],
)
def test_an_unusable_state_file_stops_the_start(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "state.json"
    path.write_text(content)
    with pytest.raises(StateFileError, match=message):
        create_app({"STATE_FILE": str(path)})
    assert path.read_text() == content  # never silently replaced


def test_cli_exits_2_with_a_clear_message_on_a_corrupt_state_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "state.json"
    path.write_text("{")
    assert main(["--port", "0", "--state", str(path)]) == 2
    err = capsys.readouterr().err
    assert "cannot start" in err and str(path) in err


def test_without_a_state_file_nothing_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Dashboard(create_app()).create_key()
    assert list(tmp_path.iterdir()) == []


def test_flush_keeps_last_used_at_of_read_only_calls(tmp_path: Path) -> None:
    from mock_server.app import flush_state as flush

    path = tmp_path / "state.json"
    first = start(path)
    first.products(first.secret())
    flush(first.app)
    [key] = json_of(start(path).list_keys())["data"]
    assert key["lastUsedAt"] is not None


def test_cli_writes_the_state_at_shutdown(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys

    from mock_server.testing import MockClient, Session
    from tests.environments import REPO, clean_env

    path = tmp_path / "state.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "mock_server", "--port", "0", "--state", str(path)],
        cwd=REPO,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        base_url = proc.stdout.readline().split()[2]
        client = MockClient(base_url, Session("sess_quinta_demo", "org_quinta"))
        _, secret = client.create_key()
        assert client.request("GET", "/v1/products", bearer=secret).status == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    [row] = json.loads(path.read_text())["stores"]["keys"]
    assert row["last_used_at"] is not None


def test_products_and_passports_survive_a_restart(tmp_path: Path) -> None:
    from mock_server.app import flush_state as flush

    path = tmp_path / "state.json"
    app = create_app({"STATE_FILE": str(path)})
    passport, _ = state_of(app).passports.submit(
        "org_quinta", "4006381333931", {"ingredients": ["Grapes"]}, name="Test Red", category="wine"
    )
    product = state_of(app).products.get("org_quinta", passport.product_id)
    flush(app)
    again = state_of(create_app({"STATE_FILE": str(path)}))
    assert again.passports.get("org_quinta", passport.id) == passport
    assert again.passports.find_by_product(product.id) == passport
    assert again.products.get("org_quinta", product.id).to_json() == product.to_json()
    assert again.products.find_by_gtin("org_quinta", product.gtin) is not None
