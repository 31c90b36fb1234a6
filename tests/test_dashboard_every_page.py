"""Every page and dialog of the Dashboard: at a phone's width, through axe-core, and by keyboard alone.

The pages and dialogs are tests/support/dashboard_tour.py's, each in a state with something on it. axe-core runs
inside Chromium (axe-playwright-python ships its script: no network) at 1280 and 390 pixels wide; no
violation may be serious or critical. How the mock's page looks is this project's choice, not a claim.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from mock_server.testing import EulabelMock
from tests.support.dashboard_tour import PAGES, STATES, Tour, prepare

pytestmark = pytest.mark.mock_only
WIDTHS = {"desktop": {"width": 1280, "height": 720}, "phone": {"width": 390, "height": 844}}
SERIOUS = ("serious", "critical")


@pytest.fixture(scope="module")
def toured(browser: Any, mock: EulabelMock) -> Iterator[tuple[Any, Tour]]:
    """One page on one organisation with something on every page; each test opens its page or dialog."""
    context = browser.new_context(timezone_id="UTC", locale="en-GB", viewport=WIDTHS["desktop"])
    context.set_default_timeout(30_000)
    try:
        page = context.new_page()
        yield page, prepare(page, mock)
    finally:
        context.close()


def show(toured: tuple[Any, Tour], state: str, width: str) -> Any:
    page, tour = toured
    page.set_viewport_size(WIDTHS[width])
    STATES[state](page, tour)
    return page


@pytest.mark.parametrize("state", list(STATES))
def test_at_390_pixels_nothing_is_wider_than_the_viewport_and_the_header_spans_it(
    toured: tuple[Any, Tour], state: str
) -> None:
    page = show(toured, state, "phone")
    sizes = page.evaluate(
        """() => {
             const header = document.querySelector("header.top").getBoundingClientRect();
             const dialog = document.querySelector("dialog[open]");
             const box = dialog && dialog.getBoundingClientRect();
             return {viewport: document.documentElement.clientWidth, page: document.documentElement.scrollWidth,
                     header: [header.left, header.width],
                     dialog: dialog ? {inner: dialog.scrollWidth - dialog.clientWidth, left: box.left,
                                       right: box.right} : null};
           }"""
    )
    assert sizes["viewport"] == 390
    assert sizes["page"] <= 390, f"the page is {sizes['page']} px wide"
    assert sizes["header"] == [0, 390], f"the header spans {sizes['header']}"
    if sizes["dialog"] is not None:
        dialog = sizes["dialog"]
        assert dialog["inner"] <= 0 and dialog["left"] >= 0 and dialog["right"] <= 390, dialog


def serious_violations(page: Any) -> list[tuple[str, str, list[Any]]]:
    violations = Axe().run(page).response["violations"]
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]]) for v in violations if v["impact"] in SERIOUS]


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("state", list(STATES))
def test_no_page_or_dialog_has_a_serious_or_critical_accessibility_violation(
    toured: tuple[Any, Tour], state: str, width: str
) -> None:
    page = show(toured, state, width)
    assert serious_violations(page) == []


def test_the_accessibility_check_finds_what_it_is_for(toured: tuple[Any, Tour]) -> None:
    # Only worth something if it can fail: a button without a name and text without contrast are found.
    page = show(toured, "keys", "desktop")
    page.evaluate(
        """() => {
             const main = document.getElementById("main");
             main.append(Object.assign(document.createElement("button"), {className: "icon"}));
             const faint = Object.assign(document.createElement("p"), {textContent: "faint"});
             faint.style.color = "#eee";  // through the CSSOM, which the page's policy allows
             main.append(faint);
           }"""
    )
    found = {rule for rule, _, _ in serious_violations(page)}
    assert {"button-name", "color-contrast"} <= found


# Everything a keyboard can operate; a radio group is one stop, on its checked button.
INTERACTIVE = """(() => {
  const dialog = document.querySelector("dialog[open]");
  const root = dialog || document;
  const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden"
    && !el.closest("details:not([open]) > :not(summary)");
  const all = [...root.querySelectorAll("a[href], button, input, select, textarea, summary, [tabindex]")]
    .filter((el) => el.tabIndex >= 0 && !el.disabled && shown(el))
    .filter((el) => el.type !== "radio" || el.checked);
  all.forEach((el, i) => { el.dataset.stop = String(i); });
  return all.map((el) => el.outerHTML.slice(0, 120));
})()"""
FOCUSED = """(() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const ring = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  return {stop: el.dataset.stop === undefined ? null : Number(el.dataset.stop), ring,
          what: el.outerHTML.slice(0, 120)};
})()"""


@pytest.mark.parametrize("state", list(PAGES) + ["create dialog", "rotate dialog", "revoke dialog"])
def test_tab_reaches_every_control_once_around_and_shows_where_the_focus_is(
    toured: tuple[Any, Tour], state: str
) -> None:
    page = show(toured, state, "desktop")
    stops = page.evaluate(INTERACTIVE)
    assert stops, "nothing on the page takes the focus"
    reached: list[int] = []
    for _ in range(len(stops) * 2 + 4):
        page.keyboard.press("Tab")
        now = page.evaluate(FOCUSED)
        if now["stop"] is None:
            continue  # the page itself, between two rounds
        assert now["ring"], f"no visible focus on {now['what']}"
        if reached and now["stop"] == reached[0]:
            break  # once around
        reached.append(now["stop"])
    missed = [stops[i] for i in range(len(stops)) if i not in reached]
    assert missed == [], "Tab never reaches these"
