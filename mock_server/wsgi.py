"""The app for external WSGI servers, configured from EULABEL_MOCK_* variables.

``gunicorn -w 1 --threads 8 mock_server.wsgi:app``. More than one worker process is refused:
here when the environment asks for it, and per request when the server reports it.
"""

from __future__ import annotations

import gc
import os

from .app import create_app
from .cli import app_config, options
from .serving.one_process import one_process_only, refuse_multiple_workers

refuse_multiple_workers(os.environ)
# The variables, checked as eulabel-mock checks them. Only here does the process model depend on
# someone else's server, which says in each request's environ whether it runs several processes.
app = one_process_only(create_app(app_config(options([]))))
gc.freeze()  # as eulabel-mock does: what start-up built is never collected, so collections skip it
