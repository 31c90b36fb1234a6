"""The bad-input catalogue: one line per hostile or unlucky request, with the answer it must get.

Every case is sent by ``tests/test_bad_inputs.py`` to a fresh mock; the answer must have the
status and error code given here, be JSON in the configured shape, and never a 5xx. To add a
case, add one ``Bad(...)`` line. ``body`` is JSON unless it is ``bytes`` (sent as is).
``auth`` names the credentials: "session" (demo cookie), "cookie:<value>", "key" (every data
scope), "key:<form>" (the Authorization value, ``{k}`` standing for the secret), "read"
(``products:read`` only) or "none".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

KEYS = "/v1/auth/api-keys"
PRODUCTS = "/v1/products"
PASSPORTS = "/v1/passports"
GTIN = "4006381333931"
WINE = {"name": "Red", "category": "wine", "gtin": GTIN}
FAKE_KEY = "sk_test_" + "Zq9Xw2Lm" * 4  # built here, never a literal full key in the tree


def deep(levels: int, leaf: Any = "x") -> Any:
    for _ in range(levels):
        leaf = [leaf]
    return leaf


@dataclass(frozen=True)
class Bad:
    name: str
    method: str
    path: str
    body: Any = None
    status: int = 422
    code: str = "validation_error"
    auth: str = "none"
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = None  # default: application/json when there is a body
    param: str | None = None  # when given, the error must name it
    says: str | None = None  # when given, the message must contain it


R400: dict[str, Any] = {"status": 400, "code": "bad_request"}
TOO_DEEP: dict[str, Any] = {**R400, "says": "deeper than 32 levels"}
R401: dict[str, Any] = {"status": 401, "code": "unauthorized"}
R404: dict[str, Any] = {"status": 404, "code": "not_found"}
FAULTS, FREEZE, ADVANCE = "/_mock/faults", "/_mock/clock/freeze", "/_mock/clock/advance"
DEEP_980 = b"[" * 980 + b"]" * 980

# fmt: off
CASES: list[Bad] = [
    # Authentication (C2, C6, C9, C10)
    Bad("no credentials on data", "GET", PRODUCTS, **R401),
    Bad("no session on key management", "GET", KEYS, **R401),
    Bad("unknown session cookie", "GET", KEYS, **R401, auth="cookie:sess_unknown"),
    Bad("lower-case bearer", "GET", PRODUCTS, **R401, auth="key:bearer {k}"),
    Bad("upper-case BEARER", "GET", PRODUCTS, **R401, auth="key:BEARER {k}"),
    Bad("two spaces after Bearer", "GET", PRODUCTS, **R401, auth="key:Bearer  {k}"),
    Bad("key followed by newline", "GET", PRODUCTS, **R401, auth="key:Bearer {k}\n"),
    Bad("key followed by vertical tab", "GET", PRODUCTS, **R401, auth="key:Bearer {k}\x0b"),
    Bad("key followed by a word", "GET", PRODUCTS, **R401, auth="key:Bearer {k} x"),
    Bad("basic scheme", "GET", PRODUCTS, **R401, headers={"Authorization": "Basic eDp5"}),
    Bad("unknown secret-shaped key", "GET", PRODUCTS, **R401, headers={"Authorization": "Bearer " + FAKE_KEY}),
    Bad("bearer key on key management", "GET", KEYS, **R401, auth="key"),
    Bad("missing scope", "POST", PRODUCTS, WINE, 403, "forbidden", auth="read"),
    # Key creation bodies (C5, C11)
    Bad("key: no name", "POST", KEYS, {"scopes": ["products:read"]}, auth="session", param="name"),
    Bad("key: empty name", "POST", KEYS, {"name": "", "scopes": ["products:read"]}, auth="session", param="name"),
    Bad("key: blank name", "POST", KEYS, {"name": " \t\u3000", "scopes": ["products:read"]}, auth="session", param="name"),
    Bad("key: BOM-only name", "POST", KEYS, {"name": "\ufeff", "scopes": ["products:read"]}, auth="session", param="name"),
    Bad("key: name too long", "POST", KEYS, {"name": "n" * 101, "scopes": ["products:read"]}, auth="session", param="name"),
    Bad("key: name is a number", "POST", KEYS, {"name": 5, "scopes": ["products:read"]}, auth="session", param="name"),
    Bad("key: no scopes", "POST", KEYS, {"name": "k", "scopes": []}, auth="session", param="scopes"),
    Bad("key: unknown scope", "POST", KEYS, {"name": "k", "scopes": ["products:delete"]}, auth="session", param="scopes[0]"),
    Bad("key: duplicate scopes", "POST", KEYS, {"name": "k", "scopes": ["products:read"] * 2}, auth="session", param="scopes"),
    Bad("key: nested scopes", "POST", KEYS, {"name": "k", "scopes": [["products:read"]]}, auth="session"),
    Bad("key: unknown field", "POST", KEYS, {"name": "k", "scopes": ["products:read"], "x": 1}, auth="session", param="x"),
    Bad("key: body is an array", "POST", KEYS, [], auth="session"),
    Bad("key: body is null", "POST", KEYS, b"null", auth="session"),
    Bad("key: secret as scope is not echoed", "POST", KEYS, {"name": "k", "scopes": [FAKE_KEY]}, auth="session"),
    # Malformed bodies (C21, C28)
    Bad("malformed JSON", "POST", KEYS, b"{", **R400, auth="session"),
    Bad("trailing garbage", "POST", KEYS, b"{} x", **R400, auth="session"),
    Bad("NaN", "POST", KEYS, b'{"name": NaN}', **R400, auth="session"),
    Bad("Infinity", "POST", PRODUCTS, b'{"name": Infinity}', **R400, auth="key"),
    Bad("not UTF-8", "POST", KEYS, b'{"name": "\xff"}', **R400, auth="session"),
    Bad("UTF-16 body", "POST", KEYS, '{"name": "k"}'.encode("utf-16"), **R400, auth="session"),
    Bad("empty body", "POST", KEYS, b"", **R400, auth="session"),
    Bad("form content type", "POST", KEYS, b"name=k", **R400, auth="session", content_type="application/x-www-form-urlencoded"),
    Bad("text content type", "POST", PRODUCTS, b"{}", **R400, auth="key", content_type="text/plain"),
    Bad("no content type", "POST", PRODUCTS, b"{}", **R400, auth="key", content_type=""),
    Bad("body over 1 MiB", "POST", PRODUCTS, b"[" + b" " * (1024 * 1024) + b"]", 413, "payload_too_large", auth="key"),
    # Nesting depth (issue 10, item 2)
    Bad("scopes nested 245 deep twice", "POST", KEYS, {"name": "k", "scopes": [deep(245), deep(245)]}, **TOO_DEEP, auth="session"),
    Bad("name nested 980 deep", "POST", KEYS, b'{"name": ' + DEEP_980 + b"}", **TOO_DEEP, auth="session"),
    Bad("product name nested 980 deep", "POST", PRODUCTS, b'{"name": ' + DEEP_980 + b"}", **TOO_DEEP, auth="key"),
    Bad("ingredients nested 980 deep", "POST", PASSPORTS, b'{"gtin": "1", "data": {"ingredients": ' + DEEP_980 + b"}}", **TOO_DEEP, auth="key"),
    Bad("objects nested 100000 deep", "POST", PASSPORTS, b'{"a":' * 100_000 + b"1" + b"}" * 100_000, **TOO_DEEP, auth="key"),
    Bad("control plane body nested 33 deep", "POST", FAULTS, {"action": deep(32)}, **TOO_DEEP),
    # Products (C40, C44, C45)
    Bad("product: missing gtin", "POST", PRODUCTS, {"name": "Red", "category": "wine"}, auth="key", param="gtin"),
    Bad("product: bad check digit", "POST", PRODUCTS, {**WINE, "gtin": "4006381333932"}, auth="key", param="gtin"),
    Bad("product: gtin of 9 digits", "POST", PRODUCTS, {**WINE, "gtin": "123456789"}, auth="key", param="gtin"),
    Bad("product: gtin with letters", "POST", PRODUCTS, {**WINE, "gtin": "40063813339A1"}, auth="key", param="gtin"),
    Bad("product: gtin of Arabic-Indic digits", "POST", PRODUCTS, {**WINE, "gtin": "٤٠٠٦٣٨١٣٣٣٩٣١"}, auth="key", param="gtin"),
    Bad("product: unknown category", "POST", PRODUCTS, {**WINE, "category": "toys"}, auth="key", param="category"),
    Bad("product: blank name", "POST", PRODUCTS, {**WINE, "name": "\u2028\u00a0"}, auth="key", param="name"),
    Bad("product: name of U+0085 only", "POST", PRODUCTS, {**WINE, "name": "\x85"}, auth="key", param="name"),
    Bad("product: unknown field", "POST", PRODUCTS, {**WINE, "colour": "red"}, auth="key", param="colour"),
    # Passports (C50)
    Bad("passport: missing gtin", "POST", PASSPORTS, {"data": {}}, auth="key", param="gtin"),
    Bad("passport: data is a list", "POST", PASSPORTS, {"gtin": GTIN, "data": []}, auth="key", param="data"),
    Bad("passport: energy is text", "POST", PASSPORTS, {"gtin": GTIN, "data": {"nutrition": {"energyKj": "x"}}}, auth="key", param="data.nutrition.energyKj"),
    Bad("passport: negative fat", "POST", PASSPORTS, {"gtin": GTIN, "data": {"nutrition": {"fatG": -1}}}, auth="key", param="data.nutrition.fatG"),
    # Query strings and paths (C37)
    Bad("limit zero", "GET", PRODUCTS + "?limit=0", auth="key", param="limit"),
    Bad("limit too large", "GET", PRODUCTS + "?limit=101", auth="key", param="limit"),
    Bad("limit not an integer", "GET", PRODUCTS + "?limit=1.5", auth="key", param="limit"),
    Bad("limit huge", "GET", PRODUCTS + "?limit=" + "9" * 40, auth="key", param="limit"),
    Bad("offset negative", "GET", PRODUCTS + "?offset=-1", auth="key", param="offset"),
    Bad("limit repeated", "GET", PRODUCTS + "?limit=1&limit=2", auth="key", param="limit"),
    Bad("unknown query parameter", "GET", PRODUCTS + "?sort=name", auth="key", param="sort"),
    Bad("percent-encoded key as query name", "GET", PRODUCTS + "?" + FAKE_KEY.replace("_", "%5F") + "=1", auth="key"),
    Bad("unknown product", "GET", PRODUCTS + "/00000000-0000-0000-0000-000000000000", **R404, auth="key"),
    Bad("product id too long", "GET", PRODUCTS + "/" + "a" * 201, auth="key", param="productId"),
    Bad("unknown passport", "GET", PASSPORTS + "/ps_nothere1", **R404, auth="key"),
    Bad("revoke unknown key", "DELETE", KEYS + "/key_000000000000000000000000", **R404, auth="session"),
    Bad("unknown path", "GET", "/v1/nothing", **R404),
    Bad("method not allowed", "PUT", PRODUCTS, status=405, code="method_not_allowed", auth="key"),
    # Control plane (reference: mock_server/control/bodies.schema.json, shown in the README)
    Bad("fault: no action", "POST", FAULTS, {"path": "/v1/*"}, param="action"),
    Bad("fault: unknown action", "POST", FAULTS, {"action": "explode", "path": "/v1/*"}, param="action"),
    Bad("fault: status 404", "POST", FAULTS, {"action": "status", "path": "/v1/*", "status": 404}, param="status"),
    Bad("fault: ms on a status rule", "POST", FAULTS, {"action": "status", "path": "/v1/*", "status": 503, "ms": 1}, param="ms"),
    Bad("fault: probability 0", "POST", FAULTS, {"action": "latency", "path": "/v1/*", "probability": 0}, param="probability"),
    Bad("fault: times as text", "POST", FAULTS, {"action": "latency", "path": "/v1/*", "times": "2"}, param="times"),
    Bad("fault: path without slash", "POST", FAULTS, {"action": "latency", "path": "v1"}, param="path"),
    Bad("fault: drop on products", "POST", FAULTS, {"action": "drop_after_commit", "path": PRODUCTS}, param="path"),
    Bad("fault: disconnect with status", "POST", FAULTS, {"action": "drop_after_commit", "disconnect": True, "status": 500}, param="status"),
    Bad("fault: unknown id", "DELETE", FAULTS + "/fault_999", **R404),
    Bad("clock: freeze past 9999", "POST", FREEZE, {"at": 253402300799}, param="at"),
    Bad("clock: freeze before 1970", "POST", FREEZE, {"at": "1969-12-31T23:59:59Z"}, param="at"),
    Bad("clock: freeze at a zoneless time", "POST", FREEZE, {"at": "2030-01-01T00:00:00"}, param="at"),
    Bad("clock: freeze at year 1 with an offset", "POST", FREEZE, {"at": "0001-01-01T00:00:00+01:00"}, param="at"),
    Bad("clock: advance backwards", "POST", ADVANCE, {"seconds": -1}, param="seconds"),
    Bad("clock: advance 1e300", "POST", ADVANCE, {"seconds": 1e300}, param="seconds"),
    Bad("clock: advance NaN", "POST", ADVANCE, b'{"seconds": NaN}', **R400),
    Bad("session: blank organisation", "POST", "/_mock/sessions", {"organizationId": " \u3000"}, param="organizationId"),
    Bad("session: unknown field", "POST", "/_mock/sessions", {"org": "x"}, param="org"),
    Bad("journal: unknown filter", "GET", "/_mock/journal?colour=red", param="colour"),
    Bad("journal: status out of range", "GET", "/_mock/journal?status=999", param="status"),
    Bad("journal: path glob of 100000 stars", "GET", "/_mock/journal?path=" + "*" * 100_000 + "x", param="path"),
]
# fmt: on
