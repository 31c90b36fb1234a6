"""The fixed part of an exported journal: what each replayed call is sent and checked with.

It is Python source, written as is at the top of every export (``journal_export.py`` writes the
calls after it), so the exported file needs nothing but the ``eulabel_mock`` fixture to run.
"""

PRELUDE = '''
import http.client
import json
import secrets
import urllib.error
import urllib.request
from datetime import datetime

import pytest

from mock_server.redaction import mask_secrets

NOTHING = object()  # a call without a body, or an answer whose body is not checked


class Capture:
    """A value first seen in this answer (an id): bound by name, then compared like any other."""

    def __init__(self, name):
        self.name = name


class Secret(Capture):
    """A key's secret in its create answer: bound by name, with its prefix (``<name>_prefix``)."""


class Near:
    """A time the mock's clock gave (to the second: the replay freezes the clock at each recorded
    call's time); ``Near(None)``, any time: one from before the recording, such as the fixtures'."""

    def __init__(self, iso):
        self.iso = iso


class Text:
    """Text that quotes bound values (``{product_1}``), filled in once they are known."""

    def __init__(self, template):
        self.template = template


def fill(value, ids):
    """``value`` with every Text filled in from ``ids``."""
    if isinstance(value, Text):
        return value.template.format_map(ids)
    if isinstance(value, dict):
        return {name: fill(item, ids) for name, item in value.items()}
    if isinstance(value, list):
        return [fill(item, ids) for item in value]
    return value


def _seconds(text):
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except (AttributeError, ValueError):
        return None


def difference(expected, actual, ids, where=""):
    """The JSON pointer of the first difference, binding captures on the way; None if there is none."""
    if isinstance(expected, Capture):
        if expected.name in ids:
            return difference(ids[expected.name], actual, ids, where)
        if not isinstance(actual, str):
            return where or "/"
        ids[expected.name] = actual
        if isinstance(expected, Secret):
            ids[expected.name + "_prefix"] = actual[:12]
        return None
    if isinstance(expected, Near):
        at = _seconds(actual)
        near = at is not None and (expected.iso is None or abs(at - _seconds(expected.iso)) <= 1)
        return None if near else where or "/"
    expected = fill(expected, ids) if isinstance(expected, Text) else expected
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return where or "/"
        for name, item in expected.items():
            found = difference(item, actual.get(name, NOTHING), ids, f"{where}/{name}")
            if found is not None:
                return found
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return where or "/"
        for index, (item, got) in enumerate(zip(expected, actual)):
            found = difference(item, got, ids, f"{where}/{index}")
            if found is not None:
                return found
        return None
    return None if type(expected) is type(actual) and expected == actual else where or "/"


def send(mock, ids, method, path, body=NOTHING, raw=None, headers=None, session=None):
    """One call as recorded; the answer's status and body (JSON parsed, text as text, None if empty)."""
    all_headers = {name: fill(value, ids) for name, value in (headers or {}).items()}
    if session is not None:
        all_headers["Cookie"] = session.header
    data = fill(raw, ids).encode() if raw is not None else None
    if body is not NOTHING:
        data = json.dumps(fill(body, ids)).encode()
    request = urllib.request.Request(mock.url(fill(path, ids)), data=data, headers=all_headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            status, content, kind = answer.status, answer.read(), answer.headers.get_content_type()
    except urllib.error.HTTPError as error:
        with error:
            status, content, kind = error.code, error.read(), error.headers.get_content_type()
    if not content:
        return status, None
    return status, json.loads(content) if kind == "application/json" else content.decode("utf-8", "replace")


def expect(ids, number, what, answer, status, body=NOTHING):
    """Fail at the first call whose status or documented fields differ from the recording."""
    got_status, got_body = answer
    shown = mask_secrets(json.dumps(got_body))[:500]
    if got_status != status:
        pytest.fail(f"call {number} ({what}): expected HTTP {status}, got {got_status}: {shown}", pytrace=False)
    where = None if body is NOTHING else difference(body, got_body, ids)
    if where is not None:
        pytest.fail(f"call {number} ({what}): the body differs at {where}: {shown}", pytrace=False)


CUT_OFF = (OSError, http.client.HTTPException)  # a fault that drops the connection before the answer
'''
