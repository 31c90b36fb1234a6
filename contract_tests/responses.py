"""Short, secret-free renderings of responses and values for assertion messages."""

from __future__ import annotations

import json as jsonlib
from typing import Any

import requests

from .redact import redact


def body_of(resp: requests.Response) -> Any:
    try:
        return resp.json()
    except ValueError:
        return None


def describe(resp: requests.Response) -> str:
    """A short, secret-free description of a response for assertion messages."""
    text = resp.text
    if len(text) > 400:
        text = text[:400] + "…"
    return redact(
        f"{resp.request.method} {resp.request.path_url} -> {resp.status_code} "
        f"{resp.headers.get('Content-Type', '')} {text}"
    )


def dumps(value: Any) -> str:
    return redact(jsonlib.dumps(value, ensure_ascii=False)[:600])
