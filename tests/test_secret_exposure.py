"""A full key appears in exactly one HTTP response, the create response, and in no log line."""

from __future__ import annotations

import subprocess
import sys

import requests

SESSION = {"eulabel_session": "sess_quinta_demo"}


def test_secret_appears_only_in_the_create_response_and_never_in_logs() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "mock_server", "--port", "0", "--access-log"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    base = proc.stdout.readline().split()[2]
    responses: list[tuple[str, requests.Response]] = []

    def call(label: str, method: str, path: str, **kw: object) -> requests.Response:
        r = requests.request(method, base + path, timeout=5, **kw)  # type: ignore[arg-type]
        responses.append((label, r))
        return r

    try:
        created = call(
            "create",
            "POST",
            "/v1/auth/api-keys",
            cookies=SESSION,
            json={"name": "leak check", "scopes": ["products:read"]},
        ).json()
        secret, key_id = created["secret"], created["id"]
        auth = {"Authorization": f"Bearer {secret}"}
        call("list", "GET", "/v1/auth/api-keys", cookies=SESSION)
        call("use", "GET", "/v1/products", headers=auth)
        call("use with bad query", "GET", f"/v1/products?{secret}=1", headers=auth)
        call("use with bad value", "GET", f"/v1/products?limit={secret}", headers=auth)
        call("secret as scope", "POST", "/v1/auth/api-keys", cookies=SESSION, json={"name": secret, "scopes": [secret]})
        call(
            "secret as field",
            "POST",
            "/v1/auth/api-keys",
            cookies=SESSION,
            json={"name": "x", "scopes": ["products:read"], secret: 1},
        )
        call("secret as key id", "DELETE", f"/v1/auth/api-keys/{secret}", cookies=SESSION)
        call("secret as path", "GET", f"/v1/{secret}")
        call("secret as cookie", "GET", "/v1/auth/api-keys", cookies={"eulabel_session": secret})
        call("bearer on key management", "GET", "/v1/auth/api-keys", headers=auth)
        call("wrong scheme", "GET", "/v1/products", headers={"Authorization": f"Basic {secret}"})
        call("revoke", "DELETE", f"/v1/auth/api-keys/{key_id}", cookies=SESSION)
        call("use revoked", "GET", "/v1/products", headers=auth)
        call("list after revoke", "GET", "/v1/auth/api-keys", cookies=SESSION)
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=10)

    leaking = [label for label, r in responses[1:] if secret in r.text or any(secret in v for v in r.headers.values())]
    assert leaking == [], f"secret echoed by: {leaking}"
    assert all(r.status_code < 500 for _, r in responses)
    assert "/v1/products" in stderr  # the access log ran
    assert secret not in stderr
    assert secret[8:] not in stderr
