"""The clock stays where every date is representable; no control-plane sequence leaves a 500 (issue 10, item 3).

Freezing at 253402300799 (9999-12-31T23:59:59Z) and advancing one second used to leave every
dated answer failing until a reset. The range 1970-01-01 .. 9999-01-01 is this project's choice
(the docs have no clock): a running clock then has a year before datetime's end.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from mock_server import create_app
from mock_server.control.endpoints import LATEST
from tests.support.clients import QUINTA, json_of

END_OF_9999 = 253402300799


def test_latest_is_the_start_of_year_9999() -> None:
    assert LATEST == 253370764800


@pytest.mark.parametrize(
    "at",
    [
        END_OF_9999,
        LATEST + 1,
        "9999-12-31T23:59:59Z",
        "9999-01-01T00:00:01Z",
        "9998-12-31T23:30:00-01:00",
        "0001-01-01T00:00:00+01:00",
        "1969-12-31T23:59:59Z",
        1e300,
        -1,
    ],
)
def test_freezing_beyond_the_representable_range_is_a_422(client: FlaskClient, at: Any) -> None:
    r = client.post("/_mock/clock/freeze", json={"at": at})
    assert (r.status_code, json_of(r)["error"], json_of(r)["param"]) == (422, "validation_error", "at")
    assert client.get("/_mock/clock").status_code == 200


def test_advancing_past_the_latest_instant_is_a_422_and_the_mock_keeps_working(client: FlaskClient) -> None:
    assert client.post("/_mock/clock/freeze", json={"at": LATEST}).status_code == 200
    r = client.post("/_mock/clock/advance", json={"seconds": 1})
    assert (r.status_code, json_of(r)["param"]) == (422, "seconds")
    assert json_of(client.get("/_mock/clock"))["epoch"] == LATEST
    client.set_cookie("eulabel_session", QUINTA)
    created = client.post("/v1/auth/api-keys", json={"name": "k", "scopes": ["products:read"]})
    assert created.status_code == 201
    assert json_of(created)["createdAt"] == "9999-01-01T00:00:00.000Z"
    assert client.post("/_mock/clock/unfreeze").status_code == 200
    assert client.get("/_mock/journal").status_code == 200


def test_a_running_clock_cannot_be_advanced_past_the_latest_instant(client: FlaskClient) -> None:
    now = json_of(client.get("/_mock/clock"))["epoch"]
    r = client.post("/_mock/clock/advance", json={"seconds": LATEST - now + 3600})
    assert (r.status_code, json_of(r)["param"]) == (422, "seconds")


INSTANTS = (
    st.integers(min_value=-(2**40), max_value=2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from([0, LATEST, LATEST - 1, LATEST + 1, END_OF_9999, END_OF_9999 + 1])
    | st.builds(
        lambda year, zone: f"{year:04d}-12-31T23:30:00{zone}",
        st.integers(min_value=1, max_value=9999),
        st.sampled_from(["Z", "+00:00", "-01:00", "+23:59", "-23:59", ""]),
    )
    | st.text(max_size=12)
)
SECONDS = st.floats(min_value=-10.0, max_value=4e8, allow_nan=False) | st.integers(min_value=-5, max_value=10**9)


# Faults that answer below 500, so any 5xx seen is the mock's own failure.
FAULTS = st.fixed_dictionaries(
    {"action": st.sampled_from(["latency", "status"]), "path": st.sampled_from(["/v1/*", "/v1/auth/api-keys"])},
    optional={"times": st.integers(-1, 3), "probability": st.floats(0, 1), "method": st.sampled_from(["GET", "*"])},
).map(lambda rule: {**rule, "ms": 0} if rule["action"] == "latency" else {**rule, "status": 429})


class ClockSequences(RuleBasedStateMachine):
    """Any sequence of control-plane calls, interleaved with calls that format dates, answers below 500 in JSON."""

    def __init__(self) -> None:
        super().__init__()
        self.app: Flask = create_app({"SEED": 11, "RATE_LIMIT": "0"})
        self.client = self.app.test_client()
        self.client.set_cookie("eulabel_session", QUINTA)
        self.statuses: list[int] = []

    def call(self, method: str, path: str, body: Any = None) -> None:
        data = None if body is None else json.dumps(body)
        r = self.client.open(path, method=method, data=data, content_type="application/json")
        assert r.status_code < 500, (method, path, body, r.get_data(as_text=True)[:200])
        assert r.status_code == 204 or r.is_json
        self.statuses.append(r.status_code)

    @rule(at=INSTANTS)
    def freeze(self, at: Any) -> None:
        self.call("POST", "/_mock/clock/freeze", {"at": at})

    @rule()
    def freeze_now(self) -> None:
        self.call("POST", "/_mock/clock/freeze")

    @rule(seconds=SECONDS)
    def advance(self, seconds: float) -> None:
        self.call("POST", "/_mock/clock/advance", {"seconds": seconds})

    @rule()
    def unfreeze(self) -> None:
        self.call("POST", "/_mock/clock/unfreeze")

    @rule()
    def create_and_list_keys(self) -> None:
        self.call("POST", "/v1/auth/api-keys", {"name": "clock", "scopes": ["products:read"]})
        self.call("GET", "/v1/auth/api-keys")

    @rule(body=FAULTS)
    def add_fault(self, body: dict[str, Any]) -> None:
        self.call("POST", "/_mock/faults", body)

    @rule()
    def clear_faults(self) -> None:
        self.call("DELETE", "/_mock/faults")

    @rule(org=st.none() | st.text(max_size=8))
    def new_session(self, org: str | None) -> None:
        self.call("POST", "/_mock/sessions", {} if org is None else {"organizationId": org})

    @rule()
    def read_journal(self) -> None:
        self.call("GET", "/_mock/journal?limit=5")

    @rule()
    def reset(self) -> None:
        self.call("POST", "/_mock/reset")

    @invariant()
    def clock_answers(self) -> None:
        r = self.client.get("/_mock/clock")
        assert r.status_code == 200
        assert 0 <= json_of(r)["epoch"] <= LATEST + 60  # a running clock moves on by seconds at most


ClockSequences.TestCase.settings = settings(
    max_examples=40, stateful_step_count=15, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
test_no_clock_sequence_leaves_the_mock_answering_500 = ClockSequences.TestCase
