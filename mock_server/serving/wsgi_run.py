"""Calling a WSGI app to completion: its status line, headers and whole body."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def run_to_completion(
    app: WsgiApp, environ: dict[str, Any], start_response: Callable[..., Any] | None = None
) -> tuple[str, list[tuple[str, str]], bytes]:
    """Run ``app`` and read its body, closing the iterable as WSGI requires.

    ``start_response``, when given, is called as the app calls it, so a middleware can pass the
    response on while keeping a copy.
    """
    captured: list[Any] = ["500 Internal Server Error", []]

    def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        captured[:] = [status, headers]
        return start_response(status, headers, exc_info) if start_response is not None else None

    result = app(environ, capture)
    if type(result) is list:  # the usual answer of a middleware: nothing to close
        return captured[0], captured[1], b"".join(result)
    try:
        body = b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    return captured[0], captured[1], body
