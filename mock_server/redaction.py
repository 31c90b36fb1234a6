"""The one place that hides credentials: error messages, the journal and the access log use it.

A key is found however a client library may have encoded it: literally, percent-encoded (any
case, twice or more), with JSON ``\\u`` escapes, mixed, or as base64. Text is decoded only where
a key could hide, so everything else is kept as sent.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote

from .json_limits import loads
from .key_forms import BASE64_PREFIXES, PREFIX, disguised_key

REDACTED = "[redacted]"
TEXT_LIMIT = 16 * 1024  # characters of a non-JSON body kept when it is rendered as text
# Header names whose whole value is a credential, besides Authorization and cookies.
CREDENTIAL_HEADER = re.compile(r"api[-_]?key|token|secret|password", re.I)

# A key's characters stop where another key may start ("sk" and "_", or "_" encoded): in
# "sk_test_sk_test_<key>", or two keys pasted together, the first match would take the next
# key's own "sk" and leave the rest of that key unmatched. (_mask leaves a prefix already cut,
# "sk_test_" + 4 and "…", as it is.)
_KEY_CHAR = r"(?:(?!(?i:sk)[-_%\\])[A-Za-z0-9])"
_SECRET = re.compile(rf"{PREFIX}{_KEY_CHAR}++")  # any case, "-" for "_"
# A run of what an encoded key is written with: letters, digits, "_", "%" escapes, "\u" escapes.
_ENCODED_RUN = re.compile(r"[A-Za-z0-9_%\\-]{12,}")
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
# Base64 (standard or URL-safe) long enough to hold "sk_test_" and 32 characters.
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/_-]{52,}={0,2}")
_DECODE_ROUNDS = 4  # double and triple encoding included


# Cheap test first: without one of these, no encoding of a key can be in the text.
# Each casing spelled out: a case-insensitive group would cost the engine its fast literal scan.
_CASED = [a + b + sep for a in "sS" for b in "kK" for sep in "_-"]
_HINT = re.compile("|".join([*_CASED, "%", r"\\u", *BASE64_PREFIXES]))
# On raw bytes, the test is made of C-speed scans rather than one alternation, which the regex
# engine tries at every byte: a literal key longer than a listed prefix ("sk_test_" + 4), a "%"
# or "\\" (percent and JSON escapes), or a run of base64 as long as _BASE64_RUN needs.
_LITERAL_BYTES = re.compile(rb"(?i:sk[-_](?:test|live)[-_])[A-Za-z0-9]{5}")
_BASE64_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-"
_AS_RUN = bytes.maketrans(_BASE64_ALPHABET, b"a" * len(_BASE64_ALPHABET))  # others keep a byte that is not "a"
_AS_RUN_OR_WIDE = bytes(ord("a") if b >= 128 else _AS_RUN[b] for b in range(256))
_LONG_RUN = b"a" * 52
# A prefix as the key list shows it ("sk_test_" and 4 characters): masking marks it with "…" too.
_SHOWN_PREFIX = re.compile(rf"{PREFIX}{_KEY_CHAR}{{1,4}}+(?!{_KEY_CHAR}|…)")


def mask_secrets(text: str) -> str:
    """Replace anything that is, or decodes to, an API key by its visible prefix and an ellipsis.

    An encoded key is replaced by its decoded, masked form; a base64 one, or a text holding a key
    disguised with look-alike or invisible characters (``key_forms``), by ``[redacted]``.
    """
    if disguised_key(text):
        return REDACTED
    if not _HINT.search(text):
        return text
    text = _SECRET.sub(_mask, text)
    if "%" in text or "\\u" in text:
        text = _ENCODED_RUN.sub(_mask_encoded, text)
    if len(text) >= 52:
        text = _BASE64_RUN.sub(_mask_base64, text)
    return text


def holds_key(text: str) -> bool:
    """Whether ``text`` holds an API key in some encoding; a prefix as the key list shows it is none."""
    masked = mask_secrets(text)
    return masked != text and masked != _SHOWN_PREFIX.sub("\\g<0>…", text)


def mask_folded(text: str) -> str:
    """``text`` masked as ``mask_secrets`` does, and also where a key shows only once case and "-"
    are folded: servers hand header names over upper-cased with "_" written "-", and may upper-case
    a method, so a key sent as either arrives folded. A folded key is kept in its folded form."""
    masked = mask_secrets(text)
    if masked != text:
        return masked
    folded = fold(text)
    masked = mask_secrets(folded)
    return text if masked == folded else masked


def fold(text: str) -> str:
    """``text`` lower-cased, with "-" written "_": the form a key takes in a name."""
    return text.lower().replace("-", "_")


def may_hold_secret(raw: bytes) -> bool:
    """Whether ``raw`` might hold a key in some encoding (False means it certainly does not).

    False only where ``mask_secrets``, and ``redact_body`` after JSON unescaping, would change
    nothing but a listed prefix (at most 4 characters after ``sk_test_``), which is no key.
    """
    if b"%" in raw or b"\\" in raw:
        return True
    # The literal scans first: "sk_" or "sk-" in any case ends in one of them, and the expression
    # (case-insensitive) is slow beside them on bodies that hold none (most of them).
    if (b"k_" in raw or b"k-" in raw or b"K_" in raw or b"K-" in raw) and _LITERAL_BYTES.search(raw):
        return True
    if _LONG_RUN in raw.translate(_AS_RUN):
        return True
    # A key disguised with characters other than ASCII (key_forms) is a run of 32 or more bytes that
    # are each ASCII letters and digits or part of a character other than ASCII.
    return not raw.isascii() and _LONG_RUN[:32] in raw.translate(_AS_RUN_OR_WIDE)


def any_may_hold_secret(texts: Iterable[str]) -> bool:
    """Whether one of ``texts`` might hold a key in some encoding (False means none does).

    One search over them all, where masking each would search each: no hint spans the joint.
    """
    joined = "\n".join(texts)
    return _HINT.search(joined) is not None or (not joined.isascii() and disguised_key(joined))


def plain_values(headers: Iterable[tuple[str, str]]) -> list[str]:
    """The values of the headers that are not credentials by their name (those are redacted whole)."""
    return [value for name, value in headers if _header_kind(name) == "other"]


def _mask(match: re.Match[str]) -> str:
    key = match.group(0)
    if len(key) <= 12 and match.string.startswith("…", match.end()):
        return key  # a prefix already cut; a longer key before an ellipsis is still a key
    return key[:12] + "…"


def decodings(text: str) -> list[str]:
    """``text`` and what each round of percent and JSON-escape decoding makes of it."""
    levels = [text]
    for _ in range(_DECODE_ROUNDS):
        decoded = _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), unquote(levels[-1]))
        if decoded == levels[-1]:
            break
        levels.append(decoded)
    return levels


def _mask_encoded(match: re.Match[str]) -> str:
    run = match.group(0)
    if "%" not in run and "\\" not in run:
        return run
    levels = decodings(run)
    # A base64 key shows at some round, and a later round may spoil it ("%25c2..." read once more
    # as "%c2"), so every round is looked at, not only the last.
    if any(len(level) >= 52 and _BASE64_RUN.sub(_mask_base64, level) != level for level in levels):
        return REDACTED
    decoded = levels[-1]
    return _SECRET.sub(_mask, decoded) if _SECRET.search(decoded) else run


def _mask_base64(match: re.Match[str]) -> str:
    run = match.group(0)
    plain = run.rstrip("=").replace("-", "+").replace("_", "/")
    for skip in range(4):  # the run may start with characters of the text before it, or be cut short
        part = plain[skip:]
        part = part[: len(part) - len(part) % 4]
        try:
            text = base64.b64decode(part, validate=True).decode("latin-1")
        except (binascii.Error, ValueError):
            continue
        if _SECRET.search(text) or _SECRET.search(decodings(text)[-1]):
            return REDACTED
    return run


def join_headers(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in pairs:
        out[name] = f"{out[name]}, {value}" if name in out else value
    return out


def redact_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Headers with credential values replaced; the Bearer scheme and cookie names stay readable."""
    return join_headers(redacted_pairs(headers))


def redacted_pairs(headers: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple((name, redact_header(name, value)) for name, value in headers)


def redact_header(name: str, value: str, may_hold_key: bool = True) -> str:
    """A header's value with any credential replaced; the Bearer scheme and cookie names stay readable.

    ``may_hold_key`` False (``any_may_hold_secret`` said so) skips the search for keys in a value
    that is not a credential by its name.
    """
    kind = _header_kind(name)
    if kind == "other":
        return mask_secrets(value) if may_hold_key else value
    if kind == "authorization":
        scheme, _, rest = value.partition(" ")
        return f"{scheme} {REDACTED}" if rest else REDACTED
    if kind == "cookie":
        return "; ".join(_redact_cookie(part) for part in value.split(";"))
    return REDACTED


@functools.lru_cache(maxsize=1024)
def _header_kind(name: str) -> str:
    """How a header's value is redacted. Cached: the journal asks for every header of every
    request, and the same few names come again and again (bounded, as clients choose the names)."""
    lower = name.lower()
    if lower in ("authorization", "proxy-authorization"):
        return "authorization"
    if lower in ("cookie", "set-cookie"):
        return "cookie"
    return "credential" if CREDENTIAL_HEADER.search(lower) else "other"


def _redact_cookie(part: str) -> str:
    name, sep, _ = part.strip().partition("=")
    return f"{name}={REDACTED}" if sep else name


def redact_body(raw: bytes, mimetype: str | None) -> Any:
    """The body as JSON (or text) with anything that is, or decodes to, a secret masked; None when empty."""
    if not raw:
        return None
    text = raw.decode("utf-8", "replace")
    if mimetype and (mimetype == "application/json" or mimetype.endswith("+json")):
        try:
            parsed = loads(text)
        except ValueError:  # too deep included: kept as masked text
            pass
        else:
            return _mask_json(parsed) if _HINT.search(text) else parsed
    if len(text) > TEXT_LIMIT:
        text = text[:TEXT_LIMIT] + "…"
    return mask_secrets(text)


def _mask_json(value: Any) -> Any:
    if isinstance(value, str):
        return mask_secrets(value)
    if isinstance(value, list):
        return [_mask_json(v) for v in value]
    if isinstance(value, dict):
        return {mask_secrets(str(k)): _mask_json(v) for k, v in value.items()}
    return value
