"""A page on another origin cannot drive the control plane, and a rebound name gets nothing (issue 19, items 2, 3).

From a page on another origin, Chromium reset the mock, installed a fault with a text/plain JSON
body, froze the clock at 2100 and minted a session, all with ``mode: "no-cors"``. The control plane
now refuses what a browser says comes from elsewhere (``Sec-Fetch-Site``, ``Origin``) and any body
that is not JSON; scripts, which send neither header, keep working.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from mock_server.handle import handle_of
from mock_server.testing import EulabelMock
from tests.support.browser import launch

pytestmark = pytest.mark.mock_only


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


ATTACKS = """async (target) => {
  const sent = {};
  const noCors = async (name, path, body) => {
    try {
      const init = {method: "POST", mode: "no-cors", credentials: "include"};
      if (body !== undefined) Object.assign(init, {headers: {"Content-Type": "text/plain"}, body});
      sent[name] = (await fetch(target + path, init)).type;
    } catch (e) { sent[name] = String(e); }
  };
  await noCors("reset", "/_mock/reset");
  await noCors("fault", "/_mock/faults", JSON.stringify({action: "status", path: "/v1/*", status: 503}));
  await noCors("freeze", "/_mock/clock/freeze", JSON.stringify({at: "2100-01-01T00:00:00Z"}));
  await noCors("session", "/_mock/sessions");
  const post = (path, enctype, fields) => new Promise((resolve) => {
    const frame = document.createElement("iframe");
    frame.name = "f" + Math.random().toString(36).slice(2);
    document.body.append(frame);
    const form = document.createElement("form");
    Object.assign(form, {method: "post", action: target + path, enctype, target: frame.name});
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
  // A text/plain form body spells JSON: name '{"action":"status","x":"' + '=' + value '"}'.
  await post("/_mock/faults", "text/plain", {'{"action":"status","path":"/v1/*","status":503,"x":"': '"}'});
  await post("/_mock/reset", "application/x-www-form-urlencoded", {});
  await new Promise((resolve) => {
    const beacon = navigator.sendBeacon(target + "/_mock/reset", new Blob(["{}"]));
    setTimeout(resolve, beacon ? 300 : 0);
  });
  return sent;
}"""


def test_a_page_on_another_origin_cannot_reset_fault_freeze_or_mint(
    page: Any, mock: EulabelMock, elsewhere: str
) -> None:
    key_id, _ = mock.create_key()
    organizations = len(handle_of(mock.app).state.organizations)
    page.goto(f"{elsewhere}/")
    sent = page.evaluate(ATTACKS, mock.base_url)

    assert set(sent.values()) == {"opaque"}, sent  # every attack was sent: the browser allowed it
    assert [k["id"] for k in mock.keys()] == [key_id], "the mock was reset"
    assert mock.faults() == [], "a fault was installed"
    assert mock.clock()["frozen"] is False, "the clock was frozen"
    assert len(handle_of(mock.app).state.organizations) == organizations, "a session was minted"


def test_scripts_without_browser_headers_still_drive_the_control_plane(mock: EulabelMock) -> None:
    assert mock.add_fault("status", "/v1/nothing", status=503)["id"]
    assert mock.freeze("2030-01-01T00:00:00Z")["frozen"] is True
    mock.reset()
    assert mock.faults() == [] and mock.clock()["frozen"] is False


@pytest.fixture(scope="module")
def rebinding_browser(playwright: Any) -> Iterator[Any]:
    """A Chromium whose resolver sends evil.example to 127.0.0.1, as a rebound name would."""
    chromium = launch(playwright, "--host-resolver-rules=MAP evil.example 127.0.0.1")
    try:
        yield chromium
    finally:
        chromium.close()


def test_a_rebound_name_reaching_the_mock_gets_a_421_and_no_data(rebinding_browser: Any, mock: EulabelMock) -> None:
    port = mock.base_url.rsplit(":", 1)[1]
    page = rebinding_browser.new_page()
    try:
        for path in ("/dashboard", "/_mock/journal", "/v1/auth/api-keys"):
            response = page.goto(f"http://evil.example:{port}{path}")
            assert response is not None
            assert (response.status, response.json()["error"]) == (421, "misdirected_request"), path
    finally:
        page.close()
