"""``GET /_mock/client-report``: where the clients broke what the docs ask of clients, per key.

Read from the request journal (``client_checks`` holds the rules), so it covers what the journal
still holds; a finding names keys by id and listed prefix only.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, current_app

from ..api.responses import json_response
from ..handle import handle_of
from ..state.key_store import ApiKey
from .access import refuse_browser_forgery, require_token
from .client_checks import (
    Facts,
    KeyFacts,
    OrgKeys,
    bodies_not_json,
    keys_outside_authorization,
    retried_client_errors,
    retry_after_ignored,
)
from .rotation_checks import rotation_gaps, used_after_revocation

bp = Blueprint("mock_client_report", __name__, url_prefix="/_mock")
bp.before_request(refuse_browser_forgery)  # as every other /_mock call
bp.before_request(require_token)


def findings(entries: list[dict[str, Any]], facts: Facts, org_keys: OrgKeys) -> list[dict[str, Any]]:
    """Every rule's findings, in the order of the claims."""
    return [
        *keys_outside_authorization(entries, facts),
        *used_after_revocation(entries, facts),
        *rotation_gaps(entries, facts, org_keys),
        *bodies_not_json(entries, facts),
        *retry_after_ignored(entries, facts),
        *retried_client_errors(entries, facts),
    ]


def _facts(key: ApiKey) -> KeyFacts:
    return KeyFacts(key.id, key.prefix, key.org_id, key.scopes, key.created_at, key.revoked_at)


def client_report(app: Flask) -> dict[str, Any]:
    """The findings over every journal entry one read returns, and how many older ones it left out."""
    handle = handle_of(app)
    journal, keys = handle.plane.journal, handle.state.keys
    entries, omitted = journal.query()

    def facts(key_id: str) -> KeyFacts | None:
        key = keys.by_id(key_id)
        return _facts(key) if key is not None else None

    def org_keys(org_id: str) -> list[KeyFacts]:
        return [_facts(k) for k in keys.all(org_id)]

    return {
        "data": findings(entries, facts, org_keys),
        "checked": len(entries),
        "omitted": omitted,
        "journalSize": journal.size,
    }


@bp.get("/client-report")
def get_client_report() -> Response:
    return json_response(client_report(current_app))
