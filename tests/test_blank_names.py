"""One definition of "blank" for the spec and the mock, checked over every whitespace character (issue 10, item 6).

The docs are silent on blank names; refusing them is our spec's assumption. The spec's pattern is
read by ECMA-262 engines (JSON Schema tools in JavaScript) and by Python's ``re`` (the mock), so it
must mean the same in both: names made only of U+001C-U+001F were refused by the mock although
the spec's former ``\\S`` accepted them under ECMA-262.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest
import regress
from flask import Flask

from mock_server import create_app
from mock_server.api.spec import load_spec
from mock_server.api.validation import NON_BLANK, is_blank
from mock_server.control.bodies import schema
from mock_server.state.gtin import check_digit
from tests.support.clients import DATA_SCOPES, QUINTA, json_of, key_client
from tests.support.environments import REPO

# Unicode's White_Space property (PropList.txt): the standard's own list of whitespace.
UNICODE_WHITE_SPACE = {
    *range(0x09, 0x0E),
    0x20,
    0x85,
    0xA0,
    0x1680,
    *range(0x2000, 0x200B),
    0x2028,
    0x2029,
    0x202F,
    0x205F,
    0x3000,
}
ECMA_SPACE = regress.Regex(r"\s")
CODE_POINTS = [c for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]


def whitespace_by_any_definition() -> list[str]:
    """Every character some definition calls whitespace: Python, ECMA-262, Unicode, the Z categories."""
    found = set(UNICODE_WHITE_SPACE)
    for c in CODE_POINTS:
        ch = chr(c)
        if ch.isspace() or re.match(r"\s", ch) or unicodedata.category(ch) in ("Zs", "Zl", "Zp"):
            found.add(c)
        elif c < 0x10000 and ECMA_SPACE.find(ch) is not None:
            found.add(c)
    return [chr(c) for c in sorted(found)]


WHITESPACE = whitespace_by_any_definition()
BLANK = {chr(c) for c in UNICODE_WHITE_SPACE} | {ch for ch in WHITESPACE if ECMA_SPACE.find(ch) is not None}


def test_the_whitespace_set_holds_every_known_disagreement() -> None:
    # The characters on which the dialects differ must be in the set this module checks.
    assert {"\x1c", "\x1d", "\x1e", "\x1f", "\x85", "\ufeff"} <= set(WHITESPACE)


def name_patterns() -> Iterator[tuple[str, Any]]:
    schemas = load_spec()["components"]["schemas"]
    for schema_name in ("ApiKeyCreate", "ProductCreate", "PassportSubmit"):
        yield schema_name, schemas[schema_name]["properties"]["name"].get("pattern")


@pytest.mark.parametrize("schema_name, pattern", list(name_patterns()))
def test_every_name_in_the_spec_uses_the_shared_non_blank_pattern(schema_name: str, pattern: Any) -> None:
    assert pattern == NON_BLANK, schema_name


def test_the_control_plane_schema_uses_the_shared_non_blank_pattern() -> None:
    organization = schema()["$defs"]["Session"]["properties"]["organizationId"]
    assert organization["pattern"] == NON_BLANK


def test_no_pattern_in_the_spec_uses_a_dialect_dependent_class() -> None:
    # \s, \w, \b and \d match different characters in Python and in ECMA-262.
    patterns = re.findall(r"pattern: '([^']*)'", (REPO / "openapi.yaml").read_text(encoding="utf-8"))
    assert len(patterns) > 10
    assert [p for p in patterns if re.search(r"\\[sSwWbBdD]", p)] == []


@pytest.mark.parametrize("ch", WHITESPACE, ids=lambda ch: f"U+{ord(ch):04X}")
def test_ecma_262_and_python_agree_on_the_pattern_for_every_whitespace_character(ch: str) -> None:
    for text in (ch, ch * 3):
        ecma_accepts = regress.Regex(NON_BLANK).find(text) is not None
        python_accepts = re.search(NON_BLANK, text) is not None
        assert ecma_accepts == python_accepts == (ch not in BLANK)
        assert is_blank(text) == (ch in BLANK)
    assert regress.Regex(NON_BLANK).find("a" + ch) is not None and not is_blank("a" + ch)


def test_only_the_whitespace_set_is_blank_over_all_of_unicode() -> None:
    everything = "".join(chr(c) for c in CODE_POINTS)
    assert set(re.sub(NON_BLANK, "", everything)) == BLANK


@pytest.fixture(scope="module")
def app() -> Flask:
    return create_app({"SEED": 3, "RATE_LIMIT": "0"})


def gtin(n: int) -> str:
    first = f"{400000000000 + n:013d}"
    return first + str(check_digit(first))


@pytest.mark.parametrize("ch", WHITESPACE, ids=lambda ch: f"U+{ord(ch):04X}")
def test_a_name_of_whitespace_only_is_refused_exactly_when_it_is_blank(app: Flask, ch: str) -> None:
    name = ch * 3
    expected = 422 if ch in BLANK else 201
    session = app.test_client()
    session.set_cookie("eulabel_session", QUINTA)
    key = session.post("/v1/auth/api-keys", json={"name": name, "scopes": ["products:read"]})
    keyed = key_client(app, DATA_SCOPES)
    product = keyed.post("/v1/products", {"name": name, "category": "wine", "gtin": gtin(ord(ch))})
    passport = keyed.post("/v1/passports", {"name": name, "category": "wine", "gtin": gtin(ord(ch) + 200_000)})
    org = app.test_client().post("/_mock/sessions", json={"organizationId": name})
    assert [key.status_code, product.status_code, passport.status_code, org.status_code] == [expected] * 4
    for r in (key, product, passport, org):
        if expected == 422:
            assert json_of(r)["message"].endswith("must not be blank.")
