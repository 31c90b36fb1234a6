"""Servers that break one documented rule of the format of key responses each (C3, C12, C21, C22)."""

from __future__ import annotations

import re

from werkzeug.wrappers import Request, Response

from .middleware import KEYS, Middleware, bearer, body_json, is_list, set_json


class ListAsText(Middleware):  # C21
    def handle(self, request: Request, body: bytes) -> Response:
        response = self.forward(request, body)
        if is_list(request):
            response.headers["Content-Type"] = "text/plain; charset=utf-8"
        return response


class LocalTimestamps(Middleware):  # C22
    def handle(self, request: Request, body: bytes) -> Response:
        response = self.forward(request, body)
        if request.path == KEYS and response.status_code < 300 and response.data:
            text = re.sub(r'"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?)Z"', r'"\1+01:00"', response.get_data(True))
            response.set_data(text)
        return response


class OtherKeyPrefix(Middleware):  # C3: keys start with ek_test_, not sk_test_
    def handle(self, request: Request, body: bytes) -> Response:
        token = bearer(request)
        if token and token.startswith("ek_"):
            return self._out(self.forward(request, body, headers={"Authorization": "Bearer s" + token[1:]}))
        return self._out(self.forward(request, body))

    @staticmethod
    def _out(response: Response) -> Response:
        if response.data:
            response.set_data(re.sub(r"\bsk_(test|live)_", r"ek_\1_", response.get_data(True)))
        return response


class LivePrefixOnTestKeys(Middleware):  # C3: keys of the test environment start with sk_live_
    def handle(self, request: Request, body: bytes) -> Response:
        token = bearer(request)
        if token and token.startswith("sk_live_"):
            headers = {"Authorization": "Bearer sk_test_" + token[len("sk_live_") :]}
            return self._out(self.forward(request, body, headers=headers))
        return self._out(self.forward(request, body))

    @staticmethod
    def _out(response: Response) -> Response:
        if response.data:
            response.set_data(re.sub(r"\bsk_test_", "sk_live_", response.get_data(True)))
        return response


class UnauthorizedEchoesKey(Middleware):  # C12: a 401 repeats the key it refused
    def handle(self, request: Request, body: bytes) -> Response:
        response = self.forward(request, body)
        token = bearer(request)
        if response.status_code == 401 and token:
            set_json(response, {**body_json(response), "message": f"Invalid API key: {token}"})
        return response
