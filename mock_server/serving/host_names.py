"""Which host names the mock answers under: a defence against DNS rebinding.

A page on ``http://evil.example:8080`` whose name the attacker re-points at 127.0.0.1 is, to the
browser, its own origin: it could read the journal, use the fixtures' demo cookies, and pass any
same-origin check, since ``Origin`` and ``Host`` would agree. It cannot choose the ``Host`` header,
though: that stays ``evil.example``. So a request is answered only under a name the mock serves:

- an IP address (a rebinding needs a name; an address in ``Host`` is where the client connected),
- ``localhost`` and its subdomains (RFC 6761: always loopback),
- the names in ``--allowed-hosts`` (the ``--host`` name included by the command line):
  ``name`` exactly, ``.example.com`` for the name and its subdomains, ``*`` for any.

Anything else is a JSON 421 (Misdirected Request); a header that is no host name is a 400.
A request without ``Host`` (HTTP/1.0, no browser sends one) is answered.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Iterable
from typing import Any

from ..errors import ApiError, BadRequest, http_error

# host [":" port], where host is a name, an IPv4 address or a bracketed IPv6 address (RFC 9110 7.2).
_HOST = re.compile(r"(?:\[(?P<ip6>[0-9A-Fa-f:.]+)\]|(?P<name>[A-Za-z0-9._-]+))(?::[0-9]{1,5})?")
SHOWN = 100  # characters of a refused name quoted back in the error


def host_name(header: str) -> str | None:
    """The host of a ``Host`` header, lower-case and without a final dot; None when it is no host."""
    match = _HOST.fullmatch(header)
    if match is None:
        return None
    return match.group("ip6") or match.group("name").lower().rstrip(".") or None


def served(name: str, allowed: Iterable[str]) -> bool:
    """Whether the mock answers under ``name`` (as ``host_name`` gives it), with ``allowed`` names."""
    if name == "localhost" or name.endswith(".localhost"):
        return True
    for entry in allowed:
        if entry == "*" or entry == name or (entry.startswith(".") and (name == entry[1:] or name.endswith(entry))):
            return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


@functools.lru_cache(maxsize=256)  # bounded: clients choose the names; most send one or two
def _verdict(header: str, allowed: tuple[str, ...]) -> tuple[bool, str | None]:
    """Whether the mock serves ``header``'s host, and the host (None: no host name at all)."""
    name = host_name(header)
    return name is not None and served(name, allowed), name


def refusal(environ: dict[str, Any], allowed: tuple[str, ...]) -> ApiError | None:
    """The error for a request whose ``Host`` the mock does not serve, or None."""
    header = environ.get("HTTP_HOST")
    if header is None:
        return None
    answered, name = _verdict(header, allowed)
    if answered:
        return None
    if name is None:
        err: ApiError = BadRequest(
            "The Host header is not a host name with an optional port.",
            reason={"code": "malformed_host", "host": header[:SHOWN]},
        )
        return err
    err = http_error(421, f"This mock does not answer under the host name '{name[:SHOWN]}'.")
    err.suggestion = (
        "Use its address (e.g. 127.0.0.1) or localhost, or start it with --allowed-hosts "
        f"{name[:SHOWN]} (EULABEL_MOCK_ALLOWED_HOSTS) to serve this name; see docs/options.md, 'Host names'."
    )
    err.reason = {"code": "misdirected_host", "host": name[:SHOWN]}
    return err
