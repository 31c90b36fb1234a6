"""Handlers for /v1/passports."""

from __future__ import annotations

from flask import Response

from .responses import json_response
from .routing import Call, Handler


def create_passport(call: Call) -> Response:
    passport, created = call.state.passports.submit(call.org_id, **call.body)
    if created:
        return json_response(passport.to_json(), 201, {"Location": f"/v1/passports/{passport.id}"})
    return json_response(passport.to_json())


def get_passport(call: Call) -> Response:
    return json_response(call.state.passports.get(call.org_id, call.path_params["passportId"]).to_json())


HANDLERS: dict[str, Handler] = {
    "createPassport": create_passport,
    "getPassport": get_passport,
}
