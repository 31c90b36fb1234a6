"""What the suite runs against: the in-process mock, or any deployment given by URL."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from werkzeug.serving import make_server

ENV_SESSION = "EULABEL_SESSION"
ENV_SESSION_2 = "EULABEL_SESSION_2"
ENV_API_KEY = "EULABEL_API_KEY"


@dataclass(slots=True)
class Target:
    """A base URL (without ``/v1``) plus the credentials the run may use."""

    root: str
    foreign: bool
    session: str | None = None
    session2: str | None = None
    api_key: str | None = None
    revocation_window: float = 10.0
    rate_limit_burst: int = 0
    run_prefix: str = field(default_factory=lambda: f"ct-{uuid.uuid4().hex[:8]}-")
    read_only: bool = False  # send only GET and HEAD
    app: Any = None  # the Flask app when the target is the in-process mock
    mock_plane: bool = False  # the target is a mock whose control plane (/_mock) this run may use
    verify: bool | str = True  # TLS: True (the system's CAs or REQUESTS_CA_BUNDLE), or a CA bundle's path
    environment: str | None = None  # "test" or "live" when known (--environment); C3

    def url(self, path: str) -> str:
        return self.root + path


def normalise_base_url(url: str) -> str:
    """Accept the URL with or without a trailing ``/v1``; paths in openapi.yaml carry ``/v1``."""
    root = url.strip().rstrip("/")
    if root.endswith("/v1"):
        root = root[: -len("/v1")]
    return root


def credentials_from_env() -> dict[str, str | None]:
    return {
        "session": os.environ.get(ENV_SESSION) or None,
        "session2": os.environ.get(ENV_SESSION_2) or None,
        "api_key": os.environ.get(ENV_API_KEY) or None,
    }


def serve_in_thread(app: Any) -> tuple[str, Callable[[], None]]:
    """Serve a WSGI app on a free port in this process; returns its URL and a stop function."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="contract-target", daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(5)

    return f"http://127.0.0.1:{server.server_port}", stop
