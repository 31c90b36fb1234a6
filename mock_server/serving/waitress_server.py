"""waitress, the pure-Python server: the fallback, and ``--server waitress``."""

from __future__ import annotations

import logging
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from ..errors import http_error, render
from .inline_wsgi import LINGER
from .limits import Limits
from .wsgi_run import WsgiApp

DRAIN_SECONDS = 5
log = logging.getLogger("eulabel_mock")


def serve_waitress(
    app: WsgiApp, host: str, port: int, ready: Callable[[int], None], threads: int, limits: Limits, error_format: str
) -> None:
    """Serve ``app`` on ``threads`` threads until SIGINT or SIGTERM; ``ready(port)`` once bound."""
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda _sig, _frame: stop.set())
    bound, loop, drain = start_waitress(app, host, port, threads, limits, error_format)
    ready(bound)
    while not stop.wait(0.5):  # a timed wait lets this thread run the signal handlers promptly
        if not loop.is_alive():
            raise RuntimeError("waitress stopped unexpectedly")
    drain()


def start_waitress(
    app: WsgiApp, host: str, port: int, threads: int, limits: Limits, error_format: str
) -> tuple[int, threading.Thread, Callable[[], None]]:
    """Serve ``app`` from a thread of this process: the bound port, the serving thread, and what
    stops it (drain the requests in flight, then close every connection). Signals are the caller's."""
    from waitress.server import create_server

    timeout = max(1, round(limits.body_timeout))
    server: Any = create_server(
        _TargetLimit(app, limits.max_target, error_format),
        host=host,
        port=port,
        threads=threads,
        ident="eulabel-mock",
        # waitress reads a body on its I/O thread before a worker thread sees the request, so a
        # stalled body holds no thread; the channel timeout closes such a connection.
        channel_timeout=timeout,
        cleanup_interval=timeout,
        max_request_body_size=limits.max_body,
        max_request_header_size=limits.max_headers,
    )
    channel = _json_error_channel(error_format)
    if channel is not None:
        server.channel_class = channel
    loop = threading.Thread(target=server.run, name="waitress", daemon=True)
    loop.start()

    def drain() -> None:
        try:
            _drain(server)
        except Exception as exc:  # noqa: BLE001 - waitress internals; the process ends either way
            log.warning("waitress did not drain cleanly (%s: %s)", type(exc).__name__, exc)
        loop.join(DRAIN_SECONDS)

    return int(server.effective_port), loop, drain


def _drain(server: Any) -> None:
    """Stop accepting, let requests in flight finish and their answers leave, then close everything.

    Idle keep-alive connections are closed with the rest, so they cannot hold the exit up.
    """
    server.accepting = False
    deadline = time.monotonic() + DRAIN_SECONDS
    while time.monotonic() < deadline and any(_busy(c) for c in list(server.active_channels.values())):
        time.sleep(0.02)
    server.task_dispatcher.shutdown(cancel_pending=True, timeout=1)
    # Closed on the loop's own thread (a trigger callback), never under its poll: an empty map ends the loop.
    server.trigger.pull_trigger(lambda: _close_all(server._map))


def _close_all(channels: dict[Any, Any]) -> None:
    for channel in list(channels.values()):
        channel.close()
    channels.clear()


def _busy(channel: Any) -> bool:
    # A request still arriving (a stalled body) does not count: it would only hold the exit up.
    return bool(channel.requests or channel.total_outbufs_len)


class _TargetLimit:
    """The request-target limit that granian's adapter applies, as a JSON 414 (waitress has none)."""

    def __init__(self, inner: WsgiApp, max_target: int, error_format: str) -> None:
        self._inner = inner
        self._max = max_target
        self._format = error_format

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        target = environ.get("REQUEST_URI") or environ.get("PATH_INFO", "") + "?" + environ.get("QUERY_STRING", "")
        if len(target) <= self._max:
            return self._inner(environ, start_response)
        message = f"The request target is longer than {self._max} bytes."
        status, headers, body = render(self._format, http_error(414, message))
        start_response("414 URI Too Long", [*headers, ("Content-Length", str(len(body)))])
        return [body]


def _json_error_channel(error_format: str) -> type | None:
    """waitress's connection class, answering its own errors (400, 413, 431) in the JSON error shape.

    waitress writes these as text; its channel and task classes are not a documented API, so any
    mismatch leaves them as they are.
    """
    try:
        from waitress.channel import HTTPChannel
        from waitress.task import ErrorTask

        class JsonErrorTask(ErrorTask):  # type: ignore[misc]
            def execute(self) -> None:
                error = self.request.error
                message = f"{error.reason}: {error.body}." if error.body else f"{error.reason}."
                status, headers, body = render(error_format, http_error(int(error.code), message))
                self.status = f"{status} {error.reason}"
                self.response_headers.extend(headers)
                self.set_close_on_finish()
                self.channel.linger_after_close = True  # before the answer can go out and close
                self.content_length = len(body)
                self.write(body)

        class JsonErrorChannel(HTTPChannel):  # type: ignore[misc]
            """Closes with a lingering close after its own error answers (RFC 9112, section 9.6).

            Such an answer (a 413 for a declared body over the limit, say) goes out while the client
            may still be sending the body. Closing at once would make the kernel reset the
            connection, which can throw the answer away before the client reads it. So the channel
            stops writing, reads and drops what still arrives for up to ``LINGER`` seconds (or until
            the channel timeout, for a client that stalls), then closes.
            """

            error_task_class = JsonErrorTask
            linger_after_close = False
            _linger_until: float | None = None

            def handle_close(self) -> None:
                if self._linger_until is not None or not self.linger_after_close or not self.connected:
                    super().handle_close()
                    return
                try:
                    self.socket.shutdown(socket.SHUT_WR)
                except OSError:
                    super().handle_close()
                    return
                self._linger_until = time.monotonic() + LINGER
                self.will_close = self.close_when_flushed = False
                self.last_activity = time.time()

            def readable(self) -> bool:
                return True if self._linger_until is not None else bool(super().readable())

            def writable(self) -> bool:
                # While lingering only the server's idle cleanup (will_close) gets a write turn.
                return self.will_close if self._linger_until is not None else bool(super().writable())

            def handle_read(self) -> None:
                if self._linger_until is None:
                    super().handle_read()
                    return
                data = self.recv(self.adj.recv_bytes)  # gone or reset: recv has closed the channel
                if data and time.monotonic() < self._linger_until:
                    self.last_activity = time.time()
                elif self.connected:
                    super().handle_close()

        return JsonErrorChannel
    except (ImportError, AttributeError) as exc:
        log.warning("waitress's own errors stay plain text (%s)", exc)
        return None
