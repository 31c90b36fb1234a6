"""Claim tests for bearer auth, scopes, the request format and errors (C1, C2, C9, C10, C21-C31)."""

from __future__ import annotations

import secrets
import string

import pytest

from .client import KEYS, Api
from .fixtures import MakeKey
from .responses import body_of, describe, dumps
from .shapes import code_ok, expected_codes, iso_utc, parse_error, timestamps
from .target import Target


def _fake_key() -> str:
    return "sk_test_" + "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))


@pytest.mark.claim("C1")
@pytest.mark.claim("C31")
def test_api_is_served_under_the_v1_prefix(api: Api) -> None:
    resp = api.request("GET", "/v1/products")
    assert resp.status_code == 401, f"/v1/products is not served as an authenticated endpoint: {describe(resp)}"
    keys = api.request("GET", KEYS)
    assert keys.status_code in (401, 403), describe(keys)


@pytest.mark.claim("C2")
@pytest.mark.destructive
def test_key_is_sent_as_a_bearer_token(api: Api, make_key: MakeKey) -> None:
    created = make_key(["products:read"])
    resp = api.request("GET", "/v1/products", headers={"Authorization": f"Bearer {created.secret}"})
    assert resp.status_code == 200, describe(resp)


@pytest.mark.claim("C9")
@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer not-a-key", "FAKE", "Basic dXNlcjpwYXNz"],
    ids=["missing", "empty-bearer", "garbage", "unknown-key", "basic"],
)
def test_missing_or_invalid_key_is_401(api: Api, header: str | None) -> None:
    if header == "FAKE":
        header = f"Bearer {_fake_key()}"
    resp = api.request("GET", "/v1/products", headers={"Authorization": header} if header else None)
    assert resp.status_code == 401, describe(resp)


@pytest.mark.claim("C10")
@pytest.mark.destructive
def test_key_without_the_scope_is_403(api: Api, make_key: MakeKey) -> None:
    created = make_key(["products:write", "passports:write"], label="noscope")
    resp = api.use(created.secret)
    assert resp.status_code == 403, f"GET /v1/products without products:read: {describe(resp)}"


@pytest.mark.claim("C21")
@pytest.mark.destructive
def test_responses_are_json(api: Api, session: str, make_key: MakeKey) -> None:
    """Every answer with a body is JSON; a status the docs do not fix may come without one (a 204)."""
    created = make_key(["products:read"])
    for resp in (api.list_keys(session)[0], api.use(created.secret), api.request("GET", "/v1/products")):
        assert resp.headers.get("Content-Type", "").split(";")[0].strip() == "application/json", describe(resp)
        assert body_of(resp) is not None, describe(resp)


@pytest.mark.claim("C22")
@pytest.mark.destructive
def test_timestamps_are_iso8601_utc(api: Api, session: str, make_key: MakeKey) -> None:
    created = make_key(["products:read"])
    api.use(created.secret)
    resp, items = api.list_keys(session)
    found = list(timestamps(created.body)) + list(timestamps(items))
    bad = [(f, v) for f, v in found if not iso_utc(v)]
    assert not bad, f"timestamps not in ISO 8601 UTC: {bad[:5]}"
    if not found:
        pytest.skip("not applicable (no timestamp in the key responses)")


# --- errors ---------------------------------------------------------------------------------------
def _errors(api: Api, session: str | None, scoped_key: str | None) -> list[tuple[int, object]]:
    """Provoke documented error statuses; returns (status, body) pairs."""
    out = [api.request("GET", "/v1/products"), api.request("GET", "/v1/products", key=_fake_key())]
    if scoped_key:
        out.append(api.use(scoped_key))
    if session:
        out += [
            api.request("DELETE", f"{KEYS}/key_000000000000000000000000", session=session),
            api.request(
                "POST", KEYS, session=session, data=b'{"name": "x",', headers={"Content-Type": "application/json"}
            ),
            api.request("POST", KEYS, session=session, json={"name": api.unique_name("bad"), "scopes": "x"}),
        ]
    return [(r.status_code, body_of(r)) for r in out]


@pytest.fixture(scope="module")
def error_samples(api: Api, target: Target) -> list[tuple[int, object]]:
    read_only = target.read_only
    scoped = None
    if target.session and not read_only:
        created = api.create_key(target.session, ["products:write"], label="errors")
        scoped = created.secret
    return [(s, b) for s, b in _errors(api, None if read_only else target.session, scoped) if s >= 400]


@pytest.mark.claim("C24")
def test_errors_share_one_documented_structure(error_samples: list[tuple[int, object]]) -> None:
    shapes = {parse_error(b).shape for _, b in error_samples}
    assert "unknown" not in shapes, "an error body is neither the flat nor the nested documented shape: " + dumps(
        [b for _, b in error_samples if parse_error(b).shape == "unknown"][:2]
    )
    assert len(shapes) == 1, f"errors mix the flat and nested shapes: {dumps(error_samples[:6])}"
    for _, body in error_samples:
        assert parse_error(body).message, f"an error without a message: {dumps(body)}"


@pytest.mark.claim("C25")
def test_flat_error_status_matches_http_status(error_samples: list[tuple[int, object]]) -> None:
    flat = [(s, b) for s, b in error_samples if parse_error(b).shape == "flat"]
    if not flat:
        pytest.skip("not applicable (the target answers with nested errors)")
    for status, body in flat:
        assert parse_error(body).status == status, f"HTTP {status} but body status differs: {dumps(body)}"


@pytest.mark.claim("C26")
def test_flat_error_suggestion_is_text_when_present(error_samples: list[tuple[int, object]]) -> None:
    flat = [b for _, b in error_samples if parse_error(b).shape == "flat"]
    if not flat:
        pytest.skip("not applicable (the target answers with nested errors)")
    for body in flat:
        assert (
            not isinstance(body, dict)
            or "suggestion" not in body
            or (isinstance(body["suggestion"], str) and body["suggestion"].strip())
        ), dumps(body)


@pytest.mark.claim("C27")
def test_error_codes_follow_the_documented_table(error_samples: list[tuple[int, object]]) -> None:
    for status, body in error_samples:
        err = parse_error(body)
        assert code_ok(status, err), (
            f"HTTP {status} with code {err.code!r}, documented {sorted(expected_codes(status, err.shape))}"
        )


@pytest.mark.destructive
@pytest.mark.claim("C27")
@pytest.mark.claim("C15")
def test_revoking_an_unknown_key_changes_nothing_and_a_404_says_not_found(
    api: Api, session: str, make_key: MakeKey
) -> None:
    """The docs give no status for an unknown key id (ours is 404, an assumption); a 404 carries not_found."""
    kept = make_key(["products:read"], label="bystander")
    for key_id in ("key_000000000000000000000000", "00000000-0000-4000-8000-000000000000", "no-such-key"):
        resp = api.request("DELETE", f"{KEYS}/{key_id}", session=session)
        assert resp.status_code < 500, f"revoking a key that does not exist: {describe(resp)}"
        if resp.status_code >= 400:
            err = parse_error(body_of(resp))
            assert code_ok(resp.status_code, err), (
                f"HTTP {resp.status_code} with code {err.code!r}, documented "
                f"{sorted(expected_codes(resp.status_code, err.shape))}: {describe(resp)}"
            )
    assert api.use(kept.secret).status_code == 200, "revoking unknown ids revoked another key"


@pytest.mark.destructive
@pytest.mark.claim("C28")
@pytest.mark.parametrize(
    "raw",
    [b'{"name": "x",', b"not json", b'{"name": "a", "scopes": [}', b"\xff\xfe"],
    ids=["truncated", "text", "broken-array", "not-utf8"],
)
def test_malformed_json_is_400(api: Api, session: str, raw: bytes) -> None:
    resp = api.request("POST", KEYS, session=session, data=raw, headers={"Content-Type": "application/json"})
    assert resp.status_code == 400, describe(resp)
    assert code_ok(400, parse_error(body_of(resp))), describe(resp)


@pytest.mark.destructive
@pytest.mark.claim("C29")
@pytest.mark.parametrize(
    ("body", "param"),
    [({"scopes": "products:read"}, "scopes"), ({"name": 42}, "name")],
    ids=["scopes-not-a-list", "name-not-text"],
)
def test_invalid_values_are_422_naming_the_field(api: Api, session: str, body: dict[str, object], param: str) -> None:
    payload = {"name": api.unique_name("invalid"), "scopes": ["products:read"], **body}
    created = api.create_key(session, body=payload)
    assert created.status == 422, f"invalid {param}: status {created.status}, body {dumps(created.body)}"
    err = parse_error(created.body)
    assert err.code == "validation_error", dumps(created.body)
    if err.shape == "nested" or err.param is not None:
        assert err.param is not None and err.param.split(".")[0].split("[")[0] == param, dumps(created.body)


@pytest.mark.claim("C12")
@pytest.mark.parametrize("path", ["/v1/products", KEYS])
def test_a_401_never_echoes_the_presented_key(api: Api, path: str) -> None:
    """A refused key is not shown back: an answer that repeats it puts a secret in every log it reaches."""
    presented = _fake_key()
    resp = api.request("GET", path, key=presented)
    assert resp.status_code in (401, 403), describe(resp)
    shown = resp.text + "\n" + "\n".join(f"{k}: {v}" for k, v in resp.headers.items())
    body = presented.removeprefix("sk_test_")
    assert body[:16] not in shown, f"the {resp.status_code} repeats the presented key: {describe(resp)}"


@pytest.mark.claim("C9")
@pytest.mark.claim("C27")
def test_401_uses_the_documented_code(api: Api) -> None:
    resp = api.request("GET", "/v1/products", key=_fake_key())
    assert resp.status_code == 401 and code_ok(401, parse_error(body_of(resp))), describe(resp)


@pytest.mark.assumption
def test_401_carries_www_authenticate(api: Api) -> None:
    resp = api.request("GET", "/v1/products")
    assert resp.headers.get("WWW-Authenticate", "").lower().startswith("bearer"), describe(resp)


@pytest.mark.destructive
@pytest.mark.assumption
@pytest.mark.mock_only
def test_mock_rejects_unknown_query_parameters_and_fields(api: Api, session: str) -> None:
    query = api.request("GET", KEYS, session=session, params={"bogus": "1"})
    assert query.status_code == 422, describe(query)
    body = api.create_key(session, body={"name": api.unique_name("extra"), "scopes": ["products:read"], "x": 1})
    assert body.status == 422, dumps(body.body)


@pytest.mark.destructive
@pytest.mark.assumption
def test_wrong_content_type_is_400(api: Api, session: str) -> None:
    resp = api.request(
        "POST",
        KEYS,
        session=session,
        data=b'{"name": "x", "scopes": ["products:read"]}',
        headers={"Content-Type": "text/plain"},
    )
    assert resp.status_code == 400, describe(resp)
