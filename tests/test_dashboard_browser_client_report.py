"""The client report on a key's usage page, in a real browser: what the client did against the docs
(C36: a 4xx resent; C2: the key outside the Bearer header), beside the refusal reasons it explains.

The claims are the docs'; how the page shows the findings is this project's choice.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import pytest

from mock_server.testing import EulabelMock
from tests.support.browser import close_secret, create_key, key_row, shows_a_full_key

pytestmark = pytest.mark.mock_only


def open_usage(page: Any, name: str) -> None:
    key_row(page, name).get_by_role("link", name="Usage").click()
    page.get_by_role("heading", name=f"Usage of {name}").wait_for()


def test_a_keys_findings_show_with_claim_and_fix_and_mark_the_calls_they_cite(page: Any, mock: EulabelMock) -> None:
    secret = create_key(page, "Careless", ["products:write"])
    close_secret(page)
    statuses = [mock.request("POST", "/v1/products", {"name": "no gtin"}, bearer=secret).status for _ in range(3)]
    statuses.append(mock.request("GET", f"/v1/products?api_key={quote(secret)}").status)
    assert statuses == [422, 422, 422, 401]
    open_usage(page, "Careless")
    findings = page.get_by_role("region", name="Against the docs")
    findings.wait_for()
    items = findings.get_by_role("listitem")
    assert items.count() == 2
    texts = [re.sub(r"\s+", " ", str(t)) for t in items.all_inner_texts()]
    assert texts[0].startswith("C2 A key was sent in the query string in 1 request.")
    assert "Fix: Send the key only as" in texts[0]
    assert texts[1].startswith("C36 POST /v1/products answered 422 was sent 2 more times unchanged.")
    cited = page.locator("#call-rows tr").filter(has=page.locator(".claim", has_text="C36"))
    assert cited.count() == 3 and all("validation" in str(t) for t in cited.all_inner_texts())
    assert not shows_a_full_key(page)


def test_a_key_used_as_the_docs_ask_shows_no_findings(page: Any, mock: EulabelMock) -> None:
    secret = create_key(page, "Careful", ["products:read"])
    close_secret(page)
    assert mock.request("GET", "/v1/products", bearer=secret).status == 200
    open_usage(page, "Careful")
    page.locator("#call-rows tr").first.wait_for()
    assert not page.get_by_role("region", name="Against the docs").is_visible()
    assert page.locator(".claim").count() == 0
