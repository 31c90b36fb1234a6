"""Claim tests for the list envelope and its pages (C37, C38), in whichever documented form the target pages.

The docs give three forms (contradiction 4): page/perPage and limit/offset, each 20 a page by default, and the
cursor form of ``GET /products`` (limit, starting_after, hasMore) with 25. Every form caps a page at 100. To
see a default and a cap the organisation needs more products than a page holds: a destructive run creates
what is missing (named with the run id); a read-only run checks only what the data already allows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from .catalogue import create_product, served
from .client import Api
from .differs import differs
from .responses import body_of, describe, dumps
from .shapes import list_items
from .target import ENV_SESSION, Target

NEEDED = 101  # one more than the largest page


@dataclass(frozen=True)
class Pages:
    key: str
    size: str  # the page-size parameter: perPage or limit
    form: str  # "page", "offset" or "cursor"
    count: int  # products the organisation has, up to NEEDED

    @property
    def default(self) -> int:
        return 25 if self.form == "cursor" else 20


def _form(body: Any) -> str:
    pagination = body.get("pagination") if isinstance(body, dict) else None
    if isinstance(pagination, dict) and "perPage" in pagination:
        return "page"
    if isinstance(body, dict) and "hasMore" in body:
        return "cursor"
    return "offset"


def _count(api: Api, key: str, form: str, size: str) -> int:
    body = body_of(api.request("GET", "/v1/products", key=key, params={size: 100}))
    items = list_items(body) or []
    pagination = body.get("pagination") if isinstance(body, dict) else None
    if isinstance(pagination, dict) and isinstance(pagination.get("total"), int):
        return min(NEEDED, int(pagination["total"]))
    more = isinstance(body, dict) and body.get("hasMore") is True
    return min(NEEDED, len(items) + (1 if more else 0))


@pytest.fixture(scope="module")
def pages(api: Api, target: Target) -> Pages:
    if target.read_only or not target.session:
        key = target.api_key
        if not key:
            pytest.skip("a --read-only run needs EULABEL_API_KEY (products:read) to read pages")
    else:
        key = api.create_key(target.session, ["products:read", "products:write"], label="pages").secret
        assert key, "cannot create a key to read pages"
    first = api.request("GET", "/v1/products", key=key)
    assert first.status_code == 200, describe(first)
    form = _form(body_of(first))
    size = "perPage" if form == "page" else "limit"
    count = _count(api, key, form, size)
    if count < NEEDED and not target.read_only and target.session:
        served(api, "POST", "/v1/products")
        for _ in range(NEEDED - count):
            made = create_product(api, key)
            assert made.status_code == 201, f"cannot create the products a full page needs: {describe(made)}"
        count = _count(api, key, form, size)
    return Pages(key, size, form, count)


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
def test_default_page_holds_the_documented_number_of_items(api: Api, pages: Pages) -> None:
    if pages.count <= 25:
        pytest.skip(f"needs more than 25 products to see the default page size ({ENV_SESSION} lets the run add them)")
    resp = api.request("GET", "/v1/products", key=pages.key)
    got = len(list_items(body_of(resp)) or [])
    if got in (20, 25) and got != pages.default:
        differs(f"the {pages.form} form pages {got} items by default", contradiction=4)
    assert got == pages.default, (
        f"a page holds {got} items by default, documented {pages.default} ({pages.form} form): {describe(resp)}"
    )


@pytest.mark.claim("C37")
@pytest.mark.parametrize("asked", [101, 500])
def test_a_page_holds_at_most_100_items(api: Api, pages: Pages, asked: int) -> None:
    if pages.count < NEEDED:
        pytest.skip(f"needs more than 100 products to see the cap ({ENV_SESSION} lets the run add them)")
    full = api.request("GET", "/v1/products", key=pages.key, params={pages.size: 100})
    assert full.status_code == 200 and len(list_items(body_of(full)) or []) == 100, (
        f"{pages.size}=100 (the documented maximum) does not give a full page: {describe(full)}"
    )
    big = api.request("GET", "/v1/products", key=pages.key, params={pages.size: asked})
    if big.status_code != 200:
        assert big.status_code in (400, 422), describe(big)
        return
    assert len(list_items(body_of(big)) or []) <= 100, f"{pages.size}={asked} gives more than 100 items on one page"


@pytest.mark.claim("C37")
def test_page_size_one_gives_one_item(api: Api, reader: str) -> None:
    size = "perPage" if _form(body_of(api.request("GET", "/v1/products", key=reader))) == "page" else "limit"
    one = api.request("GET", "/v1/products", key=reader, params={size: 1})
    assert one.status_code == 200 and len(list_items(body_of(one)) or []) <= 1, describe(one)


@pytest.mark.claim("C38")
def test_cursor_pagination_when_offered(api: Api, reader: str) -> None:
    body = body_of(api.request("GET", "/v1/products", key=reader, params={"limit": 1}))
    if not isinstance(body, dict) or "hasMore" not in body:
        pytest.skip("not served (the target pages another documented way, C37)")
    assert isinstance(body["hasMore"], bool), dumps(body)
