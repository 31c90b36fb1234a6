"""The dashboard's pages and usage reads, without a browser: headers, sign-in, the same-origin rule.

The docs send people to the Dashboard (C20, "Monitor key usage in the Dashboard"); how the mock's
page is protected (headers, the cross-origin rule) is this project's choice.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mock_server import create_app
from mock_server.cli import ready_line
from mock_server.dashboard.headers import PAGE_HEADERS
from tests.support.clients import QUINTA, TEXTIL, Dashboard, json_of

DASHBOARD = Path(__file__).resolve().parents[1] / "mock_server" / "dashboard"
OWN = "http://localhost"  # the test client's origin


def signed_in(app: Flask, org: str = "org_quinta") -> FlaskClient:
    client = app.test_client()
    r = client.post("/dashboard/sign-in", data={"organization": org}, headers={"Sec-Fetch-Site": "same-origin"})
    assert r.status_code == 303
    return client


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/dashboard", 200),
        ("/dashboard/keys/key_x", 404),
        ("/dashboard/nowhere", 404),
        ("/dashboard/static/keys.js", 200),
    ],
)
def test_every_dashboard_response_forbids_framing_caching_referrers_and_foreign_scripts(
    app: Flask, path: str, status: int
) -> None:
    r = signed_in(app).get(path)
    assert r.status_code == status
    for name, value in PAGE_HEADERS.items():
        assert r.headers[name] == value
    csp = r.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert r.headers["Cache-Control"] == "no-store"


def test_templates_hold_no_inline_script_style_or_handler() -> None:
    for template in (DASHBOARD / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template
        assert not re.search(r"\s(style|on[a-z]+)=", text), template
        assert "http://" not in text and "https://" not in text, f"{template} loads something from elsewhere"


def test_scripts_never_write_html() -> None:
    for script in (DASHBOARD / "static").glob("*.js"):
        text = script.read_text(encoding="utf-8")
        assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(", text), script


def test_sign_in_sets_an_httponly_lax_session_cookie_for_the_chosen_organisation(app: Flask) -> None:
    client = app.test_client()
    r = client.post("/dashboard/sign-in", data={"organization": "org_textil"})
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Textil Norte Demo" in client.get("/dashboard").get_data(as_text=True)
    assert client.get("/v1/auth/api-keys").status_code == 200


def test_new_organisation_gets_a_fresh_empty_one(app: Flask) -> None:
    client = signed_in(app, "new")
    assert json_of(client.get("/v1/auth/api-keys")) == {"data": []}


def test_sign_in_from_another_origin_is_refused(app: Flask) -> None:
    client = app.test_client()
    r = client.post(
        "/dashboard/sign-in",
        data={"organization": "org_quinta"},
        headers={"Origin": "http://127.0.0.1:9", "Sec-Fetch-Site": "same-site"},
    )
    assert r.status_code == 403
    assert "Set-Cookie" not in r.headers


def test_sign_in_with_an_unknown_organisation_is_refused(app: Flask) -> None:
    r = app.test_client().post("/dashboard/sign-in", data={"organization": "org_nope"})
    assert r.status_code == 422
    assert "Set-Cookie" not in r.headers


def test_sign_out_clears_the_cookie_and_ends_the_session(app: Flask) -> None:
    client = signed_in(app)
    token = client.get_cookie("eulabel_session")
    assert token is not None
    r = client.post("/dashboard/sign-out", headers={"Sec-Fetch-Site": "same-origin"})
    assert r.status_code == 303
    assert client.get_cookie("eulabel_session") is None
    other = app.test_client()
    other.set_cookie("eulabel_session", token.value)
    assert other.get("/v1/auth/api-keys").status_code == 401


def test_names_are_escaped_in_server_rendered_pages() -> None:
    app = create_app({"FIXTURES": None})
    from mock_server.handle import handle_of

    handle_of(app).state.add_organization("org_evil", "<img src=x onerror=alert(1)>")
    client = app.test_client()
    client.set_cookie("eulabel_session", handle_of(app).state.add_session("org_evil"))
    page = client.get("/dashboard").get_data(as_text=True)
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


# The same-origin rule on cookie-authenticated API calls (an assumption, documented in openapi.yaml).
BROWSER_FROM_ELSEWHERE = [
    {"Sec-Fetch-Site": "same-site", "Origin": "http://127.0.0.1:9"},
    {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
    {"Sec-Fetch-Site": "same-site"},
    {"Origin": "http://127.0.0.1:9"},
    {"Origin": "null"},
]
BROWSER_FROM_HERE = [
    {"Sec-Fetch-Site": "same-origin", "Origin": "null"},  # a form post under Referrer-Policy: no-referrer
    {"Sec-Fetch-Site": "same-origin", "Origin": OWN},
    {"Sec-Fetch-Site": "none"},
    {"Origin": OWN},
    {},  # curl, an SDK: no browser metadata at all
]


@pytest.mark.parametrize("headers", BROWSER_FROM_ELSEWHERE)
def test_cookie_calls_from_another_origin_cannot_create_list_or_revoke(
    api: Dashboard, app: Flask, headers: dict[str, str]
) -> None:
    key_id = json_of(api.create_key())["id"]
    client = app.test_client()
    client.set_cookie("eulabel_session", QUINTA)
    calls: list[Any] = [
        client.post("/v1/auth/api-keys", json={"name": "x", "scopes": ["products:read"]}, headers=headers),
        client.get("/v1/auth/api-keys", headers=headers),
        client.delete(f"/v1/auth/api-keys/{key_id}", headers=headers),
        client.get("/_mock/usage", headers=headers),
    ]
    assert [r.status_code for r in calls] == [403] * 4
    assert json_of(calls[0])["error"] == "forbidden"
    assert [k["id"] for k in json_of(api.list_keys())["data"]] == [key_id]


@pytest.mark.parametrize("headers", BROWSER_FROM_HERE)
def test_cookie_calls_from_the_same_origin_or_without_a_browser_work(
    api: Dashboard, app: Flask, headers: dict[str, str]
) -> None:
    client = app.test_client()
    client.set_cookie("eulabel_session", QUINTA)
    created = client.post("/v1/auth/api-keys", json={"name": "x", "scopes": ["products:read"]}, headers=headers)
    assert created.status_code == 201
    assert client.get("/v1/auth/api-keys", headers=headers).status_code == 200
    assert client.delete(f"/v1/auth/api-keys/{json_of(created)['id']}", headers=headers).status_code == 204


def test_usage_lists_every_key_of_the_organisation_with_its_last_hour(api: Dashboard, app: Flask) -> None:
    active = json_of(api.create_key(["products:read"]))
    revoked = json_of(api.create_key(["products:write"]))
    api.create_key(session=TEXTIL)
    api.products(active["secret"])
    api.products(active["secret"])
    api.revoke(revoked["id"])
    api.products(revoked["secret"])
    client = app.test_client()
    client.set_cookie("eulabel_session", QUINTA)
    body = json_of(client.get("/_mock/usage"))
    by_id = {k["id"]: k for k in body["data"]}
    assert set(by_id) == {active["id"], revoked["id"]}
    assert by_id[active["id"]]["lastHour"] == {"calls": 2, "refused": 0}
    assert by_id[revoked["id"]]["lastHour"] == {"calls": 1, "refused": 1}
    assert by_id[revoked["id"]]["revokedAt"] is not None and by_id[active["id"]]["revokedAt"] is None
    assert "secret" not in by_id[active["id"]]


def test_key_usage_has_a_last_hour_chart_recent_calls_and_unusual_patterns(api: Dashboard, app: Flask) -> None:
    created = json_of(api.create_key(["products:read"]))
    bearer = {"Authorization": f"Bearer {created['secret']}"}
    plain = app.test_client()
    plain.post("/_mock/clock/freeze")
    plain.get("/v1/products", headers=bearer)
    for _ in range(3):
        plain.post("/v1/products", json={"name": "x", "category": "wine", "gtin": "5601012012200"}, headers=bearer)
    client = app.test_client()
    client.set_cookie("eulabel_session", QUINTA)
    body = json_of(client.get(f"/_mock/usage/{created['id']}"))
    assert body["key"]["id"] == created["id"] and body["lastHour"] == {"calls": 4, "refused": 3}
    assert len(body["buckets"]) == 12 and sum(b["calls"] for b in body["buckets"]) == 4
    assert body["buckets"][-1] == {**body["buckets"][-1], "calls": 4, "refused": 3}
    assert [c["status"] for c in body["calls"]] == [403, 403, 403, 200], "newest first"
    assert body["calls"][0]["reason"]["code"] == "missing_scope"
    codes = {u["code"] for u in body["unusual"]}
    assert codes == {"refusal_burst", "unexpected_path"}
    plain.post("/_mock/clock/advance", json={"seconds": 3601})
    later = json_of(client.get(f"/_mock/usage/{created['id']}"))
    assert later["lastHour"] == {"calls": 0, "refused": 0} and later["unusual"] == []
    assert len(later["calls"]) == 4, "older calls stay listed while the journal holds them"


def test_key_usage_needs_a_session_and_stays_in_the_organisation(api: Dashboard, app: Flask) -> None:
    key_id = json_of(api.create_key(session=TEXTIL))["id"]
    assert app.test_client().get(f"/_mock/usage/{key_id}").status_code == 401
    client = app.test_client()
    client.set_cookie("eulabel_session", QUINTA)
    assert client.get(f"/_mock/usage/{key_id}").status_code == 404


def test_the_ready_line_links_the_dashboard() -> None:
    line = ready_line("http://h:1", [("org_a", "s1")], dashboard=True)
    assert line == "eulabel-mock ready http://h:1 org_a:eulabel_session=s1 dashboard=http://h:1/dashboard"


def test_without_the_control_plane_there_is_no_dashboard() -> None:
    app = create_app({"CONTROL_PLANE": False})
    assert app.test_client().get("/dashboard").status_code == 404


@pytest.mark.claim("C16")
def test_calls_with_a_revoked_key_are_flagged_in_its_usage(api: Dashboard, app: Flask) -> None:
    created = json_of(api.create_key(["products:read"]))
    api.revoke(created["id"])
    statuses = [api.products(created["secret"]).status_code for _ in range(2)]
    assert statuses == [401, 401]
    client = app.test_client()
    client.set_cookie("eulabel_session", QUINTA)
    usage = json_of(client.get(f"/_mock/usage/{created['id']}"))
    assert usage["key"]["revokedAt"] is not None
    assert [c["reason"]["code"] for c in usage["calls"]] == ["key_revoked", "key_revoked"]
    flagged = {u["code"]: u["count"] for u in usage["unusual"]}
    assert flagged == {"used_after_revocation": 2}


TOKEN = "shared-mock-token-0123456789"
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


@pytest.mark.parametrize("given", [None, "", "wrong"])
def test_a_shared_mock_refuses_sign_in_without_its_control_token(given: str | None) -> None:
    client = create_app({"CONTROL_TOKEN": TOKEN}).test_client()
    form = {"organization": "org_quinta"} if given is None else {"organization": "org_quinta", "control_token": given}
    r = client.post("/dashboard/sign-in", data=form, headers=SAME_ORIGIN)
    assert r.status_code == 401
    assert "Set-Cookie" not in r.headers
    assert b"control-plane token" in r.data


def test_a_shared_mock_signs_in_the_holder_of_its_control_token() -> None:
    client = create_app({"CONTROL_TOKEN": TOKEN}).test_client()
    page = client.get("/dashboard")
    assert b'name="control_token"' in page.data
    r = client.post(
        "/dashboard/sign-in", data={"organization": "org_quinta", "control_token": TOKEN}, headers=SAME_ORIGIN
    )
    assert r.status_code == 303
    assert "eulabel_session=" in r.headers["Set-Cookie"]


def test_a_local_mock_asks_for_no_control_token(app: Flask) -> None:
    assert b'name="control_token"' not in app.test_client().get("/dashboard").data


def offered(client: FlaskClient) -> list[str]:
    return re.findall(r'name="organization" value="([^"]+)"', client.get("/dashboard").get_data(as_text=True))


def test_the_sign_in_page_offers_the_fixtures_demo_organisations_only(app: Flask) -> None:
    minted = json_of(app.test_client().post("/_mock/sessions"))["organizationId"]
    named = json_of(app.test_client().post("/_mock/sessions", json={"organizationId": "org_ci_run"}))
    signed_in(app, "new")  # "New organisation" mints one too
    assert offered(app.test_client()) == ["org_quinta", "org_textil", "new"]
    page = app.test_client().get("/dashboard").get_data(as_text=True)
    assert minted not in page and named["organizationId"] not in page


@pytest.mark.parametrize("org", ["org_ci_run", "minted"])
def test_sign_in_refuses_an_organisation_the_page_does_not_offer(app: Flask, org: str) -> None:
    made = app.test_client().post("/_mock/sessions", json={"organizationId": org} if org != "minted" else {})
    org_id = json_of(made)["organizationId"]
    r = app.test_client().post("/dashboard/sign-in", data={"organization": org_id}, headers=SAME_ORIGIN)
    assert r.status_code == 422 and "Set-Cookie" not in r.headers
    assert b"Choose an organisation." in r.data


def test_with_demo_sessions_off_the_sign_in_page_offers_only_a_new_organisation() -> None:
    app = create_app({"DEMO_SESSIONS": False})
    assert offered(app.test_client()) == ["new"]
    r = app.test_client().post("/dashboard/sign-in", data={"organization": "org_quinta"}, headers=SAME_ORIGIN)
    assert r.status_code == 422 and "Set-Cookie" not in r.headers
    assert signed_in(app, "new").get("/v1/auth/api-keys").status_code == 200


def test_an_unknown_or_foreign_key_or_an_unknown_page_is_a_404_page_with_a_way_back(app: Flask) -> None:
    client = signed_in(app)
    foreign = json_of(Dashboard(app).create_key(session=TEXTIL))["id"]
    for path, heading in [
        ("/dashboard/keys/key_doesnotexist", "Key not found"),
        (f"/dashboard/keys/{foreign}", "Key not found"),
        ("/dashboard/keys/", "Page not found"),
        ("/dashboard/a/b", "Page not found"),
    ]:
        r = client.get(path)
        page = r.get_data(as_text=True)
        assert (r.status_code, r.mimetype) == (404, "text/html"), path
        assert f">{heading}</h1>" in page and 'href="/dashboard"' in page, path


def test_usage_explains_each_keys_unusual_patterns_and_gives_the_mocks_clock(api: Dashboard, app: Flask) -> None:
    created = json_of(api.create_key(["products:read"]))
    plain = app.test_client()
    plain.post("/_mock/clock/freeze", json={"at": "2026-12-04T10:00:00Z"})
    for _ in range(3):
        api.products(created["secret"])
        plain.post(
            "/v1/products",
            json={"name": "x", "category": "wine", "gtin": "5601012012200"},
            headers={"Authorization": f"Bearer {created['secret']}"},
        )
    client = app.test_client()
    client.set_cookie("eulabel_session", QUINTA)
    body = json_of(client.get("/_mock/usage"))
    assert body["now"] == "2026-12-04T10:00:00.000Z"
    [listed] = [k for k in body["data"] if k["id"] == created["id"]]
    one = json_of(client.get(f"/_mock/usage/{created['id']}"))
    assert listed["unusual"] == one["unusual"]
    assert [u["message"] for u in listed["unusual"]] == [
        "3 calls refused with 401 or 403 in the last hour.",
        "Calls outside this key's scopes or the API: POST /v1/products.",
    ]
