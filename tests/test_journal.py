"""The request journal under /_mock/journal: what it records, what it redacts, how it is bounded."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server import create_app
from mock_server.redaction import redact_headers
from tests.support.clients import QUINTA, Dashboard, json_of, leaks


def journal(client: FlaskClient, query: str = "") -> list[dict[str, Any]]:
    r = client.get(f"/_mock/journal{query}")
    assert r.status_code == 200
    return list(json_of(r)["data"])


def test_journal_records_method_path_status_and_duration(api: Dashboard, client: FlaskClient) -> None:
    api.list_keys()
    [entry] = journal(client)
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/v1/auth/api-keys", 200)
    assert entry["durationMs"] >= 0
    assert entry["response"]["body"]["data"] == []


def test_journal_masks_the_secret_of_the_create_response(api: Dashboard, client: FlaskClient) -> None:
    r = api.create_key(["products:read"])
    secret = json_of(r)["secret"]
    [entry] = journal(client)
    text = json.dumps(entry)
    leaked = leaks(secret, text)
    assert not leaked, "the full secret appears in the journal"
    assert entry["response"]["body"]["secret"] == secret[:12] + "…"


def test_journal_redacts_authorization_and_cookie_values(api: Dashboard, client: FlaskClient) -> None:
    secret = api.secret()
    api.products(secret)
    entry = journal(client, "?path=/v1/products")[0]
    headers = entry["request"]["headers"]
    assert headers["Authorization"] == "Bearer [redacted]"
    leaked = leaks(secret, json.dumps(entry))
    assert not leaked, "the bearer secret appears in the journal"
    create = journal(client, "?method=POST")[0]
    assert create["request"]["headers"]["Cookie"] == "eulabel_session=[redacted]"
    assert QUINTA not in json.dumps(create)


def test_journal_masks_secrets_sent_in_a_body_or_query(client: FlaskClient) -> None:
    fake = "sk_test_" + "Zq9" * 10 + "xy"
    client.set_cookie("eulabel_session", QUINTA)
    client.post(f"/v1/auth/api-keys?token={fake}", json={"name": fake, "scopes": []})
    [entry] = journal(client)
    leaked = leaks(fake, json.dumps(entry))
    assert not leaked, "a secret-shaped value in the request appears in the journal"
    assert entry["status"] == 422
    assert entry["request"]["body"]["name"] == fake[:12] + "…"
    assert entry["query"] == "token=" + fake[:12] + "…"


def test_redact_headers_keeps_scheme_and_cookie_names_only() -> None:
    out = redact_headers([("Authorization", "Basic abc"), ("Cookie", "a=1; eulabel_session=x"), ("X-Id", "7")])
    assert out == {
        "Authorization": "Basic [redacted]",
        "Cookie": "a=[redacted]; eulabel_session=[redacted]",
        "X-Id": "7",
    }


def test_control_plane_calls_are_not_journaled(client: FlaskClient) -> None:
    client.post("/_mock/sessions")
    client.get("/_mock/clock")
    assert journal(client) == []


def test_journal_filters_by_method_path_glob_status_and_limit(api: Dashboard, client: FlaskClient) -> None:
    api.list_keys()
    api.create_key(["products:read"])
    api.list_keys(session=None)
    api.revoke("key_nope")
    assert [e["method"] for e in journal(client, "?method=post")] == ["POST"]
    assert len(journal(client, "?path=/v1/auth/api-keys/*")) == 1
    assert [e["status"] for e in journal(client, "?status=401")] == [401]
    assert [e["status"] for e in journal(client, "?limit=2")] == [401, 404]


@pytest.mark.parametrize(
    "query, param",
    [
        ("?limit=0", "limit"),
        ("?limit=abc", "limit"),
        ("?status=99", "status"),
        ("?colour=red", "colour"),
    ],
)
def test_bad_journal_filters_get_a_422(client: FlaskClient, query: str, param: str) -> None:
    r = client.get(f"/_mock/journal{query}")
    assert r.status_code == 422
    assert json_of(r)["param"] == param


def test_journal_is_bounded_by_its_size() -> None:
    app = create_app({"JOURNAL_SIZE": 2})
    client = app.test_client()
    for path in ("/v1/a", "/v1/b", "/v1/c"):
        client.get(path)
    assert [e["path"] for e in journal(client)] == ["/v1/b", "/v1/c"]


def test_journal_size_zero_records_nothing() -> None:
    client = create_app({"JOURNAL_SIZE": 0}).test_client()
    client.get("/v1/products")
    assert journal(client) == []


def test_delete_clears_the_journal_and_reset_does_too(api: Dashboard, client: FlaskClient) -> None:
    api.list_keys()
    assert client.delete("/_mock/journal").status_code == 204
    assert journal(client) == []
    api.list_keys()
    client.post("/_mock/reset")
    assert journal(client) == []


def test_journal_records_the_bodies_of_error_responses(client: FlaskClient) -> None:
    client.set_cookie("eulabel_session", QUINTA)
    client.post("/v1/auth/api-keys", data="{bad", content_type="application/json")
    [entry] = journal(client)
    assert entry["status"] == 400
    assert entry["request"]["body"] == "{bad"
    assert entry["response"]["body"]["error"] == "bad_request"


def test_a_body_over_the_size_limit_gets_a_413_and_is_journaled_without_it(client: FlaskClient) -> None:
    client.set_cookie("eulabel_session", QUINTA)
    r = client.post("/v1/auth/api-keys", data=b"x" * (1024 * 1024 + 1), content_type="application/json")
    assert (r.status_code, json_of(r)["error"]) == (413, "payload_too_large")
    [entry] = journal(client)
    assert (entry["status"], entry["request"]["body"]) == (413, None)


def test_a_secret_spelled_with_json_escapes_is_masked_too() -> None:
    from mock_server.redaction import redact_body

    fake = "sk_test_" + "Zq9" * 10 + "xy"
    escaped = json.dumps({"note": fake}).replace("_", "\\u005f").encode()
    assert redact_body(escaped, "application/json") == {"note": fake[:12] + "…"}


def test_a_large_body_is_kept_as_its_masked_start() -> None:
    from mock_server.control.journal_limits import BODY_LIMIT
    from mock_server.handle import handle_of

    app = create_app()
    for i in range(300):
        handle_of(app).state.keys.create("org_quinta", f"key {i}", ["products:read"])
    client = app.test_client()
    client.set_cookie("eulabel_session", QUINTA)
    assert len(client.get("/v1/auth/api-keys").data) > BODY_LIMIT
    [entry] = journal(client)
    body = entry["response"]["body"]
    assert isinstance(body, str) and body.endswith("…")
    assert len(body) <= BODY_LIMIT + 1
    assert body.startswith('{"data":[{"id":"key_')
