"""Serving the app in one process (the state is in memory) on a real WSGI server.

Two servers are offered. granian (the default; HTTP handled in Rust, the app on a few Python
threads) is several times faster than waitress under load; waitress is pure Python and stays
as a fallback. Both bind the socket before reporting the URL, so ``port=0`` is race-free, and
both drain in-flight requests and exit cleanly on SIGINT or SIGTERM, even with idle keep-alive
clients connected. See BENCHMARKS.md for the numbers behind the default.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable
from types import FrameType
from typing import Any

from .wsgi_run import WsgiApp, run_to_completion

SERVERS = ("granian", "waitress")
DEFAULT_SERVER = "granian"
# Python threads running the app (BENCHMARKS.md, "Server and threads"). On granian one thread has
# the shortest tail under saturating load, but a request that sleeps (injected latency) then stalls
# every client; with two, the other thread keeps serving at the same throughput. More threads only
# lengthen the tail: the GIL hands over unfairly between busy threads.
DEFAULT_THREADS = {"granian": 2, "waitress": 8}
DRAIN_SECONDS = 10.0
BACKLOG = 1024
CUT_PAUSE = 0.05  # seconds a cut-off response waits for its headers to leave

OnReady = Callable[[str], None]


class ServerUnavailable(RuntimeError):
    """The chosen server cannot run here (e.g. a granian release with another worker API)."""


def serve(
    app: WsgiApp, host: str, port: int, on_ready: OnReady, server: str = DEFAULT_SERVER, threads: int | None = None
) -> None:
    """Bind (port 0 picks a free one), report the bound URL, serve until SIGINT or SIGTERM.

    :raise OSError: the address cannot be bound.
    :raise ValueError: an unknown server name.
    :raise ServerUnavailable: granian cannot be embedded; waitress still can.
    """
    if server not in SERVERS:
        raise ValueError(f"unknown server {server!r}; choose one of: {', '.join(SERVERS)}")
    count = threads or DEFAULT_THREADS[server]
    if server == "granian":
        _serve_granian(app, host, port, on_ready, count)
    else:
        _serve_waitress(app, host, port, on_ready, count)


def base_url(host: str, port: int) -> str:
    display_host = f"[{host}]" if ":" in host else host
    return f"http://{display_host}:{port}"


def _until_signalled() -> threading.Event:
    stop = threading.Event()

    def handler(_sig: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)
    return stop


def _wait(stop: threading.Event) -> None:
    # A timed wait lets the main thread run the Python signal handlers promptly.
    while not stop.wait(0.5):
        pass


def _serve_granian(app: WsgiApp, host: str, port: int, on_ready: OnReady, threads: int) -> None:
    # granian's public entry points spawn worker processes (or need a free-threaded build);
    # one worker embedded in this process keeps the state shared. We bind the socket here so
    # that the bound port is known before anything is announced, then hand the fd over.
    try:
        from granian._futures import _new_cbscheduler
        from granian._granian import SocketHolder, WorkerSignal, WSGIWorker
        from granian._loops import loops
    except ImportError as exc:
        raise ServerUnavailable(f"granian cannot be embedded ({exc}); use --server waitress") from None

    sock = socket.create_server((host, port), family=_family(host), backlog=BACKLOG)
    bound = sock.getsockname()[1]
    drained = threading.Event()
    shutdown = WorkerSignal()
    shutdown.add_cb(drained.set)
    loop = loops.get("asyncio")
    # The bundled type stub lags the extension's real signature; the calls match granian 2.8.
    holder: Any = SocketHolder
    try:
        worker = _make_worker(WSGIWorker, holder(sock.fileno(), False, BACKLOG), threads)
    except TypeError as exc:
        with contextlib.suppress(OSError):
            sock.close()
        raise ServerUnavailable(f"this granian release has another worker API ({exc}); use --server waitress") from None
    sock.detach()  # granian owns the fd now and closes it
    stop = _until_signalled()
    scheduler = _new_cbscheduler(loop, _wsgi_callback(app), impl_asyncio=False)
    worker.serve_mtr(scheduler, loop, shutdown)
    on_ready(base_url(host, bound))
    _wait(stop)
    shutdown.set()  # stops accepting, finishes in-flight requests, closes idle keep-alive connections
    drained.wait(DRAIN_SECONDS)


def _make_worker(make_worker: Any, sock: Any, threads: int) -> Any:
    return make_worker(
        1,  # worker id
        (None, sock),
        None,  # unused in the multi-threaded runtime
        1,  # Rust I/O threads: one is plenty for a local mock
        512,  # Rust blocking threads (file I/O; unused here)
        threads,  # Python threads running the app
        30,  # idle seconds before an extra Python thread stops
        BACKLOG,  # backpressure: requests accepted before new ones wait
        "1",  # HTTP/1.1 only, as a real client of the API would speak
        None,
        None,
        None,  # HTTP/1 and HTTP/2 settings (defaults), static files (none)
        False,
        None,
        None,
        None,
        "tls1.3",
        None,
        [],
        False,  # no TLS
        (None, None),  # no metrics
    )


def _wsgi_callback(app: Callable[..., Iterable[bytes]]) -> Callable[[Any, dict[str, Any]], int]:
    """Adapt a WSGI app to granian's worker: ``callback(proto, scope) -> status``.

    granian's own adapter copies the whole process environment into every request's environ;
    PEP 3333 does not ask for that, and the mock reads nothing from it.
    """
    base: dict[str, Any] = {
        "GATEWAY_INTERFACE": "CGI/1.1",
        "SCRIPT_NAME": "",
        "SERVER_SOFTWARE": "eulabel-mock",
        "wsgi.errors": sys.stderr,
        "wsgi.input_terminated": True,
        "wsgi.multiprocess": False,
        "wsgi.multithread": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }

    def callback(proto: Any, scope: dict[str, Any]) -> int:
        line, headers, chunks = run_to_completion(app, base | scope)
        status = int(line.split(" ", 1)[0])
        if _declared_length(headers) not in (None, len(chunks)):
            # A body shorter than its Content-Length (the drop_after_commit fault): streamed, the
            # server sends the headers and then closes the connection, as a lost response would.
            proto.response_iter(status, headers, _Chunks(chunks))
        else:
            proto.response_bytes(status, headers, chunks)
        return status

    return callback


def _declared_length(headers: list[tuple[str, str]]) -> int | None:
    for name, value in headers:
        if name.lower() == "content-length":
            return int(value) if value.isdigit() else None
    return None


class _Chunks:
    """The iterator granian's streaming response reads: the body, then the end of the stream.

    Ending a short stream at once can reset the connection before the headers are flushed; a
    pause first lets them go out, so the client sees the status and then the cut.
    """

    def __init__(self, data: bytes) -> None:
        self._data: bytes | None = data

    def __iter__(self) -> _Chunks:
        return self

    def __next__(self) -> bytes:
        if self._data is None:
            raise StopIteration
        data, self._data = self._data, None
        if not data:
            time.sleep(CUT_PAUSE)
        return data

    def close(self) -> None:
        pass


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def _serve_waitress(app: WsgiApp, host: str, port: int, on_ready: OnReady, threads: int) -> None:
    from waitress.server import create_server

    server = create_server(app, host=host, port=port, threads=threads, ident="eulabel-mock")
    bound = server.effective_port  # type: ignore[union-attr]
    stopping = threading.Event()

    def stop(_sig: int, _frame: FrameType | None) -> None:
        stopping.set()
        # close() alone hangs while a keep-alive client stays connected; end the loop directly.
        server.close()
        server.task_dispatcher.shutdown(cancel_pending=False, timeout=5)  # type: ignore[union-attr]
        raise SystemExit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    on_ready(base_url(host, bound))
    try:
        server.run()
    except SystemExit:
        if not stopping.is_set():
            raise
