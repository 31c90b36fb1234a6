"""Claim tests for the API-key lifecycle (C3-C7, C11-C19): tolerant of field names, ids and revoke status."""

from __future__ import annotations

import re
import time
from collections.abc import Mapping

import pytest

from .client import KEY_SCOPES, KEYS, Api
from .fixtures import MakeKey
from .redact import ENV_PREFIX
from .responses import describe, dumps
from .shapes import environment_of, matches, revealed, strings
from .target import Target

pytestmark = pytest.mark.destructive


@pytest.mark.claim("C3")
def test_created_key_starts_with_documented_prefix_and_authenticates(api: Api, make_key: MakeKey) -> None:
    created = make_key(["products:read"])
    assert created.secret and ENV_PREFIX.match(created.secret)
    resp = api.use(created.secret)
    assert resp.status_code == 200, f"the new key does not authenticate: {describe(resp)}"


@pytest.mark.claim("C3")
@pytest.mark.claim("C4")
def test_key_prefix_matches_the_targets_environment(api: Api, target: Target, make_key: MakeKey) -> None:
    """sk_test_ for the sandbox, sk_live_ for production: as --environment says, else as the key's own
    fields say (environment, livemode, mode); every key of one organisation has the same environment."""
    keys = [make_key(["products:read"], label="env"), make_key(["products:write"], label="env")]
    for created in keys:
        said = environment_of(created.body)
        wanted = target.environment or said
        assert created.secret is not None
        prefix = created.secret[: created.secret.index("_", 3) + 1]
        if wanted is not None:
            assert prefix == f"sk_{wanted}_", f"a key of the {wanted} environment starts with {prefix}" + (
                f" (its own fields say {said!r})" if said else " (--environment)"
            )
    prefixes = {k.secret[:8] for k in keys if k.secret}
    assert len(prefixes) == 1, f"keys of one organisation and environment start differently: {sorted(prefixes)}"


@pytest.mark.claim("C5")
@pytest.mark.parametrize("scope", KEY_SCOPES)
def test_each_documented_scope_can_be_granted(make_key: MakeKey, scope: str) -> None:
    created = make_key([scope], label="scope")
    assert created.status < 300


@pytest.mark.claim("C5")
@pytest.mark.parametrize(
    "scopes",
    [["products:delete"], ["admin"], ["products:read", "everything"], []],
    ids=["unknown-scope", "admin", "one-unknown", "no-scope"],
)
def test_undocumented_or_missing_scopes_are_refused(api: Api, session: str, scopes: list[str]) -> None:
    created = api.create_key(session, scopes, label="badscope")
    assert 400 <= created.status < 500 and created.status not in (401, 403, 404), (
        f"a key with scopes {scopes} was not refused: status {created.status}, body {dumps(created.body)}"
    )
    assert created.secret is None, "a refused key request still returned a key"


@pytest.mark.claim("C6")
@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
def test_key_management_refuses_bearer_keys(api: Api, make_key: MakeKey, method: str) -> None:
    victim = make_key(["products:read"], label="victim")
    full = make_key(KEY_SCOPES, label="bearer")
    path = f"{KEYS}/{victim.id}" if method == "DELETE" else KEYS
    body = {"name": api.unique_name("bearer-made"), "scopes": ["products:read"]} if method == "POST" else None
    resp = api.request(method, path, key=full.secret, json=body) if body else api.request(method, path, key=full.secret)
    assert resp.status_code in (401, 403), f"key management accepted a bearer key: {describe(resp)}"
    if method == "DELETE":
        assert api.use(victim.secret).status_code == 200, "a bearer key revoked a key"


@pytest.mark.claim("C6")
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_key_management_without_credentials_is_refused(api: Api, target: Target, method: str) -> None:
    body = {"name": api.unique_name("anon"), "scopes": ["products:read"]}
    resp = api.request(method, KEYS, json=body) if method == "POST" else api.request(method, KEYS)
    assert resp.status_code in (401, 403), describe(resp)


@pytest.mark.claim("C7")
def test_session_is_read_from_the_eulabel_session_cookie(api: Api, session: str) -> None:
    good, _ = api.list_keys(session)
    assert good.status_code == 200, describe(good)
    other = api.request("GET", KEYS, session=session, cookie_name="session")
    assert other.status_code in (401, 403), f"a session under another cookie name was accepted: {describe(other)}"


@pytest.mark.claim("C11")
@pytest.mark.claim("C30")
def test_create_returns_201_and_the_key_is_listed(api: Api, session: str, make_key: MakeKey) -> None:
    created = make_key(["products:read"])
    assert created.status == 201, f"create answered {created.status}, documented 201 (C30)"
    assert api.listed(session, created) is not None, "the created key is not in the list"


@pytest.mark.claim("C30")
def test_list_returns_200(api: Api, session: str) -> None:
    resp, items = api.list_keys(session)
    assert resp.status_code == 200, describe(resp)
    assert items is not None, f"no array of keys in the list response: {describe(resp)}"


def _assert_not_cacheable(headers: Mapping[str, str]) -> None:
    cache = headers.get("Cache-Control", "").lower()
    if "no-store" in cache:
        return
    max_age = re.search(r"(?:s-)?max-age=(\d+)", cache)
    assert "public" not in cache and not (max_age and int(max_age.group(1)) > 0), (
        f"the create response may be cached (Cache-Control: {cache!r}), so the secret can be shown again"
    )
    assert "Expires" not in headers or "no-cache" in cache, "the create response carries Expires"


@pytest.mark.claim("C12")
def test_create_response_with_the_secret_is_not_cacheable(make_key: MakeKey) -> None:
    _assert_not_cacheable(make_key(["products:read"], label="cache").headers)


@pytest.mark.claim("C14")
@pytest.mark.claim("C12")
def test_listed_keys_are_masked_to_their_prefix(api: Api, session: str, make_key: MakeKey) -> None:
    created = make_key(["products:read"], label="mask")
    assert created.secret is not None
    resp, items = api.list_keys(session)
    assert resp.status_code == 200 and items is not None, describe(resp)
    assert created.secret not in resp.text, "the list shows a full secret"
    item = next((i for i in items if matches(i, created.id, created.name)), None)
    assert item is not None, "the created key is not listed"
    body_len = len(ENV_PREFIX.sub("", created.secret))
    limit = min(12, body_len // 2)
    shown = max((revealed(created.secret, s) for _, s in strings(item)), default=0)
    assert shown <= limit, (
        f"the listed key reveals {shown} of {body_len} secret characters in one piece "
        f"(a mask shows only the prefix; at most {limit} allowed)"
    )
    prefixes = [s for _, s in strings(item) if s.startswith(created.secret[:8])]
    assert prefixes, f"no masked prefix ({created.secret[:8]}…) in the listed key: {dumps(item)}"


@pytest.mark.claim("C18")
def test_several_keys_work_at_the_same_time(api: Api, make_key: MakeKey) -> None:
    keys = [make_key(["products:read"], label=f"multi{i}") for i in range(3)]
    for created in keys:
        resp = api.use(created.secret)
        assert resp.status_code == 200, f"key {keys.index(created) + 1} of 3 stopped working: {describe(resp)}"


@pytest.mark.claim("C4")
@pytest.mark.claim("C13")
def test_organisations_see_only_their_own_keys(api: Api, session: str, session2: str, make_key: MakeKey) -> None:
    mine, theirs = make_key(["products:read"], label="org1"), make_key(["products:read"], label="org2", on=session2)
    _, first = api.list_keys(session)
    _, second = api.list_keys(session2)
    assert first is not None and second is not None
    assert not any(matches(i, theirs.id, theirs.name) for i in first), "org 1 lists a key of org 2"
    assert not any(matches(i, mine.id, mine.name) for i in second), "org 2 lists a key of org 1"
    assert any(matches(i, mine.id, mine.name) for i in first), "org 1 does not list its own key"
    assert any(matches(i, theirs.id, theirs.name) for i in second), "org 2 does not list its own key"


@pytest.mark.claim("C4")
@pytest.mark.parametrize("direction", ["org2-revokes-org1", "org1-revokes-org2"])
def test_an_organisation_cannot_revoke_another_ones_key(
    api: Api, session: str, session2: str, make_key: MakeKey, direction: str
) -> None:
    """The docs give no status for revoking another organisation's key, only that nothing changes for it."""
    owner, other = (session, session2) if direction == "org2-revokes-org1" else (session2, session)
    victim = make_key(["products:read"], label="victim", on=owner)
    resp = api.revoke(other, victim)
    assert resp.status_code < 500, f"another organisation's revoke: {describe(resp)}"
    time.sleep(0.2)
    assert api.use(victim.secret).status_code == 200, f"another organisation revoked the key: {describe(resp)}"
    assert api.listed(owner, victim) is not None, "another organisation's revoke removed the key from the list"
