"""Run the mock on a free port in a background thread (``with EulabelMock() as mock: mock.create_key()``),
with helpers over its API and control plane. ``MockClient(base_url)`` offers the same helpers for a mock
started elsewhere (e.g. ``eulabel-mock``).
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from flask import Flask

from .api.auth import SESSION_COOKIE
from .app import close_state, create_app
from .client_findings import ClientFindings, MockError, Reply
from .control.access import TOKEN_HEADER
from .redaction import mask_secrets
from .serving.limits import Limits
from .serving.server import serve_in_thread

DEFAULT_ORG = "org_quinta"  # the demo organisation of the bundled fixtures, with products


@dataclass(frozen=True, slots=True)
class Session:
    """A dashboard session: the ``eulabel_session`` cookie value and its organisation."""

    cookie: str
    org_id: str

    @property
    def cookies(self) -> dict[str, str]:
        """For ``requests``: ``requests.get(url, cookies=session.cookies)``."""
        return {SESSION_COOKIE: self.cookie}

    @property
    def header(self) -> str:
        """For a raw ``Cookie`` header."""
        return f"{SESSION_COOKIE}={self.cookie}"


class MockClient(ClientFindings):
    """Helpers over the API and control plane of a mock that is already running at ``base_url``."""

    def __init__(self, base_url: str, session: Session | None = None, control_token: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = session or Session("", "")
        # The token a mock started with --control-token wants on /_mock/*; by default the same
        # environment variable the command line reads.
        self.control_token = control_token or os.environ.get("EULABEL_MOCK_CONTROL_TOKEN") or None

    def url(self, path: str) -> str:
        return self.base_url + path

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        session: Session | None = None,
        bearer: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        """One HTTP call to the mock; the body is sent as JSON and the answer parsed when it is JSON."""
        all_headers = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            all_headers.setdefault("Content-Type", "application/json")
        if session is not None:
            all_headers["Cookie"] = session.header
        if bearer is not None:
            all_headers["Authorization"] = f"Bearer {bearer}"
        if self.control_token and path.startswith("/_mock/"):
            all_headers.setdefault(TOKEN_HEADER, self.control_token)
        req = urllib.request.Request(self.url(path), data=data, headers=all_headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return _reply(resp.status, resp.headers, resp.read())
        except urllib.error.HTTPError as err:
            with err:
                return _reply(err.code, err.headers, err.read())

    def _expect(self, reply: Reply, status: int, what: str) -> Any:
        if reply.status != status:
            raise MockError(f"{what}: expected HTTP {status}, got {reply.status}: {_safe(reply.body)}")
        return reply.body

    def reset(self) -> None:
        """Forget everything (keys, journal, faults, clock) and open a fresh default session."""
        self._expect(self.request("POST", "/_mock/reset"), 204, "reset")
        self.session = self.new_session(DEFAULT_ORG)

    def new_session(self, org: str | None = None) -> Session:
        """A session for ``org`` (created when unknown), or for a brand-new organisation."""
        body = {"organizationId": org} if org is not None else {}
        out = self._expect(self.request("POST", "/_mock/sessions", body), 201, "new session")
        return Session(out["session"], out["organizationId"])

    def create_key(
        self, scopes: Sequence[str] = ("products:read",), name: str = "test key", session: Session | None = None
    ) -> tuple[str, str]:
        """Create an API key and return ``(key_id, secret)``."""
        body = {"name": name, "scopes": list(scopes)}
        out = self._expect(
            self.request("POST", "/v1/auth/api-keys", body, session=session or self.session), 201, "create key"
        )
        return out["id"], out["secret"]

    def keys(self, session: Session | None = None) -> list[dict[str, Any]]:
        out = self._expect(self.request("GET", "/v1/auth/api-keys", session=session or self.session), 200, "list")
        return list(out["data"])

    def revoke(self, key_id: str, session: Session | None = None) -> None:
        reply = self.request("DELETE", f"/v1/auth/api-keys/{key_id}", session=session or self.session)
        self._expect(reply, 204, "revoke key")

    def journal(
        self, method: str | None = None, path: str | None = None, status: int | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """Recorded API calls, oldest first (credentials redacted); filters as in GET /_mock/journal."""
        params = _given(method=method, path=path, status=status, limit=limit)
        query = "?" + urllib.parse.urlencode(params) if params else ""
        return list(self._expect(self.request("GET", "/_mock/journal" + query), 200, "journal")["data"])

    def journal_test(self, **filters: Any) -> str:
        """The recorded calls as a pytest module that replays them (GET /_mock/journal?format=pytest)."""
        query = urllib.parse.urlencode({**_given(**filters), "format": "pytest"})
        return str(self._expect(self.request("GET", "/_mock/journal?" + query), 200, "journal export"))

    def clear_journal(self) -> None:
        self._expect(self.request("DELETE", "/_mock/journal"), 204, "clear journal")

    def clock(self) -> dict[str, Any]:
        return dict(self._expect(self.request("GET", "/_mock/clock"), 200, "clock"))

    def freeze(self, at: str | float | None = None) -> dict[str, Any]:
        body = {"at": at} if at is not None else {}
        return dict(self._expect(self.request("POST", "/_mock/clock/freeze", body), 200, "freeze"))

    def advance(self, seconds: float) -> dict[str, Any]:
        return dict(self._expect(self.request("POST", "/_mock/clock/advance", {"seconds": seconds}), 200, "advance"))

    def unfreeze(self) -> dict[str, Any]:
        return dict(self._expect(self.request("POST", "/_mock/clock/unfreeze"), 200, "unfreeze"))

    def add_fault(
        self, action: str, path: str | None = None, method: str | None = None, **params: Any
    ) -> dict[str, Any]:
        """Add a fault rule (see POST /_mock/faults); e.g. ``add_fault("status", "/v1/products", status=503)``."""
        body = {"action": action, **params, **_given(path=path, method=method)}
        return dict(self._expect(self.request("POST", "/_mock/faults", body), 201, "add fault"))

    def faults(self) -> list[dict[str, Any]]:
        return list(self._expect(self.request("GET", "/_mock/faults"), 200, "faults")["data"])

    def clear_faults(self) -> None:
        self._expect(self.request("DELETE", "/_mock/faults"), 204, "clear faults")


class EulabelMock(MockClient):
    """One mock, served on a real socket (port 0: the OS picks a free one) until ``stop()``."""

    def __init__(self, config: Mapping[str, Any] | None = None, host: str = "127.0.0.1") -> None:
        self.config = dict(config or {})
        self.host = host
        self.app = create_app(self.config)
        self._stop: Callable[[], None] | None = None
        super().__init__("", control_token=self.app.config.get("CONTROL_TOKEN"))

    def start(self) -> EulabelMock:
        # The server eulabel-mock falls back to, with the same limits: the socket listens when
        # serve_in_thread returns, so no readiness wait is needed.
        self.base_url, self._stop = serve_mock(self.app, self.host)
        self.session = self.new_session(DEFAULT_ORG)
        return self

    def stop(self) -> None:
        """Stop serving, then close the state file (``STATE_FILE``) so that another mock may open it."""
        stop, self._stop = self._stop, None
        if stop is not None:
            stop()
        close_state(self.app)

    def __enter__(self) -> EulabelMock:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def serve_mock(app: Flask, host: str = "127.0.0.1") -> tuple[str, Callable[[], None]]:
    """Serve a mock app from a thread on a free port, as ``eulabel-mock --server waitress`` serves it
    (the same limits, errors in the app's shape); returns its URL and the function that stops it."""
    limits = Limits(max_body=app.config["MAX_CONTENT_LENGTH"])
    return serve_in_thread(app, host, error_format=str(app.config["ERROR_FORMAT"]), limits=limits)


def _reply(status: int, headers: Any, raw: bytes) -> Reply:
    json_body = raw and headers.get_content_type() == "application/json"
    body: Any = json.loads(raw) if json_body else raw.decode("utf-8", "replace")
    return Reply(status, dict(headers.items()), body if raw else None)


def _given(**params: Any) -> dict[str, Any]:
    return {k: v for k, v in params.items() if v is not None}


def _safe(body: Any) -> str:
    return mask_secrets(json.dumps(body) if not isinstance(body, str) else body)[:500]
