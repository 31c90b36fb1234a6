"""The product steps of a differential run (create, duplicate, read, list) and what the passport steps share
with them: the keys they use, made for each organisation before the first step, and the reading of answers.

What the docs leave to a server is read as a fact no claim is tagged with: error codes, for one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests

from . import gtins
from .client import KEY_SCOPES, KEYS
from .lockstep import UNKNOWN, Facts, Lockstep, ProductPlan, Side
from .responses import body_of, dumps
from .shapes import UUID, iso_utc, list_items, matches, parse_error

Outcome = tuple[str | None, dict[str, Facts]]
ROLES = {
    "writer": ["products:write", "products:read", "passports:write", "passports:read"],
    "reader": ["products:read"],
}
assert all(scope in KEY_SCOPES for scopes in ROLES.values() for scope in scopes)
NOTHING = "not made on this side"


def service_keys(ls: Lockstep, step: dict[str, Any]) -> Outcome:
    """The first step of every sequence: the keys product and passport steps use, per organisation, so every
    key a later step makes is younger. Each must work when made (C11), and the first still after the second
    (C18)."""

    def works(side: Side, secret: str | None) -> int | str:
        return side.send("GET", "/v1/products", key=secret).status_code if secret else NOTHING

    def run(side: Side) -> Facts:
        facts: Facts = {}
        for org in sorted(side.sessions):
            for role, scopes in ROLES.items():
                made = side.api.create_key(side.sessions[org], scopes, label=f"diff-{role}")
                side.exchanges.append(f"POST {KEYS} -> {made.status} {dumps(made.body)}")
                side.service[org, role] = made.secret if 200 <= made.status < 300 else None
                facts[f"organisation {org}, {role} key: status"] = (made.status, "C30")
                facts[f"organisation {org}, {role} key works when made"] = (works(side, made.secret), "C11")
            writer = side.service[org, "writer"]
            facts[f"organisation {org}, writer key works after the next is made"] = (works(side, writer), "C18")
        return facts

    return None, ls.each(run)


def key(side: Side, org: int, role: str) -> str | None:
    return side.service.get((org, role))


def refused(ls: Lockstep, org: int, role: str) -> str:
    """The claim a 401 to a step's own key touches: a key made later in its organisation took it (C18), else
    a key that was made stopped working (C11)."""
    return "C18" if any(k.org == org for k in ls.world.keys.values()) else "C11"


def status_fact(code: int, claim: str | None, if_401: str) -> tuple[int, str | None]:
    return code, (if_401 if code == 401 else claim)


def answer(resp: requests.Response) -> dict[str, Any]:
    """The object an answer is about: the body, or the one object it wraps (``{"data": {...}}``); a
    passport's own ``data`` field is not a wrapper."""
    body = body_of(resp)
    if not isinstance(body, dict):
        return {}
    wrapped = set(body) <= {"data", "meta", "object"} and isinstance(body.get("data"), dict)
    return dict(body["data"]) if wrapped else body


def error_facts(resp: requests.Response) -> Facts:
    return {"error code": (parse_error(body_of(resp)).code, None)} if resp.status_code >= 400 else {}


def _post_product(side: Side, plan: ProductPlan, name: str) -> requests.Response:
    body = {"name": name, "category": plan.category, "gtin": plan.gtin}
    return side.send("POST", "/v1/products", key=key(side, plan.org, "writer"), json=body)


def create_product(ls: Lockstep, step: dict[str, Any]) -> Outcome:
    handle = ls.world.handle("p", step)
    plan = ProductPlan(step["org"], gtins.make(), ls.target.api.unique_name("product"), step["category"])
    ls.world.products[handle] = plan

    if_401 = refused(ls, plan.org, "writer")

    def run(side: Side) -> Facts:
        resp = _post_product(side, plan, plan.name)
        made = answer(resp)
        pid = made.get("productId") or made.get("id")
        side.products[handle] = str(pid) if resp.status_code == 201 and pid else None
        created_at = made.get("createdAt")
        return {
            "status": status_fact(resp.status_code, "C30", if_401),
            "productId is a UUID": (bool(UUID.match(str(pid or ""))), "C23"),
            "qrCodeUrl given": (bool(made.get("qrCodeUrl")), "C41"),
            "createdAt given": (bool(created_at), "C41"),
            "createdAt in UTC": (isinstance(created_at, str) and iso_utc(created_at), "C22"),
            "gtin as 14 digits": (made.get("gtin") == gtins.gtin14(plan.gtin), "C46"),
            **error_facts(resp),
        }

    return handle, ls.each(run)


def duplicate_product(ls: Lockstep, step: dict[str, Any]) -> Outcome:
    plan = ls.world.products[step["product"]]
    name = ls.target.api.unique_name("duplicate")
    if_401 = refused(ls, plan.org, "writer")

    def run(side: Side) -> Facts:
        resp = _post_product(side, plan, name)
        return {"status": status_fact(resp.status_code, "C42", if_401), **error_facts(resp)}

    return None, ls.each(run)


def read_product(ls: Lockstep, step: dict[str, Any]) -> Outcome:
    plan = ls.world.products[step["product"]]
    org = (2 if plan.org == 1 else 1) if step["foreign"] else plan.org
    claim = "C4" if step["foreign"] else "C30"
    if_401 = refused(ls, org, "reader")

    def run(side: Side) -> Facts:
        pid = side.products.get(step["product"])
        if pid is None:
            return {"status": (NOTHING, claim)}
        resp = side.send("GET", f"/v1/products/{pid}", key=key(side, org, "reader"))
        got = answer(resp) if resp.status_code == 200 else {}
        return {
            "status": status_fact(resp.status_code, claim, if_401),
            "gtin as 14 digits": (got.get("gtin") == gtins.gtin14(plan.gtin) if got else None, "C46"),
            "name and category as sent": (
                (got.get("name"), got.get("category")) == (plan.name, plan.category) if got else None,
                "C30",
            ),
            **error_facts(resp),
        }

    return None, ls.each(run)


def list_products(ls: Lockstep, step: dict[str, Any]) -> Outcome:
    org = step["org"]
    if_401 = refused(ls, org, "reader")

    def run(side: Side) -> Facts:
        resp = side.send("GET", "/v1/products", key=key(side, org, "reader"), params={"limit": 100})
        body = body_of(resp)
        items = list_items(body) or []

        def found(want: Callable[[ProductPlan], bool]) -> list[str]:
            # by id or by the run's unique name, in whatever field a server lists them
            mine = [(h, p) for h, p in ls.world.products.items() if want(p)]
            return sorted(h for h, p in mine if any(matches(i, side.products.get(h), p.name) for i in items))

        full = len(items) >= 100  # ours may be on a later page of a busy organisation
        return {
            "status": status_fact(resp.status_code, "C37", if_401),
            "a list envelope (data)": (isinstance(body, dict) and isinstance(body.get("data"), list), "C37"),
            "its products listed": (UNKNOWN if full else found(lambda p: p.org == org), "C37"),
            "another organisation's products listed": (found(lambda p: p.org != org), "C4"),
        }

    return None, ls.each(run)


KINDS: dict[str, Callable[[Lockstep, dict[str, Any]], Outcome]] = {
    "service_keys": service_keys,
    "create_product": create_product,
    "duplicate_product": duplicate_product,
    "read_product": read_product,
    "list_products": list_products,
}
