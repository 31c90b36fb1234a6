"""The mock answers only under the host names it serves: DNS rebinding gets a 421 (issue 19, item 3).

A page on http://evil.example:8080, with evil.example re-pointed at 127.0.0.1, is same-origin with
itself: ``Origin: http://evil.example:8080`` with ``Host: evil.example:8080`` passed the Origin
check and created a key with the user's session (201).
"""

from __future__ import annotations

import pytest
from flask import Flask

from mock_server import EulabelMock, create_app
from mock_server.cli import app_config, options
from mock_server.serving.host_names import host_name, served
from mock_server.settings import ConfigError
from tests.support.clients import QUINTA, json_of

EVIL = "evil.example:8080"


@pytest.fixture
def app() -> Flask:
    return create_app({"SEED": 5})


def key_count(app: Flask) -> int:
    client = app.test_client()
    client.set_cookie("eulabel_session", QUINTA)
    return len(json_of(client.get("/v1/auth/api-keys"))["data"])


def test_a_rebound_page_cannot_create_a_key_with_the_users_session(app: Flask) -> None:
    before = key_count(app)
    client = app.test_client()
    client.set_cookie("eulabel_session", QUINTA, domain="evil.example")
    r = client.post(
        "/v1/auth/api-keys",
        json={"name": "stolen", "scopes": ["products:read"]},
        headers={"Host": EVIL, "Origin": f"http://{EVIL}", "Sec-Fetch-Site": "same-origin"},
    )
    body = json_of(r)
    assert (r.status_code, body["error"]) == (421, "misdirected_request"), body
    assert "evil.example" in body["message"] and "--allowed-hosts" in body["suggestion"]
    assert key_count(app) == before


@pytest.mark.parametrize("path", ["/v1/products", "/_mock/journal", "/_mock/ready", "/dashboard", "/nothing"])
def test_every_route_refuses_a_foreign_host_name(app: Flask, path: str) -> None:
    r = app.test_client().get(path, headers={"Host": EVIL})
    assert (r.status_code, r.mimetype, json_of(r)["error"]) == (421, "application/json", "misdirected_request")


def test_the_refusal_uses_the_configured_error_shape() -> None:
    r = create_app({"ERROR_FORMAT": "nested"}).test_client().get("/v1/products", headers={"Host": EVIL})
    assert (r.status_code, json_of(r)["error"]["code"]) == (421, "misdirected_request")


@pytest.mark.parametrize(
    "host",
    [
        "localhost",
        "localhost:8080",
        "LOCALHOST.",
        "app.localhost:1",
        "127.0.0.1:8080",
        "10.1.2.3",
        "[::1]:8080",
        "[fe80::1]",
    ],
)
def test_loopback_names_and_addresses_are_served(app: Flask, host: str) -> None:
    assert app.test_client().get("/_mock/ready", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("host", ["localhost, evil.example", "localhost/x", "user@localhost", "", "::1", "a b"])
def test_a_header_that_is_no_host_name_is_a_400(app: Flask, host: str) -> None:
    r = app.test_client().get("/_mock/ready", headers={"Host": host})
    assert (r.status_code, json_of(r)["error"]) == (400, "bad_request")


def test_the_in_process_clients_and_the_in_thread_server_keep_working(app: Flask) -> None:
    assert app.test_client().get("/_mock/ready").status_code == 200  # Host: localhost
    with EulabelMock({"SEED": 5}) as mock:  # http://127.0.0.1:<port>
        assert mock.clock()["frozen"] is False


@pytest.mark.parametrize(
    ("allowed", "host", "answered"),
    [
        ("mock.internal", "mock.internal:8080", True),
        ("mock.internal", "MOCK.Internal.", True),
        ("mock.internal", "other.internal", False),
        (".corp.example", "corp.example", True),
        (".corp.example", "a.b.corp.example", True),
        (".corp.example", "evilcorp.example", False),
        ("*", "anything.example", True),
    ],
)
def test_allowed_host_names_extend_the_default(allowed: str, host: str, answered: bool) -> None:
    app = create_app({"ALLOWED_HOSTS": allowed})
    status = app.test_client().get("/_mock/ready", headers={"Host": host}).status_code
    assert status == (200 if answered else 421)


def test_the_option_the_variable_and_the_host_name_all_reach_the_config() -> None:
    assert app_config(options(["--allowed-hosts", "a.example, .b.example"], environ={}))["ALLOWED_HOSTS"] == (
        "a.example",
        ".b.example",
    )
    config = app_config(options([], environ={"EULABEL_MOCK_ALLOWED_HOSTS": "mock.internal"}))
    assert config["ALLOWED_HOSTS"] == ("mock.internal",)
    assert app_config(options(["--host", "localhost"], environ={}))["ALLOWED_HOSTS"] == ("localhost",)
    assert "ALLOWED_HOSTS" not in app_config(options(["--host", "0.0.0.0"], environ={}))


@pytest.mark.parametrize("bad", ["evil example", "a..b", "-x.example", "http://x", "x:80"])
def test_a_bad_host_name_setting_is_refused_naming_it(bad: str) -> None:
    with pytest.raises(ConfigError, match="ALLOWED_HOSTS"):
        create_app({"ALLOWED_HOSTS": bad})


def test_host_names_are_read_as_browsers_send_them() -> None:
    assert host_name("Example.COM.:443") == "example.com"
    assert host_name("[::1]:80") == "::1"
    assert host_name("x,y") is None
    assert served("evil.localhost", ()) and served("192.168.0.7", ())
    assert not served("127.0.0.1.nip.io", ()) and not served("localhost.evil.example", ())
