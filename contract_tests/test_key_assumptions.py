"""Checks of this project's own choices for API keys where the docs are silent (marked ``assumption``).

Against another server a difference here is reported as ``differs``, not failed (``--strict-assumptions``
fails it); ``--documented-only`` leaves them out.
"""

from __future__ import annotations

import re

import pytest

from .client import KEYS, Api
from .fixtures import MakeKey
from .responses import body_of, describe, dumps
from .shapes import list_items

pytestmark = pytest.mark.destructive


@pytest.mark.assumption
def test_second_revoke_is_404(api: Api, session: str, make_key: MakeKey) -> None:
    created = make_key(["products:read"], label="twice")
    assert 200 <= api.revoke(session, created).status_code < 300
    again = api.request("DELETE", f"{KEYS}/{created.id}", session=session)
    assert again.status_code == 404, describe(again)


@pytest.mark.assumption
def test_unknown_key_id_revoke_is_404(api: Api, session: str) -> None:
    resp = api.request("DELETE", f"{KEYS}/key_000000000000000000000000", session=session)
    assert resp.status_code == 404, describe(resp)


@pytest.mark.assumption
def test_create_sends_no_store_and_location(make_key: MakeKey) -> None:
    created = make_key(["products:read"], label="headers")
    assert created.status == 201 and created.headers.get("Cache-Control") == "no-store", created
    assert created.headers.get("Location", "").endswith(f"/v1/auth/api-keys/{created.id}"), created


@pytest.mark.assumption
def test_key_object_uses_our_field_names(api: Api, session: str, make_key: MakeKey) -> None:
    created = make_key(["products:read"], label="fields")
    assert created.secret is not None
    assert re.fullmatch(r"key_[0-9a-f]{24}", created.id or ""), created.id
    item = api.listed(session, created)
    assert item is not None and set(item) >= {"id", "name", "scopes", "prefix", "createdAt", "lastUsedAt"}, dumps(item)
    assert item["prefix"] == created.secret[:12]
    assert list_items(body_of(api.list_keys(session)[0])) is not None
