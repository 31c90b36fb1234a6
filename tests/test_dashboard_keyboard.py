"""Each Dashboard page used with the keyboard alone: sign in, find and sort keys, read why a key is unusual,
rotate one to the end, filter its calls, and find the way back from a page that does not exist.

tests/test_dashboard_every_page.py checks that Tab reaches every control of every page with a visible
focus; these walk the tasks themselves. Keyboard use is this project's standard, not a documented claim.
"""

from __future__ import annotations

from typing import Any

import pytest

from mock_server.testing import EulabelMock
from tests.support.browser import close_secret, create_key, key_row

pytestmark = pytest.mark.mock_only


def focused(page: Any) -> str:
    return str(
        page.evaluate(
            """(() => { const el = document.activeElement;
                 const named = el.getAttribute("aria-label") || (el.labels && el.labels[0] && el.labels[0].textContent);
                 return (named || el.textContent || "").trim(); })()"""
        )
    )


def tab_to(page: Any, name: str, limit: int = 40) -> None:
    """Press Tab until the control called ``name`` has the focus (the way a keyboard user gets there)."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        seen.append(focused(page))
        if seen[-1] == name:
            return
    raise AssertionError(f"Tab never reached {name!r}; it went through {seen}")


def test_sign_in_to_the_second_demo_organisation_with_the_keyboard(context: Any, mock: EulabelMock) -> None:
    page = context.new_page()
    page.goto(f"{mock.base_url}/dashboard")
    tab_to(page, "Quinta Demo Wines org_quinta")  # a radio group is one stop, on its checked button
    page.keyboard.press("ArrowDown")
    tab_to(page, "Sign in")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="API Keys").wait_for()
    assert "Signed in to Textil Norte Demo" in str(page.locator("header").inner_text())


def test_search_sort_read_why_a_key_is_unusual_and_rotate_it_to_the_end_with_the_keyboard(
    page: Any, mock: EulabelMock
) -> None:
    secret = create_key(page, "Reporting", ["products:read"])
    close_secret(page)
    create_key(page, "Backend", ["products:read"])
    close_secret(page)
    product = {"name": "x", "category": "wine", "gtin": "5601012012200"}
    assert [mock.request("POST", "/v1/products", product, bearer=secret).status for _ in range(3)] == [403] * 3
    page.reload()
    key_row(page, "Reporting").wait_for()
    tab_to(page, "Search keys")
    page.keyboard.type("back")
    assert page.locator("#key-rows tr").count() == 1
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    tab_to(page, "Name")
    page.keyboard.press("Enter")
    assert page.locator("th", has=page.get_by_role("button", name="Name")).get_attribute("aria-sort") == "ascending"
    assert key_row(page, "Backend").locator("xpath=following-sibling::tr").count() == 1  # Backend, then Reporting
    tab_to(page, "unusual")
    page.keyboard.press("Enter")
    assert key_row(page, "Reporting").get_by_text("3 calls refused with 401 or 403 in the last hour.").is_visible()
    tab_to(page, "Rotate Reporting")
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Rotate API key")
    assert dialog.get_by_label("Name").evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")  # the proposed name, as it is
    page.get_by_role("dialog", name="Your new API key").wait_for()
    page.keyboard.press("Escape")
    page.get_by_role("dialog", name="Your new API key").wait_for(state="hidden")
    panel = page.get_by_role("region", name="Rotation in progress: Reporting")
    panel.wait_for()
    tab_to(page, "The new key works")
    page.keyboard.press("Space")
    tab_to(page, "Revoke the old key")
    page.keyboard.press("Enter")
    page.get_by_role("dialog", name="Revoke API key").wait_for()
    assert focused(page) == "Cancel"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.get_by_text("Rotation complete: the old key “Reporting” is revoked.").wait_for()
    panel.wait_for(state="detached")


def test_filter_a_keys_recent_calls_with_the_keyboard(page: Any, mock: EulabelMock) -> None:
    secret = create_key(page, "Mixed", ["products:read"])
    close_secret(page)
    product = {"name": "x", "category": "wine", "gtin": "5601012012200"}
    statuses = [mock.request("GET", "/v1/products", bearer=secret).status for _ in range(2)]
    statuses += [mock.request("POST", "/v1/products", product, bearer=secret).status]
    assert statuses == [200, 200, 403]
    page.goto(f"{mock.base_url}/dashboard/keys/{page.locator('#key-rows tr').first.get_attribute('data-key-id')}")
    page.locator("#call-rows tr").first.wait_for()
    tab_to(page, "Method")
    page.keyboard.press("ArrowDown")  # Any method → GET
    assert page.get_by_label("Method").input_value() == "GET" and page.locator("#call-rows tr").count() == 2
    page.keyboard.press("ArrowUp")
    tab_to(page, "Refused only (401/403)")
    page.keyboard.press("Space")
    assert page.locator("#call-rows tr").count() == 1


def test_from_a_page_that_does_not_exist_back_to_the_keys_with_the_keyboard(page: Any, mock: EulabelMock) -> None:
    page.goto(f"{mock.base_url}/dashboard/keys/key_doesnotexist")
    tab_to(page, "← Back to API Keys")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="API Keys").wait_for()
