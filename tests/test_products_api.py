"""Products over HTTP: scopes, GTIN rules, isolation and pagination (C37-C47)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from tests.support.clients import QUINTA, TEXTIL, KeyClient, json_of, key_client, new_session, wine


@pytest.fixture
def writer(app: Flask) -> KeyClient:
    """A key of an organisation without seeded products."""
    return key_client(app, ["products:read", "products:write"], session=new_session(app))


def test_create_product_returns_201_with_location_and_normalised_gtin(writer: KeyClient) -> None:
    r = writer.post("/v1/products", wine("5601012012200", brand="Quinta", sku="R-21"))
    assert r.status_code == 201
    body = json_of(r)
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", body["productId"])
    assert r.headers["Location"] == f"/v1/products/{body['productId']}"
    assert body["gtin"] == "05601012012200"
    assert body["qrCodeUrl"] == "https://eulabel.eu/01/05601012012200"
    assert (body["name"], body["category"], body["brand"], body["sku"]) == ("Test Red", "wine", "Quinta", "R-21")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", body["createdAt"])


def test_created_product_can_be_read_back(writer: KeyClient) -> None:
    created = json_of(writer.post("/v1/products", wine()))
    r = writer.get(f"/v1/products/{created['productId']}")
    assert r.status_code == 200
    assert r.json == created


@pytest.mark.parametrize(
    ("gtin", "message"),
    [
        ("5601234567890", "GTIN check digit is invalid. Expected 2, got 0."),
        ("5601012012201", "GTIN check digit is invalid. Expected 0, got 1."),
        ("1234567", "GTIN must be 8, 12, 13 or 14 digits."),
        ("56010120122OO", "GTIN must be 8, 12, 13 or 14 digits."),
    ],
)
def test_bad_gtin_is_422_with_param_gtin(writer: KeyClient, gtin: str, message: str) -> None:
    """5601234567890 is the docs' own example; the docs' check-digit rule rejects it (contradiction 8)."""
    r = writer.post("/v1/products", wine(gtin))
    assert r.status_code == 422
    assert (json_of(r)["error"], json_of(r)["param"], json_of(r)["message"]) == ("validation_error", "gtin", message)


@pytest.mark.parametrize("gtin", ["96385074", "614141000036", "5601012012200", "15601012012207"])
def test_documented_valid_gtins_are_accepted(writer: KeyClient, gtin: str) -> None:
    r = writer.post("/v1/products", wine(gtin))
    assert r.status_code == 201
    assert json_of(r)["gtin"] == gtin.zfill(14)


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"name": "A", "category": "wine"}, "gtin"),
        ({"gtin": "4006381333931", "category": "wine"}, "name"),
        ({"name": "A", "gtin": "4006381333931"}, "category"),
        ({"name": "A", "category": "spirits", "gtin": "4006381333931"}, "category"),
        ({"name": " ", "category": "wine", "gtin": "4006381333931"}, "name"),
        ({"name": "A", "category": "wine", "gtin": 4006381333931}, "gtin"),
        ({"name": "A", "category": "wine", "gtin": "4006381333931", "colour": "red"}, "colour"),
        ({"name": "A" * 201, "category": "wine", "gtin": "4006381333931"}, "name"),
    ],
)
def test_missing_or_invalid_fields_are_422_naming_the_field(
    writer: KeyClient, body: dict[str, Any], param: str
) -> None:
    r = writer.post("/v1/products", body)
    assert r.status_code == 422
    assert (json_of(r)["error"], json_of(r)["param"]) == ("validation_error", param)


def test_missing_gtin_has_the_documented_message(writer: KeyClient) -> None:
    r = writer.post("/v1/products", {"name": "A", "category": "wine"})
    assert json_of(r)["message"] == "gtin is required."


def test_malformed_json_is_400(writer: KeyClient) -> None:
    r = writer.post("/v1/products", data="{", content_type="application/json")
    assert (r.status_code, json_of(r)["error"]) == (400, "bad_request")


@pytest.mark.parametrize(("first", "second"), [("5601012012200", "05601012012200"), ("96385074", "0000-9638-5074")])
def test_same_gtin_after_normalisation_is_409_conflict(writer: KeyClient, first: str, second: str) -> None:
    assert writer.post("/v1/products", wine(first)).status_code == 201
    r = writer.post("/v1/products", wine(second))
    assert r.status_code == 409
    assert (json_of(r)["error"], json_of(r)["param"]) == ("conflict", "gtin")


def test_other_organisation_may_reuse_a_gtin(app: Flask, writer: KeyClient) -> None:
    other = key_client(app, ["products:write"], session=TEXTIL)
    assert writer.post("/v1/products", wine()).status_code == 201
    assert other.post("/v1/products", wine()).status_code == 201


@pytest.mark.parametrize(
    ("method", "path", "scopes", "missing"),
    [
        ("post", "/v1/products", ["products:read"], "products:write"),
        ("get", "/v1/products", ["products:write"], "products:read"),
        ("get", "/v1/products/00000000-0000-4000-8000-000000000000", ["passports:read"], "products:read"),
    ],
)
def test_each_product_endpoint_needs_its_scope(
    app: Flask, method: str, path: str, scopes: list[str], missing: str
) -> None:
    client = key_client(app, scopes)
    r = client.post(path, wine()) if method == "post" else client.get(path)
    assert r.status_code == 403
    assert json_of(r)["error"] == "forbidden"
    assert missing in json_of(r)["message"]


def test_another_organisations_product_is_404_not_403(app: Flask, writer: KeyClient) -> None:
    product_id = json_of(writer.post("/v1/products", wine()))["productId"]
    other = key_client(app, ["products:read"], session=TEXTIL)
    r = other.get(f"/v1/products/{product_id}")
    assert (r.status_code, json_of(r)["error"]) == (404, "not_found")
    assert all(p["productId"] != product_id for p in json_of(other.get("/v1/products"))["data"])


@pytest.mark.parametrize("product_id", ["00000000-0000-4000-8000-000000000000", "nope", "ps_abc"])
def test_unknown_or_malformed_product_id_is_404(writer: KeyClient, product_id: str) -> None:
    assert writer.get(f"/v1/products/{product_id}").status_code == 404


def test_list_defaults_to_limit_20_offset_0_oldest_first(app: Flask) -> None:
    r = key_client(app, ["products:read"], session=QUINTA).get("/v1/products")
    assert r.status_code == 200
    assert json_of(r)["pagination"] == {"total": 2, "limit": 20, "offset": 0}
    assert [p["gtin"] for p in json_of(r)["data"]] == ["05601012012200", "00000096385074"]


def test_list_pages_with_limit_and_offset(writer: KeyClient) -> None:
    extra = ["5601012012200", "96385074", "614141000036", "15601012012207", "09506000164908"]
    for gtin in extra:
        assert writer.post("/v1/products", wine(gtin)).status_code == 201
    r = writer.get("/v1/products?limit=2&offset=2")
    assert json_of(r)["pagination"] == {"total": 5, "limit": 2, "offset": 2}
    assert [p["gtin"] for p in json_of(r)["data"]] == ["00614141000036", "15601012012207"]
    assert json_of(writer.get("/v1/products?offset=5"))["data"] == []
    assert len(json_of(writer.get("/v1/products?limit=100"))["data"]) == 5


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=-1", "limit"),
        ("limit=abc", "limit"),
        ("limit=2.5", "limit"),
        ("limit=", "limit"),
        ("offset=-1", "offset"),
        ("offset=x", "offset"),
        ("limit=5&limit=6", "limit"),
        ("page=2", "page"),
    ],
)
def test_bad_pagination_values_are_422_naming_the_parameter(writer: KeyClient, query: str, param: str) -> None:
    r = writer.get(f"/v1/products?{query}")
    assert r.status_code == 422
    assert (json_of(r)["error"], json_of(r)["param"]) == ("validation_error", param)
