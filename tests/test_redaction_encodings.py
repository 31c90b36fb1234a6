"""A key is masked however a client encoded it, in the journal, errors and logs (issue 10, item 4).

Every encoding a client library might produce is sent in every place a request carries text:
query string, form body, JSON body, text body, path and a custom header.
"""

from __future__ import annotations

import base64
import json
from urllib.parse import quote, unquote

import pytest
from flask import Flask

from mock_server.redaction import REDACTED, mask_secrets, may_hold_secret, redact_body, redacted_pairs
from tests.support.clients import json_of
from tests.support.key_encodings import ENCODINGS, KEY, PLACES, hides_key, hides_key_in_any_case, send


@pytest.mark.parametrize("name", ENCODINGS)
def test_the_encoded_key_really_spells_the_key(name: str) -> None:
    # Guards the table: each entry must decode back to the key, or the tests below prove nothing.
    assert not hides_key(ENCODINGS[name](KEY))


@pytest.mark.parametrize("name", ENCODINGS)
def test_mask_secrets_hides_every_encoding_and_keeps_the_text_around_it(name: str) -> None:
    text = f"before {ENCODINGS[name](KEY)} after"
    masked = mask_secrets(text)
    assert hides_key(masked)
    assert masked.startswith("before ") and masked.endswith(" after")
    assert "sk_test_Zq9X…" in masked or REDACTED in masked
    assert may_hold_secret(text.encode())


def test_text_without_a_key_is_kept_as_sent() -> None:
    for text in (
        "a=1&b=%20x",
        "caf\\u00e9",
        "x" * 80,
        "sk_test_abcd… listed prefix",
        base64.b64encode(b"y" * 60).decode(),
    ):
        assert mask_secrets(text) == text


def journal_text(app: Flask) -> str:
    entries = json_of(app.test_client().get("/_mock/journal"))["data"]
    assert entries, "nothing was recorded"
    return json.dumps(entries, ensure_ascii=False)


@pytest.mark.parametrize("where", PLACES)
@pytest.mark.parametrize("name", ENCODINGS)
def test_the_journal_never_keeps_a_key_in_any_encoding(app: Flask, where: str, name: str) -> None:
    encoded = ENCODINGS[name](KEY)
    if where == "json body" and "\\u" not in encoded:
        encoded = encoded.replace("\\", "\\\\")
    send(app, where, encoded)
    text = journal_text(app)
    assert hides_key(text)


def test_credential_headers_are_redacted_whole() -> None:
    pairs = dict(redacted_pairs([("X-Api-Key", "anything"), ("X-Auth-Token", "t"), ("Accept", "a/b")]))
    assert pairs == {"X-Api-Key": REDACTED, "X-Auth-Token": REDACTED, "Accept": "a/b"}


def test_a_form_body_keeps_its_other_fields_readable() -> None:
    body = redact_body(("a=1&token=" + KEY.replace("_", "%5F")).encode(), "application/x-www-form-urlencoded")
    assert isinstance(body, str) and body.startswith("a=1&token=sk_test_Zq9X")
    assert hides_key(body)


def test_error_messages_mask_an_encoded_key(app: Flask) -> None:
    r = app.test_client().get(
        "/v1/products?" + KEY.replace("_", "%5F") + "=1", headers={"Authorization": "Bearer " + KEY}
    )
    assert hides_key(r.get_data(as_text=True))
    assert "unquote" not in unquote(r.get_data(as_text=True))


@pytest.mark.parametrize("name", ["underscore %5F", "double %255F", "json all \\u", "base64"])
def test_the_access_log_masks_an_encoded_key_in_the_path(name: str, caplog: pytest.LogCaptureFixture) -> None:
    from mock_server import create_app

    app = create_app({"ACCESS_LOG": True})
    with caplog.at_level("INFO", logger="eulabel_mock.access"):
        app.test_client().get("/v1/auth/api-keys/" + quote(ENCODINGS[name](KEY), safe="%\\"))
    lines = [r.getMessage() for r in caplog.records if r.name == "eulabel_mock.access"]
    assert len(lines) == 1
    assert hides_key(lines[0])


@pytest.mark.parametrize("name", ["literal", "underscore %5F", "json \\u005f"])
@pytest.mark.parametrize("place", ["header name", "dashed header name", "method"])
def test_the_journal_never_keeps_a_key_sent_as_a_header_name_or_method(app: Flask, place: str, name: str) -> None:
    encoded = ENCODINGS[name](KEY)
    client = app.test_client()
    if place == "method":
        client.open("/v1/products", method=encoded)
    else:
        client.get(
            "/v1/products", headers={encoded if place == "header name" else "X-" + encoded.replace("_", "-"): "1"}
        )
    assert hides_key_in_any_case(journal_text(app))


def test_the_access_log_masks_a_key_sent_as_the_method(caplog: pytest.LogCaptureFixture) -> None:
    from mock_server import create_app

    app = create_app({"ACCESS_LOG": True})
    with caplog.at_level("INFO", logger="eulabel_mock.access"):
        app.test_client().open("/v1/products", method=KEY)
    [line] = [r.getMessage() for r in caplog.records if r.name == "eulabel_mock.access"]
    assert hides_key_in_any_case(line)
