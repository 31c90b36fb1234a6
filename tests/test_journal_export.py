"""GET /_mock/journal?format=pytest: a recorded session becomes a test that replays it, and no secret.

The session below has what an integrator's bug report would: successes, refusals (401, 404, 409,
422), a revoked key still used, a key pasted where it does not belong, and injected faults.
"""

from __future__ import annotations

import http.client
import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from mock_server import EulabelMock
from mock_server.testing import MockClient
from tests.support.fresh_project import run_pytest
from tests.support.key_encodings import ENCODINGS, decodings

WINE = {"name": "Vinho", "category": "wine", "gtin": "4006381333931"}


def record_session(mock: MockClient) -> tuple[list[str], int]:
    """Make the calls of a bug report; the secrets they used, and the number of the first refused call."""
    mock.freeze("2030-01-01T00:00:00Z")
    key_id, secret = mock.create_key(scopes=["products:read", "products:write"], name="ci")
    mock.request("GET", "/v1/products", bearer=secret)
    product_id = mock.request("POST", "/v1/products", WINE, bearer=secret).body["productId"]
    mock.advance(3)
    mock.add_fault("latency", f"/v1/products/{product_id}", ms=1, times=1)
    mock.request("GET", f"/v1/products/{product_id}", bearer=secret)
    mock.request("POST", "/v1/products", WINE, bearer=secret)  # 409, the first refusal: call 5
    mock.request("POST", "/v1/products", {**WINE, "name": "", "gtin": "123"}, bearer=secret)  # 422
    mock.request("GET", "/v1/products/00000000-0000-4000-8000-000000000000", bearer=secret)  # 404
    mock.add_fault("status", "/v1/products", status=503, times=1)
    mock.request("GET", "/v1/products?limit=2", bearer=secret)
    mock.add_fault("status", "/v1/products", status=429, retryAfter=2, times=1)
    mock.request("GET", "/v1/products?limit=2", bearer=secret)
    mock.request("GET", "/v1/products", headers={"Authorization": "bearer not-a-key"})  # malformed: 401
    for name in ("literal", "all percent lower", "json all \\u", "base64"):  # a key where it does not belong
        mock.request("GET", "/v1/products", bearer=secret, headers={"X-Debug": ENCODINGS[name](secret)})
    mock.request("GET", "/v1/products?api_key=" + ENCODINGS["quote safe=''"](secret), bearer=secret)  # 422
    mock.request("POST", "/v1/auth/api-keys", {"name": secret, "scopes": ["products:read"]}, session=mock.session)
    mock.keys()
    mock.revoke(key_id)
    mock.request("GET", "/v1/products", bearer=secret)  # 401: revoked
    mock.add_fault("drop_after_commit")
    mock.request("POST", "/v1/auth/api-keys", {"name": "dropped", "scopes": ["products:read"]}, session=mock.session)
    mock.keys()
    return [secret], 5


def replay(source: str, mock: EulabelMock) -> None:
    """Run the exported test function against ``mock``, freshly reset, as pytest would."""
    namespace: dict[str, Any] = {}
    exec(compile(source, "test_replay.py", "exec"), namespace)
    mock.reset()
    namespace["test_replay_of_the_recorded_calls"](mock)


@pytest.fixture
def exported(eulabel_mock: EulabelMock) -> tuple[str, list[str], int]:
    secrets, first_refusal = record_session(eulabel_mock)
    return eulabel_mock.journal_test(), secrets, first_refusal


def test_an_export_replays_green_against_the_mock_it_came_from(
    eulabel_mock: EulabelMock, exported: tuple[str, list[str], int]
) -> None:
    source, _, _ = exported
    assert source.count("\n    expect(ids, ") == len(eulabel_mock.journal())  # one checked call per entry
    replay(source, eulabel_mock)


def test_an_export_fails_at_the_first_differing_call_against_another_error_format(
    exported: tuple[str, list[str], int],
) -> None:
    source, _, first_refusal = exported
    with EulabelMock({"ERROR_FORMAT": "nested"}) as nested, pytest.raises(pytest.fail.Exception) as failed:
        replay(source, nested)
    assert str(failed.value).startswith(f"call {first_refusal} (POST /v1/products): the body differs at /error")


def test_an_export_fails_when_a_status_differs(eulabel_mock: EulabelMock, exported: tuple[str, list[str], int]) -> None:
    source, _, _ = exported
    eulabel_mock.reset()
    with EulabelMock({"REVOCATION_DELAY": 60}) as late, pytest.raises(pytest.fail.Exception) as failed:
        replay(source, late)  # the revoked key still works there: 200 where 401 was recorded
    assert "expected HTTP 401, got 200" in str(failed.value)


def test_the_export_never_holds_a_secret_in_any_encoding(exported: tuple[str, list[str], int]) -> None:
    source, secrets, _ = exported
    for secret in secrets:
        random_part = secret[12:]  # past what the key list shows
        assert not any(random_part in variant for variant in decodings(source)), "the export holds a secret"
    assert "Secret('key_1')" in source and "Text('Bearer {key_1}')" in source


def test_a_key_sent_in_a_request_is_sent_again_as_the_tests_own_key(exported: tuple[str, list[str], int]) -> None:
    source, _, _ = exported
    assert "Text('/v1/products?api_key={key_1}')" in source
    assert "body={'name': Text('{key_1}'), 'scopes': ['products:read']}" in source


@pytest.mark.parametrize("later", [0, 60], ids=["same frozen instant", "a minute later"])
def test_keys_made_before_the_recording_are_made_anew(eulabel_mock: EulabelMock, later: int) -> None:
    eulabel_mock.freeze("2030-01-01T00:00:00Z")
    _, secret = eulabel_mock.create_key(scopes=["products:read"], name="made earlier")
    eulabel_mock.clear_journal()
    if later:
        eulabel_mock.advance(later)
    eulabel_mock.request("GET", "/v1/products", bearer=secret)
    eulabel_mock.keys()
    source = eulabel_mock.journal_test()
    assert "mock.create_key(scopes=['products:read'], name='made earlier', session=sessions['org_quinta'])" in source
    replay(source, eulabel_mock)


def test_filters_choose_the_calls_exported(eulabel_mock: EulabelMock) -> None:
    record_session(eulabel_mock)
    source = eulabel_mock.journal_test(path="/v1/auth/api-keys")
    assert "'GET', '/v1/products'" not in source
    assert source.count("\n    expect(ids, ") == len(eulabel_mock.journal(path="/v1/auth/api-keys"))


@pytest.mark.parametrize("value", ["yaml", "PYTEST", ""])
def test_an_unknown_format_is_a_422_naming_the_parameter(eulabel_mock: EulabelMock, value: str) -> None:
    reply = eulabel_mock.request("GET", "/_mock/journal?format=" + value)
    assert (reply.status, reply.body["error"], reply.body["param"]) == (422, "validation_error", "format")
    assert reply.body["message"] == "format must be one of: json, pytest."


def test_the_export_is_a_python_file_to_save(eulabel_mock: EulabelMock) -> None:
    reply = eulabel_mock.request("GET", "/_mock/journal?format=pytest")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "text/x-python; charset=utf-8"
    assert reply.headers["Content-Disposition"] == 'attachment; filename="test_replay.py"'
    compile(reply.body, "test_replay.py", "exec")


def conftest(config: dict[str, Any]) -> str:
    return textwrap.dedent(f"""
        import pytest

        @pytest.fixture(scope="session")
        def eulabel_mock_config():
            return {json.dumps(config)}
        """)


@pytest.mark.slow
@pytest.mark.parametrize(("config", "outcome"), [({}, "1 passed"), ({"ERROR_FORMAT": "nested"}, "1 failed")])
def test_an_export_runs_in_a_fresh_project(
    tmp_path: Path, exported: tuple[str, list[str], int], config: dict[str, Any], outcome: str
) -> None:
    source, _, first_refusal = exported
    files = {"test_replay.py": source, "conftest.py": conftest(config)}
    proc = run_pytest(tmp_path, "-p", "no:xdist", files=files, timeout=120)
    assert outcome in proc.stdout, proc.stdout[-3000:] + proc.stderr[-2000:]
    if config:
        assert f"call {first_refusal} (POST /v1/products): the body differs at /error" in proc.stdout


def test_a_create_whose_answer_was_cut_off_is_replayed_as_cut_off(eulabel_mock: EulabelMock) -> None:
    eulabel_mock.add_fault("drop_after_commit", disconnect=True)
    with pytest.raises((OSError, http.client.HTTPException)):
        eulabel_mock.request(
            "POST", "/v1/auth/api-keys", {"name": "lost", "scopes": ["products:read"]}, session=eulabel_mock.session
        )
    [orphan] = eulabel_mock.keys()
    source = eulabel_mock.journal_test()
    assert "with pytest.raises(CUT_OFF):" in source
    replay(source, eulabel_mock)
    assert [key["name"] for key in eulabel_mock.keys()] == [orphan["name"]]  # created, as recorded
