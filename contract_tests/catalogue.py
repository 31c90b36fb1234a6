"""What the product and passport checks share: keys with given scopes, the fixtures, and a product maker.

A check is skipped, with the reason, when the target does not serve the endpoint (404/405 on the route).
"""

from __future__ import annotations

from typing import Any

import pytest
import requests

from . import gtins
from .client import Api
from .target import ENV_API_KEY, ENV_SESSION, Target


def served(api: Api, method: str, path: str) -> None:
    probe = api.request(method, path, json={}) if method == "POST" else api.request(method, path)
    if probe.status_code in (404, 405):
        pytest.skip(f"not served ({method} {path} answered {probe.status_code})")


def key_for(api: Api, target: Target, scopes: list[str], label: str) -> str:
    if not target.session:
        pytest.skip(f"need {ENV_SESSION} to create the keys these checks use")
    created = api.create_key(target.session, scopes, label=label)
    assert created.secret and 200 <= created.status < 300, f"cannot create a key: status {created.status}"
    return created.secret


@pytest.fixture(scope="module")
def products(api: Api, target: Target) -> dict[str, str]:
    served(api, "POST", "/v1/products")
    return {
        "writer": key_for(api, target, ["products:write", "products:read"], "writer"),
        "reader": key_for(api, target, ["products:read"], "reader"),
    }


@pytest.fixture(scope="module")
def reader(api: Api, target: Target) -> str:
    """A products:read key (EULABEL_API_KEY in a read-only run); GET /v1/products is served before the
    write endpoints are."""
    if (target.read_only or not target.session) and target.api_key:
        return target.api_key
    if target.read_only:
        pytest.skip(f"a --read-only run creates no key: set {ENV_API_KEY} (products:read) to read products")
    return key_for(api, target, ["products:read"], "listreader")


@pytest.fixture(scope="module")
def passports(api: Api, target: Target, products: dict[str, str]) -> dict[str, str]:
    served(api, "POST", "/v1/passports")
    return {
        **products,
        "pwriter": key_for(api, target, ["passports:write", "passports:read"], "pwriter"),
        "preader": key_for(api, target, ["passports:read"], "preader"),
        "writeonly": key_for(api, target, ["products:write"], "writeonly"),
    }


def create_product(api: Api, key: str, **fields: Any) -> requests.Response:
    body = {"name": api.unique_name("product"), "category": "wine", "gtin": gtins.make(), **fields}
    return api.request("POST", "/v1/products", key=key, json={k: v for k, v in body.items() if v is not None})
