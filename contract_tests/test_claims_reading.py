"""C47 in a read-only run: the existing key QA gives (``EULABEL_API_KEY``, products:read) reads products and
passports. Nothing here writes; the checks use what the organisation already holds."""

from __future__ import annotations

from typing import Any

import pytest

from .client import Api
from .responses import body_of, describe
from .shapes import list_items, strings
from .target import ENV_API_KEY


def _ids(items: list[Any], names: tuple[str, ...]) -> list[str]:
    found = [str(i.get(n)) for i in items if isinstance(i, dict) for n in names if i.get(n)]
    return list(dict.fromkeys(found))


@pytest.mark.claim("C47")
def test_an_existing_products_read_key_reads_products_and_passports(api: Api, api_key: str) -> None:
    listed = api.request("GET", "/v1/products", key=api_key)
    assert listed.status_code != 403, f"{ENV_API_KEY} lacks products:read: {describe(listed)}"
    assert listed.status_code == 200, describe(listed)
    items = list_items(body_of(listed))
    assert items is not None, f"no list of products: {describe(listed)}"
    product_ids = _ids(items, ("productId", "internalId", "id"))
    if not product_ids:
        pytest.skip("the organisation of EULABEL_API_KEY has no product to read")
    # The read paths by id are not documented; what C47 promises is the permission: never 401 or 403.
    one = api.request("GET", f"/v1/products/{product_ids[0]}", key=api_key)
    assert one.status_code not in (401, 403), f"reading a listed product with products:read: {describe(one)}"
    passports = [v for k, v in strings([items, body_of(one)]) if k == "passportId" and v]
    for passport_id in passports[:1]:
        resp = api.request("GET", f"/v1/passports/{passport_id}", key=api_key)
        assert resp.status_code not in (401, 403), f"reading a passport with products:read: {describe(resp)}"
