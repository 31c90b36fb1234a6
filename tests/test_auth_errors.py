"""Who is refused, and what the 401 says: each way of failing authentication has its own message (C9, C6)."""

from __future__ import annotations

import random
import threading

import pytest
from flask import Flask

from mock_server.api.auth import require_scopes, shown_prefix
from mock_server.errors import Forbidden
from mock_server.state.clock import Clock
from mock_server.state.key_store import ApiKeyStore
from tests.support.clients import QUINTA, Dashboard, json_of

BEARER_HELP = "Send the header 'Authorization: Bearer sk_test_...' with an active API key."
SESSION_HELP = "API keys are managed with a dashboard session: send the cookie 'eulabel_session=...'."


@pytest.mark.claim("C9")
@pytest.mark.parametrize(
    ("header", "message"),
    [
        (None, "Missing API key."),
        ("", "Missing API key."),
        ("Bearer", "Malformed Authorization header."),
        ("Bearer ", "Malformed Authorization header."),
        ("Basic dXNlcjpwYXNz", "Malformed Authorization header."),
        ("Bearer sk_test_notakey", "Invalid API key."),
    ],
)
def test_each_bearer_failure_names_its_cause_and_how_to_authenticate(
    app: Flask, header: str | None, message: str
) -> None:
    headers = {"Authorization": header} if header is not None else {}
    r = app.test_client().get("/v1/products", headers=headers)
    assert r.status_code == 401
    assert r.json == {"error": "unauthorized", "message": message, "suggestion": BEARER_HELP, "status": 401}
    assert r.headers["WWW-Authenticate"] == 'Bearer realm="eulabel"'


@pytest.mark.claim("C9")
@pytest.mark.parametrize("scheme", ["Token", "Basic", "Key", "Bearer:", "Bearerx"])
def test_an_active_key_under_another_scheme_than_bearer_is_refused(api: Dashboard, scheme: str) -> None:
    secret = api.secret(["products:read"])
    r = api.app.test_client().get("/v1/products", headers={"Authorization": f"{scheme} {secret}"})
    assert r.status_code == 401
    assert r.json == {
        "error": "unauthorized",
        "message": "Malformed Authorization header.",
        "suggestion": BEARER_HELP,
        "status": 401,
    }


def test_revoked_key_is_an_invalid_key(api: Dashboard) -> None:
    created = json_of(api.create_key())
    api.revoke(created["id"])
    r = api.products(created["secret"])
    assert r.status_code == 401
    assert json_of(r) == {
        "error": "unauthorized",
        "message": "Invalid API key.",
        "suggestion": BEARER_HELP,
        "status": 401,
    }


@pytest.mark.claim("C6")
@pytest.mark.parametrize(
    ("cookie", "authorization", "message"),
    [
        (None, None, "A dashboard session is required."),
        ("sess_unknown", None, "The session is invalid or has expired."),
        ("sess_unknown", "Bearer sk_test_x", "The session is invalid or has expired."),
        (None, "Bearer sk_test_x", "API keys cannot manage API keys; this endpoint needs a dashboard session."),
    ],
)
def test_each_session_failure_names_its_cause_and_how_to_get_a_session(
    app: Flask, cookie: str | None, authorization: str | None, message: str
) -> None:
    client = app.test_client()
    if cookie is not None:
        client.set_cookie("eulabel_session", cookie)
    headers = {"Authorization": authorization} if authorization is not None else {}
    r = client.get("/v1/auth/api-keys", headers=headers)
    assert r.status_code == 401
    assert r.json == {"error": "unauthorized", "message": message, "suggestion": SESSION_HELP, "status": 401}


@pytest.mark.claim("C6")
def test_a_valid_session_wins_over_a_bearer_header(api: Dashboard) -> None:
    r = api.list_keys(session=QUINTA, headers={"Authorization": "Bearer sk_test_x"})
    assert r.status_code == 200


@pytest.mark.claim("C10")
def test_a_key_lacking_scopes_is_told_every_alternative_that_would_do() -> None:
    key, _ = ApiKeyStore(random.Random(1), Clock(), threading.RLock(), b"p").create("org", "n", ["products:read"])
    alternatives = (frozenset({"products:read", "passports:write", "passports:read"}), frozenset({"products:write"}))
    with pytest.raises(Forbidden) as exc:
        require_scopes(key, alternatives)
    assert exc.value.message == "This API key lacks the scope passports:read + passports:write or products:write."
    assert exc.value.suggestion == ("Create a key with the needed scope; scopes cannot be added to an existing key.")
    require_scopes(key, (frozenset({"products:write"}), frozenset({"products:read"})))  # one alternative is enough
    require_scopes(key, ())  # an operation that needs no scope


@pytest.mark.parametrize(
    ("token", "shown"),
    [
        ("sk_test_" + "Ab3d" * 6, "sk_test_Ab3d"),
        ("sk_live_" + "Zz9y" * 6, "sk_live_Zz9y"),
        ("sk_prod_" + "Ab3d" * 6, "sk_p"),  # not a key prefix this API issues: just 4 characters
        ("abcdefghij", "abcd"),
        ("abcdef", "abc"),  # never more than half of what was presented
        ("sk_test_ab", "sk_te"),
        ("a\nbcdefgh", "a\nbc"),
        ("", ""),
    ],
)
def test_an_unknown_credential_is_shown_only_as_far_as_a_masked_key_is(token: str, shown: str) -> None:
    assert shown_prefix(token) == shown


@pytest.mark.parametrize(
    "headers",
    [{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, {"Origin": "https://evil.example"}],
)
def test_a_cookie_call_from_another_origin_is_refused_with_a_reason(app: Flask, headers: dict[str, str]) -> None:
    client = app.test_client()
    client.set_cookie("eulabel_session", QUINTA)
    r = client.get("/v1/auth/api-keys", headers=headers)
    assert r.status_code == 403
    assert json_of(r) == {
        "error": "forbidden",
        "message": "Cross-origin requests cannot use the dashboard session.",
        "suggestion": "Call the API from the dashboard's own origin, or without a browser (e.g. curl).",
        "status": 403,
    }
    entry = json_of(app.test_client().get("/_mock/journal"))["data"][-1]
    assert entry["reason"] == {
        "code": "cross_origin",
        "origin": "https://evil.example",
        "secFetchSite": headers.get("Sec-Fetch-Site"),
    }


def test_the_scope_refusal_reason_lists_the_alternatives_only_when_there_are_several() -> None:
    key, _ = ApiKeyStore(random.Random(1), Clock(), threading.RLock(), b"p").create("org", "n", ["products:read"])
    with pytest.raises(Forbidden) as exc:
        require_scopes(key, (frozenset({"products:write"}),))
    assert exc.value.reason == {"code": "missing_scope", "scope": "products:write", "keyId": key.id}
    with pytest.raises(Forbidden) as exc:
        require_scopes(key, (frozenset({"passports:write"}), frozenset({"products:write", "passports:read"})))
    assert exc.value.reason == {
        "code": "missing_scope",
        "scope": "passports:write",
        "keyId": key.id,
        "anyOf": ["passports:write", "passports:read + products:write"],
    }
