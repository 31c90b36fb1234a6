"""granian's embeddable server (``granian.server.embed.Server``, public since granian 2.x) in this process.

HTTP is parsed in Rust; the app runs on the asyncio loop of the calling thread, through granian's
own interface, RSGI (``rsgi.WsgiOverRsgi``), so the state stays in this one process. Everything
here uses granian's public names only; whatever fails before the URL is announced makes
``server.serve`` fall back to waitress.
"""

from __future__ import annotations

import asyncio
import signal
import socket
import time
from collections.abc import Callable

from .limits import Limits
from .rsgi import WsgiOverRsgi

BACKLOG = 1024
START_TIMEOUT = 10.0  # seconds for granian's worker to start listening
DRAIN_SECONDS = 10.0  # seconds requests in flight get to finish after SIGINT or SIGTERM
WIND_DOWN = 0.3  # seconds for granian's threads to close the connections before the process exits
# Bytes hyper buffers for a request head. Above the app's own header limit (Limits.max_headers),
# so that an oversized head normally reaches the app and gets its JSON 431.
HEAD_BUFFER = 1024 * 1024


def serve_granian(app: WsgiOverRsgi, host: str, port: int, on_ready: Callable[[int], None], limits: Limits) -> None:
    """Serve the RSGI ``app`` until SIGINT or SIGTERM; ``on_ready(port)`` once the socket listens.

    :raise OSError: the address cannot be bound.
    :raise Exception: anything else granian raises (an unknown release, a missing build).
    """
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings
    from granian.server.embed import Server

    bound = free_port(host, port)
    server = Server(
        app,
        address=host,
        port=bound,
        interface=Interfaces.RSGI,
        http=HTTPModes.http1,  # as a client of the real API speaks; see docs/serving.md
        websockets=False,
        backlog=BACKLOG,
        runtime_threads=1,  # one Rust I/O thread is plenty for a local mock
        http1_settings=HTTP1Settings(
            header_read_timeout=max(1, int(limits.body_timeout * 1000)),
            max_buffer_size=max(HEAD_BUFFER, limits.max_headers * 2),
        ),
        log_enabled=False,
    )
    loop = asyncio.new_event_loop()
    listening: list[bool] = []
    signalled: list[int] = []

    async def announce() -> None:
        try:
            await _until_listening(host, bound)
        except OSError:
            server.stop()  # serve() returns; nothing was announced, so the caller may fall back
            return
        listening.append(True)
        on_ready(bound)

    def stop(sig: int) -> None:
        signalled.append(sig)
        server.stop()

    # granian opens its listener when the worker starts, after the start-up hooks have run.
    server.on_startup(lambda: loop.create_task(announce()))
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop, sig)
    # The loop is left open: granian's Rust threads may still post callbacks to it while they wind
    # down, and posting to a closed loop aborts the process.
    loop.run_until_complete(server.serve())
    # serve() returns as soon as granian stops accepting: requests in flight still run on this
    # loop. Then granian's threads close the connections; exiting before they are done aborts.
    loop.run_until_complete(app.drained(DRAIN_SECONDS))
    loop.run_until_complete(asyncio.sleep(WIND_DOWN))
    if not signalled:
        raise RuntimeError("granian stopped " + ("unexpectedly" if listening else "before it listened"))


async def _until_listening(host: str, port: int) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            _, writer = await asyncio.open_connection(host, port)
        except OSError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.005)
            continue
        writer.close()
        return


def free_port(host: str, port: int) -> int:
    """``port``, or a free one for port 0, after checking that it can be bound here.

    granian binds by address and port and does not report a port it picked itself; binding
    first also turns an address in use into an ``OSError`` before granian is involved.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
        return int(probe.getsockname()[1])
