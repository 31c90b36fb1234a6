"""The passport steps of a differential run: submit partial data, publish in two calls (a merge), read.

What the docs leave to a server is read as a fact no claim is tagged with: the status of a later passport
call, and which fields make a passport complete beyond the documented wine data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .lockstep import Facts, Lockstep, Side
from .product_steps import NOTHING, Outcome, answer, error_facts, key, refused, status_fact
from .shapes import UUID

INGREDIENTS = ["Grapes", "Sulphites"]
PARTS: dict[str, dict[str, Any]] = {
    "type": {"productType": "wine"},
    "ingredients": {"productType": "wine", "ingredients": INGREDIENTS},
    # every other wine field the passport docs show (the Gen-1 example)
    "rest": {
        "productType": "wine",
        "nutrition": {
            k: 12.5
            for k in ("energyKj", "energyKcal", "fatG", "saturatedFatG", "carbohydratesG", "sugarsG", "proteinG")
        }
        | {"saltG": 0.01, "alcoholG": 10.5},
        "allergens": {"containsSulphites": True, "containsEgg": False, "containsFish": False, "containsMilk": False},
        "origin": {"country": "PT", "region": "Douro"},
        "producers": [{"name": "Differential Producer", "role": "producer", "country": "PT"}],
    },
}


def _passport_claim(parts: list[str]) -> str | None:
    """Partial data (the product type, the ingredients) is a draft (C50); the documented wine data sent in
    two calls is published only if the calls merge (C51); what else completes a passport the docs leave open."""
    if set(parts) <= {"type", "ingredients"}:
        return "C50"
    return "C51" if {"ingredients", "rest"} <= set(parts) else None


def _readable(side: Side, org: int, pid: str | None) -> Facts:
    """A passport is read with a key that has products:read only (C47), right after each submission."""
    if pid is None:
        return {}
    resp = side.send("GET", f"/v1/passports/{pid}", key=key(side, org, "reader"))
    return {"readable with products:read": (resp.status_code, "C47")}


def submit_passport(ls: Lockstep, step: dict[str, Any]) -> Outcome:
    plan = ls.world.products[step["product"]]
    first = not plan.submissions
    plan.submissions.append(step["part"])
    claim = _passport_claim(plan.submissions)
    if_401 = refused(ls, plan.org, "writer")

    def run(side: Side) -> Facts:
        body = {"gtin": plan.gtin, "data": PARTS[step["part"]]}
        resp = side.send("POST", "/v1/passports", key=key(side, plan.org, "writer"), json=body)
        got = answer(resp)
        pid = got.get("passportId") or got.get("id")
        if 200 <= resp.status_code < 300 and pid:
            side.passports[step["product"]] = str(pid)
        state = got.get("status")
        return {
            # a later call's status is not documented
            "status": status_fact(resp.status_code, "C30" if first else None, if_401),
            "passport status": (state, claim),
            "compliance given with a draft": (
                isinstance(got.get("compliance"), dict) if state == "draft" else None,
                "C50",
            ),
            "passport id is ps_… or a UUID": (
                bool(pid and (str(pid).startswith("ps_") or UUID.match(str(pid)))),
                "C23",
            ),
            **error_facts(resp),
            **_readable(side, plan.org, str(pid) if pid else None),  # after the id's form: it reads by the id
        }

    return None, ls.each(run)


def publish_passport(ls: Lockstep, step: dict[str, Any]) -> Outcome:
    """The documented wine data in two calls, the ingredients first: published only if the calls merge (C51)."""
    plan = ls.world.products[step["product"]]
    plan.submissions += ["ingredients", "rest"]
    if_401 = refused(ls, plan.org, "writer")

    def run(side: Side) -> Facts:
        writer = key(side, plan.org, "writer")
        for part in ("ingredients", "rest"):
            body = {"gtin": plan.gtin, "data": PARTS[part]}
            resp = side.send("POST", "/v1/passports", key=writer, json=body)
        got = answer(resp)
        pid = got.get("passportId") or got.get("id")
        if 200 <= resp.status_code < 300 and pid:
            side.passports[step["product"]] = str(pid)
        data: dict[str, Any] = got["data"] if isinstance(got.get("data"), dict) else {}
        return {
            "status": status_fact(resp.status_code, None, if_401),
            "passport status": (got.get("status"), "C51"),
            "ingredients kept by the later call": (data.get("ingredients") == INGREDIENTS if data else None, "C51"),
            **error_facts(resp),
        }

    return None, ls.each(run)


def read_passport(ls: Lockstep, step: dict[str, Any]) -> Outcome:
    plan = ls.world.products[step["product"]]
    role, claim = ("reader", "C47") if step["via"] == "products:read" else ("writer", "C48")
    if_401 = refused(ls, plan.org, role)

    def run(side: Side) -> Facts:
        pid = side.passports.get(step["product"])
        if pid is None:
            return {"status": (NOTHING, claim)}
        resp = side.send("GET", f"/v1/passports/{pid}", key=key(side, plan.org, role))
        got = answer(resp) if resp.status_code == 200 else {}
        data: dict[str, Any] = got["data"] if isinstance(got.get("data"), dict) else {}
        kept = data.get("ingredients") == INGREDIENTS if got and "ingredients" in plan.submissions else None
        return {
            "status": status_fact(resp.status_code, claim, if_401),
            "passport status": (got.get("status") if got else None, _passport_claim(plan.submissions)),
            "ingredients kept by later calls": (kept, "C51"),
        }

    return None, ls.each(run)


KINDS: dict[str, Callable[[Lockstep, dict[str, Any]], Outcome]] = {
    "submit_passport": submit_passport,
    "publish_passport": publish_passport,
    "read_passport": read_passport,
}
