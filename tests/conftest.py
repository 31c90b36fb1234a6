from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mock_server import create_app
from mock_server.pytest_plugin import eulabel_mock, eulabel_mock_config, eulabel_mock_server  # noqa: F401
from mock_server.routing import state_of
from mock_server.store import State

QUINTA = "sess_quinta_demo"
TEXTIL = "sess_textil_demo"


@pytest.fixture
def config() -> dict[str, Any]:
    return {"SEED": 7}


@pytest.fixture
def app(config: dict[str, Any]) -> Flask:
    return create_app(config)


@pytest.fixture
def state(app: Flask) -> State:
    return state_of(app)


@pytest.fixture
def client(app: Flask) -> Iterator[FlaskClient]:
    with app.test_client() as c:
        yield c


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


@pytest.fixture
def api(app: Flask) -> Api:
    return Api(app)


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


@pytest.fixture(scope="session")
def installed_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A python where eulabel-mock is installed from a built wheel (not editable), as users get it."""
    return make_venv(tmp_path_factory.mktemp("venv") / "wheel", "--no-deps", str(REPO))
