"""Passports over HTTP: the one-call model, merging, publishing, scopes and isolation (C47-C51)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from flask import Flask

from mock_server import create_app
from mock_server.handle import handle_of
from mock_server.state.state import FixtureError, State
from tests.support.clients import COMPLETE_WINE_DATA, TEXTIL, KeyClient, json_of, key_client, new_session

GTIN = "4006381333931"


@pytest.fixture
def writer(app: Flask) -> KeyClient:
    return key_client(app, ["passports:write", "passports:read", "products:read"], session=new_session(app))


def first_call(**data: object) -> dict[str, object]:
    return {"gtin": GTIN, "name": "Test Red", "category": "wine", "brand": "Test", "data": data}


def test_first_call_creates_product_and_draft_passport(writer: KeyClient) -> None:
    r = writer.post("/v1/passports", first_call(productType="wine", ingredients=["Grapes", "Sulphites"]))
    assert r.status_code == 201
    body = json_of(r)
    assert re.fullmatch(r"ps_[a-z0-9]{8}", body["passportId"])
    assert r.headers["Location"] == f"/v1/passports/{body['passportId']}"
    assert (body["status"], body["version"], body["gtin"]) == ("draft", 1, "0" + GTIN)
    assert body["data"] == {"productType": "wine", "ingredients": ["Grapes", "Sulphites"]}
    assert body["compliance"]["complete"] is False
    missing = {m["field"]: m["hint"] for m in body["compliance"]["missing"]}
    assert "nutrition.energyKj" in missing and "ingredients" not in missing
    assert all(hint for hint in missing.values())
    product = writer.get(f"/v1/products/{body['productId']}")
    assert (product.status_code, json_of(product)["name"], json_of(product)["brand"]) == (200, "Test Red", "Test")


def test_later_calls_merge_bump_version_and_publish_when_complete(writer: KeyClient) -> None:
    first = json_of(writer.post("/v1/passports", first_call(ingredients=["Grapes"])))
    second = writer.post("/v1/passports", {"gtin": "0" + GTIN, "data": {"nutrition": COMPLETE_WINE_DATA["nutrition"]}})
    assert second.status_code == 200
    assert "Location" not in second.headers
    assert (json_of(second)["passportId"], json_of(second)["version"], json_of(second)["status"]) == (
        first["passportId"],
        2,
        "draft",
    )
    assert len(json_of(second)["compliance"]["missing"]) < len(first["compliance"]["missing"])
    assert json_of(second)["data"]["ingredients"] == ["Grapes"]
    third = writer.post(
        "/v1/passports",
        {"gtin": GTIN, "data": {"allergens": COMPLETE_WINE_DATA["allergens"], "origin": {"country": "PT"}}},
    )
    assert (third.status_code, json_of(third)["version"], json_of(third)["status"]) == (200, 3, "published")
    assert json_of(third)["compliance"] == {"complete": True, "missing": []}
    read = writer.get(f"/v1/passports/{first['passportId']}")
    assert read.status_code == 200 and read.json == third.json


def test_complete_data_publishes_on_the_first_call(writer: KeyClient) -> None:
    r = writer.post("/v1/passports", first_call(**COMPLETE_WINE_DATA))
    assert (r.status_code, json_of(r)["status"]) == (201, "published")


def test_unknown_gtin_without_name_and_category_is_404_with_a_suggestion(writer: KeyClient) -> None:
    r = writer.post("/v1/passports", {"gtin": GTIN, "data": {"ingredients": ["Grapes"]}})
    assert r.status_code == 404
    assert (json_of(r)["error"], json_of(r)["message"]) == ("not_found", "No product found for this GTIN.")
    assert "name and category" in json_of(r)["suggestion"]


def test_existing_product_needs_only_the_gtin(app: Flask) -> None:
    session = new_session(app)
    products = key_client(app, ["products:write"], session=session)
    passports = key_client(app, ["passports:write"], session=session)
    product_id = json_of(products.post("/v1/products", {"name": "Red", "category": "wine", "gtin": GTIN}))["productId"]
    r = passports.post("/v1/passports", {"gtin": GTIN})
    assert (r.status_code, json_of(r)["productId"], json_of(r)["data"]) == (201, product_id, {})


def test_bad_gtin_is_422_with_param_gtin(writer: KeyClient) -> None:
    r = writer.post("/v1/passports", {"gtin": "5601234567890", "name": "A", "category": "wine"})
    assert (r.status_code, json_of(r)["param"], json_of(r)["message"]) == (
        422,
        "gtin",
        "GTIN check digit is invalid. Expected 2, got 0.",
    )


@pytest.mark.parametrize(
    ("data", "param"),
    [
        ({"nutrition": {"energyKj": "355"}}, "data.nutrition.energyKj"),
        ({"nutrition": {"saltG": -1}}, "data.nutrition.saltG"),
        ({"ingredients": "Grapes"}, "data.ingredients"),
        ({"ingredients": ["Grapes", 3]}, "data.ingredients[1]"),
        ({"allergens": {"containsSulphites": "yes"}}, "data.allergens.containsSulphites"),
        ({"origin": "PT"}, "data.origin"),
    ],
)
def test_documented_data_fields_with_wrong_types_are_422_naming_the_field(
    writer: KeyClient, data: object, param: str
) -> None:
    r = writer.post("/v1/passports", {"gtin": GTIN, "name": "A", "category": "wine", "data": data})
    assert r.status_code == 422
    assert (json_of(r)["error"], json_of(r)["param"]) == ("validation_error", param)


def test_data_that_is_not_an_object_is_422(writer: KeyClient) -> None:
    r = writer.post("/v1/passports", {"gtin": GTIN, "name": "A", "category": "wine", "data": ["x"]})
    assert (r.status_code, json_of(r)["param"]) == (422, "data")


def test_unknown_fields_inside_data_are_kept(writer: KeyClient) -> None:
    r = writer.post("/v1/passports", first_call(vineyard={"slope": "steep"}, nutrition={"fibreG": 0.1}))
    assert r.status_code == 201
    assert json_of(r)["data"] == {"vineyard": {"slope": "steep"}, "nutrition": {"fibreG": 0.1}}


def test_unknown_top_level_field_is_422(writer: KeyClient) -> None:
    r = writer.post("/v1/passports", {"gtin": GTIN, "productId": "x"})
    assert (r.status_code, json_of(r)["param"]) == (422, "productId")


@pytest.mark.parametrize("scopes", [["passports:read"], ["products:read"]])
def test_either_read_scope_can_get_a_passport(app: Flask, writer: KeyClient, scopes: list[str]) -> None:
    passport_id = json_of(writer.post("/v1/passports", first_call()))["passportId"]
    reader = key_client(app, scopes, session=new_session(app))
    assert reader.get(f"/v1/passports/{passport_id}").status_code == 200


def test_get_passport_without_a_read_scope_is_403_naming_both(app: Flask) -> None:
    r = key_client(app, ["passports:write", "products:write"]).get("/v1/passports/ps_abcdefgh")
    assert (r.status_code, json_of(r)["error"]) == (403, "forbidden")
    assert "passports:read" in json_of(r)["message"] and "products:read" in json_of(r)["message"]


@pytest.mark.parametrize("scopes", [["passports:read"], ["products:write", "products:read"]])
def test_create_passport_needs_passports_write(app: Flask, scopes: list[str]) -> None:
    r = key_client(app, scopes).post("/v1/passports", {"gtin": GTIN})
    assert (r.status_code, json_of(r)["error"]) == (403, "forbidden")
    assert "passports:write" in json_of(r)["message"]


def test_another_organisations_passport_is_404_not_403(app: Flask, writer: KeyClient) -> None:
    passport_id = json_of(writer.post("/v1/passports", first_call()))["passportId"]
    other = key_client(app, ["passports:read", "products:read"], session=TEXTIL)
    r = other.get(f"/v1/passports/{passport_id}")
    assert (r.status_code, json_of(r)["error"]) == (404, "not_found")


def test_passports_are_per_organisation_for_the_same_gtin(app: Flask, writer: KeyClient) -> None:
    mine = json_of(writer.post("/v1/passports", first_call()))
    other = key_client(app, ["passports:write"], session=TEXTIL)
    theirs = other.post("/v1/passports", {"gtin": GTIN, "name": "X", "category": "food"})
    assert theirs.status_code == 201
    assert (json_of(theirs)["passportId"], json_of(theirs)["status"]) != (mine["passportId"], mine["status"])


@pytest.mark.parametrize("passport_id", ["ps_zzzzzzzz", "nope", "00000000-0000-4000-8000-000000000000"])
def test_unknown_passport_id_is_404(writer: KeyClient, passport_id: str) -> None:
    assert writer.get(f"/v1/passports/{passport_id}").status_code == 404


@pytest.mark.parametrize(("gtin14", "status"), [("05601012012200", "published"), ("00000096385074", "draft")])
def test_fixtures_seed_a_published_and_a_draft_passport(state: State, gtin14: str, status: str) -> None:
    product = state.products.find_by_gtin("org_quinta", gtin14)
    assert product is not None
    passport = state.passports.find_by_product(product.id)
    assert passport is not None and passport.status == status


def test_reset_forgets_created_products_and_passports_and_reseeds(app: Flask) -> None:
    session = new_session(app)
    client = key_client(app, ["passports:write"], session=session)
    assert client.post("/v1/passports", first_call()).status_code == 201
    assert app.test_client().post("/_mock/reset").status_code == 204
    fresh = handle_of(app).state
    assert fresh.products.find_by_gtin("org_tests", "0" + GTIN) is None
    assert fresh.products.page("org_quinta", 100, 0)[1] == 2
    assert len(fresh.passports) == 2


def test_bad_passport_fixture_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "organizations.json").write_text(json.dumps({"organizations": [{"id": "o"}]}))
    (tmp_path / "passports.json").write_text(json.dumps({"o": [{"gtin": "4006381333931", "data": {}}]}))
    with pytest.raises(FixtureError, match=r"passports\.json.*No product found"):
        create_app({"FIXTURES": str(tmp_path)})
