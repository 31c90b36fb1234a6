"""The package's layers import only downwards, as ARCHITECTURE.md draws them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "mock_server"
CONTRACT = PACKAGE.parent / "contract_tests"
# All the contract suite takes from the mock (ARCHITECTURE.md, "The contract suite"): create_app, to start
# the mock as its default target, and the one function that finds keys in any encoding, to mask reports.
CONTRACT_MAY_IMPORT = {
    "local.py": {
        *("mock_server", "mock_server.create_app"),
        *("mock_server.testing", "mock_server.testing.serve_mock"),
    },
    "redact.py": {"mock_server.redaction", "mock_server.redaction.mask_secrets"},
}

# What each layer may import from mock_server (besides itself). The leaves import nothing of it.
ALLOWED: dict[str, set[str]] = {
    "json_limits": set(),
    "log_text": set(),
    "key_forms": set(),
    "passage": set(),
    "errors": {"redaction", "json_limits"},
    "redaction": {"json_limits", "key_forms"},
    "state": {"errors", "redaction", "json_limits"},
    "handle": {"errors", "redaction", "json_limits", "state"},
    "serving": {"errors", "redaction", "json_limits", "log_text", "passage"},
    "api": {"errors", "redaction", "json_limits", "passage", "state", "handle"},
    "control": {
        *("errors", "redaction", "json_limits", "key_forms", "log_text", "passage"),
        *("state", "handle", "api", "serving"),
    },
    "settings": {"errors", "redaction", "json_limits", "state", "serving"},
    "dashboard": {"errors", "redaction", "json_limits", "state", "handle", "api", "control"},
}
# Layers that stay free of the web framework, so their rules can be tested without HTTP.
NO_FLASK = {
    "json_limits",
    "log_text",
    "key_forms",
    "passage",
    "errors",
    "redaction",
    "state",
    "handle",
    "serving",
    "settings",
}


def layer_of(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def imported_modules(path: Path, root: Path = PACKAGE) -> set[str]:
    """Absolute names of the modules ``path`` imports, relative imports resolved against its package."""
    package = [root.name, *path.relative_to(root).parent.parts]
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
    entry_points = {"__init__", "__main__", "app", "cli", "wsgi", "testing", "client_findings", "pytest_plugin"}
    strays = sorted(
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if layer_of(p) not in ALLOWED and layer_of(p) not in entry_points
    )
    assert not strays, f"modules outside the layers of ARCHITECTURE.md: {strays}"


def test_no_module_is_over_250_lines() -> None:
    long = {
        str(p.relative_to(PACKAGE.parent)): n
        for p in [*PACKAGE.rglob("*.py"), *CONTRACT.glob("*.py")]
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 250
    }
    assert not long, f"split these modules: {long}"


def test_the_layer_check_sees_a_violation() -> None:
    # The walk must resolve relative imports, or every check above would pass vacuously.
    names = imported_modules(PACKAGE / "state" / "state.py")
    assert "mock_server.errors" in names
    assert "mock_server.state.key_store" in names


@pytest.mark.parametrize("path", sorted(CONTRACT.glob("*.py")), ids=lambda p: p.name)
def test_contract_suite_takes_from_the_mock_only_what_starts_it(path: Path) -> None:
    reached = {n for n in imported_modules(path, CONTRACT) if n.split(".")[0] == "mock_server"}
    extra = sorted(reached - CONTRACT_MAY_IMPORT.get(path.name, set()))
    assert not extra, f"contract_tests/{path.name} imports {extra} from the mock (ARCHITECTURE.md: the contract suite)"


def _contract_import_graph() -> dict[str, set[str]]:
    modules = {p.stem for p in CONTRACT.glob("*.py")}
    graph: dict[str, set[str]] = {}
    for path in CONTRACT.glob("*.py"):
        names = imported_modules(path, CONTRACT)
        graph[path.stem] = {
            n.split(".")[1] for n in names if n.startswith("contract_tests.") and n.split(".")[1] in modules
        } - {path.stem}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_contract_suite_modules_import_without_a_cycle() -> None:
    cycle = _cycle(_contract_import_graph())
    assert cycle is None, f"import cycle in contract_tests: {' -> '.join(cycle or [])}"


def test_the_cycle_check_sees_a_cycle() -> None:
    assert _cycle({"client": {"responses"}, "responses": {"client"}}) == ["client", "responses", "client"]
    assert "responses" in _contract_import_graph()["client"]


def _package_import_graph() -> dict[str, set[str]]:
    """Each module of the package and the modules of the package it imports (a name imported
    from a module counts as that module; the package's own ``__init__`` is left out)."""
    modules: dict[str, Path] = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
        modules[name] = path
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        reached = set()
        for imported in imported_modules(path):
            while imported and imported not in modules:
                imported = imported.rpartition(".")[0]
            if imported and imported not in (name, PACKAGE.name):
                reached.add(imported)
        graph[name] = reached
    return graph


def test_the_package_imports_without_a_cycle() -> None:
    cycle = _cycle(_package_import_graph())
    assert cycle is None, f"import cycle in mock_server: {' -> '.join(cycle or [])}"


def test_the_package_cycle_check_sees_its_modules() -> None:
    graph = _package_import_graph()
    assert "mock_server.passage" in graph["mock_server.control.recorder"]
    assert "mock_server.control" in graph["mock_server.control.faults"]  # a name from a package's __init__


# What a request's WSGI environ may be given: CGI names, HTTP_ headers, wsgi.* keys, and the one key the
# mock adds (passage.KEY, its per-request record). Anything else a layer wants to leave for another
# goes on the record, listed in ARCHITECTURE.md.
_STANDARD_ENVIRON_KEY = re.compile(r"HTTP_[A-Z0-9_]+|[A-Z][A-Z_]*|wsgi\.[a-z_]+")


def environ_keys_set(source: str) -> list[str]:
    """The keys ``source`` stores in something named ``environ`` (``environ[k] = ...``,
    ``environ.setdefault(k, ...)``, ``request.environ[k] = ...``), as written."""
    found: list[str] = []

    def is_environ(node: ast.AST) -> bool:
        return (isinstance(node, ast.Name) and node.id == "environ") or (
            isinstance(node, ast.Attribute) and node.attr == "environ"
        )

    for node in ast.walk(ast.parse(source)):
        targets: list[ast.AST] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            for part in ast.walk(target):
                if isinstance(part, ast.Subscript) and is_environ(part.value):
                    found.append(ast.unparse(part.slice))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "setdefault":
            if is_environ(node.func.value) and node.args:
                found.append(ast.unparse(node.args[0]))
    return found


def _loose(key: str) -> bool:
    if key == "KEY":  # passage.KEY, the only name the package stores under
        return False
    literal = key[1:-1] if key[:1] in "'\"" and key[-1:] == key[:1] else None
    if literal is not None:
        return _STANDARD_ENVIRON_KEY.fullmatch(literal) is None
    return key not in ("key", "name")  # a header's environ key worked out from its name


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_a_request_carries_one_key_of_the_mock_in_its_environ(path: Path) -> None:
    loose = [key for key in environ_keys_set(path.read_text(encoding="utf-8")) if _loose(key)]
    assert not loose, f"{path.relative_to(PACKAGE)} stores {loose} in the environ; put it on the request's passage"


def test_the_environ_check_sees_a_loose_key() -> None:
    source = 'environ["eulabel_mock.reason"] = 1\nrequest.environ[REASON] = 2\nenviron.setdefault("x.y", 3)\n'
    assert [key for key in environ_keys_set(source) if _loose(key)] == ["'eulabel_mock.reason'", "REASON", "'x.y'"]
    assert not [k for k in environ_keys_set('environ[KEY] = p\nenviron["HTTP_HOST"] = h\n') if _loose(k)]
