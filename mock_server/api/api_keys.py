"""Handlers for /v1/auth/api-keys: create (secret shown once), list (masked), revoke."""

from __future__ import annotations

from flask import Response, request

from ..passage import passage_of
from .responses import json_response
from .routing import Call, Handler

NO_STORE = {"Cache-Control": "no-store"}


def create_api_key(call: Call) -> Response:
    key, secret = call.state.keys.create(call.org_id, call.body["name"], call.body["scopes"])
    passage_of(request.environ).shows_secret = True  # the one answer that holds a key: kept copies mask it
    headers = {**NO_STORE, "Location": f"/v1/auth/api-keys/{key.id}"}
    return json_response({**key.to_json(), "secret": secret}, 201, headers)


def list_api_keys(call: Call) -> Response:
    return json_response({"data": [k.to_json() for k in call.state.keys.list(call.org_id)]}, 200, NO_STORE)


def revoke_api_key(call: Call) -> Response:
    call.state.keys.revoke(call.org_id, call.path_params["keyId"])
    return Response(status=204)


HANDLERS: dict[str, Handler] = {
    "createApiKey": create_api_key,
    "listApiKeys": list_api_keys,
    "revokeApiKey": revoke_api_key,
}
