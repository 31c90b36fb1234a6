"""--state FILE: after a restart the mock answers exactly as before, for keys, products and passports."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from mock_server.app import flush_state
from tests.support.clients import COMPLETE_WINE_DATA, Dashboard, KeyClient, json_of, key_client, new_session, wine
from tests.support.restarts import Restarts

T0 = 1_800_000_000


Restart = Callable[..., Flask]


@pytest.fixture
def restart(restarts: Restarts) -> Restart:
    """A mock on ``path``; starting again on the same file closes the one before, as a restart does."""
    return lambda path, **config: restarts({"STATE_FILE": str(path), "SEED": 7, **config})


def freeze(app: Flask, at: float) -> None:
    assert app.test_client().post("/_mock/clock/freeze", json={"at": at}).status_code == 200


def test_every_listed_field_of_every_key_is_the_same_after_a_restart(tmp_path: Path, restart: Restart) -> None:
    path = tmp_path / "state"
    first = restart(path)
    freeze(first, T0)
    api = Dashboard(first)
    used = json_of(api.create_key(["products:read", "passports:write"], name="used"))
    api.create_key(["passports:read"], name="idle")
    freeze(first, T0 + 5)
    assert api.products(used["secret"]).status_code == 200
    before = json_of(api.list_keys())["data"]
    flush_state(first)
    after = json_of(Dashboard(restart(path)).list_keys())["data"]
    assert after == before
    assert [k["lastUsedAt"] for k in after] == ["2027-01-15T08:00:05.000Z", None]


def test_a_key_still_authenticates_after_a_restart_and_keeps_its_scopes(tmp_path: Path, restart: Restart) -> None:
    path = tmp_path / "state"
    secret = Dashboard(restart(path)).secret(["passports:read"])
    again = Dashboard(restart(path))
    assert again.products(secret).status_code == 403  # authenticated, and still without products:read
    r = again.app.test_client().get("/v1/passports/ps_00000000", headers={"Authorization": f"Bearer {secret}"})
    assert r.status_code == 404


def test_a_revoked_key_stays_refused_after_a_restart_whatever_the_clock_says(tmp_path: Path, restart: Restart) -> None:
    path = tmp_path / "state"
    first = restart(path)
    freeze(first, T0)
    created = json_of(Dashboard(first).create_key())
    assert Dashboard(first).revoke(created["id"]).status_code == 204
    again = restart(path)
    freeze(again, T0 - 3600)
    assert Dashboard(again).products(created["secret"]).status_code == 401


def test_a_revocation_delay_still_runs_after_a_restart(tmp_path: Path, restart: Restart) -> None:
    path = tmp_path / "state"
    first = restart(path, REVOCATION_DELAY=1)
    freeze(first, T0)
    created = json_of(Dashboard(first).create_key())
    assert Dashboard(first).revoke(created["id"]).status_code == 204
    again = restart(path, REVOCATION_DELAY=1)
    api = Dashboard(again)
    freeze(again, T0 + 0.5)
    assert api.products(created["secret"]).status_code == 200
    assert json_of(api.list_keys())["data"] == []
    freeze(again, T0 + 1)
    assert api.products(created["secret"]).status_code == 401


def products_of(client: KeyClient) -> list[dict[str, Any]]:
    r = client.get("/v1/products?limit=100")
    assert r.status_code == 200
    return list(json_of(r)["data"])


def test_products_read_the_same_after_a_restart_and_gtins_stay_taken(tmp_path: Path, restart: Restart) -> None:
    path = tmp_path / "state"
    first = restart(path)
    session = new_session(first, "org_restart")
    writer = key_client(first, session=session)
    made = [
        json_of(writer.post("/v1/products", wine(g, brand="B", sku="SKU-" + g)))
        for g in ("4006381333931", "15601012012207")
    ]
    before = products_of(writer)
    again = restart(path)
    client = key_client(again, session=session)
    assert products_of(client) == before == made
    assert json_of(client.get(f"/v1/products/{made[0]['productId']}")) == made[0]
    r = client.post("/v1/products", wine("04006381333931"))
    assert (r.status_code, json_of(r)["error"]) == (409, "conflict")
    other = key_client(again)  # another organisation: its own products only, and the GTIN is free for it
    assert made[0]["productId"] not in {p["productId"] for p in products_of(other)}
    assert other.post("/v1/products", wine("15601012012207")).status_code == 201


def test_a_passport_after_a_restart_reads_the_same_and_merges_into_the_same_passport(
    tmp_path: Path, restart: Restart
) -> None:
    path = tmp_path / "state"
    first = restart(path)
    session = new_session(first, "org_restart")
    r = key_client(first, session=session).post(
        "/v1/passports",
        {"gtin": "4006381333931", "name": "Red", "category": "wine", "data": {"ingredients": ["Grapes"]}},
    )
    assert r.status_code == 201
    passport = json_of(r)
    again = restart(path)
    client = key_client(again, session=session)
    assert json_of(client.get(f"/v1/passports/{passport['passportId']}")) == passport
    # Still a wine after the restart: a partial update leaves it a draft missing the other wine fields.
    r = client.post("/v1/passports", {"gtin": "4006381333931", "data": {"origin": {"country": "PT"}}})
    assert r.status_code == 200
    assert (json_of(r)["passportId"], json_of(r)["version"], json_of(r)["status"]) == (
        passport["passportId"],
        2,
        "draft",
    )
    still_missing = [m for m in passport["compliance"]["missing"] if m["field"] != "origin.country"]
    assert still_missing and json_of(r)["compliance"]["missing"] == still_missing
    r = client.post("/v1/passports", {"gtin": "4006381333931", "data": COMPLETE_WINE_DATA})
    assert (json_of(r)["version"], json_of(r)["status"]) == (3, "published")
