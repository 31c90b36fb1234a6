"""Helpers shared by the mock's own tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

QUINTA = "sess_quinta_demo"
TEXTIL = "sess_textil_demo"

class Api:
    """Small helpers over the test client; each call sets exactly the credentials it names."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def _client(self, session: str | None) -> FlaskClient:
        c = self.app.test_client()
        if session is not None:
            c.set_cookie("eulabel_session", session)
        return c

    def create_key(self, scopes: list[str] | None = None, session: str = QUINTA, name: str = "ci", **kw: Any) -> Any:
        body = {"name": name, "scopes": scopes or ["products:read"]}
        return self._client(session).post("/v1/auth/api-keys", json=body, **kw)

    def secret(self, scopes: list[str] | None = None, session: str = QUINTA) -> str:
        r = self.create_key(scopes, session)
        assert r.status_code == 201
        return str(r.json["secret"])

    def list_keys(self, session: str | None = QUINTA, **kw: Any) -> Any:
        return self._client(session).get("/v1/auth/api-keys", **kw)

    def revoke(self, key_id: str, session: str | None = QUINTA, **kw: Any) -> Any:
        return self._client(session).delete(f"/v1/auth/api-keys/{key_id}", **kw)

    def products(self, secret: str | None, query: str = "", **kw: Any) -> Any:
        headers = {"Authorization": f"Bearer {secret}"} if secret is not None else {}
        return self._client(None).get(f"/v1/products{query}", headers=headers, **kw)


def leaks(secret: str, text: str) -> bool:
    """Whether ``text`` holds the secret; assert on the result so a failure never prints the secret."""
    return secret in text


REPO = Path(__file__).resolve().parents[1]


def make_venv(directory: Path, *pip_args: str) -> Path:
    """A virtualenv over the global site-packages with ``pip install *pip_args``; returns its python."""
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(directory)], check=True)
    python = directory / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *pip_args],
                   check=True, cwd=REPO, env=clean_env())
    return python


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without anything that would put this checkout on sys.path."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTEST_ADDOPTS")
           and not k.startswith(("PYTEST_XDIST", "EULABEL"))}
    return {**env, **extra}



def json_of(response: Any) -> Any:
    """The JSON body of a test-client response (typed ``Any``, so tests can index it)."""
    body = response.get_json(silent=True)
    assert body is not None, f"not a JSON answer: HTTP {response.status_code}"
    return body
