"""Integer query parameters are checked by comparison, and give the answer jsonschema gives (C24)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_server import create_app
from mock_server.api.spec import load_spec, operations
from tests.support.clients import Dashboard

LIST_PRODUCTS = next(op for op in operations(load_spec()) if op.operation_id == "listProducts")
VALUES = st.one_of(st.integers(-3, 1_000_000_002), st.sampled_from(["", "x", "1.5", "01", "-0", " 1", "1e3"]))


@pytest.fixture(scope="module")
def products_api() -> tuple[Dashboard, str]:
    api = Dashboard(create_app({"SEED": 7, "RATE_LIMIT": "0"}))
    return api, api.secret(["products:read"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(limit=st.one_of(st.none(), VALUES), offset=st.one_of(st.none(), VALUES))
def test_a_query_is_accepted_exactly_when_its_schema_allows_it(
    products_api: tuple[Dashboard, str], limit: Any, offset: Any
) -> None:
    api, secret = products_api
    given_values = {name: value for name, value in (("limit", limit), ("offset", offset)) if value is not None}
    query = "&".join(f"{name}={value}" for name, value in given_values.items())
    typed = {n: int(v) if isinstance(v, int) or str(v).lstrip("-").isdigit() else v for n, v in given_values.items()}
    assert LIST_PRODUCTS.query_validator is not None
    valid = LIST_PRODUCTS.query_validator.is_valid(typed)
    r = api.products(secret, "?" + query if query else "")
    assert r.status_code == (200 if valid else 422), (query, r.get_json())


def test_only_plain_integer_ranges_skip_the_schema() -> None:
    assert {name: p.int_range for name, p in LIST_PRODUCTS.query.items()} == {
        "limit": (1, 100),
        "offset": (0, 1_000_000_000),
    }
