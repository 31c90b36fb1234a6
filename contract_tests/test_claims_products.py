"""Claim tests for products and GTINs (C23, C39-C47); pagination is in ``test_claims_pagination``."""

from __future__ import annotations

import pytest

from . import gtins
from .catalogue import create_product as _create
from .catalogue import served
from .client import Api
from .differs import differs
from .responses import body_of, describe, dumps
from .shapes import UUID, code_ok, iso_utc, parse_error
from .target import ENV_SESSION_2, Target

pytestmark = pytest.mark.destructive
QR = "https://eulabel.eu/01/"


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
    err = parse_error(body_of(resp))
    if resp.status_code == 400 and err.code == "bad_request" and err.param in (None, "gtin"):
        differs(f"a missing gtin gets 400 bad_request: {describe(resp)}", contradiction=3)
    assert resp.status_code == 422, describe(resp)
    assert err.code == "validation_error", describe(resp)
    if err.shape == "nested" or err.param is not None:
        assert err.param == "gtin", describe(resp)


@pytest.mark.claim("C44")
@pytest.mark.parametrize("length", [8, 12, 13, 14])
def test_documented_gtin_lengths_are_accepted(api: Api, products: dict[str, str], length: int) -> None:
    gtin = gtins.make(length)
    spaced = f" {gtin[:4]}-{gtin[4:8]} {gtin[8:]} ".replace("  ", " ")
    resp = _create(api, products["writer"], gtin=spaced)
    if length == 12 and resp.status_code == 422 and _create(api, products["writer"]).status_code == 201:
        differs(f"GTIN-12 is refused: {describe(resp)}", contradiction=7)
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


@pytest.mark.claim("C47")
@pytest.mark.claim("C27")
def test_product_by_id_is_readable_and_unknown_ids_are_404(api: Api, products: dict[str, str]) -> None:
    served(api, "GET", "/v1/products/00000000-0000-4000-8000-000000000000")
    created = body_of(_create(api, products["writer"]))
    got = api.request("GET", f"/v1/products/{created['productId']}", key=products["reader"])
    assert got.status_code == 200, describe(got)
    missing = api.request("GET", "/v1/products/00000000-0000-4000-8000-000000000000", key=products["reader"])
    assert missing.status_code == 404, describe(missing)


@pytest.mark.claim("C4")
def test_products_are_isolated_per_organisation(api: Api, target: Target, products: dict[str, str]) -> None:
    if not target.session2:
        pytest.skip(f"need {ENV_SESSION_2} (a session of a second organisation) to check isolation")
    served(api, "GET", "/v1/products/00000000-0000-4000-8000-000000000000")
    created = body_of(_create(api, products["writer"]))
    other = api.create_key(target.session2, ["products:read"], label="org2reader")
    assert other.secret
    resp = api.request("GET", f"/v1/products/{created['productId']}", key=other.secret)
    assert 400 <= resp.status_code < 500, f"another organisation reads the product: {describe(resp)}"
