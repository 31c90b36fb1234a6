"""The names an exported journal gives recorded values, and the Python source it writes for them.

A recorded id becomes a name the first time an answer shows it (``Capture``), and every later
mention of it (in a path, a body, a message) is written as that name (``Text("{product_1}")``).
A key's secret is never in the journal: the create answer shows it masked, which the export turns
into ``Secret("key_1")``; a request that sent a key sends ``{key_1}`` again, and an answer that
quotes its prefix is compared with ``{key_1_prefix}``.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

# Ids as the answers write them; each kind is numbered apart (key_1_id, product_1, passport_1).
_IDS = (
    (re.compile(r"key_[0-9a-f]{24}"), "key"),
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "product"),
    (re.compile(r"ps_[a-z0-9]{6,}"), "passport"),
)
_MASKED_KEY = re.compile(r"(sk_(?:test|live)_[A-Za-z0-9]{0,4})…")  # a key as the journal masks it
# A key's prefix as an answer shows it: as the mock wrote it (its answers are kept unsearched), or
# cut with "…" where the one masked answer, a created key's, holds it.
_PREFIX = re.compile(r"(sk_(?:test|live)_[A-Za-z0-9]{0,4})…?")
_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?Z")


class Names:
    """Recorded values and the names the replay binds them to, in the order they were met."""

    def __init__(self, start: str = "") -> None:
        self.start = start  # the first call's time: an earlier one (fixtures' data) is not reproduced
        self.bound: dict[str, str] = {}  # recorded value -> name in ``ids``
        self.captured: set[str] = set()  # names the replay has bound by the time the next call runs
        self.prefixes: dict[str, str] = {}  # recorded prefix ("sk_test_abcd") -> the key's name
        self._counts: Counter[str] = Counter()

    def _new(self, kind: str) -> str:
        self._counts[kind] += 1
        return f"{kind}_{self._counts[kind]}"

    def key(self, key_id: str, prefix: str) -> str:
        """Name a key the test creates itself: its id, secret and prefix are bound at once."""
        name = self._new("key")
        self.bound[key_id] = name + "_id"
        self.prefixes[prefix] = name
        self.captured.update({name, name + "_id", name + "_prefix"})
        return name

    def text(self, value: str, request: bool = True) -> str:
        """Source for a recorded string: ``Text(...)`` when it mentions a bound value, else the literal.

        In a request a masked key stands for the whole key (``{key_1}``); in an answer, for its prefix.
        """
        escaped = value.replace("{", "{{").replace("}", "}}")

        def key(match: re.Match[str]) -> str:
            name = self.prefixes.get(match.group(1))
            if request:
                return "{" + (name or "UNKNOWN_KEY") + "}"
            return "{" + name + "_prefix}…" if name else match.group(0)

        template = _MASKED_KEY.sub(key, escaped)
        for recorded, name in sorted(self.bound.items(), key=lambda item: -len(item[0])):
            if recorded in template:
                template = template.replace(recorded, "{" + name + "}")
        for prefix, name in self.prefixes.items():
            template = re.sub(re.escape(prefix) + r"(?![A-Za-z0-9])", "{" + name + "_prefix}", template)
        return f"Text({template!r})" if template != escaped else repr(value)

    def request(self, value: Any) -> str:
        """Source for a request body: recorded ids and keys as their names."""
        if isinstance(value, dict):
            return "{" + ", ".join(f"{self.text(str(k))}: {self.request(v)}" for k, v in value.items()) + "}"
        if isinstance(value, list):
            return "[" + ", ".join(self.request(item) for item in value) + "]"
        return self.text(value) if isinstance(value, str) else repr(value)

    def expected(self, value: Any, field: str | None = None) -> str:
        """Source for an answer's body, binding the ids it shows for the first time."""
        if isinstance(value, dict):
            if isinstance(value.get("secret"), str) and _MASKED_KEY.fullmatch(value["secret"]):
                key = self._new("key")  # a create answer: its id and secret are one key's
                self.prefixes[value["secret"][:-1]] = key
                if isinstance(value.get("id"), str):
                    self.bound.setdefault(value["id"], key + "_id")
                value = {"secret": f"\0{key}", **{k: v for k, v in value.items() if k != "secret"}}
            self._link_prefix(value)
            return "{" + ", ".join(f"{k!r}: {self.expected(v, k)}" for k, v in value.items()) + "}"
        if isinstance(value, list):
            return "[" + ", ".join(self.expected(item) for item in value) + "]"
        if not isinstance(value, str):
            return repr(value)
        if field == "secret" and value.startswith("\0"):
            key = value[1:]
            self.captured.update({key, key + "_prefix"})
            return f"Secret({key!r})"
        shown = _PREFIX.fullmatch(value) if field == "prefix" else None
        if shown is not None:  # a key's prefix, which the journal shows with "…" like a masked key
            key = self.prefixes.get(shown.group(1)) or self.prefixes.setdefault(shown.group(1), self._new("key"))
            return self._named(key + "_prefix")
        name: str | None = self.bound.get(value)
        if name is None:
            kind = next((kind for pattern, kind in _IDS if pattern.fullmatch(value)), None)
            if kind is None and _TIME.fullmatch(value):
                return f"Near({value!r})" if value >= self.start else "Near(None)"
            if kind is None:
                return self.text(value, request=False)
            name = self.bound[value] = self._new(kind) + ("_id" if kind == "key" else "")
        return self._named(name)

    def _named(self, name: str) -> str:
        """``Capture`` the first time the replay meets ``name``, its bound value afterwards."""
        if name not in self.captured:
            self.captured.add(name)
            return f"Capture({name!r})"
        return f"Text({'{' + name + '}'!r})"

    def _link_prefix(self, value: dict[str, Any]) -> None:
        """A listed key's id and prefix name one key, so that a later call can quote either."""
        key_id, shown = value.get("id"), value.get("prefix")
        masked = _PREFIX.fullmatch(shown) if isinstance(shown, str) else None
        if isinstance(key_id, str) and _IDS[0][0].fullmatch(key_id) and masked and masked.group(1) not in self.prefixes:
            key = self.bound.get(key_id, "").removesuffix("_id") or self._new("key")
            self.bound.setdefault(key_id, key + "_id")
            self.prefixes[masked.group(1)] = key
