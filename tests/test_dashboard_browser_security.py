"""The Dashboard against a hostile page on another origin, hostile names, and keyboard-only use.

Another port on 127.0.0.1 is another origin but the same site, so SameSite=Lax still sends the
session cookie with its requests; the mock's same-origin rule (an assumption, openapi.yaml) is
what stops them. Escaping and keyboard use are this project's standards, not documented claims.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from mock_server.testing import EulabelMock
from tests.support.browser import (
    close_secret,
    create_key,
    key_row,
    session_cookie,
    shows_a_full_key,
)

pytestmark = pytest.mark.mock_only
EVIL = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def elsewhere() -> Iterator[str]:
    """A plain page on another port of 127.0.0.1: another origin, the same site."""

    @Request.application
    def app(_request: Request) -> Response:
        return Response("<!doctype html><title>elsewhere</title><body></body>", content_type="text/html")

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


ATTACKS = """async ({target, keyId}) => {
  const out = {};
  const attempt = async (name, url, init) => {
    try {
      const r = await fetch(url, {credentials: "include", ...init});
      out[name] = {type: r.type, status: r.status, body: r.type === "opaque" ? "" : await r.text()};
    } catch (e) { out[name] = {error: String(e)}; }
  };
  const keys = target + "/v1/auth/api-keys";
  const body = JSON.stringify({name: "planted", scopes: ["products:read"]});
  await attempt("list", keys, {});
  await attempt("usage", target + "/_mock/usage", {});
  await attempt("create", keys, {method: "POST", headers: {"Content-Type": "application/json"}, body});
  await attempt("createNoCors", keys, {method: "POST", mode: "no-cors", headers: {"Content-Type": "text/plain"}, body});
  await attempt("revoke", keys + "/" + keyId, {method: "DELETE"});
  const post = (action, enctype, fields) => new Promise((resolve) => {
    const frame = document.createElement("iframe");
    frame.name = "f" + Math.random().toString(36).slice(2);
    document.body.append(frame);
    const form = document.createElement("form");
    Object.assign(form, {method: "post", action, enctype, target: frame.name});
    for (const [name, value] of Object.entries(fields)) {
      const input = document.createElement("input");
      Object.assign(input, {name, value});
      form.append(input);
    }
    document.body.append(form);
    frame.addEventListener("load", () => resolve(), {once: true});
    setTimeout(resolve, 3000);
    form.submit();
  });
  // text/plain form bodies can spell JSON: name '{"name":"x' + '=' + value '","scopes":[...]}'.
  await post(keys, "text/plain", {'{"name":"planted': '","scopes":["products:read"]}'});
  await post(target + "/dashboard/sign-out", "application/x-www-form-urlencoded", {});
  await post(target + "/dashboard/sign-in", "application/x-www-form-urlencoded", {organization: "new"});
  await new Promise((resolve) => {
    const img = new Image();
    img.onload = img.onerror = () => resolve();
    img.src = keys + "/" + keyId;
  });
  return out;
}"""


def test_another_origin_cannot_list_create_or_revoke_keys_or_touch_the_session(
    page: Any, mock: EulabelMock, elsewhere: str
) -> None:
    create_key(page, "Victim", ["products:read"])
    close_secret(page)
    cookie = session_cookie(page.context)
    session = {"Cookie": f"eulabel_session={cookie['value']}"}
    [victim] = mock.request("GET", "/v1/auth/api-keys", headers=session).body["data"]
    mock.clear_journal()

    page.goto(f"{elsewhere}/")
    out = page.evaluate(ATTACKS, {"target": mock.base_url, "keyId": victim["id"]})

    reached = {(e["method"], e["status"], (e["reason"] or {}).get("code")) for e in mock.journal()}
    for name in ("list", "usage", "create", "revoke"):
        assert "error" in out[name], f"{name}: the other origin could read the answer"
    assert out["createNoCors"]["type"] == "opaque"
    keys = mock.request("GET", "/v1/auth/api-keys", headers=session).body["data"]
    assert [k["id"] for k in keys] == [victim["id"]], "a key was created or revoked from another origin"
    assert session_cookie(page.context)["value"] == cookie["value"], "another origin changed the session"
    # What reached the mock was refused for its origin (the image GET hits a DELETE-only path: 405).
    assert {("GET", 403, "cross_origin"), ("POST", 403, "cross_origin")} <= reached
    # A CORS preflight gets 405 like any OPTIONS (no CORS), so the browser sends nothing after it.
    assert reached - {("OPTIONS", 405, "method_not_allowed"), ("GET", 405, "method_not_allowed")} == {
        ("GET", 403, "cross_origin"),
        ("POST", 403, "cross_origin"),
    }
    page.goto(f"{mock.base_url}/dashboard")
    key_row(page, "Victim").wait_for()


def test_another_origin_cannot_frame_the_dashboard(page: Any, mock: EulabelMock, elsewhere: str) -> None:
    page.goto(f"{elsewhere}/")
    page.evaluate(
        """(src) => new Promise((resolve) => {
             const frame = document.createElement("iframe");
             frame.src = src;
             frame.addEventListener("load", () => resolve(), {once: true});
             setTimeout(resolve, 3000);
             document.body.append(frame);
           })""",
        f"{mock.base_url}/dashboard",
    )
    [child] = page.main_frame.child_frames
    assert not child.url.startswith(mock.base_url) or "API Keys" not in child.content()


def test_a_hostile_key_name_shows_as_text_everywhere(page: Any, mock: EulabelMock) -> None:
    alerts: list[str] = []

    def refuse(dialog: Any) -> None:
        alerts.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", refuse)
    create_key(page, EVIL, ["products:read"])
    close_secret(page)
    row = key_row(page, EVIL)
    assert row.get_by_role("cell", name=EVIL, exact=True).is_visible()
    assert page.locator("#key-rows img").count() == 0
    row.get_by_role("button", name="Revoke").click()
    dialog = page.get_by_role("dialog", name="Revoke API key")
    assert EVIL in str(dialog.text_content()) and dialog.locator("img").count() == 0
    dialog.get_by_role("button", name="Cancel").click()
    row.get_by_role("link", name="Usage").click()
    page.get_by_role("heading", name=f"Usage of {EVIL}").wait_for()
    assert page.locator("main img").count() == 0
    assert alerts == []


def focused(page: Any) -> str:
    return str(
        page.evaluate(
            """(() => { const el = document.activeElement;
                 return el.getAttribute('aria-label') || (el.labels && el.labels[0] ? el.labels[0].textContent
                   : el.textContent); })()"""
        )
    )


def test_keyboard_only_create_and_revoke_with_enter_and_escape(page: Any) -> None:
    page.reload()
    page.get_by_role("heading", name="API Keys").wait_for()
    order = []
    for _ in range(4):
        page.keyboard.press("Tab")
        order.append(focused(page).strip())
    assert order == ["Skip to content", "Settings → API Keys", "Sign out", "Create key"]
    page.keyboard.press("Enter")
    create = page.get_by_role("dialog", name="Create API key")
    assert create.get_by_label("Name").evaluate("el => el === document.activeElement")
    page.keyboard.type("Keyboard")
    page.keyboard.press("Tab")
    assert create.get_by_label("products:read").evaluate("el => el === document.activeElement")
    page.keyboard.press("Space")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    shown = page.get_by_role("dialog", name="Your new API key")
    shown.wait_for()
    assert focused(page) == "Copy"
    page.keyboard.press("Escape")
    shown.wait_for(state="hidden")
    assert not shows_a_full_key(page), "the secret is still on the page after Escape"
    assert focused(page) == "Create key"
    key_row(page, "Keyboard").wait_for()  # the list reloads after the create: the row may come later
    order = []
    for _ in range(8):  # the search, the four sort buttons, then Usage, Rotate, Revoke of the new row
        page.keyboard.press("Tab")
        order.append(focused(page).strip())
    assert order == ["Search keys", "Name", "Created", "Last used", "Calls (last hour)"] + [
        f"{verb} Keyboard" for verb in ("Usage of", "Rotate", "Revoke")
    ]
    page.keyboard.press("Enter")
    confirm = page.get_by_role("dialog", name="Revoke API key")
    assert focused(page) == "Cancel"
    page.keyboard.press("Escape")
    confirm.wait_for(state="hidden")
    assert key_row(page, "Keyboard").count() == 1 and focused(page) == "Revoke Keyboard"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert focused(page) == "Revoke key"
    page.keyboard.press("Enter")
    page.get_by_text("Revocation is permanent.").wait_for()
    key_row(page, "Keyboard").wait_for(state="detached")


def test_every_control_has_an_accessible_name(page: Any) -> None:
    create_key(page, "Named", ["products:read"])
    close_secret(page)
    unnamed = page.evaluate(
        """() => [...document.querySelectorAll("button, input, a[href], select, textarea")].filter((el) => {
             const labels = el.labels ? [...el.labels].map((l) => l.textContent).join("") : "";
             const label = el.getAttribute("aria-label") || labels || el.textContent;
             return !label || !label.trim();
           }).map((el) => el.outerHTML)"""
    )
    assert unnamed == []


def test_the_pages_run_under_their_strict_policy_without_a_violation(page: Any) -> None:
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.reload()
    create_key(page, "Policy", ["products:read"])
    close_secret(page)
    key_row(page, "Policy").get_by_role("link", name="Usage").click()
    page.get_by_text("No calls with this key yet.").wait_for()
    page.go_back()
    key_row(page, "Policy").wait_for()
    assert problems == []
