"""The spec's GTIN pattern says what the docs say of a GTIN but the check digit (C44), in ECMA-262 and Python alike.

Schemathesis' own CLI drew a 63-digit GTIN from the former schema (a string of 1 to 64 characters),
and the mock refused it: "schema-valid request rejected". The pattern now admits exactly the strings
whose digits, once whitespace around and spaces and dashes anywhere are stripped, number 8, 12, 13
or 14; the mock refuses the others with the GTIN guide's own message.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from typing import Any

import pytest
import regress
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mock_server import create_app
from mock_server.api.spec import load_spec
from mock_server.errors import ValidationFailed
from mock_server.state.gtin import AROUND, normalise
from tests.support.clients import json_of, key_client
from tests.support.environments import REPO

PATTERN = load_spec()["components"]["schemas"]["Gtin"]["pattern"]
ECMA = regress.Regex(PATTERN)
# Every character some dialect calls whitespace, digits of other scripts, and what a GTIN is made of.
SPACES = sorted({chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()} | set(AROUND))
TOKENS = [*"0123456789", " ", "-", *SPACES, "a", "٣", "０", "."]


def lengths_right(text: str) -> bool:
    """Whether the mock finds 8, 12, 13 or 14 digits in ``text`` (a wrong check digit aside)."""
    try:
        normalise(text)
    except ValidationFailed as err:
        return "check digit" in err.message
    return True


@st.composite
def gtin_like(draw: st.DrawFn) -> str:
    """Digits among separators and whitespace, mostly near the lengths that count, now and then spoilt."""
    around = st.text(st.sampled_from(SPACES), max_size=2)
    count = draw(st.sampled_from([7, 8, 9, 11, 12, 13, 14, 15, 63]))
    parts = [draw(around)]
    for _ in range(count):
        parts.append(draw(st.sampled_from(["", "", "", " ", "-", "- ", *SPACES[:3]])))
        parts.append(draw(st.sampled_from("0123456789")))
    parts.append(draw(st.sampled_from(["", "", "-", " -"])))
    parts.append(draw(around))
    text = "".join(parts)
    if draw(st.booleans()) and text:
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(TOKENS)) + text[at:]
    return text


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(gtin_like() | st.text(st.sampled_from(TOKENS), max_size=20))
@example("0" * 63)  # what schemathesis drew from the former schema
@example("\x1c5601012012200")  # str.strip() strips U+001C; the spec's whitespace does not include it
@example("\ufeff5601012012200\u3000")
@example("5601012012200\n")  # Python's `$` also matches before a final newline; ECMA-262's does not
@example("560-1012-01220-0")
@example(" - 5601012012200")
@example("-\t5601012012200")
def test_the_pattern_admits_exactly_the_gtins_of_the_right_length_in_ecma_262_and_python(text: str) -> None:
    python = re.search(PATTERN, text) is not None
    ecma = ECMA.find(text) is not None
    assert python == ecma == lengths_right(text), (python, ecma)


def test_the_pattern_spells_out_its_classes_and_its_whitespace_is_the_normalisers() -> None:
    assert not re.search(r"\\[sSwWdDbB]", PATTERN)
    for ch in SPACES:
        admitted = re.search(PATTERN, f"{ch}96385074{ch}") is not None
        assert admitted == (ch in AROUND), f"U+{ord(ch):04X}"


@pytest.fixture(scope="module")
def app() -> Flask:
    return create_app({"SEED": 5, "RATE_LIMIT": "0"})


@pytest.mark.claim("C44")
@pytest.mark.parametrize("gtin", ["0" * 63, "1234567", "٥٦٠١٠١٢٠١٢٢٠٠", "\x1c5601012012200", "5601012012200 x"])
@pytest.mark.parametrize("path", ["/v1/products", "/v1/passports"])
def test_a_gtin_the_pattern_refuses_gets_the_gtin_guides_message(app: Flask, path: str, gtin: str) -> None:
    r = key_client(app).post(path, {"name": "Test Red", "category": "wine", "gtin": gtin})
    body = json_of(r)
    assert r.status_code == 422
    assert (body["param"], body["message"]) == ("gtin", "GTIN must be 8, 12, 13 or 14 digits.")
    assert body["suggestion"] == "Provide a valid 8, 12, 13, or 14-digit GTIN."


def hooks_strategy(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The GTIN generator st/hooks.py gives schemathesis, taken without registering it in this process."""
    given_to: dict[str, Any] = {}
    monkeypatch.setattr(schemathesis.openapi, "format", lambda name, strategy: given_to.setdefault(name, strategy))
    spec = importlib.util.spec_from_file_location("st_hooks_under_test", REPO / "st" / "hooks.py")
    assert spec is not None and spec.loader is not None
    spec.loader.exec_module(importlib.util.module_from_spec(spec))
    return given_to["gtin"]


def test_the_st_hooks_draw_only_gtins_the_pattern_and_the_check_digit_admit(monkeypatch: pytest.MonkeyPatch) -> None:
    strategy = hooks_strategy(monkeypatch)

    @settings(max_examples=300, deadline=None)
    @given(strategy)
    def check(gtin: str) -> None:
        assert re.search(PATTERN, gtin) and ECMA.find(gtin) is not None
        normalise(gtin)  # raises on a wrong length or check digit

    check()
