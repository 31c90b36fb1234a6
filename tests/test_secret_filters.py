"""The cheap tests that let the journal skip masking never skip text that masking would change.

``may_hold_secret`` (bytes: bodies) and ``any_may_hold_secret`` (text: path, query, header values)
answer "certainly no key here" so the journal can keep the text as it came. Saying so wrongly
would keep a key: for any text, if masking changes it, both must have said "maybe". (The byte
test lets a listed prefix, "sk_test_" and 4 characters, pass: no key is that short.)
"""

from __future__ import annotations

import base64
import json
import re
from urllib.parse import quote

from hypothesis import given, settings
from hypothesis import strategies as st

from mock_server.redaction import any_may_hold_secret, mask_secrets, may_hold_secret, redact_body
from tests.support.key_encodings import ENCODINGS, KEY, hides_key

# Pieces that build keys and their encodings, mixed with arbitrary text around and between them.
PIECES = [
    "sk_test_",
    "sk_live_",
    "sk%5Ftest%5F",
    "sk\\u005ftest\\u005f",
    "Zq9Xw2Lm",
    "abcd…",
    "%25",
    "%5F",
    "\\u005f",
    "\\/",
    "=",
    *[encode(KEY) for encode in ENCODINGS.values()],
    *[encode(KEY)[: len(encode(KEY)) // 2] for encode in ENCODINGS.values()],
    base64.b64encode(b"x" * 50).decode(),
    quote(base64.b64encode(KEY.encode()).decode(), safe=""),
]
texts = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=8).map("".join)
KEY_CHAR = r"(?:(?!sk[_%\\])[A-Za-z0-9])"  # as the masking reads a key: up to where another may start
SHOWN_PREFIX = re.compile(rf"sk_(?:test|live)_{KEY_CHAR}{{0,4}}(?!{KEY_CHAR})")


def without_listed_prefixes(text: str) -> str:
    return SHOWN_PREFIX.sub(" ", text)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_the_byte_test_says_maybe_wherever_masking_changes_the_text(text: str) -> None:
    text = without_listed_prefixes(text)
    if mask_secrets(text) != text:
        assert may_hold_secret(text.encode("utf-8", "surrogatepass"))


@settings(max_examples=400, deadline=None)
@given(texts)
def test_the_byte_test_says_maybe_wherever_a_json_body_would_be_masked(text: str) -> None:
    text = without_listed_prefixes(text)
    for ensure_ascii in (True, False):
        raw = json.dumps({"note": text, text: 1}, ensure_ascii=ensure_ascii).encode("utf-8", "surrogatepass")
        if redact_body(raw, "application/json") != json.loads(raw):
            assert may_hold_secret(raw)


@settings(max_examples=400, deadline=None)
@given(st.lists(texts, min_size=1, max_size=4))
def test_one_search_over_several_texts_says_maybe_if_any_of_them_would_be_masked(parts: list[str]) -> None:
    if any(mask_secrets(part) != part for part in parts):
        assert any_may_hold_secret(parts)


def test_every_known_encoding_of_a_key_gets_a_maybe_in_a_json_body_too() -> None:
    for name, encode in ENCODINGS.items():
        raw = json.dumps({"name": encode(KEY)}).encode()
        assert may_hold_secret(raw), name


def test_ordinary_api_answers_get_a_certain_no() -> None:
    # What makes the test worth having: a page of products, a masked prefix, a long word.
    page = {"data": [{"id": "prod_01", "name": "Quinta do Vale", "gtin": "05601234567897"}] * 20}
    assert not may_hold_secret(json.dumps(page).encode())
    assert not may_hold_secret(b'{"prefix": "sk_test_Zq9X\xe2\x80\xa6"}')
    assert not any_may_hold_secret(["/v1/products", "limit=20", "127.0.0.1:8080", "application/json", "1796040490"])


@settings(max_examples=1000, deadline=None)
@given(texts, texts)
def test_masking_hides_a_key_whatever_text_surrounds_it(before: str, after: str) -> None:
    assert hides_key(mask_secrets(before + KEY + after))


def test_a_key_right_after_a_prefix_or_another_key_is_masked() -> None:
    # Found by the test above: the match before the key (a prefix, or another key pasted right
    # before it) took the key's own "sk", and the rest of the key was kept.
    for before in ("sk_test_", "sk_live_", "sk_test_sk_test_", "x sk_test_", KEY):
        assert hides_key(mask_secrets(before + KEY))
