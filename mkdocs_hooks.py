"""MkDocs hooks: the site's home page is README.md, pages may include files, every page is in the nav.

The README stays the repository's front door and the site's first page without a copy: its links
into ``docs/`` are made relative to the site, links from a page back to the README go to the home
page, and links to other files of the repository (which the site does not carry) keep their text.
A page under docs/ that mkdocs.yml does not list yet is added to the navigation's last section, so
a new page is on the site as soon as it exists. A line ``<!-- include: PATH -->`` in a page (PATH
from the repository's root) is replaced by that file, its headings one level down: the file stays where
it belongs (``contract_tests/README.md`` is installed with its package) and GitHub shows the comment as
nothing.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

HOME = "index.md"
README = "README.md"
UNLISTED = "More"
# [text](target) and ![alt](target), not inside code: documentation links are never in code spans.
LINK = re.compile(r"(?P<bang>!?)\[(?P<text>[^\]\n]*)\]\((?P<target>[^)\s]+)\)")
EXTERNAL = re.compile(r"^([a-z][a-z0-9+.-]*:|#|/)", re.I)
INCLUDE = re.compile(r"^<!-- include: (?P<path>\S+) -->[ ]*$", re.M)
FENCE = re.compile(r"^\s*```")


def site_link(target: str, from_readme: bool) -> str | None:
    """Where a link of the README (``from_readme``) or of a page under docs/ points on the site.

    None when the target is a file of the repository that the site does not carry.
    """
    if EXTERNAL.match(target):
        return target
    path, _, anchor = target.partition("#")
    if from_readme:
        if not path.startswith("docs/"):
            return None
        path = path.removeprefix("docs/")
    elif path.startswith("../"):
        if path != "../" + README:
            return None
        path = HOME
    return path + ("#" + anchor if anchor else "")


def rewrite_links(markdown: str, from_readme: bool) -> str:
    def replace(match: re.Match[str]) -> str:
        target = site_link(match["target"], from_readme)
        if target is None:
            return match["text"]
        return f"{match['bang']}[{match['text']}]({target})"

    return LINK.sub(replace, markdown)


def included(markdown: str) -> list[str]:
    """The paths a page includes, from the repository's root."""
    return [match["path"] for match in INCLUDE.finditer(markdown)]


def headings_down(markdown: str) -> str:
    """Every heading one level lower (``#`` becomes ``##``), code blocks left alone."""
    lines, in_code = [], False
    for line in markdown.splitlines(keepends=True):
        if FENCE.match(line):
            in_code = not in_code
        lines.append("#" + line if not in_code and line.startswith("#") else line)
    return "".join(lines)


def expand_includes(markdown: str, root: Path) -> str:
    return INCLUDE.sub(lambda m: headings_down((root / m["path"]).read_text(encoding="utf-8")), markdown)


def listed_pages(nav: Any) -> set[str]:
    """Every page file that a ``nav`` configuration names, at any depth."""
    if isinstance(nav, str):
        return {nav}
    if isinstance(nav, list):
        return set().union(*(listed_pages(item) for item in nav)) if nav else set()
    if isinstance(nav, dict):
        return set().union(*(listed_pages(value) for value in nav.values())) if nav else set()
    return set()


def on_files(files: Any, config: Any) -> Any:
    from mkdocs.structure.files import File

    readme = Path(config["config_file_path"]).parent / README
    files.append(File.generated(config, HOME, content=readme.read_text(encoding="utf-8")))
    nav = config["nav"]
    if nav is not None:
        listed = listed_pages(nav)
        unlisted = sorted(f.src_uri for f in files.documentation_pages() if f.src_uri not in listed)
        if unlisted:
            nav.append({UNLISTED: unlisted})
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    # Links first: an included file's links are relative to where it lives, not to the page.
    markdown = rewrite_links(markdown, from_readme=page.file.src_uri == HOME)
    return expand_includes(markdown, Path(config["config_file_path"]).parent)
