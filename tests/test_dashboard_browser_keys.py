"""The API keys page in a real browser: rotation that survives a reload, the status line, finding keys.

C19 documents rotation without a gap; how the page carries a rotation across reloads, names the new
key, tells times and lets the user find a key is this project's choice.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from mock_server.testing import EulabelMock
from tests.support.browser import FULL_KEY, close_secret, create_key, key_row

pytestmark = pytest.mark.mock_only


def rotate(page: Any, name: str, new_name: str | None = None) -> str:
    """Rotate the key through the page; returns the name the new key got."""
    key_row(page, name).get_by_role("button", name=f"Rotate {name}", exact=True).click()
    dialog = page.get_by_role("dialog", name="Rotate API key")
    field = dialog.get_by_label("Name")
    if new_name is not None:
        field.fill(new_name)
    chosen = str(field.input_value())
    dialog.get_by_role("button", name="Create new key").click()
    close_secret(page)
    key_row(page, chosen).wait_for()
    return chosen


def browser_storage(page: Any) -> str:
    return str(page.evaluate("JSON.stringify([{...localStorage}, {...sessionStorage}])"))


@pytest.mark.claim("C19")
def test_a_rotation_gets_a_dated_editable_name_and_survives_a_reload_holding_no_secret(
    page: Any, mock: EulabelMock
) -> None:
    mock.freeze("2026-12-04T09:30:00Z")
    try:
        secret = create_key(page, "Backend", ["products:read"])
        close_secret(page)
        key_row(page, "Backend").get_by_role("button", name="Rotate").click()
        field = page.get_by_role("dialog", name="Rotate API key").get_by_label("Name")
        assert field.input_value() == "Backend (rotated 2026-12-04)"
        assert field.is_editable()
        page.get_by_role("button", name="Cancel").click()
        assert rotate(page, "Backend") == "Backend (rotated 2026-12-04)"
        page.reload()
        panel = page.get_by_role("region", name="Rotation in progress: Backend")
        panel.wait_for()
        assert "Backend (rotated 2026-12-04)" in str(panel.text_content())
        kept = browser_storage(page)
        assert secret not in kept and not FULL_KEY.search(kept) and "Backend" not in kept, kept
        assert set(json.loads(kept)[0]) == {
            f"eulabel-mock:rotations:{page.locator('main').get_attribute('data-org-id')}"
        }
        # Another rotation of the same key on the same day gets a name of its own.
        assert rotate(page, "Backend") == "Backend (rotated 2026-12-04, 2)"
        assert rotate(page, "Backend (rotated 2026-12-04)", "Backend, December") == "Backend, December"
        page.reload()
        assert page.get_by_role("region", name="Rotation in progress").count() == 2
        # Finished: the old key revoked from its panel; the rotation is forgotten.
        panel = page.get_by_role("region", name="Rotation in progress: Backend (rotated 2026-12-04)")
        panel.get_by_label("The new key works").check()
        panel.get_by_role("button", name="Revoke the old key").click()
        page.get_by_role("dialog", name="Revoke API key").get_by_role("button", name="Revoke key").click()
        page.get_by_text("Rotation complete").wait_for()
        page.reload()
        page.get_by_role("region", name="Rotation in progress: Backend").wait_for()
        assert page.get_by_role("region", name="Rotation in progress").count() == 1
        page.get_by_role("button", name="Keep both keys").click()
        page.get_by_text("both stay active").wait_for()
        page.reload()
        key_row(page, "Backend").wait_for()
        assert page.get_by_role("region", name="Rotation in progress").count() == 0
        assert json.loads(browser_storage(page)) == [{}, {}]
    finally:
        mock.unfreeze()


def status(page: Any) -> str:
    return str(page.get_by_role("status").first.text_content())


def test_the_status_line_says_what_the_last_action_did(page: Any) -> None:
    create_key(page, "First", ["products:read"])
    close_secret(page)
    assert status(page) == "Key “First” created."
    create_key(page, "Second", ["products:read"])
    close_secret(page)
    key_row(page, "First").get_by_role("button", name="Revoke").click()
    page.get_by_role("dialog", name="Revoke API key").get_by_role("button", name="Revoke key").click()
    page.get_by_text("Revocation is permanent.").wait_for()
    assert status(page) == "Key “First” revoked. Revocation is permanent."
    key_row(page, "Second").get_by_role("button", name="Rotate").click()
    assert status(page) == "", "a new action started: the last one's message is gone"
    page.get_by_role("dialog", name="Rotate API key").get_by_role("button", name="Create new key").click()
    close_secret(page)
    said = status(page)
    assert said.startswith("Rotation started: new key “Second (rotated ") and "revoked" not in said, said
    assert "the old key “Second” stays active" in said


def cells(page: Any) -> list[str]:
    return [str(t) for t in page.locator("#key-rows tr td:first-child").all_text_contents()]


def test_the_key_list_is_searched_by_name_prefix_or_scope_and_sorted_by_any_column(
    page: Any, mock: EulabelMock
) -> None:
    secrets = {}
    for name, scopes in [
        ("beta sync", ["products:read"]),
        ("Alpha", ["passports:write"]),
        ("gamma", ["products:read"]),
    ]:
        secrets[name] = create_key(page, name, scopes)
        close_secret(page)
    for _ in range(2):
        mock.request("GET", "/v1/products", bearer=secrets["gamma"])
    page.reload()
    key_row(page, "gamma").wait_for()
    assert cells(page) == ["beta sync", "Alpha", "gamma"]  # oldest first, as the API lists them
    page.get_by_role("button", name="Name").click()
    assert cells(page) == ["Alpha", "beta sync", "gamma"]  # letters, not code points
    assert page.locator("th", has=page.get_by_role("button", name="Name")).get_attribute("aria-sort") == "ascending"
    page.get_by_role("button", name="Name").click()
    assert cells(page) == ["gamma", "beta sync", "Alpha"]
    page.get_by_role("button", name="Calls (last hour)").click()
    assert cells(page)[-1] == "gamma"
    page.get_by_role("button", name="Last used").click()
    assert cells(page)[-1] == "gamma"  # never used sorts first
    page.get_by_label("Search keys").fill("passports:write")
    assert cells(page) == ["Alpha"]
    assert page.get_by_text("Showing 1 of 3 keys").is_visible()
    page.get_by_label("Search keys").fill(secrets["beta sync"][:12])  # the prefix, as the list shows it
    assert cells(page) == ["beta sync"]
    page.get_by_label("Search keys").fill("SYNC beta")
    assert cells(page) == ["beta sync"]
    page.reload()  # search and order are in the address
    key_row(page, "beta sync").wait_for()
    assert page.get_by_label("Search keys").input_value() == "SYNC beta" and cells(page) == ["beta sync"]
    page.get_by_label("Search keys").fill("nothing like it")
    assert cells(page) == [] and page.get_by_text("No active key matches your search.").is_visible()


def test_last_used_is_relative_to_the_mocks_clock_with_the_exact_time_on_hover(page: Any, mock: EulabelMock) -> None:
    mock.freeze("2026-11-30T08:00:00Z")
    try:
        secret = create_key(page, "Sync", ["products:read"])
        close_secret(page)
        assert key_row(page, "Sync").get_by_role("cell", name="never", exact=True).is_visible()
        assert mock.request("GET", "/v1/products", bearer=secret).status == 200
        mock.advance(5 * 60)
        page.reload()
        used = key_row(page, "Sync").locator("time", has_text="ago")
        assert used.text_content() == "5 minutes ago"
        assert used.get_attribute("title") == "2026-11-30 08:00:00 UTC"
        assert used.get_attribute("datetime") == "2026-11-30T08:00:00.000Z"
        used.hover()  # the exact time is the element's tooltip
        mock.advance(3 * 3600 - 5 * 60)
        page.reload()
        assert key_row(page, "Sync").locator("time", has_text="ago").text_content() == "3 hours ago"
        mock.advance(21 * 3600)
        page.reload()
        assert key_row(page, "Sync").locator("time", has_text="ago").text_content() == "1 day ago"
    finally:
        mock.unfreeze()


def test_the_unusual_badge_opens_to_say_what_made_the_key_unusual(page: Any, mock: EulabelMock) -> None:
    secret = create_key(page, "Reporting", ["products:read"])
    close_secret(page)
    product = {"name": "x", "category": "wine", "gtin": "5601012012200"}
    statuses = [mock.request("POST", "/v1/products", product, bearer=secret).status for _ in range(3)]
    assert statuses == [403] * 3
    page.reload()
    badge = key_row(page, "Reporting").get_by_text("unusual", exact=True)
    explained = key_row(page, "Reporting").get_by_role("listitem")
    assert not explained.first.is_visible()
    badge.click()
    assert [str(t) for t in explained.all_text_contents()] == [
        "3 calls refused with 401 or 403 in the last hour.",
        "Calls outside this key's scopes or the API: POST /v1/products.",
    ]
    assert explained.first.is_visible()
    assert "3 calls refused" in str(key_row(page, "Reporting").locator("details").get_attribute("title"))
