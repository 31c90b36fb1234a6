"""Serving the app in one process (the state is in memory) on a real HTTP server.

Two servers are offered. granian (the default) parses HTTP in Rust and runs the app on one
asyncio thread through ``rsgi.WsgiOverRsgi`` (granian's own interface): bodies are read without
holding a thread, injected latency is an ``asyncio.sleep``, and there is no GIL hand-over between
busy threads. waitress is
pure Python and the fallback: when granian is missing or fails to start, one warning is logged
and the mock serves on waitress instead. Both bind the socket before reporting the URL, so
``port=0`` is race-free, and both drain in-flight requests and exit cleanly on SIGINT or SIGTERM,
even with idle keep-alive clients connected. See BENCHMARKS.md for the numbers behind the default.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
from collections.abc import Callable

from .inline_wsgi import Delay
from .limits import Limits
from .rsgi import WsgiOverRsgi
from .waitress_server import serve_waitress, start_waitress
from .wsgi_run import WsgiApp

SERVERS = ("granian", "waitress")
DEFAULT_SERVER = "granian"
DEFAULT_THREADS = 8  # waitress: threads running the app; granian runs it on one event-loop thread

OnReady = Callable[[str], None]
log = logging.getLogger("eulabel_mock")


class ServerUnavailable(RuntimeError):
    """No server can run here: waitress is missing too (and granian, if it was the choice)."""


def serve(
    app: WsgiApp,
    host: str,
    port: int,
    on_ready: OnReady,
    server: str = DEFAULT_SERVER,
    threads: int | None = None,
    *,
    error_format: str = "flat",
    limits: Limits | None = None,
    delay: Delay | None = None,
) -> None:
    """Bind (port 0 picks a free one), report the bound URL, serve until SIGINT or SIGTERM.

    ``delay`` says how long to hold a request before the app runs it (injected latency); granian
    waits it out without a thread, waitress leaves the app to sleep on its thread.

    :raise OSError: the address cannot be bound.
    :raise ValueError: an unknown server name.
    :raise ServerUnavailable: neither server can be imported.
    """
    if server not in SERVERS:
        raise ValueError(f"unknown server {server!r}; choose one of: {', '.join(SERVERS)}")
    limits = limits or Limits()
    announced = threading.Event()

    def ready(bound: int) -> None:
        announced.set()
        on_ready(base_url(host, bound))

    if server == "granian":
        try:
            from .granian_embed import serve_granian

            serve_granian(WsgiOverRsgi(app, error_format, limits, delay), host, port, ready, limits)
            return
        except OSError:
            raise  # the address, not the server: waitress could not bind it either
        except Exception as exc:  # noqa: BLE001 - any failure of an embedded third-party server
            if announced.is_set():
                raise  # the URL is out: serving it elsewhere would mislead the client
            log.warning("granian could not start (%s: %s); serving on waitress instead", type(exc).__name__, exc)
    try:
        import waitress  # noqa: F401 - a missing fallback is a configuration error, not a crash
    except ImportError as exc:
        raise ServerUnavailable(f"waitress cannot be imported ({exc}); reinstall eulabel-mock") from None
    serve_waitress(app, host, port, ready, threads or DEFAULT_THREADS, limits, error_format)


def serve_in_thread(
    app: WsgiApp,
    host: str = "127.0.0.1",
    *,
    error_format: str = "flat",
    limits: Limits | None = None,
    threads: int = DEFAULT_THREADS,
) -> tuple[str, Callable[[], None]]:
    """Serve ``app`` on a free port from a thread of this process, with the limits ``eulabel-mock``
    applies (``limits``), until the returned function is called; returns the URL and that function.

    waitress, as ``eulabel-mock --server waitress`` runs it: granian's embedded server wants the
    main thread (it installs signal handlers), and a test process's main thread runs the tests.

    :raise ServerUnavailable: waitress cannot be imported.
    """
    try:
        import waitress  # noqa: F401
    except ImportError as exc:
        raise ServerUnavailable(f"waitress cannot be imported ({exc}); reinstall eulabel-mock") from None
    bound, _, stop = start_waitress(app, bind_address(host), 0, threads, limits or Limits(), error_format)
    return base_url(host, bound), stop


def bind_address(host: str) -> str:
    """The IP address to bind for ``host``: itself, or the first address a name resolves to
    (granian binds addresses only; a name made it fall back to waitress).

    :raise OSError: a name that does not resolve.
    """
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        return str(socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)[0][4][0])


def base_url(host: str, port: int) -> str:
    display_host = f"[{host}]" if ":" in host else host
    return f"http://{display_host}:{port}"
