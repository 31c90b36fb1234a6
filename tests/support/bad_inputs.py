"""The bad-input catalogue: one line per hostile or unlucky request, with the answer it must get.

Every case is sent by ``tests/test_bad_inputs.py`` to a fresh mock; the answer must have the
status and error code given here, be JSON in the configured shape, and never a 5xx. To add a
case, add one ``Bad(...)`` line. ``body`` is JSON unless it is ``bytes`` (sent as is).
``auth`` names the credentials: "session" (demo cookie), "cookie:<value>", "key" (every data
scope), "key:<form>" (the Authorization value, ``{k}`` standing for the secret), "read"
(``products:read`` only) or "none".
"""

from __future__ import annotations

from collections.abc import Mapping
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
    # A server that answers otherwise, and why docs/serving.md gives: its name -> (status, error code),
    # the code None for a bare answer of its HTTP layer (empty body). Servers: see TRANSPORTS.
    on: Mapping[str, tuple[int, str | None]] = field(default_factory=dict)


R400: dict[str, Any] = {"status": 400, "code": "bad_request"}
TOO_DEEP: dict[str, Any] = {**R400, "says": "deeper than 32 levels"}
R401: dict[str, Any] = {"status": 401, "code": "unauthorized"}
R403: dict[str, Any] = {"status": 403, "code": "forbidden"}
R404: dict[str, Any] = {"status": 404, "code": "not_found"}
R421: dict[str, Any] = {"status": 421, "code": "misdirected_request"}
FAULTS, FREEZE, ADVANCE = "/_mock/faults", "/_mock/clock/freeze", "/_mock/clock/advance"
DEEP_980 = b"[" * 980 + b"]" * 980
# Where a server reads the wire differently (docs/serving.md). A raw LF ends a header line on
# granian (RFC 9112 2.2 allows it), so the request that arrives is a valid one.
SERVED = "served"  # a success, as JSON, instead of an error code
LF_ENDS_LINE = {"granian": (200, SERVED), "waitress": (400, "bad_request")}
BAD_HEADER = {"granian": (400, None), "waitress": (400, "bad_request")}  # a control character in a value
# Raw non-ASCII bytes in the target: waitress refuses any ("Bad URI"); granian reads UTF-8 and
# refuses other bytes itself, as it does a control character in a header or a non-token header name.
RAW_TARGET = {"waitress": (400, "bad_request")}
NOT_UTF8_TARGET = {"granian": (400, None), "waitress": (400, "bad_request")}
NOT_UTF8_NAME = NOT_UTF8_TARGET
BAD_HEADER_NAME = {"granian": (400, None), "waitress": (400, "bad_request")}
BAD_LENGTH = {"granian": (400, None), "waitress": (400, "bad_request")}
# A request target over 64 KiB: refused before the app reads it (an in-process call has no such limit).
HUGE_TARGET = {"granian": (414, None), "waitress": (431, "headers_too_large")}

# fmt: off
CASES: list[Bad] = [
    # Authentication (C2, C6, C9, C10)
    Bad("no credentials on data", "GET", PRODUCTS, **R401),
    Bad("no session on key management", "GET", KEYS, **R401),
    Bad("unknown session cookie", "GET", KEYS, **R401, auth="cookie:sess_unknown"),
    Bad("lower-case bearer", "GET", PRODUCTS, **R401, auth="key:bearer {k}"),
    Bad("upper-case BEARER", "GET", PRODUCTS, **R401, auth="key:BEARER {k}"),
    Bad("two spaces after Bearer", "GET", PRODUCTS, **R401, auth="key:Bearer  {k}"),
    Bad("key followed by newline", "GET", PRODUCTS, **R401, auth="key:Bearer {k}\n", on=LF_ENDS_LINE),
    Bad("key followed by vertical tab", "GET", PRODUCTS, **R401, auth="key:Bearer {k}\x0b", on=BAD_HEADER),
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
    # Keys written loosely or disguised, refused as data (issue 19, item 11)
    Bad("key: name is an upper-case key", "POST", KEYS, {"name": FAKE_KEY.upper()[:8] + FAKE_KEY[8:], "scopes": ["products:read"]}, auth="session", param="name"),
    Bad("key: name is a hyphenated key", "POST", KEYS, {"name": "sk-test-" + FAKE_KEY[8:], "scopes": ["products:read"]}, auth="session", param="name"),
    Bad("key: zero-width space in a key's prefix", "POST", KEYS, {"name": "sk\u200b_test_" + FAKE_KEY[8:], "scopes": ["products:read"]}, auth="session", param="name"),
    Bad("key: Cyrillic s in a key's prefix", "POST", KEYS, {"name": "\u0455k_test_" + FAKE_KEY[8:], "scopes": ["products:read"]}, auth="session", param="name"),
    Bad("product: fullwidth key prefix as name", "POST", PRODUCTS, {**WINE, "name": "\uff53\uff4b\uff3f\uff54\uff45\uff53\uff54\uff3f" + FAKE_KEY[8:]}, auth="key", param="name"),
    Bad("passport: soft hyphen in a key's prefix", "POST", PASSPORTS, {"gtin": GTIN, "data": {"ingredients": ["sk_te\u00adst_" + FAKE_KEY[8:]]}}, auth="key", param="data.ingredients[0]"),
    Bad("session: Greek kappa in a key as organisation", "POST", "/_mock/sessions", {"organizationId": "S\u039a_TEST_" + FAKE_KEY[8:]}, param="organizationId"),
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
    # Raw bytes in the request target and headers (issue 19, item 1): a text "\xNN" is the raw byte NN
    Bad("raw UTF-8 é in the query", "GET", PRODUCTS + "?q=\xc3\xa9", auth="key", param="q", on=RAW_TARGET),
    Bad("raw byte 0xE9 in the query", "GET", PRODUCTS + "?q=\xe9", auth="key", param="q", on=NOT_UTF8_TARGET),
    Bad("raw bytes 0xFF 0xFE as a query name", "GET", PRODUCTS + "?\xff\xfe=1", auth="key", param="\ufffd\ufffd", on=NOT_UTF8_NAME),
    Bad("raw Arabic-Indic digit as journal limit", "GET", "/_mock/journal?limit=\xd9\xa1", param="limit", on=RAW_TARGET),
    Bad("raw emoji in the journal query", "GET", "/_mock/journal?x=\xf0\x9f\x98\x80", param="x", on=RAW_TARGET),
    Bad("raw U+2028 in the journal query", "GET", "/_mock/journal?x=\xe2\x80\xa8", param="x", on=RAW_TARGET),
    Bad("raw U+2028 as a query value", "GET", PRODUCTS + "?limit=\xe2\x80\xa8", auth="key", param="limit", on=RAW_TARGET),
    Bad("raw é in the path", "GET", PRODUCTS + "/\xc3\xa9", **R404, auth="key", on=RAW_TARGET),
    Bad("raw byte 0xFF in the path", "GET", "/v1/\xff", **R404, on=NOT_UTF8_TARGET),
    Bad("percent-encoded 0xE9 as limit", "GET", PRODUCTS + "?limit=%E9", auth="key", param="limit"),
    Bad("percent-encoded 0xE9 in the path", "GET", PRODUCTS + "/%E9", **R404, auth="key"),
    Bad("percent-encoded NUL in the path", "GET", PRODUCTS + "/%00", **R404, auth="key"),
    Bad("percent-encoded newline in the path", "GET", "/v1/x%0Aforged%20GET%20/admin%20200", **R404),
    Bad("percent-encoded NUL in the query", "GET", PRODUCTS + "?limit=%00", auth="key", param="limit"),
    Bad("raw UTF-8 in the Authorization header", "GET", PRODUCTS, **R401, headers={"Authorization": "Bearer \xc3\xa9"}),
    Bad("raw byte 0xFF in the session cookie", "GET", KEYS, **R401, headers={"Cookie": "eulabel_session=\xff"}),
    Bad("raw UTF-8 in the content type", "POST", KEYS, b"{}", **R400, auth="session", content_type="application/j\xc3\xa9on"),
    Bad("raw UTF-8 in a header name", "GET", PRODUCTS, **R401, headers={"X-\xc3\xa9": "1"}, on=BAD_HEADER_NAME),
    Bad("Content-Length with a plus sign", "POST", KEYS, b"{}", **R400, auth="session", headers={"Content-Length": "+2"}, says="Content-Length", on=BAD_LENGTH),
    # Host names the mock does not serve (issue 19, item 3: DNS rebinding)
    Bad("foreign host name", "GET", "/_mock/ready", **R421, headers={"Host": "evil.example:8080"}),
    Bad("rebound page creating a key", "POST", KEYS, {"name": "k", "scopes": ["products:read"]}, **R421, auth="session", headers={"Host": "evil.example:8080", "Origin": "http://evil.example:8080"}),
    Bad("rebound page reading the journal", "GET", "/_mock/journal", **R421, headers={"Host": "evil.example"}),
    Bad("rebound page on the dashboard", "GET", "/dashboard", **R421, auth="session", headers={"Host": "evil.example"}),
    Bad("address look-alike host name", "GET", PRODUCTS, **R421, auth="key", headers={"Host": "127.0.0.1.nip.io"}),
    Bad("localhost as a subdomain elsewhere", "GET", PRODUCTS, **R421, auth="key", headers={"Host": "localhost.evil.example"}),
    Bad("host name of 300 characters", "GET", "/_mock/ready", **R421, headers={"Host": "a" * 60 + "." + "b" * 60 + "." + "c" * 60 + "." + "d" * 60 + "." + "e" * 56}),
    Bad("two host names in one Host header", "GET", "/_mock/ready", **R400, headers={"Host": "localhost, evil.example"}),
    Bad("Host with a path", "GET", "/_mock/ready", **R400, headers={"Host": "localhost/x"}),
    Bad("Host with user information", "GET", "/_mock/ready", **R400, headers={"Host": "user@localhost"}),
    Bad("IPv6 host without brackets", "GET", "/_mock/ready", **R400, headers={"Host": "::1"}),
    Bad("Host with a non-numeric port", "GET", "/_mock/ready", **R400, headers={"Host": "localhost:http"}),
    # Control plane (reference: mock_server/control/bodies.schema.json, shown in docs/control-plane.md)
    Bad("control plane: cross-site reset", "POST", "/_mock/reset", **R403, headers={"Sec-Fetch-Site": "cross-site", "Origin": "http://evil.example"}),
    Bad("control plane: same-site fault from another port", "POST", FAULTS, {"action": "latency", "path": "/v1/*"}, **R403, headers={"Sec-Fetch-Site": "same-site"}),
    Bad("control plane: foreign Origin freezing the clock", "POST", FREEZE, {"at": 4102444800}, **R403, headers={"Origin": "http://evil.example"}),
    Bad("control plane: Origin null minting a session", "POST", "/_mock/sessions", **R403, headers={"Origin": "null"}),
    Bad("control plane: cross-site journal read", "GET", "/_mock/journal", **R403, headers={"Sec-Fetch-Site": "cross-site"}),
    Bad("control plane: text/plain JSON fault", "POST", FAULTS, b'{"action": "latency", "path": "/v1/*"}', **R400, content_type="text/plain"),
    Bad("control plane: form-encoded reset", "POST", "/_mock/reset", b"", **R400, content_type="application/x-www-form-urlencoded"),
    Bad("control plane: multipart session", "POST", "/_mock/sessions", b"--x--", **R400, content_type="multipart/form-data; boundary=x"),
    Bad("control plane: body without a content type", "POST", FREEZE, b"{}", **R400, content_type=""),
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
    Bad("journal: path glob of 100000 stars", "GET", "/_mock/journal?path=" + "*" * 100_000 + "x", param="path", on=HUGE_TARGET),
]
# fmt: on
