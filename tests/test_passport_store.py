"""Passport rules, checked on the store without HTTP (C49-C51)."""

from __future__ import annotations

import random
import re
import threading
from typing import Any

import pytest

from mock_server.errors import NotFound, ValidationFailed
from mock_server.state.clock import Clock
from mock_server.state.compliance import REQUIRED, merge
from mock_server.state.passport_store import PassportStore
from mock_server.state.product_store import ProductStore
from tests.support.clients import COMPLETE_WINE_DATA

GTIN = "5601012012200"


def make_stores() -> tuple[PassportStore, ProductStore, Clock]:
    clock = Clock()
    clock.freeze(1_800_000_000.0)
    lock = threading.RLock()
    products = ProductStore(random.Random(1), clock, lock)
    return PassportStore(random.Random(2), clock, lock, products), products, clock


def fields(passport: Any) -> list[str]:
    return [m["field"] for m in passport.to_json()["compliance"]["missing"]]


def test_first_submit_creates_product_and_draft_passport() -> None:
    store, products, _ = make_stores()
    passport, created = store.submit("org", GTIN, {"ingredients": ["Grapes"]}, name="Red", category="wine")
    assert created
    assert re.fullmatch(r"ps_[a-z0-9]{8}", passport.id)
    body = passport.to_json()
    assert (body["status"], body["version"], body["gtin"]) == ("draft", 1, "05601012012200")
    assert body["productId"] == products.find_by_gtin("org", "05601012012200").id  # type: ignore[union-attr]
    assert body["compliance"]["complete"] is False
    assert "ingredients" not in fields(passport)
    assert "nutrition.energyKj" in fields(passport)


def test_unknown_gtin_without_name_and_category_is_not_found() -> None:
    store, products, _ = make_stores()
    with pytest.raises(NotFound) as exc:
        store.submit("org", GTIN, {}, name="Red")
    assert exc.value.message == "No product found for this GTIN."
    assert "name and category" in (exc.value.suggestion or "")
    assert products.find_by_gtin("org", "05601012012200") is None


def test_existing_product_gets_a_passport_without_name_or_category() -> None:
    store, products, _ = make_stores()
    product = products.create("org", "Red", "wine", GTIN)
    passport, created = store.submit("org", "05601012012200")
    assert created and passport.product_id == product.id


def test_merge_bumps_version_shrinks_missing_and_publishes_when_complete() -> None:
    store, _, clock = make_stores()
    first, _ = store.submit("org", GTIN, {"ingredients": ["Grapes"]}, name="Red", category="wine")
    clock.advance(10)
    second, created = store.submit("org", GTIN, {"nutrition": COMPLETE_WINE_DATA["nutrition"]})
    assert not created
    assert second.id == first.id
    assert second.version == 2
    assert len(fields(second)) < len(fields(first))
    assert second.status == "draft"
    assert second.updated_at == first.created_at + 10
    third, _ = store.submit("org", GTIN, {"allergens": COMPLETE_WINE_DATA["allergens"], "origin": {"country": "PT"}})
    assert (third.status, third.version, fields(third)) == ("published", 3, [])
    assert third.to_json()["compliance"] == {"complete": True, "missing": []}


def test_published_passport_stays_published_when_a_field_is_emptied() -> None:
    store, _, _ = make_stores()
    store.submit("org", GTIN, COMPLETE_WINE_DATA, name="Red", category="wine")
    later, _ = store.submit("org", GTIN, {"ingredients": []})
    assert later.status == "published"
    assert fields(later) == ["ingredients"]


def test_merge_keeps_nested_fields_and_unknown_keys() -> None:
    store, _, _ = make_stores()
    store.submit("org", GTIN, {"nutrition": {"energyKj": 1}, "custom": {"a": 1}}, name="Red", category="wine")
    passport, _ = store.submit("org", GTIN, {"nutrition": {"fatG": 0}, "custom": {"b": 2}})
    assert passport.data["nutrition"] == {"energyKj": 1, "fatG": 0}
    assert passport.data["custom"] == {"a": 1, "b": 2}


def test_merge_returns_a_new_object_and_leaves_handed_out_passports_unchanged() -> None:
    store, _, _ = make_stores()
    first, _ = store.submit("org", GTIN, {"nutrition": {"energyKj": 1}}, name="Red", category="wine")
    store.submit("org", GTIN, {"nutrition": {"energyKj": 2}})
    assert first.data == {"nutrition": {"energyKj": 1}}
    assert first.version == 1


def test_merge_replaces_arrays_and_scalars() -> None:
    assert merge({"a": [1, 2], "b": {"c": 1}}, {"a": [3], "b": 5}) == {"a": [3], "b": 5}


def test_categories_without_documented_requirements_publish_at_once() -> None:
    store, _, _ = make_stores()
    passport, _ = store.submit("org", GTIN, {}, name="Tee", category="textile")
    assert passport.status == "published"
    assert "textile" not in REQUIRED


def test_get_hides_other_organisations_passports() -> None:
    store, _, _ = make_stores()
    passport, _ = store.submit("org_a", GTIN, {}, name="Red", category="wine")
    assert store.get("org_a", passport.id) is passport
    with pytest.raises(NotFound):
        store.get("org_b", passport.id)


def test_data_nested_too_deeply_is_a_validation_error() -> None:
    store, _, _ = make_stores()
    deep: dict[str, Any] = {}
    node = deep
    for _ in range(40):
        node["x"] = {}
        node = node["x"]
    with pytest.raises(ValidationFailed) as exc:
        store.submit("org", GTIN, deep, name="Red", category="wine")
    assert (exc.value.param or "").startswith("data.x.x")


def test_non_finite_numbers_in_data_are_refused() -> None:
    store, _, _ = make_stores()
    with pytest.raises(ValidationFailed) as exc:
        store.submit("org", GTIN, {"extra": [1, float("inf")]}, name="Red", category="wine")
    assert exc.value.param == "data.extra[1]"


@pytest.mark.claim("C50")
def test_passport_json_has_every_field_and_times_in_iso_utc() -> None:
    store, products, clock = make_stores()
    first, _ = store.submit("org", GTIN, {"ingredients": ["Grapes"]}, name="Red", category="wine")
    clock.advance(61.5)
    passport, _ = store.submit("org", GTIN, {"origin": {"country": "PT"}})
    body = passport.to_json()
    assert body == {
        "passportId": first.id,
        "productId": first.product_id,
        "gtin": "05601012012200",
        "status": "draft",
        "version": 2,
        "data": {"ingredients": ["Grapes"], "origin": {"country": "PT"}},
        "compliance": {"complete": False, "missing": body["compliance"]["missing"]},
        "createdAt": "2027-01-15T08:00:00.000Z",
        "updatedAt": "2027-01-15T08:01:01.500Z",
    }
    assert body["compliance"]["missing"] and all(set(m) >= {"field"} for m in body["compliance"]["missing"])


@pytest.mark.claim("C49")
def test_unknown_gtin_is_not_found_on_param_gtin_with_both_ways_out() -> None:
    store, _, _ = make_stores()
    for name, category in [(None, None), ("Red", None), (None, "wine"), ("", "wine")]:
        with pytest.raises(NotFound) as exc:
            store.submit("org", GTIN, {}, name=name, category=category)
        assert exc.value.param == "gtin"
        assert exc.value.suggestion == (
            "Send name and category to create the product with its passport, or create it first with POST /v1/products."
        )


def test_product_created_with_its_passport_takes_the_name_category_and_brand_sent() -> None:
    store, products, _ = make_stores()
    passport, _ = store.submit("org", GTIN, {}, name="Red", category="wine", brand="Quinta")
    product = products.get("org", passport.product_id)
    assert (product.name, product.category, product.brand, product.gtin) == ("Red", "wine", "Quinta", "05601012012200")


def test_submit_reports_created_only_for_the_first_call() -> None:
    store, _, _ = make_stores()
    outcomes = [store.submit("org", GTIN, {}, name="Red", category="wine")[1] for _ in range(3)]
    assert outcomes == [True, False, False]


def test_unknown_passport_id_is_not_found_with_a_message() -> None:
    store, _, _ = make_stores()
    with pytest.raises(NotFound) as exc:
        store.get("org", "ps_00000000")
    assert exc.value.message == "No passport with this id."


def test_a_products_passport_is_found_by_the_product_id() -> None:
    store, products, _ = make_stores()
    without = products.create("org", "White", "wine", "4006381333931")
    passport, _ = store.submit("org", GTIN, {}, name="Red", category="wine")
    assert store.find_by_product(passport.product_id) == passport
    assert store.find_by_product(without.id) is None
    later, _ = store.submit("org", GTIN, {"ingredients": ["Grapes"]})
    assert store.find_by_product(passport.product_id) == later
