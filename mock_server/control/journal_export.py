"""The journal as a pytest module that replays the recorded calls, in order, against ``eulabel_mock``.

The export is written from the journal's redacted entries, so it holds no secret: a key a recorded
call used is created anew inside the test and named by a variable, ids an answer showed are bound
by name (``Capture``) and quoted by it afterwards (``Text``), and the clock is frozen at each
recorded call's time. Each call's status is asserted, and the fields of its body that openapi.yaml
documents for that answer.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response
from werkzeug.exceptions import HTTPException

from ..api.strict import contracts
from ..handle import handle_of
from ..redaction import mask_secrets
from ..state.clock import iso
from ..state.state import State
from .faults import Fault
from .replay_calls import Call, documented_body, keys_before, request_args, seconds
from .replay_names import Names
from .replay_prelude import PRELUDE

DEFAULT_ORG = "org_quinta"  # the organisation of the fixture's own session (``eulabel_mock.session``)


def export(
    entries: list[dict[str, Any]], omitted: int, state: State, fault_of: Any, operation_of: Any, settings: str
) -> str:
    """The pytest module for ``entries`` (oldest first); ``fault_of(id)`` and ``operation_of(method, path)``
    say what a recorded fault did and which operation answered."""
    calls = [Call.of(entry, operation_of) for entry in entries]
    names = Names(calls[0].time if calls else "")
    earlier = keys_before(calls, state)
    orgs = sorted({DEFAULT_ORG, *(key.org_id for key in earlier)} | {c.org for c in calls if c.org}) if calls else []
    lines = [
        f'"""Replay of {len(calls)} calls recorded by eulabel-mock (GET /_mock/journal?format=pytest), oldest first.',
        "",
        f"Recorded on a mock with {settings};",
        "give the same in ``eulabel_mock_config`` to replay it there.",
        *(
            [f"{omitted} older calls were no longer in the journal, so the replay starts later than the recording."]
            if omitted
            else []
        ),
        "Keys are created anew (no secret is ever written), ids an answer showed are bound by name, and",
        "the mock's clock is frozen at each recorded call's time.",
        '"""',
        PRELUDE,
        "",
        "def test_replay_of_the_recorded_calls(eulabel_mock):",
        "    mock = eulabel_mock",
        '    ids = {"UNKNOWN_KEY": "sk_test_" + secrets.token_hex(16)}  # well-formed, never issued',
        "    sessions = {" + f"{DEFAULT_ORG!r}: mock.session" + "}",
    ]
    body = lines.append
    for org in orgs:
        if org != DEFAULT_ORG:
            body(f"    sessions[{org!r}] = mock.new_session({org!r})")
    if earlier:
        body("    # Keys the recorded calls used that were created before the recording began: made anew.")
    for key in earlier:
        name = names.key(key.id, key.prefix)
        body(f"    mock.freeze({iso(key.created_at)!r})")
        created = (
            f"mock.create_key(scopes={list(key.scope_list)!r}, name={key.name!r}, session=sessions[{key.org_id!r}])"
        )
        body(f"    ids[{name + '_id'!r}], ids[{name!r}] = {created}")
        body(f"    ids[{name + '_prefix'!r}] = ids[{name!r}][:12]")
        if key.revoked_at is not None and calls and key.revoked_at <= seconds(calls[0].time):
            body(f"    mock.freeze({iso(key.revoked_at)!r})")
            body(f"    mock.revoke(ids[{name + '_id'!r}], session=sessions[{key.org_id!r}])")
    frozen = None
    for number, call in enumerate(calls, 1):
        body("")
        body(f"    # {number}. {call.time} {call.method} {call.shown_path} -> {call.status}")
        if call.time != frozen:
            body(f"    mock.freeze({call.time!r})")
            frozen = call.time
        fault = fault_of(call.fault) if call.fault else None
        if call.fault:
            body(f"    {_fault(fault, call, names)}")
        args = request_args(call, names, DEFAULT_ORG)
        what = f"{call.method} {call.shown_path}"
        if fault is not None and fault.action == "drop_after_commit" and fault.disconnect:
            body(f"    with pytest.raises(CUT_OFF):  # the key is created, the answer never arrives ({fault.id})")
            body(f"        send(mock, ids, {args})")
            continue
        expected = documented_body(call, names)
        checked = "" if expected is None else f", {expected}"
        body(f"    expect(ids, {number}, {what!r}, send(mock, ids, {args}), {call.status}{checked})")
    if not calls:
        body("    assert mock.journal() == []  # nothing was recorded")
    return mask_secrets("\n".join(lines) + "\n")  # the entries are redacted already; this is a second lock


def _fault(fault: Fault | None, call: Call, names: Names) -> str:
    """The fault rule that gave this call its answer, for this one call."""
    path = names.text(call.path)
    if fault is None or fault.action == "status":
        retry = f", retryAfter={fault.retry_after}" if fault is not None and fault.retry_after is not None else ""
        return (
            f'mock.add_fault("status", fill({path}, ids), method={call.method!r}, status={call.status}, times=1{retry})'
        )
    if fault.action == "latency":
        return f'mock.add_fault("latency", fill({path}, ids), method={call.method!r}, ms={fault.ms}, times=1)'
    if fault.disconnect:
        return 'mock.add_fault("drop_after_commit", disconnect=True, times=1)'
    return f'mock.add_fault("drop_after_commit", status={fault.status}, times=1)'


def settings_line(config: Any) -> str:
    """The settings that shape answers, as ``eulabel_mock_config`` would give them."""
    keys = ("ERROR_FORMAT", "REVOCATION_DELAY", "RATE_LIMIT")
    return ", ".join(f"{key}={config[key]!r}" for key in keys)


def replay_module(app: Flask, entries: list[dict[str, Any]], omitted: int) -> Response:
    """``GET /_mock/journal?format=pytest``: the selected calls as a file to save and run."""
    adapter = app.url_map.bind("localhost")
    known = contracts()

    def operation_of(method: str, path: str) -> str | None:
        try:
            endpoint, _ = adapter.match(path, method)
        except HTTPException:
            return None
        return endpoint if endpoint in known else None

    handle = handle_of(app)
    faults = handle.plane.faults
    source = export(entries, omitted, handle.state, faults.added, operation_of, settings_line(app.config))
    headers = {"Content-Disposition": 'attachment; filename="test_replay.py"', "Cache-Control": "no-store"}
    return Response(source, 200, headers=headers, content_type="text/x-python; charset=utf-8")
