"""Claim tests for products, GTINs, passports and pagination (C23, C37-C51).

Skipped, with the reason, when the target does not serve the endpoint (404/405 on the route).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests

from . import gtins
from .client import Api, body_of, describe, dumps
from .shapes import UUID, code_ok, iso_utc, list_items, parse_error
from .target import Target

pytestmark = pytest.mark.destructive
QR = "https://eulabel.eu/01/"


def _served(api: Api, method: str, path: str) -> None:
    probe = api.request(method, path, json={}) if method == "POST" else api.request(method, path)
    if probe.status_code in (404, 405):
        pytest.skip(f"the target does not serve {method} {path} ({probe.status_code} on the route)")


def _key(api: Api, target: Target, scopes: list[str], label: str) -> str:
    if not target.session:
        pytest.skip("set EULABEL_SESSION to create the keys these checks use")
    created = api.create_key(target.session, scopes, label=label)
    assert created.secret and 200 <= created.status < 300, f"cannot create a key: status {created.status}"
    return created.secret


@pytest.fixture(scope="module")
def products(api: Api, target: Target) -> dict[str, str]:
    _served(api, "POST", "/v1/products")
    return {
        "writer": _key(api, target, ["products:write", "products:read"], "writer"),
        "reader": _key(api, target, ["products:read"], "reader"),
    }


@pytest.fixture(scope="module")
def reader(api: Api, target: Target) -> str:
    """A products:read key; GET /v1/products is served before the write endpoints are."""
    return _key(api, target, ["products:read"], "listreader")


@pytest.fixture(scope="module")
def passports(api: Api, target: Target, products: dict[str, str]) -> dict[str, str]:
    _served(api, "POST", "/v1/passports")
    return {
        **products,
        "pwriter": _key(api, target, ["passports:write", "passports:read"], "pwriter"),
        "preader": _key(api, target, ["passports:read"], "preader"),
        "writeonly": _key(api, target, ["products:write"], "writeonly"),
    }


def _create(api: Api, key: str, **fields: Any) -> requests.Response:
    body = {"name": api.unique_name("product"), "category": "wine", "gtin": gtins.make(), **fields}
    return api.request("POST", "/v1/products", key=key, json={k: v for k, v in body.items() if v is not None})


@pytest.mark.claim("C41")
@pytest.mark.claim("C30")
@pytest.mark.claim("C23")
@pytest.mark.claim("C46")
def test_create_product_returns_uuid_qr_url_and_timestamp(api: Api, products: dict[str, str]) -> None:
    gtin = gtins.make(13)
    resp = _create(api, products["writer"], gtin=gtin, brand="Contract", sku="CT-1")
    assert resp.status_code == 201, describe(resp)
    body = body_of(resp)
    assert isinstance(body, dict) and UUID.match(str(body.get("productId", ""))), f"productId is no UUID: {dumps(body)}"
    assert body.get("qrCodeUrl") == QR + gtins.gtin14(gtin), dumps(body)
    assert isinstance(body.get("createdAt"), str) and iso_utc(body["createdAt"]), dumps(body)
    if "gtin" in body:
        assert body["gtin"] == gtins.gtin14(gtin), f"GTIN not stored as 14 digits: {dumps(body)}"


@pytest.mark.claim("C40")
def test_brand_and_sku_are_optional(api: Api, products: dict[str, str]) -> None:
    resp = _create(api, products["writer"])
    assert resp.status_code == 201, describe(resp)


@pytest.mark.claim("C40")
@pytest.mark.parametrize("missing", ["name", "category"])
def test_name_and_category_are_required(api: Api, products: dict[str, str], missing: str) -> None:
    resp = _create(api, products["writer"], **{missing: None})
    assert resp.status_code in (400, 422), describe(resp)


@pytest.mark.claim("C40")
@pytest.mark.claim("C29")
def test_unknown_category_is_422(api: Api, products: dict[str, str]) -> None:
    resp = _create(api, products["writer"], category="furniture")
    assert resp.status_code == 422, describe(resp)


@pytest.mark.claim("C39")
@pytest.mark.claim("C10")
def test_create_product_needs_products_write(api: Api, products: dict[str, str]) -> None:
    resp = _create(api, products["reader"])
    assert resp.status_code == 403, describe(resp)


@pytest.mark.claim("C42")
def test_duplicate_gtin_is_409(api: Api, products: dict[str, str]) -> None:
    gtin = gtins.make(13)
    assert _create(api, products["writer"], gtin=gtin).status_code == 201
    for again in (gtin, "0" + gtin):
        resp = _create(api, products["writer"], gtin=again)
        assert resp.status_code == 409, f"duplicate GTIN {again}: {describe(resp)}"
        err = parse_error(body_of(resp))
        assert code_ok(409, err), describe(resp)
        if err.shape == "nested" or err.param is not None:
            assert err.param == "gtin", describe(resp)


@pytest.mark.claim("C43")
def test_missing_gtin_is_422_naming_gtin(api: Api, products: dict[str, str]) -> None:
    resp = _create(api, products["writer"], gtin=None)
    assert resp.status_code == 422, describe(resp)
    err = parse_error(body_of(resp))
    assert err.code == "validation_error", describe(resp)
    if err.shape == "nested" or err.param is not None:
        assert err.param == "gtin", describe(resp)


@pytest.mark.claim("C44")
@pytest.mark.parametrize("length", [8, 12, 13, 14])
def test_documented_gtin_lengths_are_accepted(api: Api, products: dict[str, str], length: int) -> None:
    gtin = gtins.make(length)
    spaced = f" {gtin[:4]}-{gtin[4:8]} {gtin[8:]} ".replace("  ", " ")
    resp = _create(api, products["writer"], gtin=spaced)
    assert resp.status_code == 201, f"GTIN-{length} {spaced!r}: {describe(resp)}"
    body = body_of(resp)
    assert isinstance(body, dict) and body.get("qrCodeUrl") == QR + gtins.gtin14(gtin), dumps(body)


@pytest.mark.claim("C44")
@pytest.mark.parametrize(
    "gtin",
    ["1234567", "123456789", "1234567890", "12345678901", "123456789012345", "56010120122AB", ""],
    ids=["7", "9", "10", "11", "15", "letters", "empty"],
)
def test_other_gtins_are_validation_errors(api: Api, products: dict[str, str], gtin: str) -> None:
    resp = _create(api, products["writer"], gtin=gtin)
    assert resp.status_code == 422, describe(resp)


@pytest.mark.claim("C45")
def test_wrong_check_digit_is_422_with_the_documented_message(api: Api, products: dict[str, str]) -> None:
    bad, expected, given = gtins.wrong_check_digit(gtins.make(13))
    resp = _create(api, products["writer"], gtin=bad)
    assert resp.status_code == 422, describe(resp)
    message = parse_error(body_of(resp)).message or ""
    assert f"GTIN check digit is invalid. Expected {expected}, got {given}." in message, describe(resp)


@pytest.mark.claim("C37")
@pytest.mark.claim("C47")
def test_product_list_is_paginated_data(api: Api, reader: str) -> None:
    resp = api.request("GET", "/v1/products", key=reader)
    assert resp.status_code == 200, describe(resp)
    body = body_of(resp)
    assert isinstance(body, dict) and isinstance(body.get("data"), list), dumps(body)
    assert isinstance(body.get("pagination"), dict) or "hasMore" in body, f"no pagination: {dumps(body)}"
    assert len(body["data"]) <= 100


@pytest.mark.claim("C37")
def test_page_size_is_capped_at_100(api: Api, reader: str) -> None:
    one = api.request("GET", "/v1/products", key=reader, params={"limit": 1})
    assert one.status_code == 200 and len(list_items(body_of(one)) or []) <= 1, describe(one)
    big = api.request("GET", "/v1/products", key=reader, params={"limit": 101})
    if big.status_code == 200:
        assert len(list_items(body_of(big)) or []) <= 100, "more than 100 items on one page"
    else:
        assert big.status_code in (400, 422), describe(big)


@pytest.mark.claim("C38")
def test_cursor_pagination_when_offered(api: Api, reader: str) -> None:
    body = body_of(api.request("GET", "/v1/products", key=reader, params={"limit": 1}))
    if not isinstance(body, dict) or "hasMore" not in body:
        pytest.skip("the target paginates with limit/offset (C37), not the starting_after cursor of C38")
    assert isinstance(body["hasMore"], bool), dumps(body)


@pytest.mark.claim("C47")
@pytest.mark.claim("C27")
def test_product_by_id_is_readable_and_unknown_ids_are_404(api: Api, products: dict[str, str]) -> None:
    _served(api, "GET", "/v1/products/00000000-0000-4000-8000-000000000000")
    created = body_of(_create(api, products["writer"]))
    got = api.request("GET", f"/v1/products/{created['productId']}", key=products["reader"])
    assert got.status_code == 200, describe(got)
    missing = api.request("GET", "/v1/products/00000000-0000-4000-8000-000000000000", key=products["reader"])
    assert missing.status_code == 404, describe(missing)


@pytest.mark.claim("C4")
def test_products_are_isolated_per_organisation(api: Api, target: Target, products: dict[str, str]) -> None:
    if not target.session2:
        pytest.skip("set EULABEL_SESSION_2 (a session of a second organisation) to check isolation")
    _served(api, "GET", "/v1/products/00000000-0000-4000-8000-000000000000")
    created = body_of(_create(api, products["writer"]))
    other = api.create_key(target.session2, ["products:read"], label="org2reader")
    assert other.secret
    resp = api.request("GET", f"/v1/products/{created['productId']}", key=other.secret)
    assert resp.status_code in (403, 404), f"another organisation reads the product: {describe(resp)}"


# --- passports ------------------------------------------------------------------------------------
def _passport(api: Api, key: str, gtin: str, **fields: Any) -> requests.Response:
    return api.request("POST", "/v1/passports", key=key, json={"gtin": gtin, **fields})


def _fill(missing: Any) -> dict[str, Any]:
    """Values for the fields a compliance object lists as missing, by their documented names."""
    data: dict[str, Any] = {}
    for item in missing if isinstance(missing, list) else []:
        name = (
            item
            if isinstance(item, str)
            else (item.get("field") or item.get("name") or item.get("path") if isinstance(item, dict) else None)
        )
        if not isinstance(name, str):
            continue
        parts = name.removeprefix("data.").split(".")
        leaf = parts[-1]
        value: Any = (
            ["Grapes", "Sulphites"]
            if leaf == "ingredients"
            else (leaf.startswith("contains") or (12.5 if re.search(r"(G|Kj|Kcal)$", leaf) else "PT"))
        )
        node = data
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[leaf] = value
    return data


def _missing_list(compliance: Any) -> Any:
    """The compliance object's list of missing fields: named ``missing``, else its one list (names undocumented)."""
    if not isinstance(compliance, dict):
        return None
    if isinstance(compliance.get("missing"), list):
        return compliance["missing"]
    return next((v for v in compliance.values() if isinstance(v, list)), None)


def _documented_wine_data() -> dict[str, Any]:
    """Every wine field the passport docs show (the Gen-1 example), so completion does not hinge on field names."""
    return {
        "productType": "wine",
        "nutrition": {
            k: 12.5
            for k in (
                "energyKj",
                "energyKcal",
                "fatG",
                "saturatedFatG",
                "carbohydratesG",
                "sugarsG",
                "proteinG",
                "saltG",
                "alcoholG",
            )
        },
        "allergens": {"containsSulphites": True, "containsEgg": False, "containsFish": False, "containsMilk": False},
        "origin": {"country": "PT", "region": "Douro"},
        "producers": [{"name": "Contract Test Producer", "role": "producer", "country": "PT"}],
    }


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for name, value in extra.items():
        out[name] = _merge(out[name], value) if isinstance(out.get(name), dict) and isinstance(value, dict) else value
    return out


@pytest.mark.claim("C50")
@pytest.mark.claim("C23")
@pytest.mark.claim("C48")
def test_partial_passport_is_a_draft_listing_missing_fields(api: Api, passports: dict[str, str]) -> None:
    resp = _passport(
        api,
        passports["pwriter"],
        gtins.make(),
        name=api.unique_name("passport"),
        category="wine",
        data={"productType": "wine"},
    )
    assert resp.status_code == 201, describe(resp)
    body = body_of(resp)
    assert isinstance(body, dict) and body.get("status") == "draft", dumps(body)
    assert isinstance(body.get("compliance"), dict), f"no compliance object: {dumps(body)}"
    pid = str(body.get("passportId") or body.get("id") or "")
    assert pid.startswith("ps_") or UUID.match(pid), f"passport id is neither ps_… nor a UUID: {pid!r}"


@pytest.mark.claim("C50")
@pytest.mark.claim("C51")
def test_passport_merges_and_publishes_when_complete(api: Api, passports: dict[str, str]) -> None:
    gtin = gtins.make()
    first = body_of(
        _passport(
            api,
            passports["pwriter"],
            gtin,
            name=api.unique_name("passport"),
            category="wine",
            data={"productType": "wine", "ingredients": ["Grapes", "Sulphites"]},
        )
    )
    assert isinstance(first, dict) and first.get("status") == "draft", dumps(first)
    rest = _merge(_documented_wine_data(), _fill(_missing_list(first.get("compliance"))))
    rest.pop("ingredients", None)
    second = _passport(api, passports["pwriter"], gtin, data=rest)
    assert second.status_code in (200, 201), describe(second)
    body = body_of(second)
    assert body.get("status") == "published", f"complete passport not published: {dumps(body)}"
    data = body.get("data") or {}
    assert data.get("ingredients") == ["Grapes", "Sulphites"], f"earlier fields were not kept (C51): {dumps(body)}"
    if "version" in first and "version" in body:
        assert body["version"] > first["version"], dumps(body)


@pytest.mark.claim("C49")
def test_passport_for_an_unknown_gtin_is_404(api: Api, passports: dict[str, str]) -> None:
    resp = _passport(api, passports["pwriter"], gtins.make())
    assert resp.status_code == 404, describe(resp)
    assert parse_error(body_of(resp)).code == "not_found", describe(resp)


@pytest.mark.claim("C48")
@pytest.mark.claim("C10")
def test_creating_passports_needs_passports_write(api: Api, passports: dict[str, str]) -> None:
    resp = _passport(api, passports["reader"], gtins.make(), name=api.unique_name("p"), category="wine")
    assert resp.status_code == 403, describe(resp)


@pytest.mark.claim("C47")
@pytest.mark.claim("C48")
def test_passports_are_readable_with_passports_read_or_products_read(api: Api, passports: dict[str, str]) -> None:
    created = body_of(_passport(api, passports["pwriter"], gtins.make(), name=api.unique_name("p"), category="wine"))
    pid = created.get("passportId") or created.get("id")
    _served(api, "GET", f"/v1/passports/{pid}")
    for key in ("preader", "reader"):
        resp = api.request("GET", f"/v1/passports/{pid}", key=passports[key])
        assert resp.status_code == 200, f"{key}: {describe(resp)}"
    denied = api.request("GET", f"/v1/passports/{pid}", key=passports["writeonly"])
    assert denied.status_code == 403, describe(denied)
