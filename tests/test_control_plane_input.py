"""Whatever JSON the control plane gets, it answers with a documented status and a JSON body."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_server import create_app

APP = create_app({"SEED": 1})
FIELDS = [
    "action",
    "path",
    "method",
    "times",
    "probability",
    "ms",
    "status",
    "retryAfter",
    "at",
    "seconds",
    "organizationId",
]
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(
        ["latency", "status", "drop_after_commit", "/v1/products", "/v1/auth/api-keys", "POST", "*", 429, 503, 0.5]
    )
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=5,
)
BODIES = st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=5) | VALUES


@pytest.mark.parametrize("path", ["/_mock/faults", "/_mock/clock/freeze", "/_mock/clock/advance", "/_mock/sessions"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=BODIES)
def test_control_plane_answers_any_json_without_a_server_error(path: str, body: Any) -> None:
    client = APP.test_client()
    r = client.post(path, data=json.dumps(body), content_type="application/json")
    assert r.status_code in (200, 201, 400, 404, 422)
    assert r.is_json
    client.post("/_mock/reset")
