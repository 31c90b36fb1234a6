"""Servers that break one documented rule of API keys and sessions each (C3-C7, C11-C19, C21, C22, C30)."""

from __future__ import annotations

import json
from typing import Any

from werkzeug.wrappers import Request, Response

from contract_tests.documented import KEY_SCOPES

from .middleware import (
    KEYS,
    Middleware,
    bearer,
    body_json,
    flat_error,
    is_list,
    json_response,
    revoke_id,
    set_json,
)

SESSION = "eulabel_session"


def _creates_key(request: Request, response: Response) -> bool:
    return request.method == "POST" and request.path == KEYS and response.status_code == 201


class SecretInList(Middleware):  # C14
    def handle(self, request: Request, body: bytes) -> Response:
        response = self.forward(request, body)
        if is_list(request) and response.status_code == 200:
            data = body_json(response)
            for item in data["data"]:
                item["secret"] = self.secrets.get(item["id"])
            set_json(response, data)
        return response


class MaskRevealsSecret(Middleware):  # C14
    def handle(self, request: Request, body: bytes) -> Response:
        response = self.forward(request, body)
        if is_list(request) and response.status_code == 200:
            data = body_json(response)
            for item in data["data"]:
                item["prefix"] = self.secrets.get(item["id"], "")[:-3] + "***"
            set_json(response, data)
        return response


class SecretOnRevoke(Middleware):  # C12
    def handle(self, request: Request, body: bytes) -> Response:
        key_id = revoke_id(request)
        response = self.forward(request, body)
        if key_id and response.status_code == 204:
            return json_response(200, {"id": key_id, "revoked": True, "secret": self.secrets.get(key_id)})
        return response


class CreateCacheable(Middleware):  # C12
    def handle(self, request: Request, body: bytes) -> Response:
        response = self.forward(request, body)
        if request.method == "POST" and request.path == KEYS:
            response.headers["Cache-Control"] = "public, max-age=86400"
        return response


class RevokeIgnored(Middleware):  # C16: a revoke of one's own key answers as if done, and nothing happens
    def handle(self, request: Request, body: bytes) -> Response:
        key_id = revoke_id(request)
        org = self.state.session_org(request.cookies.get(SESSION, ""))
        if key_id and org and any(k.id == key_id for k in self.state.keys.list(org)):
            return Response(status=204)
        return self.forward(request, body)


class RevokedWorksOnOneOperation(Middleware):  # C16: enforced everywhere but on reading a passport
    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.orgs: dict[str, dict[str, Any]] = {}

    def handle(self, request: Request, body: bytes) -> Response:
        token = bearer(request)
        if token and request.path.startswith("/v1/passports/") and self.revoked(token):
            org = next((i["org"] for k, i in self.orgs.items() if self.secrets.get(k) == token), None)
            if org:
                return self.as_master(request, body, org)
        response = self.forward(request, body)
        if _creates_key(request, response):
            org = self.state.session_org(request.cookies.get(SESSION, "")) or ""
            self.orgs[body_json(response)["id"]] = {"org": org}
        return response


class RevokedKeyGets403(Middleware):  # C16: a revoked key gets 403, not 401
    def handle(self, request: Request, body: bytes) -> Response:
        response = self.forward(request, body)
        token = bearer(request)
        if response.status_code == 401 and token and self.revoked(token):
            return flat_error(403, "forbidden", "This key was revoked.")
        return response


class RevokedStillListed(Middleware):  # C13
    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.gone: dict[str, tuple[str | None, dict[str, Any]]] = {}

    def handle(self, request: Request, body: bytes) -> Response:
        key_id = revoke_id(request)
        response = self.forward(request, body)
        org = self.state.session_org(request.cookies.get(SESSION, "")) or ""
        if key_id and response.status_code == 204 and key_id in self.items:
            self.gone[key_id] = (org, self.items[key_id])
        if is_list(request) and response.status_code == 200:
            data = body_json(response)
            data["data"] += [item for owner, item in self.gone.values() if owner == org]
            set_json(response, data)
        return response


class UnknownScopeAccepted(Middleware):  # C5
    def handle(self, request: Request, body: bytes) -> Response:
        payload = _payload(request, body)
        if request.path == KEYS and isinstance(payload, dict) and isinstance(payload.get("scopes"), list):
            known = [s for s in payload["scopes"] if isinstance(s, str) and s in KEY_SCOPES] or ["products:read"]
            body = json.dumps({**payload, "scopes": list(dict.fromkeys(known))}).encode()
        return self.forward(request, body)


class ForeignKeysListed(Middleware):  # C4: the list shows the keys of every organisation seen so far
    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.orgs: set[str] = set()

    def handle(self, request: Request, body: bytes) -> Response:
        response = self.forward(request, body)
        org = self.state.session_org(request.cookies.get(SESSION, ""))
        if org:
            self.orgs.add(org)
        if is_list(request) and response.status_code == 200:
            everyone = [k.to_json() for o in sorted(self.orgs) for k in self.state.keys.list(o)]
            set_json(response, {"data": everyone})
        return response


class RestoredOnSecondRevoke(Middleware):  # C17: revoking a revoked key again brings it back
    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.restored: dict[str, str] = {}  # revoked secret -> the secret that now answers for it

    def handle(self, request: Request, body: bytes) -> Response:
        key_id = revoke_id(request)
        org = self.state.session_org(request.cookies.get(SESSION, ""))
        if key_id in self.revoked_ids and key_id in self.secrets and org:
            item = self.items[key_id]
            self.restored[self.secrets[key_id]] = self.state.keys.create(org, item["name"], item["scopes"])[1]
            return Response(status=204)
        token = bearer(request)
        if token in self.restored:
            return self.forward(request, body, headers={"Authorization": f"Bearer {self.restored[token]}"})
        return self.forward(request, body)


class ForeignKeyRevocable(Middleware):  # C4: revoke finds keys of any organisation
    def handle(self, request: Request, body: bytes) -> Response:
        key_id = revoke_id(request)
        response = self.forward(request, body)
        if key_id and response.status_code == 404 and key_id in self.secrets:
            key = self.state.keys.authenticate(self.secrets[key_id])
            if key is not None:
                self.state.keys.revoke(key.org_id, key_id)
                return Response(status=204)
        return response


class BearerManagesKeys(Middleware):  # C6
    def handle(self, request: Request, body: bytes) -> Response:
        key = self.key_of(request)
        if request.path.startswith(KEYS) and key is not None and not request.cookies.get(SESSION):
            session = self.state.add_session(key.org_id)
            return self.forward(request, body, headers={"Cookie": f"{SESSION}={session}", "Authorization": ""})
        return self.forward(request, body)


class AnyCookieName(Middleware):  # C7
    def handle(self, request: Request, body: bytes) -> Response:
        other = next((v for k, v in request.cookies.items() if k != SESSION), None)
        if request.path.startswith(KEYS) and other and not request.cookies.get(SESSION):
            return self.forward(request, body, headers={"Cookie": f"{SESSION}={other}"})
        return self.forward(request, body)


class CreatedKeyNotKept(Middleware):  # C11: the create answer looks right, but nothing is stored
    def handle(self, request: Request, body: bytes) -> Response:
        response = self.forward(request, body)
        if _creates_key(request, response):
            org = self.state.session_org(request.cookies.get(SESSION, "")) or ""
            self.state.keys.revoke(org, body_json(response)["id"])
        return response


class CreateAnswers200(Middleware):  # C30
    def handle(self, request: Request, body: bytes) -> Response:
        response = self.forward(request, body)
        if _creates_key(request, response):
            response.status_code = 200
        return response


class RevokeNotServed(Middleware):  # C15
    def handle(self, request: Request, body: bytes) -> Response:
        if revoke_id(request) and request.cookies.get(SESSION):
            return flat_error(405, "method_not_allowed", "Keys cannot be deleted.")
        return self.forward(request, body)


class NewKeyRevokesOlder(Middleware):  # C18
    def handle(self, request: Request, body: bytes) -> Response:
        response = self.forward(request, body)
        if _creates_key(request, response):
            org = self.state.session_org(request.cookies.get(SESSION, "")) or ""
            new = body_json(response)["id"]
            for key in self.state.keys.list(org):
                if key.id != new:
                    self.state.keys.revoke(org, key.id)
        return response


class RevokeTakesNewerKeys(Middleware):  # C19: revoking the old key also revokes the ones made after it
    def handle(self, request: Request, body: bytes) -> Response:
        key_id = revoke_id(request)
        org = self.state.session_org(request.cookies.get(SESSION, "")) or ""
        order = [k.id for k in self.state.keys.list(org)] if key_id and org else []
        response = self.forward(request, body)
        if key_id in order and response.status_code == 204:
            for later in order[order.index(key_id) + 1 :]:
                self.state.keys.revoke(org, later)
        return response


def _payload(request: Request, body: bytes) -> Any:
    try:
        return json.loads(body) if request.method == "POST" and body else None
    except ValueError:
        return None
