"""Routes built from openapi.yaml: each operation gets auth, validation, then its handler."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from ..errors import ApiError
from ..handle import handle_of
from ..state.key_store import ApiKey
from ..state.state import State
from .auth import bearer_key, require_scopes, session_org
from .responses import from_http
from .spec import Operation
from .validation import check_path, parse_body, parse_query


@dataclass(slots=True)
class Call:
    """One validated request, as a handler sees it."""

    state: State
    org_id: str
    key: ApiKey | None
    query: dict[str, Any]
    body: Any
    path_params: dict[str, Any]


Handler = Callable[[Call], Response]


def add_routes(app: Flask, operations: list[Operation], handlers: Mapping[str, Handler]) -> None:
    """Serve every operation of the spec; refuse to start if one has no handler."""
    missing = sorted({op.operation_id for op in operations} - set(handlers))
    if missing:
        raise RuntimeError(f"openapi.yaml operations without a handler: {', '.join(missing)}")
    for op in operations:
        app.add_url_rule(
            op.rule, endpoint=op.operation_id, view_func=_view(app, op, handlers[op.operation_id]), methods=[op.method]
        )


def _view(app: Flask, op: Operation, handler: Handler) -> Callable[..., Response]:
    state = handle_of(app).state  # one object for the app's life: a reset rebuilds what it holds

    def view(**path: Any) -> Response:
        if op.auth != "bearer":
            org_id = session_org(state, request) if op.auth == "session" else ""
            return _run(op, handler, state, org_id, None, path)
        key = bearer_key(state, request)
        limiter = state.rate_limiter
        if limiter is None:
            require_scopes(key, op.scopes)
            return _run(op, handler, state, key.org_id, key, path)
        # From here on the key is known: every answer, errors included, reports its limits (C34).
        headers = limiter.hit(key.id)
        try:
            require_scopes(key, op.scopes)
            resp = _run(op, handler, state, key.org_id, key, path)
        except ApiError as err:
            err.headers.update(headers)
            raise
        except HTTPException as exc:
            converted = from_http(exc)
            converted.headers.update(headers)
            raise converted from None
        resp.headers.extend(headers)  # the names are new here, so no search-and-replace is needed
        return resp

    view.__name__ = op.operation_id
    return view


def _run(
    op: Operation, handler: Handler, state: State, org_id: str, key: ApiKey | None, path: dict[str, Any]
) -> Response:
    """Validate the path, query and body, then answer with the handler."""
    check_path(op, path)
    query = parse_query(op, request)
    body = parse_body(op, request) if op.body_validator is not None else None
    return handler(Call(state, org_id, key, query, body, path))
