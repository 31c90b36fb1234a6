"""A key in every encoding a client library might produce, and the check that a text hides it in all of them."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from urllib.parse import quote, quote_plus, unquote_plus, urlencode

from flask import Flask

from tests.support.clients import QUINTA

# Built at run time: the tree holds no full-looking key.
KEY = "sk_test_" + "Zq9Xw2Lm" * 4
TAIL = KEY[12:]  # what masking must hide: everything after the visible prefix


def every_char(key: str, fmt: str) -> str:
    return "".join(fmt.format(ord(c)) for c in key)


ENCODINGS: dict[str, Callable[[str], str]] = {
    "literal": lambda k: k,
    "underscore %5F": lambda k: k.replace("_", "%5F"),
    "underscore %5f": lambda k: k.replace("_", "%5f"),
    "all percent upper": lambda k: every_char(k, "%{:02X}"),
    "all percent lower": lambda k: every_char(k, "%{:02x}"),
    "quote safe=''": lambda k: quote(k, safe=""),
    "quote_plus": quote_plus,
    "double %255F": lambda k: k.replace("_", "%255F"),
    "double all": lambda k: quote(every_char(k, "%{:02X}"), safe=""),
    "triple": lambda k: quote(quote(every_char(k, "%{:02X}"), safe=""), safe=""),
    "json \\u005f": lambda k: k.replace("_", "\\u005f"),
    "json \\u005F": lambda k: k.replace("_", "\\u005F"),
    "json all \\u": lambda k: every_char(k, "\\u{:04x}"),
    "mixed % and \\u": lambda k: k.replace("_", "%5F", 1).replace("_", "\\u005f"),
    "mixed case": lambda k: k.replace("_", "%5f", 1).replace("_", "%5F"),
    "percent-encoded \\u": lambda k: quote(k.replace("_", "\\u005f"), safe=""),
    "base64": lambda k: base64.b64encode(k.encode()).decode(),
    "base64 url-safe unpadded": lambda k: base64.urlsafe_b64encode(b"~~" + k.encode()).decode().rstrip("="),
    "base64 offset 1": lambda k: base64.b64encode(b"x" + k.encode()).decode(),
    "base64 user:key": lambda k: base64.b64encode(b"user:" + k.encode()).decode(),
    "base64 of percent-encoded": lambda k: base64.b64encode(k.replace("_", "%5F").encode()).decode(),
}


def decodings(text: str) -> list[str]:
    """The text and what a reader could decode it to: percent (with plus), JSON escapes, base64 runs."""
    out = [text]
    for _ in range(4):
        step = unquote_plus(out[-1])
        out.append(re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), step))
    for run in re.findall(r"[A-Za-z0-9+/_-]{20,}", text):
        plain = run.replace("-", "+").replace("_", "/")
        for skip in range(4):
            part = plain[skip:]
            try:
                out.append(base64.b64decode(part + "=" * (-len(part) % 4)).decode("latin-1"))
            except ValueError:
                pass
    return out


def hides_key(text: str) -> bool:
    return not any(TAIL in variant for variant in decodings(text))


# Servers hand header names over upper-cased with "_" for "-", and a method may be upper-cased
# too: a key sent as either is looked for once case and "-" are folded.
def hides_key_in_any_case(text: str) -> bool:
    return not any(TAIL.lower() in variant.lower() for variant in decodings(text))


# Where a request carries text a client chose: ``send`` puts an encoded key in each, with a session.
def send(app: Flask, where: str, encoded: str) -> None:
    client = app.test_client()
    client.set_cookie("eulabel_session", QUINTA)
    if where == "query":
        client.get("/v1/auth/api-keys?token=" + encoded + "&note=a+b")
    elif where == "query via urlencode":
        client.get("/v1/auth/api-keys?" + urlencode({"token": encoded, "n": "x y"}))
    elif where == "form body":
        client.post(
            "/v1/auth/api-keys", data="note=my+key&token=" + encoded, content_type="application/x-www-form-urlencoded"
        )
    elif where == "json body":
        client.post(
            "/v1/auth/api-keys", data='{"name": "' + encoded + '", "scopes": []}', content_type="application/json"
        )
    elif where == "text body":
        client.post("/v1/auth/api-keys", data="key: " + encoded, content_type="text/plain")
    elif where == "path":
        client.get("/v1/auth/api-keys/" + encoded)
    elif where == "header":
        client.get("/v1/auth/api-keys", headers={"X-Debug": "key=" + encoded})


PLACES = ["query", "query via urlencode", "form body", "json body", "text body", "path", "header"]
