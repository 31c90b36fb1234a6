"""The contract suite's tolerant readers: they find keys by value and accept either error shape."""

from __future__ import annotations

import copy

import jsonschema
import pytest

from contract_tests.redact import contains_full_key, mask, redact
from contract_tests.shapes import code_ok, find_id, find_secret, iso_utc, list_items, matches, parse_error, revealed
from contract_tests.spec_view import build_documented, documented_spec, full_spec
from tests.support.key_encodings import ENCODINGS, KEY, hides_key

SECRET = "sk_test_" + "Ab3dE" * 6 + "xy"  # 32 characters after the prefix, built so no literal key is in the repo


def test_secret_is_found_by_value_under_any_field() -> None:
    assert find_secret({"apiKey": SECRET, "prefix": SECRET[:12]}) == SECRET
    assert find_secret({"data": {"credentials": [{"value": SECRET}]}}) == SECRET
    assert find_secret({"prefix": "sk_test_Ab3d"}) == "sk_test_Ab3d"
    assert find_secret({"id": "key_1"}) is None


@pytest.mark.parametrize(
    "body",
    [{"id": "k1"}, {"keyId": "k1"}, {"key_id": "k1"}, {"data": {"apiKeyId": "k1"}}, {"name": "n", "publicKeyId": "k1"}],
)
def test_key_id_is_found_under_likely_fields(body: dict[str, object]) -> None:
    assert find_id({**body, "secret": SECRET}, SECRET, "n") == "k1"


def test_key_id_falls_back_to_an_id_looking_value() -> None:
    assert (
        find_id(
            {"name": "ci", "token": SECRET, "ref": "kid_0123456789", "created": "2026-01-01T00:00:00Z"}, SECRET, "ci"
        )
        == "kid_0123456789"
    )


@pytest.mark.parametrize(
    "body", [[{"id": 1}], {"data": [{"id": 1}]}, {"keys": [{"id": 1}], "total": 1}, {"result": {"items": [{"id": 1}]}}]
)
def test_list_items_are_found_in_any_envelope(body: object) -> None:
    assert list_items(body) == [{"id": 1}]


def test_listed_key_matches_by_id_or_by_name() -> None:
    assert matches({"keyId": "k1"}, "k1", None)
    assert matches({"label": "ct-1-key"}, "other", "ct-1-key")
    assert not matches({"keyId": "k2", "label": "x"}, "k1", "ct-1-key")


def test_revealed_counts_the_longest_run_of_secret_characters() -> None:
    assert revealed(SECRET, SECRET[:12] + "…") == 4
    assert revealed(SECRET, "sk_test_") == 0
    assert revealed(SECRET, SECRET[:-3] + "***") == 29


def test_redaction_masks_every_key_shaped_string() -> None:
    text = redact(f"got {SECRET} and {SECRET[:12]}")
    assert SECRET not in text and mask(SECRET) in text and not contains_full_key(text)
    assert contains_full_key(SECRET)


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("2026-03-14T20:00:00.000Z", True),
        ("2026-03-14T20:00:00+00:00", True),
        ("2026-03-14T20:00:00+01:00", False),
        ("2026-03-14T20:00:00", False),
        ("yesterday", False),
    ],
)
def test_timestamps_must_be_utc(value: str, ok: bool) -> None:
    assert iso_utc(value) is ok


def test_both_documented_error_shapes_are_read() -> None:
    flat = parse_error({"error": "unauthorized", "message": "m", "status": 401})
    nested = parse_error({"error": {"type": "authentication_error", "message": "m", "code": "authentication_error"}})
    assert (flat.shape, nested.shape) == ("flat", "nested")
    assert code_ok(401, flat) and code_ok(401, nested)
    assert not code_ok(401, parse_error({"error": "forbidden", "message": "m", "status": 401}))
    assert not code_ok(400, parse_error("<html>"))


def _required(node: object) -> set[str]:
    """Every field name any schema under ``node`` requires."""
    if isinstance(node, dict):
        names = node.get("required")
        found = {r for r in names if isinstance(r, str)} if isinstance(names, list) else set()
        return found.union(*(_required(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_required(v) for v in node))
    return set()


def test_documented_view_requires_only_fields_the_docs_show() -> None:
    # openapi.yaml requires updatedAt, version and more on a passport; the docs show none of them.
    full, view = full_spec(), documented_spec()
    assert "updatedAt" in full["components"]["schemas"]["Passport"]["required"]
    documented_fields = {
        "productId",
        "qrCodeUrl",
        "createdAt",
        "data",
        "status",
        "compliance",
        "gtin",
        "name",
        "category",
        "error",
        "message",
        "type",
    }
    assert _required(view["paths"]) | _required(view["components"]) <= documented_fields
    passport = view["paths"]["/v1/passports"]["post"]["responses"]["2XX"]["content"]["application/json"]["schema"]
    jsonschema.validate({"status": "draft", "compliance": {"missingFields": []}}, passport)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"status": "archived", "compliance": {}}, passport)


def test_documented_view_is_built_so_a_new_assumption_never_reaches_it() -> None:
    spec = copy.deepcopy(full_spec())
    spec["components"]["schemas"]["Product"]["required"].append("updatedAt")
    spec["components"]["schemas"]["Product"]["properties"]["productId"]["pattern"] = "^prod_"
    created = spec["paths"]["/v1/products"]["post"]["responses"]["201"]
    created["headers"]["X-Request-Id"] = {"required": True, "schema": {"type": "string"}}
    spec["components"]["schemas"]["ApiKey"].pop("x-documented")  # forgetting the marker changes nothing
    assert build_documented(spec) == build_documented(full_spec())


def test_documented_view_keeps_documented_statuses_and_leaves_the_others_open() -> None:
    ops = documented_spec()["paths"]
    assert set(ops["/v1/auth/api-keys/{keyId}"]["delete"]["responses"]) >= {"2XX", "404", "401"}
    assert "201" in ops["/v1/auth/api-keys"]["post"]["responses"]  # C30: creation returns 201
    assert ops["/v1/auth/api-keys"]["post"]["responses"]["201"].get("content") is None  # no field names
    assert "2XX" in ops["/v1/passports"]["post"]["responses"]  # a merge's status is not documented
    assert ops["/v1/products"]["get"]["responses"]["429"]["headers"]["Retry-After"]["required"] is True  # C35
    assert "WWW-Authenticate" not in str(ops)
    assert ops["/v1/products"]["post"]["responses"]["201"]["links"]  # stateful runs follow the same links


def test_documented_view_admits_every_scope_the_docs_list() -> None:
    # C5 lists api_keys:manage; the mock's refusal to grant it to a key is an assumption.
    assert "api_keys:manage" not in full_spec()["components"]["schemas"]["Scope"]["enum"]
    body = documented_spec()["paths"]["/v1/auth/api-keys"]["post"]["requestBody"]["content"]["application/json"]
    assert "api_keys:manage" in body["schema"]["properties"]["scopes"]["items"]["enum"]


@pytest.mark.parametrize("name", sorted(ENCODINGS))
def test_the_suites_redaction_hides_a_key_in_every_encoding_the_mock_masks(name: str) -> None:
    # A broken server may echo a key percent-encoded or in base64: the suite's reports quote it.
    assert hides_key(redact(f"server said: {ENCODINGS[name](KEY)} (end)"))
