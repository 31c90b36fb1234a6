"""Serving the app in one process (the state is in memory) on a real WSGI server."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from types import FrameType

from flask import Flask
from waitress.server import create_server

THREADS = 8


def serve(app: Flask, host: str, port: int, on_ready: Callable[[str], None]) -> None:
    """Bind (port 0 picks a free one), report the bound URL, serve until SIGINT or SIGTERM."""
    server = create_server(app, host=host, port=port, threads=THREADS, ident="eulabel-mock")
    bound = server.effective_port  # type: ignore[union-attr]
    display_host = f"[{host}]" if ":" in host else host
    stopping = threading.Event()

    def stop(_sig: int, _frame: FrameType | None) -> None:
        stopping.set()
        # close() alone hangs while a keep-alive client stays connected; end the loop directly.
        server.close()
        server.task_dispatcher.shutdown(cancel_pending=False, timeout=5)  # type: ignore[union-attr]
        raise SystemExit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    on_ready(f"http://{display_host}:{bound}")
    try:
        server.run()
    except SystemExit:
        if not stopping.is_set():
            raise
