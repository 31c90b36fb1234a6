"""Product rules, checked on the store without HTTP."""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from mock_server.errors import Conflict, NotFound, ValidationFailed
from mock_server.state.clock import Clock
from mock_server.state.product_store import ProductStore


def make_store() -> ProductStore:
    clock = Clock()
    clock.freeze(1_800_000_000.0)
    return ProductStore(random.Random(1), clock, threading.RLock())


def test_create_normalises_the_gtin_and_builds_the_qr_url() -> None:
    product = make_store().create("org", "Red", "wine", "5601012012200", brand="B")
    body = product.to_json()
    assert body["gtin"] == "05601012012200"
    assert body["qrCodeUrl"] == "https://eulabel.eu/01/05601012012200"
    assert body["brand"] == "B"
    assert "sku" not in body
    assert body["createdAt"] == "2027-01-15T08:00:00.000Z"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("5601012012200", "05601012012200"),
        ("96385074", "00000096385074"),
        ("5601012012200", "560-1012-012200"),
    ],
)
def test_same_gtin_after_normalisation_conflicts_in_one_organisation(first: str, second: str) -> None:
    store = make_store()
    store.create("org", "A", "wine", first)
    with pytest.raises(Conflict) as exc:
        store.create("org", "B", "wine", second)
    assert exc.value.param == "gtin"


def test_another_organisation_may_use_the_same_gtin() -> None:
    store = make_store()
    a = store.create("org_a", "A", "wine", "5601012012200")
    b = store.create("org_b", "B", "wine", "5601012012200")
    assert a.id != b.id


def test_invalid_gtin_creates_nothing() -> None:
    store = make_store()
    with pytest.raises(ValidationFailed):
        store.create("org", "A", "wine", "5601234567890")
    assert store.page("org", 10, 0) == ([], 0)


def test_get_hides_other_organisations_products() -> None:
    store = make_store()
    product = store.create("org_a", "A", "wine", "5601012012200")
    assert store.get("org_a", product.id) is product
    with pytest.raises(NotFound):
        store.get("org_b", product.id)
    with pytest.raises(NotFound):
        store.get("org_a", "not-a-uuid")


def test_page_is_oldest_first_with_the_total() -> None:
    store = make_store()
    gtins = ["96385074", "614141000036", "5601012012200", "15601012012207", "09506000164908"]
    made = [store.create("org", f"P{i}", "food", g) for i, g in enumerate(gtins)]
    items, total = store.page("org", 2, 1)
    assert total == 5
    assert items == made[1:3]
    assert store.page("org", 10, 5) == ([], 5)


def test_threads_creating_the_same_gtin_yield_exactly_one_product() -> None:
    store = make_store()
    barrier = threading.Barrier(16)

    def attempt(i: int) -> str:
        barrier.wait()
        try:
            store.create("org", f"P{i}", "wine", "5601012012200" if i % 2 else "05601012012200")
        except Conflict:
            return "conflict"
        return "created"

    with ThreadPoolExecutor(16) as pool:
        outcomes = list(pool.map(attempt, range(16)))
    assert outcomes.count("created") == 1
    assert outcomes.count("conflict") == 15
    assert store.page("org", 100, 0)[1] == 1
