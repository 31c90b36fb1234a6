"""The project's documentation as the tests read it: README.md, every page under docs/, and the files
a page includes (``<!-- include: PATH -->``, expanded by mkdocs_hooks.py when the site is built).

Every fenced block is tagged ``<!-- readme: KIND -->`` on the line before it, naming how
tests/test_readme.py runs it.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import NamedTuple

from mkdocs_hooks import included
from tests.support.environments import REPO

DOCS = REPO / "docs"
BLOCK = re.compile(r"^(?P<indent>[ ]*)```(?P<lang>\S*)\n(?P<body>.*?)^(?P=indent)```[ ]*$", re.S | re.M)
TAG = re.compile(r"<!-- readme: (?P<kind>[a-z-]+) -->\s*$")
FULL_KEY = re.compile(r"sk_(test|live)_[A-Za-z0-9]{20,}")  # a secret no block may print


class Block(NamedTuple):
    document: str  # its path from the repository's root
    kind: str  # '' when untagged
    code: str

    @property
    def name(self) -> str:
        return f"{self.document}:{self.kind}"


def pages() -> list[Path]:
    """The pages of the site, beside README.md: every docs/*.md, whoever added it."""
    return sorted(DOCS.glob("*.md"))


def documents() -> list[Path]:
    found = [REPO / "README.md", *pages()]
    for page in pages():
        found += [REPO / path for path in included(page.read_text(encoding="utf-8"))]
    return list(dict.fromkeys(found))


def text(document: str) -> str:
    """A document by its path from the repository's root, e.g. ``docs/options.md``."""
    return (REPO / document).read_text(encoding="utf-8")


def blocks() -> list[Block]:
    """Every fenced block of every document, in order."""
    found = []
    for path in documents():
        markdown = path.read_text(encoding="utf-8")
        for match in BLOCK.finditer(markdown):
            before = markdown[: match.start()].rstrip("\n").rsplit("\n", 1)[-1].strip()
            tag = TAG.match(before)
            document = path.relative_to(REPO).as_posix()
            found.append(Block(document, tag["kind"] if tag else "", textwrap.dedent(match["body"])))
    return found


def of_kind(kind: str) -> list[str]:
    return [block.code for block in blocks() if block.kind == kind]


def blocks_of_kind(kind: str) -> list[Block]:
    return [block for block in blocks() if block.kind == kind]
