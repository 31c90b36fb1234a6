"""Every page and dialog of the Dashboard, each in a state worth checking, for the checks that visit them all.

``prepare`` builds one organisation with something on every page: a busy key (calls, refusals, an
"unusual" badge), an unused key, a revoked key and a rotation in progress. ``STATES`` then opens each
page or dialog on it; the layout, accessibility and keyboard checks walk the same list, so a page added
here is checked by all three.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mock_server.testing import EulabelMock, Session
from tests.support.browser import change_cookies, create_key, key_row, session_cookie


@dataclass
class Tour:
    base_url: str
    session: Session
    busy: str  # a key with answered and refused calls
    unused: str  # a key never used
    revoked: str  # a revoked key with calls after its revocation
    created: int = 0  # keys the secret dialog's visits created


def prepare(page: Any, mock: EulabelMock) -> Tour:
    session = mock.new_session()
    page.context.add_cookies([{"name": "eulabel_session", "value": session.cookie, "url": mock.base_url}])
    busy, busy_secret = mock.create_key(["products:read"], "Reporting", session=session)
    unused, _ = mock.create_key(["products:read", "passports:read"], "Unused", session=session)
    revoked, revoked_secret = mock.create_key(["products:read"], "Old CI", session=session)
    mock.create_key(["products:read"], "Backend", session=session)
    product = {"name": "Test Red", "category": "wine", "gtin": "5601012012200"}
    statuses = [mock.request("GET", "/v1/products", bearer=busy_secret).status for _ in range(2)]
    statuses += [mock.request("POST", "/v1/products", product, bearer=busy_secret).status for _ in range(3)]
    mock.revoke(revoked, session=session)
    statuses.append(mock.request("GET", "/v1/products", bearer=revoked_secret).status)
    assert statuses == [200, 200, 403, 403, 403, 401]
    # The usage pages then show findings of the client report too (C36: the 403 resent; C16).
    assert {(f["claim"], f["keyId"]) for f in mock.client_findings() if f["keyId"] in (busy, revoked)} == {
        ("C36", busy),
        ("C16", revoked),
    }
    page.goto(f"{mock.base_url}/dashboard")
    key_row(page, "Backend").get_by_role("button", name="Rotate").click()
    page.get_by_role("dialog", name="Rotate API key").get_by_role("button", name="Create new key").click()
    page.get_by_role("button", name="I have stored it").click()
    page.get_by_role("region", name="Rotation in progress").wait_for()
    return Tour(mock.base_url, session, busy, unused, revoked)


def keys_page(page: Any, tour: Tour) -> None:
    page.goto(f"{tour.base_url}/dashboard")
    key_row(page, "Reporting").wait_for()
    page.get_by_role("region", name="Rotation in progress").wait_for()


def signed_out(page: Any, tour: Tour, error: bool = False) -> None:
    cookie = session_cookie(page.context)
    change_cookies(page)
    try:
        page.goto(f"{tour.base_url}/dashboard")
        if error:  # an organisation the page does not offer: the page comes back with the error
            page.locator('input[name="organization"]').first.evaluate("el => { el.value = 'org_elsewhere'; }")
            page.get_by_role("button", name="Sign in").click()
            page.get_by_role("alert").wait_for()
    finally:
        page.context.add_cookies([cookie])


def dialog(opener: Callable[[Any], Any], name: str) -> Callable[[Any, Tour], None]:
    def show(page: Any, tour: Tour) -> None:
        keys_page(page, tour)
        opener(page).click()
        page.get_by_role("dialog", name=name).wait_for()

    return show


def usage(key: str) -> Callable[[Any, Tour], None]:
    def show(page: Any, tour: Tour) -> None:
        page.goto(f"{tour.base_url}/dashboard/keys/{getattr(tour, key)}")
        page.locator("#key-meta").wait_for()

    return show


def unusual_open(page: Any, tour: Tour) -> None:
    keys_page(page, tour)
    key_row(page, "Reporting").get_by_text("unusual", exact=True).click()


def secret_dialog(page: Any, tour: Tour) -> None:
    keys_page(page, tour)
    tour.created += 1
    create_key(page, f"Shown once {tour.created}", ["products:read"])  # the dialog stays open


def address(path: str) -> Callable[[Any, Tour], None]:
    def show(page: Any, tour: Tour) -> None:
        page.goto(f"{tour.base_url}{path}")
        page.get_by_role("heading", level=1).wait_for()

    return show


# Pages: what a keyboard walks through. Dialogs: shown over the keys page.
PAGES: dict[str, Callable[[Any, Tour], None]] = {
    "sign-in": signed_out,
    "sign-in, refused": lambda page, tour: signed_out(page, tour, error=True),
    "keys": keys_page,
    "keys, unusual explained": unusual_open,
    "usage": usage("busy"),
    "usage, no calls": usage("unused"),
    "usage, revoked key": usage("revoked"),
    "key not found": address("/dashboard/keys/key_doesnotexist"),
    "page not found": address("/dashboard/nowhere"),
}
DIALOGS: dict[str, Callable[[Any, Tour], None]] = {
    "create dialog": dialog(lambda page: page.get_by_role("button", name="Create key"), "Create API key"),
    "rotate dialog": dialog(
        lambda page: key_row(page, "Reporting").get_by_role("button", name="Rotate"), "Rotate API key"
    ),
    "secret dialog": secret_dialog,
    "revoke dialog": dialog(
        lambda page: key_row(page, "Reporting").get_by_role("button", name="Revoke"), "Revoke API key"
    ),
}
STATES = {**PAGES, **DIALOGS}
