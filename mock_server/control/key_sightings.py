"""Which key a request presented, and where else it sent one, found while the secret is still at hand.

The journal keeps no secret, so whatever a report needs to know about keys is taken here, at
record time, as key ids (found by the keyed hash, as authentication does) and places, never as
the key. The docs ask for the key in ``Authorization: Bearer`` only (C2); a key anywhere else (the
path, the query string, the body, another header, another scheme) is a sighting.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import TYPE_CHECKING, Any

from ..log_text import escape_controls
from ..redaction import any_may_hold_secret, decodings, mask_folded, may_hold_secret

if TYPE_CHECKING:
    from ..state.key_store import ApiKeyStore

# A key however a client library may have cased or dashed its prefix; the random part is kept as sent.
_KEY = re.compile(r"(?i:sk[-_](test|live)[-_])([A-Za-z0-9]{32})(?![A-Za-z0-9])")
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/_-]{52,}={0,2}")
_BEARER = re.compile(r"[ \t]*Bearer [A-Za-z0-9._~+/-]+=*[ \t]*")
_NAME_LIMIT = 100


def presented_key(environ: dict[str, Any], key_id: str | None, keys: ApiKeyStore) -> str | None:
    """The id of the key the request authenticated with, or, for a request answered before the view
    ran (a fault, say), of the key its ``Authorization: Bearer`` header names, active or revoked."""
    header = environ.get("HTTP_AUTHORIZATION")
    if key_id is not None or not header:
        return key_id
    scheme, _, token = header.strip(" \t").partition(" ")
    key = keys.identify(token) if scheme == "Bearer" and token else None
    return key.id if key is not None else None


def sightings(
    path: str,
    query: str,
    headers: list[tuple[str, str]],
    plain: list[str],
    body: bytes | None,
    hint: bool,
    keys: ApiKeyStore,
) -> list[dict[str, Any]] | None:
    """Each key found outside ``Authorization: Bearer``: its id (None for a key the mock does not know),
    its listed prefix and where it was (``path``, ``query``, ``body``, ``header:<name>``,
    ``authorization`` for another scheme); None when there is none, as on almost every request.

    ``hint`` is the journal's cheap test over the path, query and ``plain`` header values (those not
    credentials by name); credential headers (cookies, ``X-Api-Key``) and the body are tested here.
    """
    places: list[tuple[str, str]] = []
    if hint:
        places += [("path", path), ("query", query)]
    plain_set = set(plain)
    for name, value in headers:
        lower = name.lower()
        if lower == "authorization":
            if not _BEARER.fullmatch(value):
                places.append(("authorization", value))
        elif (hint or value not in plain_set) and any_may_hold_secret([value]):
            places.append((f"header:{escape_controls(mask_folded(name))[:_NAME_LIMIT]}", value))
    if body and may_hold_secret(body):
        places.append(("body", body.decode("utf-8", "replace")))
    found: list[dict[str, Any]] = []
    for where, text in places:
        for secret in _candidates(text):
            key = keys.identify(secret)
            entry = {"keyId": key.id if key else None, "prefix": key.prefix if key else secret[:12], "in": where}
            if entry not in found:
                found.append(entry)
    return found or None


def _candidates(text: str) -> list[str]:
    """The keys in ``text``, literal or percent-, JSON- or base64-encoded, with a canonical prefix."""
    levels = decodings(text)
    for run in _BASE64_RUN.findall(" ".join(levels)):
        for decoded in _base64_texts(run):
            levels.extend(decodings(decoded))  # base64 of a percent-encoded key, say
    out: list[str] = []
    for level in levels:
        for match in _KEY.finditer(level):
            secret = f"sk_{match.group(1).lower()}_{match.group(2)}"
            if secret not in out:
                out.append(secret)
    return out


def _base64_texts(run: str) -> list[str]:
    plain = run.rstrip("=").replace("-", "+").replace("_", "/")
    texts = []
    for skip in range(4):  # the run may start with characters of the text before it
        part = plain[skip:]
        part = part[: len(part) - 1] if len(part) % 4 == 1 else part
        part += "=" * (-len(part) % 4)  # a cut end still decodes, so a key at the end keeps its last characters
        try:
            texts.append(base64.b64decode(part, validate=True).decode("latin-1"))
        except (binascii.Error, ValueError):
            continue
    return texts
