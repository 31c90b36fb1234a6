"""README.md's fenced blocks, each with the kind its ``<!-- readme: KIND -->`` tag names."""

from __future__ import annotations

import re
import textwrap

from tests.support.environments import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
BLOCK = re.compile(r"^(?P<indent>[ ]*)```(?P<lang>\S*)\n(?P<body>.*?)^(?P=indent)```[ ]*$", re.S | re.M)
TAG = re.compile(r"<!-- readme: (?P<kind>[a-z-]+) -->\s*$")
FULL_KEY = re.compile(r"sk_(test|live)_[A-Za-z0-9]{20,}")


def blocks() -> list[tuple[str, str]]:
    """(kind, code) for every fenced block, in order; an untagged block gets the kind ''."""
    found = []
    for match in BLOCK.finditer(README):
        before = README[: match.start()].rstrip("\n").rsplit("\n", 1)[-1].strip()
        tag = TAG.match(before)
        found.append((tag.group("kind") if tag else "", textwrap.dedent(match.group("body"))))
    return found


def of_kind(kind: str) -> list[str]:
    return [code for k, code in blocks() if k == kind]
