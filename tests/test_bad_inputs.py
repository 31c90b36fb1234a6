"""Every case of the bad-input catalogue (tests/support/bad_inputs.py) gets its documented JSON error, never a
5xx, on every server the mock can use: called in-process, on the in-thread server of ``EulabelMock``
and the pytest fixture, on granian and on waitress (sent there as raw bytes)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.support.bad_input_transports import TRANSPORTS, Target, target
from tests.support.bad_inputs import CASES, FAKE_KEY, SERVED, Bad
from tests.support.clients import DATA_SCOPES


@pytest.fixture(scope="module", params=TRANSPORTS)
def mock(request: pytest.FixtureRequest) -> Iterator[Target]:
    with target(request.param) as started:
        yield started


@pytest.fixture(scope="module")
def secrets(mock: Target) -> dict[str, str]:
    return {"key": mock.secret(DATA_SCOPES), "read": mock.secret(["products:read"])}


def test_the_catalogue_has_at_least_120_uniquely_named_cases() -> None:
    names = [case.name for case in CASES]
    assert len(names) >= 120
    assert len(set(names)) == len(names)


def authorization(case: Bad, secrets: dict[str, str]) -> str | None:
    if not (case.auth.startswith("key") or case.auth == "read"):
        return None
    secret = secrets["read" if case.auth == "read" else "key"]
    return (case.auth.partition(":")[2] or "Bearer {k}").format(k=secret)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_bad_input_gets_its_documented_json_error(mock: Target, secrets: dict[str, str], case: Bad) -> None:
    answer = mock.send(case, authorization(case, secrets))
    status, code = case.on.get(mock.name, (case.status, case.code))
    assert FAKE_KEY[12:].encode() not in answer.body
    if code is None:  # a bare answer of the server's own HTTP layer (docs/serving.md)
        assert (answer.status, answer.body) == (status, b""), answer
        return
    assert answer.content_type == "application/json", answer
    body = json.loads(answer.body)
    if code == SERVED:  # the wire carried another, valid request (tests/support/bad_inputs.py says why)
        assert (answer.status, "error" in body) == (status, False), body
        return
    assert (answer.status, body["error"]) == (status, code), body
    assert body["status"] == status and body["message"]
    if case.param is not None and case.on.get(mock.name) is None:
        assert body.get("param") == case.param, body
    if case.says is not None and case.on.get(mock.name) is None:
        assert case.says in body["message"], body
