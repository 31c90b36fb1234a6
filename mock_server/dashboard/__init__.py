"""The Dashboard: sign in, manage API keys and watch each key's usage, in a page the mock serves.

The page is a client of the API like any integration: it manages keys through
``/v1/auth/api-keys`` with the session cookie, and reads each key's usage from ``/_mock/usage``
(mock only: the real API documents no usage endpoint).
"""

from __future__ import annotations

from flask import Flask

from . import pages, usage


def install(app: Flask) -> None:
    """Serve the dashboard pages under ``/dashboard`` and the usage reads under ``/_mock/usage``."""
    app.register_blueprint(pages.bp)
    app.register_blueprint(usage.bp)
