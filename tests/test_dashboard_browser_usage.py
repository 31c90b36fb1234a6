"""A key's usage page in a real browser: not found, no calls yet, filters, counts, and the organisation's name.

The docs send people to the Dashboard to monitor usage (C20); what the mock's page shows, and how,
is this project's choice.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from mock_server.testing import EulabelMock
from tests.support.browser import change_cookies, close_secret, create_key, key_row, sign_in

pytestmark = pytest.mark.mock_only
PRODUCT = {"name": "Test Red", "category": "wine", "gtin": "5601012012200"}


def open_usage(page: Any, name: str) -> None:
    key_row(page, name).get_by_role("link", name="Usage").click()
    page.get_by_role("heading", name=f"Usage of {name}").wait_for()


@pytest.mark.parametrize("whose", ["unknown", "another organisation's"])
def test_an_unknown_or_foreign_key_gets_a_not_found_page_with_a_way_back(
    page: Any, mock: EulabelMock, whose: str
) -> None:
    key_id = "key_doesnotexist" if whose == "unknown" else mock.create_key(session=mock.new_session())[0]
    answer = page.goto(f"{mock.base_url}/dashboard/keys/{key_id}")
    assert answer is not None and answer.status == 404
    assert page.get_by_role("heading", name="Key not found").is_visible()
    assert page.get_by_text("Usage of").count() == 0 and page.locator("#chart").count() == 0
    page.get_by_role("link", name="Back to API Keys").click()
    page.get_by_role("heading", name="API Keys").wait_for()
    answer = page.goto(f"{mock.base_url}/dashboard/keys/")
    assert answer is not None and answer.status == 404
    assert page.get_by_role("heading", name="Page not found").is_visible()
    assert page.get_by_role("link", name="Back to API Keys").is_visible()


def test_a_revoked_keys_page_is_still_there_for_its_audit(page: Any) -> None:
    create_key(page, "Retired", ["products:read"])
    close_secret(page)
    key_row(page, "Retired").get_by_role("button", name="Revoke").click()
    page.get_by_role("dialog", name="Revoke API key").get_by_role("button", name="Revoke key").click()
    page.get_by_role("link", name="Audit of Retired").click()
    page.get_by_role("heading", name="Usage of Retired").wait_for()
    assert page.get_by_text("revoked").first.is_visible()


def test_an_unused_keys_chart_says_there_are_no_calls_yet(page: Any, mock: EulabelMock) -> None:
    secret = create_key(page, "Quiet", ["products:read"])
    close_secret(page)
    open_usage(page, "Quiet")
    page.get_by_text("No calls with this key yet.").wait_for()
    assert not page.locator("#chart").is_visible() and page.get_by_text("max 1").count() == 0
    assert page.get_by_role("img").count() == 0
    mock.freeze()
    try:
        assert mock.request("GET", "/v1/products", bearer=secret).status == 200
        mock.advance(2 * 3600)
        page.reload()
        page.get_by_text("No calls in the last hour.").wait_for()
        assert page.locator("#call-rows tr").count() == 1  # the call is still in the journal
    finally:
        mock.unfreeze()


def rows(page: Any) -> list[str]:
    return [re.sub(r"\s+", " ", str(t)).strip() for t in page.locator("#call-rows tr").all_text_contents()]


def test_recent_calls_filter_by_status_method_and_refusal_and_keep_the_filters_on_reload(
    page: Any, mock: EulabelMock
) -> None:
    secret = create_key(page, "Mixed", ["products:read"])
    close_secret(page)
    statuses = [mock.request("GET", "/v1/products", bearer=secret).status for _ in range(4)]
    statuses += [mock.request("POST", "/v1/products", PRODUCT, bearer=secret).status for _ in range(2)]
    statuses.append(mock.request("GET", "/v1/products/nope", bearer=secret).status)
    assert statuses == [200] * 4 + [403] * 2 + [404]
    open_usage(page, "Mixed")
    page.locator("#call-rows tr").first.wait_for()
    assert len(rows(page)) == 7 and page.get_by_text("7 recent calls").is_visible()
    status = page.get_by_label("Status")
    assert [str(o) for o in status.locator("option").all_text_contents()] == ["Any status", "200", "403", "404"]
    status.select_option("403")
    assert len(rows(page)) == 2 and all("POST" in r and "403" in r for r in rows(page))
    assert page.get_by_text("Showing 2 of 7 recent calls").is_visible()
    status.select_option("")
    page.get_by_label("Method").select_option("GET")
    assert len(rows(page)) == 5
    page.get_by_label("Refused only (401/403)").check()
    assert rows(page) == [] and page.get_by_text("No recent call matches these filters.").is_visible()
    page.get_by_label("Method").select_option("POST")
    assert len(rows(page)) == 2
    page.reload()
    page.locator("#call-rows tr").first.wait_for()
    assert (
        page.get_by_label("Method").input_value() == "POST" and page.get_by_label("Refused only (401/403)").is_checked()
    )
    assert len(rows(page)) == 2


# Every count the pages show, with the noun it counts: "1 call", "2 calls", "0 calls".
COUNTED = re.compile(r"\b(\d+) (call|request|bar|minute|hour|day|key|active key|recent call|pattern)(s?)\b")


def miscounted(page: Any) -> list[str]:
    texts = page.evaluate(
        """() => [document.body.innerText, document.title,
                  ...[...document.querySelectorAll("[aria-label], [title]")].map(
                      (el) => `${el.getAttribute("aria-label") || ""} ${el.getAttribute("title") || ""}`),
                  ...[...document.querySelectorAll("svg title, details li")].map((el) => el.textContent)]"""
    )
    found = [m for text in texts for m in COUNTED.finditer(str(text))]
    assert found, "no count on the page: the check would pass vacuously"
    return [m.group(0) for m in found if (m.group(1) == "1") == (m.group(3) == "s")]


def test_every_count_on_the_pages_is_singular_for_one_and_plural_otherwise(page: Any, mock: EulabelMock) -> None:
    mock.freeze()
    try:
        one = create_key(page, "One", ["products:read"])
        close_secret(page)
        assert mock.request("GET", "/v1/products", bearer=one).status == 200
        mock.advance(90)
        key_row(page, "One").get_by_role("button", name="Revoke").click()
        page.get_by_role("dialog", name="Revoke API key").get_by_role("button", name="Revoke key").click()
        page.get_by_text("Revocation is permanent.").wait_for()
        assert mock.request("GET", "/v1/products", bearer=one).status == 401  # 1 call after revocation
        page.reload()
        page.get_by_role("link", name="Audit of One").click()
        page.get_by_text("1 call with this key after it was revoked").wait_for()
        page.get_by_label("Method").select_option("GET")  # "Showing 2 of 2 recent calls"
        assert miscounted(page) == []
        page.goto(f"{mock.base_url}/dashboard")
        two = create_key(page, "Two", ["products:read"])
        close_secret(page)
        create_key(page, "Three", ["products:read"])
        close_secret(page)
        assert mock.request("GET", "/v1/products", bearer=two).status == 200
        page.reload()
        page.get_by_label("Search keys").fill("Two")  # "Showing 1 of 2 keys"
        assert miscounted(page) == []
        page.get_by_label("Search keys").fill("")  # "2 active keys"
        key_row(page, "Two").get_by_role("link", name="Usage").click()
        page.get_by_role("img", name="1 request in the last hour").wait_for()  # "1 call in the last hour"
        assert miscounted(page) == []
    finally:
        mock.unfreeze()


def test_a_minted_organisation_is_named_once_and_readably_in_the_header(page: Any, mock: EulabelMock) -> None:
    session = mock.new_session()  # as a test harness makes one: no name, only an id
    change_cookies(page, {"name": "eulabel_session", "value": session.cookie, "url": mock.base_url})
    page.goto(f"{mock.base_url}/dashboard")
    header = str(page.locator("header").inner_text())
    assert "Signed in to Unnamed organisation" in header
    assert header.count(session.org_id) == 1, header
    change_cookies(page)
    page.goto(f"{mock.base_url}/dashboard")
    offered = [str(t).strip() for t in page.locator("label.choice").all_inner_texts()]
    assert offered == ["Quinta Demo Wines org_quinta", "Textil Norte Demo org_textil", "New organisation"]
    sign_in(page, mock.base_url)
    assert "Unnamed organisation" in str(page.locator("header").inner_text())
