"""The package's layers import only downwards, as ARCHITECTURE.md draws them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "mock_server"

# What each layer may import from mock_server (besides itself). The leaves import nothing of it.
ALLOWED: dict[str, set[str]] = {
    "json_limits": set(),
    "log_text": set(),
    "key_forms": set(),
    "errors": {"redaction", "json_limits"},
    "redaction": {"json_limits", "key_forms"},
    "state": {"errors", "redaction", "json_limits"},
    "serving": {"errors", "redaction", "json_limits", "log_text"},
    "api": {"errors", "redaction", "json_limits", "state"},
    "control": {"errors", "redaction", "json_limits", "key_forms", "log_text", "state", "api", "serving"},
    "settings": {"errors", "redaction", "json_limits", "state", "serving"},
    "dashboard": {"errors", "redaction", "json_limits", "state", "api", "control"},
}
# Layers that stay free of the web framework, so their rules can be tested without HTTP.
NO_FLASK = {"json_limits", "log_text", "key_forms", "errors", "redaction", "state", "serving", "settings"}


def layer_of(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def imported_modules(path: Path) -> set[str]:
    """Absolute names of the modules ``path`` imports, relative imports resolved against its package."""
    package = ["mock_server", *path.relative_to(PACKAGE).parent.parts]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def layered_modules() -> list[Path]:
    return [p for p in sorted(PACKAGE.rglob("*.py")) if layer_of(p) in ALLOWED]


@pytest.mark.parametrize("path", layered_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_imports_only_layers_below_it(path: Path) -> None:
    layer = layer_of(path)
    reached = {name.split(".")[1] for name in imported_modules(path) if name.startswith("mock_server.")}
    known = set(ALLOWED) | {p.stem for p in PACKAGE.glob("*.py")}
    above = sorted((reached & known) - ALLOWED[layer] - {layer})
    assert not above, f"{path.relative_to(PACKAGE)} ({layer}) imports {above}; allowed: {sorted(ALLOWED[layer])}"


@pytest.mark.parametrize(
    "path", [p for p in layered_modules() if layer_of(p) in NO_FLASK], ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_lower_layers_do_not_import_flask(path: Path) -> None:
    web = sorted(n for n in imported_modules(path) if n.split(".")[0] in ("flask", "werkzeug"))
    assert not web, f"{path.relative_to(PACKAGE)} imports {web}"


def test_every_module_belongs_to_a_layer_or_is_an_entry_point() -> None:
    entry_points = {"__init__", "__main__", "app", "cli", "wsgi", "testing", "pytest_plugin"}
    strays = sorted(
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if layer_of(p) not in ALLOWED and layer_of(p) not in entry_points
    )
    assert not strays, f"modules outside the layers of ARCHITECTURE.md: {strays}"


def test_no_module_is_over_250_lines() -> None:
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 250
    }
    assert not long, f"split these modules: {long}"


def test_the_layer_check_sees_a_violation() -> None:
    # The walk must resolve relative imports, or every check above would pass vacuously.
    names = imported_modules(PACKAGE / "state" / "state.py")
    assert "mock_server.errors" in names
    assert "mock_server.state.key_store" in names
