"""The Dashboard screenshots of docs/dashboard.md: drawn on every run, written into ``docs/`` on request.

A seeded mock on a frozen clock makes every run draw the same pages. Each run draws them into a
temporary directory and checks them; ``EULABEL_UPDATE_SCREENSHOTS=1`` also copies a changed picture
into ``docs/``. Never by default: another machine's fonts draw other pixels, and a test run must not
change the checkout. The secret in the one-time dialog is replaced before the picture is taken: no
full key may be in the repository, not even as pixels.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mock_server.testing import EulabelMock
from tests.support.browser import FULL_KEY, close_secret, create_key, key_row, shows_a_full_key, sign_in

DOCS = Path(__file__).resolve().parents[1] / "docs"
PLACEHOLDER = "sk_test_" + "•" * 32
pytestmark = pytest.mark.mock_only


@pytest.fixture(scope="module")
def mock() -> Iterator[EulabelMock]:
    with EulabelMock({"SEED": 7}) as server:
        yield server


def save(page: Any, into: Path, name: str) -> Path:
    path = into / name
    path.write_bytes(page.screenshot(animations="disabled", caret="hide"))
    published = DOCS / name
    if os.environ.get("EULABEL_UPDATE_SCREENSHOTS") == "1" and (
        not published.exists() or published.read_bytes() != path.read_bytes()
    ):
        published.write_bytes(path.read_bytes())
    return path


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def test_screenshots_of_the_key_list_the_one_time_secret_and_the_usage_view(
    context: Any, mock: EulabelMock, tmp_path: Path
) -> None:
    mock.freeze("2026-11-30T08:00:00Z")
    page = context.new_page()
    sign_in(page, mock.base_url, "Quinta Demo Wines")
    pim = create_key(page, "Production PIM Sync", ["products:read", "products:write", "passports:write"])
    close_secret(page)
    ci = create_key(page, "CI Pipeline", ["products:read"])
    page.locator("#secret-value").evaluate("(el, text) => { el.textContent = text; }", PLACEHOLDER)
    assert not shows_a_full_key(page), "the real secret would be in the picture"
    secret_png = save(page, tmp_path, "dashboard-secret.png")
    close_secret(page)

    product = {"name": "Test Red", "category": "wine", "gtin": "5601012012200"}
    for step in range(12):  # an hour of traffic, five minutes at a time
        mock.advance(300)
        statuses = [mock.request("GET", "/v1/products", bearer=pim).status for _ in range(step % 4 + 2)]
        statuses += [mock.request("GET", "/v1/products", bearer=ci).status for _ in range(step // 3 + 1)]
        assert set(statuses) == {200}
        if step >= 9:  # then the CI key starts calling what it may not
            refused = [mock.request("POST", "/v1/products", product, bearer=ci).status for _ in range(2)]
            assert refused == [403, 403]

    page.reload()
    key_row(page, "CI Pipeline").wait_for()
    key_row(page, "CI Pipeline").get_by_text("unusual", exact=True).click()  # what made it unusual
    key_row(page, "CI Pipeline").get_by_text("calls refused").wait_for()
    keys_png = save(page, tmp_path, "dashboard-keys.png")
    key_row(page, "CI Pipeline").get_by_role("link", name="Usage").click()
    page.locator("#call-rows tr").first.wait_for()
    page.set_viewport_size({"width": 1280, "height": 1000})
    usage_png = save(page, tmp_path, "dashboard-usage.png")

    for path in (keys_png, secret_png, usage_png):
        width, height = png_size(path)
        assert width == 1280 and height >= 720
        assert not FULL_KEY.search(path.read_bytes().decode("latin-1"))
    page = (DOCS / "dashboard.md").read_text(encoding="utf-8")
    for path in (keys_png, secret_png, usage_png):
        assert f"]({path.name})" in page, f"docs/dashboard.md does not show {path.name}"
        assert png_size(DOCS / path.name)[0] == 1280, f"docs/{path.name} is not a 1280-pixel-wide picture"
        assert not FULL_KEY.search((DOCS / path.name).read_bytes().decode("latin-1"))
