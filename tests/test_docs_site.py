"""The documentation site: README.md as its home page, every page under docs/ in it, built offline with
warnings as errors. The link rewriting of mkdocs_hooks.py is checked here without MkDocs; the build
itself (the README's docs-site block, run as written) is in the slow tier.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mkdocs_hooks import expand_includes, headings_down, listed_pages, rewrite_links
from tests.support.documentation import of_kind, pages, text
from tests.support.environments import REPO, checkout_copy, derived_venv, run_block


@pytest.mark.parametrize(
    ("link", "on_the_site"),
    [
        ("[Options](docs/options.md)", "[Options](options.md)"),
        ("[Shared](docs/options.md#shared-deployments)", "[Shared](options.md#shared-deployments)"),
        ("[below](#documentation-site)", "[below](#documentation-site)"),
        ("[MkDocs](https://www.mkdocs.org/)", "[MkDocs](https://www.mkdocs.org/)"),
        ("[BENCHMARKS.md](BENCHMARKS.md)", "BENCHMARKS.md"),  # not on the site: its text stays
    ],
)
def test_readme_links_into_docs_point_into_the_site(link: str, on_the_site: str) -> None:
    assert rewrite_links(f"see {link}.", from_readme=True) == f"see {on_the_site}."


@pytest.mark.parametrize(
    ("link", "on_the_site"),
    [
        ("[walkthrough](../README.md#walkthrough-with-curl)", "[walkthrough](index.md#walkthrough-with-curl)"),
        ("[Installing](install.md)", "[Installing](install.md)"),
        ("![The keys page](dashboard-keys.png)", "![The keys page](dashboard-keys.png)"),
        ("[BENCHMARKS.md](../BENCHMARKS.md)", "BENCHMARKS.md"),
        ("[notes](../contract_tests/README.md)", "notes"),
    ],
)
def test_page_links_out_of_docs_go_home_or_keep_their_text(link: str, on_the_site: str) -> None:
    assert rewrite_links(f"see {link}.", from_readme=False) == f"see {on_the_site}."


def test_an_included_file_comes_in_whole_with_its_headings_one_level_down() -> None:
    page = "# The contract suite\n\n<!-- include: contract_tests/README.md -->\n"
    expanded = expand_includes(page, REPO)
    notes = text("contract_tests/README.md")
    assert expanded.startswith("# The contract suite\n") and "<!-- include" not in expanded
    assert expanded.count("\n# ") == 0 and "\n## contract_tests\n" in expanded
    assert expanded.rstrip("\n").endswith(headings_down(notes).rstrip("\n"))
    # Code keeps its comment lines: only headings move.
    assert headings_down("```bash\n# a comment\n```\n# Title\n") == "```bash\n# a comment\n```\n## Title\n"


def test_the_navigation_lists_the_pages_and_the_hook_adds_any_other() -> None:
    nav = __import__("yaml").safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]
    listed = listed_pages(nav)
    assert "index.md" in listed
    assert listed - {"index.md"} <= {page.name for page in pages()}, "mkdocs.yml lists a page that does not exist"


def built_site(tmp_path: Path) -> Path:
    """The README's docs-site block, run as written in a copy of the checkout (whose site/ it fills).

    The copy holds one page more than mkdocs.yml lists, as a page added by someone else would be.
    """
    pytest.importorskip("mkdocs", reason='the docs extra is not installed: pip install -e ".[docs]"')
    checkout = checkout_copy(tmp_path / "eulabel-mock")
    (checkout / "docs" / "added-elsewhere.md").write_text("# Added elsewhere\n\nSee [Options](options.md).\n")
    python = derived_venv(tmp_path / "venv", pip_command=True)
    [block] = of_kind("docs-site")
    run_block(block, checkout, python.parent, NO_MKDOCS_2_WARNING="1")
    return checkout / "site"


@pytest.mark.slow
def test_site_builds_offline_with_warnings_as_errors_and_holds_every_page(tmp_path: Path) -> None:
    site = built_site(tmp_path)
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "Walkthrough with curl" in home and 'href="options/#shared-deployments"' in home
    for page in [*pages(), Path("added-elsewhere.md")]:
        assert (site / page.stem / "index.html").exists(), f"{page.name} is not on the site"
    assert 'href="added-elsewhere/"' in home, "a page mkdocs.yml does not list is not in the navigation"
    suite = (site / "contract-suite" / "index.html").read_text(encoding="utf-8")
    assert 'id="the-verdict"' in suite  # the included notes
    for picture in ("dashboard-keys.png", "dashboard-secret.png", "dashboard-usage.png"):
        assert (site / picture).exists()
    # Offline for readers too: nothing is fetched from another host (fonts, scripts, analytics).
    for html in site.rglob("*.html"):
        fetched = re.findall(r'<(?:link|script|img)[^>]+(?:href|src)="(https?://[^"]+)"', html.read_text("utf-8"))
        assert fetched == [], f"{html.relative_to(site)} fetches {fetched}"
