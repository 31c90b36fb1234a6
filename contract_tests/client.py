"""The suite's HTTP client: bounded, polite (429 Retry-After), secret-aware, and cleaning up after itself."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import requests
from requests.structures import CaseInsensitiveDict

from .documented import KEY_SCOPES
from .records import Created, Leak
from .redact import mask, redact
from .responses import body_of, describe
from .retry import retry_after, transient_pause
from .shapes import find_id, find_secret, list_items, matches, parse_error
from .target import Target

__all__ = ["KEY_SCOPES", "KEYS", "SAFE_METHODS", "SESSION_COOKIE", "Api", "BudgetExceeded", "Created", "Leak"]

SESSION_COOKIE = "eulabel_session"
KEYS = "/v1/auth/api-keys"
_UNSET: Any = object()


SAFE_METHODS = frozenset({"GET", "HEAD"})


class BudgetExceeded(RuntimeError):
    """The run sent as many requests as ``--max-requests`` allows."""


class UnsafeInReadOnlyRun(RuntimeError):
    """A read-only run tried to send a method that may change the target."""


@dataclass
class Api:
    target: Target
    max_requests: int = 5000
    max_retry_wait: float = 10.0
    sent: int = 0
    secrets: dict[str, str] = field(default_factory=dict)  # secret -> mask; never rendered
    leaks: list[Leak] = field(default_factory=list)
    shapes: Counter[str] = field(default_factory=Counter)
    created: list[Created] = field(default_factory=list)
    saw_429: bool = False
    transient: int = 0  # 5xx answers a retry cured or that were sent again (C36)

    def __post_init__(self) -> None:
        self.http = requests.Session()
        self._lock = threading.Lock()
        self._serial = 0

    # --- raw requests -------------------------------------------------------------------------
    def request(
        self,
        method: str,
        path: str,
        *,
        key: str | None = None,
        session: str | None = None,
        cookie_name: str = SESSION_COOKIE,
        json: Any = _UNSET,
        data: Any = None,
        headers: dict[str, str] | None = None,
        params: Any = None,
        retry_429: bool = True,
        expect_secret: bool = False,
    ) -> requests.Response:
        """One request; sent again (bounded, C36) after a transient 5xx, and after a 429 with ``Retry-After``
        unless ``retry_429`` is off."""
        if self.target.read_only and method.upper() not in SAFE_METHODS:
            raise UnsafeInReadOnlyRun(f"{method} {path}: a read-only run sends only GET and HEAD")
        hdrs = dict(headers or {})
        if key is not None:
            hdrs["Authorization"] = f"Bearer {key}"
        cookies = {cookie_name: session} if session is not None else None
        kwargs: dict[str, Any] = {
            "headers": hdrs,
            "cookies": cookies,
            "params": params,
            "timeout": 15,
            "allow_redirects": False,
            # Per request: a Session's verify loses to REQUESTS_CA_BUNDLE when that is set.
            "verify": self.target.verify,
        }
        if json is not _UNSET:
            kwargs["json"] = json
        elif data is not None:
            kwargs["data"] = data
        waited, attempt = 0.0, 0
        while True:
            self.spend()
            resp = self.http.request(method, self.target.url(path), **kwargs)
            if resp.status_code == 429:
                self.saw_429 = True
            pause = transient_pause(resp.status_code, resp.headers.get("Retry-After"), attempt)
            if pause is None and retry_429 and resp.status_code == 429:
                pause = retry_after(resp.headers.get("Retry-After"))
            if pause is None or waited + pause > self.max_retry_wait:
                break
            if resp.status_code >= 500:
                self.count_transient()
            time.sleep(pause)
            waited, attempt = waited + pause, attempt + 1
        self.observe(resp, expect_secret=expect_secret)
        return resp

    def spend(self) -> None:
        """Count one request against ``--max-requests``."""
        with self._lock:
            if self.sent >= self.max_requests:
                raise BudgetExceeded(f"request budget of {self.max_requests} exhausted (--max-requests)")
            self.sent += 1

    def count_transient(self) -> None:
        with self._lock:
            self.transient += 1

    def observe(self, resp: requests.Response, expect_secret: bool = False) -> None:
        """Record the error shape, and any known secret shown again (C12)."""
        if resp.status_code >= 400:
            self.shapes[parse_error(body_of(resp)).shape] += 1
        if expect_secret or not self.secrets:
            return
        haystack = resp.text + "\n" + "\n".join(f"{k}: {v}" for k, v in resp.headers.items())
        for secret, shown in list(self.secrets.items()):
            if secret in haystack:
                self.leaks.append(
                    Leak(shown, f"{resp.request.method} {redact(resp.request.path_url)} -> {resp.status_code}")
                )

    # --- keys ---------------------------------------------------------------------------------
    def unique_name(self, label: str = "key") -> str:
        with self._lock:
            self._serial += 1
            return f"{self.target.run_prefix}{label}-{self._serial}"

    def create_key(
        self, session: str, scopes: list[str] | None = None, label: str = "key", body: Any = _UNSET
    ) -> Created:
        name = self.unique_name(label)
        scopes = list(KEY_SCOPES if scopes is None else scopes)
        payload = {"name": name, "scopes": scopes} if body is _UNSET else body
        resp = self.request("POST", KEYS, session=session, json=payload, expect_secret=True)
        parsed = body_of(resp)
        secret = find_secret(parsed) if resp.ok else None
        created = Created(
            resp.status_code,
            parsed,
            find_id(parsed, secret, name) if resp.ok else None,
            secret,
            name,
            session,
            scopes,
            CaseInsensitiveDict(resp.headers),
        )
        if resp.ok:
            with self._lock:
                self.created.append(created)
                if secret:
                    self.secrets[secret] = mask(secret)
        return created

    def list_keys(self, session: str | None, **kw: Any) -> tuple[requests.Response, list[Any] | None]:
        resp = self.request("GET", KEYS, session=session, **kw)
        return resp, list_items(body_of(resp)) if resp.ok else None

    def listed(self, session: str, created: Created) -> Any | None:
        """The list item for ``created``, or None; fails loudly if the list cannot be read."""
        resp, items = self.list_keys(session)
        assert resp.status_code == 200 and items is not None, f"listing keys failed: {describe(resp)}"
        return next((item for item in items if matches(item, created.id, created.name)), None)

    def revoke(self, session: str | None, created: Created, **kw: Any) -> requests.Response:
        resp = self.request("DELETE", f"{KEYS}/{created.id}", session=session, **kw)
        if resp.ok and session == created.session and created.revoked_at is None:
            created.revoked_at = time.monotonic()
        return resp

    def use(self, key: str | None, path: str = "/v1/products", **kw: Any) -> requests.Response:
        return self.request("GET", path, key=key, **kw)

    def cleanup(self) -> int:
        """Revoke every key this run created and has not revoked; touches nothing else."""
        done = 0
        if self.target.read_only:
            return done
        for created in list(self.created):
            if created.revoked_at is not None or created.id is None:
                continue
            try:
                resp = self.http.delete(
                    self.target.url(f"{KEYS}/{created.id}"),
                    cookies={SESSION_COOKIE: created.session},
                    timeout=10,
                    verify=self.target.verify,
                )
            except requests.RequestException:
                continue
            if resp.ok or resp.status_code == 404:
                created.revoked_at = time.monotonic()
                done += 1
        return done
