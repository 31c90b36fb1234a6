"""What the mock keeps holds no key, by construction, whatever a request carries (control/recorder.py).

The decision, per kept thing: what a client sends (method, path, query, headers, body) is masked
before the journal keeps it and before the access log writes it; the mock's own answers hold no
key but for one, a created key's, whose journal copy is masked; refusal reasons are masked when read.
The property: for any request through the whole API, carrying a real key in any encoding masked
today, in any place, no journal entry, no access-log line and no answer but a create holds the key.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mock_server import create_app
from tests.support.clients import QUINTA, Dashboard, json_of
from tests.support.key_encodings import ENCODINGS, decodings

PLACES = [
    *("nowhere", "path", "query name", "query value", "header", "cookie"),
    *("json value", "json name", "text body", "bearer"),
]
PATHS = ("/v1/products", "/v1/products/{}", "/v1/auth/api-keys", "/v1/auth/api-keys/{}", "/v1/passports", "/v1/{}")


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture(scope="module")
def mock() -> Iterator[tuple[Flask, str, Lines]]:
    app = create_app({"SEED": 3, "ACCESS_LOG": True, "RATE_LIMIT": "0"})
    secret = Dashboard(app).secret(["products:read", "products:write", "passports:read", "passports:write"])
    lines = Lines()
    logger = logging.getLogger("eulabel_mock.access")
    logger.addHandler(lines)
    logger.setLevel(logging.INFO)
    yield app, secret, lines
    logger.removeHandler(lines)


def hides(secret: str, text: str) -> bool:
    """Whether no reading of ``text`` (percent, JSON escapes, base64) shows the key past its shown prefix."""
    return not any(secret[12:] in variant for variant in decodings(text))


def request_of(secret: str, method: str, path: str, place: str, encoded: str, auth: str) -> dict[str, Any]:
    headers: dict[str, str] = {}
    if auth == "session":
        headers["X-Session"] = QUINTA  # set as the cookie by the caller (the test client keeps cookies itself)
    elif auth == "bearer":
        headers["Authorization"] = f"Bearer {secret}"
    target, data, content_type = path.format(quote(encoded, safe="%") if place == "path" else "key_1"), None, None
    if place == "query name":
        target += f"?{quote(encoded, safe='%')}=1"
    elif place == "query value":
        target += f"?limit={quote(encoded, safe='%')}"
    elif place == "header":
        headers["X-Debug"] = f"key={encoded}"
    elif place == "cookie":
        headers["X-Session"] = encoded
    elif place == "bearer":
        headers["Authorization"] = f"Bearer {encoded}"
    elif place in ("json value", "json name"):
        field = {"name": encoded, "scopes": ["products:read"]}
        data, content_type = json.dumps(field if place == "json value" else {encoded: 1, **field}), "application/json"
    elif place == "nowhere":  # a valid create, whose answer shows a new key
        data, content_type = json.dumps({"name": "made", "scopes": ["products:read"]}), "application/json"
    elif place == "text body":
        data, content_type = f"key: {encoded}", "text/plain"
    return {"method": method, "path": target, "headers": headers, "data": data, "content_type": content_type}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    method=st.sampled_from(["GET", "POST", "DELETE", "PATCH"]),
    path=st.sampled_from(PATHS),
    place=st.sampled_from(PLACES),
    encoding=st.sampled_from(sorted(ENCODINGS)),
    auth=st.sampled_from(["none", "session", "bearer"]),
)
@example(method="POST", path="/v1/auth/api-keys", place="nowhere", encoding="literal", auth="session")
def test_no_kept_thing_and_no_answer_but_a_create_holds_a_key(
    mock: tuple[Flask, str, Lines], method: str, path: str, place: str, encoding: str, auth: str
) -> None:
    app, secret, lines = mock
    client = app.test_client()
    sent = request_of(secret, method, path, place, ENCODINGS[encoding](secret), auth)
    session = sent["headers"].pop("X-Session", None)
    if session is not None:
        client.set_cookie("eulabel_session", session)
    r = client.open(**sent)
    [entry] = json_of(client.get("/_mock/journal?limit=1"))["data"]
    secrets = [secret]
    created = r.status_code == 201 and path == "/v1/auth/api-keys"
    if created:
        assert "secret" in json_of(r)
        secrets.append(json_of(r)["secret"])  # the one answer that shows a key: its own
    else:
        answer = r.get_data(as_text=True) + json.dumps(dict(r.headers))
        assert hides(secret, answer), f"the answer to {method} {path} ({place}, {encoding}) holds the key"
    kept = {"journal": json.dumps(entry, ensure_ascii=False), "access log": lines.lines[-2]}
    for what, text in kept.items():
        assert all(hides(s, text) for s in secrets), f"{what} holds a key after {method} {path} ({place}, {encoding})"
