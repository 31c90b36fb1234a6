"""No request can forge a line, or hide text, in the access log or the journal (issue 19, item 6).

A percent-encoded newline in the path wrote a separate, forged access-log line; NUL and U+2028
were written raw. Every character ``str.isprintable`` rejects is now written as an escape, in
every text field of both, and a backslash is doubled so an escape is never the client's own.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

import pytest
from flask import Flask
from werkzeug.test import EnvironBuilder

from mock_server import create_app
from mock_server.log_text import escape_controls
from mock_server.serving.wsgi_run import run_to_completion
from tests.support.clients import json_of
from tests.support.served import running

# One of each kind: C0 controls, DEL, C1 controls, separators, zero-width and bidi format characters.
UNSAFE = {
    "LF": "\n",
    "CR": "\r",
    "NUL": "\x00",
    "ESC": "\x1b",
    "DEL": "\x7f",
    "NEL": "\x85",
    "LINE SEPARATOR": "\u2028",
    "PARAGRAPH SEPARATOR": "\u2029",
    "ZERO WIDTH SPACE": "\u200b",
    "RIGHT-TO-LEFT OVERRIDE": "\u202e",
    "BYTE ORDER MARK": "\ufeff",
    "NO-BREAK SPACE": "\u00a0",
}
FORGED = "forged-line GET /admin 200"


@pytest.fixture
def app() -> Flask:
    return create_app({"SEED": 3, "ACCESS_LOG": True})


def access_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "eulabel_mock.access"]


def shows_no_unsafe_character(text: str) -> bool:
    return all(ch.isprintable() for ch in text)


@pytest.mark.parametrize("char", UNSAFE.values(), ids=UNSAFE.keys())
def test_the_access_log_escapes_an_unsafe_character_in_the_path(
    app: Flask, char: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="eulabel_mock.access"):
        app.test_client().get("/v1/x" + quote(char + FORGED))
    [line] = access_lines(caplog)
    assert shows_no_unsafe_character(line), repr(line)
    assert escape_controls(char) in line and line.startswith("GET /v1/x")


@pytest.mark.parametrize("char", UNSAFE.values(), ids=UNSAFE.keys())
def test_every_text_field_of_the_journal_escapes_an_unsafe_character(app: Flask, char: str) -> None:
    environ = EnvironBuilder(path="/v1/products").get_environ()
    # What a server hands over for raw bytes: the path decoded, the query and headers as latin-1.
    environ["PATH_INFO"] = "/v1/x" + char.encode().decode("latin-1") + "y"
    environ["QUERY_STRING"] = "q=" + char.encode().decode("latin-1")
    environ["HTTP_SEC_FETCH_SITE"] = "cross-site" + char
    environ["HTTP_X_NOTE"] = "a" + char.encode().decode("latin-1") + "b"
    environ["HTTP_X_" + char.encode().decode("latin-1")] = "named"
    run_to_completion(app.wsgi_app, environ)  # as a server calls it: the test client refuses such headers
    [entry] = json_of(app.test_client().get("/_mock/journal"))["data"]
    fields = [entry["method"], entry["path"], entry["query"], *entry["request"]["headers"].values()]
    fields += [v for v in entry["request"]["headers"]] + [str(v) for v in (entry["reason"] or {}).values()]
    assert all(shows_no_unsafe_character(f) for f in fields), fields
    assert escape_controls(char) in entry["path"]


def test_a_backslash_is_doubled_so_a_sent_escape_never_looks_like_one_made_by_the_mock() -> None:
    assert escape_controls("a\\x0ab") == "a\\\\x0ab"
    assert escape_controls("a\nb") == "a\\x0ab"
    assert escape_controls("\U000e0041") == "\\U000e0041"  # a tag character, beyond the BMP
    assert escape_controls("Grüße /v1/products") == "Grüße /v1/products"  # printable text stays as it is


@pytest.mark.parametrize("server", ["granian", "waitress"])
def test_an_encoded_newline_in_the_path_never_writes_a_second_line_on_a_real_server(server: str) -> None:
    with running(server, "--access-log") as mock:
        for encoded in ("%0A", "%0D", "%0D%0A", "%00", "%E2%80%A8", "%C2%85"):
            conn = mock.connection()
            conn.request("GET", f"/v1/x{encoded}{quote(FORGED)}")
            conn.getresponse().read()
            conn.close()
        stderr = mock.stop()
    forged = [line for line in stderr.splitlines() if "forged-line" in line]
    assert len(forged) == 6, stderr
    assert all(" eulabel_mock.access GET /v1/x" in line for line in forged), forged
    assert all(shows_no_unsafe_character(line) for line in forged), forged
