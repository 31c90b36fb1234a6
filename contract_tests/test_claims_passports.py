"""Claim tests for passports: drafts, merges, publication, scopes (C23, C47-C51)."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests

from . import gtins
from .catalogue import create_product, served
from .client import Api
from .differs import differs
from .responses import body_of, describe, dumps
from .shapes import UUID, parse_error

pytestmark = pytest.mark.destructive


def _passport(api: Api, key: str, gtin: str, **fields: Any) -> requests.Response:
    return api.request("POST", "/v1/passports", key=key, json={"gtin": gtin, **fields})


def _product(api: Api, keys: dict[str, str]) -> str:
    """A new product's GTIN. Passports are made for existing products: whether a passport call also creates
    its product is read both ways by the docs (contradiction 6), and this works under either reading."""
    gtin = gtins.make()
    made = create_product(api, keys["writer"], gtin=gtin)
    assert made.status_code == 201, f"cannot create the product a passport needs: {describe(made)}"
    return gtin


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
    resp = _passport(api, passports["pwriter"], _product(api, passports), data={"productType": "wine"})
    assert resp.status_code == 201, describe(resp)
    body = body_of(resp)
    assert isinstance(body, dict) and body.get("status") == "draft", dumps(body)
    assert isinstance(body.get("compliance"), dict), f"no compliance object: {dumps(body)}"
    pid = str(body.get("passportId") or body.get("id") or "")
    assert pid.startswith("ps_") or UUID.match(pid), f"passport id is neither ps_… nor a UUID: {pid!r}"


@pytest.mark.claim("C50")
@pytest.mark.claim("C51")
def test_passport_merges_and_publishes_when_complete(api: Api, passports: dict[str, str]) -> None:
    gtin = _product(api, passports)
    first = body_of(
        _passport(api, passports["pwriter"], gtin, data={"productType": "wine", "ingredients": ["Grapes", "Sulphites"]})
    )
    assert isinstance(first, dict) and first.get("status") == "draft", dumps(first)
    rest = _merge(_documented_wine_data(), _fill(_missing_list(first.get("compliance"))))
    rest.pop("ingredients", None)
    second = _passport(api, passports["pwriter"], gtin, data=rest)
    assert second.status_code in (200, 201), describe(second)
    body = body_of(second)
    assert body.get("status") == "published", f"complete passport not published: {dumps(body)}"
    # Publishing proves the merge: the second call left out the ingredients the first one sent.
    if isinstance(body.get("data"), dict):
        assert body["data"].get("ingredients") == ["Grapes", "Sulphites"], f"earlier fields were lost: {dumps(body)}"
    if "version" in first and "version" in body:
        assert body["version"] > first["version"], dumps(body)


@pytest.mark.claim("C49")
def test_passport_for_an_unknown_gtin_is_404(api: Api, passports: dict[str, str]) -> None:
    resp = _passport(api, passports["pwriter"], gtins.make())
    err = parse_error(body_of(resp))
    if resp.status_code == 201 or (resp.status_code == 422 and err.param in ("name", "category")):
        # The one-call reading: the passport call creates the product (or asks for what that needs).
        differs(f"a passport for a GTIN with no product: {describe(resp)}", contradiction=6)
    assert resp.status_code == 404, describe(resp)
    assert err.code == "not_found", describe(resp)


@pytest.mark.claim("C48")
@pytest.mark.claim("C10")
def test_creating_passports_needs_passports_write(api: Api, passports: dict[str, str]) -> None:
    resp = _passport(api, passports["reader"], _product(api, passports), data={"productType": "wine"})
    assert resp.status_code == 403, describe(resp)


@pytest.mark.claim("C47")
@pytest.mark.claim("C48")
def test_passports_are_readable_with_passports_read_or_products_read(api: Api, passports: dict[str, str]) -> None:
    created = body_of(_passport(api, passports["pwriter"], _product(api, passports), data={"productType": "wine"}))
    pid = created.get("passportId") or created.get("id")
    served(api, "GET", f"/v1/passports/{pid}")
    for key in ("preader", "reader"):
        resp = api.request("GET", f"/v1/passports/{pid}", key=passports[key])
        assert resp.status_code == 200, f"{key}: {describe(resp)}"
    denied = api.request("GET", f"/v1/passports/{pid}", key=passports["writeonly"])
    assert denied.status_code == 403, describe(denied)
