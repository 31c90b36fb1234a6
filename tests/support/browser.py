"""Driving the dashboard in a real browser: Debian's Chromium through Playwright.

The tests skip, naming the install command, where Chromium or Playwright is missing; CI
installs both (``.ci/run``), so there they always run.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from mock_server.testing import EulabelMock

INSTALL = "apt-get update && apt-get install -y chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Anything shaped like a full key: the prefix and more characters than a masked key shows.
FULL_KEY = re.compile(r"sk_(?:test|live)_[A-Za-z0-9]{5,}")


def chromium_path() -> str | None:
    found = os.environ.get("EULABEL_CHROMIUM") or shutil.which("chromium")
    return found if found and os.path.exists(found) else None


@pytest.fixture(scope="session")
def playwright() -> Iterator[Any]:
    """Playwright, for the whole test session (one per process: its sync API cannot nest)."""
    if chromium_path() is None:
        pytest.skip(f"Chromium not found; install it with: {INSTALL}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip('Playwright not installed; install it with: pip install -e ".[test]"')
    with sync_playwright() as p:
        yield p


def launch(playwright: Any, *args: str) -> Any:
    """A headless Chromium with the usual arguments and ``args``."""
    return playwright.chromium.launch(executable_path=chromium_path(), args=[*ARGS, *args])


@pytest.fixture(scope="session")
def browser(playwright: Any) -> Iterator[Any]:
    """One headless Chromium for the whole test session."""
    chromium = launch(playwright)
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.fixture(scope="module")
def mock() -> Iterator[EulabelMock]:
    """One mock on a real port per test module; each test signs in to its own organisation."""
    with EulabelMock() as server:
        yield server


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(timezone_id="UTC", locale="en-GB", viewport={"width": 1280, "height": 720})
    # Generous: under `pytest` the browser shares 2 cores with contract-suite subprocesses on the other
    # worker, and a busy machine can take over 10 s to show a dialog; a passing test never waits this long.
    ctx.set_default_timeout(30_000)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def page(context: Any, mock: EulabelMock) -> Any:
    """A page signed in to a new, empty organisation."""
    page = context.new_page()
    sign_in(page, mock.base_url)
    return page


def sign_in(page: Any, base_url: str, organisation: str = "New organisation") -> None:
    page.goto(f"{base_url}/dashboard")
    page.get_by_label(organisation).check()
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="API Keys").wait_for()


def session_cookie(context: Any) -> dict[str, Any]:
    [cookie] = [c for c in context.cookies() if c["name"] == "eulabel_session"]
    return dict(cookie)


def create_key(page: Any, name: str, scopes: list[str]) -> str:
    """Create a key through the page; returns the secret the one-time dialog shows (left open)."""
    page.get_by_role("button", name="Create key").click()
    dialog = page.get_by_role("dialog", name="Create API key")
    dialog.get_by_label("Name").fill(name)
    for scope in scopes:
        dialog.get_by_label(scope, exact=True).check()
    dialog.get_by_role("button", name="Create", exact=True).click()
    shown = page.get_by_role("dialog", name="Your new API key")
    shown.wait_for()
    secret = str(shown.get_by_label("API key").text_content())
    full = FULL_KEY.fullmatch(secret) is not None
    assert full, "the dialog shows no full key"
    # The list reloads behind the dialog once the key exists; callers then read the new row.
    key_row(page, name).wait_for(state="attached")
    return secret


def close_secret(page: Any) -> None:
    page.get_by_role("button", name="I have stored it").click()
    page.get_by_role("dialog", name="Your new API key").wait_for(state="hidden")


def key_row(page: Any, name: str) -> Any:
    return page.locator("#key-rows tr").filter(has=page.get_by_role("cell", name=name, exact=True))


def shows_a_full_key(page: Any) -> bool:
    """Whether any frame's DOM, or what the page shows, holds something shaped like a full key."""
    texts = [frame.content() for frame in page.frames] + [page.evaluate("document.body.innerText")]
    return any(FULL_KEY.search(text) for text in texts)


def heap_holds(page: Any, needle: str) -> bool:
    """Whether the page's JavaScript heap still holds ``needle`` after a full garbage collection."""
    cdp = page.context.new_cdp_session(page)
    chunks: list[str] = []
    cdp.on("HeapProfiler.addHeapSnapshotChunk", lambda event: chunks.append(event["chunk"]))
    cdp.send("HeapProfiler.enable")
    cdp.send("HeapProfiler.collectGarbage")
    cdp.send("HeapProfiler.takeHeapSnapshot", {"reportProgress": False})
    cdp.detach()
    return needle in "".join(chunks)


def change_cookies(page: Any, *cookies: dict[str, Any]) -> None:
    """Replace the context's cookies with ``cookies``, once the page's own scripts have stopped.

    A Dashboard page whose fetch is still in flight meets the change as a 401 and navigates to the
    sign-in page by itself, which interrupts the test's next ``goto`` on a loaded machine.
    """
    page.goto("about:blank")
    page.context.clear_cookies()
    if cookies:
        page.context.add_cookies(list(cookies))
