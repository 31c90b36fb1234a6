"""Only the documented ``Authorization: Bearer <key>`` authenticates (C2; issue 10, item 7).

Our spec's decision (openapi.yaml, bearerAuth): the scheme as written, one space, the key, nothing
after it; spaces and tabs around the whole value are not part of it (RFC 9110 5.5) and are ignored.
"""

from __future__ import annotations

import http.client

import pytest
from flask import Flask

from mock_server import EulabelMock
from tests.support.clients import Dashboard, json_of

ACCEPTED = ["Bearer {k}", "Bearer {k} ", "Bearer {k}\t", " Bearer {k}", "\tBearer {k}  \t"]
REFUSED = [
    "bearer {k}",
    "BEARER {k}",
    "BeArEr {k}",
    "Bearer  {k}",
    "Bearer   {k}",
    "Bearer\t{k}",
    "Bearer{k}",
    "Bearer {k}\n",
    "Bearer {k}\r",
    "Bearer {k}\x0b",
    "Bearer {k}\x0c",
    "Bearer {k}\x1c",
    "Bearer {k}\x85",
    "Bearer {k}\xa0",
    "Bearer {k} extra",
    "Bearer {k}\tx",
    "Bearer {k},Bearer {k}",
    'Bearer "{k}"',
    "Token {k}",
    "{k}",
    "Bearer: {k}",
]


@pytest.mark.claim("C2")
@pytest.mark.parametrize("form", ACCEPTED, ids=repr)
def test_the_documented_form_authenticates_with_surrounding_whitespace_ignored(
    api: Dashboard, app: Flask, form: str
) -> None:
    secret = api.secret()
    r = app.test_client().get("/v1/products", headers={"Authorization": form.format(k=secret)})
    assert r.status_code == 200


@pytest.mark.claim("C2")
@pytest.mark.assumption
@pytest.mark.parametrize("form", REFUSED, ids=repr)
def test_any_other_form_of_a_valid_key_is_a_401_malformed_header(api: Dashboard, app: Flask, form: str) -> None:
    secret = api.secret()
    # Through the environ: the test client refuses CR and LF in header values, a WSGI server may not.
    r = app.test_client().get("/v1/products", environ_base={"HTTP_AUTHORIZATION": form.format(k=secret)})
    assert r.status_code == 401
    body = json_of(r)
    assert (body["error"], body["message"]) == ("unauthorized", "Malformed Authorization header.")
    assert r.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    ("form", "status"), [("Bearer {k}", 200), ("Bearer {k}\t", 200), ("bearer {k}", 401), ("Bearer  {k}", 401)]
)
def test_over_a_real_socket_the_same_forms_pass_and_fail(form: str, status: int) -> None:
    with EulabelMock({"SEED": 5}) as mock:
        _, secret = mock.create_key()
        host, port = mock.base_url.removeprefix("http://").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        try:
            conn.putrequest("GET", "/v1/products")
            conn.putheader("Authorization", form.format(k=secret))
            conn.endheaders()
            assert conn.getresponse().status == status
        finally:
            conn.close()
