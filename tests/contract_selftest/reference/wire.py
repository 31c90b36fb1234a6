"""HTTP around the API that the docs never describe, as switches: a gateway that sheds load, gzip, header
case, and TLS with a CA of its own. ``serve`` starts the reference server with all of it on a free port."""

from __future__ import annotations

import gzip
import json
import random
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from .app import Reference
from .switches import Switches

SHED = 1 / 40  # share of requests a loaded gateway answers with 503


class _KeepAlive(WSGIRequestHandler):
    """HTTP/1.1, so a client keeps its connection (and its TLS session) across requests."""

    protocol_version = "HTTP/1.1"

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Quiet: a run sends thousands of requests."""


class Wire:
    def __init__(self, app: Reference, switches: Switches) -> None:
        self.app, self.switches = app, switches
        self._rng = random.Random(switches.seed)
        self._lock = threading.Lock()
        self.shed = 0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        if self.switches.shed_load and self._shedding():
            body = {"error": "service_unavailable", "message": "Busy; try again.", "status": 503}
            retry = "1" if self._rng.random() < 0.1 else "0"
            response = Response(json.dumps(body), 503, {"Content-Type": "application/json", "Retry-After": retry})
        else:
            response = Response.from_app(self.app, environ, buffered=True)
        data = response.get_data()
        if self.switches.gzip and data and "gzip" in request.headers.get("Accept-Encoding", ""):
            response.set_data(gzip.compress(data))
            response.headers["Content-Encoding"] = "gzip"
            response.headers["Vary"] = "Accept-Encoding"
        headers = list(response.headers.items())
        if self.switches.header_case == "lower":
            headers = [(k.lower(), v) for k, v in headers]
        start_response(response.status, headers)
        return [] if request.method == "HEAD" else [response.get_data()]

    def _shedding(self) -> bool:
        with self._lock:
            if self._rng.random() < SHED:
                self.shed += 1
                return True
            return False


def serve(switches: Switches, workdir: Path) -> tuple[str, Callable[[], None], str | None]:
    """The reference server with ``switches``, on 127.0.0.1 and a free port: its URL, a stop function, and
    the path of the CA certificate to trust when it serves HTTPS (else None)."""
    app = Wire(Reference(switches), switches)
    context, ca_path = None, None
    if switches.tls:
        import trustme

        ca = trustme.CA()
        cert = ca.issue_cert("127.0.0.1", "localhost")
        ca_path = str(workdir / "reference-ca.pem")
        ca.cert_pem.write_to_path(ca_path)
        import ssl

        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(context)
    server = make_server("127.0.0.1", 0, app, threaded=True, ssl_context=context, request_handler=_KeepAlive)
    thread = threading.Thread(target=server.serve_forever, name="reference-server", daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(5)

    scheme = "https" if switches.tls else "http"
    return f"{scheme}://127.0.0.1:{server.server_port}", stop, ca_path
